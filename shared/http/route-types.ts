import * as z from 'zod';

/** What a route of the table says: its method, path, function, auth, schemas and answers (route-table.ts lists them). */
export const HTTP_FUNCTIONS = ['public-api', 'citizen-api', 'admin-api', 'department-hooks'] as const;
export type HttpFunctionName = (typeof HTTP_FUNCTIONS)[number];

export type Auth =
  /** anyone */
  | 'none'
  /** a bearer JWT, checked by API Gateway's JWT authorizer (locally by the gateway) */
  | 'jwt'
  /** a Standard Webhooks signature, checked by the handler against the department's secret */
  | 'webhook';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
/** What a route answers when it succeeds, with a body of its schema. */
export type SuccessStatus = 200 | 201 | 202 | 204;
/** What a route may refuse with, as problem+json. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 503;

export type ResponseSpec = { readonly description: string; readonly schema?: z.ZodType };

/**
 * One route as the table declares it, under its operationId: everything about it in one place.
 * route() keeps the literal types, so the handlers are typed from it (shared/http/handler.ts):
 * path parameters from the path template, the query and body from their schemas, the principal
 * from `auth`, and what the operation may answer from `responses`.
 */
export type RouteSpec = {
  readonly method: Method;
  /** API Gateway style; each `{name}` is a path parameter. */
  readonly path: string;
  readonly summary: string;
  readonly fn: HttpFunctionName;
  readonly auth: Auth;
  readonly query?: z.ZodType;
  /** Validated before the operation runs, except on webhook routes (the signature is over the raw body). */
  readonly body?: z.ZodType;
  /** Its success answers, by status. */
  readonly responses: { readonly [S in SuccessStatus]?: ResponseSpec };
  /** The problems it answers itself; the gateway's own are added (withGatewayAnswers). */
  readonly problems?: readonly ProblemStatus[];
  /** Honours the Idempotency-Key header (api.md conventions). */
  readonly idempotent?: true;
  /** Served by the local runtime only, never deployed. */
  readonly localOnly?: true;
};

/** A route of the table, its types kept. */
export const route = <const R extends RouteSpec>(spec: R): R => spec;
