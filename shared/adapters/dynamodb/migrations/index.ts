import type { Migrations, MendReport } from '../../../ports/records.ts';
import type { TableClient } from '../client.ts';
import { entity } from '../table.ts';
import { mendIndexes } from './indexes-2026-12.ts';
import { reshard } from './shards-2026-12.ts';
import { documentSdk } from '../../provided.ts';

const { PutCommand } = documentSdk();

/** MIGRATION · <name>: a one-off mending of older data has run (with what it changed). */
const MigrationEntity = entity<{ name: string }, { name: string; at: string; changed: Record<string, number> }>('migration', {
  key: (m) => ({ pk: 'MIGRATION', sk: m.name }),
});

/** Each mending, in the order they were written; each runs once per table. */
const MENDINGS: Array<{ name: string; run: (table: TableClient) => Promise<Partial<MendReport>> }> = [
  { name: 'indexes-2026-12', run: mendIndexes },
  { name: 'shards-2026-12', run: reshard },
];

export class DynamoMigrations implements Migrations {
  constructor(private readonly table: TableClient) {}

  async mend(): Promise<MendReport> {
    const report: MendReport = { indexed: 0, unindexed: 0, queued: 0, runs: 0, resharded: 0 };
    let ran = 0;
    for (const m of MENDINGS) {
      if (await this.table.get(MigrationEntity, m)) continue;
      const changed = await m.run(this.table);
      for (const [k, v] of Object.entries(changed) as Array<[keyof MendReport, number]>) (report[k] as number) += v;
      await this.table.doc.send(
        new PutCommand({ TableName: this.table.name, Item: MigrationEntity.item({ name: m.name, at: new Date().toISOString(), changed: changed as Record<string, number> }) }),
      );
      ran++;
    }
    return ran ? report : { ...report, alreadyMended: true };
  }
}
