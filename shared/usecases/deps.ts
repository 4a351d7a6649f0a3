import type { ArrangementSource } from '../domain/calendar.ts';
import type { Clock } from '../ports/clock.ts';
import type {
  BlobStore,
  CalendarRepository,
  CatalogRepository,
  CaseRepository,
  CertificateRepository,
  DeliveryRepository,
  DepartmentRepository,
  IdempotencyStore,
  MetricsSink,
  NoticeRenderer,
  Scheduler,
  UploadRepository,
  WebhookLog,
  WebhookSender,
  Workflow,
} from '../ports/index.ts';

/** What the use cases need from the outside world. Built once per Lambda module (shared/wiring.ts). */
export type Deps = {
  cases: CaseRepository;
  uploads: UploadRepository;
  departments: DepartmentRepository;
  certificates: CertificateRepository;
  idempotency: IdempotencyStore;
  webhooks: WebhookLog;
  deliveries: DeliveryRepository;
  scheduler: Scheduler;
  sender: WebhookSender;
  /** Local runtime: retries run on a compressed schedule (1 = real durations). */
  retryTimeScale: number;
  blobs: BlobStore;
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
};

