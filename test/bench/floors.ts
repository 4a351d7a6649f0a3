/**
 * The floor of each timed route: the bare DynamoDB operations the route needs at minimum, sent with
 * a plain @aws-sdk/client-dynamodb client to the same DynamoDB Local, at the same concurrency.
 * Items are copies of what the platform itself wrote during the run (same attributes and sizes),
 * under keys of their own; their index keys are moved to BENCHFLOOR# partitions so the copies pay
 * the same index upkeep but never show up in a work queue, the watch or the sweep.
 *
 * What each route commits, counted from the code (shared/usecases/cases.ts fileCase,
 * case-actions.ts actOnCase, adapters/dynamodb/repositories.ts commit) for the bench's service item
 * (individual-business-registration: no co-departments, one upload, no Idempotency-Key):
 *
 * - filing: one TransactWriteItems of 6 — the case, its case.submitted event, one delivery
 *   (case.submitted to the lead department), the supervision code, the upload's claim (an
 *   Update), the workflow run. (The issue's earlier floor had five: it left out the delivery.)
 * - case view: the case partition read consistently (one Query: the record and its events, which
 *   is all viewCase reads); the issue's floor, GetItem + that Query, is printed too.
 * - acceptance: the case and its events (one consistent Query) and one TransactWriteItems of 2 —
 *   the case under its version and the case.accepted event (no deliveries: no co-departments).
 * - work queue: one Query of gsi2 (DEPT#<dept>, begins_with accepted#, newest first, Limit 20).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, QueryCommand, TransactWriteItemsCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { timed, type Figures } from './workload.ts';
import { allShards } from '#shared/adapters/dynamodb/table.ts';

type Item = Record<string, AttributeValue>;

/**
 * DynamoDB Local's endpoint, found without the platform saying it: the runtime keeps the
 * emulator's pid beside its data (infra/local/dynamodb-local.ts), and the emulator's command line
 * carries `port=N`.
 */
export function dynamoEndpointOf(dataDir: string): string {
  const pid = readFileSync(join(dataDir, 'dynamodb', 'dynamodb-local.pid'), 'utf8').trim();
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const port = args.find((a) => a.startsWith('port='))?.slice('port='.length);
  if (!port) throw new Error(`no port= in DynamoDB Local's command line (pid ${pid})`);
  return `http://127.0.0.1:${port}`;
}

const S = (v: string): AttributeValue => ({ S: v });
const str = (item: Item, name: string) => item[name]?.S ?? '';

/** The index keys of a copy: the same lengths of attribute, in partitions of the floor's own. */
function moveIndexes(item: Item, id: string): Item {
  const out = { ...item };
  for (const g of ['gsi1', 'gsi2', 'gsi3']) {
    if (out[`${g}pk`]) out[`${g}pk`] = S(`BENCHFLOOR#${str(item, `${g}pk`)}`);
    if (out[`${g}sk`]) out[`${g}sk`] = S(`${str(item, `${g}sk`)}#${id}`);
  }
  return out;
}

/**
 * One floor per route, each timed right after its route (bench.ts calls them from the workload's
 * phases), so both see the same table and the same background work of the platform.
 */
export class Floors {
  private readonly ddb: DynamoDBClient;
  private readonly runId = Date.now().toString(36);
  /** The floor's own cases: filed by the filing floor, accepted by the acceptance floor. */
  private ids: string[] = [];
  private caseT?: Item;
  readonly items = { filing: 6, accepting: 2 };

