import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { PublicJwk, Signer } from '../ports/signer.ts';

const b64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');

/** A key's id: its RFC 7638 thumbprint (SHA-256 of its required members, in order), so the same key always has the same id. */
const jwkThumbprint = (jwk: Pick<PublicJwk, 'crv' | 'kty' | 'x' | 'y'>) =>
  b64url(createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest());

/** A P-256 public key as the JWKS publishes it, named by its thumbprint. */
export function publicJwkOf(key: KeyObject): PublicJwk {
  const { x, y } = key.export({ format: 'jwk' });
  if (!x || !y) throw new Error('not an EC public key');
  return { kty: 'EC', crv: 'P-256', x, y, kid: jwkThumbprint({ kty: 'EC', crv: 'P-256', x, y }), alg: 'ES256', use: 'sig' };
}

/** A compact JWS (RFC 7515) of `payload`, ES256, signed by the signer's current key; `typ` names what it is. */
export async function signCompact(signer: Signer, payload: object, typ: string): Promise<string> {
  const body = b64url(JSON.stringify(payload));
  const { message, signature } = await signer.sign((kid) => Buffer.from(`${b64url(JSON.stringify({ alg: 'ES256', kid, typ }))}.${body}`, 'ascii'));
  return `${Buffer.from(message).toString('ascii')}.${b64url(signature)}`;
}

export type Verified = { signatureValid: boolean; kid?: string; payload?: unknown; problem?: string };

/**
 * Checks a compact JWS against published keys: ES256 only, the header's `kid` among them, the
 * signature over exactly the header and payload. Says why when it is not valid.
 */
export function verifyCompact(jws: string, keys: readonly PublicJwk[], typ: string): Verified {
  const parts = jws.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return { signatureValid: false, problem: 'not a compact JWS' };
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: unknown; kid?: unknown; typ?: unknown };
  let payload: unknown;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as typeof header;
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch {
    return { signatureValid: false, problem: 'its header or payload is not JSON' };
  }
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(header) || !isObject(payload)) return { signatureValid: false, problem: 'its header or payload is not a JSON object' };
  if (header.alg !== 'ES256') return { signatureValid: false, problem: 'not signed with ES256' };
  if (header.typ !== typ) return { signatureValid: false, problem: `not a ${typ}` };
  const key = keys.find((k) => k.kid === header.kid);
  if (!key) return { signatureValid: false, problem: 'signed with a key the platform does not publish' };
  const signature = Buffer.from(s, 'base64url');
  const ok = signature.length === 64 && verify('sha256', Buffer.from(`${h}.${p}`, 'ascii'), { key: createPublicKey({ key: key, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, signature);
  return ok ? { signatureValid: true, kid: key.kid, payload } : { signatureValid: false, kid: key.kid, problem: 'the signature does not match' };
}
