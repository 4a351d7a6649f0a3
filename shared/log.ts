import type { MiddlewareObj } from '@middy/core';
import * as z from 'zod';
import type { AuditEvent } from './domain/case.ts';
import { SERVICE_NAME } from './domain/metrics.ts';
import { powertoolsLogger, powertoolsLoggerMiddleware, powertoolsTracer, powertoolsTracerMiddleware } from './adapters/provided.ts';

const { Logger } = powertoolsLogger();
const { injectLambdaContext } = powertoolsLoggerMiddleware();
const { Tracer } = powertoolsTracer();
const { captureLambdaHandler } = powertoolsTracerMiddleware();

/**
 * Observability as Powertools does it: structured JSON logs (CloudWatch Logs in AWS, the terminal
 * locally) carrying the Lambda context and the invocation's correlation ids, and an X-Ray segment
 * per invocation with a subsegment per AWS SDK call (X-Ray is on for every function; outside
 * Lambda the tracer does nothing).
 */
export const logger = new Logger({ serviceName: SERVICE_NAME });
export const tracer = new Tracer({ serviceName: SERVICE_NAME });

/** An AWS SDK client whose calls are traced (the very client, untouched, outside Lambda). */
export const traced = <C extends object>(client: C): C => tracer.captureAWSv3Client(client);

/**
 * What every function's handler wears: the Lambda context on each log line, keys of one invocation
 * cleared before the next, and the invocation traced — without its response, which X-Ray would
 * otherwise keep as metadata (case views with personal data, presigned URLs, a new webhook secret).
 */
export const observed = (): Array<MiddlewareObj<any, any, Error>> => [ // eslint-disable-line @typescript-eslint/no-explicit-any
  injectLambdaContext(logger, { resetKeys: true }),
  captureLambdaHandler(tracer, { captureResponse: false }),
];

/** The ids an invocation's input names: the case, the webhook delivery, the execution. */
const Correlation = z.object({ caseId: z.string().max(128), deliveryId: z.string().max(128), execution: z.string().max(128), task: z.string().max(40) }).partial();

/** Puts the correlation ids of a task's input (a timer's, a workflow step's) on every log line of the invocation. */
export function correlate(input: unknown): void {
  const ids = Correlation.safeParse(input);
  if (ids.success) logger.appendKeys(ids.data);
}

/** A line at each state change of a case: what happened, from which status to which, by whom. */
export function logCaseChange(event: AuditEvent): void {
  logger.info('case changed', {
    caseId: event.caseId,
    event: event.type,
    seq: event.seq,
    from: event.fromStatus,
    to: event.toStatus,
    actor: { kind: event.actor.kind, id: event.actor.id },
  });
}
