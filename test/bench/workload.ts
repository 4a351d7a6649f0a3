/**
 * The benchmark's workload against a running platform (its URL): N uploads (not timed), then N
 * filings, N case views, N reviewer acceptances and N work-queue pages, each at the given
 * concurrency. Shared by bench.ts (the platform in its own process) and profile.ts (in-process,
 * under the profiler); `around` lets the caller wrap each timed phase (start/stop a profile).
 */
import { createHash } from 'node:crypto';
import { findItem } from '#shared/catalog/index.ts';

export type Figures = { throughput: number; p50: number; p99: number; n: number };
export type PhaseName = 'filing' | 'reading' | 'accepting' | 'queue';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/**
 * Runs fn over items with `concurrency` workers; latencies of every call but the first `warmup`
 * (which still run, at the same concurrency) are counted.
 */
export async function timed<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>, warmup = 0): Promise<Figures> {
  const latencies: number[] = [];
  let next = 0;
  let started = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        if (i === warmup) started = performance.now();
        const t0 = performance.now();
        await fn(items[i]!);
        if (i >= warmup) latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { throughput: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), n: latencies.length };
}

export type Workload = Record<PhaseName, Figures> & { caseIds: string[] };

export async function runWorkload(
  url: string,
  opts: {
    n: number;
    concurrency: number;
    /** Wraps each timed phase; `caseIds` are the cases filed so far. */
    around?: (phase: PhaseName, run: () => Promise<Figures>, caseIds: string[]) => Promise<Figures>;
  },
): Promise<Workload> {
  const { n, concurrency } = opts;
  const caseIds: string[] = [];
  const around = async (phase: PhaseName, run: () => Promise<Figures>) => (opts.around ? opts.around(phase, run, caseIds) : run());
  const post = async <T = Record<string, string>>(path: string, body: unknown, token?: string, headers: Record<string, string> = {}): Promise<T> => {
    const res = await fetch(`${url}${path}`, {
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
  for (let i = 0; i < n; i++) {
    const content = Buffer.from(`%PDF-1.4\nbench ${i}\n`);
    const slot = await post<{ uploadId: string; url: string; headers: Record<string, string> }>('/uploads', { fileName: `p${i}.pdf`, contentType: 'application/pdf', size: content.length, sha256: createHash('sha256').update(content).digest('hex') }, token);
    await fetch(slot.url, { method: 'PUT', headers: slot.headers, body: content });
    uploads.push(slot.uploadId);
  }

  const filing = await around('filing', () =>
    timed(uploads, concurrency, async (uploadId) => {
      const res = await post<{ caseId: string }>('/cases', { serviceItemCode: 'individual-business-registration', form, materials: [{ materialId: 'premises-proof', uploadId }] }, token);
      caseIds.push(res.caseId);
    }),
  );
  const reading = await around('reading', () =>
    timed(caseIds, concurrency, async (caseId) => {
      const res = await fetch(`${url}/cases/${caseId}`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`GET /cases: ${res.status}`);
      await res.arrayBuffer();
    }),
  );
  const { token: reviewer } = await post('/dev/token', { sub: 'bench-reviewer', name: '压测审查员', dept: 'fz-scjg', roles: ['reviewer'] });
  const accepting = await around('accepting', () =>
    timed(caseIds, concurrency, async (caseId) => {
      await post(`/department/cases/${caseId}/actions`, { type: 'case.accept', data: {} }, reviewer);
    }),
  );
  const queue = await around('queue', () =>
    timed(
      Array.from({ length: n }, (_, i) => i),
      concurrency,
      async () => {
        const res = await fetch(`${url}/cases?status=accepted&limit=20`, { headers: { authorization: `Bearer ${reviewer}` } });
        if (!res.ok) throw new Error(`GET /cases: ${res.status}`);
        await res.arrayBuffer();
      },
    ),
  );
  return { filing, reading, accepting, queue, caseIds };
}