  constructor(private readonly opts: { endpoint: string; table: string; concurrency: number; dept: string }) {
    this.ddb = new DynamoDBClient({ endpoint: opts.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  }

  private async partition(caseId: string): Promise<Item[]> {
    return (await this.ddb.send(new QueryCommand({ TableName: this.opts.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': S(`CASE#${caseId}`) }, ConsistentRead: true }))).Items ?? [];
  }

  private caseOf(id: string, v: number): Item {
    return { ...moveIndexes(this.caseT!, id), pk: S(`CASE#${id}`), caseId: S(id), version: { N: String(v) } };
  }

  /** After the filings: copies of one filed case's six items, one TransactWriteItems per case. */
  async filing(caseIds: string[]): Promise<Figures> {
    const { table, concurrency } = this.opts;
    const ddb = this.ddb;
    const sample = caseIds[0]!;
    const partition = await this.partition(sample);
    const caseT = partition.find((i) => str(i, 'sk') === 'CASE');
    const submittedT = partition.find((e) => str(e, 'sk').startsWith('EVENT#') && str(e, 'type') === 'case.submitted');
    const workflowT = partition.find((i) => str(i, 'sk') === 'WORKFLOW');
    const supcodeT = caseT && (await ddb.send(new GetItemCommand({ TableName: table, Key: { pk: S(`SUPCODE#${str(caseT, 'supervisionCode')}`), sk: S('SUPCODE') } }))).Item;
    const uploadId = caseT?.materials?.L?.map((m) => m.M?.uploadId?.S).find(Boolean);
    const uploadT = (await ddb.send(new GetItemCommand({ TableName: table, Key: { pk: S(`UPLOAD#${uploadId}`), sk: S('UPLOAD') } }))).Item;
    // A case.submitted delivery: pending (the outbox) or dead by now (the bench gives no webhook URL).
    let deliveryT: Item | undefined;
    for (const pk of [...allShards('OUTBOX'), ...allShards('DEADLETTER')]) {
      deliveryT ??= (await ddb.send(new QueryCommand({ TableName: table, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': S(pk) }, Limit: 1 }))).Items?.[0];
    }
    if (!caseT || !submittedT || !workflowT || !supcodeT || !uploadT || !deliveryT) throw new Error(`floor templates incomplete for case ${sample}`);
    this.caseT = caseT;
    const version = Number(caseT.version?.N ?? 1);
    // One round of the concurrency more than the route had: the warm-up of a new client, not counted.
    this.ids = Array.from({ length: caseIds.length + concurrency }, (_, i) => `floor-${this.runId}-${String(i).padStart(6, '0')}`);
    // Not timed: the uploads the filings claim (as they were before their case claimed them).
    const { caseId: _claimed, ...freshUpload } = uploadT;
    for (let i = 0; i < this.ids.length; i += 25) {
      await Promise.all(this.ids.slice(i, i + 25).map((id) => ddb.send(new PutItemCommand({ TableName: table, Item: { ...freshUpload, pk: S(`UPLOAD#${id}`) } }))));
    }
    const filingItems = (id: string) => [
      { Put: { TableName: table, Item: this.caseOf(id, version), ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: table, Item: { ...submittedT, pk: S(`CASE#${id}`), caseId: S(id) }, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: table, Item: { ...moveIndexes(deliveryT, id), pk: S(`DELIVERY#${id}`) }, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: table, Item: { ...supcodeT, pk: S(`SUPCODE#${id}`), caseId: S(id) }, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Update: {
          TableName: table,
          Key: { pk: S(`UPLOAD#${id}`), sk: S('UPLOAD') },
          UpdateExpression: 'SET caseId = :case',
          ConditionExpression: 'attribute_exists(pk) AND #owner = :owner AND attribute_not_exists(caseId)',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':case': S(id), ':owner': uploadT.owner! },
        },
      },
      { Put: { TableName: table, Item: { ...moveIndexes(workflowT, id), pk: S(`CASE#${id}`), caseId: S(id) }, ConditionExpression: 'attribute_not_exists(pk)' } },
    ];
    this.items.filing = filingItems('x').length;
    return timed(this.ids, concurrency, async (id) => {
      await ddb.send(new TransactWriteItemsCommand({ TransactItems: filingItems(id) }));
    }, concurrency);
  }

  /** After the case views: the same cases' partitions; and, as the issue counted it, GetItem first. */
  async reading(caseIds: string[]): Promise<{ query: Figures; getAndQuery: Figures }> {
    const { table, concurrency } = this.opts;
    const warm = [...caseIds.slice(0, concurrency), ...caseIds];
    const query = await timed(warm, concurrency, async (id) => {
      await this.partition(id);
    }, concurrency);
    const getAndQuery = await timed(warm, concurrency, async (id) => {
      await this.ddb.send(new GetItemCommand({ TableName: table, Key: { pk: S(`CASE#${id}`), sk: S('CASE') }, ConsistentRead: true }));
      await this.partition(id);
    }, concurrency);
    return { query, getAndQuery };
  }

  /** After the acceptances: the floor's own cases read and accepted (the case under its version, the event). */
  async accepting(caseIds: string[]): Promise<Figures> {
    const { table, concurrency } = this.opts;
    const acceptedT = (await this.partition(caseIds[0]!)).find((e) => str(e, 'sk').startsWith('EVENT#') && str(e, 'type') === 'case.accepted');
    if (!acceptedT || !this.ids.length) throw new Error('the acceptance floor needs an accepted case and the filing floor first');
    return timed(this.ids, concurrency, async (id) => {
      const current = (await this.partition(id)).find((i) => str(i, 'sk') === 'CASE')!;
      const v = Number(current.version!.N);
      await this.ddb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: table, Item: this.caseOf(id, v + 1), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': { N: String(v) } } } },
            { Put: { TableName: table, Item: { ...acceptedT, pk: S(`CASE#${id}`), caseId: S(id) }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      );
    }, concurrency);
  }

  /** After the work-queue pages: the same index page. */
  async queue(n: number): Promise<Figures> {
    const { table, concurrency, dept } = this.opts;
    return timed(Array.from({ length: n + concurrency }, (_, i) => i), concurrency, async () => {
      await this.ddb.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :sk)',
          ExpressionAttributeValues: { ':pk': S(`DEPT#${dept}`), ':sk': S('accepted#') },
          ScanIndexForward: false,
          Limit: 20,
        }),
      );
    }, concurrency);
  }

  close(): void {
    this.ddb.destroy();
  }
}
