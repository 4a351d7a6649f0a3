/**
 * Named errors of the platform. Each carries the HTTP status it maps to; the mapping to
 * RFC 9457 problem+json happens in one place, `problemOf` in shared/http/handler.ts, which the
 * functions' `problemJson` middleware and the local gateway both call.
 */
export type FieldError = { path: string; message: string };

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly slug: string;
  abstract readonly title: string;
  readonly errors?: FieldError[];
  /** Headers the problem answer carries (e.g. Retry-After). */
  readonly headers?: Record<string, string>;

  constructor(detail: string, errors?: FieldError[]) {
    super(detail);
    this.name = new.target.name;
    if (errors?.length) this.errors = errors;
  }
}

export class MalformedRequest extends AppError {
  readonly status = 400;
  readonly slug: string = 'malformed-request';
  readonly title: string = 'Malformed request';
}

export class Unauthenticated extends AppError {
  readonly status = 401;
  readonly slug: string = 'unauthenticated';
  readonly title: string = 'Missing or invalid credentials';
}

export class Forbidden extends AppError {
  readonly status = 403;
  readonly slug: string = 'forbidden';
  readonly title: string = 'Not allowed';
}

export class NotFound extends AppError {
  readonly status = 404;
  readonly slug: string = 'not-found';
  readonly title: string = 'Not found';
}

export class Conflict extends AppError {
  readonly status = 409;
  readonly slug: string = 'conflict';
  readonly title: string = 'Conflict';
}

/** A transition the case's current status does not allow. */
export class IllegalTransition extends Conflict {
  override readonly slug = 'illegal-transition';
  override readonly title = 'Action not allowed in the case’s current status';
}

/** Someone else changed the record between our read and our write. */
export class ConcurrentModification extends Conflict {
  override readonly slug = 'concurrent-modification';
  override readonly title = 'The record was changed concurrently';
}

export class PayloadTooLarge extends AppError {
  readonly status = 413;
  readonly slug: string = 'payload-too-large';
  readonly title: string = 'Payload too large';
}

export class UnsupportedMediaType extends AppError {
  readonly status = 415;
  readonly slug: string = 'unsupported-media-type';
  readonly title: string = 'Unsupported media type';
}

export class RuleViolation extends AppError {
  readonly status = 422;
  readonly slug: string = 'validation-failed';
  readonly title: string = 'The request breaks a rule';
}

/**
 * A file a step recorded is still being written by the step's follow-up (a notice rendered, a
 * material pinned, within a second or so of the answer): ask again after `Retry-After` seconds.
 */
export class NotReady extends AppError {
  readonly status = 503;
  readonly slug: string = 'not-ready';
  readonly title: string = 'Not ready yet';
  readonly retryAfterSeconds = 1;
  override readonly headers = { 'retry-after': String(this.retryAfterSeconds) };
}

/** The shared-data platform did not answer (C2): filing may be tried again shortly, or the material uploaded. */
export class SharedDataUnavailable extends NotReady {
  override readonly slug = 'shared-data-unavailable';
  override readonly title = 'The shared-data platform did not answer';
}

/** The carrier did not book a shipment: the follow-up that asked runs again. */
export class LogisticsUnavailable extends Error {}

/** Uniqueness conditions on a commit's companions failed (code taken, upload already used, key replayed…). */
export class DuplicateCompanion<C extends { kind: string } = { kind: string }> extends Conflict {
  constructor(readonly failed: C[]) {
    super(`duplicate ${failed.map((c) => c.kind).join(', ')}`);
  }
  has<K extends C['kind']>(kind: K): Extract<C, { kind: K }> | undefined {
    return this.failed.find((c): c is Extract<C, { kind: K }> => c.kind === kind);
  }
}

/** A conditional copy found its source written again since it was checked (S3's 412 PreconditionFailed). */
export class CopySourceChanged extends Error {
  constructor(readonly key: string) {
    super(`${key} was written again since it was checked; it is not copied`);
    this.name = 'CopySourceChanged';
  }
}
