import { mkdirSync } from 'node:fs';
import S3rver from 's3rver';
import { freePort } from './ports.ts';
import { startS3Front, type ObjectCreated } from './s3-front.ts';

/** The stand-in's fixed credentials: the front checks every request's SigV4 signature against them. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** The region the SDK clients sign for; S3 refuses a credential scope naming another. */
const REGION = 'us-east-1';

export type S3Local = { endpoint: string; stop: () => Promise<void> };

/**
 * s3rver on a loopback port of its own, behind a front (./s3-front.ts) that refuses what S3
 * refuses: unsigned, mis-signed or expired requests and bodies that do not match their checksums.
 * Only the front's endpoint is handed out.
 */
export async function startS3Local(directory: string, buckets: string[], opts: { onCreated?: ObjectCreated } = {}): Promise<S3Local> {
  mkdirSync(directory, { recursive: true });
  const port = await freePort();
  const server = new S3rver({ port, address: '127.0.0.1', silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
  await server.run();
  try {
    const front = await startS3Front({ upstream: { host: '127.0.0.1', port }, credentials: [S3RVER_CREDENTIALS], region: REGION, ...(opts.onCreated ? { onCreated: opts.onCreated } : {}) });
    return {
      endpoint: front.endpoint,
      stop: async () => {
        await front.stop();
        await server.close();
      },
    };
  } catch (err) {
    await server.close();
    throw err;
  }
}
