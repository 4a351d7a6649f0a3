import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystem } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app.ts';
import { bundleLambda } from '../../infra/bundle.ts';
import { layerPackages, stageLayer } from '../../infra/layer.ts';
import { BUNDLING, LAMBDAS, LAYER_PACKAGES, ROOT, type LambdaName } from '../../infra/lambdas.ts';

const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

describe('the Powertools layer in the template', () => {
  it('is one Node.js 22 arm64 layer that every function of the stateless stack carries', () => {
    const built = buildApp({ context: NO_BUNDLING });
    const stateless = Template.fromStack(built.stateless);
    const layers = stateless.findResources('AWS::Lambda::LayerVersion');
    expect(Object.keys(layers)).toHaveLength(1);
    const [layerId, layer] = Object.entries(layers)[0]!;
    expect(layer.Properties).toMatchObject({ CompatibleRuntimes: ['nodejs22.x'], CompatibleArchitectures: ['arm64'], Description: expect.stringMatching(/^Powertools for AWS Lambda \(TypeScript\) \d+\.\d+\.\d+ .*aws-xray-sdk-core \d+\.\d+\.\d+/) });
    const fns = Object.values(stateless.findResources('AWS::Lambda::Function')) as Array<{ Properties: { Layers?: unknown } }>;
    expect(fns).toHaveLength(Object.keys(LAMBDAS).length);
    for (const fn of fns) expect(fn.Properties.Layers).toEqual([{ Ref: layerId }]);
    expect(Template.fromStack(built.stateful).findResources('AWS::Lambda::LayerVersion')).toEqual({});
  });
});

describe('the layer’s content, staged as `cdk synth` stages it', () => {
  // Outside the project, so nothing of the project's node_modules is found by walking up from it.
  const scratch = mkdtempSync(join(tmpdir(), 'ywtb-layer-'));
  const layerDir = join(scratch, 'opt');
  const modules = join(layerDir, 'nodejs', 'node_modules');
  beforeAll(() => {
    stageLayer(layerDir);
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('holds Powertools and the X-Ray SDK under nodejs/node_modules, with their dependencies', () => {
    for (const name of [...LAYER_PACKAGES, 'aws-xray-sdk-core', '@aws/lambda-invoke-store', 'cls-hooked', 'semver']) {
      expect(existsSync(join(modules, name, 'package.json')), name).toBe(true);
    }
    for (const pkg of layerPackages()) expect(existsSync(join(modules, pkg.path, 'package.json')), pkg.path).toBe(true);
    // Declarations only: never loaded.
    expect(existsSync(join(modules, '@types'))).toBe(false);
  });

  it('ships every module the bundles leave out, but the AWS SDK the runtime provides', () => {
    const shipped = layerPackages().map((p) => p.name);
    for (const pattern of BUNDLING.externalModules.filter((m) => m !== '@aws-sdk/*')) {
      const re = new RegExp(`^${pattern.replace(/\*/g, '.+')}$`);
      expect(shipped.some((name) => re.test(name)), pattern).toBe(true);
    }
  });

  it('is the same for the same installed packages (a stable asset hash)', () => {
    const again = join(scratch, 'again');
    stageLayer(again);
    // What the asset hash is computed from (AssetHashType.OUTPUT).
    expect(FileSystem.fingerprint(again)).toBe(FileSystem.fingerprint(layerDir));
  });

  it('is all the bundles need beside the AWS SDK: each loads in Lambda’s layout, found through NODE_PATH as Lambda sets it', async () => {
    // Lambda's layout, in small: the function alone in var/task (no node_modules there or above
    // it), the layer under opt/nodejs/node_modules, the runtime's SDK under var/runtime/node_modules,
    // and NODE_PATH listing them as the Node.js 22 runtime does. Only require() reads NODE_PATH,
    // which is why shared/adapters/provided.ts loads them with it.
    const task = join(scratch, 'var', 'task');
    const runtimeModules = join(scratch, 'var', 'runtime', 'node_modules');
    mkdirSync(runtimeModules, { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', '@aws-sdk'), join(runtimeModules, '@aws-sdk'), 'dir');
    const lambdaNodePath = [join(layerDir, 'nodejs', 'node22', 'node_modules'), modules, runtimeModules, join(scratch, 'var', 'runtime'), task].join(':');
    // A fresh Node process: Node's own resolution, no test runner in between.
    const { NODE_OPTIONS: _options, NODE_PATH: _path, ...inherited } = process.env;
    const load = (file: string, nodePath = lambdaNodePath) =>
      execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(typeof m.handler);`], { cwd: scratch, env: { ...inherited, AWS_REGION: 'us-east-1', NODE_PATH: nodePath }, encoding: 'utf8', stdio: 'pipe' }).trim();
    for (const name of Object.keys(LAMBDAS) as LambdaName[]) {
      expect(load(await bundleLambda(name, task)), name).toBe('function');
    }
    // Without the layer on NODE_PATH, the same bundle does not load: the test does not pass by luck.
    expect(() => load(join(task, 'public-api', 'index.mjs'), [runtimeModules, task].join(':'))).toThrow(/Cannot find module '@aws-lambda-powertools\//);
  });
});
