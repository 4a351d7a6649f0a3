import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import type { Timer, TimerStore } from '../../ports/scheduler.ts';
import { conditionHolds, type TableClient } from './client.ts';
import { allShards, entity, shardKey } from './table.ts';
import { documentSdk, dynamodbUtil } from '../provided.ts';

const { DeleteCommand, PutCommand } = documentSdk();
const { marshall, unmarshall } = dynamodbUtil();

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

  getTimer(name: string): Promise<Timer | undefined> {
    return this.table.get(TimerEntity, { name });
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

  leaseTimer(timer: Timer, until: string): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: TimerEntity.item({ ...timer, at: until }),
          ConditionExpression: '#at = :at',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':at': timer.at },
        }),
      ),
    );
  }

  async deleteTimer(name: string): Promise<void> {
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.name, Key: TimerEntity.key({ name }) }));
  }
}

/** The partition-key prefix of timers whose names start so (the stream's filter on follow-ups). */
export const timerKeyPrefix = (namePrefix: string) => TimerEntity.key({ name: namePrefix }).pk;

/**
 * A timer as DynamoDB Streams reports its writing (NEW_IMAGE): what the follow-ups function
 * receives in AWS, and what the local runtime hands it for a follow-up come due.
 */
export function timerStreamRecord(timer: Timer): DynamoDBRecord {
  const item = TimerEntity.item(timer);
  return {
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: marshall(TimerEntity.key(timer)) as Record<string, AttributeValue>,
      NewImage: marshall(item, { removeUndefinedValues: true }) as Record<string, AttributeValue>,
      StreamViewType: 'NEW_IMAGE',
    },
  };
}

/** The timer a stream record wrote, or undefined for a removal. */
export function timerOfStreamRecord(record: DynamoDBRecord): Timer | undefined {
  const image = record.dynamodb?.NewImage;
  return image ? TimerEntity.parse(unmarshall(image as Parameters<typeof unmarshall>[0])) : undefined;
}
