import type { DynamoStore } from '../dynamodb/store.ts';
import type { ScheduledTask, Scheduler } from '../../ports/index.ts';

/**
 * Timers kept in the single table: the local runtime's stand-in for EventBridge Scheduler
 * (infra/local/timer-poller.ts fires them on the platform clock). They survive restarts.
 */
export class TableScheduler implements Scheduler {
  constructor(private readonly store: DynamoStore) {}

  async schedule(name: string, at: Date, task: ScheduledTask): Promise<void> {
    await this.store.putTimer(name, at.toISOString(), task);
  }

  async cancel(name: string): Promise<void> {
    await this.store.deleteTimer(name);
  }
}
