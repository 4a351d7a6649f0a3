import { monotonicFactory } from 'ulid';

const next = monotonicFactory();

/** ULIDs, time-ordered, as the API promises for every id. */
export function newId(at: Date = new Date()): string {
  return next(at.getTime());
}
