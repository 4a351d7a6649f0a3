/** Records the platform keeps beside cases: material uploads, departments, certificates, idempotent replies. */

export type Upload = {
  uploadId: string;
  owner: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  objectKey: string;
  createdAt: string;
  expiresAt: string;
  caseId?: string;
  /** The stored file as S3 reported it once it was PUT (its ETag and the SHA-256 S3 checked it against). */
  stored?: { size: number; etag: string; sha256?: string };
};

export type DepartmentSecret = { secret: string; createdAt: string; retiresAt?: string };

export type Department = {
  code: string;
  name: string;
  webhookUrl?: string;
  secrets: DepartmentSecret[];
  createdAt: string;
  updatedAt: string;
};

export type Certificate = {
  certificateId: string;
  caseId: string;
  supervisionCode: string;
  type: string;
  name: string;
  holder: { id: string; name: string };
  issuer: { code: string; name: string };
  issuedAt: string;
  summary: Record<string, unknown>;
  // guideVersion, decisionEventHash, qr and status are on every certificate issued since they are
  // signed (2026-12), not on older ones; `revoked` only on a revoked one.
  /** The guide's version the case was filed under, and the hash of the audit event that decided it. */
  guideVersion?: number;
  decisionEventHash?: string;
  /** The text of its QR code: a compact JWS of its public fields (domain/certificate.ts). */
  qr?: string;
  /** Absent: valid. */
  status?: 'valid' | 'revoked';
  revoked?: { at: string; reason: string; by: string };
};

/** A certificate as its revocation leaves it. */
export type RevokedCertificate = Certificate & { status: 'revoked'; revoked: NonNullable<Certificate['revoked']> };

export type StoredResponse = { status: number; body: unknown };

export type IdempotencyRecord = { scope: string; key: string; requestHash: string; response: StoredResponse };

/** A notice of D3's standard templates, ready to render. */
export type Notice = {
  title: string;
  supervisionCode: string;
  caseId: string;
  applicant: string;
  paragraphs: string[];
  items?: string[];
  closing?: string;
  department: string;
  date: string;
  /** A QR code printed on it (a certificate's: its signed payload) and the line beneath it. */
  qr?: { text: string; caption: string };
};
