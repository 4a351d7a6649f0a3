import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { BUNDLING, LAMBDAS, ROOT, type LambdaName } from './lambdas.ts';

const require = createRequire(import.meta.url);

/**
 * Bundles an entry the way the CDK construct does (same esbuild settings, fonts copied beside it),
 * for the benchmark and the bundle smoke tests. The output goes inside the project so the external
 * AWS SDK resolves from node_modules, as the Lambda runtime provides it.
 */
/** esbuild's options for an entry, as the CDK construct bundles it (infra/lambdas.ts BUNDLING). */
export const bundleOptions = (entry: string, outfile: string) =>
  ({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    mainFields: [...BUNDLING.mainFields],
    banner: { js: BUNDLING.banner },
    external: [...BUNDLING.externalModules],
    logLevel: 'silent',
  }) satisfies BuildOptions;

export async function bundleEntry(entry: string, outfile: string, fonts: readonly string[] = []): Promise<string> {
  mkdirSync(dirname(outfile), { recursive: true });
  await build(bundleOptions(entry, outfile));
  if (fonts.length) mkdirSync(join(dirname(outfile), 'fonts'), { recursive: true });
  for (const font of fonts) copyFileSync(require.resolve(font), join(dirname(outfile), 'fonts', basename(font)));
  return outfile;
}

export function bundleLambda(name: LambdaName, outDir = join(ROOT, 'node_modules', '.cache', 'bundles')): Promise<string> {
  return bundleEntry(join(ROOT, LAMBDAS[name].entry), join(outDir, name, 'index.mjs'), LAMBDAS[name].fonts);
}
