import * as z from 'zod';
import { DepartmentRef, isoTime, ulid } from './fields.ts';
import { CASE_STATUSES } from '../domain/case.ts';

/** Certificates, their signing keys and their verification (api.md "certificates", G2). */

export const CertificateView = z.object({
  certificateId: ulid,
  caseId: ulid,
  supervisionCode: z.string(),
  type: z.string(),
  name: z.string(),
  guideVersion: z.number().int().optional().describe('absent on certificates issued before they were signed'),
  decisionEventHash: z.string().optional().describe('the hash of the audit event that decided the case; absent on certificates issued before they were signed'),
  holder: z.object({ nameMasked: z.string(), idMasked: z.string() }),
  issuer: DepartmentRef,
  issuedAt: isoTime,
  summary: z.record(z.string(), z.unknown()),
  status: z.enum(['valid', 'revoked']),
  qr: z.string().optional().describe('the text of the certificate’s QR code: a compact JWS (ES256) of its public fields, verifiable with GET /.well-known/jwks.json; absent on certificates issued before they were signed'),
});
export const CertificateList = z.object({ items: z.array(CertificateView) });

export const VerifyRequest = z.object({ qr: z.string().trim().min(1).max(4096).describe('the text of a certificate’s QR code') }).strict();
export const RevokeRequest = z.object({ reason: z.string().trim().min(2).max(500) }).strict();
export const RevokeResponse = z.object({ certificateId: ulid, status: z.literal('revoked'), revoked: z.object({ at: isoTime, reason: z.string(), by: z.string() }) });

export const ProgressQuery = z.object({ name: z.string().trim().min(2).max(60).describe('the applicant’s name, as filed') }).strict();
/** GET /progress/{supervisionCode} (H1): a case's public progress, nothing personal. */
export const Progress = z.object({
  supervisionCode: z.string(),
  serviceItem: z.object({ code: z.string(), name: z.string() }),
  department: z.object({ code: z.string(), name: z.string() }),
  status: z.enum(CASE_STATUSES),
  filedAt: isoTime,
  updatedAt: isoTime,
  steps: z.array(z.object({ at: isoTime, type: z.string() })).describe('what happened to the case, in order; never who acted or why'),
});

/** GET /verify/{supervisionCode}, POST /verify: no unmasked personal data. */
export const Verification = z.object({
  valid: z.boolean().describe('signed by the platform, in its certificate library, not revoked'),
  revoked: z.boolean(),
  signatureValid: z.boolean(),
  reason: z.string().optional().describe('why a QR is not valid'),
  certificate: z
    .object({
      certificateId: ulid,
      type: z.string(),
      name: z.string(),
      issuer: DepartmentRef,
      issuedAt: isoTime,
      holderMasked: z.object({ nameMasked: z.string(), idMasked: z.string() }),
      summary: z.record(z.string(), z.unknown()),
      revokedAt: isoTime.optional(),
    })
    .optional()
    .describe('what the library holds; absent when the QR is not the platform’s or not in the library'),
});

/** The platform's certificate-signing keys (RFC 7517): the current one first, then those it replaced. */
export const Jwks = z.object({
  keys: z.array(
    z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string(), kid: z.string(), alg: z.literal('ES256'), use: z.literal('sig') }),
  ),
});

export const CertificateDocumentLink = z.object({ certificateId: ulid, name: z.string(), url: z.string(), expiresAt: isoTime });
