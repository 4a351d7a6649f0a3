import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CopyObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3BlobStore } from '#shared/adapters/s3/blob-store.ts';
import { S3RVER_CREDENTIALS, startS3Local } from '../../infra/local/s3-local.ts';
import { describe, expect, it } from 'vitest';
import { pdf, sha256 } from '../support/fixtures.ts';
import { blobs, putSlot, s3, stored } from '../support/s3.ts';
import { TEST_BUCKET } from '../support/stand-ins.ts';

describe('I1 the local file store honours CopyObject conditions (x-amz-copy-source-if-match) as S3 does', () => {
  const first = pdf('先检查的版本');
  const second = pdf('后写入的版本');
  const error = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: { name?: string; Condition?: string; $metadata?: { httpStatusCode?: number } }) => ({ name: e.name, status: e.$metadata?.httpStatusCode, condition: e.Condition }),
    );
  const putSource = async (key: string, body: Buffer) => (await s3.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: body, ContentType: 'application/pdf' }))).ETag!;
  const copy = (key: string, ifMatch?: string) => s3.send(new CopyObjectCommand({ Bucket: TEST_BUCKET, Key: `pinned/${key}`, CopySource: `${TEST_BUCKET}/${key}`, CopySourceIfMatch: ifMatch }));

  it('copies when CopySourceIfMatch is the source ETag', async () => {
    // Prepare
    const key = `uploads/s3-front-${randomUUID()}`;
    await putSource(key, first);
    const { ETag } = await s3.send(new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: key }));
    // Act
    await copy(key, ETag);
    // Assess
    expect(await stored(`pinned/${key}`)).toEqual(first);
  });

  it('refuses the copy (412 PreconditionFailed, x-amz-copy-source-If-Match) once the source was written again, copying nothing', async () => {
    // Prepare
    const key = `uploads/s3-front-${randomUUID()}`;
    const checked = await putSource(key, first);
    await putSource(key, second);
    // Act
    const err = await error(copy(key, checked));
    // Assess
    expect(err).toEqual({ name: 'PreconditionFailed', status: 412, condition: 'x-amz-copy-source-If-Match' });
    expect(await stored(`pinned/${key}`)).toBeUndefined();
  });

  it('copies the current bytes without CopySourceIfMatch', async () => {
    // Prepare
    const key = `uploads/s3-front-${randomUUID()}`;
    await putSource(key, first);
    await putSource(key, second);
    // Act
    await copy(key);
    // Assess
    expect(await stored(`pinned/${key}`)).toEqual(second);
  });

  it('leaves a missing source to NoSuchKey (404)', async () => {
    // Prepare
    const key = `uploads/s3-front-${randomUUID()}`;
    // Act
    const err = await error(copy(key, '"0123456789abcdef0123456789abcdef"'));
    // Assess
    expect(err).toMatchObject({ name: 'NoSuchKey', status: 404 });
  });
});

describe('I1 C1 the local file store keeps the SHA-256 an object was written with, as S3 does', () => {
  const upload = async (key: string, body: Buffer) => {
    const { url, headers } = await putSlot(blobs, key, body);
    expect((await fetch(url, { method: 'PUT', headers, body })).status).toBe(200);
  };
  const head = (key: string, mode?: 'ENABLED') => s3.send(new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: key, ...(mode ? { ChecksumMode: mode } : {}) }));

  it('answers it (x-amz-checksum-sha256) to a HEAD with checksum mode ENABLED after a presigned upload', async () => {
    // Prepare
    const key = `uploads/kept-${randomUUID()}`;
    const body = pdf(`kept ${randomUUID()}`);
    await upload(key, body);
    // Act
    const answer = await head(key, 'ENABLED');
    // Assess
    expect(answer.ChecksumSHA256).toBe(Buffer.from(sha256(body), 'hex').toString('base64'));
    expect(await blobs.stat(key)).toEqual({ size: body.length, etag: answer.ETag, sha256: sha256(body) });
  });

  it('answers none without checksum mode, and never shows where it keeps it', async () => {
    const key = `uploads/kept-${randomUUID()}`;
    await upload(key, pdf('quiet'));
    const answer = await head(key);
    expect(answer.ChecksumSHA256).toBeUndefined();
    expect(Object.keys(answer.Metadata ?? {})).toEqual([]);
  });

  it('answers none for an object written without a checksum, nor after its key is written again without one', async () => {
    // Prepare: an upload with its checksum, then the key written again without one
    const key = `uploads/kept-${randomUUID()}`;
    await upload(key, pdf('first'));
    await s3.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: pdf('second'), ContentType: 'application/pdf' }));
    // Act / Assess
    expect((await head(key, 'ENABLED')).ChecksumSHA256).toBeUndefined();
    expect((await blobs.stat(key))?.sha256).toBeUndefined();
  });

  it('does not let a client set the checksum it keeps', async () => {
    const key = `uploads/kept-${randomUUID()}`;
    const forged = Buffer.from(sha256(pdf('something else')), 'hex').toString('base64');
    await s3.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: pdf('real'), ContentType: 'application/pdf', Metadata: { 'x-local-checksum-sha256': forged } }));
    expect((await head(key, 'ENABLED')).ChecksumSHA256).toBeUndefined();
  });
});

describe('I1 C1 the local file store reports each file stored, as S3 tells EventBridge', () => {
  it('names the bucket and key of a presigned upload once it is stored, and nothing for a refused one', async () => {
    // Prepare: a file store of its own, listening
    const created: Array<[string, string]> = [];
    const local = await startS3Local(mkdtempSync(join(tmpdir(), 'ywtb-s3-events-')), ['events'], { onCreated: (bucket, key) => created.push([bucket, key]) });
    try {
      const ownClient = new S3Client({ endpoint: local.endpoint, region: 'us-east-1', credentials: S3RVER_CREDENTIALS, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
      const own = new S3BlobStore(ownClient, 'events');
      const body = pdf('已上传');
      const { url, headers } = await putSlot(own, 'uploads/01ARZ3NDEKTSV4RRFFQ69G5FAV', body);
      // Act: one upload stored; one refused by the front (other bytes than the URL signed); one the
      // front lets through and the store refuses (no such bucket)
      expect((await fetch(url, { method: 'PUT', headers, body })).status).toBe(200);
      expect((await fetch(url, { method: 'PUT', headers, body: pdf('其他字节') })).status).toBeGreaterThanOrEqual(400);
      const elsewhere = await putSlot(new S3BlobStore(ownClient, 'no-such-bucket'), 'uploads/01ARZ3NDEKTSV4RRFFQ69G5FAW', body);
      expect((await fetch(elsewhere.url, { method: 'PUT', headers: elsewhere.headers, body })).status).toBe(404);
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Assess
      expect(created).toEqual([['events', 'uploads/01ARZ3NDEKTSV4RRFFQ69G5FAV']]);
    } finally {
      await local.stop();
    }
  });
});
