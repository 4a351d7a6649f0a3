import type { z } from 'zod';
import { httpFunction } from '#shared/http/handler.ts';
import type { CreateCaseRequest, SupplementRequest, UploadRequest, WithdrawRequest } from '#shared/schemas/api.ts';
import { supplementCase, withdrawCase } from '#shared/usecases/applicant-actions.ts';
import { fileCase, viewCase, viewCertificate } from '#shared/usecases/cases.ts';
import { documentLink } from '#shared/usecases/notices.ts';
import { createUpload } from '#shared/usecases/uploads.ts';
import { lambdaDeps } from '#shared/wiring.ts';

/** Applicants: uploads, filing, supplementing, withdrawing, following a case, certificates. */
export const handler = httpFunction('citizen-api', {
  createUpload: async (req) => ({
    status: 201,
    body: await createUpload(lambdaDeps(), req.principal, req.body as z.output<typeof UploadRequest>),
  }),
  fileCase: async (req) => {
    const result = await fileCase(lambdaDeps(), req.principal, req.body as z.output<typeof CreateCaseRequest>, req.headers['idempotency-key']);
    return { status: result.status, body: result.body };
  },
  getCase: async (req) => ({ status: 200, body: await viewCase(lambdaDeps(), req.principal, req.pathParameters.caseId!) }),
  supplementCase: async (req) => ({
    status: 200,
    body: await supplementCase(lambdaDeps(), req.principal, req.pathParameters.caseId!, req.body as z.output<typeof SupplementRequest>),
  }),
  withdrawCase: async (req) => ({
    status: 200,
    body: await withdrawCase(lambdaDeps(), req.principal, req.pathParameters.caseId!, req.body as z.output<typeof WithdrawRequest>),
  }),
  getCaseDocument: async (req) => ({
    status: 200,
    body: await documentLink(lambdaDeps(), req.principal, req.pathParameters.caseId!, req.pathParameters.docId!),
  }),
  getCertificate: async (req) => ({
    status: 200,
    body: await viewCertificate(lambdaDeps(), req.principal, req.pathParameters.certificateId!),
  }),
});
