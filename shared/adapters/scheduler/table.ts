import type { ScheduledTask, Scheduler, TimerStore } from '../../ports/scheduler.ts';

/**
 * Timers kept in the single table: the local runtime's stand-in for EventBridge Scheduler
 * (infra/local/timer-poller.ts fires them on the platform clock). They survive restarts.
 */
export class TableScheduler implements Scheduler {
  constructor(private readonly timers: TimerStore) {}

  async schedule(name: string, at: Date, task: ScheduledTask): Promise<void> {
    await this.timers.putTimer({ name, at: at.toISOString(), task });
  }

  async cancel(name: string): Promise<void> {
    await this.timers.deleteTimer(name);
  }
}
