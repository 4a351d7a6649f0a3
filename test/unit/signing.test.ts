import { generateKeyPairSync, sign as ecdsaSign, verify } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { calculateJwkThumbprint, compactVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { derToJose, KmsSigner } from '#shared/adapters/signing/kms-signer.ts';
import { LocalSigner } from '#shared/adapters/signing/local-signer.ts';
import { signCompact, verifyCompact } from '#shared/domain/jws.ts';
import { maskId, maskName } from '#shared/domain/certificate.ts';

const dir = mkdtempSync(join(tmpdir(), 'ywtb-signing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TYP = 'ywtb-certificate+jws';
const payload = { v: 1, code: '350100-261123-7K3M9QXA-R', holder: '陈*玲', issuedAt: '2026-12-02T10:00:00+08:00' };

/** What any JOSE library makes of a JWS given the published keys (jose here; our code signs with node:crypto). */
const verifiedByJose = async (jws: string, keys: object[]) => {
  const { payload: bytes, protectedHeader } = await compactVerify(jws, createLocalJWKSet({ keys }), { algorithms: ['ES256'] });
  return { payload: JSON.parse(new TextDecoder().decode(bytes)) as unknown, protectedHeader };
};

describe('G2 certificate signatures (ES256), a key kept locally', () => {
  it('signs a compact JWS an independent JOSE library verifies with the published keys, the key named by its RFC 7638 thumbprint', async () => {
    // Prepare
    const signer = new LocalSigner(join(dir, 'a', 'keys.json'));
    // Act
    const jws = await signCompact(signer, payload, TYP);
    // Assess
    const keys = await signer.publicKeys();
    const { payload: read, protectedHeader } = await verifiedByJose(jws, keys);
    expect(read).toEqual(payload);
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: keys[0]!.kid, typ: TYP });
    expect(keys[0]!.kid).toBe(await calculateJwkThumbprint(keys[0]!));
    expect(keys[0]).not.toHaveProperty('d');
    expect(verifyCompact(jws, keys, TYP)).toEqual({ signatureValid: true, kid: keys[0]!.kid, payload });
  });

  it('keeps its key across restarts, in a file only its owner may read', async () => {
    const file = join(dir, 'b', 'keys.json');
    const jws = await signCompact(new LocalSigner(file), payload, TYP);
    expect(verifyCompact(jws, await new LocalSigner(file).publicKeys(), TYP).signatureValid).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('rotates: the new key signs, and every earlier key still verifies what it signed', async () => {
    // Prepare
    const signer = new LocalSigner(join(dir, 'c', 'keys.json'));
    const before = await signCompact(signer, payload, TYP);
    // Act
    const second = signer.rotate();
    const after = await signCompact(signer, payload, TYP);
    // Assess
    const keys = await signer.publicKeys();
    expect(keys.map((k) => k.kid)[0]).toBe(second);
    expect(keys).toHaveLength(2);
    expect(decodeProtectedHeader(after).kid).toBe(second);
    expect((await verifiedByJose(before, keys)).payload).toEqual(payload);
    expect((await verifiedByJose(after, keys)).payload).toEqual(payload);
    signer.rotate();
    expect(await signer.publicKeys()).toHaveLength(3);
    expect(verifyCompact(before, await signer.publicKeys(), TYP).signatureValid).toBe(true);
  });

  it('finds a changed payload, a changed header, another typ and alg "none" invalid', async () => {
    const signer = new LocalSigner(join(dir, 'd', 'keys.json'));
    const keys = await signer.publicKeys();
    const jws = await signCompact(signer, payload, TYP);
    const [h, , s] = jws.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, holder: '王*' })).toString('base64url')}.${s}`;
    expect(verifyCompact(forged, keys, TYP)).toMatchObject({ signatureValid: false, problem: 'the signature does not match' });
    await expect(verifiedByJose(forged, keys)).rejects.toThrow();
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: TYP })).toString('base64url')}.${jws.split('.')[1]}.`;
    expect(verifyCompact(none, keys, TYP)).toMatchObject({ signatureValid: false, problem: 'not signed with ES256' });
    expect(verifyCompact(jws, keys, 'something-else')).toMatchObject({ signatureValid: false });
    expect(verifyCompact('not a jws', keys, TYP)).toMatchObject({ signatureValid: false, problem: 'not a compact JWS' });
    // JSON that is not an object: null, a number, an array.
    for (const header of ['null', '1', '[]']) expect(verifyCompact(`${Buffer.from(header).toString('base64url')}.e30.AAAA`, keys, TYP)).toMatchObject({ signatureValid: false });
    expect(verifyCompact(`${h}.${Buffer.from('null').toString('base64url')}.${s}`, keys, TYP)).toMatchObject({ signatureValid: false });
  });
});

