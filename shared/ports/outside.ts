import type { MetricPoint } from '../domain/metrics.ts';
import type { Notice } from '../domain/records.ts';

/** The ports to services outside the table: files, the workflow, webhooks, metrics, the PDF renderer. */

export interface BlobStore {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** A short-lived download URL. */
  presignGet(key: string, opts: { expiresInSeconds: number; fileName: string }): Promise<string>;
  presignPut(key: string, opts: { contentType: string; size: number; sha256: string; expiresInSeconds: number }): Promise<{ url: string; headers: Record<string, string> }>;
  /**
   * Copies an object within the bucket (server-side); false when there is nothing at `fromKey`.
   * `ifMatch`: only the object of that ETag; throws CopySourceChanged when it was written again since.
   */
  copy(fromKey: string, toKey: string, opts?: { ifMatch?: string }): Promise<boolean>;
  /**
   * A stored object's metadata, or undefined when there is none: its size, ETag, and the SHA-256
   * it was written with (S3 checked the bytes against it then), if it was written with one.
   */
  stat(key: string): Promise<{ size: number; etag: string; sha256?: string } | undefined>;
  /** A stored object's bytes, or undefined when there is none (what the archive packs). */
  read(key: string): Promise<Buffer | undefined>;
}

/**
 * Where case packages are archived (G6): an S3 bucket with Object Lock in AWS (COMPLIANCE mode,
 * retained until the date given), a folder under DATA_DIR locally (files made read-only).
 */
export interface ArchiveStore {
  /**
   * Writes a file of a case's package once: a file already there (an earlier run) is left as it
   * is, and the bytes stored are answered either way.
   */
  putOnce(caseId: string, path: string, body: Buffer, opts: { contentType: string; retainUntil: Date }): Promise<Buffer>;
  /** A file's bytes as stored, or undefined when there is none. */
  read(caseId: string, path: string): Promise<Buffer | undefined>;
  /** A link to a file: short-lived and presigned in AWS, a file: URL locally. */
  link(caseId: string, path: string): Promise<string>;
}

/** The case workflow (Step Functions in AWS, aws-local-stepfunctions locally). */
export interface Workflow {
  /**
   * Starts an execution for the case under this name (one name per attempt: Step Functions keeps a
   * closed execution's name for 90 days). Starting a running execution of that name again is a no-op.
   */
  start(caseId: string, executionName: string): Promise<void>;
  /** Whether the named execution is running now (false when it ended or never existed). */
  isRunning(executionName: string): Promise<boolean>;
  /** Resumes a waiting step. Returns false when the token is no longer waiting (already resumed, or lost in a restart). */
  resume(token: string, output: Record<string, unknown>): Promise<boolean>;
}

/** Posts a signed webhook; says what happened without throwing for the department's failures. */
export interface WebhookSender {
  post(url: string, headers: Record<string, string>, body: string): Promise<{ ok: boolean; status?: number; error?: string }>;
}

/** What the shared-data platform holds of an applicant for a material (C2): the record's fields, and when it was last updated there. */
export type SharedRecord = { record: Record<string, unknown>; updatedAt?: string };

/**
 * The government shared-data platform (C2): an HTTP service whose endpoint is configuration (a
 * loopback stand-in locally). Throws SharedDataUnavailable when it cannot be asked.
 */
export interface SharedData {
  /** The record on file for the applicant (their account, `sub`) and the material; undefined when there is none. */
  lookup(subject: string, materialId: string): Promise<SharedRecord | undefined>;
}

/** A shipment of a case's paper result (G4): the carrier's name, its tracking number, where it is. */
export type Shipment = { carrier: string; trackingNo: string; status: 'booked' | 'in_transit' | 'delivered' };

/**
 * The carrier that mails paper results (G4): an HTTP service whose endpoint is configuration (a
 * loopback stand-in locally). A shipment is booked once per reference (the case): booking again
 * answers the one booked. Throws LogisticsUnavailable when the carrier cannot be asked.
 */
export interface Logistics {
  ship(order: { reference: string; recipient: { name: string; phone?: string }; address: string; contents: string }): Promise<Shipment>;
}

/** One SMS to an applicant (G4): `id` is its delivery's, the same on every attempt. */
export type OutgoingSms = { id: string; to: string; phone: string; caseId: string; template: string; text: string };

/**
 * Sends SMS (G4): Amazon SNS in AWS, a persisted outbox file locally (GET /dev/outbox). Says
 * whether the gateway took the message, without throwing for its refusals.
 */
export interface Notifier {
  send(sms: OutgoingSms): Promise<{ ok: boolean; error?: string }>;
}

/** Department performance figures (F4): CloudWatch metrics in AWS. */
export interface MetricsSink {
  emit(points: MetricPoint[]): void;
}

export interface NoticeRenderer {
  render(notice: Notice): Promise<Buffer>;
}
