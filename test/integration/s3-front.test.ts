import { randomBytes, randomUUID } from 'node:crypto';
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import { S3BlobStore } from '#shared/adapters/s3/blob-store.ts';
import { S3RVER_CREDENTIALS } from '../../infra/local/s3-local.ts';
import { pdf, sha256 } from '../support/fixtures.ts';
import { blobs, putSlot, s3, stored } from '../support/s3.ts';
import { TEST_BUCKET } from '../support/stand-ins.ts';

const endpoint = inject('s3Endpoint');

/** A client like the platform's, with other credentials. */
function clientWith(over: { credentials?: { accessKeyId: string; secretAccessKey: string } }) {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials: over.credentials ?? S3RVER_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
}

/** S3's <Error> document, read back. */
async function refusal(res: Response) {
  const text = await res.text();
  return { status: res.status, code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1], message: /<Message>([^<]*)<\/Message>/.exec(text)?.[1] };
}

/** Edits one query parameter in the URL's own text (URLSearchParams would re-encode the rest). */
function withParam(url: string, name: string, value: string | undefined): string {
  const re = new RegExp(`([?&])${name}=[^&]*(&?)`);
  if (value === undefined) return url.replace(re, (_m, lead: string, tail: string) => (tail ? lead : ''));
  return url.replace(re, (_m, lead: string, tail: string) => `${lead}${name}=${encodeURIComponent(value)}${tail}`);
}
const param = (url: string, name: string) => decodeURIComponent(new RegExp(`[?&]${name}=([^&]*)`).exec(url)![1]!);

/** Issues URLs as if the platform's clock read `at` (only Date is faked: the signer dates URLs with it). */
async function issuedAt<T>(at: number, issue: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['Date'], now: at });
  try {
    return await issue();
  } finally {
    vi.useRealTimers();
  }
}

