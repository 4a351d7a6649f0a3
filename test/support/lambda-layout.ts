import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { stageLayer } from '../../infra/layer.ts';
import { ROOT } from '../../infra/lambdas.ts';

/**
 * Lambda's layout, in small, under `root` (outside the project, so nothing resolves from its
 * node_modules by walking up): the layer staged as `cdk synth` stages it, under opt/; the
 * runtime's AWS SDK under var/runtime/node_modules; functions under var/task/<name>; and NODE_PATH
 * as the Node.js 22 runtime sets it (/opt/nodejs/node22/node_modules, /opt/nodejs/node_modules,
 * the runtime's node_modules, the runtime, the task).
 */
export function lambdaLayout(root: string) {
  const opt = join(root, 'opt');
  stageLayer(opt);
  const runtime = join(root, 'var', 'runtime');
  mkdirSync(join(runtime, 'node_modules'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules', '@aws-sdk'), join(runtime, 'node_modules', '@aws-sdk'), 'dir');
  const task = join(root, 'var', 'task');
  mkdirSync(task, { recursive: true });
  const nodePath = [join(opt, 'nodejs', 'node22', 'node_modules'), join(opt, 'nodejs', 'node_modules'), join(runtime, 'node_modules'), runtime, task].join(':');
  // A fresh Node process's environment there: no test runner's NODE_OPTIONS or NODE_PATH.
  const { NODE_OPTIONS: _options, NODE_PATH: _path, ...inherited } = process.env;
  const env = (extra: Record<string, string> = {}, path = nodePath): NodeJS.ProcessEnv => ({ ...inherited, AWS_REGION: 'us-east-1', NODE_PATH: path, ...extra });
  return { opt, task, runtimeModules: join(runtime, 'node_modules'), nodePath, env };
}

/** The modules shared/adapters/provided.ts loads beside a bundle (the runtime's SDK, the layer's), as its source names them. */
export const providedModules = (): string[] =>
  [...readFileSync(join(ROOT, 'shared', 'adapters', 'provided.ts'), 'utf8').matchAll(/load\((['"`])([^'"`]+)\1\)/g)].map((m) => m[2]!);
