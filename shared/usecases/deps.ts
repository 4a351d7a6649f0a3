import type { WorkflowRunRepository } from '../ports/workflow-runs.ts';
import type { ArrangementSource } from '../domain/calendar.ts';
import type { Clock } from '../ports/clock.ts';
import type { ArchiveStore, BlobStore, Logistics, MetricsSink, Notifier, NoticeRenderer, SharedData, WebhookSender, Workflow } from '../ports/outside.ts';
import type { ArchiveRepository, CalendarRepository, CatalogRepository, DecisionStatsRepository, Migrations, CertificateRepository, DeliveryRepository, DepartmentRepository, IdempotencyStore, UploadRepository, VerificationRepository, WebhookLog } from '../ports/records.ts';
import type { CaseRepository } from '../ports/cases.ts';
import type { Scheduler, TimerStore } from '../ports/scheduler.ts';
import type { Signer } from '../ports/signer.ts';

/** What the use cases need from the outside world. Built once per Lambda module (shared/wiring.ts). */
export type Deps = {
  cases: CaseRepository;
  workflowRuns: WorkflowRunRepository;
  /** F4's decision counters. */
  stats: DecisionStatsRepository;
  /** Mending data written by older versions. */
  migrations: Migrations;
  uploads: UploadRepository;
  /** The government shared-data platform, where fetchable materials are looked up (C2). */
  sharedData: SharedData;
  departments: DepartmentRepository;
  certificates: CertificateRepository;
  /** The certificates' public verification records (G2). */
  verifications: VerificationRepository;
  idempotency: IdempotencyStore;
  webhooks: WebhookLog;
  deliveries: DeliveryRepository;
  scheduler: Scheduler;
  /** The table's timers: the steps' follow-ups (and, locally, every timer). */
  timers: TimerStore;
  sender: WebhookSender;
  /** The carrier that mails paper results (G4). */
  logistics: Logistics;
  /** The applicants' SMS (G4): SNS in AWS, the outbox file locally. */
  notifier: Notifier;
  /** Local runtime: retries run on a compressed schedule (1 = real durations). */
  retryTimeScale: number;
  blobs: BlobStore;
  /** The e-archive's store (G6) and its records. */
  archive: ArchiveStore;
  archives: ArchiveRepository;
  notices: NoticeRenderer;
  workflow: Workflow;
  /** Case time: deadlines, timers, notices. Tests and the local runtime may move it. */
  clock: Clock;
  /** Real time, for security checks (token and URL expiry, webhook timestamps, secret overlap). */
  realClock: Clock;
  regionCode: string;
  /** Official arrangements loaded by administrators (F1); they win over the default. */
  calendars: CalendarRepository;
  /** Guide revisions published by administrators (A2). */
  catalog: CatalogRepository;
  /** The default arrangement of a year (chinese-days). */
  defaultArrangement: ArrangementSource;
  metrics: MetricsSink;
  /** Signs certificates (G2): KMS in AWS, a key under DATA_DIR locally. */
  signer: Signer;
};

