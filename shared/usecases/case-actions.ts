import { decide } from '../domain/decide.ts';
import { type Actor, type AuditEvent, type CaseDocument, type CaseRecord, type Command } from '../domain/case.ts';
import { deadlineOf } from '../domain/deadline.ts';
import { metricsFor } from '../domain/actions/index.ts';
import { watchDays } from '../domain/watch.ts';
import type { WorkingCalendar } from '../domain/calendar.ts';
import { NotFound } from '../errors.ts';
import { retrying } from './retry.ts';
import { DuplicateCompanion } from '../errors.ts';
import type { Companion } from '../ports/cases.ts';
import { shanghaiDate, toShanghaiIso } from '../time.ts';
import { calendarOf } from './calendar.ts';
import { deliveriesFor, enqueue } from './deliveries.ts';
import { followUpOf } from './follow-ups.ts';
import type { FileJob } from '../domain/follow-up.ts';
import type { Deps } from './deps.ts';
import { logCaseChange } from '../log.ts';

export type CaseActor = Extract<Actor, { kind: 'department' | 'applicant' }>;
export type Action = { caseId: string; command: Command; note?: string };

function involves(record: CaseRecord, actor: CaseActor): boolean {
  if (actor.kind === 'applicant') return record.applicant.id === actor.id;
  return record.leadDepartment === actor.id || record.coDepartments.includes(actor.id);
}

/** The case as this actor may see it; anyone else learns nothing (404). */
export async function caseFor(deps: Pick<Deps, 'cases'>, actor: CaseActor, caseId: string): Promise<CaseRecord> {
  const record = await deps.cases.get(caseId);
  if (!record || !involves(record, actor)) throw new NotFound(`no case ${caseId}`);
  return record;
}

/** The case and its trail as this actor may see them. */
async function caseWithEventsFor(deps: Pick<Deps, 'cases'>, actor: CaseActor, caseId: string): Promise<{ record: CaseRecord; events: AuditEvent[] }> {
  const found = await deps.cases.getWithEvents(caseId);
  if (!found || !involves(found.record, actor)) throw new NotFound(`no case ${caseId}`);
  return found;
}

/** F4: a decision records how many working days it took and whether it kept the promised limit. */
function withOutcome(record: CaseRecord, events: AuditEvent[], calendar: WorkingCalendar): CaseRecord {
  const last = events.at(-1)!;
  if (last.type !== 'case.approved' && last.type !== 'case.denied') return record;
  const d = deadlineOf(events, calendar, last.at.slice(0, 10), record.limits);
  if (!d.started || d.remainingWorkingDays === undefined) return record;
  const usedWorkingDays = record.limits.promisedDays + (d.extendedDays ?? 0) - d.remainingWorkingDays;
  return { ...record, outcome: { decidedOn: last.at.slice(0, 10), usedWorkingDays, onTime: d.remainingWorkingDays >= 0 } };
}

/** One action on a case: the case, the calendar, metrics, and the follow-up it leaves (case time). */
export type CaseActionDeps = Pick<Deps, 'cases' | 'clock' | 'realClock' | 'calendars' | 'defaultArrangement' | 'metrics'>;

/**
 * One action on a case: decide the transition, write it with its audit event in one transaction
 * (retrying when someone else changed the case meanwhile — the decision is then taken again on
 * the fresh case, and may well be refused). The same transaction leaves a follow-up — the
 * notices' files, the webhooks' first attempts, waking the workflow, the watch — run once the
 * request is answered (follow-ups.ts).
 */
