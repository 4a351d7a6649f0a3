import { httpFunction, reply } from '#shared/http/handler.ts';
import { publishGuide } from '#shared/usecases/catalog.ts';
import { loadCalendarYear } from '#shared/usecases/calendar.ts';
import { listDeadLetters, redeliver } from '#shared/usecases/deliveries.ts';
import { createDepartment, rotateSecret, updateDepartment } from '#shared/usecases/departments.ts';
import { supervisionOverview } from '#shared/usecases/supervision.ts';
import { revokeCertificate } from '#shared/usecases/verify.ts';
import { checkArchive, viewArchive } from '#shared/usecases/archive.ts';
import { lambdaDeps } from '#shared/wiring.ts';

/** Administrators: departments, their webhook secrets, dead-lettered deliveries, guides, the holiday calendar, supervision, certificates, the archive. */
export const handler = httpFunction('admin-api', {
  createDepartment: reply(201, (req) => createDepartment(lambdaDeps(), req.principal, req.body)),
  updateDepartment: reply(200, (req) => updateDepartment(lambdaDeps(), req.principal, req.params.code, req.body)),
  rotateDepartmentSecret: reply(200, (req) => rotateSecret(lambdaDeps(), req.principal, req.params.code)),
  publishGuide: reply(200, (req) => publishGuide(lambdaDeps(), req.principal, req.params.code, req.body)),
  loadCalendarYear: reply(200, (req) => loadCalendarYear(lambdaDeps(), req.principal, req.params.year, req.body)),
  listDeadLetters: reply(200, (req) => listDeadLetters(lambdaDeps(), req.principal, req.query)),
  supervisionOverview: reply(200, (req) => supervisionOverview(lambdaDeps(), req.principal)),
  redeliverDeadLetter: reply(200, (req) => redeliver(lambdaDeps(), req.principal, req.params.deliveryId)),
  revokeCertificate: reply(200, (req) => revokeCertificate(lambdaDeps(), req.principal, req.params.certificateId, req.body)),
  getArchive: reply(200, (req) => viewArchive(lambdaDeps(), req.principal, req.params.caseId)),
  checkArchive: reply(200, (req) => checkArchive(lambdaDeps(), req.principal, req.params.caseId)),
});
