import type { z } from 'zod';
import { httpFunction, reply } from '#shared/http/handler.ts';
import type { CaseListQuery, CreateCaseRequest, SupplementRequest, UploadRequest, WithdrawRequest } from '#shared/schemas/api.ts';
import { supplementCase, withdrawCase } from '#shared/usecases/applicant-actions.ts';
import { fileCase, listCases, viewCase, viewCertificate } from '#shared/usecases/cases.ts';
import { documentLink } from '#shared/usecases/notices.ts';
import { openMaterial } from '#shared/usecases/materials.ts';
import { createUpload } from '#shared/usecases/uploads.ts';
import { lambdaDeps } from '#shared/wiring.ts';

/** Applicants: uploads, filing, supplementing, withdrawing, following cases, certificates; staff: the work queue. */
export const handler = httpFunction('citizen-api', {
  createUpload: reply(201, (req) => createUpload(lambdaDeps(), req.principal, req.body as z.output<typeof UploadRequest>)),
  // A replayed Idempotency-Key answers with the first response's status.
  fileCase: (req) => fileCase(lambdaDeps(), req.principal, req.body as z.output<typeof CreateCaseRequest>, req.headers['idempotency-key']),
  listCases: reply(200, (req) => listCases(lambdaDeps(), req.principal, req.query as z.output<typeof CaseListQuery>)),
  getCase: reply(200, (req) => viewCase(lambdaDeps(), req.principal, req.pathParameters.caseId!)),
  supplementCase: reply(200, (req) => supplementCase(lambdaDeps(), req.principal, req.pathParameters.caseId!, req.body as z.output<typeof SupplementRequest>)),
  withdrawCase: reply(200, (req) => withdrawCase(lambdaDeps(), req.principal, req.pathParameters.caseId!, req.body as z.output<typeof WithdrawRequest>)),
  getCaseMaterial: reply(200, (req) => openMaterial(lambdaDeps(), req.principal, req.pathParameters.caseId!, req.pathParameters.materialId!)),
  getCaseDocument: reply(200, (req) => documentLink(lambdaDeps(), req.principal, req.pathParameters.caseId!, req.pathParameters.docId!)),
  getCertificate: reply(200, (req) => viewCertificate(lambdaDeps(), req.principal, req.pathParameters.certificateId!)),
});
