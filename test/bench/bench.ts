/**
 * `npm run bench`: files N cases through the local HTTP API and prints throughput and p50/p99
 * latency of POST /cases, GET /cases/{id}, a reviewer's acceptance (notice PDF, the watch and its
 * timers included) and a page of the department's work queue; then, for every Lambda, its bundle size (built with
 * the CDK construct's settings) and module initialisation time in a fresh Node process.
 * Figures, not assertions: CI does not run this.
 *
 * Then each route's floor: the bare DynamoDB operations it needs, timed the same way (floors.ts).
 *
 * BENCH_CASES (default 200) and BENCH_CONCURRENCY (default 8) tune the run; BENCH_BUNDLE_REPORT=1
 * adds what each bundle is made of (bundles.ts). Where the time goes: profile.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleLambda } from '../../infra/bundle.ts';
import { LAMBDAS, LOCAL_NAMES, type LambdaName } from '../../infra/lambdas.ts';
import { freePort } from '../../infra/local/ports.ts';
import { lambdaLayout } from '../support/lambda-layout.ts';
import { startPlatform } from '../support/platform.ts';
import { bundleReport } from './bundles.ts';
import { dynamoEndpointOf, Floors } from './floors.ts';
import { runWorkload, type Figures, type PhaseName } from './workload.ts';

const N = Number(process.env.BENCH_CASES ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

async function httpFigures() {
  const dataDir = mkdtempSync(join(tmpdir(), 'ywtb-bench-'));
  const platform = await startPlatform({ PORT: String(await freePort()), DATA_DIR: dataDir });
  try {
    // Each floor right after its route: the same table, the same background work of the platform.
    const bare = new Floors({ endpoint: dynamoEndpointOf(dataDir), table: LOCAL_NAMES.table, concurrency: CONCURRENCY, dept: 'fz-scjg' });
    const floors: Partial<Record<PhaseName, Figures>> & { readingWithGet?: Figures } = {};
    try {
      const work = await runWorkload(platform.url, {
        n: N,
        concurrency: CONCURRENCY,
        around: async (phase, run, caseIds) => {
          const route = await run();
          if (phase === 'filing') floors.filing = await bare.filing(caseIds);
          if (phase === 'reading') ({ query: floors.reading, getAndQuery: floors.readingWithGet } = await bare.reading(caseIds));
          if (phase === 'accepting') floors.accepting = await bare.accepting(caseIds);
          if (phase === 'queue') floors.queue = await bare.queue(N);
          return route;
        },
      });
      return { ...work, floors: { ...(floors as Required<typeof floors>), items: bare.items } };
    } finally {
      bare.close();
    }
  } finally {
    platform.proc.kill('SIGTERM');
    await platform.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Each function's bundle size, and its init: a fresh Node process importing the bundle in Lambda's
 * layout (test/support/lambda-layout.ts: the layer as staged for `cdk synth`, the SDK and the
 * layer found through NODE_PATH): median of 11, and the range.
 */
async function lambdaFigures() {
  const scratch = mkdtempSync(join(tmpdir(), 'ywtb-bench-lambda-'));
  try {
    const layout = lambdaLayout(scratch);
    const rows: Array<{ name: LambdaName; kib: number; initMs: number; range: string }> = [];
    for (const name of Object.keys(LAMBDAS) as LambdaName[]) {
      const outfile = await bundleLambda(name, layout.task);
      const probe = `${outfile}.probe.mjs`;
      writeFileSync(probe, `const t0 = performance.now(); await import(${JSON.stringify(outfile)}); console.log(performance.now() - t0);`);
      const runs = Array.from({ length: 11 }, () => Number(execFileSync(process.execPath, [probe], { cwd: scratch, encoding: 'utf8', env: layout.env() }).trim())).sort((a, b) => a - b);
      rows.push({ name, kib: statSync(outfile).size / 1024, initMs: runs[5]!, range: `${runs[0]!.toFixed(0)}–${runs[10]!.toFixed(0)}` });
    }
    return rows;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const fmt = (n: number) => n.toFixed(1).padStart(8);
const { filing, reading, accepting, queue, floors } = await httpFigures();
console.log(`\n${N} cases, concurrency ${CONCURRENCY}, local stack (DynamoDB Local, s3rver, aws-local-stepfunctions)\n`);
console.log('route                 req/s    p50 ms    p99 ms');
console.log(`POST /cases        ${fmt(filing.throughput)}  ${fmt(filing.p50)}  ${fmt(filing.p99)}`);
console.log(`GET /cases/{id}    ${fmt(reading.throughput)}  ${fmt(reading.p50)}  ${fmt(reading.p99)}`);
console.log(`accept (staff)     ${fmt(accepting.throughput)}  ${fmt(accepting.p50)}  ${fmt(accepting.p99)}`);
console.log(`GET /cases queue   ${fmt(queue.throughput)}  ${fmt(queue.p50)}  ${fmt(queue.p99)}`);
const ratio = (route: Figures, floor: Figures) => `${(route.p50 / floor.p50).toFixed(1).padStart(6)}×`;
console.log(`\nfloors: the bare DynamoDB operations each route needs, plain client, same DynamoDB Local, concurrency ${CONCURRENCY} (test/bench/floors.ts)\n`);
console.log('route               p50 ms   floor p50   ratio   floor');
console.log(`POST /cases       ${fmt(filing.p50)}    ${fmt(floors.filing.p50)}  ${ratio(filing, floors.filing)}   TransactWriteItems of ${floors.items.filing}`);
console.log(`GET /cases/{id}   ${fmt(reading.p50)}    ${fmt(floors.reading.p50)}  ${ratio(reading, floors.reading)}   partition Query`);
console.log(`  (issue's floor) ${fmt(reading.p50)}    ${fmt(floors.readingWithGet.p50)}  ${ratio(reading, floors.readingWithGet)}   GetItem + partition Query`);
console.log(`accept (staff)    ${fmt(accepting.p50)}    ${fmt(floors.accepting.p50)}  ${ratio(accepting, floors.accepting)}   partition Query + TransactWriteItems of ${floors.items.accepting}`);
console.log(`GET /cases queue  ${fmt(queue.p50)}    ${fmt(floors.queue.p50)}  ${ratio(queue, floors.queue)}   gsi2 Query, Limit 20`);
console.log('\nlambda               bundle KiB   init ms (median of 11, range; in Lambda’s layout: the layer and the SDK through NODE_PATH)');
for (const row of await lambdaFigures()) console.log(`${row.name.padEnd(20)} ${fmt(row.kib)}    ${fmt(row.initMs)}   ${row.range}`);
if (process.env.BENCH_BUNDLE_REPORT === '1') console.log(`\nwhat each bundle is made of (test/bench/bundles.ts)\n${await bundleReport()}`);
