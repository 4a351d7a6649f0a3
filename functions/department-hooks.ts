import { httpFunction, reply } from '#shared/http/handler.ts';
import { receiveDepartmentWebhook, staffAction } from '#shared/usecases/department-actions.ts';
import { lambdaDeps } from '#shared/wiring.ts';

/** Department actions: systems' signed webhooks (the body stays raw until the signature is checked) and staff. */
export const handler = httpFunction('department-hooks', {
  // Actions answer 202; queries (material.link) answer 200 with what they ask for.
  receiveDepartmentWebhook: (req) => receiveDepartmentWebhook(lambdaDeps(), req.params.deptCode, req.headers, req.rawBody),
  staffAction: reply(200, (req) => staffAction(lambdaDeps(), req.principal, req.params.caseId, req.body)),
});
