import type { AuditEvent } from './case.ts';
import type { WorkingCalendar } from './calendar.ts';

export type AcceptanceClock = {
  limitWorkingDays: number;
  usedWorkingDays: number;
  /** Counting now: the case waits for the department's acceptance decision. */
  running: boolean;
  /** Stopped because the applicant is supplementing (D2): that time is not the department's. */
  paused: boolean;
  overdue: boolean;
};

/**
 * The acceptance step's clock (FZ 15 环节时限, D2): working days while the case waits for the
 * department (status `submitted`), not while the applicant supplements; it stops at the decision.
 */
export function acceptanceClock(events: readonly AuditEvent[], calendar: WorkingCalendar, today: string, limitWorkingDays: number): AcceptanceClock {
  let used = 0;
  let since: string | undefined;
  for (const e of events) {
    const day = e.at.slice(0, 10);
    if (e.toStatus === 'submitted' && e.fromStatus !== 'submitted') since = day;
    else if (since !== undefined && e.fromStatus === 'submitted' && e.toStatus !== 'submitted') {
      used += calendar.workingDaysBetween(since, day);
      since = undefined;
    }
  }
  const running = since !== undefined;
  if (running) used += calendar.workingDaysBetween(since!, today);
  const paused = events.at(-1)?.toStatus === 'awaiting_supplement';
  return { limitWorkingDays, usedWorkingDays: used, running, paused, overdue: used > limitWorkingDays };
}
