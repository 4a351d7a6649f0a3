import { createPrivateKey, generateKeyPairSync, sign as ecdsaSign, type JsonWebKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { publicJwkOf } from '../../domain/jws.ts';
import type { PublicJwk, Signer } from '../../ports/signer.ts';

type StoredKey = { kid: string; createdAt: string; privateJwk: JsonWebKey; publicJwk: PublicJwk };
type KeyFile = { keys: StoredKey[] };

const newKey = (now: Date): StoredKey => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicJwk = publicJwkOf(publicKey);
  return { kid: publicJwk.kid, createdAt: now.toISOString(), privateJwk: privateKey.export({ format: 'jwk' }), publicJwk };
};

/**
 * The local stand-in of the KMS signing key: P-256 keys in one file under DATA_DIR (mode 0600),
 * made on first use and kept across restarts. `rotate()` adds a key that signs from then on; the
 * earlier ones stay published, so what they signed still verifies (certificates last for years).
 * The file is read once per signer: keys are rotated through one (a rotation by another is seen
 * after a restart).
 */
export class LocalSigner implements Signer {
  private keys?: KeyFile;

  constructor(private readonly file: string) {}

  private read(): KeyFile {
    if (this.keys) return this.keys;
    if (existsSync(this.file)) return (this.keys = JSON.parse(readFileSync(this.file, 'utf8')) as KeyFile);
    return this.write({ keys: [newKey(new Date())] });
  }

  private write(keys: KeyFile): KeyFile {
    mkdirSync(dirname(this.file), { recursive: true });
    // Whole or not at all: written aside, then moved into place.
    writeFileSync(`${this.file}.tmp`, JSON.stringify(keys, null, 2), { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
    return (this.keys = keys);
  }

  async sign(build: (kid: string) => Uint8Array) {
    const current = this.read().keys.at(-1)!;
    const message = build(current.kid);
    const signature = ecdsaSign('sha256', message, { key: createPrivateKey({ key: current.privateJwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' });
    return { kid: current.kid, message, signature: new Uint8Array(signature) };
  }

  async publicKeys(): Promise<PublicJwk[]> {
    return this.read().keys.map((k) => k.publicJwk).reverse();
  }

  /** A new current key; returns its id. */
  rotate(now = new Date()): string {
    const key = newKey(now);
    this.write({ keys: [...this.read().keys, key] });
    return key.kid;
  }
}
