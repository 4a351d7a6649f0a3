/** Case time. Domain code never reads the system clock directly. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests and the local runtime can move. */
export class MovableClock implements Clock {
  constructor(private offsetMs = 0) {}
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  set(to: Date): void {
    this.offsetMs = to.getTime() - Date.now();
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  get offset(): number {
    return this.offsetMs;
  }
}

/**
 * The local runtime's case time, moved by `POST /dev/clock`; wired in when CASE_CLOCK=movable.
 * One per process, like the runtime it belongs to.
 */
export const localCaseClock = new MovableClock();
