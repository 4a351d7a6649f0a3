import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { buildSync } from 'esbuild';
import { BUNDLING, LAYER_MODULES, ROOT } from './lambdas.ts';

/** The directory of package `name` as Node resolves it from directory `from` (walking up its node_modules). */
function packageDir(name: string, from = ROOT): string {
  const dir = (createRequire(join(from, 'noop.js')).resolve.paths(name) ?? []).map((base) => join(base, name)).find((d) => existsSync(join(d, 'package.json')));
  if (!dir) throw new Error(`the Lambda layer needs ${name}, which is not installed`);
  return dir;
}
const versionOf = (name: string, from = ROOT) => (JSON.parse(readFileSync(join(packageDir(name, from), 'package.json'), 'utf8')) as { version: string }).version;

/** Where a module name points in the layer: its package and the file of that entry. */
const entryOf = (module: string) => {
  const [scope, name, ...rest] = module.split('/');
  return { pkg: `${scope}/${name}`, sub: rest.join('/') };
};

/** What the layer holds: Powertools' version, and that of the X-Ray SDK its tracer brings. */
export function layerVersions(): { powertools: string; xray: string } {
  return { powertools: versionOf('@aws-lambda-powertools/tracer'), xray: versionOf('aws-xray-sdk-core', packageDir('@aws-lambda-powertools/tracer')) };
}

/**
 * Writes the layer's content into `outputDir`. Lambda puts a layer under /opt and lists
 * /opt/nodejs/node_modules in NODE_PATH, where shared/adapters/provided.ts's require() finds each
 * module of LAYER_MODULES by its own name: nodejs/node_modules/<package>/package.json maps the
 * package's entries to small files, each handing out its part of one esbuild bundle of them all
 * with their dependencies (the X-Ray SDK, cls-hooked, semver…), nodejs/layer.cjs. One bundle, so
 * what the modules share (Powertools' commons) is there once; a bundle, because requiring those
 * packages' files one by one took half of their load time (test/bench/FINDINGS.md §10). Each
 * module is evaluated when first required (a function that emits no metrics never runs Metrics).
 * Only the modules of LAYER_MODULES are reachable by name (not the X-Ray SDK or Powertools'
 * commons on their own). What is bundled is listed with its licence in nodejs/licenses/index.json,
 * with the licence and notice files it ships beside. The AWS SDK stays out (the runtime's). The
 * same installed packages give the same files, wherever it is staged from: the same asset hash.
 */
export function stageLayer(outputDir: string): void {
  const nodejs = join(outputDir, 'nodejs');
  mkdirSync(nodejs, { recursive: true });
  const { metafile } = buildSync({
    metafile: true,
    absWorkingDir: ROOT,
    stdin: { contents: LAYER_MODULES.map((m) => `Object.defineProperty(exports, ${JSON.stringify(m)}, { enumerable: true, get: () => require(${JSON.stringify(m)}) });`).join('\n'), resolveDir: ROOT, loader: 'js', sourcefile: 'layer-entry.cjs' },
    outfile: join(nodejs, 'layer.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: BUNDLING.target,
    minify: true,
    external: ['@aws-sdk/*'],
    logLevel: 'error',
  });
  // What is bundled, with its licence (nodejs/licenses/index.json) and the licence and notice
  // files it ships (nodejs/licenses/<package>/).
  const bundled = [...new Set(Object.keys(metafile.inputs).map((input) => /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input)).filter((m) => m !== null).map((m) => `${m[1]}\n${m[2]}`))].map((k) => k.split('\n') as [string, string]);
  const index: Array<{ name: string; version: string; license: string; author?: unknown }> = [];
  for (const [dir, name] of bundled.sort((a, b) => (a[1] < b[1] ? -1 : 1))) {
    const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as { version: string; license?: string; author?: unknown };
    // The author too: a package may ship no licence file (emitter-listener, BSD-2-Clause).
    index.push({ name, version: manifest.version, license: manifest.license ?? 'see its files', ...(manifest.author ? { author: manifest.author } : {}) });
    const legal = readdirSync(join(ROOT, dir)).filter((file) => /^(licen[cs]e|notice|copying)/i.test(file));
    if (legal.length) mkdirSync(join(nodejs, 'licenses', name), { recursive: true });
    for (const file of legal) copyFileSync(join(ROOT, dir, file), join(nodejs, 'licenses', name, file));
  }
  writeFileSync(join(nodejs, 'licenses', 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  const packages = new Map<string, string[]>();
  for (const module of LAYER_MODULES) {
    const { pkg, sub } = entryOf(module);
    packages.set(pkg, [...(packages.get(pkg) ?? []), sub]);
  }
  for (const [pkg, subs] of packages) {
    const dir = join(nodejs, 'node_modules', pkg);
    mkdirSync(dir, { recursive: true });
    const file = (sub: string) => `${sub || 'index'}.cjs`;
    const exports = Object.fromEntries(subs.map((sub) => [sub ? `./${sub}` : '.', `./${file(sub)}`]));
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: pkg, version: versionOf(pkg), private: true, exports }, null, 2)}\n`);
    for (const sub of subs) {
      const module = sub ? `${pkg}/${sub}` : pkg;
      writeFileSync(join(dir, file(sub)), `module.exports = require(${JSON.stringify(relative(dir, join(nodejs, 'layer.cjs')))})[${JSON.stringify(module)}];\n`);
    }
  }
}
