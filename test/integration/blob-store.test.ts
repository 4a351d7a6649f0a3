import { beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from '#shared/adapters/s3/blob-store.ts';
import { s3Client } from '../support/deps.ts';
import { pdf, sha256 } from '../support/fixtures.ts';
import { TEST_BUCKET } from '../support/stand-ins.ts';

const blobs = new S3BlobStore(s3Client(), TEST_BUCKET);

describe('materials in S3 (s3rver)', () => {
  describe('a PUT to the presigned URL', () => {
    const body = pdf('presign');
    let status: number;
    beforeAll(async () => {
      const { url, headers } = await blobs.presignPut('uploads/it-1', { contentType: 'application/pdf', size: body.length, sha256: sha256(body), expiresInSeconds: 60 });
      status = (await fetch(url, { method: 'PUT', headers, body })).status;
    });

    it('is accepted (200)', () => {
      expect(status).toBe(200);
    });

    it('is stored as sent, byte for byte', async () => {
      expect((await blobs.read('uploads/it-1'))?.equals(body)).toBe(true);
    });
  });

  it('says there is nothing for a key never uploaded', async () => {
    expect(await blobs.read('uploads/never')).toBeUndefined();
  });
});
