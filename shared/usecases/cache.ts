import type { Clock } from '../ports/clock.ts';

/** How long a function keeps rarely-changing reference data (the calendar, the catalog) before reading it again. */
export const CACHE_MS = 60_000;

/**
 * Reference data read at most once a minute per set of dependencies (per Lambda module); `clear`
 * makes the next read fresh in this process — other functions see a change within the minute.
 */
export function cachedPerMinute<D extends { realClock: Clock }, T>(load: (deps: D) => Promise<T>) {
  const cache = new WeakMap<D, { value: T; until: number }>();
  return {
    async get(deps: D): Promise<T> {
      const now = deps.realClock.now().getTime();
      const hit = cache.get(deps);
      if (hit && hit.until > now) return hit.value;
      const value = await load(deps);
      cache.set(deps, { value, until: now + CACHE_MS });
      return value;
    },
    clear(deps: D): void {
      cache.delete(deps);
    },
  };
}
