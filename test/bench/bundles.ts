/**
 * What each Lambda's bundle is made of: esbuild with the CDK construct's settings (infra/lambdas.ts
 * BUNDLING, as infra/bundle.ts builds them) plus `metafile`, summed by input file and by package.
 * `BENCH_BUNDLE_REPORT=1 npm run bench` prints it after the bench; alone:
 * `node --import tsx test/bench/bundles.ts [top]`.
 *
 * Also sizes what-ifs, each a bundle of the same entry with one kind of input left out (kept as
 * an external import, so it still builds): the figure is the bundle so built.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { bundleLambda, bundleOptions } from '../../infra/bundle.ts';
import { LAMBDAS, ROOT, type LambdaName } from '../../infra/lambdas.ts';
import { lambdaLayout, providedModules } from '../support/lambda-layout.ts';

async function bundle(name: LambdaName, plugins: Plugin[] = [], keep?: string): Promise<{ bytes: number; metafile: Metafile }> {
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'ywtb-bundle-'));
  try {
    const out = await build({
      ...bundleOptions(join(ROOT, LAMBDAS[name].entry), join(dir, 'index.mjs')),
      metafile: true,
      write: keep !== undefined,
      plugins,
    });
    const output = Object.values(out.metafile.outputs).find((o) => o.entryPoint)!;
    return { bytes: output.bytes, metafile: out.metafile };
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Import time of a module in a fresh Node process (as bench.ts measures a bundle's init), median
 * of `runs`: wall time, and the CPU time it took (user + system), which a busy machine inflates less.
 */
export function initMs(specifier: string, cwd = ROOT, runs = 5, env: NodeJS.ProcessEnv = { ...process.env, AWS_REGION: 'us-east-1' }): string {
  const code = `const c0 = process.cpuUsage(); const t0 = performance.now(); await import(${JSON.stringify(specifier)}); const c = process.cpuUsage(c0); console.log(performance.now() - t0, (c.user + c.system) / 1000);`;
  const samples = Array.from({ length: runs }, () => execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd, encoding: 'utf8', env }).trim().split(' ').map(Number));
  const median = (i: number) => samples.map((s) => s[i]!).sort((a, b) => a - b)[Math.floor(runs / 2)]!;
  return `${median(0).toFixed(0)} ms (CPU ${median(1).toFixed(0)} ms)`;
}

/** The package an input belongs to (node_modules/<pkg>), or the project path. */
export const packageOf = (input: string) => {
  const nm = input.lastIndexOf('node_modules/');
  if (nm < 0) return relative(ROOT, join(ROOT, input)).split('/').slice(0, 2).join('/');
  const rest = input.slice(nm + 'node_modules/'.length).split('/');
  return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
};

/** Leaves every module whose resolved path matches out of the bundle (as an external import). */
const without = (label: string, re: RegExp): Plugin => ({
  name: `without-${label}`,
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'inner' || args.kind === 'entry-point') return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'inner' });
      return !r.errors.length && re.test(r.path) ? { path: r.path, external: true } : undefined;
    });
  },
});

/** Inputs that could leave a function's bundle, by where they come from. */
const pdfPackages = without('pdf', /\/node_modules\/(pdfkit|fontkit|brotli|restructure|unicode-trie|unicode-properties|linebreak|dfa|png-js|tiny-inflate|fflate|@noble|@swc)\//);
const WHAT_IFS: Array<[string, ...Plugin[]]> = [
  ['zod left out', without('zod', /\/node_modules\/zod\//)],
  ['middy left out', without('middy', /\/node_modules\/@middy\//)],
  ['chinese-days left out', without('chinese-days', /\/node_modules\/chinese-days\//)],
  ['the catalog (shared/catalog) left out', without('catalog', /\/shared\/catalog\//)],
  ["brotli left out (fontkit's WOFF2 decoder; the notices' fonts are TTF)", without('brotli', /\/node_modules\/brotli\//)],
  ['pdfkit and fontkit left out', pdfPackages],
];

const PROVIDED = providedModules();

export async function bundleReport(top = 15): Promise<string> {
  const lines: string[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'ywtb-bundles-'));
  try {
    const layout = lambdaLayout(scratch);
    const kib = (b: number) => `${(b / 1024).toFixed(1).padStart(7)} KiB`;
    for (const name of Object.keys(LAMBDAS) as LambdaName[]) {
      const { bytes, metafile } = await bundle(name);
      const output = Object.values(metafile.outputs).find((o) => o.entryPoint)!;
      const inputs = Object.entries(output.inputs).map(([path, v]) => ({ path, bytes: v.bytesInOutput }));
      const byPackage = new Map<string, number>();
      for (const i of inputs) byPackage.set(packageOf(i.path), (byPackage.get(packageOf(i.path)) ?? 0) + i.bytes);
      lines.push(`\n${name}: ${kib(bytes)} minified, ${inputs.length} inputs`);
      lines.push('  by package or folder:');
      for (const [p, b] of [...byPackage].sort((a, c) => c[1] - a[1]).slice(0, top)) lines.push(`    ${kib(b)}  ${(100 * b / bytes).toFixed(1).padStart(5)}%  ${p}`);
      lines.push(`  top ${top} inputs:`);
      for (const i of inputs.sort((a, c) => c.bytes - a.bytes).slice(0, top)) lines.push(`    ${kib(i.bytes)}  ${i.path.replace(/^.*node_modules\//, '')}`);
      lines.push('  what if … (the bundle so built):');
      const seen = new Set([bytes]);
      for (const [label, ...plugins] of WHAT_IFS) {
        const cut = await bundle(name, plugins).catch((err: Error) => ({ bytes: Number.NaN, error: err.message.split('\n')[0] }));
        // A what-if that changes nothing here, or nothing more than one already shown, is not shown.
        if (seen.has(cut.bytes)) continue;
        seen.add(cut.bytes);
        lines.push(Number.isNaN(cut.bytes) ? `    (does not build: ${'error' in cut ? cut.error : ''})  ${label}` : `    ${kib(cut.bytes)}  (−${kib(bytes - cut.bytes).trim()})  ${label}`);
      }
      // Init, in Lambda's layout (the layer and the SDK through NODE_PATH): the bundle as built, and
      // alone the provided modules it loaded (shared/adapters/provided.ts), found in require's cache.
      const file = await bundleLambda(name, layout.task);
      const loaded = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', `import { createRequire } from 'node:module'; await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`], { cwd: scratch, encoding: 'utf8', env: layout.env() })) as string[];
      const provided = [...new Set(loaded.map((p) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p)?.[1]).filter((p): p is string => p !== undefined))].sort();
      const aloneModules = PROVIDED.filter((m) => loaded.some((p) => p.includes(`/node_modules/${m}/`) || p.includes(`/node_modules/${m}.`)));
      const alone = join(layout.task, `${name}-provided.mjs`);
      writeFileSync(alone, `import { createRequire } from 'node:module'; const load = createRequire(import.meta.url); ${aloneModules.map((m) => `load(${JSON.stringify(m)});`).join(' ')}`);
      lines.push(`  loads at init beside the bundle: ${provided.join(', ')}`);
      lines.push(`  init (median of 5, fresh process, Lambda's layout): as built ${initMs(pathToFileURL(file).href, scratch, 5, layout.env())}; the provided modules alone ${initMs(pathToFileURL(alone).href, scratch, 5, layout.env())}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await bundleReport(Number(process.argv[2] ?? 15)));
