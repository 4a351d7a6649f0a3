import { HttpWebhookSender } from './adapters/http/webhook-sender.ts';
import { HttpSharedData } from './adapters/http/shared-data.ts';
import { HttpLogistics } from './adapters/http/logistics.ts';
import { EventBridgeScheduler } from './adapters/scheduler/eventbridge.ts';
import { TableScheduler } from './adapters/scheduler/table.ts';
import { chineseDaysArrangement } from './adapters/calendar/chinese-days.ts';
import { EmfMetrics } from './adapters/metrics/emf.ts';
import { S3BlobStore } from './adapters/s3/blob-store.ts';
import type { DynamoRepositories } from './adapters/dynamodb/repositories.ts';
import { StepFunctionsWorkflow } from './adapters/sfn/workflow.ts';
import { s3Sdk, schedulerSdk, sfnSdk, snsSdk } from './adapters/provided.ts';
import { LocalOutbox } from './adapters/sms/local-outbox.ts';
import { SnsNotifier } from './adapters/sms/sns-notifier.ts';
import type { Signer } from './ports/signer.ts';
import { config } from './config.ts';
import { traced } from './log.ts';
import { localCaseClock, systemClock } from './ports/clock.ts';
import type { ArchiveStore, Logistics, Notifier, NoticeRenderer, SharedData } from './ports/outside.ts';
import type { S3Client } from '@aws-sdk/client-s3';
import { FolderArchive } from './adapters/archive/folder-archive.ts';
import { S3Archive } from './adapters/archive/s3-archive.ts';
import type { Scheduler } from './ports/scheduler.ts';
import type { Deps } from './usecases/deps.ts';
import { signerFromEnv, tableFromEnv } from './wiring-catalog.ts';

/**
 * Builds the adapters from configuration, each on first use: a function is given only the
 * environment (and permissions) of the adapters it uses, so nothing may be built ahead of need.
 * The AWS SDK packages of S3, Step Functions and the Scheduler load on first use too (loading the
 * SDK is most of a cold start; shared/adapters/provided.ts loads each when first called).
 * In AWS the SDK finds its endpoints itself; locally the standard AWS_ENDPOINT_URL_* variables
 * point the very same clients at the stand-ins.
 */
export function buildDeps(opts: { notices?: () => Promise<NoticeRenderer> } = {}): Deps {
  let store: DynamoRepositories | undefined;
  let blobs: S3BlobStore | undefined;
  let workflow: StepFunctionsWorkflow | undefined;
  let signer: Signer | undefined;
  let scheduler: Scheduler | undefined;
  let renderer: NoticeRenderer | undefined;
  let notifier: Notifier | undefined;
  let sharedData: SharedData | undefined;
  let logistics: Logistics | undefined;
  let archive: ArchiveStore | undefined;
  let s3: S3Client | undefined;
  const table = () => (store ??= tableFromEnv());
  const caseClock = config.movableCaseClock ? localCaseClock : systemClock;
  const archiveFrom = (where: typeof config.archive): ArchiveStore => (where.kind === 'folder' ? new FolderArchive(where.dir) : new S3Archive(s3Client(), where.bucket));
  const notifierFrom = (sms: typeof config.sms): Notifier => (sms.kind === 'file' ? new LocalOutbox(sms.file, caseClock) : new SnsNotifier(traced(new (snsSdk().SNSClient)({})), sms.senderId));
  // One S3 client for the files and the archive buckets.
  const s3Client = () =>
    (s3 ??= traced(
      new (s3Sdk().S3Client)({
        forcePathStyle: config.s3ForcePathStyle,
        // Only add checksums we ask for; the default would sign a CRC32 of an empty body into PUT URLs.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }),
    ));
  return {
    get cases() { return table().cases; },
    get workflowRuns() { return table().workflowRuns; },
    get stats() { return table().stats; },
    get migrations() { return table().migrations; },
    get uploads() { return table().uploads; },
    get sharedData() {
      return (sharedData ??= new HttpSharedData(config.sharedDataUrl));
    },
    get departments() { return table().departments; },
    get certificates() { return table().certificates; },
    get verifications() { return table().verifications; },
    get idempotency() { return table().idempotency; },
    get webhooks() { return table().webhooks; },
    get blobs() {
      return (blobs ??= new S3BlobStore(s3Client(), config.bucketName));
    },
    get archive() {
      return (archive ??= archiveFrom(config.archive));
    },
    get archives() { return table().archives; },
    get deliveries() { return table().deliveries; },
    get timers() { return table().timers; },
    get scheduler() {
      return (scheduler ??=
        config.schedulerMode === 'table' ? new TableScheduler(table().timers) : new EventBridgeScheduler(traced(new (schedulerSdk().SchedulerClient)({})), config.schedulerTarget));
    },
    sender: new HttpWebhookSender({ allowLoopback: config.allowLoopbackWebhooks }),
    get logistics() {
      return (logistics ??= new HttpLogistics(config.logisticsUrl));
    },
    get notifier() {
      return (notifier ??= notifierFrom(config.sms));
    },
    retryTimeScale: config.retryTimeScale,
    get workflow() {
      return (workflow ??= new StepFunctionsWorkflow(traced(new (sfnSdk().SFNClient)({})), config.stateMachineArn));
    },
    // Only the function that issues notices passes a renderer (pdfkit and the fonts stay out of
    // the other bundles); it loads on the first notice.
    notices: {
      async render(notice) {
        if (!opts.notices) throw new Error('this function issues no notices');
        renderer ??= await opts.notices();
        return renderer.render(notice);
      },
    },
    clock: caseClock,
    realClock: systemClock,
    regionCode: config.regionCode,
    get calendars() { return table().calendars; },
    get catalog() { return table().catalog; },
    defaultArrangement: chineseDaysArrangement,
    metrics: new EmfMetrics(),
    get signer() {
      return (signer ??= signerFromEnv());
    },
  };
}

let deps: Deps | undefined;
/** One set of clients per Lambda module, created on first use (functions that issue no notices). */
export function lambdaDeps(): Deps {
  deps ??= buildDeps();
  return deps;
}
