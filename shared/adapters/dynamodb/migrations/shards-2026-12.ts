import { CaseEntity } from '../cases.ts';
import { conditionHolds, type Item, type TableClient } from '../client.ts';
import { DeliveryEntity } from '../deliveries.ts';
import { indexAttributes, TABLE, type Entity, type IndexName } from '../table.ts';
import { TimerEntity } from '../timers.ts';
import { WorkflowRunEntity } from '../workflow-runs.ts';
import { documentSdk } from '../../provided.ts';

const { UpdateCommand } = documentSdk();

/** The one-constant index partitions older versions wrote, by index. */
const UNSHARDED: Array<{ index: IndexName; partitions: string[] }> = [
  { index: 'gsi3', partitions: ['WATCHED'] },
  { index: 'gsi2', partitions: ['WORKFLOWS', 'OUTBOX', 'DEADLETTER', 'SCHEDULES'] },
];
const ENTITIES: Record<string, Entity<never, never>> = Object.fromEntries(
  [CaseEntity, WorkflowRunEntity, DeliveryEntity, TimerEntity].map((e) => [e.name, e as unknown as Entity<never, never>]),
);

/**
 * December 2026: index keys that were one constant (the watch list, the sweep's list, the outbox,
 * dead letters, the local timers) move to their shards. Only the index keys are rewritten, and only
 * while they still hold the old constant: a newer write has sharded them itself.
 */
export async function reshard(table: TableClient) {
  let resharded = 0;
  for (const { index, partitions } of UNSHARDED) {
    const names = indexAttributes(index);
    const values = Object.fromEntries(partitions.map((p, i) => [`:old${i}`, p]));
    const items = await table.scanAll({ expression: `#pk IN (${Object.keys(values).join(', ')})`, names: { '#pk': names.pk }, values });
    for (const item of items) {
      const e = ENTITIES[String(item.entity)];
      if (!e) continue;
      const keys = e.indexKeys(e.parse(item as Item) as never);
      const update = new UpdateCommand({
        TableName: table.name,
        Key: { [TABLE.partitionKey]: item[TABLE.partitionKey], [TABLE.sortKey]: item[TABLE.sortKey] },
        // Only while the item is as scanned: an older version's write meanwhile moved its sort key.
        ConditionExpression: '#pk = :old AND #sk = :oldsk',
        ExpressionAttributeNames: { '#pk': names.pk, '#sk': names.sk },
        ...(keys[names.pk] === undefined
          ? { UpdateExpression: 'REMOVE #pk, #sk', ExpressionAttributeValues: { ':old': item[names.pk], ':oldsk': item[names.sk] } }
          : { UpdateExpression: 'SET #pk = :pk, #sk = :sk', ExpressionAttributeValues: { ':old': item[names.pk], ':oldsk': item[names.sk], ':pk': keys[names.pk], ':sk': keys[names.sk] } }),
      });
      if (await conditionHolds(table.doc.send(update))) resharded++;
    }
  }
  return { resharded };
}
