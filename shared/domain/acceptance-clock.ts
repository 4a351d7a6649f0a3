import type { AuditEvent } from './case.ts';
import type { WorkingCalendar } from './calendar.ts';
import { lightOf, type Deadline } from './deadline.ts';
import { chineseDate } from '../time.ts';

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
  return clockOf(acceptanceDeadline(events, calendar, today, limitWorkingDays), limitWorkingDays);
}

const clockOf = (d: Deadline, limitWorkingDays: number): AcceptanceClock => {
  const used = limitWorkingDays - d.remainingWorkingDays!;
  return { limitWorkingDays, usedWorkingDays: used, running: !d.paused && !d.stoppedOn, paused: d.paused, overdue: used > limitWorkingDays };
};

/** The acceptance clock as a case shows it: the clock, its due date, the days left and its light, from one reading of the trail. */
export function acceptanceView(events: readonly AuditEvent[], calendar: WorkingCalendar, today: string, limitWorkingDays: number) {
  const d = acceptanceDeadline(events, calendar, today, limitWorkingDays);
  return {
    ...clockOf(d, limitWorkingDays),
    ...(d.promisedDue ? { due: d.promisedDue } : {}),
    remainingWorkingDays: d.remainingWorkingDays!,
    light: lightOf(d, limitWorkingDays, ACCEPTANCE_YELLOW_DAYS),
  };
}

/**
 * The acceptance step's clock as a deadline (D1, FZ 15), so it gets lights and supervision like
 * the processing clock: `acceptanceDays` working days while the case waits for the department,
 * paused while the applicant supplements, stopped by the department's decision (accept, reject)
 * or a withdrawal. Yellow on the last day, red once it has passed.
 */
export function acceptanceDeadline(events: readonly AuditEvent[], calendar: WorkingCalendar, today: string, limitWorkingDays: number): Deadline {
  let closed = 0;
  let since: string | undefined;
  let stoppedOn: string | undefined;
  for (const e of events) {
    const day = e.at.slice(0, 10);
    if (e.toStatus === 'submitted' && e.fromStatus !== 'submitted') since = day;
    else if (since !== undefined && e.fromStatus === 'submitted' && e.toStatus !== 'submitted') {
      closed += calendar.workingDaysBetween(since, day);
      since = undefined;
      if (e.toStatus !== 'awaiting_supplement') stoppedOn = day;
    } else if (e.fromStatus === 'awaiting_supplement' && e.toStatus !== 'submitted' && e.toStatus !== 'awaiting_supplement') {
      stoppedOn = day; // withdrawn while supplementing
    }
  }
  const used = closed + (since !== undefined ? calendar.workingDaysBetween(since, today) : 0);
  const remaining = limitWorkingDays - used;
  const due = since !== undefined ? calendar.addWorkingDays(since, Math.max(1, limitWorkingDays - closed)).due : undefined;
  const explanation = [
    `受理时限${limitWorkingDays}个工作日，自提交（或补正）次日起按工作日计算，申请人补正期间不计；已用${used}个工作日。`,
    ...(due ? [`应于${chineseDate(due)}前作出受理决定。`] : []),
    ...(stoppedOn ? [`${chineseDate(stoppedOn)}已作出受理决定，计时停止。`] : []),
  ];
  return {
    started: true,
    ...(due ? { promisedDue: due, statutoryDue: due } : {}),
    remainingWorkingDays: remaining,
    paused: since === undefined && !stoppedOn,
    ...(stoppedOn ? { stoppedOn } : {}),
    explanation,
  };
}

/** Yellow only on the acceptance step's last day: its limits are a day or two. */
export const ACCEPTANCE_YELLOW_DAYS = 0;
