import { createHash } from 'node:crypto';
import { chineseDaysArrangement } from '#shared/adapters/calendar/chinese-days.ts';
import type { YearArrangement } from '#shared/domain/calendar.ts';
import { FINAL_STATUSES, type AuditEvent, type CaseRecord } from '#shared/domain/case.ts';
import type { Delivery } from '#shared/domain/delivery.ts';
import type { MetricPoint } from '#shared/domain/metrics.ts';
import { summaryOf, type CaseSummary, type DecisionStats } from '#shared/domain/performance.ts';
import type { Certificate, Department, IdempotencyRecord, Upload } from '#shared/domain/records.ts';
import { isWatched } from '#shared/domain/watch.ts';
import { waitKey, type Wait, type WorkflowRun } from '#shared/domain/workflow.ts';
import type { GuideRevision } from '#shared/catalog/types.ts';
import { ConcurrentModification, Conflict, CopySourceChanged, DuplicateCompanion, NotFound } from '#shared/errors.ts';

/** S3's ETag of a single-part object: the quoted MD5 of its bytes. */
const etagOf = (body: Buffer) => `"${createHash('md5').update(body).digest('hex')}"`;
import type { CaseListQuery, CaseRepository, Companion, Page } from '#shared/ports/cases.ts';
import { MovableClock, systemClock } from '#shared/ports/clock.ts';
import type { BlobStore, MetricsSink, NoticeRenderer, WebhookSender, Workflow } from '#shared/ports/outside.ts';
import type { ScheduledTask, Scheduler, Timer, TimerStore } from '#shared/ports/scheduler.ts';
import { runFollowUp } from '#shared/usecases/follow-ups.ts';
import type { WorkflowRunRepository } from '#shared/ports/workflow-runs.ts';
import type { Deps } from '#shared/usecases/deps.ts';

/**
 * In-memory fakes of every port, for unit tests of the use cases: no Java, no network. They keep
 * the promises the ports make (a commit is all or nothing, asserts the version it read, and refuses
 * a companion whose uniqueness condition fails), not how DynamoDB keeps them; the integration tests
 * hold the real adapters to the same promises.
 */

const copy = <T>(v: T): T => structuredClone(v);

/** Records what the use cases ask of the workflow. */
export class RecordingWorkflow implements Workflow {
  started: string[] = [];
  executions: string[] = [];
  resumed: Array<{ token: string; output: Record<string, unknown> }> = [];
  async start(caseId: string, executionName: string) {
    this.started.push(caseId);
    this.executions.push(executionName);
  }
  async isRunning(executionName: string) {
    return this.executions.includes(executionName);
  }
  async resume(token: string, output: Record<string, unknown>) {
    this.resumed.push({ token, output });
    return true;
  }
}

/** Keeps the metric points the use cases emit, for tests to read. */
export class RecordingMetrics implements MetricsSink {
  readonly points: MetricPoint[] = [];
  emit(points: MetricPoint[]): void {
    this.points.push(...points);
  }
}

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
  readonly replies = new Map<string, IdempotencyRecord>();
  readonly webhookIds = new Set<string>();
  readonly deliveries = new Map<string, Delivery>();
  readonly stats = new Map<string, DecisionStats>();
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
      case 'enqueueDelivery':
        return !this.deliveries.has(c.delivery.deliveryId);
      case 'registerWorkflow':
        return !this.runs.has(c.caseId);
      case 'rememberWebhook':
        return !this.webhookIds.has(`${c.deptCode}#${c.webhookId}`);
      case 'countDecision':
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
      certificates: { getCertificate: async (id: string) => copy(this.certificates.get(id)) },
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
      stats: { listDecisionStats: async (from: string, to: string) => copy([...this.stats.values()].filter((s) => s.month >= from && s.month <= to)) },
      migrations: { mend: async () => ({ indexed: 0, unindexed: 0, queued: 0, runs: 0, resharded: 0, alreadyMended: true as const }) },
    };
  }
}

/** Files by key; presigned URLs are opaque strings nothing fetches. */
export class MemoryBlobs implements BlobStore {
  readonly objects = new Map<string, { body: Buffer; contentType: string }>();
  async put(key: string, body: Buffer, contentType: string) {
    this.objects.set(key, { body, contentType });
  }
  async presignGet(key: string, opts: { expiresInSeconds: number; fileName: string }) {
    return `memory://get/${key}?expires=${opts.expiresInSeconds}`;
  }
  async presignPut(key: string, opts: { contentType: string; size: number; sha256: string; expiresInSeconds: number }) {
    return { url: `memory://put/${key}`, headers: { 'content-type': opts.contentType } };
  }
  async copy(fromKey: string, toKey: string, opts: { ifMatch?: string } = {}) {
    const o = this.objects.get(fromKey);
    if (!o) return false;
    if (opts.ifMatch && opts.ifMatch !== etagOf(o.body)) throw new CopySourceChanged(fromKey);
    this.objects.set(toKey, o);
    return true;
  }
  /** Every object here was written with its SHA-256 (as a presigned upload is, in S3). */
  async stat(key: string) {
    const o = this.objects.get(key);
    return o ? { size: o.body.length, etag: etagOf(o.body), sha256: createHash('sha256').update(o.body).digest('hex') } : undefined;
  }
  async digest(key: string) {
    const o = this.objects.get(key);
    return o ? { size: o.body.length, sha256: createHash('sha256').update(o.body).digest('hex'), etag: etagOf(o.body) } : undefined;
  }
}

/** Timers by name, fired by the test when it wants. */
export class MemoryScheduler implements Scheduler {
  readonly timers = new Map<string, { at: Date; task: ScheduledTask }>();
  async schedule(name: string, at: Date, task: ScheduledTask) {
    this.timers.set(name, { at, task });
  }
  async cancel(name: string) {
    this.timers.delete(name);
  }
}

/** Posts nothing; remembers what it was asked to post. */
export class RecordingSender implements WebhookSender {
  readonly posts: Array<{ url: string; body: string }> = [];
  async post(url: string, _headers: Record<string, string>, body: string) {
    this.posts.push({ url, body });
    return { ok: true, status: 200 };
  }
}

/** A notice "rendered" as its title and paragraphs (the PDF renderer has tests of its own). */
export const textNotices: NoticeRenderer = { render: async (notice) => Buffer.from(JSON.stringify(notice)) };

/** The use cases' dependencies with every port in memory. */
export function memoryDeps() {
  const table = new MemoryTable();
  const workflow = new RecordingWorkflow();
  const metrics = new RecordingMetrics();
  const blobs = new MemoryBlobs();
  const scheduler = new MemoryScheduler();
  const sender = new RecordingSender();
  const clock = new MovableClock();
  const deps: Deps = {
    ...table.ports(),
    blobs,
    notices: textNotices,
    workflow,
    scheduler,
    sender,
    retryTimeScale: 1,
    clock,
    realClock: systemClock,
    regionCode: '350100',
    defaultArrangement: chineseDaysArrangement,
    metrics,
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
  return { deps, table, workflow, metrics, blobs, scheduler, sender, clock, runFollowUps };
}
