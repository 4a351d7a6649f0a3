import { createRequire } from 'node:module';

/**
 * The packages a function finds beside its bundle rather than in it — the AWS SDK, which the
 * Node.js 22 Lambda runtime ships, and Powertools with the X-Ray SDK, from the functions' layer
 * (infra/lambdas.ts LAYER_PACKAGES) — loaded with require(), never `import`:
 * - require() reads NODE_PATH, where Lambda lists a layer's /opt/nodejs/node_modules and the
 *   runtime's SDK; an ES module's `import` of a bare name does not;
 * - they are CommonJS (Powertools ships both): `import`ed from the ES module bundle, each is first
 *   lexed for its export names and wrapped, which made a cold start 20–25 ms slower for the
 *   DynamoDB clients and as much again for the tracer (test/bench/FINDINGS.md §10).
 * Their types are the packages' own. Each loads where it is first called (a module's top level for
 * what every invocation needs; the S3, Step Functions and Scheduler clients on first use), once.
 */
const load = createRequire(import.meta.url);

export const dynamodbSdk = (): typeof import('@aws-sdk/client-dynamodb') => load('@aws-sdk/client-dynamodb');
export const documentSdk = (): typeof import('@aws-sdk/lib-dynamodb') => load('@aws-sdk/lib-dynamodb');
export const dynamodbUtil = (): typeof import('@aws-sdk/util-dynamodb') => load('@aws-sdk/util-dynamodb');

export const s3Sdk = (): typeof import('@aws-sdk/client-s3') => load('@aws-sdk/client-s3');
export const s3Presigner = (): typeof import('@aws-sdk/s3-request-presigner') => load('@aws-sdk/s3-request-presigner');
export const sfnSdk = (): typeof import('@aws-sdk/client-sfn') => load('@aws-sdk/client-sfn');
export const schedulerSdk = (): typeof import('@aws-sdk/client-scheduler') => load('@aws-sdk/client-scheduler');

export const powertoolsLogger = (): typeof import('@aws-lambda-powertools/logger') => load('@aws-lambda-powertools/logger');
export const powertoolsLoggerMiddleware = (): typeof import('@aws-lambda-powertools/logger/middleware') => load('@aws-lambda-powertools/logger/middleware');
export const powertoolsTracer = (): typeof import('@aws-lambda-powertools/tracer') => load('@aws-lambda-powertools/tracer');
export const powertoolsTracerMiddleware = (): typeof import('@aws-lambda-powertools/tracer/middleware') => load('@aws-lambda-powertools/tracer/middleware');
export const powertoolsMetrics = (): typeof import('@aws-lambda-powertools/metrics') => load('@aws-lambda-powertools/metrics');
