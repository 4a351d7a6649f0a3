import * as api from '../schemas/api.ts';
import { route } from './route-types.ts';

/** The local runtime's routes (`localOnly`): part of the one route table (route-table.ts), served by the local gateway itself, never deployed. */
export const DEV_ROUTES = {
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
  putDevSharedData: route({
    method: 'POST',
    path: '/dev/shared-data',
    summary: 'Local runtime only: put a record into the shared-data platform’s stand-in (what a fetchable material is fetched from)',
    fn: 'public-api',
    auth: 'none',
    body: api.DevSharedDataRequest,
    responses: { 200: { description: 'on file', schema: api.DevSharedDataRequest } },
    problems: [400, 422],
    localOnly: true,
  }),
  readDevOutbox: route({
    method: 'GET',
    path: '/dev/outbox',
    summary: 'Local runtime only: the SMS the platform sent (the SMS gateway stand-in’s outbox), oldest first',
    fn: 'public-api',
    auth: 'none',
    query: api.DevOutboxQuery,
    responses: { 200: { description: 'the messages sent', schema: api.DevOutbox } },
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
