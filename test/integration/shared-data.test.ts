import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSharedData } from '#shared/adapters/http/shared-data.ts';
import { SharedDataUnavailable } from '#shared/errors.ts';
import { seedEntries, SharedDataStore, startSharedDataStandIn } from '../../infra/local/shared-data.ts';
import { fileCase } from '#shared/usecases/cases.ts';
import { supervisionOverview } from '#shared/usecases/supervision.ts';
import { integrationDeps } from '../support/deps.ts';
import { admin, citizen, individualBusinessApplication } from '../support/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'ywtb-shared-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A server on 127.0.0.1 that answers every request as `answer` does. */
async function serving(answer: (res: import('node:http').ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => answer(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

describe('C2 the shared-data platform over HTTP (the adapter against the local stand-in)', () => {
  const store = new SharedDataStore(join(dir, 'records.json'));
  let standIn: Awaited<ReturnType<typeof startSharedDataStandIn>>;
  beforeAll(async () => {
    standIn = await startSharedDataStandIn(store);
  });
  afterAll(() => standIn.stop());

  it('finds what the documented seed has on file, and nothing for anyone else', async () => {
    const platform = new HttpSharedData(standIn.endpoint);
    const seeded = seedEntries().find((e) => e.subject === 'u-chen' && e.materialId === 'id-card')!;
    expect(await platform.lookup('u-chen', 'id-card')).toEqual({ record: seeded.record, updatedAt: seeded.updatedAt });
    expect(await platform.lookup('u-nobody', 'id-card')).toBeUndefined();
    expect(await platform.lookup('u-chen', '../../etc/passwd')).toBeUndefined();
    // `..` would be collapsed by the URL parser into another path: it is never sent.
    expect(await platform.lookup('..', 'id-card')).toBeUndefined();
  });

  it('finds a record put since (POST /dev/shared-data), kept on disk for the next start', async () => {
    store.put({ subject: 'u-lin', materialId: 'id-card', record: { name: '林晓东', idNumber: '350102198806123013' } });
    expect(await new HttpSharedData(`${standIn.endpoint}/`).lookup('u-lin', 'id-card')).toEqual({ record: { name: '林晓东', idNumber: '350102198806123013' } });
    expect(await new SharedDataStore(join(dir, 'records.json')).lookup('u-lin', 'id-card')).toBeDefined();
  });

  it('is unavailable — not "nothing on file" — when the platform is down, errs, answers nonsense or is too slow', async () => {
    const down = await serving(() => {});
    await new Promise<void>((resolve) => down.server.close(() => resolve()));
    const failing = await serving((res) => res.writeHead(500).end('{}'));
    const nonsense = await serving((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"record": "not an object"}'));
    const slow = await serving(() => {}); // never answers
    // A 404 that is not the platform's "nothing on file" (a wrong base path, a proxy's page).
    const wrongPath = await serving((res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'));
    const huge = await serving((res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ record: { blob: 'x'.repeat(70 * 1024) } })));
    try {
      for (const url of [down.url, failing.url, nonsense.url, slow.url, wrongPath.url, huge.url]) {
        await expect(new HttpSharedData(url).lookup('u-chen', 'id-card'), url).rejects.toBeInstanceOf(SharedDataUnavailable);
      }
    } finally {
      for (const s of [failing, nonsense, slow, wrongPath, huge]) {
        s.server.closeAllConnections();
        s.server.close();
      }
    }
  }, 15_000);
});

describe('C2 the fetched-material counters in DynamoDB Local', () => {
  it('add up in the filings’ transactions, per item and month', async () => {
    const deps = await integrationDeps();
    const before = (await supervisionOverview(deps, admin)).materials.find((x) => x.serviceItemCode === 'individual-business-registration') ?? { fetched: 0, given: 0 };
    await Promise.all([0, 1, 2].map(async () => fileCase(deps, citizen(), await individualBusinessApplication(deps))));
    const after = (await supervisionOverview(deps, admin)).materials.find((x) => x.serviceItemCode === 'individual-business-registration')!;
    expect({ fetched: after.fetched - before.fetched, given: after.given - before.given }).toEqual({ fetched: 3, given: 3 });
  });
});
