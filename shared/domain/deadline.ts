import type { AuditEvent, Light } from './case.ts';
import type { WorkingCalendar } from './calendar.ts';
import { chineseDate } from '../time.ts';

export type Deadline = {
  started: boolean;
  promisedDue?: string;
  statutoryDue?: string;
  /** Promised working days left (negative when past due); frozen once the case is decided. */
  remainingWorkingDays?: number;
  paused: boolean;
  /** Working days added by extensions. */
  extendedDays?: number;
  /** Working days not counted because the case was suspended. */
  pausedDays?: number;
  /** The day the clock stopped (the decision; a co-department's opinion). */
  stoppedOn?: string;
  explanation: string[];
};

const DECIDED = new Set(['approved', 'denied', 'completed', 'withdrawn', 'rejected']);

/** The step that ends processing: the decision (or a withdrawal), the first time the status reaches it. */
export const isDecision = (e: AuditEvent) => DECIDED.has(e.toStatus) && e.fromStatus !== e.toStatus;

/**
 * The processing clock (F1, F2), derived from the audit trail: promised and statutory limits in
 * working days from the day after acceptance; suspension (中止) stops it, extension (延期) adds to
 * it; the decision stops it. `explanation` says in plain Chinese how each date was reached.
 */
export function deadlineOf(
  events: readonly AuditEvent[],
  calendar: WorkingCalendar,
  today: string,
  limits: { promisedDays: number; statutoryDays: number },
  /** The step that stops this clock: by default the decision; a co-department's clock stops at its opinion. */
  stopsAt: (e: AuditEvent) => boolean = isDecision,
): Deadline {
  const accepted = events.find((e) => e.type === 'case.accepted');
  if (!accepted) return { started: false, paused: false, explanation: ['尚未受理：办理时限自受理之日的次日起计算。'] };
  const acceptedOn = accepted.at.slice(0, 10);
  const explanation = [
    `${chineseDate(acceptedOn)}受理；承诺时限${limits.promisedDays}个工作日、法定时限${limits.statutoryDays}个工作日，自受理次日起按工作日计算（法定节假日不计，调休上班日计入）。`,
  ];
  let paused = 0;
  let extended = 0;
  let suspendedOn: string | undefined;
  let suspendReason = '';
  let decidedOn: string | undefined;
  for (const e of events) {
    const day = e.at.slice(0, 10);
    if (e.type === 'case.suspended') {
      suspendedOn = day;
      // The expected duration (中断时限, CQ 35) is said when the department gave one.
      suspendReason = String(e.data?.reason ?? '') + (e.data?.workingDays ? `，预计${Number(e.data.workingDays)}个工作日` : '');
    } else if (e.type === 'case.resumed' && suspendedOn) {
      const days = calendar.workingDaysBetween(suspendedOn, day);
      paused += days;
      explanation.push(`${chineseDate(suspendedOn)}中止（${suspendReason}），${chineseDate(day)}恢复，中止期间${days}个工作日不计入时限。`);
      suspendedOn = undefined;
    } else if (e.type === 'case.extended') {
      const days = Number(e.data?.workingDays ?? 0);
      extended += days;
      explanation.push(`${chineseDate(day)}延长${days}个工作日（${String(e.data?.reason ?? '')}）。`);
    } else if (!decidedOn && e.seq > accepted.seq && stopsAt(e)) {
      decidedOn = day;
    }
  }
  const end = decidedOn ?? today;
  if (suspendedOn) {
    const days = calendar.workingDaysBetween(suspendedOn, end);
    paused += days;
    explanation.push(`${chineseDate(suspendedOn)}起中止（${suspendReason}），时限暂停计算，至今已中止${days}个工作日。`);
  }
  const promised = calendar.addWorkingDays(acceptedOn, limits.promisedDays + paused + extended);
  const statutory = calendar.addWorkingDays(acceptedOn, limits.statutoryDays + paused + extended);
  const remaining =
    end <= promised.due ? calendar.workingDaysBetween(end, promised.due) : -calendar.workingDaysBetween(promised.due, end);
  explanation.push(`承诺办结日为${chineseDate(promised.due)}，法定办结日为${chineseDate(statutory.due)}。`);
  if (decidedOn) explanation.push(`${chineseDate(decidedOn)}已作出决定，计时停止。`);
  for (const year of new Set([...promised.unknownYears, ...statutory.unknownYears])) {
    explanation.push(`${year}年的节假日安排尚未公布，暂按周末休息计算，公布后自动更正。`);
  }
  return {
    started: true,
    promisedDue: promised.due,
    statutoryDue: statutory.due,
    remainingWorkingDays: remaining,
    paused: !!suspendedOn && !decidedOn,
    extendedDays: extended,
    pausedDays: paused,
    ...(decidedOn ? { stoppedOn: decidedOn } : {}),
    explanation,
  };
}

/**
 * Yellow from this many promised working days left: the item's own threshold when its guide sets
 * one, otherwise 20 % of the promised limit, at least one day.
 */
export const yellowThreshold = (promisedDays: number, override?: number) => override ?? Math.max(1, Math.round(promisedDays * 0.2));

/** F3: yellow near the promised due, red once it has passed; frozen at the decision like the clock. */
export function lightOf(deadline: Deadline, promisedDays: number, yellowDays?: number): Light {
  if (!deadline.started || deadline.remainingWorkingDays === undefined) return 'green';
  if (deadline.remainingWorkingDays < 0) return 'red';
  return deadline.remainingWorkingDays <= yellowThreshold(promisedDays, yellowDays) ? 'yellow' : 'green';
}
