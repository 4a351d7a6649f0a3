import type { ArchiveRecord } from '../../domain/archive.ts';
import type { ArchiveRepository } from '../../ports/records.ts';
import { conditionHolds, NOT_EXISTS, type TableClient } from './client.ts';
import { entity } from './table.ts';
import { documentSdk } from '../provided.ts';

const { PutCommand } = documentSdk();

/** CASE#<id> · ARCHIVE: the package archived for a completed case (G6), recorded once. */
export const ArchiveEntity = entity<{ caseId: string }, ArchiveRecord>('archive', {
  key: (a) => ({ pk: `CASE#${a.caseId}`, sk: 'ARCHIVE' }),
});

export class DynamoArchives implements ArchiveRepository {
  constructor(private readonly table: TableClient) {}

  getArchive(caseId: string): Promise<ArchiveRecord | undefined> {
    return this.table.get(ArchiveEntity, { caseId });
  }

  putArchive(record: ArchiveRecord): Promise<boolean> {
    return conditionHolds(this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: ArchiveEntity.item(record), ConditionExpression: NOT_EXISTS })));
  }
}
