import type { ArchiveRecord } from '#shared/domain/archive.ts';
import { memoryProgress } from './memory-progress.ts';
import { chineseDaysArrangement } from '#shared/adapters/calendar/chinese-days.ts';
import type { YearArrangement } from '#shared/domain/calendar.ts';
import { FINAL_STATUSES, type AuditEvent, type CaseRecord } from '#shared/domain/case.ts';
import type { Delivery } from '#shared/domain/delivery.ts';
import { summaryOf, type CaseSummary, type DecisionStats, type MaterialStats } from '#shared/domain/performance.ts';
import type { Certificate, Department, IdempotencyRecord, RevokedCertificate, Upload } from '#shared/domain/records.ts';
import { verificationOf, type CertificateVerification } from '#shared/domain/certificate.ts';
import { isWatched } from '#shared/domain/watch.ts';
import { waitKey, type Wait, type WorkflowRun } from '#shared/domain/workflow.ts';
import type { GuideRevision } from '#shared/catalog/types.ts';
import { ConcurrentModification, Conflict, DuplicateCompanion, NotFound } from '#shared/errors.ts';
import type { CaseListQuery, CaseRepository, Companion, Page } from '#shared/ports/cases.ts';
import { MovableClock, systemClock } from '#shared/ports/clock.ts';
import type { Timer, TimerStore } from '#shared/ports/scheduler.ts';
import { runFollowUp } from '#shared/usecases/follow-ups.ts';
import type { WorkflowRunRepository } from '#shared/ports/workflow-runs.ts';
import type { Deps } from '#shared/usecases/deps.ts';
import { MemoryBlobs, MemoryScheduler, RecordingMetrics, RecordingNotifier, RecordingSender, RecordingWorkflow, textNotices, MemorySigner, MemorySharedData, MemoryArchive, RecordingLogistics } from './memory-outside.ts';

/**
 * In-memory fakes of every port, for unit tests of the use cases: no Java, no network. They keep
 * the promises the ports make (a commit is all or nothing, asserts the version it read, and refuses
 * a companion whose uniqueness condition fails), not how DynamoDB keeps them; the integration tests
 * hold the real adapters to the same promises. The table's are here, the others in memory-outside.ts.
 */

const copy = <T>(v: T): T => structuredClone(v);

export { MemoryBlobs, MemoryScheduler, RecordingMetrics, RecordingNotifier, RecordingSender, RecordingWorkflow, textNotices };

/** Everything the table would hold, and the fakes of its repositories over it. */
export class MemoryTable {
  readonly cases = new Map<string, CaseRecord>();
  readonly events = new Map<string, AuditEvent[]>();
  readonly waits = new Map<string, Map<string, Wait>>();
  readonly runs = new Map<string, WorkflowRun>();
  readonly codes = new Set<string>();
  readonly uploads = new Map<string, Upload>();
  readonly departments = new Map<string, Department>();
  readonly certificates = new Map<string, Certificate>();
  /** Public verification records by `<supervisionCode>#<certificateId>`. */
  readonly verifications = new Map<string, CertificateVerification>();
  readonly replies = new Map<string, IdempotencyRecord>();
  readonly webhookIds = new Set<string>();
  readonly deliveries = new Map<string, Delivery>();
  readonly stats = new Map<string, DecisionStats>();
  readonly materialStats = new Map<string, MaterialStats>();
  readonly archives = new Map<string, ArchiveRecord>();
  readonly years = new Map<number, YearArrangement>();
  readonly guides: GuideRevision[] = [];
  /** Follow-ups the steps left, by timer name (run them with `runFollowUps`). */
  readonly followUps = new Map<string, Timer>();
  /** How many commits were refused because the case had changed since it was read. */
  refusedCommits = 0;

  /** Whether a companion's condition holds now (nothing is written yet). */
  private holds(c: Companion): boolean {
    switch (c.kind) {
      case 'reserveSupervisionCode':
        return !this.codes.has(c.code);
      case 'claimUpload': {
        const u = this.uploads.get(c.uploadId);
        return !!u && u.owner === c.owner && u.caseId === undefined;
      }
      case 'rememberResponse':
        return !this.replies.has(`${c.record.scope}#${c.record.key}`);
      case 'putCertificate':
        return !this.certificates.has(c.certificate.certificateId);
      case 'publishCertificate':
        return !this.verifications.has(`${c.verification.supervisionCode}#${c.verification.certificateId}`);
      case 'enqueueDelivery':
        return !this.deliveries.has(c.delivery.deliveryId);
      case 'registerWorkflow':
        return !this.runs.has(c.caseId);
      case 'rememberWebhook':
        return !this.webhookIds.has(`${c.deptCode}#${c.webhookId}`);
      case 'countDecision':
      case 'countMaterials':
        return true;
      case 'followUp':
        return !this.followUps.has(c.timer.name);
    }
  }

