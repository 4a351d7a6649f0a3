import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Timer, TimerStore } from '../../ports/scheduler.ts';
import { conditionHolds, type TableClient } from './client.ts';
import { allShards, entity, shardKey } from './table.ts';

/** SCHEDULE#<name> · SCHEDULE; gsi2 SCHEDULES#<shard> · <at>#<name>: the local runtime's timers (AWS uses EventBridge Scheduler). */
const SCHEDULES = 'SCHEDULES';
export const TimerEntity = entity<{ name: string }, Timer>('timer', {
  key: (t) => ({ pk: `SCHEDULE#${t.name}`, sk: 'SCHEDULE' }),
  indexes: { gsi2: (t) => ({ pk: shardKey(SCHEDULES, t.name), sk: `${t.at}#${t.name}` }) },
});

export class DynamoTimers implements TimerStore {
  constructor(private readonly table: TableClient) {}

  async putTimer(timer: Timer): Promise<void> {
    await this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: TimerEntity.item(timer) }));
  }

  async dueTimers(now: string, limit = 25): Promise<Timer[]> {
    return (await this.table.queryShards({ index: 'gsi2', partitions: allShards(SCHEDULES), sk: { atMost: `${now}~` } }, limit)).map(TimerEntity.parse);
  }

  takeTimer(name: string, at: string): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new DeleteCommand({ TableName: this.table.name, Key: TimerEntity.key({ name }), ConditionExpression: '#at = :at', ExpressionAttributeNames: { '#at': 'at' }, ExpressionAttributeValues: { ':at': at } }),
      ),
    );
  }

  async deleteTimer(name: string): Promise<void> {
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.name, Key: TimerEntity.key({ name }) }));
  }
}
