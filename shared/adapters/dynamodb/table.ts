/**
 * The single table: its attributes and indexes, and the one way items go in and out of it.
 * Each entity declares its keys and index keys once, with `entity()`, in the file of its
 * repository (README "Where things live" lists them): whole items are written with `item()` and
 * read with `parse()`; conditional updates (claiming an upload, counting a decision, a workflow
 * run's status) name the attributes they set, their keys still from the declaration. The CDK
 * stack, the local runtime (which creates the table in DynamoDB Local) and the repositories read
 * the table from here.
 *
 * Index keys that would be one constant for every item of a kind (the watch list, the workflow
 * sweep's list, the webhook outbox and dead letters, the local timers) are sharded: a partition
 * takes about 1,000 writes a second, a province peaks at 2,000 filings a second. `shardKey` spreads
 * them over SHARDS partitions by a hash of the item's id; readers page across every shard.
 *
 * `ttl` (epoch seconds) expires idempotent replies and webhook ids.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'ttl',
  globalSecondaryIndexes: [
    /** an applicant's cases, a holder's certificates */
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** departments' work queues; sharded lists: workflow sweep, outbox, dead letters, local timers */
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    /** the watch list (sparse): cases the platform looks after */
    { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  ],
} as const;

export type IndexName = (typeof TABLE.globalSecondaryIndexes)[number]['indexName'];
export type Key = { pk: string; sk: string };

/** How many partitions a sharded list is spread over. */
export const SHARDS = 8;

/** FNV-1a: a stable, even spread of ids over the shards. */
function shardOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h % SHARDS;
}

/** The partition of a sharded list an item with this id goes to: `<list>#<n>`. */
export const shardKey = (list: string, id: string) => `${list}#${shardOf(id)}`;
/**
 * Every partition of a sharded list, for readers: the shards, then the one constant older versions
 * wrote (empty once the `shards-2026-12` mending has run), so nothing is out of sight meanwhile.
 */
export const allShards = (list: string) => [...Array.from({ length: SHARDS }, (_, n) => `${list}#${n}`), list];

/** Every attribute the table or an index is keyed on, and the entity tag: the table's, never an entity's. */
export const KEY_ATTRIBUTES: ReadonlySet<string> = new Set([
  TABLE.partitionKey,
  TABLE.sortKey,
  TABLE.timeToLiveAttribute,
  ...TABLE.globalSecondaryIndexes.flatMap((g) => [g.partitionKey, g.sortKey]),
  'entity',
]);

type Item = Record<string, unknown>;

export const indexAttributes = (index: IndexName) => ({ pk: `${index}pk`, sk: `${index}sk` });

export type Entity<T, K> = {
  readonly name: string;
  /** The item's primary key. */
  key(k: K): Key;
  /** The item as stored: the entity without any key it may carry from an earlier read, then exactly its declared keys. */
  item(value: T, extra?: { ttl?: number }): Item;
  /** The entity of a stored item: every key attribute stripped. */
  parse(item: Item): T;
  /** The index attributes the entity's state calls for now (absent: not in that index). */
  indexKeys(value: T): Item;
};

/**
 * Declares an entity: its tag, primary key and index keys, each computed from the entity. An
 * index function answering undefined leaves the item out of that (sparse) index.
 */
export function entity<K extends object, T extends K>(
  name: string,
  def: { key: (k: K) => Key; indexes?: Partial<Record<IndexName, (value: T) => Key | undefined>> },
): Entity<T, K> {
  const indexKeys = (value: T): Item => {
    const out: Item = {};
    for (const [index, f] of Object.entries(def.indexes ?? {}) as Array<[IndexName, (v: T) => Key | undefined]>) {
      const k = f(value);
      if (!k) continue;
      const names = indexAttributes(index);
      out[names.pk] = k.pk;
      out[names.sk] = k.sk;
    }
    return out;
  };
  const parse = (item: Item) => Object.fromEntries(Object.entries(item).filter(([k]) => !KEY_ATTRIBUTES.has(k))) as T;
  return {
    name,
    key: def.key,
    indexKeys,
    parse,
    item: (value, extra) => ({
      ...parse(value as Item),
      entity: name,
      ...def.key(value),
      ...indexKeys(value),
      ...(extra?.ttl !== undefined ? { [TABLE.timeToLiveAttribute]: extra.ttl } : {}),
    }),
  };
}

/** DynamoDB's CreateTable input for the table, for the local runtime and the integration tests. */
export function createTableInput(tableName: string) {
  const attributes = new Set<string>([TABLE.partitionKey, TABLE.sortKey]);
  for (const gsi of TABLE.globalSecondaryIndexes) {
    attributes.add(gsi.partitionKey);
    attributes.add(gsi.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: TABLE.globalSecondaryIndexes.map((gsi) => ({
      IndexName: gsi.indexName,
      KeySchema: [
        { AttributeName: gsi.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: gsi.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}
