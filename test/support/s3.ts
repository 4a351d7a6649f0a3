import { GetObjectCommand } from '@aws-sdk/client-s3';
import { S3BlobStore } from '#shared/adapters/s3/blob-store.ts';
import { s3Client } from './deps.ts';
import { sha256 } from './fixtures.ts';
import { TEST_BUCKET } from './stand-ins.ts';

/** The test bucket through the platform's client, for the tests of the local file store (s3rver). */
export const s3 = s3Client();
export const blobs = new S3BlobStore(s3, TEST_BUCKET);

/** The object's bytes as the SDK reads them (undefined if there is none). */
export async function stored(key: string): Promise<Buffer | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: TEST_BUCKET, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
    throw err;
  }
}

/** A presigned upload of `body` to `key` (15 minutes), as the platform hands one out. */
export const putSlot = (b: S3BlobStore, key: string, body: Buffer, contentType = 'application/pdf') =>
  b.presignPut(key, { contentType, size: body.length, sha256: sha256(body), expiresInSeconds: 900 });
