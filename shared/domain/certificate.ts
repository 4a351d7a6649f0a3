import type { Certificate, Notice } from './records.ts';

/** What a certificate's QR code holds: a compact JWS of this `typ`, ES256 (api.md "certificates"). */
export const CERTIFICATE_JWS_TYPE = 'ywtb-certificate+jws';

/** A name with all but its first and (for three characters or more) last character starred: 陈美玲 → 陈*玲, 王五 → 王*. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars.at(-1)}`;
}

/** An identifier with only a quarter of it shown at each end (at most 4): 350102199001011234 → 3501**********1234. */
export function maskId(id: string): string {
  const chars = [...id];
  const shown = Math.min(4, Math.floor(chars.length / 4));
  return `${chars.slice(0, shown).join('')}${'*'.repeat(chars.length - 2 * shown)}${shown ? chars.slice(-shown).join('') : ''}`;
}

/** A certificate issued before they had a status (2026-12) stands unless revoked. */
export const statusOf = (c: Certificate): 'valid' | 'revoked' => c.status ?? 'valid';

/** The holder as anyone may see them. */
export const maskedHolder = (holder: Certificate['holder']) => ({ nameMasked: maskName(holder.name), idMasked: maskId(holder.id) });

/**
 * The public fields a certificate's QR code signs: who issued what, when, under which supervision
 * code and guide version, the decision it records (its audit event's hash), the holder masked.
 * The summary is not in it (the verification answer shows it, as api.md has it: departments put
 * there what a checker may see, not personal data).
 */
export type CertificateClaims = PublicFields & { v: 1; guideVersion: number; decisionEventHash: string };

/** What of a certificate anyone may see, the holder masked: in its QR, and in its verification record. */
type PublicFields = Pick<Certificate, 'certificateId' | 'supervisionCode' | 'type' | 'name' | 'issuer' | 'issuedAt'> & { holder: { nameMasked: string; idMasked: string } };
const publicFields = (c: Certificate | Omit<Certificate, 'qr' | 'status' | 'revoked'>): PublicFields => ({
  certificateId: c.certificateId,
  supervisionCode: c.supervisionCode,
  type: c.type,
  name: c.name,
  issuer: c.issuer,
  issuedAt: c.issuedAt,
  holder: maskedHolder(c.holder),
});

export const certificateClaims = (c: Omit<Certificate, 'qr' | 'status' | 'revoked'> & Pick<CertificateClaims, 'guideVersion' | 'decisionEventHash'>): CertificateClaims => ({
  v: 1,
  ...publicFields(c),
  guideVersion: c.guideVersion,
  decisionEventHash: c.decisionEventHash,
});

/**
 * What anyone may learn of a certificate (GET /verify/{supervisionCode}): its public fields, the
 * holder masked, its QR text and whether it was revoked. Kept apart from the certificate, so the
 * anonymous function that answers reads nothing personal.
 */
export type CertificateVerification = PublicFields & {
  summary: Record<string, unknown>;
  qr?: string;
  status: 'valid' | 'revoked';
  revokedAt?: string;
};

export const verificationOf = (c: Certificate): CertificateVerification => ({
  ...publicFields(c),
  summary: c.summary,
  ...(c.qr ? { qr: c.qr } : {}),
  status: statusOf(c),
  ...(c.revoked ? { revokedAt: c.revoked.at } : {}),
});

/** Where a certificate's PDF (with its QR code) is kept. */
export const certificateDocumentKey = (certificateId: string) => `certificates/${certificateId}.pdf`;

/** The certificate's PDF as its holder receives it: the holder's full name, the summary, the QR that verifies it. */
export const certificateDocument = (c: Certificate & { qr: string }): Omit<Notice, 'department'> => ({
  title: c.name,
  supervisionCode: c.supervisionCode,
  caseId: c.caseId,
  applicant: c.holder.name,
  paragraphs: [
    `经审查，你（单位）申请的“${String(c.summary.serviceItem ?? c.name)}”符合法定条件，依法作出准予决定，核发本证照。`,
    ...Object.entries(c.summary)
      .filter(([k]) => k !== 'serviceItem')
      .map(([k, v]) => `${k}：${typeof v === 'string' ? v : JSON.stringify(v)}`),
    `证照编号：${c.certificateId}`,
  ],
  date: c.issuedAt,
  qr: { text: c.qr, caption: `扫码核验：二维码内容由平台签名（ES256），可凭平台公布的公钥离线验证；亦可凭统一服务监管码 ${c.supervisionCode} 在线核验。` },
});
