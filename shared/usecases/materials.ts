import { createHash } from 'node:crypto';
import type { CaseRecord, PinnedFile, SubmittedMaterial } from '../domain/case.ts';
import { NotFound } from '../errors.ts';
import type { Principal } from '../domain/principal.ts';
import type { Certificate, Upload } from '../domain/records.ts';
import { newId } from '../ids.ts';
import { toShanghaiIso } from '../time.ts';
import { actOnCase, type CaseActor } from './case-actions.ts';
import type { FileJob } from '../domain/follow-up.ts';
import { whenWritten } from './follow-ups.ts';
import type { Deps } from './deps.ts';

/** How long a material's download link lasts. */
const LINK_SECONDS = 5 * 60;

/** Pinning a file: the blob store, and case time for the copy's new id. */
export type PinningDeps = Pick<Deps, 'blobs' | 'clock'>;

/** A pinned file as the case records it, and the job its step's follow-up does to write it. */
export type Pinned<T> = T & { file: FileJob };

/**
 * Filed materials are pinned: copied where no URL the platform issues can write (`pinned/…`), and
 * the copy is what departments open. The upload is checked now (the SHA-256 S3 checked its bytes
 * against when it was written); the step's follow-up copies exactly the object checked (by its
 * ETag), and refuses one written since.
 */
export function pinUpload(
  deps: Pick<Deps, 'clock'>,
  upload: Upload,
  stored: { size: number; etag: string; sha256?: string },
): Pinned<{ objectKey: string; size: number; sha256: string | undefined }> {
  // A key of its own per copy: two filings racing with the same upload never write the same object.
  const objectKey = `pinned/uploads/${upload.uploadId}-${newId(deps.clock.now())}`;
  return { objectKey, size: stored.size, sha256: stored.sha256, file: { kind: 'copy', from: upload.objectKey, objectKey, etag: stored.etag } };
}

/** A JSON document kept for the case: its bytes' digest and name now, the bytes by the follow-up. */
function pinJson(objectKey: string, value: unknown, fileName: string): Pinned<PinnedFile> {
  const body = `${JSON.stringify(value, null, 2)}\n`;
  const bytes = Buffer.from(body, 'utf8');
  return {
    objectKey,
    fileName,
    contentType: 'application/json',
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    file: { kind: 'json', objectKey, body },
  };
}

/**
 * Every pinned document gets a key of its own (a new id): nothing written later — another case
 * using the same certificate, a concurrent answer — can overwrite bytes whose digest a case holds.
 */
const uniqueKey = (deps: Pick<Deps, 'clock'>, prefix: string) => `${prefix}-${newId(deps.clock.now())}.json`;

/** An e-certificate from the library used as a material: the record as it was when used. */
export const pinCertificate = (deps: Pick<Deps, 'clock'>, cert: Certificate) =>
  pinJson(uniqueKey(deps, `pinned/certificates/${cert.certificateId}`), cert, `${cert.name}-${cert.supervisionCode}.json`);

/** A record fetched from the shared-data platform (C2), as it was fetched. */
export const pinSharedRecord = (deps: Pick<Deps, 'clock'>, subject: string, material: { id: string; name: string }, doc: unknown) =>
  pinJson(uniqueKey(deps, `pinned/shared-data/${subject}/${material.id}`), doc, `${material.name}-共享数据.json`);

/**
 * The material generated from the online form (申请书), one version per form the applicant sent:
 * version 1 at filing, the next with each corrected form answering a supplement request.
 */
export function pinForm(
  deps: Pick<Deps, 'clock'>,
  c: { caseId: string; serviceItem: CaseRecord['serviceItem'] },
  material: { id: string; name: string },
  form: unknown,
  formVersion: number,
): { material: Extract<SubmittedMaterial, { source: 'form' }>; file: FileJob } {
  const doc = { caseId: c.caseId, serviceItem: c.serviceItem, material: material.name, formVersion, form };
  const { file, ...pinned } = pinJson(uniqueKey(deps, `pinned/forms/${c.caseId}/${material.id}-v${formVersion}`), doc, `${material.name}-v${formVersion}.json`);
  return { material: { materialId: material.id, source: 'form', formVersion, ...pinned }, file };
}

/** Who may open the case's materials: its applicant, and the staff of its lead and co-departments. */
function openerOf(principal: Principal | undefined, record: CaseRecord): CaseActor | undefined {
  if (principal?.kind === 'citizen') return principal.sub === record.applicant.id ? { kind: 'applicant', id: principal.sub, name: principal.name } : undefined;
  if (principal?.kind === 'staff' && principal.dept && (principal.dept === record.leadDepartment || record.coDepartments.includes(principal.dept))) {
    return { kind: 'department', id: principal.dept, via: 'staff', staffId: principal.sub };
  }
  return undefined;
}

/** Opening a material: a case action (the opening is recorded), then a link to the pinned bytes. */
export type OpenMaterialDeps = Pick<Deps, 'cases' | 'blobs' | 'clock' | 'realClock' | 'calendars' | 'defaultArrangement' | 'metrics'>;

/**
 * A short-lived download of exactly the material's pinned bytes, with their digest; the opening
 * is recorded on the case (who, when, which material). Anyone else learns nothing (404).
 * `webhookId`: a department system's repeated query records its opening once.
 */
export async function openMaterial(deps: OpenMaterialDeps, who: Principal | CaseActor | undefined, caseId: string, materialId: string, opts: { webhookId?: string } = {}) {
  const record = await deps.cases.get(caseId);
  const actor = record && who && (who.kind === 'citizen' || who.kind === 'staff' ? openerOf(who, record) : who);
  if (!record || !actor || (actor.kind === 'department' && actor.id !== record.leadDepartment && !record.coDepartments.includes(actor.id))) {
    throw new NotFound(`no case ${caseId}`);
  }
  const material = record.materials.find((m) => m.materialId === materialId);
  if (!material) throw new NotFound(`case ${caseId} has no material ${materialId}`);
  if (!('objectKey' in material) || !material.objectKey || !material.sha256) {
    throw new NotFound(
      material.source === 'shared_data'
        ? `material ${materialId} of this case was filed before fetched materials were kept: there is no file to open`
        : `material ${materialId} of this case was filed before materials were kept as files: there is no file to open`,
    );
  }
  // Pinned by the step's follow-up, right after its answer: a moment when asked at once.
  await whenWritten(deps, material.objectKey, `material ${materialId} of case ${caseId}`);
  await actOnCase(deps, actor, { caseId, command: { type: 'open_material', materialId } }, opts.webhookId ? { webhookId: opts.webhookId } : {});
  const expiresAt = new Date(deps.realClock.now().getTime() + LINK_SECONDS * 1000);
  const url = await deps.blobs.presignGet(material.objectKey, { expiresInSeconds: LINK_SECONDS, fileName: material.fileName! });
  return {
    materialId,
    source: material.source,
    url,
    expiresAt: toShanghaiIso(expiresAt),
    sha256: material.sha256,
    contentType: material.contentType!,
    fileName: material.fileName!,
    ...(material.source === 'form' ? { formVersion: material.formVersion } : {}),
  };
}
