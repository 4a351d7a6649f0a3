import type { z } from 'zod';
import { httpFunction } from '#shared/http/handler.ts';
import type { CalendarYearRequest, CreateDepartmentRequest, PageQuery, UpdateDepartmentRequest } from '#shared/schemas/api.ts';
import { loadCalendarYear } from '#shared/usecases/calendar.ts';
import { listDeadLetters, redeliver } from '#shared/usecases/deliveries.ts';
import { createDepartment, rotateSecret, updateDepartment } from '#shared/usecases/departments.ts';
import { lambdaDeps } from '#shared/wiring.ts';

/** Administrators: departments, their webhook secrets, dead-lettered webhooks, the holiday calendar. */
export const handler = httpFunction('admin-api', {
  createDepartment: async (req) => ({
    status: 201,
    body: await createDepartment(lambdaDeps(), req.principal, req.body as z.output<typeof CreateDepartmentRequest>),
  }),
  updateDepartment: async (req) => ({
    status: 200,
    body: await updateDepartment(lambdaDeps(), req.principal, req.pathParameters.code!, req.body as z.output<typeof UpdateDepartmentRequest>),
  }),
  loadCalendarYear: async (req) => ({
    status: 200,
    body: await loadCalendarYear(lambdaDeps(), req.principal, req.pathParameters.year!, req.body as z.output<typeof CalendarYearRequest>),
  }),
  listDeadLetters: async (req) => ({ status: 200, body: await listDeadLetters(lambdaDeps(), req.principal, req.query as z.output<typeof PageQuery>) }),
  redeliverDeadLetter: async (req) => ({ status: 200, body: await redeliver(lambdaDeps(), req.principal, req.pathParameters.deliveryId!) }),
  rotateDepartmentSecret: async (req) => ({ status: 200, body: await rotateSecret(lambdaDeps(), req.principal, req.pathParameters.code!) }),
});
