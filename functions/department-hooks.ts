import { httpFunction, reply } from '#shared/http/handler.ts';
import { receiveDepartmentWebhook, staffAction } from '#shared/usecases/department-actions.ts';
import type { Deps } from '#shared/usecases/deps.ts';
import { buildDeps } from '#shared/wiring.ts';

let deps: Deps | undefined;
/** The one function that issues notices (受理通知书 …): its deps carry the PDF renderer. */
const lambdaDeps = () =>
  (deps ??= buildDeps({ notices: async () => new (await import('#shared/adapters/pdf/notices.ts')).PdfNoticeRenderer() }));

/** Department actions: systems' signed webhooks (the body stays raw until the signature is checked) and staff. */
export const handler = httpFunction('department-hooks', {
  // Actions answer 202; queries (material.link) answer 200 with what they ask for.
  receiveDepartmentWebhook: (req) => receiveDepartmentWebhook(lambdaDeps(), req.params.deptCode, req.headers, req.rawBody),
  staffAction: reply(200, (req) => staffAction(lambdaDeps(), req.principal, req.params.caseId, req.body)),
});
