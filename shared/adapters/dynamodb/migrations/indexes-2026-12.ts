import { FINAL_STATUSES, type CaseRecord } from '../../../domain/case.ts';
import { isWatched } from '../../../domain/watch.ts';
import { CaseEntity, queueItem } from '../cases.ts';
import { conditionHolds, NOT_EXISTS, type TableClient } from '../client.ts';
import { indexAttributes } from '../table.ts';
import { DynamoWorkflowRuns } from '../workflow-runs.ts';
import { documentSdk } from '../../provided.ts';

const { PutCommand, UpdateCommand } = documentSdk();

const WATCH = indexAttributes('gsi3');

/**
 * December 2026: the watch index (gsi3) gets every case the watch looks after and loses every case
 * it no longer does, every co-department of a joint case gets its work-queue entry, and every case
 * in progress gets its workflow run (attempt 0: the execution named after the case).
 */
export async function mendIndexes(table: TableClient) {
  const cases = await table.scanAll({ expression: 'entity = :case', values: { ':case': CaseEntity.name } });
  const runs = new DynamoWorkflowRuns(table);
  const changed = { indexed: 0, unindexed: 0, queued: 0, runs: 0 };
  for (const item of cases) {
    const c: CaseRecord = CaseEntity.parse(item);
    const watched = isWatched(c);
    if (watched !== (item[WATCH.pk] !== undefined)) {
      const keys = CaseEntity.indexKeys(c);
      // Only the case as scanned: a change meanwhile wrote its own keys.
      const update = new UpdateCommand({
        TableName: table.name,
        Key: CaseEntity.key(c),
        ConditionExpression: 'version = :v',
        ...(watched
          ? { UpdateExpression: `SET ${WATCH.pk} = :pk, ${WATCH.sk} = :sk`, ExpressionAttributeValues: { ':pk': keys[WATCH.pk], ':sk': keys[WATCH.sk], ':v': c.version } }
          : { UpdateExpression: `REMOVE ${WATCH.pk}, ${WATCH.sk}`, ExpressionAttributeValues: { ':v': c.version } }),
      });
      if (await conditionHolds(table.doc.send(update))) changed[watched ? 'indexed' : 'unindexed']++;
    }
    if (!FINAL_STATUSES.has(c.status) && (await runs.adoptRun(c.caseId, new Date().toISOString()))) changed.runs++;
    for (const dept of c.coDepartments ?? []) {
      // Only where the entry is missing: a newer commit's entry is never overwritten with older data.
      const put = new PutCommand({ TableName: table.name, Item: queueItem(c, dept), ConditionExpression: NOT_EXISTS });
      if (await conditionHolds(table.doc.send(put))) changed.queued++;
    }
  }
  return changed;
}
