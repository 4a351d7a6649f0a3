import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystem } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app.ts';
import { bundleEntry, bundleLambda } from '../../infra/bundle.ts';
import { LAMBDAS, LAYER_MODULES, ROOT, type LambdaName } from '../../infra/lambdas.ts';
import { lambdaLayout, providedModules } from '../support/lambda-layout.ts';

const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

describe('the Powertools layer in the template', () => {
  it('is one Node.js 22 arm64 layer that every function of the stateless stack carries', () => {
    const built = buildApp({ context: NO_BUNDLING });
    const stateless = Template.fromStack(built.stateless);
    const layers = stateless.findResources('AWS::Lambda::LayerVersion');
    expect(Object.keys(layers)).toHaveLength(1);
    const [layerId, layer] = Object.entries(layers)[0]!;
    expect(layer.Properties).toMatchObject({ CompatibleRuntimes: ['nodejs22.x'], CompatibleArchitectures: ['arm64'], Description: expect.stringMatching(/^Powertools for AWS Lambda \(TypeScript\) \d+\.\d+\.\d+ .*aws-xray-sdk-core \d+\.\d+\.\d+/) });
    const fns = Object.values(stateless.findResources('AWS::Lambda::Function')) as Array<{ Properties: { Layers?: unknown } }>;
    expect(fns).toHaveLength(Object.keys(LAMBDAS).length);
    for (const fn of fns) expect(fn.Properties.Layers).toEqual([{ Ref: layerId }]);
    expect(Template.fromStack(built.stateful).findResources('AWS::Lambda::LayerVersion')).toEqual({});
  });
});

