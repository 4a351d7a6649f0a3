import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { webcrypto } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';

/** The issuer and audience the local runtime uses; in AWS they come from the real identity provider. */
export const LOCAL_ISSUER = 'yiwangtongban-local';
export const AUDIENCE = 'yiwangtongban';
const LIFETIME_SECONDS = 12 * 3600;

type CryptoKey = webcrypto.CryptoKey;
type KeyPair = { privateKey: CryptoKey; publicKey: CryptoKey; kid: string };

/**
 * RS256 keys (as API Gateway's JWT authorizer expects), kept in the data folder so tokens survive a
 * restart.
 */
export async function loadOrCreateKeys(file: string): Promise<KeyPair> {
  if (existsSync(file)) {
    const { privateJwk, publicJwk } = JSON.parse(readFileSync(file, 'utf8')) as { privateJwk: JWK; publicJwk: JWK };
    return {
      privateKey: (await importJWK(privateJwk, 'RS256')) as CryptoKey,
      publicKey: (await importJWK(publicJwk, 'RS256')) as CryptoKey,
      kid: publicJwk.kid!,
    };
  }
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `local-${Date.now()}`;
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256' };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ privateJwk, publicJwk }), { mode: 0o600 });
  return { privateKey, publicKey, kid };
}

export type DevTokenClaims = {
  sub: string;
  name: string;
  subjectType: string;
  authLevel: number;
  dept?: string;
  roles?: string[];
};

export async function signDevToken(keys: KeyPair, c: DevTokenClaims): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + LIFETIME_SECONDS * 1000);
  const token = await new SignJWT({
    name: c.name,
    subject_type: c.subjectType,
    auth_level: c.authLevel,
    ...(c.dept ? { dept: c.dept } : {}),
    ...(c.roles?.length ? { roles: c.roles } : {}),
  })
    .setProtectedHeader({ alg: 'RS256', kid: keys.kid })
    .setSubject(c.sub)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(keys.privateKey);
  return { token, expiresAt };
}

/** Verifies as API Gateway's JWT authorizer does: signature, issuer, audience, expiry (real time). */
export async function verifyToken(keys: KeyPair, token: string): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, keys.publicKey, { issuer: LOCAL_ISSUER, audience: AUDIENCE, algorithms: ['RS256'] });
  return payload;
}

/** API Gateway hands claims on as strings and flattens arrays to "[a b]"; do the same. */
export function gatewayClaims(payload: JWTPayload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v)]),
  );
}