  private write(c: Companion): void {
    switch (c.kind) {
      case 'reserveSupervisionCode':
        return void this.codes.add(c.code);
      case 'claimUpload':
        return void (this.uploads.get(c.uploadId)!.caseId = c.caseId);
      case 'rememberResponse':
        return void this.replies.set(`${c.record.scope}#${c.record.key}`, copy(c.record));
      case 'putCertificate':
        return void this.certificates.set(c.certificate.certificateId, copy(c.certificate));
      case 'publishCertificate':
        return void this.verifications.set(`${c.verification.supervisionCode}#${c.verification.certificateId}`, copy(c.verification));
      case 'enqueueDelivery':
        return void this.deliveries.set(c.delivery.deliveryId, copy(c.delivery));
      case 'registerWorkflow':
        return void this.runs.set(c.caseId, { caseId: c.caseId, attempt: 1, status: 'starting', since: c.since });
      case 'rememberWebhook':
        return void this.webhookIds.add(`${c.deptCode}#${c.webhookId}`);
      case 'followUp':
        return void this.followUps.set(c.timer.name, copy(c.timer));
      case 'countDecision': {
        const key = `${c.month}#${c.deptCode}`;
        const s = this.stats.get(key) ?? { month: c.month, deptCode: c.deptCode, decided: 0, onTime: 0, usedWorkingDays: {} };
        s.decided++;
        if (c.onTime) s.onTime++;
        s.usedWorkingDays[c.usedWorkingDays] = (s.usedWorkingDays[c.usedWorkingDays] ?? 0) + 1;
        return void this.stats.set(key, s);
      }
      case 'countMaterials': {
        const key = `${c.month}#${c.serviceItemCode}`;
        const s = this.materialStats.get(key) ?? { month: c.month, serviceItemCode: c.serviceItemCode, fetched: 0, given: 0 };
        this.materialStats.set(key, { ...s, fetched: s.fetched + c.fetched, given: s.given + c.given });
        return;
      }
    }
  }

  /** The table's timers: the steps' follow-ups. */
  readonly timerStore: TimerStore = {
    putTimer: async (t) => void this.followUps.set(t.name, copy(t)),
    getTimer: async (name) => copy(this.followUps.get(name)),
    dueTimers: async (now, limit = 25) => [...this.followUps.values()].filter((t) => t.at <= now).sort((a, b) => a.at.localeCompare(b.at)).slice(0, limit).map(copy),
    takeTimer: async (name, at) => this.followUps.get(name)?.at === at && this.followUps.delete(name),
    leaseTimer: async (t, until) => {
      if (this.followUps.get(t.name)?.at !== t.at) return false;
      this.followUps.set(t.name, { ...copy(t), at: until });
      return true;
    },
    deleteTimer: async (name) => void this.followUps.delete(name),
  };

  /** Cases' public progress (H1), as the steps' transactions keep it. */
  readonly progressRepository = memoryProgress(this.cases, this.events);

  readonly caseRepository: CaseRepository = {
    get: async (caseId) => copy(this.cases.get(caseId)),
    getWithEvents: async (caseId) => {
      const record = this.cases.get(caseId);
      return record ? { record: copy(record), events: copy(this.events.get(caseId) ?? []) } : undefined;
    },
    commit: async ({ record, event, expectedVersion, companions = [] }) => {
      const current = this.cases.get(record.caseId);
      if (expectedVersion === null ? current !== undefined : current?.version !== expectedVersion) {
        this.refusedCommits++;
        throw new ConcurrentModification(`case ${record.caseId} was changed by someone else; reload and try again`);
      }
      const failed = companions.filter((c) => !this.holds(c));
      if (failed.length) throw new DuplicateCompanion<Companion>(failed);
      this.cases.set(record.caseId, copy(record));
      this.events.set(record.caseId, [...(this.events.get(record.caseId) ?? []), copy(event)]);
      for (const c of companions) this.write(c);
    },
    saveWait: async (caseId, wait) => void this.waitsOf(caseId).set(waitKey(wait), copy(wait)),
    listWaits: async (caseId) => copy([...this.waitsOf(caseId).values()]),
    deleteWait: async (caseId, wait) => {
      if (this.waitsOf(caseId).get(waitKey(wait))?.token === wait.token) this.waitsOf(caseId).delete(waitKey(wait));
    },
    listOpen: async () => [...this.cases.values()].filter((c) => !FINAL_STATUSES.has(c.status)).map((c) => ({ caseId: c.caseId, status: c.status })),
    listWatched: async (limit, cursor) => this.pageOf([...this.cases.values()].filter(isWatched), limit, cursor),
    listWatchedAll: async () => copy([...this.cases.values()].filter(isWatched)),
    listCases: async (q: CaseListQuery) => {
      // As the table's indexes order them: an applicant's newest first; a department's queue by
      // status, then newest first; a co-department sees the case's summary.
      const key = (c: CaseRecord) => (q.by === 'applicant' ? c.createdAt : `${c.status}#${c.createdAt}`);
      const mine = [...this.cases.values()]
        .filter((c) => (q.by === 'applicant' ? c.applicant.id === q.sub : c.leadDepartment === q.dept || c.coDepartments.includes(q.dept)))
        .filter((c) => !q.status || c.status === q.status)
        .filter((c) => q.by === 'applicant' || !q.light || (c.lights?.[q.dept]?.light ?? 'green') === q.light)
        .sort((a, b) => (key(a) < key(b) ? 1 : -1))
        .map((c) => (q.by === 'department' && c.leadDepartment !== q.dept ? summaryOf(c) : c));
      return this.pageOf(mine, q.limit, q.cursor);
    },
  };

