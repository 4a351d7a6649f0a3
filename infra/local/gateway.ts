import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { matchRoute, routeKey, type Api, type HttpFunctionName, type OperationId, type Route } from '#shared/http/routes.ts';
import { problemOf, SECURITY_HEADERS, type ResultOf } from '#shared/http/handler.ts';
import { AppError } from '#shared/errors.ts';

/** API Gateway's own payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
export type Authorizer = (token: string) => Promise<Record<string, string>>;
export type LocalRoute = (body: unknown, query: Record<string, string>) => Promise<{ status: number; body: unknown }>;
/** What the local runtime serves itself: every local-only route of the table, answering as the route declares (the body and query as sent). */
export type LocalRoutes = { [K in OperationId as Api[K] extends { localOnly: true } ? K : never]: (body: unknown, query: Record<string, string>) => Promise<ResultOf<Api[K]>> };

export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 29_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** What API Gateway itself refuses, in the platform's problem+json shape. */
const PROBLEMS = {
  400: ['malformed-request', 'Malformed request'],
  401: ['unauthenticated', 'Missing or invalid credentials'],
  404: ['not-found', 'Not found'],
  413: ['payload-too-large', 'Payload too large'],
  500: ['internal', 'Internal error'],
} as const;

const problem = (res: ServerResponse, status: keyof typeof PROBLEMS, detail: string) => {
  const [slug, title] = PROBLEMS[status];
  res.writeHead(status, { 'content-type': 'application/problem+json', ...SECURITY_HEADERS });
  res.end(JSON.stringify({ type: `/problems/${slug}`, title, status, detail }));
};

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function isText(contentType: string | undefined): boolean {
  return !contentType || /^(application\/(.+\+)?json|text\/)/.test(contentType);
}

/**
 * The local API Gateway: matches a request against the route table, checks the bearer token for
 * JWT routes as the JWT authorizer would, builds the HTTP API (v2) event and calls the same
 * handler the Lambda runs.
 */
export function createGateway(opts: {
  functions: Record<HttpFunctionName, LambdaHandler>;
  authorize: Authorizer;
  localRoutes: LocalRoutes;
  log: (msg: string, detail?: unknown) => void;
}): Server {
  const localRoutes = new Map<string, LocalRoute>(Object.entries(opts.localRoutes));
  return createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = req.method ?? 'GET';
      const body = await readBody(req);
      if (body === 'too-large') return problem(res, 413, `the gateway accepts at most ${MAX_BODY_BYTES} bytes`);
      let matched: ReturnType<typeof matchRoute>;
      try {
        matched = matchRoute(method, url.pathname);
      } catch (err) {
        if (err instanceof AppError) return problem(res, 400, err.message);
        throw err;
      }
      if (!matched) return problem(res, 404, `no route ${method} ${url.pathname}`);
      const { route, pathParameters } = matched;

      if (route.localOnly) {
        const local = localRoutes.get(route.operationId);
        if (!local) return problem(res, 404, `no route ${method} ${url.pathname}`);
        let parsed: unknown;
        try {
          parsed = body.length ? JSON.parse(body.toString('utf8')) : undefined;
        } catch {
          return problem(res, 400, 'the body is not valid JSON');
        }
        try {
          const out = await local(parsed, Object.fromEntries(url.searchParams));
          res.writeHead(out.status, { 'content-type': 'application/json', ...SECURITY_HEADERS });
          return res.end(JSON.stringify(out.body));
        } catch (err) {
          if (!(err instanceof AppError)) opts.log('local route failed', { route: route.operationId, error: (err as Error).message });
          const { status, body: problemBody, headers } = problemOf(err, url.pathname);
          res.writeHead(status, { 'content-type': 'application/problem+json', ...SECURITY_HEADERS, ...headers });
          return res.end(JSON.stringify(problemBody));
        }
      }

      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;

      let claims: Record<string, string> | undefined;
      if (route.auth === 'jwt') {
        const token = /^Bearer (.+)$/i.exec(headers.authorization ?? '')?.[1];
        if (!token) return problem(res, 401, 'a bearer token is required');
        try {
          claims = await opts.authorize(token);
        } catch {
          return problem(res, 401, 'the bearer token is not valid or has expired');
        }
      }
      const event = toEvent(req, url, route, pathParameters, headers, body, claims);
      const result = await opts.functions[route.fn](event, lambdaContext(route.fn));
      // As API Gateway passes the function's headers on; the function sets the security headers itself.
      res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
      res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
    } catch (err) {
      opts.log('gateway error', { error: (err as Error).message });
      if (!res.headersSent) problem(res, 500, 'Something went wrong on our side; it has been logged.');
      else res.end();
    }
  });
}

function toEvent(
  req: IncomingMessage,
  url: URL,
  route: Route,
  pathParameters: Record<string, string>,
  headers: Record<string, string>,
  body: Buffer,
  claims: Record<string, string> | undefined,
): APIGatewayProxyEventV2 {
  const now = new Date();
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const text = isText(headers['content-type']);
  return {
    version: '2.0',
    routeKey: routeKey(route),
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: { method: route.method, path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: routeKey(route),
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}),
    } as APIGatewayProxyEventV2['requestContext'],
    ...(body.length ? { body: text ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !text,
  };
}
