import './invocations.ts';
import { resolve } from 'node:path';
import { StartupError } from './errors.ts';
import { startLocalStack } from './stack.ts';

/** `npm start`: the platform on this machine. PORT (default 3000), DATA_DIR (default ./.data). */
const port = Number(process.env.PORT ?? 3000);
const dataDir = resolve(process.env.DATA_DIR ?? './.data');

if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT must be a port number, not "${process.env.PORT}"`);
  process.exit(1);
}

try {
  const stack = await startLocalStack({ port, dataDir });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: stopping`);
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  console.log(`ready ${stack.url}`);
} catch (err) {
  console.error(err instanceof StartupError ? err.message : `could not start: ${(err as Error).message}`);
  process.exit(1);
}
