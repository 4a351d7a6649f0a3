import type { CaseRecord } from '../domain/case.ts';
import { Forbidden, NotFound } from '../errors.ts';
import type { Principal } from '../domain/principal.ts';
import type { Certificate } from '../domain/records.ts';
import type { Deps } from './deps.ts';

type Citizen = Extract<Principal, { kind: 'citizen' }>;
type Staff = Extract<Principal, { kind: 'staff' }>;

export function requireCitizen(p: Principal | undefined, minLevel: 0 | 1 | 2, doing: string): Citizen {
  if (p?.kind !== 'citizen') throw new Forbidden(`${doing} is for applicants`);
  if (p.authLevel < minLevel) {
    throw new Forbidden(`${doing} needs authentication level ${minLevel}; your account is at level ${p.authLevel} — verify your identity first`);
  }
  return p;
}

export function requireAdmin(p: Principal | undefined): Staff {
  if (p?.kind !== 'staff' || !p.roles.includes('admin')) throw new Forbidden('administrators only');
  return p;
}

/**
 * The applicant, staff of a department working on the case, and administrators (electronic
 * supervision watches every case, F4). Everyone else must not learn it exists.
 */
export function canSeeCase(p: Principal | undefined, record: CaseRecord): boolean {
  if (!p) return false;
  if (p.kind === 'citizen') return p.sub === record.applicant.id;
  if (p.roles.includes('admin')) return true;
  return !!p.dept && (p.dept === record.leadDepartment || record.coDepartments.includes(p.dept));
}

/** A certificate of the citizen asking; anyone else's, or none, is not found (its existence is not told). */
export async function holdersCertificate(deps: Pick<Deps, 'certificates'>, p: Principal | undefined, certificateId: string): Promise<Certificate> {
  const cert = await deps.certificates.getCertificate(certificateId);
  if (!cert || p?.kind !== 'citizen' || cert.holder.id !== p.sub) throw new NotFound(`no certificate ${certificateId}`);
  return cert;
}
