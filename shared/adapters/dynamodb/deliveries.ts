import type { Delivery } from '../../domain/delivery.ts';
import type { DeliveryRepository } from '../../ports/records.ts';
import type { Page } from '../../ports/cases.ts';
import { conditionHolds, type TableClient } from './client.ts';
import { allShards, entity, shardKey } from './table.ts';
import { documentSdk } from '../provided.ts';

const { PutCommand } = documentSdk();

/**
 * DELIVERY#<id> · DELIVERY; gsi2 while pending: OUTBOX#<shard> · <nextAttemptAt>#<id> (the sweep's
 * list), once dead: DEADLETTER#<shard> · <deadAt>#<id> (the administrators').
 */
const OUTBOX = 'OUTBOX';
const DEAD_LETTERS = 'DEADLETTER';
export const DeliveryEntity = entity<{ deliveryId: string }, Delivery>('delivery', {
  key: (d) => ({ pk: `DELIVERY#${d.deliveryId}`, sk: 'DELIVERY' }),
  indexes: {
    gsi2: (d) =>
      d.status === 'pending' && d.nextAttemptAt
        ? { pk: shardKey(OUTBOX, d.deliveryId), sk: `${new Date(d.nextAttemptAt).toISOString()}#${d.deliveryId}` }
        : d.status === 'dead' && d.deadAt
          ? { pk: shardKey(DEAD_LETTERS, d.deliveryId), sk: `${d.deadAt}#${d.deliveryId}` }
          : undefined,
  },
});

export class DynamoDeliveries implements DeliveryRepository {
  constructor(private readonly table: TableClient) {}

  getDelivery(deliveryId: string): Promise<Delivery | undefined> {
    return this.table.get(DeliveryEntity, { deliveryId });
  }

  recordAttempt(next: Delivery, attemptsBefore: number): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: DeliveryEntity.item(next),
          ConditionExpression: 'attempts = :before',
          ExpressionAttributeValues: { ':before': attemptsBefore },
        }),
      ),
    );
  }

  async listOverdueDeliveries(before: string, limit: number): Promise<Delivery[]> {
    const items = await this.table.queryShards({ index: 'gsi2', partitions: allShards(OUTBOX), sk: { below: before } }, limit);
    return items.map(DeliveryEntity.parse);
  }

  async listDeadLetters(limit: number, cursor?: string): Promise<Page<Delivery>> {
    const page = await this.table.page({ index: 'gsi2', partitions: allShards(DEAD_LETTERS), newestFirst: true, limit, ...(cursor ? { cursor } : {}) });
    return { items: page.items.map(DeliveryEntity.parse), nextCursor: page.nextCursor };
  }
}
