import { join, resolve } from 'node:path';
import { LocalSigner } from '#shared/adapters/signing/local-signer.ts';

/**
 * `npm run rotate-signing-key`: a new certificate-signing key for the local runtime (DATA_DIR, as
 * `npm start` takes it). It signs from the next start on; every earlier key stays published in the
 * JWKS, so what it signed still verifies. In AWS the same is done by moving the KMS aliases (README).
 */
const file = join(resolve(process.env.DATA_DIR ?? './.data'), 'signing', 'keys.json');
const kid = new LocalSigner(file).rotate();
console.log(JSON.stringify({ rotated: true, kid, file, note: 'restart npm start: the running platform signs with the key it read at its start' }));
