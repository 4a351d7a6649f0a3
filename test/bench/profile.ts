/**
 * `node --import tsx test/bench/profile.ts`: where the time of each route goes. Runs the platform
 * in this process (startLocalStack, exactly what `npm start` runs) and the bench's workload
 * against it, and
 *
 * - CPU-profiles each timed phase with node:inspector (one .cpuprofile per phase in
 *   BENCH_PROFILE_DIR, default a temporary folder; open them in Chrome DevTools), then sums each
 *   profile by who burns the CPU (project files, each package, the runtime) and by function;
 * - times every awaited adapter call of every gateway request (the table's repositories, S3BlobStore,
 *   StepFunctionsWorkflow, TableScheduler, the notice renderer, and under them each AWS SDK
 *   command) by wrapping the adapters' prototypes from here — no platform file is changed — and
 *   prints per route what a request spends in each, plus one median request's timeline.
 *
 * The load generator shares the event loop with the platform, so latencies here run higher than
 * bench.ts's: read them as shares. BENCH_CASES (default 100), BENCH_CONCURRENCY (default 8).
 * Figures, not assertions.
 */
import '../../infra/local/invocations.ts';
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoCases } from '#shared/adapters/dynamodb/cases.ts';
import { TableClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoDeliveries } from '#shared/adapters/dynamodb/deliveries.ts';
import { DynamoReplies, DynamoDepartments, DynamoUploads } from '#shared/adapters/dynamodb/records.ts';
import { DynamoTimers } from '#shared/adapters/dynamodb/timers.ts';
import { DynamoWorkflowRuns } from '#shared/adapters/dynamodb/workflow-runs.ts';
import { S3BlobStore } from '#shared/adapters/s3/blob-store.ts';
import { StepFunctionsWorkflow } from '#shared/adapters/sfn/workflow.ts';
import { TableScheduler } from '#shared/adapters/scheduler/table.ts';
import { PdfNoticeRenderer } from '#shared/adapters/pdf/notices.ts';
import { LOCAL_NAMES, ROOT } from '../../infra/lambdas.ts';
import { freePort } from '../../infra/local/ports.ts';
import { startLocalStack } from '../../infra/local/stack.ts';
import { runWorkload, type PhaseName } from './workload.ts';

