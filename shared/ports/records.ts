import type { ArchiveRecord } from '../domain/archive.ts';
import type { CaseProgress } from '../domain/progress.ts';
import type { YearArrangement } from '../domain/calendar.ts';
import type { Delivery } from '../domain/delivery.ts';
import type { DecisionStats, MaterialStats } from '../domain/performance.ts';
import type { Certificate, Department, IdempotencyRecord, RevokedCertificate, Upload } from '../domain/records.ts';
import type { GuideRevision } from '../catalog/types.ts';
import type { CertificateVerification } from '../domain/certificate.ts';
import type { Page } from './cases.ts';

/** The repositories of what the platform keeps beside cases. */

export interface UploadRepository {
  putUpload(upload: Upload): Promise<void>;
  getUpload(uploadId: string): Promise<Upload | undefined>;
  /** Records the stored file of an upload there is a record of; false when there is none. */
  markStored(uploadId: string, stored: NonNullable<Upload['stored']>): Promise<boolean>;
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
  /** A holder's certificates in the library, newest first. */
  listHolderCertificates(holderId: string): Promise<Certificate[]>;
  /**
   * Records a revocation on the certificate and on its public verification record, together;
   * false when the certificate was revoked (or changed) meanwhile.
   */
  revokeCertificate(revoked: RevokedCertificate): Promise<boolean>;
}

/** The packages archived (G6): what was written, by case. */
export interface ArchiveRepository {
  getArchive(caseId: string): Promise<ArchiveRecord | undefined>;
  /** Records a package once its files are stored; false when one is recorded already. */
  putArchive(record: ArchiveRecord): Promise<boolean>;
}

/** Cases' public progress (H1), by supervision code: written with each step, read by anyone who has the code. */
export interface ProgressRepository {
  getProgress(supervisionCode: string): Promise<CaseProgress | undefined>;
  /** Counts a lookup with a wrong name against the code, for the day. */
  recordMiss(supervisionCode: string, day: string): Promise<void>;
}

/** The certificates' public verification records, by supervision code (the only ones anonymous routes read beside the catalog). */
export interface VerificationRepository {
  findVerifications(supervisionCode: string): Promise<CertificateVerification[]>;
}

export interface IdempotencyStore {
  getResponse(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
}

export interface WebhookLog {
  seen(deptCode: string, webhookId: string): Promise<boolean>;
}

export interface DeliveryRepository {
  getDelivery(deliveryId: string): Promise<Delivery | undefined>;
  /** Records an attempt's outcome, only if no other attempt recorded one since `attempts` was read. */
  recordAttempt(next: Delivery, attemptsBefore: number): Promise<boolean>;
  listDeadLetters(limit: number, cursor?: string): Promise<Page<Delivery>>;
  /** Pending deliveries whose next attempt was due before `before` (UTC ISO), earliest first. */
  listOverdueDeliveries(before: string, limit: number): Promise<Delivery[]>;
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

/** F4: decisions counted per department and month (counted in the deciding transaction). */
export interface DecisionStatsRepository {
  /** From `fromMonth` to `toMonth` (yyyy-mm, inclusive). */
  listDecisionStats(fromMonth: string, toMonth: string): Promise<DecisionStats[]>;
  /** C2's counters, from `fromMonth` to `toMonth` (yyyy-mm, inclusive). */
  listMaterialStats(fromMonth: string, toMonth: string): Promise<MaterialStats[]>;
}

/** What mending data written by older versions changed (each mending runs once per table). */
export type MendReport = { indexed: number; unindexed: number; queued: number; runs: number; resharded: number; alreadyMended?: true };

export interface Migrations {
  mend(): Promise<MendReport>;
}
