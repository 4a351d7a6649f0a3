import type { z } from 'zod';
import { PayloadTooLarge } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Principal } from '../domain/principal.ts';
import { MAX_UPLOAD_BYTES, type UploadRequest } from '../schemas/api.ts';
import { toShanghaiIso } from '../time.ts';
import { requireCitizen } from './access.ts';
import type { Deps } from './deps.ts';

const URL_LIFETIME_SECONDS = 15 * 60;

/** Where an upload's bytes go: known from its id alone. */
export const uploadKey = (uploadId: string) => `uploads/${uploadId}`;
const UPLOAD_KEY = /^uploads\/([0-9A-HJKMNP-TV-Z]{26})$/;

/**
 * S3 reports a file stored (an EventBridge event in AWS; the local file store's front likewise):
 * its metadata — size, ETag, the SHA-256 S3 checked the bytes against — goes on the upload's
 * record, so filing reads the record alone. A key that is no upload's is ignored.
 */
export async function recordStoredUpload(deps: Pick<Deps, 'uploads' | 'blobs'>, key: string): Promise<{ uploadId?: string; recorded: boolean }> {
  const uploadId = UPLOAD_KEY.exec(key)?.[1];
  if (!uploadId) return { recorded: false };
  const stored = await deps.blobs.stat(key);
  return { uploadId, recorded: !!stored && (await deps.uploads.markStored(uploadId, stored)) };
}

/** Size and type are checked before anything is signed; the digest is checked again when filed. */
export async function createUpload(deps: Pick<Deps, 'uploads' | 'blobs' | 'realClock'>, principal: Principal | undefined, body: z.output<typeof UploadRequest>) {
  const citizen = requireCitizen(principal, 2, 'uploading materials');
  if (body.size > MAX_UPLOAD_BYTES) {
    throw new PayloadTooLarge(`a material may be at most ${MAX_UPLOAD_BYTES} bytes (20 MiB); this one is ${body.size}`);
  }
  const now = deps.realClock.now();
  const uploadId = newId(now);
  const objectKey = uploadKey(uploadId);
  const expiresAt = new Date(now.getTime() + URL_LIFETIME_SECONDS * 1000);
  const signed = await deps.blobs.presignPut(objectKey, { ...body, expiresInSeconds: URL_LIFETIME_SECONDS });
  await deps.uploads.putUpload({
    uploadId,
    owner: citizen.sub,
    fileName: body.fileName,
    contentType: body.contentType,
    size: body.size,
    sha256: body.sha256,
    objectKey,
    createdAt: toShanghaiIso(now),
    expiresAt: toShanghaiIso(expiresAt),
  });
  return { uploadId, url: signed.url, method: 'PUT' as const, headers: signed.headers, expiresAt: toShanghaiIso(expiresAt) };
}