const N = Number(process.env.BENCH_CASES ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR ?? mkdtempSync(join(tmpdir(), 'ywtb-profile-'));

// ---- spans: every awaited adapter call, attributed to the gateway request it was made for -------

type Ctx = { request?: Req; depth: number };
type Req = { route: string; start: number; end?: number; spans: Span[] };
type Span = { name: string; depth: number; start: number; end: number };
const als = new AsyncLocalStorage<Ctx>();
const requests: Req[] = [];
/** Calls made outside any gateway request: the workflow's tasks, timers, the sweep. */
const background = new Map<string, { calls: number; ms: number }>();
let gatewayPort = 0;
const open = new WeakMap<IncomingMessage, Req>();
subscribe('http.server.response.finish', (message) => {
  const req = open.get((message as { request: IncomingMessage }).request);
  if (req) req.end = performance.now();
});

subscribe('http.server.request.start', (message) => {
  const { request, server } = message as { request: IncomingMessage; server: Server };
  const address = server.address();
  if (typeof address !== 'object' || address?.port !== gatewayPort) return;
  const path = (request.url ?? '').split('?')[0]!.replace(/\/cases\/[^/]+/, '/cases/{id}');
  const req: Req = { route: `${request.method} ${path}`, start: performance.now(), spans: [] };
  open.set(request, req);
  // The rest of this request's handling, and everything it awaits, carries the request.
  als.enterWith({ request: req, depth: 0 });
  requests.push(req);
});

function record(ctx: Ctx | undefined, name: string, start: number) {
  const end = performance.now();
  if (ctx?.request) ctx.request.spans.push({ name, depth: ctx.depth, start, end });
  else if (!ctx || ctx.depth === 0) {
    const b = background.get(name) ?? { calls: 0, ms: 0 };
    b.calls++;
    b.ms += end - start;
    background.set(name, b);
  }
}

function wrap(proto: object, label: string, nameOf: (method: string, args: unknown[]) => string = (m) => `${label}.${m}`, only?: string[]) {
  const p = proto as Record<string, unknown>;
  for (const method of only ?? Object.getOwnPropertyNames(proto)) {
    const original = p[method];
    if (method === 'constructor' || typeof original !== 'function') continue;
    p[method] = function (this: unknown, ...args: unknown[]) {
      const ctx = als.getStore();
      const start = performance.now();
      const result = als.run({ request: ctx?.request, depth: (ctx?.depth ?? 0) + 1 }, () => (original as (...a: unknown[]) => unknown).apply(this, args));
      if (result instanceof Promise) return result.finally(() => record(ctx, nameOf(method, args), start));
      return result;
    };
  }
}

for (const [proto, name] of [[DynamoCases.prototype, 'DynamoCases'], [DynamoWorkflowRuns.prototype, 'DynamoWorkflowRuns'], [DynamoDeliveries.prototype, 'DynamoDeliveries'], [DynamoReplies.prototype, 'DynamoReplies'], [DynamoDepartments.prototype, 'DynamoDepartments'], [DynamoUploads.prototype, 'DynamoUploads'], [DynamoTimers.prototype, 'DynamoTimers']] as const) wrap(proto, name);
wrap(S3BlobStore.prototype, 'S3');
wrap(StepFunctionsWorkflow.prototype, 'SFN');
wrap(TableScheduler.prototype, 'TableScheduler');
wrap(PdfNoticeRenderer.prototype, 'PDF');
const command = (label: string) => (_m: string, args: unknown[]) => `  ${label} ${(args[0] as object).constructor.name.replace(/Command$/, '')}`;
wrap(DynamoDBDocumentClient.prototype, 'ddb', command('ddb'), ['send']);
wrap(DynamoDBClient.prototype, 'ddb', command('ddb'), ['send']);
wrap(S3Client.prototype, 's3', command('s3'), ['send']);
wrap(SFNClient.prototype, 'sfn', command('sfn'), ['send']);

// ---- CPU profiles --------------------------------------------------------------------------

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

/** Who a frame belongs to: a package, a project folder, the runtime. */
function ownerOf(url: string): string | undefined {
  if (!url) return undefined;
  if (url.startsWith('node:')) return undefined;
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const rel = relative(ROOT, path);
  if (rel.startsWith('..')) return rel;
  const parts = rel.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}/${parts.length > 3 ? `${parts[2]}/` : ''}${parts.at(-1)}` : rel;
}

/** Subsystems, by the packages and files their frames come from. */
const SUBSYSTEMS: Array<[string, RegExp]> = [
  ['PDF rendering (pdfkit, fontkit…)', /^(pdfkit|fontkit|restructure|unicode-trie|linebreak|brotli|dfa|png-js|tiny-inflate|unicode-properties|clone|fast-deep-equal|fflate|@noble\/.*|@swc\/helpers)$/],
  ['S3 stand-in (s3rver and its fs-extra, koa…)', /^(s3rver|koa.*|@koa\/.*|busboy|statuses|he|lodash|winston|logform|fs-extra|graceful-fs|universalify|jsonfile|.*mime.*)$/],
  ['S3 verifying front (infra/local/s3-*)', /^infra\/local\/s3-/],
  ['Step Functions runner (aws-local-stepfunctions)', /^(aws-local-stepfunctions|jsonpath.*|asl-validator|ajv.*|p-limit|wildcard-match)$/],
  ['AWS SDK (marshalling, signing, HTTP)', /^(@aws-sdk\/.*|@smithy\/.*|@aws-crypto\/.*|@aws\/.*|fast-xml-parser|bowser|tslib|uuid|strnum|mnemonist)$/],
  ['zod (schema validation)', /^zod$/],
  ['Powertools (logger, metrics)', /^@aws-lambda-powertools\/.*/],
  ['middy', /^@middy\/.*/],
  ['jose (JWT in the gateway)', /^jose$/],
  ['tsx (TypeScript loader)', /^(tsx|esbuild|get-tsconfig)$/],
  ['project: use cases', /^shared\/usecases/],
  ['project: domain', /^shared\/domain/],
  ['project: adapters', /^shared\/adapters/],
  ['project: http, schemas, wiring', /^shared\//],
  ['project: local gateway, timers, stack', /^infra\/local\//],
  ['calendar (chinese-days)', /^chinese-days$/],
  ['ids (ulid)', /^ulid$/],
  ['bench load generator (fetch) and this profiler', /^(test\/bench|undici|wasm:)/],
];
const subsystemOf = (owner: string) => SUBSYSTEMS.find(([, re]) => re.test(owner))?.[0] ?? owner;

function summarize(profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // The first frame from the leaf up that belongs to something (node's own frames are charged to their caller).
  const chargedTo = new Map<number, string>();
  const charge = (id: number): string => {
    const hit = chargedTo.get(id);
    if (hit) return hit;
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    let owner: string;
    if (!node.callFrame.url && ['(garbage collector)', '(idle)', '(program)'].includes(name)) owner = name;
    else if (!node.callFrame.url && name === '(root)') owner = '(Node.js with no JS caller: socket writes, microtask runs)';
    else if (node.callFrame.url === 'node:inspector') owner = 'bench load generator (fetch) and this profiler';
    else owner = ownerOf(node.callFrame.url) ?? (parent.has(id) ? charge(parent.get(id)!) : `node: ${name}`);
    chargedTo.set(id, owner);
    return owner;
  };
  const ms = new Map<string, number>();
  const fnSelf = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    // A sample lasts until the next one.
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    total += dt;
    const owner = charge(id);
    const sub = owner.startsWith('(') ? owner : subsystemOf(owner);
    ms.set(sub, (ms.get(sub) ?? 0) + dt);
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'}  ${ownerOf(f.url) ?? f.url}:${f.lineNumber + 1}`;
    fnSelf.set(key, (fnSelf.get(key) ?? 0) + dt);
  });
  const idle = ms.get('(idle)') ?? 0;
  ms.delete('(idle)');
  fnSelf.delete('(idle)  :0');
  return { total, busy: total - idle, bySubsystem: [...ms].sort((a, b) => b[1] - a[1]), topFunctions: [...fnSelf].sort((a, b) => b[1] - a[1]).slice(0, 25) };
}

