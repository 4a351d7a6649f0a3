import * as z from 'zod';
import * as api from '../schemas/api.ts';
import { MalformedRequest } from '../errors.ts';
import { API } from './route-table.ts';
import type { Auth, HttpFunctionName, Method, ResponseSpec, RouteSpec } from './route-types.ts';

export * from './route-types.ts';
export { API };

/** A route as the stack, the local gateway and the OpenAPI document read it: successes and problems in one map. */
export type Route = {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  fn: HttpFunctionName;
  auth: Auth;
  query?: z.ZodType;
  body?: z.ZodType;
  responses: Record<number, ResponseSpec>;
  /** Honours the Idempotency-Key header (api.md conventions). */
  idempotent?: true;
  /** Served by the local runtime only, never deployed. */
  localOnly?: true;
};

const problems = (...codes: number[]): Record<number, ResponseSpec> =>
  Object.fromEntries(codes.map((c) => [c, { description: PROBLEM_TEXT[c] ?? 'error', schema: api.Problem }]));

const PROBLEM_TEXT: Record<number, string> = {
  400: 'malformed JSON',
  401: 'no or bad credentials',
  403: 'not allowed',
  404: 'not found, or not yours',
  409: 'conflict or illegal transition',
  413: 'too large',
  422: 'breaks a rule; `errors` lists the fields',
  503: 'a file the step recorded is still being written (a notice, a pinned material): ask again after `Retry-After` seconds',
};

/**
 * What the gateway itself may answer on a route, declared on every route it applies to: 400 for a
 * malformed path, 401 without a valid token, 413 for a body over its limit.
 */
function withGatewayAnswers(route: Route): Route {
  const codes = [...(route.path.includes('{') ? [400] : []), ...(route.auth === 'jwt' ? [401] : []), ...(route.body ? [400, 413] : [])];
  return { ...route, responses: { ...problems(...codes.filter((c) => !(c in route.responses))), ...route.responses } };
}

export type Api = typeof API;
export type OperationId = keyof Api;

function toRoute(operationId: string, spec: RouteSpec): Route {
  const { problems: declared = [], responses, ...rest } = spec;
  const successes: Record<number, ResponseSpec> = {};
  for (const [status, r] of Object.entries(responses)) if (r) successes[Number(status)] = r;
  return withGatewayAnswers({ ...rest, operationId, responses: { ...successes, ...problems(...declared) } });
}

/** Every route, in the table's order. */
export const ROUTES: readonly Route[] = Object.entries(API).map(([operationId, spec]) => toRoute(operationId, spec));

export const routeKey = (r: Pick<Route, 'method' | 'path'>) => `${r.method} ${r.path}`;

export function deployedRoutes(): Route[] {
  return ROUTES.filter((r) => !r.localOnly);
}

/** Ids and codes in paths are short; a longer one could not be a key of the table (2 KB) anyway. */
const PATH_PARAMETER = z.string().min(1).max(128);

/** Checks a request's path parameters (the local gateway and the functions alike): 400 when one cannot be an id. */
export function checkPathParameters(params: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const checked: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    const parsed = PATH_PARAMETER.safeParse(value);
    if (!parsed.success) throw new MalformedRequest(`the path parameter ${name} must be 1 to 128 characters`);
    checked[name] = parsed.data;
  }
  return checked;
}

/** Matches a concrete request path against the table, API Gateway style. */
export function matchRoute(method: string, path: string): { route: Route; pathParameters: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const names: string[] = [];
    const pattern = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    const match = new RegExp(`^${pattern}$`).exec(path);
    if (match) {
      // A malformed percent-encoding is the client's mistake (400), not a server error.
      const decode = (v: string) => {
        try {
          return decodeURIComponent(v);
        } catch {
          throw new MalformedRequest(`the path has a malformed percent-encoding: ${JSON.stringify(v.slice(0, 100))}`);
        }
      };
      const pathParameters = checkPathParameters(Object.fromEntries(names.map((n, i) => [n, decode(match[i + 1]!)])));
      return { route, pathParameters };
    }
  }
  return undefined;
}
