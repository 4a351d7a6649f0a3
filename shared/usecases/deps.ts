import type { Clock } from '../ports/clock.ts';
import type {
  BlobStore,
  CaseRepository,
  CertificateRepository,
  DepartmentRepository,
  IdempotencyStore,
  NoticeRenderer,
  UploadRepository,
  WebhookLog,
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
  blobs: BlobStore;
  notices: NoticeRenderer;
  workflow: Workflow;
  /** Case time: deadlines, timers, notices. Tests and the local runtime may move it. */
  clock: Clock;
  /** Real time, for security checks (token and URL expiry, webhook timestamps, secret overlap). */
  realClock: Clock;
  regionCode: string;
};

/** The single table serves every repository port. */
export type OneTableStore = Deps['cases'] & Deps['uploads'] & Deps['departments'] & Deps['certificates'] & Deps['idempotency'] & Deps['webhooks'];

export function depsOnOneTable(store: OneTableStore, rest: Omit<Deps, 'cases' | 'uploads' | 'departments' | 'certificates' | 'idempotency' | 'webhooks'>): Deps {
  return { cases: store, uploads: store, departments: store, certificates: store, idempotency: store, webhooks: store, ...rest };
}
