import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import type { Principal } from '../domain/principal.ts';
import { AppError, MalformedRequest, NotFound, Unauthenticated } from '../errors.ts';
import { logger, observed } from '../log.ts';
import { validate } from '../schemas/validate.ts';
import { principalFromClaims } from './principal.ts';
import { checkPathParameters, ROUTES, routeKey, type Api, type HttpFunctionName, type OperationId, type Route, type RouteSpec, type SuccessStatus } from './routes.ts';

/** A request as the function received it, checked against its route (what every operation gets, untyped). */
export type HttpRequest = {
  route: Route;
  params: Record<string, string>;
  query: unknown;
  /** The body, parsed and validated against the route's schema (none on webhook routes: see rawBody). */
  body: unknown;
  rawBody: string;
  headers: Record<string, string | undefined>;
  principal?: Principal;
};

export type HttpResult = { status: number; body?: unknown; headers?: Record<string, string> };

/** The names of the path parameters in an API Gateway path template: `/cases/{caseId}` → `'caseId'`. */
type PathParameterNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? Name | PathParameterNames<Rest> : never;
type Validated<S> = S extends z.ZodType ? z.output<S> : undefined;

/** The request an operation of route R gets: validated by R's schemas, so typed by them. */
export type RequestOf<R extends RouteSpec> = {
  route: Route;
  params: { readonly [Name in PathParameterNames<R['path']>]: string };
  query: R extends { query: infer Q } ? Validated<Q> : undefined;
  /** Webhook routes get none: the signature is over rawBody, which the use case verifies and parses. */
  body: R extends { auth: 'webhook' } ? undefined : R extends { body: infer B } ? Validated<B> : undefined;
  rawBody: string;
  headers: Record<string, string | undefined>;
  /** On JWT routes, who is asking; on others, nobody. */
  principal: R extends { auth: 'jwt' } ? Principal : undefined;
};

/** What an operation of route R may answer: one of its success statuses, with a body of that status's schema. */
export type ResultOf<R extends RouteSpec> = {
  [S in keyof R['responses'] & SuccessStatus]: {
    status: S;
    body: R['responses'][S] extends { schema: infer B } ? Validated<B> : undefined;
    headers?: Record<string, string>;
  };
}[keyof R['responses'] & SuccessStatus];

export type OperationOf<R extends RouteSpec> = (req: RequestOf<R>) => Promise<ResultOf<R>>;

/** The operations an HTTP function must serve: every deployed route of the table that is its. */
export type Operations<F extends HttpFunctionName> = {
  [K in OperationId as Api[K] extends { fn: F } ? (Api[K] extends { localOnly: true } ? never : K) : never]: OperationOf<Api[K]>;
};

/** An operation answering `status` with what its use case returns. */
export const reply =
  <Req, S extends SuccessStatus, B>(status: S, run: (req: Req) => B | Promise<B>) =>
  async (req: Req): Promise<{ status: S; body: B }> => ({ status, body: await run(req) });

function rawBodyOf(event: APIGatewayProxyEventV2): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** An empty body is no body: the route's schema says whether one is needed. */
function parseJson(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new MalformedRequest('the body is not valid JSON');
  }
}

function toRequest(event: APIGatewayProxyEventV2, routes: Map<string, Route>): HttpRequest {
  const route = routes.get(event.routeKey);
  if (!route) throw new NotFound(`no route ${event.requestContext.http.method} ${event.rawPath}`);
  const rawBody = rawBodyOf(event);
  const headers = event.headers ?? {};
  let principal: Principal | undefined;
  if (route.auth === 'jwt') {
    const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: unknown } } }).authorizer?.jwt?.claims;
    if (!claims) throw new Unauthenticated('a bearer token is required');
    principal = principalFromClaims(claims);
  }
  const query = route.query ? validate(route.query, event.queryStringParameters ?? {}, 'query', 'the query') : undefined;
  const body = route.body && route.auth !== 'webhook' ? validate(route.body, parseJson(rawBody), '', 'the body') : undefined;
  return { route, params: checkPathParameters(event.pathParameters ?? {}), query, body, rawBody, headers, principal };
}

/**
 * On every answer, the functions' and the local gateway's own alike: HTTPS only from now on, no
 * sniffing, never framed, no referrer, nothing cached (answers are personal). API responses are
 * data, so the content security policy allows nothing to load at all.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const json = (status: number, body: unknown, headers: Record<string, string> = {}, contentType = 'application/json') => ({
  statusCode: status,
  headers: { 'content-type': contentType, ...SECURITY_HEADERS, ...headers },
  body: body === undefined ? '' : JSON.stringify(body),
});

/** An error as RFC 9457 problem+json: the platform's own errors say what is wrong; anything else is a 500 with no detail. */
export function problemOf(err: unknown, instance?: string): { status: number; body: Record<string, unknown>; headers: Record<string, string> } {
  if (err instanceof AppError) {
    return {
      headers: err.headers ?? {},
      status: err.status,
      body: { type: `/problems/${err.slug}`, title: err.title, status: err.status, detail: err.message, instance, ...(err.errors ? { errors: err.errors } : {}) },
    };
  }
  return { headers: {}, status: 500, body: { type: '/problems/internal', title: 'Internal error', status: 500, detail: 'Something went wrong on our side; it has been logged.', instance } };
}

/** Maps every error to problem+json, in one place; nothing else reaches the client. */
export const problemJson = (): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => ({
  onError: async function problemJsonOnError(request) {
    const err = request.error;
    if (!(err instanceof AppError)) logger.error('unhandled error', { error: err as Error, routeKey: request.event?.routeKey });
    const { status, body, headers } = problemOf(err, request.event?.rawPath);
    request.response = json(status, body, headers, 'application/problem+json');
  },
});

type ErasedOperation = (req: HttpRequest) => Promise<HttpResult>;

/**
 * The Lambda handler of one HTTP function: the operations it serves, by operationId. Their types
 * come from the route table, so a missing one, or one taking or answering what its route does not
 * declare, fails to typecheck.
 */
export function httpFunction<F extends HttpFunctionName>(fn: F, operations: Operations<F>) {
  /**
   * The one place the types meet the runtime: the request toRequest builds was checked against
   * the very route the operation is typed from (path parameters, query and body by its schemas,
   * the principal by its auth), which TypeScript cannot follow through the table.
   */
  const byId = operations as unknown as Readonly<Record<string, ErasedOperation | undefined>>;
  const routes = new Map(ROUTES.filter((r) => r.fn === fn).map((r) => [routeKey(r), r]));
  for (const r of routes.values()) {
    if (!byId[r.operationId] && !r.localOnly) throw new Error(`${fn} has no operation ${r.operationId}`);
  }
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(observed())
    .use(httpHeaderNormalizer())
    .use(problemJson())
    .handler(async function dispatch(event) {
      // Correlation ids on every line of this invocation: the request, and the case or webhook it is about.
      logger.setCorrelationId(event.requestContext.requestId);
      logger.appendKeys({
        route: event.routeKey,
        ...(event.pathParameters?.caseId ? { caseId: event.pathParameters.caseId.slice(0, 128) } : {}),
        ...(event.headers?.['webhook-id'] ? { webhookId: event.headers['webhook-id'].slice(0, 200) } : {}),
      });
      const req = toRequest(event, routes);
      const op = byId[req.route.operationId];
      if (!op) throw new NotFound(`no route ${event.routeKey}`);
      const result = await op(req);
      return json(result.status, result.body, result.headers);
    });
}
