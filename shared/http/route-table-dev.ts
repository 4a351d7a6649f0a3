import * as api from '../schemas/api.ts';
import { route, type RouteSpec } from './route-types.ts';

/** What every local-only route is: anyone's, answered by the local gateway itself (under public-api's name), never deployed. */
const LOCAL = { fn: 'public-api', auth: 'none', localOnly: true } as const;
const devRoute = <const R extends Omit<RouteSpec, keyof typeof LOCAL>>(spec: R) => route({ ...spec, ...LOCAL });

/** The local runtime's routes: part of the one route table (route-table.ts). */
export const DEV_ROUTES = {
  issueDevToken: devRoute({
    method: 'POST',
    path: '/dev/token',
    summary: 'Local runtime only: a signed test JWT',
    body: api.DevTokenRequest,
    responses: { 200: { description: 'a token', schema: api.DevTokenResponse } },
    problems: [400, 422],
  }),
  putDevSharedData: devRoute({
    method: 'POST',
    path: '/dev/shared-data',
    summary: 'Local runtime only: put a record into the shared-data platform’s stand-in (what a fetchable material is fetched from)',
    body: api.DevSharedDataRequest,
    responses: { 200: { description: 'on file', schema: api.DevSharedDataRequest } },
    problems: [400, 422],
  }),
  readDevOutbox: devRoute({
    method: 'GET',
    path: '/dev/outbox',
    summary: 'Local runtime only: the SMS the platform sent (the SMS gateway stand-in’s outbox), oldest first',
    query: api.DevOutboxQuery,
    responses: { 200: { description: 'the messages sent', schema: api.DevOutbox } },
    problems: [400, 422],
  }),
  moveDevClock: devRoute({
    method: 'POST',
    path: '/dev/clock',
    summary: 'Local runtime only: move case time forward (deadlines, timers, notices); security checks keep real time',
    body: api.DevClockRequest,
    responses: { 200: { description: 'the new case time', schema: api.DevClockResponse } },
    problems: [400, 422],
  }),
};
