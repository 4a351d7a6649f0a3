import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { AppError, MalformedRequest, NotFound, Unauthenticated } from '../errors.ts';
import { logger } from '../log.ts';
import { validate } from '../schemas/validate.ts';
import type { Principal } from '../domain/principal.ts';
import { principalFromClaims } from './principal.ts';
import { checkPathParameters, ROUTES, routeKey, type HttpFunctionName, type Route } from './routes.ts';


export type HttpRequest = {
  route: Route;
  pathParameters: Record<string, string>;
  query: unknown;
  /** The body, parsed and validated against the route's schema (raw for webhook routes). */
  body: unknown;
  rawBody: string;
  headers: Record<string, string | undefined>;
  principal?: Principal;
};

export type HttpResult = { status: number; body?: unknown; headers?: Record<string, string> };
export type Operation = (req: HttpRequest) => Promise<HttpResult>;

/** An operation answering `status` with what its use case returns. */
export const reply =
  (status: number, run: (req: HttpRequest) => unknown): Operation =>
  async (req) => ({ status, body: await run(req) });

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
  return { route, pathParameters: checkPathParameters((event.pathParameters ?? {}) as Record<string, string>), query, body, rawBody, headers, principal };
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
export function problemOf(err: unknown, instance?: string): { status: number; body: Record<string, unknown> } {
  if (err instanceof AppError) {
    return {
      status: err.status,
      body: { type: `/problems/${err.slug}`, title: err.title, status: err.status, detail: err.message, instance, ...(err.errors ? { errors: err.errors } : {}) },
    };
  }
  return { status: 500, body: { type: '/problems/internal', title: 'Internal error', status: 500, detail: 'Something went wrong on our side; it has been logged.', instance } };
}

/** Maps every error to problem+json, in one place; nothing else reaches the client. */
export const problemJson = (): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => ({
  onError: async function problemJsonOnError(request) {
    const err = request.error;
    if (!(err instanceof AppError)) logger.error('unhandled error', { error: err as Error, routeKey: request.event?.routeKey });
    const { status, body } = problemOf(err, request.event?.rawPath);
    request.response = json(status, body, {}, 'application/problem+json');
  },
});

/** The Lambda handler of one HTTP function: the operations it serves, by operationId. */
export function httpFunction(fn: HttpFunctionName, operations: Record<string, Operation>) {
  const routes = new Map(ROUTES.filter((r) => r.fn === fn).map((r) => [routeKey(r), r]));
  for (const r of routes.values()) {
    if (!operations[r.operationId] && !r.localOnly) throw new Error(`${fn} has no operation ${r.operationId}`);
  }
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(httpHeaderNormalizer())
    .use(problemJson())
    .handler(async function dispatch(event) {
      const req = toRequest(event, routes);
      const op = operations[req.route.operationId];
      if (!op) throw new NotFound(`no route ${event.routeKey}`);
      const result = await op(req);
      return json(result.status, result.body, result.headers);
    });
}