  private waitsOf(caseId: string) {
    let w = this.waits.get(caseId);
    if (!w) this.waits.set(caseId, (w = new Map()));
    return w;
  }

  private pageOf(all: CaseSummary[], limit: number, cursor?: string): Page<CaseSummary> {
    const from = cursor ? Number(cursor) : 0;
    return { items: copy(all.slice(from, from + limit)), nextCursor: from + limit < all.length ? String(from + limit) : null };
  }

  readonly workflowRuns: WorkflowRunRepository = {
    getWorkflowRun: async (caseId) => {
      const run = this.runs.get(caseId);
      return run ? { ...copy(run), execution: run.attempt > 0 ? `${caseId}-${run.attempt}` : caseId } : undefined;
    },
    beginWorkflowAttempt: async (caseId, since, after) => {
      const run = this.runs.get(caseId);
      if (run ? run.attempt !== after || run.status === 'running' : after !== 0) return undefined;
      const next: WorkflowRun = { caseId, attempt: after + 1, status: 'starting', since };
      this.runs.set(caseId, next);
      return { ...next, execution: `${caseId}-${next.attempt}` };
    },
    markWorkflowRunning: async (caseId, attempt, since) => {
      const run = this.runs.get(caseId);
      if (run?.attempt === attempt && run.status === 'starting') this.runs.set(caseId, { caseId, attempt, status: 'running', since });
    },
    markWorkflowStopped: async (caseId, attempt, reason, since, opts = {}) => {
      const run = this.runs.get(caseId);
      if (!run || run.attempt !== attempt || run.status === 'done' || (opts.keepRecorded && run.status === 'stopped')) return false;
      this.runs.set(caseId, { caseId, attempt, status: 'stopped', since, reason });
      return true;
    },
    finishWorkflow: async (caseId, since) => {
      const run = this.runs.get(caseId);
      if (run) this.runs.set(caseId, { ...run, status: 'done', since });
    },
    listWorkflowsToRecover: async () => copy([...this.runs.values()].filter((r) => r.status !== 'running' && r.status !== 'done')),
  };

