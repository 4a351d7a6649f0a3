import type { FollowUp } from '../domain/follow-up.ts';

/** Every follow-up's timer name starts so (the stream's filter in AWS picks them out by it). */
export const FOLLOW_UP_PREFIX = 'followup-';
/** One follow-up per step: the case and the version the step wrote. */
export const followUpTimerName = (caseId: string, version: number) => `${FOLLOW_UP_PREFIX}${caseId}-${version}`;

/** A one-time timer: EventBridge Scheduler in AWS, a small persisted scheduler locally. */
export type ScheduledTask =
  | FollowUp
  | { task: 'deliver'; deliveryId: string }
  | { task: 'sweep' }
  /** Look at a case's clocks: announce lights, open or escalate supervisions, set the next timers. */
  | { task: 'watch'; caseId: string }
  /** Look at every open case (daily): one page per run, then the next page on a new timer. */
  | { task: 'watch-all'; cursor?: string }
  /** An execution ended without finishing its case. */
  | { task: 'workflow-ended'; execution: string; status: string; cause?: string }
  | { task: 'mend-indexes' }
  /** S3 stored a file (EventBridge's Object Created in AWS; the local file store's front likewise). */
  | { task: 'upload-stored'; key: string };

export interface Scheduler {
  /** Idempotent by name: scheduling a name twice keeps one timer. */
  schedule(name: string, at: Date, task: ScheduledTask): Promise<void>;
  cancel(name: string): Promise<void>;
}

export type Timer = { name: string; at: string; task: ScheduledTask };

/** The local scheduler's timers, kept in the table (infra/local/timer-poller.ts fires them). */
export interface TimerStore {
  putTimer(timer: Timer): Promise<void>;
  /** A timer as it is now (read consistently), or undefined once taken. */
  getTimer(name: string): Promise<Timer | undefined>;
  /** Timers due at `now` (UTC ISO), earliest first. */
  dueTimers(now: string, limit?: number): Promise<Timer[]>;
  /** Takes a timer: true for exactly one taker, so a timer fires once even with two pollers. */
  takeTimer(name: string, at: string): Promise<boolean>;
  /**
   * Holds a timer while it runs: moves it from its `at` to `until`, true for exactly one taker.
   * A runner that dies leaves it to come due again at `until`; one that finishes takes it.
   */
  leaseTimer(timer: Timer, until: string): Promise<boolean>;
  deleteTimer(name: string): Promise<void>;
}
