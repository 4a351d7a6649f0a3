import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { StepFunctionsWorkflow } from '#shared/adapters/sfn/workflow.ts';
import { runWorkflowTask } from '#shared/usecases/workflow-tasks.ts';
import { CASE_STATE_MACHINE_FILE, LOCAL_NAMES } from '../../infra/lambdas.ts';
import { LocalStepFunctions } from '../../infra/local/step-functions-local.ts';
import { inject } from 'vitest';
import { HttpWebhookSender } from '#shared/adapters/http/webhook-sender.ts';
import { chineseDaysArrangement } from '#shared/adapters/calendar/chinese-days.ts';
import { PdfNoticeRenderer } from '#shared/adapters/pdf/notices.ts';
import { TableScheduler } from '#shared/adapters/scheduler/table.ts';
import { runScheduledTask } from '#shared/usecases/scheduled.ts';
import { TimerPoller } from '../../infra/local/timer-poller.ts';
import { S3BlobStore } from '#shared/adapters/s3/blob-store.ts';
import { dynamoRepositories, type DynamoRepositories } from '#shared/adapters/dynamodb/repositories.ts';
import { MovableClock, systemClock } from '#shared/ports/clock.ts';
import type { Deps } from '#shared/usecases/deps.ts';
import { ensureTable } from '../../infra/local/dynamodb-local.ts';
import { S3RVER_CREDENTIALS } from '../../infra/local/s3-local.ts';
import { TEST_BUCKET } from './stand-ins.ts';
import { RecordingMetrics, RecordingWorkflow } from './memory.ts';
import { MemorySigner, RecordingLogistics } from './memory-outside.ts';
import { LocalOutbox } from '#shared/adapters/sms/local-outbox.ts';
import { FolderArchive } from '#shared/adapters/archive/folder-archive.ts';
import { SharedDataStore } from '../../infra/local/shared-data.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { RecordingMetrics, RecordingWorkflow };

const region = 'us-east-1';

export function dynamoClient() {
  return new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), region, credentials: S3RVER_CREDENTIALS });
}

