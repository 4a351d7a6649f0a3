import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient as DocumentClient } from '@aws-sdk/lib-dynamodb';
import { RuleViolation } from '../../errors.ts';
import { indexAttributes, TABLE, type Entity, type IndexName } from './table.ts';
import { dynamodbSdk, documentSdk } from '../provided.ts';

const { ConditionalCheckFailedException, TransactionCanceledException } = dynamodbSdk();
const { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } = documentSdk();

export type Item = Record<string, unknown>;

/** Which sort keys of a partition: those starting with, below, at most, or between. */
export type SortRange = { prefix?: string; below?: string; atMost?: string; between?: [string, string] };

export type PartitionQuery = {
  index?: IndexName;
  partition: string;
  sk?: SortRange;
  filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
  newestFirst?: boolean;
};

/** Conditions of a write: the item is new, or exists. */
export const NOT_EXISTS = `attribute_not_exists(${TABLE.partitionKey})`;
export const EXISTS = `attribute_exists(${TABLE.partitionKey})`;

/** A false answer for a condition that does not hold (of a write, or of a transaction's item); any other error is thrown. */
export async function conditionHolds(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    // A transaction says so by being cancelled for a failed condition.
    if (err instanceof TransactionCanceledException && (err.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')) return false;
    throw err;
  }
}

/** A sort-key range as a key condition (after the partition's) and its values. */
function sortCondition(name: string, sk: SortRange | undefined): { expression: string; values: Record<string, string> } {
  if (!sk) return { expression: '', values: {} };
  if (sk.prefix !== undefined) return { expression: ` AND begins_with(${name}, :sk)`, values: { ':sk': sk.prefix } };
  if (sk.below !== undefined) return { expression: ` AND ${name} < :sk`, values: { ':sk': sk.below } };
  if (sk.atMost !== undefined) return { expression: ` AND ${name} <= :sk`, values: { ':sk': sk.atMost } };
  if (sk.between) return { expression: ` AND ${name} BETWEEN :from AND :to`, values: { ':from': sk.between[0], ':to': sk.between[1] } };
  return { expression: '', values: {} };
}

const encode = (cursor: unknown) => Buffer.from(JSON.stringify(cursor)).toString('base64url');
function decode(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
const badCursor = () => new RuleViolation('the cursor is not valid', [{ path: 'query.cursor', message: 'not a cursor of this list' }]);

/** The table and its document client: one per module, shared by every repository. */
export class TableClient {
  readonly doc: DocumentClient;

  constructor(client: DynamoDBClient, readonly name: string) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** One entity by its key, read consistently (optionally not). */
  async get<T, K>(entity: Entity<T, K>, key: K, opts: { consistent?: boolean } = {}): Promise<T | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.name, Key: entity.key(key), ConsistentRead: opts.consistent ?? true }));
    return out.Item ? entity.parse(out.Item) : undefined;
  }

  private queryInput(q: PartitionQuery, start: Item | undefined, limit?: number) {
    const names = q.index ? indexAttributes(q.index) : { pk: TABLE.partitionKey, sk: TABLE.sortKey };
    const sk = sortCondition(names.sk, q.sk);
    return new QueryCommand({
      TableName: this.name,
      ...(q.index ? { IndexName: q.index } : { ConsistentRead: true }),
      KeyConditionExpression: `${names.pk} = :pk${sk.expression}`,
      ExpressionAttributeValues: { ':pk': q.partition, ...sk.values, ...q.filter?.values },
      ...(q.filter ? { FilterExpression: q.filter.expression, ExpressionAttributeNames: q.filter.names } : {}),
      ...(q.newestFirst ? { ScanIndexForward: false } : {}),
      ...(limit ? { Limit: limit } : {}),
      ExclusiveStartKey: start,
    });
  }

  /** Every item of a partition (or of a range of its sort keys), in key order; the base table's read consistently. */
  async queryAll(q: PartitionQuery): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await this.doc.send(this.queryInput(q, start));
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** Every item of every partition given (the shards of a list), merged in sort-key order. */
  async queryShards(q: Omit<PartitionQuery, 'partition'> & { partitions: string[] }, limit?: number): Promise<Item[]> {
    const sk = q.index ? indexAttributes(q.index).sk : TABLE.sortKey;
    const per = await Promise.all(
      q.partitions.map(async (partition) => {
        if (limit === undefined) return this.queryAll({ ...q, partition });
        const out = await this.doc.send(this.queryInput({ ...q, partition }, undefined, limit));
        return out.Items ?? [];
      }),
    );
    const merged = per.flat().sort((a, b) => (String(a[sk]) < String(b[sk]) ? -1 : String(a[sk]) > String(b[sk]) ? 1 : 0));
    return limit === undefined ? merged : merged.slice(0, limit);
  }

  /**
   * One page of a list kept in one or more partitions (the shards of a list, read one after the
   * other). The cursor (opaque to the client) names the partition and the last key read; one from
   * another list is refused. With a filter, reads go on until the page is full or the list ends
   * (at most ten reads beyond the partitions).
   */
  async page(q: Omit<PartitionQuery, 'partition'> & { partitions: string[]; limit: number; cursor?: string }): Promise<{ items: Item[]; nextCursor: string | null }> {
    const pkName = q.index ? indexAttributes(q.index).pk : TABLE.partitionKey;
    let at = 0;
    let start: Item | undefined;
    if (q.cursor) {
      const c = decode(q.cursor) as { p?: unknown; k?: Item } | undefined;
      if (!c || typeof c.p !== 'number' || !Number.isInteger(c.p) || c.p < 0 || c.p >= q.partitions.length) throw badCursor();
      if (c.k !== undefined && (typeof c.k !== 'object' || c.k === null || c.k[pkName] !== q.partitions[c.p])) throw badCursor();
      at = c.p;
      start = c.k;
    }
    const items: Item[] = [];
    for (let reads = 0; reads < 10 + q.partitions.length && items.length < q.limit && at < q.partitions.length; reads++) {
      const out = await this.doc.send(this.queryInput({ ...q, partition: q.partitions[at]! }, start, q.limit - items.length));
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
      if (!start) at++;
    }
    const more = start !== undefined || at < q.partitions.length;
    return { items, nextCursor: more ? encode({ p: at, ...(start ? { k: start } : {}) }) : null };
  }

  /** Every item of the given entities, keys included (mending data from an older version only). */
  async scanAll(filter: { expression: string; names?: Record<string, string>; values: Record<string, unknown> }): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await this.doc.send(
        new ScanCommand({
          TableName: this.name,
          FilterExpression: filter.expression,
          ...(filter.names ? { ExpressionAttributeNames: filter.names } : {}),
          ExpressionAttributeValues: filter.values,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
