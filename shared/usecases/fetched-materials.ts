import type { Material } from '../catalog/types.ts';
import { statusOf } from '../domain/certificate.ts';
import type { DataMismatch, SubmittedMaterial } from '../domain/case.ts';
import type { FileJob } from '../domain/follow-up.ts';
import { toShanghaiIso } from '../time.ts';
import type { Deps } from './deps.ts';
import { pinCertificate, pinSharedRecord } from './materials.ts';

/** Why the platform may fetch instead of asking (FZ 13: 应主动调用，不得要求申请人重复提交). */
export const FETCH_LEGAL_BASIS = '《福州市网上办事管理办法（试行）》第十三条';

/** Fetching: the applicant's certificates in the library, the shared-data platform, case time. */
type FetchDeps = Pick<Deps, 'certificates' | 'sharedData' | 'clock'>;

export type Fetched = { material: SubmittedMaterial; file: FileJob; mismatches: DataMismatch[] };

/** Values compared as the applicant would: trimmed, letters in one case (an ID number's X). */
const same = (a: unknown, b: unknown) => String(a).trim().toUpperCase() === String(b).trim().toUpperCase();

/**
 * Never ask twice (C2): a fetchable material the applicant did not give is looked up — first their
 * valid e-certificate of its type in the library, then the shared-data platform's record — and kept
 * with the case as fetched (pinned as JSON, with where from, when and on what basis). The form's
 * fields are checked against the shared record (C4). Undefined when neither has it on file.
 */
export async function fetchMaterial(deps: FetchDeps, owner: string, spec: Material, form: Record<string, unknown>): Promise<Fetched | undefined> {
  const how = spec.fetch;
  if (!how) return undefined;
  const fetchedAt = toShanghaiIso(deps.clock.now());
  if (how.certificateType) {
    const cert = (await deps.certificates.listHolderCertificates(owner)).find((c) => c.type === how.certificateType && statusOf(c) === 'valid');
    if (cert) {
      const { file, ...pinned } = pinCertificate(deps, cert);
      const fetchedFrom = `电子证照库：${cert.name}（${cert.issuer.name}，${cert.supervisionCode}）`;
      return { material: { materialId: spec.id, source: 'certificate_library', certificateId: cert.certificateId, fetchedFrom, fetchedAt, legalBasis: FETCH_LEGAL_BASIS, ...pinned }, file, mismatches: [] };
    }
  }
  const shared = await deps.sharedData.lookup(owner, spec.id);
  if (!shared) return undefined;
  const doc = { dataset: how.dataset, subject: owner, materialId: spec.id, fetchedAt, ...(shared.updatedAt ? { updatedAt: shared.updatedAt } : {}), record: shared.record };
  const { file, ...pinned } = pinSharedRecord(deps, owner, spec, doc);
  const mismatches = (how.checks ?? [])
    .filter((c) => form[c.form] !== undefined && shared.record[c.record] !== undefined && !same(form[c.form], shared.record[c.record]))
    .map((c) => ({ materialId: spec.id, field: c.form, label: c.label, dataset: how.dataset }));
  return { material: { materialId: spec.id, source: 'shared_data', fetchedFrom: how.dataset, fetchedAt, legalBasis: FETCH_LEGAL_BASIS, ...pinned }, file, mismatches };
}
