import { createHash, randomBytes } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import { S3Refusal, SigV4Verifier, type Credentials, type Verified } from './s3-auth.ts';

/**
 * A verifying front for s3rver, which checks no signature, expiry or checksum itself. It refuses,
 * in S3's XML error shape, what S3 refuses for the platform's presigned URLs and SDK calls, and
 * passes everything else unchanged to s3rver on a loopback port only it uses.
 */

/** Bodies are held in memory to be hashed before s3rver sees them; the platform's uploads are ≤ 20 MiB. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

/** Headers that belong to one connection, not to the request or answer passed on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect']);

export type S3Front = { endpoint: string; stop: () => Promise<void> };

/** A file stored (a PUT answered 200), as S3 tells EventBridge: the bucket and the key. */
export type ObjectCreated = (bucket: string, key: string) => void;

export async function startS3Front(opts: { upstream: { host: string; port: number }; credentials: Credentials[]; region: string; port?: number; onCreated?: ObjectCreated }): Promise<S3Front> {
  const verifier = new SigV4Verifier(opts.credentials, opts.region);
  const agent = new Agent({ keepAlive: true });

  const handle = async (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean) => {
    let verified: Verified;
    try {
      verified = isPreflight(req) ? { mechanism: 'query', accessKeyId: '', payloadHash: 'UNSIGNED-PAYLOAD', query: {} } : await verifier.verify(req);
    } catch (err) {
      // Refused before the body: a client waiting for 100 Continue never sends it.
      if (expectsContinue) return refuse(req, res, err, true);
      return drain(req, (ended) => refuse(req, res, err, !ended));
    }
    if (expectsContinue) res.writeContinue();
    let body: Buffer;
    let sha256: string | undefined;
    try {
      body = await readBody(req);
      sha256 = checkBody(req, verified, body);
      await checkCopyConditions(req, opts.upstream, agent);
    } catch (err) {
      return refuse(req, res, err, req.readableEnded === false);
    }
    forward(req, res, body, opts.upstream, agent, sha256, opts.onCreated);
  };

  const serve = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean) => void handle(req, res, expectsContinue).catch(() => res.destroy());
  const server = createServer((req, res) => serve(req, res, false));
  server.on('checkContinue', (req, res) => serve(req, res, true));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      agent.destroy();
    },
  };
}

/** A CORS preflight carries no credentials, in S3 as here; s3rver answers it from the bucket's CORS rules. */
function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && req.headers.origin !== undefined && req.headers['access-control-request-method'] !== undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.readableEnded) reject(new Error('the client went away'));
    });
  });
}

function tooLarge() {
  return new S3Refusal(400, 'EntityTooLarge', `Your proposed upload exceeds the maximum allowed size (the local stand-in holds at most ${MAX_BODY_BYTES} bytes).`, { MaxSizeAllowed: String(MAX_BODY_BYTES) });
}

/** Reads and drops the rest of a refused request's body (up to the limit), so the client sees the answer. */
function drain(req: IncomingMessage, then: (ended: boolean) => void) {
  let size = 0;
  let done = false;
  const finish = (ended: boolean) => {
    if (done) return;
    done = true;
    then(ended);
  };
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) finish(false);
  });
  req.on('end', () => finish(true));
  req.on('error', () => undefined);
  req.resume();
}

