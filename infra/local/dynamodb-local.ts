import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand, ResourceInUseException, UpdateTableCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { createTableInput, TABLE } from '#shared/adapters/dynamodb/table.ts';
import { StartupError } from './errors.ts';
import { freePort } from './ports.ts';

const require = createRequire(import.meta.url);

/** Builds DynamoDB Local's Jetty server on 127.0.0.1 with CORS closed; the comments in it say why. */
const SERVER_XML = fileURLToPath(new URL('./dynamodb-local.xml', import.meta.url));

/** Java ≥ 17 runs DynamoDB Local; say so in one line when it is missing or too old. */
export function checkJava(): void {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (out.error) throw new StartupError('Java 17 or newer is needed to run DynamoDB Local, and `java` was not found on PATH');
  const version = /version "(\d+)(?:\.(\d+))?/.exec(`${out.stderr}${out.stdout}`);
  const major = version ? (version[1] === '1' ? Number(version[2]) : Number(version[1])) : 0;
  if (major < 17) throw new StartupError(`Java 17 or newer is needed to run DynamoDB Local; found ${version ? version[0] : 'an unknown version'}`);
}

export type DynamoDbLocal = { endpoint: string; stop: () => Promise<void> };

/**
 * A DynamoDB Local left behind by a killed runtime still holds our database files: end it.
 * Its pid is kept beside the data, and only a process that is still DynamoDB Local is touched.
 */
function reapOrphan(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmdline.includes('DynamoDBLocal.jar')) process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export async function startDynamoDbLocal(dataDir: string): Promise<DynamoDbLocal> {
  const emulator = join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
  mkdirSync(dataDir, { recursive: true });
  const pidFile = join(dataDir, 'dynamodb-local.pid');
  reapOrphan(pidFile);
  const port = await freePort();
  // Not `-jar DynamoDBLocal.jar -port N`: that listens on every interface, and the jar has no host
  // option. Jetty's XmlConfiguration (in DynamoDBLocal_lib, on the jar's manifest class path) builds
  // the same server from dynamodb-local.xml with the connector on 127.0.0.1 and no CORS origins.
  // That route never reaches the telemetry calls of ServerRunner and DynamoDBProxyServer;
  // DDB_LOCAL_TELEMETRY=0 is the switch TelemetryUtil reads should anything else ask (the old
  // -disableTelemetry flag was parsed but never read). IPv4 only: a plain 127.0.0.1 socket, not
  // a dual-stack one. The jetty property mutes the "Logging initialized" line, as ServerRunner does.
  const child: ChildProcess = spawn(
    'java',
    [
      `-Djava.library.path=${join(emulator, 'DynamoDBLocal_lib')}`,
      '-Djava.net.preferIPv4Stack=true',
      '-Dorg.eclipse.jetty.util.log.announce=false',
      '-Xmx512m',
      '-cp',
      join(emulator, 'DynamoDBLocal.jar'),
      'org.eclipse.jetty.xml.XmlConfiguration',
      `port=${port}`,
      `dbPath=${dataDir}`,
      SERVER_XML,
    ],
    { cwd: emulator, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' } },
  );
  writeFileSync(pidFile, String(child.pid));
  let output = '';
  // XmlConfiguration reports a failed start (a port taken meanwhile, say) as an exception in main
  // while Jetty's threads keep the JVM alive: spot it instead of waiting out the minute.
  let failure: string | undefined;
  const collect = (d: Buffer) => {
    output += d;
    failure ??= /Exception in thread "main" [\w.$]+: (.*)\n/.exec(output)?.[1];
    output = output.slice(-2000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const deadline = Date.now() + 60_000;
  let up = false;
  while (!up) {
    const early = await Promise.race([exited, new Promise((r) => setTimeout(() => r('waiting'), 200))]);
    if (early !== 'waiting') throw new StartupError(`DynamoDB Local exited at start (code ${early}): ${output.trim().split('\n').at(-1) ?? ''}`);
    if (failure) {
      child.kill('SIGKILL');
      throw new StartupError(`DynamoDB Local failed at start: ${failure}`);
    }
    try {
      await client.send(new ListTablesCommand({}));
      up = true;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new StartupError('DynamoDB Local did not answer within 60 s');
      }
    }
  }
  client.destroy();
  return {
    endpoint,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(pidFile, { force: true });
    },
  };
}

/**
 * Creates the table from the same definition the CDK stack uses, if it is not there yet; a table
 * kept on disk by an older version gets the indexes added since. Returns the indexes it added.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<string[]> {
  const wanted = createTableInput(tableName);
  try {
    await client.send(new CreateTableCommand(wanted));
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TABLE.timeToLiveAttribute, Enabled: true } }),
    );
    return [];
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
  const missing = wanted.GlobalSecondaryIndexes.filter((g) => !present.has(g.IndexName));
  for (const gsi of missing) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: wanted.AttributeDefinitions.filter((a) => gsi.KeySchema.some((k) => k.AttributeName === a.AttributeName)),
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: gsi.IndexName, KeySchema: gsi.KeySchema, Projection: gsi.Projection } }],
      }),
    );
  }
  // Writes may only use the new index once it is active (DynamoDB Local takes a few seconds, more under load).
  for (const started = Date.now(); missing.length; ) {
    const { Table: now } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if ((now?.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === 'ACTIVE')) break;
    if (Date.now() - started > 60_000) throw new StartupError(`the ${missing.map((g) => g.IndexName).join(', ')} index of ${tableName} did not become active within a minute`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return missing.map((g) => g.IndexName);
}
