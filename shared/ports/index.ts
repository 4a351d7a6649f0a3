import type { AuditEvent, CaseRecord, CaseStatus, Light } from '../domain/case.ts';
import type { Wait, WorkflowRun } from '../domain/workflow.ts';
import type { Delivery } from '../domain/delivery.ts';
import type { YearArrangement } from '../domain/calendar.ts';
import type { MetricPoint } from '../domain/metrics.ts';
import type { CaseSummary, DecisionStats } from '../domain/performance.ts';
import type { GuideRevision } from '../catalog/types.ts';
import { Conflict } from '../errors.ts';

/**
 * The ports the use cases depend on. Adapters in shared/adapters implement them against AWS
 * APIs (DynamoDB, S3, Step Functions); the local runtime points the same adapters at stand-ins.
 */

export type Upload = {
  uploadId: string;
  owner: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  objectKey: string;
  createdAt: string;
  expiresAt: string;
  caseId?: string;
};

export type DepartmentSecret = { secret: string; createdAt: string; retiresAt?: string };

export type Department = {
  code: string;
  name: string;
  webhookUrl?: string;
  secrets: DepartmentSecret[];
  createdAt: string;
  updatedAt: string;
};

export type Certificate = {
  certificateId: string;
  caseId: string;
  supervisionCode: string;
  type: string;
  name: string;
  holder: { id: string; name: string };
  issuer: { code: string; name: string };
  issuedAt: string;
  summary: Record<string, unknown>;
};

export type StoredResponse = { status: number; body: unknown };

export type IdempotencyRecord = { scope: string; key: string; requestHash: string; response: StoredResponse };

/** Extra writes that must commit atomically with a case change. */
export type Companion =
  | { kind: 'reserveSupervisionCode'; code: string; caseId: string }
  | { kind: 'claimUpload'; uploadId: string; owner: string; caseId: string }
  | { kind: 'rememberResponse'; record: IdempotencyRecord; expiresAt: Date }
  | { kind: 'putCertificate'; certificate: Certificate }
  | { kind: 'rememberWebhook'; deptCode: string; webhookId: string; expiresAt: Date }
  | { kind: 'enqueueDelivery'; delivery: Delivery }
  /** A filed case's workflow run, pending until its first attempt starts (the sweep starts it if that start is lost). */
  | { kind: 'registerWorkflow'; caseId: string; since: string }
  /** F4: a decision is counted for its department and month, exactly once, with the case change. */
  | { kind: 'countDecision'; deptCode: string; month: string; usedWorkingDays: number; onTime: boolean };

export interface CaseRepository {
  get(caseId: string): Promise<CaseRecord | undefined>;
  /** The case and its events in order, in one read. */
  getWithEvents(caseId: string): Promise<{ record: CaseRecord; events: AuditEvent[] } | undefined>;
  /**
   * Writes the case (new, or asserting the version it was read at), its audit event and any
   * companions in one transaction. Throws ConcurrentModification when the version moved,
   * Conflict('duplicate') when a companion's uniqueness condition fails.
   */
  commit(change: { record: CaseRecord; event: AuditEvent; expectedVersion: number | null; companions?: Companion[] }): Promise<void>;
  /** Records the task token of a workflow step waiting on this case (one per stage and department). */
  saveWait(caseId: string, wait: Wait): Promise<void>;
  listWaits(caseId: string): Promise<Wait[]>;
  /** Forgets a wait, unless it was replaced by a newer token meanwhile. */
  deleteWait(caseId: string, wait: Wait): Promise<void>;
  listOpen(): Promise<Array<{ caseId: string; status: string }>>;
  /** The case's workflow run (which attempt, and how it stands). */
  getWorkflowRun(caseId: string): Promise<WorkflowRun | undefined>;
  /**
   * Counts the attempt after `after` (status `starting`, on the sweep's list until it runs) and
   * returns it; undefined when the run is no longer at `after` or is running (another starter won).
   */
  beginWorkflowAttempt(caseId: string, since: string, after: number): Promise<WorkflowRun | undefined>;
  /** The attempt runs: off the sweep's list. Changes nothing if it stopped or a later attempt began meanwhile. */
  markWorkflowRunning(caseId: string, attempt: number, since: string): Promise<void>;
  /**
   * The attempt stopped without finishing the case: on the sweep's list. False if it is not the
   * latest attempt (or, with `keepRecorded`, if its stop is recorded already: the first, precise reason stays).
   */
  markWorkflowStopped(caseId: string, attempt: number, reason: { error: string; cause?: string }, since: string, opts?: { keepRecorded?: boolean }): Promise<boolean>;
  /** The case needs no workflow any more. */
  finishWorkflow(caseId: string, since: string): Promise<void>;
  /** Runs pending, starting or stopped: what the sweep looks at. */
  listWorkflowsToRecover(): Promise<WorkflowRun[]>;
  /** Mends the indexes of data written by older versions, once per table. */
  mendIndexes(): Promise<{ indexed: number; unindexed: number; queued: number; runs: number; alreadyMended?: true }>;
  /**
   * A page of the cases the platform looks after (not final, or with an open supervision), without
   * trails, in filing order; optionally only those filed after a case id (ULIDs sort by time) or in a status.
   */
  listWatched(limit: number, cursor?: string): Promise<{ items: CaseSummary[]; nextCursor: string | null }>;
  /** All of them at once (the supervision figures, the local runtime's restart). */
  listWatchedAll(): Promise<CaseSummary[]>;
  /** Decisions counted per department and month, from `fromMonth` to `toMonth` (yyyy-mm, inclusive). */
  listDecisionStats(fromMonth: string, toMonth: string): Promise<DecisionStats[]>;
  /** An applicant's cases, newest first; or a lead department's work queue, by status then newest first. */
  listCases(query: CaseListQuery): Promise<{ items: CaseSummary[]; nextCursor: string | null }>;
}

