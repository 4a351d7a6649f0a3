import type { Clock } from '#shared/ports/clock.ts';
import type { Timer, TimerStore } from '#shared/ports/scheduler.ts';

/** How long a fired timer is held: a runner that dies (or fails) leaves it to fire again then. */
export const LEASE_MS = 2 * 60_000;

/** What `fire` answers when its handler took the timer off the table itself: nothing is left to take. */
export const TAKEN = 'taken';

/**
 * Fires the table's timers when the platform clock reaches them, by invoking the same handler the
 * schedules (or, for the steps' follow-ups, the table's stream) invoke in AWS. A timer is leased
 * while it runs (a conditional write: one taker) and taken when it is done, so each fires once
 * and none is lost when the process dies or the handler fails: it comes due again.
 */
export class TimerPoller {
  private timer?: NodeJS.Timeout;
  private busy = false;
  private kicked = false;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: TimerStore,
    private readonly clock: Clock,
    /** Runs a timer's task; `'taken'` when the handler took the timer itself (a follow-up does). */
    private readonly fire: (timer: Timer) => Promise<unknown>,
    private readonly log: (msg: string, detail?: unknown) => void = () => {},
  ) {}

  /** Fires every timer due now; returns how many fired. */
  async tick(): Promise<number> {
    let fired = 0;
    const now = this.clock.now();
    for (const t of await this.store.dueTimers(now.toISOString())) {
      const held = { ...t, at: new Date(now.getTime() + LEASE_MS).toISOString() };
      if (!(await this.store.leaseTimer(t, held.at))) continue;
      fired += 1;
      try {
        if ((await this.fire(held)) !== TAKEN) await this.store.takeTimer(held.name, held.at);
      } catch (err) {
        this.log(`timer ${t.name} failed; it fires again at ${held.at}`, { error: (err as Error).message });
      }
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

  /**
   * Looks now rather than at the next interval (the local runtime, once a function answered: as
   * the table's stream hands a step's follow-up over at once in AWS). Looks that are asked for
   * while one runs make one more look after it.
   */
  kick(): void {
    if (this.kicked) return;
    this.kicked = true;
    setImmediate(() => {
      this.kicked = false;
      this.serial().catch((err: Error) => this.log('timer poll failed', { error: err.message }));
    });
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