describe('the layer’s content, staged as `cdk synth` stages it', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ywtb-layer-'));
  let layout: ReturnType<typeof lambdaLayout>;
  beforeAll(() => {
    layout = lambdaLayout(scratch);
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** Runs `code` (an ES module) in a fresh Node process in the layout, in `cwd`. */
  const run = (code: string, env: NodeJS.ProcessEnv = layout.env(), cwd = scratch) =>
    execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd, env, encoding: 'utf8', stdio: 'pipe' }).trim();

  it('is one bundle of Powertools with the X-Ray SDK inside, and each module of LAYER_MODULES by its name', () => {
    const nodejs = join(layout.opt, 'nodejs');
    expect(readdirSync(nodejs).sort()).toEqual(['layer.cjs', 'licenses', 'node_modules']);
    // The licences of what is bundled go with it.
    const licences = JSON.parse(readFileSync(join(nodejs, 'licenses', 'index.json'), 'utf8')) as Array<{ name: string; license: string }>;
    expect(licences).toContainEqual(expect.objectContaining({ name: '@aws-lambda-powertools/tracer', license: 'MIT-0' }));
    expect(licences).toContainEqual(expect.objectContaining({ name: 'aws-xray-sdk-core', license: 'Apache-2.0' }));
    expect(readdirSync(join(nodejs, 'licenses', 'aws-xray-sdk-core'))).toContain('LICENSE');
    expect(readdirSync(join(nodejs, 'node_modules'))).toEqual(['@aws-lambda-powertools']);
    const bundle = readFileSync(join(nodejs, 'layer.cjs'), 'utf8');
    expect(bundle.includes('AWS_XRAY_DAEMON_ADDRESS'), 'the X-Ray SDK is in the bundle').toBe(true);
    // What it still requires: Node's own modules, and the AWS SDK the runtime provides.
    const required = [...new Set([...bundle.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!))];
    expect(required.filter((m) => !isBuiltin(m) && !m.startsWith('@aws-sdk/'))).toEqual([]);
    const exported = JSON.parse(run(`import { createRequire } from 'node:module'; const r = createRequire(${JSON.stringify(join(layout.task, 'x.js'))}); console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(LAYER_MODULES)}.map((m) => [m, [r.resolve(m), Object.keys(r(m)).sort()]]))));`)) as Record<string, [string, string[]]>;
    expect(exported['@aws-lambda-powertools/logger']![1]).toContain('Logger');
    expect(exported['@aws-lambda-powertools/logger/middleware']![1]).toContain('injectLambdaContext');
    expect(exported['@aws-lambda-powertools/metrics']![1]).toEqual(expect.arrayContaining(['Metrics', 'MetricUnit']));
    expect(exported['@aws-lambda-powertools/tracer']![1]).toContain('Tracer');
    expect(exported['@aws-lambda-powertools/tracer/middleware']![1]).toContain('captureLambdaHandler');
    for (const [module, [file]] of Object.entries(exported)) expect(file.startsWith(join(nodejs, 'node_modules')), module).toBe(true);
  });

  it('holds every module shared/adapters/provided.ts loads, but the AWS SDK the runtime provides', () => {
    const loaded = providedModules();
    expect(loaded.length).toBeGreaterThan(LAYER_MODULES.length);
    expect(loaded.filter((m) => !m.startsWith('@aws-sdk/') && !isBuiltin(m)).sort()).toEqual([...LAYER_MODULES].sort());
  });

  it('resolves, in Lambda’s layout, every module provided.ts may load — those loaded on first use too', async () => {
    // Prepare: provided.ts bundled as the functions bundle it, in the task folder.
    const file = await bundleEntry(join(ROOT, 'shared', 'adapters', 'provided.ts'), join(layout.task, 'provided', 'index.mjs'));
    // Act: call every loader it exports.
    const out = run(`const m = await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(JSON.stringify(Object.entries(m).map(([name, load]) => [name, Object.keys(load()).length])));`);
    // Assess: each gave a module with exports; the layer's from opt/, the SDK's from the runtime.
    const loaders = JSON.parse(out) as Array<[string, number]>;
    expect(loaders.map(([name]) => name)).toEqual(expect.arrayContaining(['dynamodbSdk', 's3Sdk', 's3Presigner', 'sfnSdk', 'schedulerSdk', 'powertoolsTracer', 'nodeHttp']));
    for (const [name, exports] of loaders) expect(exports, name).toBeGreaterThan(0);
  });

  it('is the same for the same installed packages, wherever it is staged from (a stable asset hash)', () => {
    // Prepare, Act: staged again, by a process started in another folder.
    const again = join(scratch, 'again');
    execFileSync(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', `const { stageLayer } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'infra', 'layer.ts')).href)}); stageLayer(${JSON.stringify(again)});`], { cwd: tmpdir(), env: layout.env(), stdio: 'pipe' });
    // Assess: what the asset hash is computed from (AssetHashType.OUTPUT).
    expect(FileSystem.fingerprint(again)).toBe(FileSystem.fingerprint(layout.opt));
  });

  it('is all the bundles need beside the AWS SDK: each loads in Lambda’s layout, found through NODE_PATH as Lambda sets it', async () => {
    // Plain Node reads NODE_PATH only for require(), which shared/adapters/provided.ts uses.
    const load = (file: string, env?: NodeJS.ProcessEnv) => run(`const m = await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(typeof m.handler);`, env);
    for (const name of Object.keys(LAMBDAS) as LambdaName[]) {
      expect(load(await bundleLambda(name, layout.task)), name).toBe('function');
    }
    // Without the layer on NODE_PATH, the same bundle does not load: the test does not pass by luck.
    expect(() => load(join(layout.task, 'public-api', 'index.mjs'), layout.env({}, [layout.runtimeModules, layout.task].join(':')))).toThrow(/Cannot find module '@aws-lambda-powertools\//);
  });

  it('traces the SDK’s calls as X-Ray subsegments in Lambda (the Tracer on the clients, from the layer)', async () => {
    // Prepare: a stand-in X-Ray daemon (UDP), and public-api in the layout with the variables
    // Lambda sets for an invocation that is sampled.
    const daemon = createSocket('udp4');
    const received: string[] = [];
    daemon.on('message', (m) => received.push(m.toString()));
    await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
    try {
      const file = await bundleLambda('public-api', layout.task);
      const env = layout.env({
        AWS_LAMBDA_FUNCTION_NAME: 'public-api',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        LAMBDA_TASK_ROOT: dirname(file),
        _HANDLER: 'index.handler',
        _X_AMZN_TRACE_ID: 'Root=1-6761e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
        AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${(daemon.address() as { port: number }).port}`,
        TABLE_NAME: 'no-such-table',
        // Nothing listens there: the call fails at once, and is traced all the same.
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
        AWS_MAX_ATTEMPTS: '1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'not-a-secret',
      });
      // Act: a guide, which reads the catalog from the table.
      const event = { version: '2.0', routeKey: 'GET /service-items/{code}', rawPath: '/service-items/basic-pension-claim', rawQueryString: '', headers: {}, pathParameters: { code: 'basic-pension-claim' }, requestContext: { http: { method: 'GET', path: '/service-items/basic-pension-claim' } }, isBase64Encoded: false };
      const context = { functionName: 'public-api', awsRequestId: 'req-1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:public-api', memoryLimitInMB: '512', functionVersion: '$LATEST', getRemainingTimeInMillis: () => 10_000 };
      const status = run(`const { handler } = await import(${JSON.stringify(pathToFileURL(file).href)}); const r = await handler(${JSON.stringify(event)}, ${JSON.stringify(context).replace(/}$/, ', getRemainingTimeInMillis: () => 10000 }')}); console.log(r.statusCode);`, env);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Assess: the request failed (no table), and X-Ray got the DynamoDB call as a subsegment of the invocation.
      expect(Number(status)).toBeGreaterThanOrEqual(500);
      const segments = received.map((datagram) => JSON.parse(datagram.slice(datagram.indexOf('\n') + 1)) as { name: string; namespace?: string; trace_id: string; aws?: { operation?: string } });
      expect(segments.find((s) => s.name === 'DynamoDB')).toMatchObject({ namespace: 'aws', trace_id: '1-6761e988-bd862e3fe1be46a994272793', aws: { operation: 'Query' } });
    } finally {
      daemon.close();
    }
  });
});
