import { fileURLToPath } from 'node:url';
import { NOTICE_FONTS } from '#shared/adapters/pdf/notices.ts';
import type { HttpFunctionName } from '#shared/http/routes.ts';

/** Every Lambda of the platform, once: the CDK stack builds them, the local runtime imports them. */
export type LambdaName = HttpFunctionName | 'case-workflow' | 'timers' | 'follow-ups';

type LambdaSpec = {
  entry: string;
  description: string;
  memoryMb: number;
  /** Default 29 s (the HTTP API's own limit); functions invoked by timers may run longer. */
  timeoutSeconds?: number;
  /** Files (module specifiers) shipped beside the bundle in fonts/, e.g. the notice fonts. */
  fonts?: readonly string[];
};

export const LAMBDAS: Record<LambdaName, LambdaSpec> = {
  'public-api': { entry: 'functions/public-api.ts', description: 'health, catalog, OpenAPI', memoryMb: 512 },
  'citizen-api': { entry: 'functions/citizen-api.ts', description: 'uploads, filing, case view, certificates', memoryMb: 1024 },
  'admin-api': { entry: 'functions/admin-api.ts', description: 'departments and webhook secrets', memoryMb: 512 },
  'department-hooks': { entry: 'functions/department-hooks.ts', description: 'department actions: signed webhooks and staff', memoryMb: 1024 },
  'case-workflow': { entry: 'functions/case-workflow.ts', description: 'Task states of the case state machine', memoryMb: 1024 },
  'timers': { entry: 'functions/timers.ts', description: 'timers: webhook attempts, sweeps and the case watch (lights, supervision)', memoryMb: 512, timeoutSeconds: 300 },
  // Started by the table's stream: a step's notices rendered, its files pinned, its webhooks' first
  // attempts, the workflow woken or started, its clocks watched — after the step was answered.
  'follow-ups': {
    entry: 'functions/follow-ups.ts',
    description: 'what a step leaves to do once answered: notices, pinned files, first webhook attempts, the workflow, the watch',
    memoryMb: 1536,
    timeoutSeconds: 120,
    fonts: Object.values(NOTICE_FONTS),
  },
};

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CASE_STATE_MACHINE_FILE = fileURLToPath(new URL('../statemachines/case.asl.json', import.meta.url));

/** Resource names shared by both runtimes where a name is needed locally. */
export const LOCAL_NAMES = {
  table: 'yiwangtongban',
  bucket: 'yiwangtongban-files',
  stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:case',
  functionArn: (name: LambdaName) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
};

/** How every Lambda is bundled: used by the CDK construct and by the benchmark's size and init figures. */
export const BUNDLING = {
  target: 'node22',
  minify: true,
  sourceMap: true,
  mainFields: ['module', 'main'],
  // Some dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  // The Node.js 22 Lambda runtime ships the AWS SDK v3; Powertools and the X-Ray SDK come from
  // the functions' layer (LAYER_MODULES, infra/constructs/powertools-layer.ts). The code loads
  // them with require() in shared/adapters/provided.ts, which esbuild does not follow, so this
  // list changes no bundle today: it keeps them out should an import of them ever slip in (eslint
  // forbids one; the infra tests would then fail to load the bundle in Lambda's layout).
  externalModules: ['@aws-sdk/*', '@aws-lambda-powertools/*', 'aws-xray-sdk-core'],
};

/**
 * What the layer every function carries provides, by module name — what shared/adapters/provided.ts
 * loads beside the AWS SDK: Powertools, as Powertools itself ships as a layer, and with its tracer
 * the X-Ray SDK. infra/layer.ts stages it (one bundle of them all, some 170 KiB, out of each function's bundle).
 */
export const LAYER_MODULES = [
  '@aws-lambda-powertools/logger',
  '@aws-lambda-powertools/logger/middleware',
  '@aws-lambda-powertools/metrics',
  '@aws-lambda-powertools/tracer',
  '@aws-lambda-powertools/tracer/middleware',
] as const;