export async function actOnCase(
  deps: CaseActionDeps,
  actor: CaseActor,
  action: Action,
  opts: {
    webhookId?: string;
    companions?: Companion[];
    /** Files the step records that its follow-up writes (a supplement's pinned materials). */
    files?: FileJob[];
    /** Rules of the command that need the case as read (e.g. which materials its guide has); throws to refuse. */
    check?: (record: CaseRecord) => void;
    /** Notices to issue with this step, made from the case as it will be. */
    notices?: (record: CaseRecord) => { documents: CaseDocument[]; files: FileJob[] };
  } = {},
): Promise<{ record: CaseRecord; duplicate: boolean }> {
  const calendar = await calendarOf(deps);
  const committed = await retrying(async () => {
    const { record, events } = await caseWithEventsFor(deps, actor, action.caseId);
    opts.check?.(record);
    const at = toShanghaiIso(deps.clock.now());
    // Decide once to be refused early (before any notice is drafted), then with the notices.
    let decided = decide(record, action.command, actor, at, { note: action.note });
    const notices = opts.notices?.(decided.record);
    if (notices?.documents.length) decided = decide(record, action.command, actor, at, { note: action.note, documents: notices.documents });
    decided.record = withOutcome(decided.record, [...events, decided.event], calendar);
    const deliveries = deliveriesFor(deps, decided.record, decided.event);
    const outcome = decided.record.outcome;
    const companions: Companion[] = [
      ...(opts.companions ?? []),
      ...(outcome && !record.outcome
        ? [{ kind: 'countDecision' as const, deptCode: record.leadDepartment, month: outcome.decidedOn.slice(0, 7), usedWorkingDays: outcome.usedWorkingDays, onTime: outcome.onTime }]
        : []),
      ...enqueue(deliveries),
      ...(opts.webhookId && actor.kind === 'department'
        ? [{ kind: 'rememberWebhook' as const, deptCode: actor.id, webhookId: opts.webhookId, expiresAt: new Date(deps.realClock.now().getTime() + 24 * 3600_000) }]
        : []),
      followUpOf(deps, {
        caseId: record.caseId,
        version: decided.record.version,
        files: [...(opts.files ?? []), ...(notices?.files ?? [])],
        deliveries: deliveries.map((d) => d.deliveryId),
        resume: true,
        previousWatchDays: watchDays(record, events, calendar, shanghaiDate(deps.clock.now())),
      }),
    ];
    try {
      await deps.cases.commit({ record: decided.record, event: decided.event, expectedVersion: record.version, companions });
    } catch (err) {
      if (err instanceof DuplicateCompanion && err.has('rememberWebhook')) return { duplicateOf: record, decided: undefined };
      throw err;
    }
    logCaseChange(decided.event);
    return { decided };
  });
  if (!committed.decided) return { record: committed.duplicateOf, duplicate: true };
  const { decided } = committed;
  deps.metrics.emit(metricsFor(decided.record, decided.event));
  return { record: decided.record, duplicate: false };
}

const SYSTEM = { kind: 'system' as const, id: 'workflow' as const };

/**
 * A step the platform takes itself (the completion, the mailing): decided on the case as read,
 * written with its deliveries (webhooks, the applicant's SMS), any companions and its follow-up in
 * one transaction. Throws as a commit does (the caller's retrying() reads the case again).
 */
export async function commitSystemStep(
  deps: Pick<Deps, 'cases' | 'clock'>,
  record: CaseRecord,
  command: Command,
  at: string,
  opts: { companions?: Companion[]; followUp?: Omit<Parameters<typeof followUpOf>[1], 'caseId' | 'version' | 'deliveries'> } = {},
): Promise<{ record: CaseRecord; event: AuditEvent }> {
  const { record: next, event } = decide(record, command, SYSTEM, at);
  const deliveries = deliveriesFor(deps, next, event);
  await deps.cases.commit({
    record: next,
    event,
    expectedVersion: record.version,
    companions: [...(opts.companions ?? []), ...enqueue(deliveries), followUpOf(deps, { ...opts.followUp, caseId: record.caseId, version: next.version, deliveries: deliveries.map((d) => d.deliveryId) })],
  });
  logCaseChange(event);
  return { record: next, event };
}