export type CaseListQuery = { limit: number; cursor?: string; status?: CaseStatus } & (
  | { by: 'applicant'; sub: string }
  | { by: 'department'; dept: string; light?: Light }
);

export interface UploadRepository {
  putUpload(upload: Upload): Promise<void>;
  getUpload(uploadId: string): Promise<Upload | undefined>;
}

export interface DepartmentRepository {
  getDepartment(code: string): Promise<Department | undefined>;
  /** Throws Conflict when a department with the code exists. */
  createDepartment(dept: Department): Promise<void>;
  /** Replaces the department, asserting it exists. */
  updateDepartment(dept: Department): Promise<void>;
}

export interface CertificateRepository {
  getCertificate(certificateId: string): Promise<Certificate | undefined>;
}

export interface IdempotencyStore {
  getResponse(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
}

export interface WebhookLog {
  seen(deptCode: string, webhookId: string): Promise<boolean>;
}

/** A notice of D3's standard templates, ready to render. */
export type Notice = {
  title: string;
  supervisionCode: string;
  caseId: string;
  applicant: string;
  paragraphs: string[];
  items?: string[];
  closing?: string;
  department: string;
  date: string;
};

export interface NoticeRenderer {
  render(notice: Notice): Promise<Buffer>;
}

export interface CatalogRepository {
  /** Every published revision of every guide. */
  listGuideRevisions(): Promise<GuideRevision[]>;
  /** Stores a new version; throws Conflict when that version of the guide exists already. */
  publishGuideRevision(revision: GuideRevision): Promise<void>;
}

export interface CalendarRepository {
  putCalendarYear(arrangement: YearArrangement): Promise<void>;
  listCalendarYears(): Promise<YearArrangement[]>;
}

export interface DeliveryRepository {
  getDelivery(deliveryId: string): Promise<Delivery | undefined>;
  /** Records an attempt's outcome, only if no other attempt recorded one since `attempts` was read. */
  recordAttempt(next: Delivery, attemptsBefore: number): Promise<boolean>;
  listDeadLetters(limit: number, cursor?: string): Promise<{ items: Delivery[]; nextCursor: string | null }>;
  /** Pending deliveries whose next attempt was due before `before` (UTC ISO). */
  listOverdueDeliveries(before: string, limit: number): Promise<Delivery[]>;
}

/** A one-time timer: EventBridge Scheduler in AWS, a small persisted scheduler locally. */
export type ScheduledTask =
  | { task: 'deliver'; deliveryId: string }
  | { task: 'sweep' }
  /** Look at a case's clocks: announce lights, open or escalate supervisions, set the next timers. */
  | { task: 'watch'; caseId: string }
  /** Look at every open case (daily): one scan page per run, then the next page on a new timer. */
  | { task: 'watch-all'; cursor?: string }
  /** An execution ended without finishing its case. */
  | { task: 'workflow-ended'; execution: string; status: string; cause?: string }
  | { task: 'mend-indexes' };

/** Department performance figures (F4): CloudWatch metrics in AWS. */
export interface MetricsSink {
  emit(points: MetricPoint[]): void;
}
export interface Scheduler {
  /** Idempotent by name: scheduling a name twice keeps one timer. */
  schedule(name: string, at: Date, task: ScheduledTask): Promise<void>;
  cancel(name: string): Promise<void>;
}

/** Posts a signed webhook; says what happened without throwing for the department's failures. */
export interface WebhookSender {
  post(url: string, headers: Record<string, string>, body: string): Promise<{ ok: boolean; status?: number; error?: string }>;
}

export interface BlobStore {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** A short-lived download URL. */
  presignGet(key: string, opts: { expiresInSeconds: number; fileName: string }): Promise<string>;
  presignPut(key: string, opts: { contentType: string; size: number; sha256: string; expiresInSeconds: number }): Promise<{ url: string; headers: Record<string, string> }>;
  /** Copies an object within the bucket (server-side); false when there is nothing at `fromKey`. */
  copy(fromKey: string, toKey: string): Promise<boolean>;
  /** Size and SHA-256 of a stored object, or undefined when there is none. */
  digest(key: string): Promise<{ size: number; sha256: string } | undefined>;
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

/** Uniqueness conditions on companions failed (code taken, upload already used, key replayed…). */
export class DuplicateCompanion extends Conflict {
  constructor(readonly failed: Companion[]) {
    super(`duplicate ${failed.map((c) => c.kind).join(', ')}`);
  }
  has(kind: Companion['kind']): Companion | undefined {
    return this.failed.find((c) => c.kind === kind);
  }
}
