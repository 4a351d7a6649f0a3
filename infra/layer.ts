import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, relative } from 'node:path';
import { LAYER_PACKAGES, ROOT } from './lambdas.ts';

/** A package the layer ships: where it is installed, and where it goes under nodejs/node_modules. */
export type LayerPackage = { name: string; version: string; dir: string; path: string };

type Manifest = { name: string; version: string; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };

/** The directory of package `name` as Node resolves it from directory `from` (walking up its node_modules). */
function packageDir(name: string, from: string): string | undefined {
  const paths = createRequire(join(from, 'noop.js')).resolve.paths(name) ?? [];
  for (const base of paths) {
    if (existsSync(join(base, name, 'package.json'))) return realpathSync(join(base, name));
  }
  return undefined;
}

/**
 * The layer's packages (infra/lambdas.ts LAYER_PACKAGES) and the closure of their run-time
 * dependencies (`dependencies`, and `optionalDependencies` that are installed), each resolved from
 * the package that depends on it, as Node will resolve it in the layer. Peer dependencies are the
 * function's to bring (Powertools' only ones, @middy/core and jmespath, are optional). `@types/*`
 * packages are declarations only and are left out (aws-xray-sdk-core lists @types/cls-hooked, which
 * pulls in @types/node). Sorted by path, so a package comes before the packages nested in it.
 */
export function layerPackages(roots: readonly string[] = LAYER_PACKAGES, root = ROOT): LayerPackage[] {
  const modules = realpathSync(join(root, 'node_modules'));
  const found = new Map<string, LayerPackage>();
  const visit = (name: string, from: string, optional: boolean, by: string) => {
    if (name.startsWith('@types/')) return;
    const dir = packageDir(name, from);
    if (!dir) {
      if (optional) return;
      throw new Error(`the Lambda layer needs ${name} (a dependency of ${by}), which is not installed`);
    }
    if (found.has(dir)) return;
    const path = relative(modules, dir);
    if (path.startsWith('..') || isAbsolute(path)) throw new Error(`${name} (a dependency of ${by}) is installed outside node_modules: ${dir}`);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
    found.set(dir, { name, version: manifest.version, dir, path });
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, dir, false, name);
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) visit(dep, dir, true, name);
  };
  for (const name of roots) visit(name, root, false, 'the project');
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Writes the layer's content into `outputDir`: nodejs/node_modules/<path> for every package of
 * layerPackages(), each copied whole but for its own node_modules folder (what of it the closure
 * needs is copied as a package of its own, at the same place), symbolic links followed. The same
 * installed packages give the same files, hence the same asset hash.
 */
export function stageLayer(outputDir: string, packages: readonly LayerPackage[] = layerPackages()): void {
  const modules = join(outputDir, 'nodejs', 'node_modules');
  mkdirSync(modules, { recursive: true });
  for (const pkg of packages) {
    const nested = join(pkg.dir, 'node_modules');
    cpSync(pkg.dir, join(modules, pkg.path), { recursive: true, dereference: true, filter: (src) => src !== nested });
  }
}