describe('G2 certificate signatures with an AWS KMS key (ECC_NIST_P256)', () => {
  const kms = mockClient(KMSClient);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const previous = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const spki = (key: typeof publicKey) => ({ PublicKey: new Uint8Array(key.export({ format: 'der', type: 'spki' })), KeySpec: 'ECC_NIST_P256' as const });
  beforeEach(() => {
    kms.reset();
    kms.on(GetPublicKeyCommand).resolves(spki(publicKey));
    kms.on(GetPublicKeyCommand, { KeyId: 'alias/previous' }).resolves(spki(previous));
    // KMS answers DER, as ECDSA signatures come from it.
    kms.on(SignCommand).callsFake((input: { Message: Uint8Array }) => ({ Signature: new Uint8Array(ecdsaSign('sha256', input.Message, { key: privateKey, dsaEncoding: 'der' })) }));
  });

  it('signs through KMS (RAW message, ECDSA_SHA_256) what an independent JOSE library verifies with the JWKS', async () => {
    const signer = new KmsSigner(new KMSClient({ region: 'cn-north-1' }), ['alias/current', 'alias/previous']);
    const jws = await signCompact(signer, payload, TYP);
    expect((await verifiedByJose(jws, await signer.publicKeys())).payload).toEqual(payload);
    expect(kms.commandCalls(SignCommand)[0]!.args[0].input).toMatchObject({ KeyId: 'alias/current', MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' });
    expect(kms.commandCalls(GetPublicKeyCommand).map((c) => c.args[0].input.KeyId)).toEqual(['alias/current', 'alias/previous']);
    expect((await signer.publicKeys()).map((k) => k.kid)).toHaveLength(2);
  });

  it('signs with the very key it read (its ARN, not the alias), and sees the alias move to a new key within ten minutes', async () => {
    // Prepare: the alias names key A, then (rotation) key B; the old key takes the -previous alias.
    const b = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    let now = 0;
    const signer = new KmsSigner(new KMSClient({ region: 'cn-north-1' }), ['alias/current', 'alias/previous'], () => now);
    kms.on(GetPublicKeyCommand, { KeyId: 'alias/current' }).resolves({ ...spki(publicKey), KeyId: 'arn:aws:kms:cn-north-1:123456789012:key/a' });
    kms.on(GetPublicKeyCommand, { KeyId: 'alias/previous' }).rejects(Object.assign(new Error('Alias alias/previous is not found.'), { name: 'NotFoundException' }));
    const first = await signCompact(signer, payload, TYP);
    expect(kms.commandCalls(SignCommand).at(-1)!.args[0].input.KeyId).toBe('arn:aws:kms:cn-north-1:123456789012:key/a');
    expect(await signer.publicKeys()).toHaveLength(1);
    // Act: rotation
    kms.on(GetPublicKeyCommand, { KeyId: 'alias/current' }).resolves({ ...spki(b.publicKey), KeyId: 'arn:aws:kms:cn-north-1:123456789012:key/b' });
    kms.on(GetPublicKeyCommand, { KeyId: 'alias/previous' }).resolves({ ...spki(publicKey), KeyId: 'arn:aws:kms:cn-north-1:123456789012:key/a' });
    kms.on(SignCommand, { KeyId: 'arn:aws:kms:cn-north-1:123456789012:key/b' }).callsFake((input: { Message: Uint8Array }) => ({ Signature: new Uint8Array(ecdsaSign('sha256', input.Message, { key: b.privateKey, dsaEncoding: 'der' })) }));
    // Assess: within the ten minutes it still signs with A — under A's id, so it verifies.
    now = 9 * 60_000;
    expect((await verifiedByJose(await signCompact(signer, payload, TYP), await signer.publicKeys())).payload).toEqual(payload);
    now = 11 * 60_000;
    const second = await signCompact(signer, payload, TYP);
    expect(kms.commandCalls(SignCommand).at(-1)!.args[0].input.KeyId).toBe('arn:aws:kms:cn-north-1:123456789012:key/b');
    const keys = await signer.publicKeys();
    expect(keys).toHaveLength(2);
    expect((await verifiedByJose(second, keys)).payload).toEqual(payload);
    expect((await verifiedByJose(first, keys)).payload).toEqual(payload);
  });

  it('publishes a key once though configuration names it twice (an alias and its id)', async () => {
    const signer = new KmsSigner(new KMSClient({ region: 'cn-north-1' }), ['alias/current', 'arn:aws:kms:cn-north-1:123456789012:key/1234']);
    expect(await signer.publicKeys()).toHaveLength(1);
  });

  it('turns any DER signature into the r ‖ s that JWS carries (short and padded integers alike)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), (message) => {
        const der = ecdsaSign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
        const raw = derToJose(der);
        expect(raw).toHaveLength(64);
        // Node's own decoder of the JWS form is the judge.
        expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('G2 the holder as anyone may see them on a certificate', () => {
  it.each([
    ['陈美玲', '陈*玲'],
    ['王五', '王*'],
    ['欧阳娜娜', '欧**娜'],
    ['李', '*'],
  ])('masks the name %s as %s', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it.each([
    ['350102199001011234', '3501**********1234'],
    ['u-chen', 'u****n'],
    ['ab', '**'],
  ])('masks the identifier %s as %s', (id, masked) => {
    expect(maskId(id)).toBe(masked);
  });

  it('never shows more than half of any identifier', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 40 }), (id) => {
      const masked = [...maskId(id)];
      expect(masked).toHaveLength([...id].length);
      expect(masked.filter((c, i) => c === [...id][i] && c !== '*').length).toBeLessThanOrEqual(Math.floor([...id].length / 2));
    }));
  });
});
