import type { Notice } from '../domain/records.ts';

/**
 * A file a step records and a follow-up writes: a notice rendered (the department's name is
 * looked up when it is rendered), an upload pinned (copied), or a JSON document kept.
 */
export type FileJob =
  | { kind: 'notice'; objectKey: string; deptCode: string; notice: Omit<Notice, 'department'> }
  /** `etag`: the object as checked; one written since is not copied. */
  | { kind: 'copy'; from: string; objectKey: string; etag: string }
  | { kind: 'json'; objectKey: string; body: string };

/**
 * What a committed step leaves to do, written in the step's own transaction, so nothing is lost
 * between the commit and the work: its files, its webhooks' first attempts, waking the workflow
 * steps waiting on the case, starting its workflow, and a look at its clocks. Run once the
 * request is answered (a DynamoDB stream in AWS, the timer poller locally); every part may run
 * twice and changes nothing the second time.
 */
export type FollowUp = {
  task: 'follow-up';
  caseId: string;
  /** The case's version the step wrote: one follow-up per step. */
  version: number;
  files?: FileJob[];
  deliveries?: string[];
  /** Wake the workflow steps whose wait this step ended. */
  resume?: boolean;
  /** The workflow attempt to start (filing: the first, counted by the filing's transaction). */
  startAttempt?: number;
  /** The days the watch had planned before the step (their timers move with the step). */
  previousWatchDays?: string[];
};

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
