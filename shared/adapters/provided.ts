import { createRequire } from 'node:module';

/**
 * What a function finds beside its bundle rather than in it — the AWS SDK, which the Node.js 22
 * Lambda runtime ships, and Powertools with the X-Ray SDK, from the functions' layer
 * (infra/lambdas.ts LAYER_MODULES) — loaded with require(), never `import`: they are CommonJS
 * (Powertools ships both), and `import`ed from the ES module bundle each is first lexed for its
 * export names and wrapped, which made a cold start 20–25 ms slower for the DynamoDB clients and as
 * much again for the tracer (test/bench/FINDINGS.md §10). require() also finds them through
 * NODE_PATH, as Lambda lists the layer and the runtime's SDK there (Lambda's runtime searches it
 * for ES modules too; plain Node, as the infra tests run the bundles, does not).
 * And node:http: an ES `import` of it fills in its WebSocket, CloseEvent and MessageEvent getters,
 * which load undici (Node's fetch), some 20 ms; its CommonJS view leaves them lazy.
 * Their types are the packages' own. Each loads where it is first called (a module's top level for
 * what every invocation needs; the S3, Step Functions and Scheduler clients on first use), once.
 * eslint keeps every other file from importing or naming them.
 */
const load = createRequire(import.meta.url);

export const dynamodbSdk = (): typeof import('@aws-sdk/client-dynamodb') => load('@aws-sdk/client-dynamodb');
export const documentSdk = (): typeof import('@aws-sdk/lib-dynamodb') => load('@aws-sdk/lib-dynamodb');
export const dynamodbUtil = (): typeof import('@aws-sdk/util-dynamodb') => load('@aws-sdk/util-dynamodb');

export const s3Sdk = (): typeof import('@aws-sdk/client-s3') => load('@aws-sdk/client-s3');
export const s3Presigner = (): typeof import('@aws-sdk/s3-request-presigner') => load('@aws-sdk/s3-request-presigner');
export const sfnSdk = (): typeof import('@aws-sdk/client-sfn') => load('@aws-sdk/client-sfn');
export const snsSdk = (): typeof import('@aws-sdk/client-sns') => load('@aws-sdk/client-sns');
export const kmsSdk = (): typeof import('@aws-sdk/client-kms') => load('@aws-sdk/client-kms');
export const schedulerSdk = (): typeof import('@aws-sdk/client-scheduler') => load('@aws-sdk/client-scheduler');

export const powertoolsLogger = (): typeof import('@aws-lambda-powertools/logger') => load('@aws-lambda-powertools/logger');
export const powertoolsLoggerMiddleware = (): typeof import('@aws-lambda-powertools/logger/middleware') => load('@aws-lambda-powertools/logger/middleware');
export const powertoolsTracer = (): typeof import('@aws-lambda-powertools/tracer') => load('@aws-lambda-powertools/tracer');
export const powertoolsTracerMiddleware = (): typeof import('@aws-lambda-powertools/tracer/middleware') => load('@aws-lambda-powertools/tracer/middleware');
export const nodeHttp = (): typeof import('node:http') => load('node:http');

export const powertoolsMetrics = (): typeof import('@aws-lambda-powertools/metrics') => load('@aws-lambda-powertools/metrics');
