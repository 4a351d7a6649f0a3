import { z } from 'zod';
import * as api from '../schemas/api.ts';
import { MalformedRequest } from '../errors.ts';

/**
 * The route table: every HTTP route, once. The CDK stack makes API Gateway routes from it, the
 * local gateway dispatches by it, the Lambda handlers serve its operations (typed from it) and
 * GET /openapi.json is generated from it.
 */
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
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422;

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
const route = <const R extends RouteSpec>(spec: R): R => spec;

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
};

/**
 * What the gateway itself may answer on a route, declared on every route it applies to: 400 for a
 * malformed path, 401 without a valid token, 413 for a body over its limit.
 */
function withGatewayAnswers(route: Route): Route {
  const codes = [...(route.path.includes('{') ? [400] : []), ...(route.auth === 'jwt' ? [401] : []), ...(route.body ? [400, 413] : [])];
  return { ...route, responses: { ...problems(...codes.filter((c) => !(c in route.responses))), ...route.responses } };
}

/** The table, by operationId. */
export const API = {
  getHealth: route({
    method: 'GET',
    path: '/health',
    summary: 'Liveness',
    fn: 'public-api',
    auth: 'none',
    responses: { 200: { description: 'up', schema: api.Health } },
  }),
  getOpenApi: route({
    method: 'GET',
    path: '/openapi.json',
    summary: 'This contract as OpenAPI 3.1',
    fn: 'public-api',
    auth: 'none',
    responses: { 200: { description: 'the OpenAPI document', schema: api.OpenApiDocument } },
  }),
  listServiceItems: route({
    method: 'GET',
    path: '/service-items',
    summary: 'The service catalog; `q` searches names',
    fn: 'public-api',
    auth: 'none',
    query: api.ServiceItemQuery,
    responses: { 200: { description: 'a page of items', schema: api.ServiceItemList } },
    problems: [422],
  }),
  getServiceItem: route({
    method: 'GET',
    path: '/service-items/{code}',
    summary: 'The full guide of one service item (办事指南)',
    fn: 'public-api',
    auth: 'none',
    responses: { 200: { description: 'the guide', schema: api.Guide } },
    problems: [404],
  }),
  createUpload: route({
    method: 'POST',
    path: '/uploads',
    summary: 'Declare a material file and get a presigned PUT URL',
    fn: 'citizen-api',
    auth: 'jwt',
    body: api.UploadRequest,
    responses: { 201: { description: 'upload slot', schema: api.UploadResponse } },
    problems: [400, 401, 403, 413, 422],
  }),
  fileCase: route({
    method: 'POST',
    path: '/cases',
    summary: 'File an application (authentication level 2); honours Idempotency-Key',
    fn: 'citizen-api',
    auth: 'jwt',
    body: api.CreateCaseRequest,
    idempotent: true,
    responses: { 201: { description: 'filed', schema: api.CreateCaseResponse } },
    problems: [400, 401, 403, 409, 422],
  }),
  listCases: route({
    method: 'GET',
    path: '/cases',
    summary: 'The caller’s own cases (applicants, newest first) or the department’s work queue (staff; by status, newest first), with ?status= and, for staff, ?light=',
    fn: 'citizen-api',
    auth: 'jwt',
    query: api.CaseListQuery,
    responses: { 200: { description: 'a page of cases', schema: api.CaseList } },
    problems: [401, 403, 422],
  }),
  getCase: route({
    method: 'GET',
    path: '/cases/{caseId}',
    summary: 'A case with its timeline and certificates (owner or its departments)',
    fn: 'citizen-api',
    auth: 'jwt',
    responses: { 200: { description: 'the case', schema: api.CaseView } },
    problems: [401, 404],
  }),
  supplementCase: route({
    method: 'POST',
    path: '/cases/{caseId}/supplements',
    summary: 'Answer the one-time supplement notice (一次性告知) with every material it lists',
    fn: 'citizen-api',
    auth: 'jwt',
    body: api.SupplementRequest,
    responses: { 200: { description: 'supplemented; back with the department', schema: api.CaseStatusResponse } },
    problems: [400, 401, 404, 409, 422],
  }),
  withdrawCase: route({
    method: 'POST',
    path: '/cases/{caseId}/withdraw',
    summary: 'Withdraw the application before a decision',
    fn: 'citizen-api',
    auth: 'jwt',
    body: api.WithdrawRequest,
    responses: { 200: { description: 'withdrawn', schema: api.CaseStatusResponse } },
    problems: [400, 401, 404, 409, 422],
  }),
  getCaseDocument: route({
    method: 'GET',
    path: '/cases/{caseId}/documents/{docId}',
    summary: 'A short-lived download URL for a notice of the case (受理通知书, 不予受理决定书, …)',
    fn: 'citizen-api',
    auth: 'jwt',
    responses: { 200: { description: 'the download link', schema: api.DocumentLink } },
    problems: [401, 404],
  }),
  getCaseMaterial: route({
    method: 'GET',
    path: '/cases/{caseId}/materials/{materialId}',
    summary: 'A short-lived download of a material exactly as checked at filing or supplement (applicant, staff of the lead and co-departments); each opening is recorded on the case',
    fn: 'citizen-api',
    auth: 'jwt',
    responses: { 200: { description: 'the download link and the digest of its bytes', schema: api.MaterialLink } },
    problems: [401, 404],
  }),
  getCertificate: route({
    method: 'GET',
    path: '/certificates/{certificateId}',
    summary: 'One of the holder’s e-certificates',
    fn: 'citizen-api',
    auth: 'jwt',
    responses: { 200: { description: 'the certificate', schema: api.CertificateView } },
    problems: [401, 404],
  }),
  createDepartment: route({
    method: 'POST',
    path: '/admin/departments',
    summary: 'Create a department; returns its webhook secret once',
    fn: 'admin-api',
    auth: 'jwt',
    body: api.CreateDepartmentRequest,
    responses: { 201: { description: 'created', schema: api.DepartmentSecretResponse } },
    problems: [400, 401, 403, 409, 422],
  }),
  updateDepartment: route({
    method: 'PUT',
    path: '/admin/departments/{code}',
    summary: 'Update a department’s name or webhook URL',
    fn: 'admin-api',
    auth: 'jwt',
    body: api.UpdateDepartmentRequest,
    responses: { 200: { description: 'updated', schema: api.DepartmentView } },
    problems: [400, 401, 403, 404, 422],
  }),
  rotateDepartmentSecret: route({
    method: 'POST',
    path: '/admin/departments/{code}/rotate-secret',
    summary: 'New webhook secret; the previous one keeps verifying for an overlap period',
    fn: 'admin-api',
    auth: 'jwt',
    responses: { 200: { description: 'the new secret', schema: api.DepartmentSecretResponse } },
    problems: [401, 403, 404],
  }),
  publishGuide: route({
    method: 'PUT',
    path: '/admin/service-items/{code}',
    summary: 'Publish a new version of a guide (limits, threshold, conditions); filed cases keep the version they were filed under',
    fn: 'admin-api',
    auth: 'jwt',
    body: api.PublishGuideRequest,
    responses: { 200: { description: 'the guide as now published', schema: api.Guide } },
    problems: [400, 401, 403, 404, 409, 422],
  }),
  loadCalendarYear: route({
    method: 'PUT',
    path: '/admin/calendar/{year}',
    summary: 'Load a year’s official holiday arrangement (holidays and make-up working days); it wins over the default data',
    fn: 'admin-api',
    auth: 'jwt',
    body: api.CalendarYearRequest,
    responses: { 200: { description: 'the arrangement in force for the year', schema: api.CalendarYear } },
    problems: [400, 401, 403, 404, 422],
  }),
  supervisionOverview: route({
    method: 'GET',
    path: '/admin/supervision',
    summary: 'Electronic supervision: cases by light, open supervision cases (督办), and each department’s on-time rate, yellow and red counts and median working days used',
    fn: 'admin-api',
    auth: 'jwt',
    responses: { 200: { description: 'the figures as of today', schema: api.SupervisionOverview } },
    problems: [401, 403],
  }),
  listDeadLetters: route({
    method: 'GET',
    path: '/admin/webhooks/dead-letters',
    summary: 'Outbound webhooks that failed every attempt',
    fn: 'admin-api',
    auth: 'jwt',
    query: api.PageQuery,
    responses: { 200: { description: 'a page of dead letters', schema: api.DeadLetterList } },
    problems: [401, 403, 422],
  }),
  redeliverDeadLetter: route({
    method: 'POST',
    path: '/admin/webhooks/dead-letters/{deliveryId}/redeliver',
    summary: 'Start a new series of attempts for a dead letter',
    fn: 'admin-api',
    auth: 'jwt',
    responses: { 200: { description: 'back on the line', schema: api.DeliveryView } },
    problems: [401, 403, 404, 409],
  }),
  receiveDepartmentWebhook: route({
    method: 'POST',
    path: '/hooks/departments/{deptCode}',
    summary: 'A department system’s signed action on a case (Standard Webhooks)',
    fn: 'department-hooks',
    auth: 'webhook',
    body: api.WebhookIn,
    responses: {
      200: { description: 'a query (material.link) answered', schema: api.MaterialLink },
      202: { description: 'applied (or a repeat, changing nothing)', schema: api.WebhookAccepted },
    },
    problems: [400, 401, 404, 409, 413, 422],
  }),
  staffAction: route({
    method: 'POST',
    path: '/department/cases/{caseId}/actions',
    summary: 'Staff act on a case (the webhook actions), as their role allows',
    fn: 'department-hooks',
    auth: 'jwt',
    body: api.StaffAction,
    responses: { 200: { description: 'applied', schema: api.CaseStatusResponse } },
    problems: [400, 401, 403, 404, 409, 422],
  }),
  issueDevToken: route({
    method: 'POST',
    path: '/dev/token',
    summary: 'Local runtime only: a signed test JWT',
    fn: 'public-api',
    auth: 'none',
    body: api.DevTokenRequest,
    responses: { 200: { description: 'a token', schema: api.DevTokenResponse } },
    problems: [400, 422],
    localOnly: true,
  }),
  moveDevClock: route({
    method: 'POST',
    path: '/dev/clock',
    summary: 'Local runtime only: move case time forward (deadlines, timers, notices); security checks keep real time',
    fn: 'public-api',
    auth: 'none',
    body: api.DevClockRequest,
    responses: { 200: { description: 'the new case time', schema: api.DevClockResponse } },
    problems: [400, 422],
    localOnly: true,
  }),
};
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
