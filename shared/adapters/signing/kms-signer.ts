import { createPublicKey } from 'node:crypto';
import type { KMSClient } from '@aws-sdk/client-kms';
import { publicJwkOf } from '../../domain/jws.ts';
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

/** How long a container trusts what it read of the keys: a rotation (the alias moved) is seen within it. */
const KEYS_TTL_MS = 10 * 60_000;

/**
 * Signs with AWS KMS keys (key spec ECC_NIST_P256, usage SIGN_VERIFY): the first of `keyIds` signs,
 * the others are published too, those that exist (rotation: the alias `…-certificates` moves to a
 * new key, the old key takes `…-certificates-previous`, so what it signed still verifies). A key's
 * id is its public key's thumbprint. Each key is read from KMS at most every ten minutes, and a
 * signature is made with the very key (its ARN) whose id the JWS names, never through the alias.
 */
export class KmsSigner implements Signer {
  private keys?: { at: number; read: Promise<Array<{ keyArn: string; jwk: PublicJwk }>> };

  constructor(private readonly client: KMSClient, private readonly keyIds: readonly string[], private readonly now = () => Date.now()) {
    if (keyIds.length === 0) throw new Error('no signing key configured (SIGNING_KEY_IDS)');
  }

  private async readKey(keyId: string): Promise<{ keyArn: string; jwk: PublicJwk }> {
    const { GetPublicKeyCommand } = kmsSdk();
    const { PublicKey, KeyId } = await this.client.send(new GetPublicKeyCommand({ KeyId: keyId }));
    return { keyArn: KeyId ?? keyId, jwk: publicJwkOf(createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' })) };
  }

  /** The signing key first (its failure fails), then the previous ones that can be read (a missing one is left out). */
  private published() {
    if (this.keys && this.now() - this.keys.at < KEYS_TTL_MS) return this.keys.read;
    const [current, ...previous] = this.keyIds;
    const read = Promise.all([this.readKey(current!), ...previous.map((id) => this.readKey(id).catch(() => undefined))]).then((keys) => keys.filter((k) => k !== undefined));
    this.keys = { at: this.now(), read };
    read.catch(() => {
      this.keys = undefined;
    });
    return read;
  }

  async sign(build: (kid: string) => Uint8Array) {
    const { SignCommand } = kmsSdk();
    const [current] = await this.published();
    const message = build(current!.jwk.kid);
    const { Signature } = await this.client.send(new SignCommand({ KeyId: current!.keyArn, Message: message, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }));
    return { kid: current!.jwk.kid, message, signature: derToJose(Signature!) };
  }

  /** Each key once, though configuration named it twice (an alias and its id). */
  async publicKeys(): Promise<PublicJwk[]> {
    const keys = (await this.published()).map((k) => k.jwk);
    return keys.filter((k, i) => keys.findIndex((o) => o.kid === k.kid) === i);
  }
}
