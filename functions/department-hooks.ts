import { httpFunction, reply } from '#shared/http/handler.ts';
import type { StaffAction } from '#shared/schemas/api.ts';
import { receiveDepartmentWebhook, staffAction } from '#shared/usecases/department-actions.ts';
import { lambdaDeps } from '#shared/wiring.ts';

/** Department actions: systems' signed webhooks (the body stays raw until the signature is checked) and staff. */
export const handler = httpFunction('department-hooks', {
  receiveDepartmentWebhook: reply(202, (req) => receiveDepartmentWebhook(lambdaDeps(), req.pathParameters.deptCode!, req.headers, req.rawBody)),
  staffAction: reply(200, (req) => staffAction(lambdaDeps(), req.principal, req.pathParameters.caseId!, req.body as StaffAction)),
});
