/**
 * The single table: its key schema, written down once. The CDK stack, the local runtime (which
 * creates the table in DynamoDB Local) and the adapter all read it from here.
 *
 * | entity            | pk                     | sk              | gsi1 (applicant / holder)             | gsi2 (department queue)          |
 * | ----------------- | ---------------------- | --------------- | ------------------------------------- | -------------------------------- |
 * | case              | CASE#<caseId>          | CASE            | APPLICANT#<sub> · CASE#<createdAt>#id | DEPT#<lead> · <status>#<created> |
 * |   (gsi3, sparse)  | only while not final or a supervision is open: WATCHED · <caseId> (a ULID: by filing time) — the watch, workflow reconciliation, F4's live figures |
 * | audit event       | CASE#<caseId>          | EVENT#<seq:8>   |                                       |                                  |
 * | workflow wait     | CASE#<caseId>          | WAIT#<stage>[#dept] |                                       |                                  |
 * | workflow run      | CASE#<caseId>          | WORKFLOW        |                                       | WORKFLOWS · <since>#<caseId> while pending, starting or stopped (the sweep's list) |
 * | co-dept queue     | CASE#<caseId>          | QUEUE#<dept>    |  (the case's summary, for a co-department's work queue)   | DEPT#<co> · <status>#<created> |
 * | supervision code  | SUPCODE#<code>         | SUPCODE         |                                       |                                  |
 * | upload            | UPLOAD#<uploadId>      | UPLOAD          |                                       |                                  |
 * | department        | DEPT#<code>            | DEPT            |                                       |                                  |
 * | certificate       | CERT#<certificateId>   | CERT            | HOLDER#<sub> · CERT#<issuedAt>#id     |                                  |
 * | idempotent reply  | IDEMP#<scope>#<key>    | IDEMP           |                                       |                                  |
 * | webhook id seen   | HOOK#<dept>#<id>       | HOOK            |                                       |                                  |
 * | outbound delivery | DELIVERY#<id>          | DELIVERY        |                                       | OUTBOX · <nextAttemptAt>#id (pending); DEADLETTER · <deadAt>#id (dead) |
 * | calendar year     | CALENDAR               | YEAR#<yyyy>     |                                       |                                  |
 * | guide revision    | CATALOG                | ITEM#<code>#<version:6> |                               |                                  |
 * | decision counts   | STATS                  | <yyyy-mm>#<dept> |  (decided, onTime, used_<n>: counters added in the deciding transaction)  |
 * | local timer       | SCHEDULE#<name>        | SCHEDULE        |                                       | SCHEDULES · <at>#name            |
 * | data mended       | MIGRATION              | <name>          |  (a one-off mending of older data has run)                  |                                  |
 *
 * `ttl` (epoch seconds) expires idempotent replies and webhook ids.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'ttl',
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  ],
} as const;

export const keys = {
  case: (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'CASE' }),
  event: (caseId: string, seq: number) => ({ pk: `CASE#${caseId}`, sk: `EVENT#${String(seq).padStart(8, '0')}` }),
  wait: (caseId: string, key: string) => ({ pk: `CASE#${caseId}`, sk: `WAIT#${key}` }),
  workflowRun: (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'WORKFLOW' }),
  workflowRecoveryIndex: (since: string, caseId: string) => ({ gsi2pk: 'WORKFLOWS', gsi2sk: `${since}#${caseId}` }),
  coDepartmentQueue: (caseId: string, dept: string) => ({ pk: `CASE#${caseId}`, sk: `QUEUE#${dept}` }),
  migration: (name: string) => ({ pk: 'MIGRATION', sk: name }),
  supervisionCode: (code: string) => ({ pk: `SUPCODE#${code}`, sk: 'SUPCODE' }),
  upload: (uploadId: string) => ({ pk: `UPLOAD#${uploadId}`, sk: 'UPLOAD' }),
  department: (code: string) => ({ pk: `DEPT#${code}`, sk: 'DEPT' }),
  certificate: (certificateId: string) => ({ pk: `CERT#${certificateId}`, sk: 'CERT' }),
  idempotency: (scope: string, key: string) => ({ pk: `IDEMP#${scope}#${key}`, sk: 'IDEMP' }),
  webhook: (deptCode: string, webhookId: string) => ({ pk: `HOOK#${deptCode}#${webhookId}`, sk: 'HOOK' }),
  delivery: (deliveryId: string) => ({ pk: `DELIVERY#${deliveryId}`, sk: 'DELIVERY' }),
  outboxIndex: (nextAttemptAt: string, id: string) => ({ gsi2pk: 'OUTBOX', gsi2sk: `${nextAttemptAt}#${id}` }),
  deadLetterIndex: (deadAt: string, id: string) => ({ gsi2pk: 'DEADLETTER', gsi2sk: `${deadAt}#${id}` }),
  calendarYear: (year: number) => ({ pk: 'CALENDAR', sk: `YEAR#${year}` }),
  watchIndex: (caseId: string) => ({ gsi3pk: 'WATCHED', gsi3sk: caseId }),
  decisionStats: (month: string, dept: string) => ({ pk: 'STATS', sk: `${month}#${dept}` }),
  guideRevision: (code: string, version: number) => ({ pk: 'CATALOG', sk: `ITEM#${code}#${String(version).padStart(6, '0')}` }),
  schedule: (name: string) => ({ pk: `SCHEDULE#${name}`, sk: 'SCHEDULE' }),
  scheduleIndex: (at: string, name: string) => ({ gsi2pk: 'SCHEDULES', gsi2sk: `${at}#${name}` }),
  applicantIndex: (sub: string, createdAt: string, id: string) => ({ gsi1pk: `APPLICANT#${sub}`, gsi1sk: `CASE#${createdAt}#${id}` }),
  holderIndex: (sub: string, issuedAt: string, id: string) => ({ gsi1pk: `HOLDER#${sub}`, gsi1sk: `CERT#${issuedAt}#${id}` }),
  departmentQueue: (dept: string, status: string, createdAt: string) => ({ gsi2pk: `DEPT#${dept}`, gsi2sk: `${status}#${createdAt}` }),
};

/** Every attribute the table or an index is keyed on, and the entity tag: the store's, never an entity's. */
export const KEY_ATTRIBUTES: ReadonlySet<string> = new Set([
  TABLE.partitionKey,
  TABLE.sortKey,
  TABLE.timeToLiveAttribute,
  ...TABLE.globalSecondaryIndexes.flatMap((g) => [g.partitionKey, g.sortKey]),
  'entity',
]);

/** An item as stored: the entity without any key it may carry from an earlier read, then its keys. */
export function toItem(entity: string, value: object, ...keyParts: Array<Record<string, unknown>>): Record<string, unknown> {
  return { ...fromItem(value as Record<string, unknown>), entity, ...Object.assign({}, ...keyParts) };
}

/** The entity of a stored item: every key attribute stripped. */
export function fromItem<T>(item: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !KEY_ATTRIBUTES.has(k))) as T;
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
