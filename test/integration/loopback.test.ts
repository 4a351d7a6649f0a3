import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_NAMES } from '../../infra/lambdas.ts';
import { freePort } from '../../infra/local/ports.ts';
import { startLocalStack, type LocalStack } from '../../infra/local/stack.ts';

type Listener = { address: string; port: number; pid: number; command: string };

/** This process and every process below it, read from each /proc/<pid>/stat's parent field. */
function selfAndDescendants(): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const found = [process.pid];
  for (let i = 0; i < found.length; i++) for (const [pid, ppid] of parentOf) if (ppid === found[i]) found.push(pid);
  return found;
}

/** Socket inode → the process holding it, from the /proc/<pid>/fd links "socket:[inode]". */
function socketOwners(pids: number[]): Map<string, number> {
  const owners = new Map<string, number>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // exited meanwhile
    }
    for (const fd of fds) {
      try {
        const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        if (inode) owners.set(inode, pid);
      } catch {
        // closed meanwhile
      }
    }
  }
  return owners;
}

/** /proc/net/tcp{,6} print each 32-bit word of an address in host byte order. */
function decodeAddress(hex: string): string {
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) => {
    const b = Buffer.from(word, 'hex');
    return [...(endianness() === 'LE' ? b.reverse() : b)];
  });
  if (bytes.length === 4) return bytes.join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  if (groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff') return `::ffff:${bytes.slice(12).join('.')}`;
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Every listening TCP socket (state 0A), IPv4 and IPv6, held by this process or a descendant. */
function listeners(): Listener[] {
  const owners = socketOwners(selfAndDescendants());
  const found: Listener[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const [local, state, inode] = [f[1]!, f[3]!, f[9]!];
      const pid = owners.get(inode);
      if (state !== '0A' || pid === undefined) continue;
      const [addr, port] = local.split(':') as [string, string];
      let command = '?';
      try {
        command = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      } catch {
        // exited meanwhile
      }
      found.push({ address: decodeAddress(addr), port: parseInt(port, 16), pid, command });
    }
  }
  return found;
}

// ::ffff:127.0.0.1 is 127.0.0.1 on a dual-stack socket: still loopback only.
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** A raw request with an Origin header, as a page on another site would send it (fetch may not let us set Origin). */
function send(url: string, method: string, headers: Record<string, string>, body = ''): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

// DynamoDB Local checks that a signature is there, not that it is right.
const DYNAMO_HEADERS = {
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-target': 'DynamoDB_20120810.ListTables',
  authorization: 'AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
};
const EVIL = 'http://evil.example';

const dataDir = mkdtempSync(join(tmpdir(), 'ywtb-loopback-'));
let stack: LocalStack | undefined;
let gatewayPort: number;
const portOf = (url: string | undefined) => Number(new URL(url!).port);

describe('I1 local services listen on loopback only', () => {
  beforeAll(async () => {
    gatewayPort = await freePort();
    stack = await startLocalStack({ port: gatewayPort, dataDir, log: () => {} });
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('every listening TCP socket of the runtime and its child processes is on 127.0.0.1 or ::1', () => {
    // Prepare
    const found = listeners();
    const wanted = {
      gateway: gatewayPort,
      'DynamoDB Local': portOf(process.env.AWS_ENDPOINT_URL_DYNAMODB),
      s3rver: portOf(process.env.AWS_ENDPOINT_URL_S3),
      'step functions': portOf(process.env.AWS_ENDPOINT_URL_SFN),
    };
    // Assess: not passing by finding nothing: each stand-in's port is among the sockets listed.
    for (const [name, port] of Object.entries(wanted)) expect(found.map((l) => l.port), `${name} (port ${port}) not found among ${JSON.stringify(found)}`).toContain(port);
    // Assess
    const exposed = found.filter((l) => !LOOPBACK.has(l.address)).map((l) => `${l.command} (pid ${l.pid}) on ${l.address}:${l.port}`);
    expect(exposed, `listening beyond loopback: ${exposed.join(', ')}`).toEqual([]);
  });

  it('finds DynamoDB Local as the java process listening on its port', () => {
    const found = listeners();
    expect(found.find((l) => l.port === portOf(process.env.AWS_ENDPOINT_URL_DYNAMODB))?.command).toBe('java');
  });

  it('DynamoDB Local gives a POST from a page on another origin no Access-Control-Allow-Origin', async () => {
    // Act
    const post = await send(process.env.AWS_ENDPOINT_URL_DYNAMODB!, 'POST', { ...DYNAMO_HEADERS, origin: EVIL }, '{}');
    // Assess: it answered (the real table is there), but a browser would not hand the answer to the page.
    expect(post.status).toBe(200);
    expect(JSON.parse(post.body).TableNames).toContain(LOCAL_NAMES.table);
    expect(post.headers).not.toHaveProperty('access-control-allow-origin');
  });

  it('DynamoDB Local gives the preflight of a page on another origin no Access-Control-Allow-Origin', async () => {
    // Every DynamoDB call is preflighted (X-Amz-Target, the JSON content type): without an allow-origin the browser never sends it.
    const preflight = await send(process.env.AWS_ENDPOINT_URL_DYNAMODB!, 'OPTIONS', {
      origin: EVIL,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,x-amz-target',
    });
    expect(preflight.headers).not.toHaveProperty('access-control-allow-origin');
  });

  it('DynamoDB Local serves no request naming another host (DNS rebinding)', async () => {
    const res = await send(process.env.AWS_ENDPOINT_URL_DYNAMODB!, 'POST', { ...DYNAMO_HEADERS, host: 'evil.example' }, '{}');
    expect(res.status).toBe(404);
    expect(res.body).not.toContain(LOCAL_NAMES.table);
  });
});