const CHECKSUMS: Array<{ name: string; label: string; bytes: number; compute: (b: Buffer) => Buffer }> = [
  { name: 'x-amz-checksum-sha256', label: 'SHA256', bytes: 32, compute: (b) => createHash('sha256').update(b).digest() },
  { name: 'x-amz-checksum-sha1', label: 'SHA1', bytes: 20, compute: (b) => createHash('sha1').update(b).digest() },
  {
    name: 'x-amz-checksum-crc32',
    label: 'CRC32',
    bytes: 4,
    compute: (b) => {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(crc32(b));
      return out;
    },
  },
];

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** S3's checks of the bytes against what the request declared (and signed); the SHA-256 checksum checked, if one was given. */
function checkBody(req: IncomingMessage, verified: Verified, body: Buffer): string | undefined {
  let sha256: string | undefined;
  const declared = req.headers['content-length'];
  if (req.method === 'PUT' && declared === undefined && body.length > 0) {
    throw new S3Refusal(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
  if (declared !== undefined && Number(declared) !== body.length) {
    throw new S3Refusal(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header');
  }
  if (verified.payloadHash.startsWith('STREAMING-')) {
    // s3rver would store the aws-chunked framing as the object's bytes.
    // S3's own code for what it cannot do with a request; the platform's clients never send aws-chunked bodies.
    throw new S3Refusal(501, 'NotImplemented', 'The local stand-in refuses aws-chunked payloads (x-amz-content-sha256: STREAMING-…); send the body whole.', { Header: 'x-amz-content-sha256' });
  }
  if (/^[0-9a-f]{64}$/.test(verified.payloadHash)) {
    const computed = createHash('sha256').update(body).digest('hex');
    if (computed !== verified.payloadHash) {
      throw new S3Refusal(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", { ClientComputedContentSHA256: verified.payloadHash, S3ComputedContentSHA256: computed });
    }
  }
  const md5 = headerValue(req.headers, 'content-md5');
  if (md5 !== undefined) {
    const given = Buffer.from(md5, 'base64');
    if (given.length !== 16 || given.toString('base64') !== md5) throw new S3Refusal(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.', { 'Content-MD5': md5 });
    if (!given.equals(createHash('md5').update(body).digest())) {
      throw new S3Refusal(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.', { ExpectedDigest: md5, CalculatedDigest: createHash('md5').update(body).digest('base64') });
    }
  }
  for (const checksum of CHECKSUMS) {
    // As a header when header-signed; hoisted into the query string by the presigner.
    const fromQuery = Object.entries(verified.query).find(([k]) => k.toLowerCase() === checksum.name)?.[1];
    const value = headerValue(req.headers, checksum.name) ?? (Array.isArray(fromQuery) ? fromQuery[0] : fromQuery);
    if (value === undefined) continue;
    const given = Buffer.from(value, 'base64');
    if (given.length !== checksum.bytes || given.toString('base64') !== value) {
      throw new S3Refusal(400, 'InvalidRequest', `Value for ${checksum.name} header is invalid.`);
    }
    if (!given.equals(checksum.compute(body))) {
      throw new S3Refusal(400, 'BadDigest', `The ${checksum.label} you specified did not match the calculated checksum.`);
    }
    if (checksum.label === 'SHA256') sha256 = value;
  }
  return sha256;
}

/**
 * S3 keeps the SHA-256 checksum an object was written with and answers it to a HEAD or GET with
 * `x-amz-checksum-mode: ENABLED`; s3rver keeps none, so the front stores it as s3rver metadata
 * under a name of its own (never shown to clients, never taken from them) and answers it so.
 */
const KEPT_CHECKSUM = 'x-amz-meta-x-local-checksum-sha256';

/** S3's x-amz-copy-source-if-match / -if-none-match, which s3rver ignores, checked against the source's current ETag. */
async function checkCopyConditions(req: IncomingMessage, upstream: { host: string; port: number }, agent: Agent) {
  const source = headerValue(req.headers, 'x-amz-copy-source');
  const ifMatch = headerValue(req.headers, 'x-amz-copy-source-if-match');
  const ifNoneMatch = headerValue(req.headers, 'x-amz-copy-source-if-none-match');
  if (req.method !== 'PUT' || source === undefined || (ifMatch === undefined && ifNoneMatch === undefined)) return;
  const etag = await sourceEtag(source, upstream, agent);
  if (etag === undefined) return; // no such source: s3rver answers NoSuchKey (or NoSuchBucket) itself
  const matches = (list: string) => list.split(',').some((tag) => tag.trim() === '*' || unquote(tag.trim()) === etag);
  const failed = (condition: string) => new S3Refusal(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: condition });
  if (ifMatch !== undefined && !matches(ifMatch)) throw failed('x-amz-copy-source-If-Match');
  if (ifNoneMatch !== undefined && matches(ifNoneMatch)) throw failed('x-amz-copy-source-If-None-Match');
}

const unquote = (tag: string) => tag.replace(/^"(.*)"$/, '$1');

/**
 * The source's ETag (unquoted), from an unsigned HEAD upstream: s3rver authenticates only requests
 * that carry credentials, and only the front reaches it. Undefined if there is no such object.
 */
function sourceEtag(source: string, upstream: { host: string; port: number }, agent: Agent): Promise<string | undefined> {
  // Split as s3rver's putObjectCopy splits it, so that both name the same object.
  const path = `/${decodeURI(source).replace(/^\//, '').split('/').map(encodeURIComponent).join('/')}`;
  return new Promise((resolve, reject) => {
    const head = httpRequest({ host: upstream.host, port: upstream.port, method: 'HEAD', path, agent }, (res) => {
      res.resume();
      const etag = headerValue(res.headers, 'etag');
      resolve(res.statusCode === 200 && etag !== undefined ? unquote(etag) : undefined);
    });
    head.on('error', reject);
    head.end();
  });
}

function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, upstream: { host: string; port: number }, agent: Agent, sha256?: string, onCreated?: ObjectCreated) {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && name !== KEPT_CHECKSUM && value !== undefined) headers[name] = value;
  if (body.length > 0 || req.headers['content-length'] !== undefined) headers['content-length'] = String(body.length);
  if (req.method === 'PUT' && sha256 && req.headers['x-amz-copy-source'] === undefined) headers[KEPT_CHECKSUM] = sha256;
  const out = httpRequest({ host: upstream.host, port: upstream.port, method: req.method, path: req.url, headers, agent }, (upRes) => {
    const answer: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(upRes.headers)) if (!HOP_BY_HOP.has(name) && name !== KEPT_CHECKSUM && value !== undefined) answer[name] = value;
    const kept = upRes.headers[KEPT_CHECKSUM];
    if (typeof kept === 'string' && String(req.headers['x-amz-checksum-mode']).toUpperCase() === 'ENABLED') {
      answer['x-amz-checksum-sha256'] = kept;
      answer['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
    res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, answer);
    if (onCreated && req.method === 'PUT' && upRes.statusCode === 200) reportCreated(req.url ?? '/', onCreated);
    upRes.pipe(res);
    upRes.on('error', () => res.destroy());
  });
  out.on('error', (err) => refuse(req, res, err, false));
  out.end(body);
}

/** PUTs that change an object's parts or settings, not a new object: S3 reports none of them as Object Created. */
const NOT_AN_OBJECT = ['partNumber', 'uploadId', 'tagging', 'acl', 'retention', 'legal-hold'];

/** A PUT that stored an object, as S3 tells EventBridge (path style: /<bucket>/<key>). */
function reportCreated(url: string, onCreated: ObjectCreated): void {
  try {
    const { pathname, searchParams } = new URL(url, 'http://front');
    if (NOT_AN_OBJECT.some((p) => searchParams.has(p))) return;
    const [bucket, ...key] = pathname.slice(1).split('/').map(decodeURIComponent);
    if (!bucket || !key.join('/')) return;
    queueMicrotask(() => {
      try {
        onCreated(bucket, key.join('/'));
      } catch {
        // a listener's failure is its own; the PUT was answered
      }
    });
  } catch {
    // a path that does not decode names no object
  }
}

function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** Answers with S3's error document (headers only for HEAD, as S3 does). */
function refuse(req: IncomingMessage, res: ServerResponse, err: unknown, close: boolean) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const refusal = err instanceof S3Refusal ? err : new S3Refusal(500, 'InternalError', 'We encountered an internal error. Please try again.');
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const hostId = randomBytes(32).toString('base64');
  const elements = { Code: refusal.code, Message: refusal.message, ...refusal.details, RequestId: requestId, HostId: hostId };
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${Object.entries(elements)
    .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
    .join('')}</Error>`;
  const headers: OutgoingHttpHeaders = { 'content-type': 'application/xml', 'x-amz-request-id': requestId, 'x-amz-id-2': hostId };
  if (close) headers.connection = 'close';
  if (req.method === 'HEAD') {
    res.writeHead(refusal.status, headers).end();
  } else {
    res.writeHead(refusal.status, { ...headers, 'content-length': Buffer.byteLength(xml) }).end(xml);
  }
}
