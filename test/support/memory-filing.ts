import { findItem } from '#shared/catalog/index.ts';
import { fileCase } from '#shared/usecases/cases.ts';
import { createUpload } from '#shared/usecases/uploads.ts';
import { citizen, pdf, sha256 } from './fixtures.ts';
import { memoryDeps } from './memory.ts';

export const individualBusiness = findItem('individual-business-registration')!;

/** A 个体工商户设立登记 filed on in-memory ports, its one material put where its upload URL points. */
export async function filedInMemory() {
  const m = memoryDeps();
  const applicant = citizen();
  const file = pdf();
  const slot = await createUpload(m.deps, applicant, { fileName: 'premises.pdf', contentType: 'application/pdf', size: file.length, sha256: sha256(file) });
  await m.blobs.put(m.table.uploads.get(slot.uploadId)!.objectKey, file, 'application/pdf');
  const { body } = await fileCase(m.deps, applicant, { serviceItemCode: individualBusiness.code, form: individualBusiness.formExample, materials: [{ materialId: 'premises-proof', uploadId: slot.uploadId }] });
  return { ...m, caseId: body.caseId, supervisionCode: body.supervisionCode };
}