// ---- run -----------------------------------------------------------------------------------

const dataDir = mkdtempSync(join(tmpdir(), 'ywtb-profile-data-'));
mkdirSync(PROFILE_DIR, { recursive: true });
const port = await freePort();
gatewayPort = port;
const quiet = process.env.BENCH_QUIET_LOG === '0' ? undefined : () => {};
const stack = await startLocalStack({ port, dataDir, ...(quiet ? { log: quiet } : {}) });
/** DynamoDB Local's CPU (the JVM: user + system), from /proc: its pid is kept beside its data. */
const javaPid = readFileSync(join(dataDir, 'dynamodb', 'dynamodb-local.pid'), 'utf8').trim();
const javaCpuMs = () => {
  const fields = readFileSync(`/proc/${javaPid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
};
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 500 });
const phases: Array<{ phase: PhaseName; from: number; to: number; cpu: ReturnType<typeof summarize>; wallMs: number; javaMs: number; nodeMs: number }> = [];
try {
  const work = await runWorkload(stack.url, {
    n: N,
    concurrency: CONCURRENCY,
    around: async (phase, run) => {
      const from = requests.length;
      background.clear();
      await session.post('Profiler.start');
      const t0 = performance.now();
      const java0 = javaCpuMs();
      const node0 = process.cpuUsage();
      const figures = await run();
      const wallMs = performance.now() - t0;
      const javaMs = javaCpuMs() - java0;
      const nodeUsage = process.cpuUsage(node0);
      const nodeMs = (nodeUsage.user + nodeUsage.system) / 1000;
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
      writeFileSync(join(PROFILE_DIR, `${phase}.cpuprofile`), JSON.stringify(profile));
      phases.push({ phase, from, to: requests.length, cpu: summarize(profile), wallMs, javaMs, nodeMs });
      console.log(`\n=== ${phase}: ${figures.n} requests, p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms, ${figures.throughput.toFixed(1)} req/s (in-process)`);
      const bg = [...background].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
      if (bg.length) console.log(`  outside any request meanwhile (workflow tasks, timers): ${bg.map(([k, v]) => `${k.trim()} ×${v.calls} ${v.ms.toFixed(0)} ms`).join('; ')}`);
      return figures;
    },
  });
  // What the trail of one case holds by now (which commits the routes made).
  const trail = await new DynamoCases(new TableClient(new DynamoDBClient({}), LOCAL_NAMES.table)).getWithEvents(work.caseIds[0]!);
  console.log(`\none case's trail: ${trail?.events.map((e) => `${e.type}${e.type === 'case.light_changed' ? ` ${JSON.stringify(e.data)}` : ''}`).join(', ')}`);
} finally {
  session.disconnect();
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1).padStart(5)}%`;
const f1 = (n: number) => n.toFixed(1).padStart(8);
for (const { phase, from, to, cpu, wallMs, javaMs, nodeMs } of phases) {
  const reqs = requests.slice(from, to).filter((r) => r.end !== undefined);
  const mainRoute = [...new Set(reqs.map((r) => r.route))].sort((a, b) => reqs.filter((r) => r.route === b).length - reqs.filter((r) => r.route === a).length)[0];
  const mine = reqs.filter((r) => r.route === mainRoute);
  console.log(`\n##### ${phase} — ${mainRoute}, ${mine.length} requests, ${wallMs.toFixed(0)} ms wall`);
  console.log(`CPU: this process ${nodeMs.toFixed(0)} ms (${pct(nodeMs, wallMs)} of a core; its main thread sampled busy ${cpu.busy.toFixed(0)} ms), DynamoDB Local's JVM ${javaMs.toFixed(0)} ms (${pct(javaMs, wallMs)}); per request ${(nodeMs / mine.length).toFixed(1)} + ${(javaMs / mine.length).toFixed(1)} ms`);
  console.log('\nmain-thread CPU by subsystem, share of the sampled busy time (a sample is charged to the innermost frame that is not Node.js itself)');
  for (const [k, v] of cpu.bySubsystem.slice(0, 18)) console.log(`  ${f1(v)} ms ${pct(v, cpu.busy)}  ${k}`);
  console.log('\nhottest functions (self time)');
  for (const [k, v] of cpu.topFunctions.slice(0, 15)) console.log(`  ${f1(v)} ms  ${k}`);
  // Per request: the time in each adapter call (depth 0: the use case's own awaits; deeper: what they send).
  const totals = new Map<string, { calls: number; ms: number; depth: number }>();
  let wall = 0;
  let covered = 0;
  for (const r of mine) {
    wall += r.end! - r.start;
    const top = r.spans.filter((s) => s.depth === 0).sort((a, b) => a.start - b.start);
    // The union of the top-level calls: time some adapter call was outstanding.
    let until = r.start;
    for (const s of top) {
      const a = Math.max(s.start, until);
      if (s.end > a) covered += s.end - a;
      until = Math.max(until, s.end);
    }
    for (const s of r.spans) {
      const t = totals.get(s.name) ?? { calls: 0, ms: 0, depth: s.depth };
      t.calls++;
      t.ms += s.end - s.start;
      totals.set(s.name, t);
    }
  }
  const n = mine.length || 1;
  console.log(`\nper request (mean of ${mine.length}): wall ${(wall / n).toFixed(1)} ms, of which some adapter call outstanding ${(covered / n).toFixed(1)} ms, none ${((wall - covered) / n).toFixed(1)} ms (own code, middy, validation, JWT, waiting for the event loop)`);
  console.log('   calls/req   ms/req   ms/call   call');
  for (const [k, v] of [...totals].sort((a, b) => a[1].depth - b[1].depth || b[1].ms - a[1].ms)) {
    console.log(`  ${(v.calls / n).toFixed(2).padStart(9)} ${f1(v.ms / n)}  ${f1(v.ms / v.calls)}   ${'  '.repeat(Math.min(v.depth, 2))}${k}`);
  }
  const sorted = [...mine].sort((a, b) => a.end! - a.start - (b.end! - b.start));
  const median = sorted[Math.floor(sorted.length / 2)];
  if (median) {
    console.log(`\none median request's awaits (${(median.end! - median.start).toFixed(1)} ms), start offset → end offset:`);
    for (const s of median.spans.filter((x) => x.depth <= 1).sort((a, b) => a.start - b.start)) {
      console.log(`  ${f1(s.start - median.start)} → ${f1(s.end - median.start)}  ${'  '.repeat(s.depth)}${s.name}`);
    }
  }
}
console.log(`\nprofiles: ${PROFILE_DIR}`);
// The SDK clients' keep-alive sockets would hold the process open.
process.exit(0);