export function s3Client() {
  return new S3Client({
    endpoint: inject('s3Endpoint'),
    region,
    credentials: S3RVER_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** A table of its own for each test file, so files run in parallel without seeing each other. */
export async function freshStore(): Promise<{ store: DynamoRepositories; client: DynamoDBClient; tableName: string }> {
  const client = dynamoClient();
  const tableName = `t-${randomUUID()}`;
  await ensureTable(client, tableName);
  return { store: dynamoRepositories(client, tableName), client, tableName };
}

/** One renderer for the run: it loads the fonts once. */
const notices = new PdfNoticeRenderer();

/** The use cases' dependencies on the real local stand-ins, with a recording workflow by default. */
export async function integrationDeps(
  opts: {
    /**
     * `auto` (default): a step's follow-up runs right after its commit, as the table's stream runs
     * it in AWS and the local runtime's poller does once a function answered (`settle()` waits for
     * it); `manual`: only when the test ticks the poller.
     */
    followUps?: 'auto' | 'manual';
  } = {},
): Promise<Deps & { workflow: RecordingWorkflow; clock: MovableClock; poller: TimerPoller; metrics: RecordingMetrics; store: DynamoRepositories; settle: () => Promise<number>; /** The deps the timers run with (a workflow of its own). */ fireWith: (d: Deps) => void }> {
  const { store } = await freshStore();
  if (opts.followUps !== 'manual') {
    const commit = store.cases.commit.bind(store.cases);
    store.cases.commit = async (change) => {
      await commit(change);
      if (change.companions?.some((c) => c.kind === 'followUp')) poller.kick();
    };
  }
  const workflow = new RecordingWorkflow();
  const clock = new MovableClock();
  const deps = depsOnOneTable(store, {
    blobs: new S3BlobStore(s3Client(), TEST_BUCKET),
    notices,
    workflow,
    scheduler: new TableScheduler(store.timers),
    sender: new HttpWebhookSender({ allowLoopback: true }),
    // The local runtime's SMS gateway stand-in, on a file of this test's own.
    notifier: new LocalOutbox(join(tmpdir(), `sms-${randomUUID()}.jsonl`), clock),
    logistics: new RecordingLogistics(),
    // The archive's local stand-in: a folder of this test's own.
    archive: new FolderArchive(join(tmpdir(), `archive-${randomUUID()}`)),
    // The shared-data platform's local stand-in, seeded as a fresh DATA_DIR is, on a file of this test's own.
    sharedData: new SharedDataStore(join(tmpdir(), `shared-data-${randomUUID()}.json`)),
    retryTimeScale: 1,
    clock,
    realClock: systemClock,
    regionCode: '350100',
    defaultArrangement: chineseDaysArrangement,
    metrics: new RecordingMetrics(),
    signer: new MemorySigner(),
  });
  // Fires every timer, the steps' follow-ups too (the stream's work in AWS), when a test ticks it.
  let target: Deps = deps;
  const poller = new TimerPoller(store.timers, clock, (timer) => runScheduledTask(target, timer.task));
  const full = { ...deps, workflow, clock, poller, settle: opts.followUps === 'manual' ? async () => 0 : () => poller.drain(), fireWith: (d: Deps) => void (target = d), metrics: deps.metrics as RecordingMetrics, store };
  // The timers run with the very object the test holds (its per-deps caches, e.g. the calendar, are theirs).
  target = full;
  return full;
}

/** Polls until a condition holds (or the time is up, returning the last value for the assertion to report). */
export async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Dependencies whose workflow is the real case state machine, run by the local Step Functions
 * endpoint and reached through the real SDK client and adapter. Executions that end otherwise
 * than by succeeding are reported to the timers' task, as the local runtime does. `aslFile`
 * swaps in a variant of the definition; `task` wraps the case-workflow function (to fail it on purpose).
 */
export async function workflowDeps(
  opts: { aslFile?: string; task?: (input: unknown, run: (input: unknown) => Promise<unknown>) => Promise<unknown> } = {},
): Promise<{ deps: Deps & { clock: MovableClock; poller: TimerPoller; settle: () => Promise<number>; fireWith: (d: Deps) => void }; sfn: LocalStepFunctions }> {
  const base = await integrationDeps();
  const fnArn = LOCAL_NAMES.functionArn('case-workflow');
  const box: { deps?: Deps } = {};
  const run = (input: unknown) => runWorkflowTask(box.deps!, input);
  const sfn = new LocalStepFunctions(
    opts.aslFile ?? CASE_STATE_MACHINE_FILE,
    { CaseWorkflowFunctionArn: fnArn },
    { [fnArn]: (input) => (opts.task ? opts.task(input, run) : run(input)) },
    () => {},
    (ended) => void runScheduledTask(box.deps!, { task: 'workflow-ended', execution: ended.name, status: ended.status, ...(ended.cause ? { cause: ended.cause } : {}) }),
  );
  const endpoint = await sfn.listen();
  const deps = { ...base, workflow: new StepFunctionsWorkflow(new SFNClient({ endpoint, region: 'us-east-1', credentials: S3RVER_CREDENTIALS }), LOCAL_NAMES.stateMachineArn) };
  box.deps = deps;
  base.fireWith(deps);
  return { deps, sfn };
}

/** Every repository port served by the single table. */
type TablePorts = 'cases' | 'workflowRuns' | 'stats' | 'migrations' | 'uploads' | 'departments' | 'certificates' | 'idempotency' | 'webhooks' | 'deliveries' | 'calendars' | 'catalog' | 'verifications' | 'timers' | 'archives';

export function depsOnOneTable(store: DynamoRepositories, rest: Omit<Deps, TablePorts>): Deps {
  return { ...store, ...rest };
}
