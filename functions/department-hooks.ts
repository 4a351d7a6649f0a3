import { httpFunction } from '#shared/http/handler.ts';
import type { StaffAction } from '#shared/schemas/api.ts';
import { receiveDepartmentWebhook, staffAction } from '#shared/usecases/department-actions.ts';
import { lambdaDeps } from '#shared/wiring.ts';

/** Department actions: systems' signed webhooks (the body stays raw until the signature is checked) and staff. */
export const handler = httpFunction('department-hooks', {
  receiveDepartmentWebhook: async (req) => ({
    status: 202,
    body: await receiveDepartmentWebhook(lambdaDeps(), req.pathParameters.deptCode!, req.headers, req.rawBody),
  }),
  staffAction: async (req) => ({
    status: 200,
    body: await staffAction(lambdaDeps(), req.principal, req.pathParameters.caseId!, req.body as StaffAction),
  }),
});
