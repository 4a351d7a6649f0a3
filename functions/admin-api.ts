import type { z } from 'zod';
import { httpFunction, reply } from '#shared/http/handler.ts';
import type { CalendarYearRequest, CreateDepartmentRequest, PageQuery, PublishGuideRequest, UpdateDepartmentRequest } from '#shared/schemas/api.ts';
import { publishGuide } from '#shared/usecases/catalog.ts';
import { loadCalendarYear } from '#shared/usecases/calendar.ts';
import { listDeadLetters, redeliver } from '#shared/usecases/deliveries.ts';
import { createDepartment, rotateSecret, updateDepartment } from '#shared/usecases/departments.ts';
import { supervisionOverview } from '#shared/usecases/supervision.ts';
import { lambdaDeps } from '#shared/wiring.ts';

/** Administrators: departments, their webhook secrets, dead-lettered webhooks, guides, the holiday calendar, supervision. */
export const handler = httpFunction('admin-api', {
  createDepartment: reply(201, (req) => createDepartment(lambdaDeps(), req.principal, req.body as z.output<typeof CreateDepartmentRequest>)),
  updateDepartment: reply(200, (req) => updateDepartment(lambdaDeps(), req.principal, req.pathParameters.code!, req.body as z.output<typeof UpdateDepartmentRequest>)),
  rotateDepartmentSecret: reply(200, (req) => rotateSecret(lambdaDeps(), req.principal, req.pathParameters.code!)),
  publishGuide: reply(200, (req) => publishGuide(lambdaDeps(), req.principal, req.pathParameters.code!, req.body as z.output<typeof PublishGuideRequest>)),
  loadCalendarYear: reply(200, (req) => loadCalendarYear(lambdaDeps(), req.principal, req.pathParameters.year!, req.body as z.output<typeof CalendarYearRequest>)),
  listDeadLetters: reply(200, (req) => listDeadLetters(lambdaDeps(), req.principal, req.query as z.output<typeof PageQuery>)),
  supervisionOverview: reply(200, (req) => supervisionOverview(lambdaDeps(), req.principal)),
  redeliverDeadLetter: reply(200, (req) => redeliver(lambdaDeps(), req.principal, req.pathParameters.deliveryId!)),
});
