import { httpFunction, reply } from '#shared/http/handler.ts';
import { supplementCase, withdrawCase } from '#shared/usecases/applicant-actions.ts';
import { fileCase, listCases, listCertificates, viewCase, viewCertificate } from '#shared/usecases/cases.ts';
import { certificateDocumentLink, documentLink } from '#shared/usecases/notices.ts';
import { openMaterial } from '#shared/usecases/materials.ts';
import { createUpload } from '#shared/usecases/uploads.ts';
import { lambdaDeps } from '#shared/wiring.ts';

/** Applicants: uploads, filing, supplementing, withdrawing, following cases, certificates; staff: the work queue. */
export const handler = httpFunction('citizen-api', {
  createUpload: reply(201, (req) => createUpload(lambdaDeps(), req.principal, req.body)),
  // A replayed Idempotency-Key answers with the first response's status.
  fileCase: (req) => fileCase(lambdaDeps(), req.principal, req.body, req.headers['idempotency-key']),
  listCases: reply(200, (req) => listCases(lambdaDeps(), req.principal, req.query)),
  getCase: reply(200, (req) => viewCase(lambdaDeps(), req.principal, req.params.caseId)),
  supplementCase: reply(200, (req) => supplementCase(lambdaDeps(), req.principal, req.params.caseId, req.body)),
  withdrawCase: reply(200, (req) => withdrawCase(lambdaDeps(), req.principal, req.params.caseId, req.body)),
  getCaseMaterial: reply(200, (req) => openMaterial(lambdaDeps(), req.principal, req.params.caseId, req.params.materialId)),
  getCaseDocument: reply(200, (req) => documentLink(lambdaDeps(), req.principal, req.params.caseId, req.params.docId)),
  getCertificate: reply(200, (req) => viewCertificate(lambdaDeps(), req.principal, req.params.certificateId)),
  listCertificates: reply(200, (req) => listCertificates(lambdaDeps(), req.principal)),
  getCertificateDocument: reply(200, (req) => certificateDocumentLink(lambdaDeps(), req.principal, req.params.certificateId)),
});
