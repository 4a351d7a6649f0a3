import { ConcurrentModification } from '../errors.ts';

/** How often a step is tried before its last error stands. */
export const MAX_ATTEMPTS = 5;

/**
 * Optimistic locking's other half: runs a read-decide-write step again, from a fresh read, when its
 * write found the record changed since the read (ConcurrentModification, or what `retryOn` names),
 * up to MAX_ATTEMPTS times. The step is told which attempt it is.
 */
export async function retrying<T>(step: (attempt: number) => Promise<T>, retryOn: (err: unknown) => boolean = (err) => err instanceof ConcurrentModification): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step(attempt);
    } catch (err) {
      if (attempt < MAX_ATTEMPTS && retryOn(err)) continue;
      throw err;
    }
  }
}
