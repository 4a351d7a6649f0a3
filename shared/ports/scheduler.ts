/** A one-time timer: EventBridge Scheduler in AWS, a small persisted scheduler locally. */
export type ScheduledTask =
  | { task: 'deliver'; deliveryId: string }
  | { task: 'sweep' }
  /** Look at a case's clocks: announce lights, open or escalate supervisions, set the next timers. */
  | { task: 'watch'; caseId: string }
  /** Look at every open case (daily): one page per run, then the next page on a new timer. */
  | { task: 'watch-all'; cursor?: string }
  /** An execution ended without finishing its case. */
  | { task: 'workflow-ended'; execution: string; status: string; cause?: string }
  | { task: 'mend-indexes' };

export interface Scheduler {
  /** Idempotent by name: scheduling a name twice keeps one timer. */
  schedule(name: string, at: Date, task: ScheduledTask): Promise<void>;
  cancel(name: string): Promise<void>;
}

export type Timer = { name: string; at: string; task: ScheduledTask };

/** The local scheduler's timers, kept in the table (infra/local/timer-poller.ts fires them). */
export interface TimerStore {
  putTimer(timer: Timer): Promise<void>;
  /** Timers due at `now` (UTC ISO), earliest first. */
  dueTimers(now: string, limit?: number): Promise<Timer[]>;
  /** Takes a timer: true for exactly one taker, so a timer fires once even with two pollers. */
  takeTimer(name: string, at: string): Promise<boolean>;
  deleteTimer(name: string): Promise<void>;
}
