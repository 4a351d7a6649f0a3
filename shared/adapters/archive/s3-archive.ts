import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ArchiveStore } from '../../ports/outside.ts';
import { s3Presigner, s3Sdk } from '../provided.ts';

const LINK_SECONDS = 5 * 60;
const status = (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

/**
 * The archive bucket (G6): S3 with Object Lock. Each file is written once (If-None-Match: *), in
 * COMPLIANCE mode until the case's retention date — nobody, the account's root included, can
 * change or delete it before then — with its SHA-256 checked by S3 on the way in.
 */
export class S3Archive implements ArchiveStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  private key = (caseId: string, path: string) => `${caseId}/${path}`;

  async putOnce(caseId: string, path: string, body: Buffer, opts: { contentType: string; retainUntil: Date }): Promise<Buffer> {
    const { PutObjectCommand } = s3Sdk();
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key(caseId, path),
          Body: body,
          ContentType: opts.contentType,
          ChecksumAlgorithm: 'SHA256',
          IfNoneMatch: '*',
          ObjectLockMode: 'COMPLIANCE',
          ObjectLockRetainUntilDate: opts.retainUntil,
        }),
      );
      return body;
    } catch (err) {
      // Written by an earlier run: what is stored stands.
      if (status(err) === 412 || status(err) === 409) return (await this.read(caseId, path)) ?? Promise.reject(err);
      throw err;
    }
  }

  async read(caseId: string, path: string): Promise<Buffer | undefined> {
    const { GetObjectCommand } = s3Sdk();
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(caseId, path) }));
      const chunks: Buffer[] = [];
      for await (const chunk of out.Body as Readable) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    } catch (err) {
      if (status(err) === 404 || (err as Error).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  async link(caseId: string, path: string): Promise<string> {
    const [{ GetObjectCommand }, { getSignedUrl }] = [s3Sdk(), s3Presigner()];
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: this.key(caseId, path) }), { expiresIn: LINK_SECONDS });
  }
}