describe('I1 the local file store refuses what S3 refuses', () => {
  const original = pdf('原件');
  const replacement = pdf('篡改件');
  let key: string;

  beforeAll(async () => {
    key = `uploads/s3-front-${randomUUID()}`;
    const { url, headers } = await putSlot(blobs, key, original);
    const res = await fetch(url, { method: 'PUT', headers, body: original });
    expect(res.status).toBe(200);
  });

  describe('a valid presigned PUT, then a valid presigned GET', () => {
    const body = pdf('valid');
    let putStatus: number;
    let get: Response;
    beforeAll(async () => {
      const k = `uploads/s3-front-${randomUUID()}`;
      const { url, headers } = await putSlot(blobs, k, body);
      putStatus = (await fetch(url, { method: 'PUT', headers, body })).status;
      get = await fetch(await blobs.presignGet(k, { expiresInSeconds: 60, fileName: '证明.pdf' }));
    });

    it('accepts the PUT (200)', () => {
      expect(putStatus).toBe(200);
    });

    it('accepts the GET (200)', () => {
      expect(get.status).toBe(200);
    });

    it('names the download as signed, in UTF-8', () => {
      expect(get.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('证明.pdf')}`);
    });

    it('returns the bytes that were PUT', async () => {
      expect(Buffer.from(await get.arrayBuffer())).toEqual(body);
    });
  });

  const anonymous: Array<[string, () => Promise<Response>]> = [
    ['reads of an object', () => fetch(`${endpoint}/${TEST_BUCKET}/${key}`)],
    ['listings of the bucket', () => fetch(`${endpoint}/${TEST_BUCKET}`)],
    ['listings of the bucket (ListObjectsV2)', () => fetch(`${endpoint}/${TEST_BUCKET}?list-type=2`)],
    ['listings of the buckets', () => fetch(`${endpoint}/`)],
    ['writes', () => fetch(`${endpoint}/${TEST_BUCKET}/${key}`, { method: 'PUT', body: replacement })],
    ['deletes', () => fetch(`${endpoint}/${TEST_BUCKET}/${key}`, { method: 'DELETE' })],
  ];
  it.each(anonymous)('refuses anonymous %s with 403 AccessDenied, leaving the object as it was', async (_, request) => {
    expect(await refusal(await request())).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(await stored(key)).toEqual(original);
  });

  type Tamper = { name: string; status: number; code: string; message?: string; request: () => Promise<{ url: string; init: RequestInit }> };
  const put = async (edit: (url: string) => string, body = replacement, headerOver: Record<string, string> = {}) => {
    const { url, headers } = await putSlot(blobs, key, replacement);
    return { url: edit(url), init: { method: 'PUT', headers: { ...headers, ...headerOver }, body } satisfies RequestInit };
  };
  const tampered: Tamper[] = [
    { name: 'a zeroed signature', status: 403, code: 'SignatureDoesNotMatch', request: () => put((u) => withParam(u, 'X-Amz-Signature', '0'.repeat(64))) },
    { name: 'a removed signature', status: 400, code: 'AuthorizationQueryParametersError', request: () => put((u) => withParam(u, 'X-Amz-Signature', undefined)) },
    {
      name: 'a signature made with another secret',
      status: 403,
      code: 'SignatureDoesNotMatch',
      request: async () => {
        const { url, headers } = await putSlot(new S3BlobStore(clientWith({ credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'not-the-secret' } }), TEST_BUCKET), key, replacement);
        return { url, init: { method: 'PUT', headers, body: replacement } };
      },
    },
    {
      name: 'an access key the store does not know',
      status: 403,
      code: 'InvalidAccessKeyId',
      request: async () => {
        const { url, headers } = await putSlot(new S3BlobStore(clientWith({ credentials: { accessKeyId: 'AKIAOTHER', secretAccessKey: 'S3RVER' } }), TEST_BUCKET), key, replacement);
        return { url, init: { method: 'PUT', headers, body: replacement } };
      },
    },
    {
      name: 'another key in the path',
      status: 403,
      code: 'SignatureDoesNotMatch',
      request: async () => {
        const { url, headers } = await putSlot(blobs, `${key}-elsewhere`, replacement);
        return { url: url.replace(`${key}-elsewhere`, key), init: { method: 'PUT', headers, body: replacement } };
      },
    },
    { name: 'X-Amz-Expires raised to a week (604800)', status: 403, code: 'SignatureDoesNotMatch', request: () => put((u) => withParam(u, 'X-Amz-Expires', '604800')) },
    { name: 'X-Amz-Expires beyond a week (700000)', status: 400, code: 'AuthorizationQueryParametersError', message: 'X-Amz-Expires must be less than a week (in seconds) that is; 604800', request: () => put((u) => withParam(u, 'X-Amz-Expires', '700000')) },
    {
      name: 'an expired URL (issued for 15 minutes, 20 minutes ago)',
      status: 403,
      code: 'AccessDenied',
      message: 'Request has expired',
      request: () => issuedAt(Date.now() - 20 * 60_000, () => put((u) => u)),
    },
    {
      name: 'a URL dated 20 minutes ahead',
      status: 403,
      code: 'AccessDenied',
      message: 'Request is not yet valid',
      request: () => issuedAt(Date.now() + 20 * 60_000, () => put((u) => u)),
    },
    { name: 'another content type than signed', status: 403, code: 'SignatureDoesNotMatch', request: () => put((u) => u, replacement, { 'Content-Type': 'text/html' }) },
    { name: 'one byte more than the signed length', status: 403, code: 'SignatureDoesNotMatch', request: () => put((u) => u, Buffer.concat([replacement, Buffer.from('!')])) },
    { name: 'one byte less than the signed length', status: 403, code: 'SignatureDoesNotMatch', request: () => put((u) => u, replacement.subarray(1)) },
    {
      name: 'the signed length but other bytes (the SHA-256 differs)',
      status: 400,
      code: 'BadDigest',
      request: () => put((u) => u, Buffer.from(replacement.map((b, i) => (i === 10 ? b ^ 1 : b)))),
    },
    {
      name: 'the checksum in the URL swapped for the bytes actually sent',
      status: 403,
      code: 'SignatureDoesNotMatch',
      request: () => {
        const other = Buffer.from(replacement.map((b, i) => (i === 10 ? b ^ 1 : b)));
        return put((u) => withParam(u, 'x-amz-checksum-sha256', Buffer.from(sha256(other), 'hex').toString('base64')), other);
      },
    },
    { name: 'an x-amz- header that was not signed', status: 403, code: 'AccessDenied', message: 'There were headers present in the request which were not signed', request: () => put((u) => u, replacement, { 'x-amz-acl': 'public-read' }) },
    {
      name: 'a PUT through a download (GET) URL',
      status: 403,
      code: 'SignatureDoesNotMatch',
      request: async () => ({ url: await blobs.presignGet(key, { expiresInSeconds: 60, fileName: 'a.pdf' }), init: { method: 'PUT', headers: { 'Content-Type': 'application/pdf' }, body: replacement } }),
    },
    {
      name: 'a DELETE through a download (GET) URL',
      status: 403,
      code: 'SignatureDoesNotMatch',
      request: async () => ({ url: await blobs.presignGet(key, { expiresInSeconds: 60, fileName: 'a.pdf' }), init: { method: 'DELETE' } }),
    },
    {
      name: 'a GET through an upload (PUT) URL',
      status: 403,
      code: 'SignatureDoesNotMatch',
      request: async () => ({ url: (await putSlot(blobs, key, replacement)).url, init: { method: 'GET' } }),
    },
  ];

  it.each(tampered)('refuses $name ($status $code) and leaves the object as it was', async ({ status, code, message, request }) => {
    const { url, init } = await request();
    const got = await refusal(await fetch(url, init));
    expect(got).toMatchObject({ status, code, ...(message ? { message } : {}) });
    expect(await stored(key)).toEqual(original);
    expect(await stored(`${key}-elsewhere`)).toBeUndefined();
  });

  it('refuses any single-character change to a download URL signature (403 SignatureDoesNotMatch)', async () => {
    // Prepare
    const url = await blobs.presignGet(key, { expiresInSeconds: 300, fileName: '原件.pdf' });
    const signature = param(url, 'X-Amz-Signature');
    // Act / Assess
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: signature.length - 1 }), fc.constantFrom(...'0123456789abcdef'), async (at, hex) => {
        fc.pre(signature[at] !== hex);
        const changed = signature.slice(0, at) + hex + signature.slice(at + 1);
        const got = await refusal(await fetch(withParam(url, 'X-Amz-Signature', changed)));
        expect(got).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
      }),
      { numRuns: 40 },
    );
    // Assess: the URL itself still works
    expect((await fetch(url)).status).toBe(200);
  });

  it('serves header-signed SDK calls: PutObject, GetObject, HeadObject and CopyObject (pinning a material)', async () => {
    // Prepare
    const k = `uploads/s3-front-${randomUUID()}`;
    const big = randomBytes(3 * 1024 * 1024); // over 2 MiB the SDK sends Expect: 100-continue
    // Act
    await s3.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: k, Body: big, ContentType: 'application/pdf', ChecksumSHA256: Buffer.from(sha256(big), 'hex').toString('base64') }));
    await s3.send(new CopyObjectCommand({ Bucket: TEST_BUCKET, Key: `pinned/${k}`, CopySource: `${TEST_BUCKET}/${k}` }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: `pinned/${k}` }));
    // Assess
    expect(head.ContentLength).toBe(big.length);
    expect(sha256((await blobs.read(`pinned/${k}`))!)).toBe(sha256(big));
  });

  describe('header-signed SDK calls signed with another secret', () => {
    const wrong = clientWith({ credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'not-the-secret' } });
    const error = (p: Promise<unknown>) => p.then(() => undefined, (e: { name?: string; $metadata?: { httpStatusCode?: number } }) => ({ name: e.name, status: e.$metadata?.httpStatusCode }));

    it('refuses a GetObject (403 SignatureDoesNotMatch)', async () => {
      expect(await error(wrong.send(new GetObjectCommand({ Bucket: TEST_BUCKET, Key: key })))).toEqual({ name: 'SignatureDoesNotMatch', status: 403 });
      expect(await stored(key)).toEqual(original);
    });

    it('refuses a PutObject (403 SignatureDoesNotMatch), before a large body is sent', async () => {
      expect(await error(wrong.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: randomBytes(3 * 1024 * 1024) })))).toEqual({ name: 'SignatureDoesNotMatch', status: 403 });
      expect(await stored(key)).toEqual(original);
    });

    it('refuses a CopyObject (403 SignatureDoesNotMatch)', async () => {
      expect(await error(wrong.send(new CopyObjectCommand({ Bucket: TEST_BUCKET, Key: key, CopySource: `${TEST_BUCKET}/${key}-elsewhere` })))).toEqual({ name: 'SignatureDoesNotMatch', status: 403 });
      expect(await stored(key)).toEqual(original);
    });
  });

  it('refuses a header-signed body that differs from its signed x-amz-content-sha256 (400 XAmzContentSHA256Mismatch)', async () => {
    // Prepare
    const client = clientWith({});
    // Swaps the body for one of the same length after the SDK has signed the real one's hash.
    type Args = { request: { body?: unknown } };
    const swapBody = (next: (args: Args) => Promise<unknown>) => async (args: Args) => {
      args.request.body = Buffer.from(replacement.map((b, i) => (i === 10 ? b ^ 1 : b)));
      return next(args);
    };
    client.middlewareStack.addRelativeTo(swapBody as never, { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'swapBodyAfterSigning' });
    // Act
    const err = await client.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: replacement })).then(
      () => undefined,
      (e: { name?: string; $metadata?: { httpStatusCode?: number } }) => ({ name: e.name, status: e.$metadata?.httpStatusCode }),
    );
    // Assess
    expect(err).toEqual({ name: 'XAmzContentSHA256Mismatch', status: 400 });
    expect(await stored(key)).toEqual(original);
  });
});
