import { createHash } from 'node:crypto';
import { Conflict, RuleViolation } from '../errors.ts';
import type { Companion } from '../ports/cases.ts';
import type { StoredResponse } from '../domain/records.ts';
import type { Deps } from './deps.ts';

const KEEP_FOR_MS = 24 * 3600_000;

export type Idempotency = { scope: string; key: string; requestHash: string };

/**
 * Idempotency-Key (api.md): a repeat with the same key and body returns the first response; the
 * same key with another body is 409. The first response is written in the same transaction as
 * the change it reports, so a crash can never leave one without the other.
 */
export function idempotencyOf(scope: string, key: string | undefined, body: unknown): Idempotency | undefined {
  if (key === undefined) return undefined;
  if (key.length === 0 || key.length > 255) {
    throw new RuleViolation('Idempotency-Key is not valid', [{ path: 'headers.idempotency-key', message: '1 to 255 characters' }]);
  }
  const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  return { scope, key, requestHash };
}

/** The stored response for a repeated request, or undefined when this is the first. */
export async function replay(deps: Pick<Deps, 'idempotency'>, idem: Idempotency | undefined): Promise<StoredResponse | undefined> {
  if (!idem) return undefined;
  const stored = await deps.idempotency.getResponse(idem.scope, idem.key);
  if (!stored) return undefined;
  if (stored.requestHash !== idem.requestHash) {
    throw new Conflict('this Idempotency-Key was already used with a different request body');
  }
  return stored.response;
}

export function remember(deps: Pick<Deps, 'realClock'>, idem: Idempotency, response: StoredResponse): Companion {
  return {
    kind: 'rememberResponse',
    record: { ...idem, response },
    expiresAt: new Date(deps.realClock.now().getTime() + KEEP_FOR_MS),
  };
}
