import { createUpload } from './checked.ts';
import { createHash } from 'node:crypto';
import { findItem } from '#shared/catalog/index.ts';
import type { Principal } from '#shared/domain/principal.ts';
import type { Deps } from '#shared/usecases/deps.ts';

export const citizen = (over: Partial<Extract<Principal, { kind: 'citizen' }>> = {}): Principal => ({
  kind: 'citizen',
  sub: 'u-chen',
  name: '陈美玲',
  subjectType: 'person',
  authLevel: 2,
  ...over,
});

export const admin: Principal = { kind: 'staff', sub: 'admin-1', name: '管理员', roles: ['admin'] };

export const pdf = (text = '经营场所使用证明') => Buffer.from(`%PDF-1.4\n${text}\n`);
export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Declares and PUTs a file through the presigned URL, as a browser would. */
export async function uploadFile(deps: Deps, who: Principal, content: Buffer, fileName = 'premises.pdf') {
  const slot = await createUpload(deps, who, { fileName, contentType: 'application/pdf', size: content.length, sha256: sha256(content) });
  const res = await fetch(slot.url, { method: 'PUT', headers: slot.headers, body: content });
  if (!res.ok) throw new Error(`PUT failed: ${res.status} ${await res.text()}`);
  return slot;
}

/** A complete, valid application for 个体工商户设立登记 with its one upload. */
export async function individualBusinessApplication(deps: Deps, who: Principal = citizen()) {
  const item = findItem('individual-business-registration')!;
  const upload = await uploadFile(deps, who, pdf());
  return {
    serviceItemCode: item.code,
    form: item.formExample as Record<string, unknown>,
    materials: [{ materialId: 'premises-proof', uploadId: upload.uploadId }],
  };
}
