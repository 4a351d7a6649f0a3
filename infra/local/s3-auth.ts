import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createScope, getCanonicalHeaders, getSigningKey, MAX_PRESIGNED_TTL, SignatureV4Base, UNSIGNED_PAYLOAD } from '@smithy/signature-v4';

/**
 * Checks a request's AWS Signature Version 4 the way S3 does, for the local stand-in. The
 * canonical request and the signing key come from @smithy/signature-v4 (the SDK's own signer);
 * what is here is parsing the request back into the signer's inputs, and S3's refusals.
 */

export type Credentials = { accessKeyId: string; secretAccessKey: string };

/** A refusal in S3's words: the HTTP status, the <Code>, the <Message> and any further elements. */
export class S3Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** What a verified request was signed with, for the checks on its body. */
export type Verified = {
  mechanism: 'header' | 'query';
  accessKeyId: string;
  /** The payload hash the signature covers: a hex SHA-256, UNSIGNED-PAYLOAD or a STREAMING-… value. */
  payloadHash: string;
  /** The query string's parameters, decoded. */
  query: Query;
};

type Query = Record<string, string | string[]>;

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SERVICE = 's3';
/** S3 allows a header-signed request's time to be this far from its own. */
const MAX_SKEW_MS = 15 * 60 * 1000;
const QUERY_AUTH_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'];
const LONG_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** node:crypto behind the hash interface the signer takes (what @smithy/hash-node does). */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key = typeof this.secret === 'string' ? this.secret : ArrayBuffer.isView(this.secret) ? Buffer.from(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength) : Buffer.from(this.secret);
    return createHmac('sha256', key);
  }
  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/** The SDK signer's canonical request and string to sign, as S3 (no double path encoding) builds them. */
class Canonical extends SignatureV4Base {
  constructor(region: string) {
    super({ service: SERVICE, region, credentials: { accessKeyId: '', secretAccessKey: '' }, sha256: NodeSha256, uriEscapePath: false, applyChecksum: false });
  }
  request(method: string, path: string, query: Query, headers: Record<string, string>, signed: string[], payloadHash: string): string {
    const request = { method, protocol: 'http:', hostname: headers.host ?? '', path, query, headers };
    return this.createCanonicalRequest(request, getCanonicalHeaders(request, undefined, new Set(signed)), payloadHash);
  }
  stringToSign(longDate: string, scope: string, canonicalRequest: string): Promise<string> {
    return this.createStringToSign(longDate, scope, canonicalRequest, ALGORITHM);
  }
}

/** RFC 3986 encoding of one path segment, as SigV4 and the SDK's S3 key encoding do it. */
function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new S3Refusal(400, 'InvalidURI', "Couldn't parse the specified URI.");
  }
}

