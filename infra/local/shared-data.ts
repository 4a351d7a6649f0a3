import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as z from 'zod';
import type { SharedData, SharedRecord } from '#shared/ports/outside.ts';
import { DevSharedDataRequest } from '#shared/schemas/api.ts';

export type SharedDataEntry = z.output<typeof DevSharedDataRequest>;

/** The documented seed (infra/local/shared-data.seed.json): what a fresh DATA_DIR has on file. */
export const SHARED_DATA_SEED = fileURLToPath(new URL('./shared-data.seed.json', import.meta.url));

export function seedEntries(file = SHARED_DATA_SEED): SharedDataEntry[] {
  const { records } = JSON.parse(readFileSync(file, 'utf8')) as { records: unknown[] };
  return records.map((r) => DevSharedDataRequest.parse(r));
}

/**
 * The records of the shared-data platform's local stand-in: one JSON file under DATA_DIR, made
 * from the seed the first time and kept across restarts; POST /dev/shared-data adds or replaces
 * a record (one per applicant and material).
 */
export class SharedDataStore implements SharedData {
  constructor(private readonly file: string) {}

  private read(): SharedDataEntry[] {
    if (!existsSync(this.file)) this.write(seedEntries());
    return (JSON.parse(readFileSync(this.file, 'utf8')) as { records: SharedDataEntry[] }).records;
  }

  private write(records: SharedDataEntry[]): void {
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(`${this.file}.tmp`, `${JSON.stringify({ records }, null, 2)}\n`, { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
  }

  put(entry: SharedDataEntry): SharedDataEntry {
    const others = this.read().filter((r) => !(r.subject === entry.subject && r.materialId === entry.materialId));
    this.write([...others, entry]);
    return entry;
  }

  async lookup(subject: string, materialId: string): Promise<SharedRecord | undefined> {
    const found = this.read().find((r) => r.subject === subject && r.materialId === materialId);
    return found && { record: found.record, ...(found.updatedAt ? { updatedAt: found.updatedAt } : {}) };
  }
}

/**
 * The stand-in itself, on 127.0.0.1: the HTTP interface the platform's adapter speaks
 * (shared/adapters/http/shared-data.ts) — `GET /subjects/{sub}/materials/{materialId}` → 200
 * `{record, updatedAt?}` or 404 `{found: false}`.
 */
export async function startSharedDataStandIn(store: SharedDataStore): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const m = /^\/subjects\/([^/]+)\/materials\/([^/]+)$/.exec(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' || !m) return answer(404, { detail: 'no such resource' });
    void Promise.resolve()
      .then(() => store.lookup(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)))
      .then(
        (found) => (found ? answer(200, found) : answer(404, { found: false, detail: 'nothing on file' })),
        (err: Error) => answer(500, { detail: err.message }),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
