import { CERTIFICATE_JWS_TYPE, type CertificateClaims, type CertificateVerification } from '../domain/certificate.ts';
import { verifyCompact } from '../domain/jws.ts';
import type { Principal } from '../domain/principal.ts';
import { Conflict, NotFound } from '../errors.ts';
import { toShanghaiIso } from '../time.ts';
import { requireAdmin } from './access.ts';
import type { Deps } from './deps.ts';

/** What GET and POST /verify read: the public records and the published keys, nothing personal. */
export type VerifyDeps = Pick<Deps, 'verifications' | 'signer'>;

/** The answer of both: valid = signed by the platform, in its library and not revoked. */
function answer(record: CertificateVerification | undefined, signatureValid: boolean) {
  const revoked = record?.status === 'revoked';
  return {
    valid: signatureValid && record !== undefined && !revoked,
    revoked,
    signatureValid,
    ...(record
      ? {
          certificate: { certificateId: record.certificateId, type: record.type, name: record.name, issuer: record.issuer, issuedAt: record.issuedAt, holderMasked: record.holder, summary: record.summary, ...(record.revokedAt ? { revokedAt: record.revokedAt } : {}) },
        }
      : {}),
  };
}

type Keys = Awaited<ReturnType<Deps['signer']['publicKeys']>>;

/** A QR's signature checked, and what it claims if it holds (nothing of a signature that does not). */
function readQr(qr: string, keys: Keys): { signatureValid: boolean; claims?: Partial<CertificateClaims>; problem?: string } {
  const checked = verifyCompact(qr.trim(), keys, CERTIFICATE_JWS_TYPE);
  return checked.signatureValid ? { signatureValid: true, claims: checked.payload as Partial<CertificateClaims> } : { signatureValid: false, ...(checked.problem ? { problem: checked.problem } : {}) };
}

const signedFor = (qr: string | undefined, keys: Keys, record: CertificateVerification) => {
  const { claims } = qr ? readQr(qr, keys) : {};
  return claims?.certificateId === record.certificateId && claims.supervisionCode === record.supervisionCode;
};

/** GET /verify/{supervisionCode}: the certificate issued under the code, its stored QR checked against the published keys. */
export async function verifyByCode(deps: VerifyDeps, supervisionCode: string) {
  const [record] = await deps.verifications.findVerifications(supervisionCode);
  if (!record) throw new NotFound(`no certificate under supervision code ${supervisionCode}`);
  return answer(record, signedFor(record.qr, await deps.signer.publicKeys(), record));
}

/**
 * POST /verify {qr}: the QR's signature checked against the published keys (as anyone can, offline),
 * then the library asked whether it still stands (revoked, or never kept). A QR that is not the
 * platform's signature says so, and nothing of what it claims is repeated back.
 */
export async function verifyQr(deps: VerifyDeps, body: { qr: string }) {
  const checked = readQr(body.qr, await deps.signer.publicKeys());
  const { claims } = checked;
  if (!checked.signatureValid || typeof claims?.supervisionCode !== 'string' || typeof claims.certificateId !== 'string') {
    return { ...answer(undefined, false), reason: checked.problem ?? 'not a certificate of this platform' };
  }
  const record = (await deps.verifications.findVerifications(claims.supervisionCode)).find((v) => v.certificateId === claims.certificateId);
  return { ...answer(record, true), ...(record ? {} : { reason: 'signed by the platform, but not in its certificate library' }) };
}

/** POST /admin/certificates/{id}/revoke {reason}: revoked on the certificate and its public record together. */
export async function revokeCertificate(deps: Pick<Deps, 'certificates' | 'realClock'>, principal: Principal | undefined, certificateId: string, body: { reason: string }) {
  const admin = requireAdmin(principal);
  const cert = await deps.certificates.getCertificate(certificateId);
  if (!cert) throw new NotFound(`no certificate ${certificateId}`);
  if (cert.status === 'revoked') throw new Conflict(`certificate ${certificateId} was revoked on ${cert.revoked?.at ?? 'an earlier day'}`);
  const revoked = { at: toShanghaiIso(deps.realClock.now()), reason: body.reason, by: admin.sub };
  if (!(await deps.certificates.revokeCertificate({ ...cert, status: 'revoked', revoked }))) throw new Conflict(`certificate ${certificateId} changed meanwhile`);
  return { certificateId, status: 'revoked' as const, revoked };
}