  /** Every repository port over this table, as Deps names them. */
  ports() {
    return {
      cases: this.caseRepository,
      workflowRuns: this.workflowRuns,
      uploads: {
        putUpload: async (u: Upload) => {
          if (this.uploads.has(u.uploadId)) throw new Conflict(`upload ${u.uploadId} exists`);
          this.uploads.set(u.uploadId, copy(u));
        },
        getUpload: async (id: string) => copy(this.uploads.get(id)),
        markStored: async (id: string, stored: NonNullable<Upload['stored']>) => {
          const u = this.uploads.get(id);
          if (u) u.stored = copy(stored);
          return !!u;
        },
      },
      departments: {
        getDepartment: async (code: string) => copy(this.departments.get(code)),
        createDepartment: async (d: Department) => {
          if (this.departments.has(d.code)) throw new Conflict(`department ${d.code} already exists`);
          this.departments.set(d.code, copy(d));
        },
        updateDepartment: async (d: Department) => {
          if (!this.departments.has(d.code)) throw new NotFound(`department ${d.code} does not exist`);
          this.departments.set(d.code, copy(d));
        },
      },
      timers: this.timerStore,
      certificates: {
        getCertificate: async (id: string) => copy(this.certificates.get(id)),
        listHolderCertificates: async (holderId: string) =>
          copy([...this.certificates.values()].filter((c) => c.holder.id === holderId).sort((a, b) => b.issuedAt.localeCompare(a.issuedAt))),
        revokeCertificate: async (revoked: RevokedCertificate) => {
          const now = this.certificates.get(revoked.certificateId);
          if (!now || now.status === 'revoked') return false;
          this.certificates.set(revoked.certificateId, copy(revoked));
          this.verifications.set(`${revoked.supervisionCode}#${revoked.certificateId}`, verificationOf(revoked));
          return true;
        },
      },
      verifications: { findVerifications: async (code: string) => [...this.verifications.values()].filter((v) => v.supervisionCode === code).map(copy) },
      idempotency: { getResponse: async (scope: string, key: string) => copy(this.replies.get(`${scope}#${key}`)) },
      webhooks: { seen: async (dept: string, id: string) => this.webhookIds.has(`${dept}#${id}`) },
      deliveries: {
        getDelivery: async (id: string) => copy(this.deliveries.get(id)),
        recordAttempt: async (next: Delivery, before: number) => {
          if (this.deliveries.get(next.deliveryId)?.attempts !== before) return false;
          this.deliveries.set(next.deliveryId, copy(next));
          return true;
        },
        listDeadLetters: async (limit: number) => ({ items: copy([...this.deliveries.values()].filter((d) => d.status === 'dead').slice(0, limit)), nextCursor: null }),
        listOverdueDeliveries: async (before: string, limit: number) =>
          copy([...this.deliveries.values()].filter((d) => d.status === 'pending' && d.nextAttemptAt && new Date(d.nextAttemptAt).toISOString() < before).slice(0, limit)),
      },
      calendars: {
        putCalendarYear: async (y: YearArrangement) => void this.years.set(y.year, copy(y)),
        listCalendarYears: async () => copy([...this.years.values()]),
      },
      catalog: {
        listGuideRevisions: async () => copy(this.guides),
        publishGuideRevision: async (g: GuideRevision) => {
          if (this.guides.some((x) => x.code === g.code && x.version === g.version)) throw new Conflict(`version ${g.version} of ${g.code} was published meanwhile`);
          this.guides.push(copy(g));
        },
      },
      archives: {
        getArchive: async (caseId: string) => copy(this.archives.get(caseId)),
        putArchive: async (record: ArchiveRecord) => {
          if (this.archives.has(record.caseId)) return false;
          this.archives.set(record.caseId, copy(record));
          return true;
        },
      },
      stats: {
        listDecisionStats: async (from: string, to: string) => copy([...this.stats.values()].filter((s) => s.month >= from && s.month <= to)),
        listMaterialStats: async (from: string, to: string) => copy([...this.materialStats.values()].filter((s) => s.month >= from && s.month <= to)),
      },
      migrations: { mend: async () => ({ indexed: 0, unindexed: 0, queued: 0, runs: 0, resharded: 0, alreadyMended: true as const }) },
    };
  }
}

/** The use cases' dependencies with every port in memory. */
export function memoryDeps() {
  const table = new MemoryTable();
  const workflow = new RecordingWorkflow();
  const metrics = new RecordingMetrics();
  const blobs = new MemoryBlobs();
  const scheduler = new MemoryScheduler();
  const sender = new RecordingSender();
  const notifier = new RecordingNotifier();
  const sharedData = new MemorySharedData();
  const archive = new MemoryArchive();
  const logistics = new RecordingLogistics();
  const clock = new MovableClock();
  const deps: Deps = {
    ...table.ports(),
    blobs,
    notices: textNotices,
    workflow,
    scheduler,
    sender,
    notifier,
    sharedData,
    archive,
    logistics,
    retryTimeScale: 1,
    clock,
    realClock: systemClock,
    regionCode: '350100',
    defaultArrangement: chineseDaysArrangement,
    metrics,
    signer: new MemorySigner(),
  };
  /** Runs every follow-up the steps left, as the stream (or the local poller) would once answered; how many ran. */
  async function runFollowUps(): Promise<number> {
    let ran = 0;
    for (let due = [...table.followUps.values()]; due.length; due = [...table.followUps.values()]) {
      for (const t of due) {
        table.followUps.delete(t.name);
        if (t.task.task === 'follow-up') await runFollowUp(deps, t.task);
        ran++;
      }
    }
    return ran;
  }
  return { deps, table, workflow, metrics, blobs, scheduler, sender, notifier, sharedData, archive, logistics, clock, runFollowUps };
}
