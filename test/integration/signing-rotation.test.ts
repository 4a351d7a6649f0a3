import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { compactVerify, createLocalJWKSet } from 'jose';
import { LocalSigner } from '#shared/adapters/signing/local-signer.ts';
import { signCompact } from '#shared/domain/jws.ts';
import { ROOT } from '../../infra/lambdas.ts';

const run = promisify(execFile);

describe('G2 rotating the local certificate-signing key (npm run rotate-signing-key)', () => {
  it('adds a key that signs from then on, and keeps the earlier one published: what it signed still verifies', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ywtb-rotate-'));
    const file = join(dataDir, 'signing', 'keys.json');
    const before = new LocalSigner(file);
    const oldJws = await signCompact(before, { v: 1, n: 'old' }, 'ywtb-certificate+jws');
    const [oldKey] = await before.publicKeys();
    // Act: as a user would, beside a stopped runtime
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'infra/local/rotate-signing-key.ts'], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } });
    // Assess
    const { kid } = JSON.parse(stdout) as { kid: string };
    const after = new LocalSigner(file);
    const keys = await after.publicKeys();
    expect(keys.map((k) => k.kid)).toEqual([kid, oldKey!.kid]);
    const newJws = await signCompact(after, { v: 1, n: 'new' }, 'ywtb-certificate+jws');
    const jwks = createLocalJWKSet({ keys });
    expect((await compactVerify(newJws, jwks)).protectedHeader.kid).toBe(kid);
    expect((await compactVerify(oldJws, jwks)).protectedHeader.kid).toBe(oldKey!.kid);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { keys: unknown[] }).keys).toHaveLength(2);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
