/**
 * `npm run bench`: files N cases through the local HTTP API and prints throughput and p50/p99
 * latency of POST /cases, GET /cases/{id}, a reviewer's acceptance (notice PDF, the watch and its
 * timers included) and a page of the department's work queue; then, for every Lambda, its bundle size (built with
 * the CDK construct's settings) and module initialisation time in a fresh Node process.
 * Figures, not assertions: CI does not run this.
 *
 * BENCH_CASES (default 200) and BENCH_CONCURRENCY (default 8) tune the run.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findItem } from '#shared/catalog/index.ts';
import { bundleLambda } from '../../infra/bundle.ts';
import { LAMBDAS, type LambdaName } from '../../infra/lambdas.ts';
import { freePort } from '../../infra/local/ports.ts';
import { startPlatform } from '../support/platform.ts';

const N = Number(process.env.BENCH_CASES ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function timed<T>(items: T[], fn: (item: T) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        const t0 = performance.now();
        await fn(item);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { throughput: items.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function httpFigures() {
  const dataDir = mkdtempSync(join(tmpdir(), 'ywtb-bench-'));
  const platform = await startPlatform({ PORT: String(await freePort()), DATA_DIR: dataDir });
  try {
    const post = async <T = Record<string, string>>(path: string, body: unknown, token?: string, headers: Record<string, string> = {}): Promise<T> => {
      const res = await fetch(`${platform.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const { token } = await post('/dev/token', { sub: 'bench', name: '压测用户', authLevel: 2 });
    const form = findItem('individual-business-registration')!.formExample;

    // Not timed: one uploaded file per case.
    const uploads: string[] = [];
    for (let i = 0; i < N; i++) {
      const content = Buffer.from(`%PDF-1.4\nbench ${i}\n`);
      const slot = await post<{ uploadId: string; url: string; headers: Record<string, string> }>('/uploads', { fileName: `p${i}.pdf`, contentType: 'application/pdf', size: content.length, sha256: createHash('sha256').update(content).digest('hex') }, token);
      await fetch(slot.url, { method: 'PUT', headers: slot.headers, body: content });
      uploads.push(slot.uploadId);
    }

    const caseIds: string[] = [];
    const filing = await timed(uploads, async (uploadId) => {
      const res = await post<{ caseId: string }>('/cases', { serviceItemCode: 'individual-business-registration', form, materials: [{ materialId: 'premises-proof', uploadId }] }, token);
      caseIds.push(res.caseId);
    });
    const reading = await timed(caseIds, async (caseId) => {
      const res = await fetch(`${platform.url}/cases/${caseId}`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`GET /cases: ${res.status}`);
      await res.arrayBuffer();
    });
    const { token: reviewer } = await post('/dev/token', { sub: 'bench-reviewer', name: '压测审查员', dept: 'fz-scjg', roles: ['reviewer'] });
    const accepting = await timed(caseIds, async (caseId) => {
      await post(`/department/cases/${caseId}/actions`, { type: 'case.accept', data: {} }, reviewer);
    });
    const queue = await timed(Array.from({ length: N }, (_, i) => i), async () => {
      const res = await fetch(`${platform.url}/cases?status=accepted&limit=20`, { headers: { authorization: `Bearer ${reviewer}` } });
      if (!res.ok) throw new Error(`GET /cases: ${res.status}`);
      await res.arrayBuffer();
    });
    return { filing, reading, accepting, queue };
  } finally {
    platform.proc.kill('SIGTERM');
    await platform.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function lambdaFigures() {
  const rows: Array<{ name: LambdaName; kib: number; initMs: number }> = [];
  for (const name of Object.keys(LAMBDAS) as LambdaName[]) {
    const outfile = await bundleLambda(name);
    const probe = `${outfile}.probe.mjs`;
    writeFileSync(probe, `const t0 = performance.now(); await import(${JSON.stringify(outfile)}); console.log(performance.now() - t0);`);
    const runs = Array.from({ length: 5 }, () => Number(execFileSync(process.execPath, [probe], { encoding: 'utf8', env: { ...process.env, AWS_REGION: 'us-east-1' } }).trim())).sort((a, b) => a - b);
    rows.push({ name, kib: statSync(outfile).size / 1024, initMs: runs[2]! });
  }
  return rows;
}

const fmt = (n: number) => n.toFixed(1).padStart(8);
const { filing, reading, accepting, queue } = await httpFigures();
console.log(`\n${N} cases, concurrency ${CONCURRENCY}, local stack (DynamoDB Local, s3rver, aws-local-stepfunctions)\n`);
console.log('route                 req/s    p50 ms    p99 ms');
console.log(`POST /cases        ${fmt(filing.throughput)}  ${fmt(filing.p50)}  ${fmt(filing.p99)}`);
console.log(`GET /cases/{id}    ${fmt(reading.throughput)}  ${fmt(reading.p50)}  ${fmt(reading.p99)}`);
console.log(`accept (staff)     ${fmt(accepting.throughput)}  ${fmt(accepting.p50)}  ${fmt(accepting.p99)}`);
console.log(`GET /cases queue   ${fmt(queue.throughput)}  ${fmt(queue.p50)}  ${fmt(queue.p99)}`);
console.log('\nlambda               bundle KiB   init ms (median of 5, SDK loaded from node_modules)');
for (const row of await lambdaFigures()) console.log(`${row.name.padEnd(20)} ${fmt(row.kib)}    ${fmt(row.initMs)}`);
