import type { AuditEvent, CaseRecord, CaseStatus, Light } from '../domain/case.ts';
import type { Delivery } from '../domain/delivery.ts';
import type { CaseSummary } from '../domain/performance.ts';
import type { Certificate, IdempotencyRecord } from '../domain/records.ts';
import type { Wait } from '../domain/workflow.ts';
import type { CertificateVerification } from '../domain/certificate.ts';
import type { Timer } from './scheduler.ts';

/** Extra writes that must commit atomically with a case change. */
export type Companion =
  | { kind: 'reserveSupervisionCode'; code: string; caseId: string }
  | { kind: 'claimUpload'; uploadId: string; owner: string; caseId: string }
  | { kind: 'rememberResponse'; record: IdempotencyRecord; expiresAt: Date }
  | { kind: 'putCertificate'; certificate: Certificate }
  /** A certificate's public verification record, written with it. */
  | { kind: 'publishCertificate'; verification: CertificateVerification }
  | { kind: 'rememberWebhook'; deptCode: string; webhookId: string; expiresAt: Date }
  | { kind: 'enqueueDelivery'; delivery: Delivery }
  /** A filed case's workflow run, its first attempt counted (`starting`): the sweep starts it again if that start is lost. */
  | { kind: 'registerWorkflow'; caseId: string; since: string }
  /** What the step leaves to do once answered (a timer due now; its stream event starts it in AWS). */
  | { kind: 'followUp'; timer: Timer }
  /** F4: a decision is counted for its department and month, exactly once, with the case change. */
  | { kind: 'countDecision'; deptCode: string; month: string; usedWorkingDays: number; onTime: boolean }
  /** C2: a filing's materials, by how they came: fetched by the platform, or given by the applicant. */
  | { kind: 'countMaterials'; caseId: string; serviceItemCode: string; month: string; fetched: number; given: number };

export type CaseListQuery = { limit: number; cursor?: string; status?: CaseStatus } & (
  | { by: 'applicant'; sub: string }
  | { by: 'department'; dept: string; light?: Light }
);

export type Page<T> = { items: T[]; nextCursor: string | null };

export interface CaseRepository {
  get(caseId: string): Promise<CaseRecord | undefined>;
  /** The case and its events in order, in one read. */
  getWithEvents(caseId: string): Promise<{ record: CaseRecord; events: AuditEvent[] } | undefined>;
  /**
   * Writes the case (new, or asserting the version it was read at), its audit event and any
   * companions in one transaction. Throws ConcurrentModification when the version moved,
   * DuplicateCompanion when a companion's uniqueness condition fails.
   */
  commit(change: { record: CaseRecord; event: AuditEvent; expectedVersion: number | null; companions?: Companion[] }): Promise<void>;
  /** Records the task token of a workflow step waiting on this case (one per stage and department). */
  saveWait(caseId: string, wait: Wait): Promise<void>;
  listWaits(caseId: string): Promise<Wait[]>;
  /** Forgets a wait, unless it was replaced by a newer token meanwhile. */
  deleteWait(caseId: string, wait: Wait): Promise<void>;
  listOpen(): Promise<Array<{ caseId: string; status: string }>>;
  /**
   * A page of the cases the platform looks after (not final, or with an open supervision), without
   * trails: shard by shard, each in filing order.
   */
  listWatched(limit: number, cursor?: string): Promise<Page<CaseSummary>>;
  /** All of them at once, in filing order (the supervision figures, the local runtime's restart). */
  listWatchedAll(): Promise<CaseSummary[]>;
  /** An applicant's cases, newest first; or a department's work queue, by status then newest first. */
  listCases(query: CaseListQuery): Promise<Page<CaseSummary>>;
}
