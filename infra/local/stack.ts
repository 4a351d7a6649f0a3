import './invocations.ts';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoRepositories } from '#shared/adapters/dynamodb/repositories.ts';
import { timerStreamRecord } from '#shared/adapters/dynamodb/timers.ts';
import type { Timer } from '#shared/ports/scheduler.ts';
import type { MendReport } from '#shared/ports/records.ts';
import { HTTP_FUNCTIONS, type HttpFunctionName } from '#shared/http/routes.ts';
import { DevClockRequest, DevOutboxQuery, DevSharedDataRequest, DevTokenRequest } from '#shared/schemas/api.ts';
import { SharedDataStore, startSharedDataStandIn } from './shared-data.ts';
import { startCarrierStandIn } from './carrier.ts';
import { LocalOutbox } from '#shared/adapters/sms/local-outbox.ts';
import { validate } from '#shared/schemas/validate.ts';
import { RuleViolation } from '#shared/errors.ts';
import { CASE_STATE_MACHINE_FILE, LAMBDAS, LOCAL_NAMES, ROOT, type LambdaName } from '../lambdas.ts';
import { checkJava, ensureTable, startDynamoDbLocal } from './dynamodb-local.ts';
import { StartupError } from './errors.ts';
import { createGateway, lambdaContext, type LambdaHandler } from './gateway.ts';
import { gatewayClaims, loadOrCreateKeys, signDevToken, verifyToken } from './jwt.ts';
import { portIsFree } from './ports.ts';
import { S3RVER_CREDENTIALS, startS3Local } from './s3-local.ts';
import { LocalStepFunctions } from './step-functions-local.ts';
import { TAKEN, TimerPoller } from './timer-poller.ts';
import { localCaseClock } from '#shared/ports/clock.ts';
import { parseDuration, toShanghaiIso } from '#shared/time.ts';
import { SERVICE_NAME } from '#shared/domain/metrics.ts';
import { buildDeps } from '#shared/wiring.ts';
import { startWorkflow } from '#shared/usecases/reconcile.ts';
import { uploadKey } from '#shared/usecases/uploads.ts';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';

export type LocalStack = { url: string; stop: () => Promise<void>; stepFunctions: LocalStepFunctions };
type Log = (msg: string, detail?: unknown) => void;

/** aws-local-stepfunctions (and vitest 5, middy 7) need Node.js 22: say so in one line instead of failing later. */
export function checkNode(version = process.versions.node): void {
  const major = Number(version.split('.')[0]);
  if (!(major >= 22)) throw new StartupError(`Node.js 22 or newer is needed to run the platform; this is Node.js ${version}`);
}

function checkDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.W_OK);
    const probe = join(dataDir, '.write-test');
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (err) {
    throw new StartupError(`DATA_DIR ${dataDir} is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/**
 * Starts the whole platform on one machine: DynamoDB Local, s3rver, the case state machine in
 * aws-local-stepfunctions and the HTTP gateway, all keeping their data under dataDir.
 */
export async function startLocalStack(opts: { port: number; dataDir: string; log?: Log }): Promise<LocalStack> {
  const log: Log = opts.log ?? ((msg, detail) => console.error(JSON.stringify({ level: 'WARN', msg, ...(detail as object) })));
  checkNode();
  checkJava();
  checkDataDir(opts.dataDir);
  if (!(await portIsFree(opts.port))) throw new StartupError(`port ${opts.port} is already in use; set PORT to a free one`);

  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err: Error) => log('stop failed', { error: err.message }));
  };
  try {
    const dynamo = await startDynamoDbLocal(join(opts.dataDir, 'dynamodb'));
    stops.push(dynamo.stop);
    // As S3 tells EventBridge in AWS: a stored upload's metadata goes on its record (timers function).
    let created: (key: string) => void = () => {};
    const s3 = await startS3Local(join(opts.dataDir, 's3'), [LOCAL_NAMES.bucket], { onCreated: (bucket, key) => bucket === LOCAL_NAMES.bucket && key.startsWith(uploadKey('')) && created(key) });
    stops.push(s3.stop);

    const lambdas: Partial<Record<LambdaName, LambdaHandler>> = {};
    let dispatch: (e: unknown, c: unknown) => Promise<unknown> = async () => undefined;
    const stepFunctions = new LocalStepFunctions(
      CASE_STATE_MACHINE_FILE,
      { CaseWorkflowFunctionArn: LOCAL_NAMES.functionArn('case-workflow') },
      { [LOCAL_NAMES.functionArn('case-workflow')]: (input) => (lambdas['case-workflow'] as unknown as (e: unknown, c: unknown) => Promise<unknown>)(input, lambdaContext('case-workflow')) },
      log,
      // As Step Functions' status-change event does in AWS: an attempt that failed, timed out or
      // was aborted is recorded, and the sweep starts the next one.
      (ended) =>
        void dispatch({ task: 'workflow-ended', execution: ended.name, status: ended.status, ...(ended.cause ? { cause: ended.cause } : {}) }, lambdaContext('timers')).catch(
          (err: Error) => log('recording an ended execution failed', { execution: ended.name, error: err.message }),
        ),
    );
    const sfnEndpoint = await stepFunctions.listen();
    stops.push(() => stepFunctions.stop());

    const outboxFile = join(opts.dataDir, 'outbox', 'sms.jsonl');
    // The shared-data platform's stand-in (AWS: the government's, at SHARED_DATA_URL).
    const sharedData = new SharedDataStore(join(opts.dataDir, 'shared-data', 'records.json'));
    const sharedDataStandIn = await startSharedDataStandIn(sharedData);
    stops.push(sharedDataStandIn.stop);
    // The carrier's stand-in (AWS: the contracted carrier's, at LOGISTICS_URL).
    const carrier = await startCarrierStandIn(join(opts.dataDir, 'carrier', 'shipments.json'));
    stops.push(carrier.stop);
    // The Lambdas' environment: the same variables as in AWS, with the standard endpoint
    // variables pointing the SDK clients at the stand-ins.
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SFN: sfnEndpoint,
      S3_FORCE_PATH_STYLE: 'true',
      TABLE_NAME: LOCAL_NAMES.table,
      BUCKET_NAME: LOCAL_NAMES.bucket,
      STATE_MACHINE_ARN: LOCAL_NAMES.stateMachineArn,
      SCHEDULER_MODE: 'table',
      ALLOW_LOOPBACK_WEBHOOKS: 'true',
      RETRY_TIME_SCALE: process.env.RETRY_TIME_SCALE ?? '0.001',
      CASE_CLOCK: 'movable',
      // The certificate-signing key's local stand-in (AWS: a KMS key, SIGNING_KEY_IDS).
      SIGNING_KEY_FILE: join(opts.dataDir, 'signing', 'keys.json'),
      // The SMS gateway's local stand-in (AWS: Amazon SNS): what it takes, GET /dev/outbox lists.
      SMS_OUTBOX_FILE: outboxFile,
      SHARED_DATA_URL: sharedDataStandIn.endpoint,
      LOGISTICS_URL: carrier.endpoint,
      // The archive bucket's local stand-in (AWS: S3 with Object Lock, ARCHIVE_BUCKET): plain BagIt folders.
      ARCHIVE_DIR: join(opts.dataDir, 'archive'),
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      // EMF lines would flood the terminal; the same figures are in GET /admin/supervision, read
      // from the table. POWERTOOLS_METRICS_DISABLED=false npm start prints them.
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    });
    delete process.env.AWS_PROFILE;

    const ddb = new DynamoDBClient({});
    const added = await ensureTable(ddb, LOCAL_NAMES.table);

    const invocations = await InvokeStore.getInstanceAsync(true);
    for (const name of Object.keys(LAMBDAS) as LambdaName[]) {
      const mod = (await import(pathToFileURL(join(ROOT, LAMBDAS[name].entry)).href)) as { handler: LambdaHandler };
      lambdas[name] = (event, context) => invocations.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId }, () => mod.handler(event, context));
    }

    // The timers (webhook retries, light changes, supervision) fire the same handler the schedules invoke in AWS.
    const store = dynamoRepositories(ddb, LOCAL_NAMES.table);
    dispatch = lambdas['timers'] as unknown as (e: unknown, c: unknown) => Promise<unknown>;
    // Data an older version wrote is mended once (the same task an operator runs once in AWS).
    const mended = (await dispatch({ task: 'mend-indexes' }, lambdaContext('timers'))) as MendReport;
    if (added.length || mended.indexed || mended.unindexed || mended.queued || mended.runs || mended.resharded) {
      log('data from an older version mended', {
        indexesAdded: added,
        watchIndexed: mended.indexed,
        watchUnindexed: mended.unindexed,
        coDepartmentQueue: mended.queued,
        workflowRuns: mended.runs,
        resharded: mended.resharded,
      });
    }
    // A step's follow-up goes to the follow-ups function as the table's stream hands it over in
    // AWS (one record of the timer written); any other timer to the timers function.
    const followUps = lambdas['follow-ups'] as unknown as (e: unknown, c: unknown) => Promise<{ batchItemFailures: unknown[] }>;
    const fire = async (timer: Timer) => {
      if (timer.task.task !== 'follow-up') return dispatch(timer.task, lambdaContext('timers'));
      const { batchItemFailures } = await followUps({ Records: [timerStreamRecord(timer)] }, lambdaContext('follow-ups'));
      if (batchItemFailures.length) throw new Error(`follow-up ${timer.name} failed (see its log line)`);
      return TAKEN; // the handler took it (runHandedOut)
    };
    const timers = new TimerPoller(store.timers, localCaseClock, fire, log);
    created = (key) => void dispatch({ task: 'upload-stored', key }, lambdaContext('timers')).catch((err: Error) => log('upload-stored failed', { key, error: err.message }));
    let timersStarted = false;

    const keys = await loadOrCreateKeys(join(opts.dataDir, 'keys', 'jwt.json'));
    const clockFile = join(opts.dataDir, 'clock.json');
    if (existsSync(clockFile)) localCaseClock.set(new Date(Date.now() + (JSON.parse(readFileSync(clockFile, 'utf8')) as { offsetMs: number }).offsetMs));
    const gateway: Server = createGateway({
      // Once a function answered, the poller looks at once: a step's follow-up starts right after
      // its answer, as the table's stream starts it in AWS.
      functions: Object.fromEntries(
        HTTP_FUNCTIONS.map((f): [HttpFunctionName, LambdaHandler] => [f, async (event, context) => {
          try {
            return await lambdas[f]!(event, context);
          } finally {
            if (timersStarted) timers.kick();
          }
        }]),
      ) as Record<HttpFunctionName, LambdaHandler>,
      authorize: async (token) => gatewayClaims(await verifyToken(keys, token)),
      localRoutes: {
        issueDevToken: async (body) => {
          const { token, expiresAt } = await signDevToken(keys, validate(DevTokenRequest, body, '', 'the body'));
          return { status: 200, body: { token, expiresAt: expiresAt.toISOString() } };
        },
        putDevSharedData: async (body) => ({ status: 200, body: sharedData.put(validate(DevSharedDataRequest, body, '', 'the body')) }),
        readDevOutbox: async (_body, query) => {
          const { to } = validate(DevOutboxQuery, query, '', 'the query');
          return { status: 200, body: { items: new LocalOutbox(outboxFile, localCaseClock).list(to) } };
        },
        moveDevClock: async (body) => {
          const move = validate(DevClockRequest, body, '', 'the body');
          const now = localCaseClock.now();
          const ms = 'advance' in move ? parseDuration(move.advance) : undefined;
          const target = 'advance' in move ? (ms === undefined ? undefined : new Date(now.getTime() + ms)) : new Date(move.set);
          if (!target || target < now) {
            throw new RuleViolation('the clock cannot be moved so', [
              { path: 'advance' in move ? 'advance' : 'set', message: 'case time only moves forward, by an ISO 8601 duration like PT72H or P3D' },
            ]);
          }
          localCaseClock.set(target);
          writeFileSync(clockFile, JSON.stringify({ offsetMs: localCaseClock.offset }));
          // Answer once the timers now due have fired: lights, supervisions and webhooks are up to date.
          await timers.drain();
          return { status: 200, body: { now: toShanghaiIso(localCaseClock.now()) } };
        },
      },
      log,
    });
    await new Promise<void>((resolve, reject) => {
      gateway.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' ? new StartupError(`port ${opts.port} is already in use; set PORT to a free one`) : err),
      );
      gateway.listen(opts.port, '127.0.0.1', resolve);
    });
    stops.push(() => new Promise<void>((resolve) => { gateway.closeAllConnections(); gateway.close(() => resolve()); }));

    // Executions live in memory: a new attempt for every case still in progress. Each loads its
    // case and carries on from the stored status. Before the first sweep, and before the timers
    // (a filing's follow-up left from before would start its first attempt too), so a case is
    // started once.
    const deps = buildDeps();
    const open = await store.cases.listOpen();
    const restart = async (caseId: string) => {
      const run = await store.workflowRuns.getWorkflowRun(caseId);
      if (run?.status === 'running') {
        await store.workflowRuns.markWorkflowStopped(caseId, run.attempt, { error: 'Local.Restart', cause: 'the local runtime restarted; its executions were kept in memory' }, new Date().toISOString());
      }
      return startWorkflow(deps, caseId, run?.attempt ?? 0);
    };
    for (let i = 0; i < open.length; i += 8) await Promise.all(open.slice(i, i + 8).map((c) => restart(c.caseId)));
    if (open.length) log(`resumed ${open.length} open case(s)`);
    timers.start();
    timersStarted = true;

    // As the recurring sweep schedule does in AWS: at start (after a kill -9) and every minute.
    const sweep = () => dispatch({ task: 'sweep' }, lambdaContext('timers')).catch((err: Error) => log('sweep failed', { error: err.message }));
    await sweep();
    const sweeper = setInterval(() => void sweep(), 60_000);
    // As the daily watch does in AWS: every open case's clocks, at start (in the background, not
    // delaying "ready") and every day.
    const watchAll = () => dispatch({ task: 'watch-all' }, lambdaContext('timers')).catch((err: Error) => log('watch failed', { error: err.message }));
    const firstWatch = watchAll();
    const watcher = setInterval(() => void watchAll(), 24 * 3600_000);
    stops.push(async () => {
      clearInterval(sweeper);
      clearInterval(watcher);
      timers.stop();
      await firstWatch;
    });

    return { url: `http://127.0.0.1:${opts.port}`, stop, stepFunctions };
  } catch (err) {
    await stop();
    throw err;
  }
}
