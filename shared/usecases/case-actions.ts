import { decide } from '../domain/decide.ts';
import { type Actor, type AuditEvent, type CaseDocument, type CaseRecord, type Command } from '../domain/case.ts';
import { deadlineOf } from '../domain/deadline.ts';
import { metricsFor } from '../domain/actions/index.ts';
import { watchDays } from '../domain/watch.ts';
import type { WorkingCalendar } from '../domain/calendar.ts';
import { isWaitOver } from '../domain/workflow.ts';
import { NotFound } from '../errors.ts';
import { retrying } from './retry.ts';
import { DuplicateCompanion } from '../errors.ts';
import type { Companion } from '../ports/cases.ts';
import { shanghaiDate, toShanghaiIso } from '../time.ts';
import { calendarOf } from './calendar.ts';
import { deliveriesFor, enqueue, scheduleFirstAttempts } from './deliveries.ts';
import type { Deps } from './deps.ts';
import { watchCase } from './watch.ts';
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

/** One action on a case: the case, the calendar, and the follow-ups — waking the workflow, webhooks, the watch, metrics. */
export type CaseActionDeps = Pick<Deps, 'cases' | 'scheduler' | 'workflow' | 'clock' | 'realClock' | 'calendars' | 'defaultArrangement' | 'metrics'>;

/**
 * One action on a case: decide the transition, write it with its audit event in one transaction
 * (retrying when someone else changed the case meanwhile — the decision is then taken again on
 * the fresh case, and may well be refused), then wake the workflow steps that were waiting for it.
 */
export async function actOnCase(
  deps: CaseActionDeps,
  actor: CaseActor,
  action: Action,
  opts: {
    webhookId?: string;
    companions?: Companion[];
    /** Rules of the command that need the case as read (e.g. which materials its guide has); throws to refuse. */
    check?: (record: CaseRecord) => void;
    /** Notices to issue with this step, made from the case as it will be. */
    documents?: (record: CaseRecord) => Promise<CaseDocument[]>;
  } = {},
): Promise<{ record: CaseRecord; duplicate: boolean }> {
  const calendar = await calendarOf(deps);
  const committed = await retrying(async () => {
    const { record, events } = await caseWithEventsFor(deps, actor, action.caseId);
    opts.check?.(record);
    const at = toShanghaiIso(deps.clock.now());
    // Decide once to be refused early (before any notice is made), then with the notices.
    let decided = decide(record, action.command, actor, at, { note: action.note });
    if (opts.documents) decided = decide(record, action.command, actor, at, { note: action.note, documents: await opts.documents(decided.record) });
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
    ];
    try {
      await deps.cases.commit({ record: decided.record, event: decided.event, expectedVersion: record.version, companions });
    } catch (err) {
      if (err instanceof DuplicateCompanion && err.has('rememberWebhook')) return { duplicateOf: record, decided: undefined };
      throw err;
    }
    logCaseChange(decided.event);
    return { record, events, decided, deliveries };
  });
  if (!committed.decided) return { record: committed.duplicateOf, duplicate: true };
  const { record, events, decided, deliveries } = committed;
  deps.metrics.emit(metricsFor(decided.record, decided.event));
  // Three independent follow-ups of the commit: wake the workflow, send the webhooks, and look
  // at the clocks (accepted, suspended, resumed, extended, decided, explained…).
  await Promise.all([
    resumeWaitsOver(deps, decided.record),
    scheduleFirstAttempts(deps, deliveries),
    watchCase(deps, record.caseId, {
      previousDays: watchDays(record, events, calendar, shanghaiDate(deps.clock.now())),
      current: { record: decided.record, events: [...events, decided.event] },
    }),
  ]);
  return { record: decided.record, duplicate: false };
}

/**
 * Wakes every workflow step whose wait this change ended. Called after the commit: a step that
 * registers its wait later checks the case itself, so no wake-up is lost either way.
 */
export async function resumeWaitsOver(deps: Pick<Deps, 'cases' | 'workflow'>, record: CaseRecord): Promise<void> {
  const waits = await deps.cases.listWaits(record.caseId);
  await Promise.all(
    waits
      .filter((w) => isWaitOver(record, w))
      .map(async (w) => {
        await deps.workflow.resume(w.token, { status: record.status });
        await deps.cases.deleteWait(record.caseId, w);
      }),
  );
}
