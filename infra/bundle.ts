import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { BUNDLING, LAMBDAS, ROOT, type LambdaName } from './lambdas.ts';

/**
 * Bundles one Lambda the way the CDK construct does (same esbuild settings), for the benchmark
 * and the bundle smoke test. The output goes inside the project so the external AWS SDK resolves
 * from node_modules, as the Lambda runtime provides it.
 */
export async function bundleLambda(name: LambdaName, outDir = join(ROOT, 'node_modules', '.cache', 'bundles')): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${name}.mjs`);
  await build({
    entryPoints: [join(ROOT, LAMBDAS[name].entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    mainFields: BUNDLING.mainFields,
    banner: { js: BUNDLING.banner },
    external: BUNDLING.externalModules,
    logLevel: 'silent',
  });
  return outfile;
}
