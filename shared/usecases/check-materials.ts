import type { z } from 'zod';
import type { CatalogItem } from '../catalog/index.ts';
import type { DataMismatch, SubmittedMaterial } from '../domain/case.ts';
import { SharedDataUnavailable, type FieldError } from '../errors.ts';
import type { Companion } from '../ports/cases.ts';
import type { CreateCaseRequest } from '../schemas/api.ts';
import type { FileJob } from '../domain/follow-up.ts';
import type { Deps } from './deps.ts';
import { fetchMaterial } from './fetched-materials.ts';
import { pinCertificate, pinUpload } from './materials.ts';
import { uploadKey } from './uploads.ts';

type MaterialRef = z.output<typeof CreateCaseRequest>['materials'][number];

/** Checking materials: certificates and uploads of the applicant, the stored files, and (filing) what can be fetched. */
type MaterialCheckDeps = Pick<Deps, 'uploads' | 'certificates' | 'blobs' | 'clock' | 'sharedData'>;

/**
 * Checks materials against the guide and the stored files, collecting every problem at once.
 * When filing (`complete`, with the form), what the platform can fetch (C2) or generate is added,
 * and whatever required is still missing is reported; `mismatches`: fields of the form the shared
 * records contradict (C4). `files`: the pinned copies the step's follow-up writes.
 */
export async function checkMaterials(
  deps: MaterialCheckDeps,
  owner: string,
  item: CatalogItem,
  refs: MaterialRef[],
  opts: { complete: false; prefix?: string } | { complete: true; form: Record<string, unknown> },
): Promise<{ materials: SubmittedMaterial[]; errors: FieldError[]; files: FileJob[]; mismatches: DataMismatch[] }> {
  const errors: FieldError[] = [];
  const mismatches: DataMismatch[] = [];
  const materials: SubmittedMaterial[] = [];
  const files: FileJob[] = [];
  const given = new Set<string>();
  await Promise.all(
    refs.map(async (ref, i) => {
      const path = `${('prefix' in opts && opts.prefix) || 'materials'}.${i}`;
      const spec = item.materials.find((m) => m.id === ref.materialId);
      if (spec?.fromForm) {
        errors.push({ path: `${path}.materialId`, message: `"${ref.materialId}" is generated from the online form; do not upload it${opts.complete ? '' : ' (send the corrected form as `form`)'}` });
        return;
      }
      if (!spec) {
        errors.push({ path: `${path}.materialId`, message: `"${ref.materialId}" is not a material of ${item.code}; see its guide` });
        return;
      }
      if (given.has(ref.materialId)) {
        errors.push({ path: `${path}.materialId`, message: `"${ref.materialId}" is given twice` });
        return;
      }
      given.add(ref.materialId);
      if ('certificateId' in ref) {
        const cert = await deps.certificates.getCertificate(ref.certificateId);
        if (!cert || cert.holder.id !== owner) errors.push({ path: `${path}.certificateId`, message: 'no such certificate of yours' });
        else if (cert.status === 'revoked') errors.push({ path: `${path}.certificateId`, message: 'this certificate was revoked' });
        else {
          const { file, ...pinned } = pinCertificate(deps, cert);
          materials.push({ materialId: ref.materialId, source: 'certificate', certificateId: ref.certificateId, ...pinned });
          files.push(file);
        }
        return;
      }
      const upload = await deps.uploads.getUpload(ref.uploadId);
      if (!upload || upload.owner !== owner) {
        errors.push({ path: `${path}.uploadId`, message: 'no such upload of yours' });
        return;
      }
      if (upload.caseId) {
        errors.push({ path: `${path}.uploadId`, message: 'this upload already belongs to a case' });
        return;
      }
      // The upload URL had S3 check the bytes against the declared SHA-256 and keep it (a file written
      // any other way has no such checksum and does not match). S3's report of the stored file is on
      // the record once it came (usually within seconds of the PUT); until then the file is asked.
      const stored = upload.stored ?? (await deps.blobs.stat(uploadKey(ref.uploadId)));
      // The pinned copy (made by the step's follow-up) is what departments will open.
      const pinned = stored && upload.objectKey === uploadKey(upload.uploadId) ? pinUpload(deps, upload, stored) : undefined;
      if (!pinned) {
        errors.push({ path: `${path}.uploadId`, message: 'the file has not been uploaded yet (PUT it to the upload URL first)' });
        return;
      }
      if (pinned.size !== upload.size || pinned.sha256 !== upload.sha256) {
        errors.push({ path: `${path}.uploadId`, message: 'the uploaded file does not match the declared size and SHA-256' });
        return;
      }
      files.push(pinned.file);
      materials.push({
        materialId: ref.materialId,
        source: 'upload',
        uploadId: upload.uploadId,
        objectKey: pinned.objectKey,
        fileName: upload.fileName,
        contentType: upload.contentType,
        size: upload.size,
        sha256: upload.sha256,
      });
    }),
  );
  if (opts.complete) {
    const form = opts.form;
    await Promise.all(
      item.materials
        .filter((spec) => !given.has(spec.id))
        .map(async (spec) => {
          if (spec.fromForm) return void materials.push({ materialId: spec.id, source: 'form' });
          // Never ask twice (C2): what the platform can fetch, it fetches; what it cannot find, the applicant uploads.
          // An optional material the platform cannot ask for now is left out, not a reason to refuse the filing.
          const fetched = spec.fetchable ? await fetchMaterial(deps, owner, spec, form).catch((err: unknown) => (!spec.required && err instanceof SharedDataUnavailable ? undefined : Promise.reject(err))) : undefined;
          if (fetched) {
            materials.push(fetched.material);
            files.push(fetched.file);
            mismatches.push(...fetched.mismatches);
          } else if (spec.required) {
            errors.push({
              path: 'materials',
              message: spec.fetchable
                ? `required material "${spec.id}" (${spec.name}) is not on file in the certificate library or with ${spec.fetch?.dataset ?? 'the shared-data platform'}: upload it`
                : `required material "${spec.id}" (${spec.name}) is missing`,
            });
          }
        }),
    );
  }
  const order = new Map(item.materials.map((m, i) => [m.id, i]));
  materials.sort((a, b) => order.get(a.materialId)! - order.get(b.materialId)!);
  return { materials, errors, files, mismatches };
}

/** Uploads become part of a case in the same transaction that records them. */
export const claimsOf = (materials: SubmittedMaterial[], owner: string, caseId: string): Companion[] =>
  materials.flatMap((m): Companion[] => (m.source === 'upload' ? [{ kind: 'claimUpload', uploadId: m.uploadId, owner, caseId }] : []));

