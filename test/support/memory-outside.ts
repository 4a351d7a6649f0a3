import { createHash, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { publicJwkOf } from '#shared/domain/jws.ts';
import type { MetricPoint } from '#shared/domain/metrics.ts';
import { CopySourceChanged } from '#shared/errors.ts';
import type { ArchiveStore, BlobStore, Logistics, Shipment, MetricsSink, Notifier, NoticeRenderer, OutgoingSms, SharedData, SharedRecord, WebhookSender, Workflow } from '#shared/ports/outside.ts';
import { LogisticsUnavailable, SharedDataUnavailable } from '#shared/errors.ts';
import { seedEntries } from '../../infra/local/shared-data.ts';
import type { ScheduledTask, Scheduler } from '#shared/ports/scheduler.ts';
import type { Signer } from '#shared/ports/signer.ts';

/**
 * In-memory fakes of the ports outside the table (the workflow, metrics, files, scheduler, webhook
 * sender and notice renderer), for unit tests of the use cases; memory.ts holds the table's.
 */

/** S3's ETag of a single-part object: the quoted MD5 of its bytes. */
const etagOf = (body: Buffer) => `"${createHash('md5').update(body).digest('hex')}"`;

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
  async read(key: string) {
    const o = this.objects.get(key);
    return o ? Buffer.from(o.body) : undefined;
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

/** An SMS gateway that keeps what it took; `down` makes it refuse everything. */
export class RecordingNotifier implements Notifier {
  readonly sent: OutgoingSms[] = [];
  down = false;
  async send(sms: OutgoingSms) {
    if (this.down) return { ok: false, error: 'the SMS gateway is down' };
    this.sent.push(sms);
    return { ok: true };
  }
}

/** A carrier that books in memory, once per reference; `down` makes it refuse. */
export class RecordingLogistics implements Logistics {
  readonly booked = new Map<string, Shipment & { order: Parameters<Logistics['ship']>[0] }>();
  asked = 0;
  down = false;
  async ship(order: Parameters<Logistics['ship']>[0]): Promise<Shipment> {
    this.asked++;
    if (this.down) throw new LogisticsUnavailable('the carrier did not answer');
    const found = this.booked.get(order.reference) ?? { carrier: '测试快递', trackingNo: `T${String(this.booked.size + 1).padStart(8, '0')}`, status: 'booked' as const, order };
    this.booked.set(order.reference, found);
    return { carrier: found.carrier, trackingNo: found.trackingNo, status: found.status };
  }
}

/** The archive in memory: each file written once. */
export class MemoryArchive implements ArchiveStore {
  readonly files = new Map<string, Buffer>();
  async putOnce(caseId: string, path: string, body: Buffer) {
    const key = `${caseId}/${path}`;
    if (!this.files.has(key)) this.files.set(key, Buffer.from(body));
    return Buffer.from(this.files.get(key)!);
  }
  async read(caseId: string, path: string) {
    const body = this.files.get(`${caseId}/${path}`);
    return body && Buffer.from(body);
  }
  async link(caseId: string, path: string) {
    return `memory://archive/${caseId}/${path}`;
  }
}

/** The shared-data platform in memory, holding what the local stand-in's seed holds; `down` makes it unreachable. */
export class MemorySharedData implements SharedData {
  readonly records = new Map<string, SharedRecord>(seedEntries().map((e) => [`${e.subject}/${e.materialId}`, { record: e.record, ...(e.updatedAt ? { updatedAt: e.updatedAt } : {}) }]));
  readonly asked: string[] = [];
  down = false;
  /** Materials the platform cannot be asked for (down for those only). */
  readonly downFor = new Set<string>();
  put(subject: string, materialId: string, record: Record<string, unknown>) {
    this.records.set(`${subject}/${materialId}`, { record });
  }
  async lookup(subject: string, materialId: string) {
    if (this.down || this.downFor.has(materialId)) throw new SharedDataUnavailable(`the shared-data platform did not answer for ${materialId}; try again, or upload it`);
    this.asked.push(`${subject}/${materialId}`);
    return this.records.get(`${subject}/${materialId}`);
  }
}

/** A notice "rendered" as its title and paragraphs (the PDF renderer has tests of its own). */
export const textNotices: NoticeRenderer = { render: async (notice) => Buffer.from(JSON.stringify(notice)) };

/** A P-256 key in memory, for tests: signs as the local and KMS signers do (ES256, r ‖ s). */
export class MemorySigner implements Signer {
  private readonly keys = [generateKeyPairSync('ec', { namedCurve: 'P-256' })];
  async sign(build: (kid: string) => Uint8Array) {
    const current = this.keys.at(-1)!;
    const { kid } = publicJwkOf(current.publicKey);
    const message = build(kid);
    return { kid, message, signature: new Uint8Array(nodeSign('sha256', message, { key: current.privateKey, dsaEncoding: 'ieee-p1363' })) };
  }
  async publicKeys() {
    return this.keys.map((k) => publicJwkOf(k.publicKey)).reverse();
  }
  rotate() {
    this.keys.push(generateKeyPairSync('ec', { namedCurve: 'P-256' }));
  }
}