function parseQuery(raw: string): Query {
  const query: Query = Object.create(null) as Query;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    // As in HTML forms, '+' is a space (the SDK itself always writes %20 and %2B).
    const key = decode((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
    const value = eq < 0 ? '' : decode(part.slice(eq + 1).replace(/\+/g, ' '));
    const prior = query[key];
    query[key] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  return query;
}

function single(query: Query, name: string): string | undefined {
  const v = query[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseLongDate(value: string | undefined): Date | undefined {
  const m = value === undefined ? null : LONG_DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Request time in the ISO form S3 quotes in its errors. */
function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

type Parsed = { credential: string; signedHeaders: string; signature: string; longDate: string | undefined; payloadHash: string };

export class SigV4Verifier {
  private readonly canonical: Canonical;

  constructor(
    private readonly credentials: Credentials[],
    private readonly region: string,
    private readonly now: () => number = Date.now,
  ) {
    this.canonical = new Canonical(region);
  }

  /** Resolves with what the request was signed with, or rejects with S3's refusal. Reads no body. */
  async verify(req: Pick<IncomingMessage, 'method' | 'url' | 'headersDistinct'>): Promise<Verified> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const query = parseQuery(q < 0 ? '' : url.slice(q + 1));
    const headers = req.headersDistinct;
    const header = (name: string) => headers[name]?.map((v) => v.trim()).join(',');

    const authorization = header('authorization');
    const queryAuth = QUERY_AUTH_PARAMS.some((p) => p !== 'X-Amz-Date' && p in query);
    const queryV2 = 'Signature' in query || 'AWSAccessKeyId' in query;
    if ([authorization !== undefined, queryAuth, queryV2].filter(Boolean).length > 1) {
      throw new S3Refusal(400, 'InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified', { ArgumentName: 'Authorization', ArgumentValue: authorization ?? '' });
    }
    if (authorization === undefined && !queryAuth && !queryV2) throw new S3Refusal(403, 'AccessDenied', 'Access Denied');
    if (queryV2 || authorization?.startsWith('AWS ')) {
      throw new S3Refusal(400, 'InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
    }
    if ('X-Amz-Security-Token' in query || headers['x-amz-security-token']) {
      throw new S3Refusal(400, 'InvalidToken', 'The provided token is malformed or otherwise invalid.');
    }

    const mechanism = authorization !== undefined ? 'header' : 'query';
    const parsed = mechanism === 'header' ? this.parseHeader(authorization!, header) : this.parseQuery(query);
    const malformed = (message: string, details: Record<string, string> = {}) =>
      new S3Refusal(400, mechanism === 'header' ? 'AuthorizationHeaderMalformed' : 'AuthorizationQueryParametersError', message, details);

    // Credential: <key id>/<yyyymmdd>/<region>/s3/aws4_request
    const parts = parsed.credential.split('/');
    if (parts.length !== 5) {
      throw malformed(`Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
    }
    const [accessKeyId, shortDate, region, service, terminal] = parts as [string, string, string, string, string];
    const credentials = this.credentials.find((c) => c.accessKeyId === accessKeyId);
    if (!credentials) {
      throw new S3Refusal(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', { AWSAccessKeyId: accessKeyId });
    }
    if (region !== this.region) {
      throw malformed(`Error parsing the X-Amz-Credential parameter; the region '${region}' is wrong; expecting '${this.region}'`, { Region: this.region });
    }
    if (service !== SERVICE) throw malformed(`Error parsing the X-Amz-Credential parameter; incorrect service '${service}'. This endpoint belongs to '${SERVICE}'.`);
    if (terminal !== 'aws4_request') throw malformed(`Error parsing the X-Amz-Credential parameter; incorrect terminal '${terminal}'. This endpoint uses 'aws4_request'.`);

    const requestTime = parseLongDate(parsed.longDate);
    if (!requestTime) {
      if (mechanism === 'header') throw new S3Refusal(403, 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
      throw malformed(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
    }
    const longDate = parsed.longDate!;
    if (shortDate !== longDate.slice(0, 8)) {
      throw malformed(`Invalid credential date "${shortDate}". This date is not the same as X-Amz-Date: "${longDate.slice(0, 8)}".`);
    }

    const now = this.now();
    if (mechanism === 'query') {
      const expiresRaw = single(query, 'X-Amz-Expires')!;
      if (!/^-?\d+$/.test(expiresRaw)) throw malformed('X-Amz-Expires should be a number');
      const expires = Number(expiresRaw);
      if (expires < 0) throw malformed('X-Amz-Expires must be non-negative');
      if (expires > MAX_PRESIGNED_TTL) throw malformed(`X-Amz-Expires must be less than a week (in seconds) that is; ${MAX_PRESIGNED_TTL}`);
      if (requestTime.getTime() - now > MAX_SKEW_MS) {
        throw new S3Refusal(403, 'AccessDenied', 'Request is not yet valid', { 'X-Amz-Date': longDate, ServerTime: iso(new Date(now)) });
      }
      const expiresAt = new Date(requestTime.getTime() + expires * 1000);
      if (now > expiresAt.getTime()) {
        throw new S3Refusal(403, 'AccessDenied', 'Request has expired', { 'X-Amz-Expires': expiresRaw, Expires: iso(expiresAt), ServerTime: iso(new Date(now)) });
      }
    } else if (Math.abs(requestTime.getTime() - now) > MAX_SKEW_MS) {
      throw new S3Refusal(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', { RequestTime: longDate, ServerTime: iso(new Date(now)), MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS) });
    }

    // Every x-amz-* header and the host must be signed.
    const signed = parsed.signedHeaders.split(';');
    const unsigned = Object.keys(headers).filter((h) => (h === 'host' || h.startsWith('x-amz-')) && !signed.includes(h));
    if (unsigned.length > 0) {
      throw new S3Refusal(403, 'AccessDenied', 'There were headers present in the request which were not signed', { HeadersNotSigned: unsigned.join(', ') });
    }

    // The canonical request from what arrived: S3 decodes the path and encodes it once.
    const path = rawPath.split('/').map((segment) => escapeUri(decode(segment))).join('/');
    const signedValues: Record<string, string> = {};
    for (const name of signed) signedValues[name] = header(name) ?? '';
    const canonicalRequest = this.canonical.request(method, path, query, signedValues, signed, parsed.payloadHash);
    const scope = createScope(shortDate, region, SERVICE);
    const stringToSign = await this.canonical.stringToSign(longDate, scope, canonicalRequest);
    const key = await getSigningKey(NodeSha256, credentials, shortDate, region, SERVICE);
    const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
    if (!sameHex(expected, parsed.signature)) {
      throw new S3Refusal(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', {
        AWSAccessKeyId: accessKeyId,
        StringToSign: stringToSign,
        SignatureProvided: parsed.signature,
        CanonicalRequest: canonicalRequest,
      });
    }
    return { mechanism, accessKeyId, payloadHash: parsed.payloadHash, query };
  }

  private parseHeader(authorization: string, header: (name: string) => string | undefined): Parsed {
    if (!authorization.startsWith(`${ALGORITHM} `)) throw new S3Refusal(400, 'InvalidArgument', 'Unsupported Authorization Type', { ArgumentName: 'Authorization', ArgumentValue: authorization });
    const components = new Map<string, string>();
    for (const part of authorization.slice(ALGORITHM.length + 1).split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) components.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    const credential = components.get('Credential');
    const signedHeaders = components.get('SignedHeaders');
    const signature = components.get('Signature');
    if (credential === undefined || signedHeaders === undefined || signature === undefined || components.size !== 3) {
      throw new S3Refusal(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.');
    }
    const payloadHash = header('x-amz-content-sha256');
    if (payloadHash === undefined) throw new S3Refusal(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
    if (!/^[0-9a-f]{64}$/.test(payloadHash) && payloadHash !== UNSIGNED_PAYLOAD && !payloadHash.startsWith('STREAMING-')) {
      throw new S3Refusal(400, 'InvalidArgument', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.', { ArgumentName: 'x-amz-content-sha256', ArgumentValue: payloadHash });
    }
    return { credential, signedHeaders, signature, longDate: header('x-amz-date'), payloadHash };
  }

  private parseQuery(query: Query): Parsed {
    if (QUERY_AUTH_PARAMS.some((p) => single(query, p) === undefined)) {
      throw new S3Refusal(400, 'AuthorizationQueryParametersError', 'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
    }
    if (single(query, 'X-Amz-Algorithm') !== ALGORITHM) {
      throw new S3Refusal(400, 'AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256 and AWS4-ECDSA-P256-SHA256"');
    }
    return {
      credential: single(query, 'X-Amz-Credential')!,
      signedHeaders: single(query, 'X-Amz-SignedHeaders')!,
      signature: single(query, 'X-Amz-Signature')!,
      longDate: single(query, 'X-Amz-Date'),
      // Presigned URLs sign no payload, unless a hoisted X-Amz-Content-Sha256 says otherwise.
      payloadHash: single(query, 'X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD,
    };
  }
}
