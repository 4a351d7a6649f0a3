import type { Clock } from '#shared/ports/clock.ts';
import type { ScheduledTask, TimerStore } from '#shared/ports/scheduler.ts';

/**
 * Fires the table's timers when the platform clock reaches them, by invoking the same handler the
 * schedules invoke in AWS. Taking a timer is a conditional delete, so each fires once.
 */
export class TimerPoller {
  private timer?: NodeJS.Timeout;
  private busy = false;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: TimerStore,
    private readonly clock: Clock,
    private readonly fire: (task: ScheduledTask) => Promise<unknown>,
    private readonly log: (msg: string, detail?: unknown) => void = () => {},
  ) {}

  /** Fires every timer due now; returns how many fired. */
  async tick(): Promise<number> {
    let fired = 0;
    for (const t of await this.store.dueTimers(this.clock.now().toISOString())) {
      if (!(await this.store.takeTimer(t.name, t.at))) continue;
      fired += 1;
      await this.fire(t.task).catch((err: Error) => this.log(`timer ${t.name} failed`, { error: err.message }));
    }
    return fired;
  }

  /** Ticks one at a time, so the interval and drain() never fire the same moment twice over. */
  private serial(): Promise<number> {
    const next = this.chain.then(() => this.tick());
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Fires every timer due now, and those their firing makes due, before returning (POST /dev/clock). */
  async drain(): Promise<number> {
    let total = 0;
    for (let n = await this.serial(); n > 0; n = await this.serial()) total += n;
    return total;
  }

  start(intervalMs = 250): void {
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      this.serial()
        .catch((err: Error) => this.log('timer poll failed', { error: err.message }))
        .finally(() => (this.busy = false));
    }, intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
