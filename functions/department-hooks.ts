import { httpFunction } from '#shared/http/handler.ts';
import { receiveDepartmentWebhook } from '#shared/usecases/department-actions.ts';
import { lambdaDeps } from '#shared/wiring.ts';

/** Department systems' signed webhooks. The body stays raw until the signature is checked. */
export const handler = httpFunction('department-hooks', {
  receiveDepartmentWebhook: async (req) => ({
    status: 202,
    body: await receiveDepartmentWebhook(lambdaDeps(), req.pathParameters.deptCode!, req.headers, req.rawBody),
  }),
});
