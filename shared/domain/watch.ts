import { FINAL_STATUSES, type AuditEvent, type CaseRecord, type Command, type Light } from './case.ts';
import type { WorkingCalendar } from './calendar.ts';
import { deadlineOf, isDecision, lightOf, type Deadline } from './deadline.ts';
import { ACCEPTANCE_YELLOW_DAYS, acceptanceDeadline } from './acceptance-clock.ts';
import type { ClockStage } from './case.ts';

/**
 * Electronic supervision of one case (F3, E3): each department's clock and light, and what the
 * watch must do about them. Pure: given the case, its trail, the calendar and today's date, it says
 * which lights to announce, which supervisions to open or escalate, and on which days to look again.
 */

/** Working days a department has to answer a supervision (督办回复时限). */
export const SUPERVISION_RESPONSE_DAYS = 3;
/** Working days after turning red within which a department may explain itself before a supervision opens. */
export const EXPLANATION_WINDOW_DAYS = 1;

export type DeptClock = {
  deptCode: string;
  role: 'lead' | 'co';
  /** Which clock: the lead's acceptance step until it decides on acceptance, then processing. */
  stage: ClockStage;
  deadline: Deadline;
  light: Light;
  /** The clock runs: started, not suspended, not stopped by the decision (lead) or its opinion (co). */
  running: boolean;
};

const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * Each department's clock: the lead's against the acceptance limit until the case is accepted
 * (or refused), then against the promised limit; each co-department's against its opinion limit.
 */
export function clocksOf(record: CaseRecord, events: readonly AuditEvent[], calendar: WorkingCalendar, today: string): DeptClock[] {
  const clocks: DeptClock[] = [leadClock(record, events, calendar, today)];
  const opinionDays = record.limits.opinionDays ?? record.limits.promisedDays;
  for (const deptCode of record.coDepartments) {
    const stops = (e: AuditEvent) => isDecision(e) || (e.type === 'case.opinion_given' && e.actor.id === deptCode);
    const d = deadlineOf(events, calendar, today, { promisedDays: opinionDays, statutoryDays: opinionDays }, stops);
    clocks.push({ deptCode, role: 'co', stage: 'processing', deadline: d, light: lightOf(d, opinionDays), running: runs(d) });
  }
  return clocks;
}

function leadClock(record: CaseRecord, events: readonly AuditEvent[], calendar: WorkingCalendar, today: string): DeptClock {
  const base = { deptCode: record.leadDepartment, role: 'lead' as const };
  if (!events.some((e) => e.type === 'case.accepted')) {
    const d = acceptanceDeadline(events, calendar, today, record.limits.acceptanceDays);
    return { ...base, stage: 'acceptance', deadline: d, light: lightOf(d, record.limits.acceptanceDays, ACCEPTANCE_YELLOW_DAYS), running: runs(d) };
  }
  const d = deadlineOf(events, calendar, today, record.limits);
  return { ...base, stage: 'processing', deadline: d, light: lightOf(d, record.limits.promisedDays, record.limits.yellowDays), running: runs(d) };
}

/**
 * Cases the platform looks after: every case not yet final (its workflow must be running, its
 * clocks watched), and any case with a supervision still open (even once decided).
 */
export const isWatched = (record: Pick<CaseRecord, 'status' | 'supervisions'>) =>
  !FINAL_STATUSES.has(record.status) || (record.supervisions ?? []).some((s) => s.status === 'open');

const runs = (d: Deadline) => d.started && !d.paused && !d.stoppedOn;

/** Statuses in which a clock runs: the acceptance step (submitted) and processing (accepted). */
const WATCHED_STATUSES: ReadonlySet<CaseRecord['status']> = new Set(['submitted', 'accepted']);

/** The departments whose clock is red, the lead first: "who is late". */
export const lateDepartments = (clocks: DeptClock[]) => clocks.filter((c) => c.light === 'red').map((c) => c.deptCode);

/** The next days on which a running clock's light changes (at most one yellow and one red). */
function lightChangeDays(clockOn: (day: string) => DeptClock, today: string, horizon = 800): string[] {
  const days: string[] = [];
  let light = clockOn(today).light;
  let day = today;
  for (let i = 0; i < horizon && light !== 'red'; i++) {
    day = nextDay(day);
    const next = clockOn(day).light;
    if (next !== light) days.push(day);
    light = next;
  }
  return days;
}

const previousDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** The day a clock's light took its present colour (not the day the watch happened to look). */
function sinceDay(clockOn: (day: string) => DeptClock, today: string, light: Light): string {
  let day = today;
  for (let i = 0; i < 800; i++) {
    const before = previousDay(day);
    const c = clockOn(before);
    if (!c.deadline.started || c.light !== light) break;
    day = before;
  }
  return day;
}

type WatchCommand = Extract<Command, { type: 'signal' | 'open_supervision' | 'escalate_supervision' }>;

/**
 * What is due on the case today, in order: lights to announce (only changes, so a second look
 * changes nothing), supervisions to open for red clocks left unexplained for a working day, and
 * supervisions to escalate whose answer is overdue. Supervision ids are supplied by the caller.
 */
export function dueActions(
  record: CaseRecord,
  events: readonly AuditEvent[],
  calendar: WorkingCalendar,
  today: string,
  newSupervisionId: () => string,
): WatchCommand[] {
  const actions: WatchCommand[] = [];
  if (WATCHED_STATUSES.has(record.status)) {
    for (const [i, c] of clocksOf(record, events, calendar, today).entries()) {
      if (!c.running) continue;
      const announced = record.lights?.[c.deptCode];
      // Announced for this clock (an acceptance red does not make the processing clock's red).
      const sameClock = (announced?.stage ?? 'processing') === c.stage;
      // The stored light always follows the running clock: when processing starts after a red
      // acceptance step, it is announced green again.
      if (c.light !== (announced?.light ?? 'green')) {
        const since = sinceDay((d) => clocksOf(record, events, calendar, d)[i]!, today, c.light);
        actions.push({ type: 'signal', deptCode: c.deptCode, stage: c.stage, light: c.light, since, due: c.deadline.promisedDue!, remainingWorkingDays: c.deadline.remainingWorkingDays! });
      }
      if (c.light === 'red' && announced?.light === 'red' && sameClock && today >= supervisionCheckDay(calendar, announced.on) && !explainedSince(record, events, c.deptCode, announced.on)) {
        const respondBy = calendar.addWorkingDays(today, SUPERVISION_RESPONSE_DAYS).due;
        actions.push({ type: 'open_supervision', supervisionId: newSupervisionId(), deptCode: c.deptCode, stage: c.stage, respondBy });
      }
    }
  }
  for (const s of record.supervisions ?? []) {
    if (s.status === 'open' && s.level === 1 && today > s.respondBy) {
      actions.push({ type: 'escalate_supervision', supervisionId: s.supervisionId, respondBy: calendar.addWorkingDays(today, SUPERVISION_RESPONSE_DAYS).due });
    }
  }
  return actions;
}

const supervisionCheckDay = (calendar: WorkingCalendar, redOn: string) => calendar.addWorkingDays(redOn, EXPLANATION_WINDOW_DAYS).due;

/** Whether the department explained the delay, or a supervision was already opened, since the light turned red. */
function explainedSince(record: CaseRecord, events: readonly AuditEvent[], deptCode: string, redOn: string): boolean {
  const explained = events.some((e) => e.type === 'case.delay_explained' && e.actor.id === deptCode && e.at.slice(0, 10) >= redOn);
  return explained || (record.supervisions ?? []).some((s) => s.deptCode === deptCode && s.openedOn >= redOn);
}

/**
 * The days (Shanghai dates) on which the watch must look at the case again: each running clock's
 * next light changes, the end of the explanation window of an unexplained red light, and the day
 * after each open supervision's answer is due. Suspended and decided cases have no light days.
 */
export function watchDays(record: CaseRecord, events: readonly AuditEvent[], calendar: WorkingCalendar, today: string): string[] {
  const days = new Set<string>();
  if (WATCHED_STATUSES.has(record.status)) {
    const clocks = clocksOf(record, events, calendar, today);
    for (const [i, c] of clocks.entries()) {
      if (!c.running) continue;
      for (const day of lightChangeDays((d) => clocksOf(record, events, calendar, d)[i]!, today)) days.add(day);
      const announced = record.lights?.[c.deptCode];
      if (announced?.light === 'red' && (announced.stage ?? 'processing') === c.stage && !explainedSince(record, events, c.deptCode, announced.on)) {
        days.add(supervisionCheckDay(calendar, announced.on));
      }
    }
  }
  for (const s of record.supervisions ?? []) if (s.status === 'open' && s.level === 1) days.add(nextDay(s.respondBy));
  return [...days].sort();
}
