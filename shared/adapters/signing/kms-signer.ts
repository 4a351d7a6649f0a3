import { createPublicKey } from 'node:crypto';
import type { KMSClient } from '@aws-sdk/client-kms';
import { jwkThumbprint } from '../../domain/jws.ts';
import type { PublicJwk, Signer } from '../../ports/signer.ts';
import { kmsSdk } from '../provided.ts';

/** An ECDSA signature as KMS returns it (DER: SEQUENCE of two INTEGERs) as JWS wants it: r ‖ s, 32 bytes each. */
export function derToJose(der: Uint8Array): Uint8Array {
  const bytes = Buffer.from(der);
  let at = 2 + (bytes[1]! & 0x80 ? bytes[1]! & 0x7f : 0); // past SEQUENCE and its length
  const integer = () => {
    if (bytes[at] !== 0x02) throw new Error('not a DER ECDSA signature');
    const length = bytes[at + 1]!;
    const value = bytes.subarray(at + 2, at + 2 + length);
    at += 2 + length;
    const trimmed = value.subarray(Math.max(0, value.length - 32));
    return Buffer.concat([Buffer.alloc(32 - trimmed.length), trimmed]);
  };
  return new Uint8Array(Buffer.concat([integer(), integer()]));
}

/**
 * Signs with AWS KMS keys (key spec ECC_NIST_P256, usage SIGN_VERIFY): the first of `keyIds`
 * signs, the others are published too (rotation: a new key first, the old one kept until what it
 * signed may go). A key's id is its public key's thumbprint, read once from KMS.
 */
export class KmsSigner implements Signer {
  private keys?: Promise<Array<{ keyId: string; jwk: PublicJwk }>>;

  constructor(private readonly client: KMSClient, private readonly keyIds: readonly string[]) {
    if (keyIds.length === 0) throw new Error('no signing key configured (SIGNING_KEY_IDS)');
  }

  private published() {
    const { GetPublicKeyCommand } = kmsSdk();
    this.keys ??= Promise.all(
      this.keyIds.map(async (keyId) => {
        const { PublicKey } = await this.client.send(new GetPublicKeyCommand({ KeyId: keyId }));
        const { x, y } = createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' }).export({ format: 'jwk' });
        const jwk: PublicJwk = { kty: 'EC', crv: 'P-256', x: x!, y: y!, kid: jwkThumbprint({ kty: 'EC', crv: 'P-256', x: x!, y: y! }), alg: 'ES256', use: 'sig' };
        return { keyId, jwk };
      }),
    ).catch((err: unknown) => {
      this.keys = undefined;
      throw err;
    });
    return this.keys;
  }

  async sign(build: (kid: string) => Uint8Array) {
    const { SignCommand } = kmsSdk();
    const [current] = await this.published();
    const message = build(current!.jwk.kid);
    const { Signature } = await this.client.send(new SignCommand({ KeyId: current!.keyId, Message: message, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }));
    return { kid: current!.jwk.kid, message, signature: derToJose(Signature!) };
  }

  /** Each key once, though configuration named it twice (an alias and its id). */
  async publicKeys(): Promise<PublicJwk[]> {
    const keys = (await this.published()).map((k) => k.jwk);
    return keys.filter((k, i) => keys.findIndex((o) => o.kid === k.kid) === i);
  }
}
