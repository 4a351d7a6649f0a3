import { z } from 'zod';
import * as api from '../schemas/api.ts';
import { MalformedRequest } from '../errors.ts';

/**
 * The route table: every HTTP route, once. The CDK stack makes API Gateway routes from it, the
 * local gateway dispatches by it, the Lambda handlers look operations up by its route keys and
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

export type Route = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  operationId: string;
  summary: string;
  fn: HttpFunctionName;
  auth: Auth;
  query?: z.ZodType;
  body?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  /** Honours the Idempotency-Key header (api.md conventions). */
  idempotent?: true;
  /** Served by the local runtime only, never deployed. */
  localOnly?: true;
};

const problems = (...codes: number[]) =>
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

export const ROUTES: readonly Route[] = (<Route[]>[
  {
    method: 'GET',
    path: '/health',
    operationId: 'getHealth',
    summary: 'Liveness',
    fn: 'public-api',
    auth: 'none',
    responses: { 200: { description: 'up', schema: api.Health } },
  },
  {
    method: 'GET',
    path: '/openapi.json',
    operationId: 'getOpenApi',
    summary: 'This contract as OpenAPI 3.1',
    fn: 'public-api',
    auth: 'none',
    responses: { 200: { description: 'the OpenAPI document', schema: api.OpenApiDocument } },
  },
  {
    method: 'GET',
    path: '/service-items',
    operationId: 'listServiceItems',
    summary: 'The service catalog; `q` searches names',
    fn: 'public-api',
    auth: 'none',
    query: api.ServiceItemQuery,
    responses: { 200: { description: 'a page of items', schema: api.ServiceItemList }, ...problems(422) },
  },
  {
    method: 'GET',
    path: '/service-items/{code}',
    operationId: 'getServiceItem',
    summary: 'The full guide of one service item (办事指南)',
    fn: 'public-api',
    auth: 'none',
    responses: { 200: { description: 'the guide', schema: api.Guide }, ...problems(404) },
  },
  {
    method: 'POST',
    path: '/uploads',
    operationId: 'createUpload',
    summary: 'Declare a material file and get a presigned PUT URL',
    fn: 'citizen-api',
    auth: 'jwt',
    body: api.UploadRequest,
    responses: { 201: { description: 'upload slot', schema: api.UploadResponse }, ...problems(400, 401, 403, 413, 422) },
  },
  {
    method: 'POST',
    path: '/cases',
    operationId: 'fileCase',
    summary: 'File an application (authentication level 2); honours Idempotency-Key',
    fn: 'citizen-api',
    auth: 'jwt',
    body: api.CreateCaseRequest,
    idempotent: true,
    responses: { 201: { description: 'filed', schema: api.CreateCaseResponse }, ...problems(400, 401, 403, 409, 422) },
  },
  {
    method: 'GET',
    path: '/cases',
    operationId: 'listCases',
    summary: 'The caller’s own cases (applicants, newest first) or the department’s work queue (staff; by status, newest first), with ?status= and, for staff, ?light=',
    fn: 'citizen-api',
    auth: 'jwt',
    query: api.CaseListQuery,
    responses: { 200: { description: 'a page of cases', schema: api.CaseList }, ...problems(401, 403, 422) },
  },
  {
    method: 'GET',
    path: '/cases/{caseId}',
    operationId: 'getCase',
    summary: 'A case with its timeline and certificates (owner or its departments)',
    fn: 'citizen-api',
    auth: 'jwt',
    responses: { 200: { description: 'the case', schema: api.CaseView }, ...problems(401, 404) },
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/supplements',
    operationId: 'supplementCase',
    summary: 'Answer the one-time supplement notice (一次性告知) with every material it lists',
    fn: 'citizen-api',
    auth: 'jwt',
    body: api.SupplementRequest,
    responses: { 200: { description: 'supplemented; back with the department', schema: api.CaseStatusResponse }, ...problems(400, 401, 404, 409, 422) },
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/withdraw',
    operationId: 'withdrawCase',
    summary: 'Withdraw the application before a decision',
    fn: 'citizen-api',
    auth: 'jwt',
    body: api.WithdrawRequest,
    responses: { 200: { description: 'withdrawn', schema: api.CaseStatusResponse }, ...problems(400, 401, 404, 409, 422) },
  },
  {
    method: 'GET',
    path: '/cases/{caseId}/documents/{docId}',
    operationId: 'getCaseDocument',
    summary: 'A short-lived download URL for a notice of the case (受理通知书, 不予受理决定书, …)',
    fn: 'citizen-api',
    auth: 'jwt',
    responses: { 200: { description: 'the download link', schema: api.DocumentLink }, ...problems(401, 404) },
  },
  {
    method: 'GET',
    path: '/cases/{caseId}/materials/{materialId}',
    operationId: 'getCaseMaterial',
    summary: 'A short-lived download of a material exactly as checked at filing or supplement (applicant, staff of the lead and co-departments); each opening is recorded on the case',
    fn: 'citizen-api',
    auth: 'jwt',
    responses: { 200: { description: 'the download link and the digest of its bytes', schema: api.MaterialLink }, ...problems(401, 404) },
  },
  {
    method: 'GET',
    path: '/certificates/{certificateId}',
    operationId: 'getCertificate',
    summary: 'One of the holder’s e-certificates',
    fn: 'citizen-api',
    auth: 'jwt',
    responses: { 200: { description: 'the certificate', schema: api.CertificateView }, ...problems(401, 404) },
  },
  {
    method: 'POST',
    path: '/admin/departments',
    operationId: 'createDepartment',
    summary: 'Create a department; returns its webhook secret once',
    fn: 'admin-api',
    auth: 'jwt',
    body: api.CreateDepartmentRequest,
    responses: { 201: { description: 'created', schema: api.DepartmentSecretResponse }, ...problems(400, 401, 403, 409, 422) },
  },
  {
    method: 'PUT',
    path: '/admin/departments/{code}',
    operationId: 'updateDepartment',
    summary: 'Update a department’s name or webhook URL',
    fn: 'admin-api',
    auth: 'jwt',
    body: api.UpdateDepartmentRequest,
    responses: { 200: { description: 'updated', schema: api.DepartmentView }, ...problems(400, 401, 403, 404, 422) },
  },
  {
    method: 'POST',
    path: '/admin/departments/{code}/rotate-secret',
    operationId: 'rotateDepartmentSecret',
    summary: 'New webhook secret; the previous one keeps verifying for an overlap period',
    fn: 'admin-api',
    auth: 'jwt',
    responses: { 200: { description: 'the new secret', schema: api.DepartmentSecretResponse }, ...problems(401, 403, 404) },
  },
  {
    method: 'PUT',
    path: '/admin/service-items/{code}',
    operationId: 'publishGuide',
    summary: 'Publish a new version of a guide (limits, threshold, conditions); filed cases keep the version they were filed under',
    fn: 'admin-api',
    auth: 'jwt',
    body: api.PublishGuideRequest,
    responses: { 200: { description: 'the guide as now published', schema: api.Guide }, ...problems(400, 401, 403, 404, 409, 422) },
  },
  {
    method: 'PUT',
    path: '/admin/calendar/{year}',
    operationId: 'loadCalendarYear',
    summary: 'Load a year’s official holiday arrangement (holidays and make-up working days); it wins over the default data',
    fn: 'admin-api',
    auth: 'jwt',
    body: api.CalendarYearRequest,
    responses: { 200: { description: 'the arrangement in force for the year', schema: api.CalendarYear }, ...problems(400, 401, 403, 404, 422) },
  },
  {
    method: 'GET',
    path: '/admin/supervision',
    operationId: 'supervisionOverview',
    summary: 'Electronic supervision: cases by light, open supervision cases (督办), and each department’s on-time rate, yellow and red counts and median working days used',
    fn: 'admin-api',
    auth: 'jwt',
    responses: { 200: { description: 'the figures as of today', schema: api.SupervisionOverview }, ...problems(401, 403) },
  },
  {
    method: 'GET',
    path: '/admin/webhooks/dead-letters',
    operationId: 'listDeadLetters',
    summary: 'Outbound webhooks that failed every attempt',
    fn: 'admin-api',
    auth: 'jwt',
    query: api.PageQuery,
    responses: { 200: { description: 'a page of dead letters', schema: api.DeadLetterList }, ...problems(401, 403, 422) },
  },
  {
    method: 'POST',
    path: '/admin/webhooks/dead-letters/{deliveryId}/redeliver',
    operationId: 'redeliverDeadLetter',
    summary: 'Start a new series of attempts for a dead letter',
    fn: 'admin-api',
    auth: 'jwt',
    responses: { 200: { description: 'back on the line', schema: api.DeliveryView }, ...problems(401, 403, 404, 409) },
  },
  {
    method: 'POST',
    path: '/hooks/departments/{deptCode}',
    operationId: 'receiveDepartmentWebhook',
    summary: 'A department system’s signed action on a case (Standard Webhooks)',
    fn: 'department-hooks',
    auth: 'webhook',
    body: api.WebhookIn,
    responses: {
      200: { description: 'a query (material.link) answered', schema: api.MaterialLink },
      202: { description: 'applied (or a repeat, changing nothing)', schema: api.WebhookAccepted },
      ...problems(400, 401, 404, 409, 413, 422),
    },
  },
  {
    method: 'POST',
    path: '/department/cases/{caseId}/actions',
    operationId: 'staffAction',
    summary: 'Staff act on a case (the webhook actions), as their role allows',
    fn: 'department-hooks',
    auth: 'jwt',
    body: api.StaffAction,
    responses: { 200: { description: 'applied', schema: api.CaseStatusResponse }, ...problems(400, 401, 403, 404, 409, 422) },
  },
  {
    method: 'POST',
    path: '/dev/token',
    operationId: 'issueDevToken',
    summary: 'Local runtime only: a signed test JWT',
    fn: 'public-api',
    auth: 'none',
    body: api.DevTokenRequest,
    responses: { 200: { description: 'a token', schema: api.DevTokenResponse }, ...problems(400, 422) },
    localOnly: true,
  },
  {
    method: 'POST',
    path: '/dev/clock',
    operationId: 'moveDevClock',
    summary: 'Local runtime only: move case time forward (deadlines, timers, notices); security checks keep real time',
    fn: 'public-api',
    auth: 'none',
    body: api.DevClockRequest,
    responses: { 200: { description: 'the new case time', schema: api.DevClockResponse }, ...problems(400, 422) },
    localOnly: true,
  },
]).map(withGatewayAnswers);

export const routeKey = (r: Pick<Route, 'method' | 'path'>) => `${r.method} ${r.path}`;

export function deployedRoutes(): Route[] {
  return ROUTES.filter((r) => !r.localOnly);
}

/** Ids and codes in paths are short; a longer one could not be a key of the table (2 KB) anyway. */
const PATH_PARAMETER = z.string().min(1).max(128);

/** Checks a request's path parameters (the local gateway and the functions alike): 400 when one cannot be an id. */
export function checkPathParameters(params: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(params)) {
    if (!PATH_PARAMETER.safeParse(value).success) throw new MalformedRequest(`the path parameter ${name} must be 1 to 128 characters`);
  }
  return params;
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
