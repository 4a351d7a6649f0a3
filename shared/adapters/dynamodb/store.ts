import { TransactionCanceledException, ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { FINAL_STATUSES, type AuditEvent, type CaseRecord } from '../../domain/case.ts';
import { executionName, waitKey, type Wait, type WorkflowRun } from '../../domain/workflow.ts';
import type { Delivery } from '../../domain/delivery.ts';
import type { YearArrangement } from '../../domain/calendar.ts';
import type { CaseSummary, DecisionStats } from '../../domain/performance.ts';
import { isWatched } from '../../domain/watch.ts';
import type { GuideRevision } from '../../catalog/types.ts';
import { ConcurrentModification, Conflict, NotFound, RuleViolation } from '../../errors.ts';
import {
  DuplicateCompanion,
  type CalendarRepository,
  type CatalogRepository,
  type CaseListQuery,
  type CaseRepository,
  type Certificate,
  type CertificateRepository,
  type Companion,
  type DeliveryRepository,
  type Department,
  type DepartmentRepository,
  type IdempotencyRecord,
  type IdempotencyStore,
  type Upload,
  type UploadRepository,
  type WebhookLog,
} from '../../ports/index.ts';
import { fromItem, keys, toItem } from './table.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const strip = <T extends Record<string, unknown>>(item: T | undefined): T | undefined => (item ? fromItem<T>(item) : undefined);

/** What a co-department's work queue shows of a case: its summary, kept beside the case. */
const summaryOf = (r: CaseRecord): CaseSummary => ({
  caseId: r.caseId,
  supervisionCode: r.supervisionCode,
  serviceItem: r.serviceItem,
  status: r.status,
  leadDepartment: r.leadDepartment,
  coDepartments: r.coDepartments,
  ...(r.lights ? { lights: r.lights } : {}),
  ...(r.supervisions ? { supervisions: r.supervisions } : {}),
  ...(r.outcome ? { outcome: r.outcome } : {}),
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

/**
 * A workflow run as read, with the name of its execution: `<caseId>-<attempt>`, or the case id
 * alone for attempt 0 (an execution started before attempts were counted).
 */
const runOf = (item: Record<string, unknown>): WorkflowRun => {
  const run = fromItem<WorkflowRun>(item);
  return { ...run, execution: run.attempt > 0 ? executionName(run.caseId, run.attempt) : run.caseId };
};

/** The case item with exactly the index keys its state calls for (gsi3 only while watched). */
const caseItem = (record: CaseRecord) =>
  toItem(
    'case',
    record,
    keys.case(record.caseId),
    keys.applicantIndex(record.applicant.id, record.createdAt, record.caseId),
    keys.departmentQueue(record.leadDepartment, record.status, record.createdAt),
    isWatched(record) ? keys.watchIndex(record.caseId) : {},
  );

/** A co-department's entry in its work queue (E3: it works on the joint case too). */
const queueItem = (record: CaseRecord, dept: string) =>
  toItem('queue', summaryOf(record), keys.coDepartmentQueue(record.caseId, dept), keys.departmentQueue(dept, record.status, record.createdAt));

/** Pending deliveries sit in the outbox index by due time, dead ones in the dead-letter index. */
const deliveryIndex = (d: Delivery) =>
  d.status === 'pending' && d.nextAttemptAt
    ? keys.outboxIndex(new Date(d.nextAttemptAt).toISOString(), d.deliveryId)
    : d.status === 'dead' && d.deadAt
      ? keys.deadLetterIndex(d.deadAt, d.deliveryId)
      : {};

const ttl = (at: Date) => Math.floor(at.getTime() / 1000);

/** All persistence on the single table. One document client, created by the caller once per module. */
export class DynamoStore
  implements CaseRepository, UploadRepository, DepartmentRepository, CertificateRepository, IdempotencyStore, WebhookLog, DeliveryRepository, CalendarRepository, CatalogRepository
{
  private readonly doc: DynamoDBDocumentClient;

  constructor(client: DynamoDBClient, private readonly tableName: string) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  // ---- cases -------------------------------------------------------------------------------

  async get(caseId: string): Promise<CaseRecord | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.case(caseId), ConsistentRead: true }));
    return strip(out.Item) as CaseRecord | undefined;
  }

  async getWithEvents(caseId: string): Promise<{ record: CaseRecord; events: AuditEvent[] } | undefined> {
    const items = await this.partition(keys.case(caseId).pk);
    const caseItem = items.find((i) => i.sk === 'CASE');
    if (!caseItem) return undefined;
    const events = items.filter((i) => String(i.sk).startsWith('EVENT#')).map((i) => strip(i) as AuditEvent);
    return { record: strip(caseItem) as CaseRecord, events };
  }

  async commit({ record, event, expectedVersion, companions = [] }: Parameters<CaseRepository['commit']>[0]): Promise<void> {
    const items: TransactItem[] = [
      {
        Put:
          expectedVersion === null
            ? { TableName: this.tableName, Item: caseItem(record), ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                TableName: this.tableName,
                Item: caseItem(record),
                ConditionExpression: 'version = :v',
                ExpressionAttributeValues: { ':v': expectedVersion },
              },
      },
      {
        // The audit trail is append-only: an event is never overwritten.
        Put: {
          TableName: this.tableName,
          Item: { ...keys.event(event.caseId, event.seq), entity: 'event', ...event },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...companions.map((c) => this.companionItem(c)),
      // Last, so the companions' positions in the cancellation reasons stay 2…n+1.
      ...record.coDepartments.map((dept): TransactItem => ({ Put: { TableName: this.tableName, Item: queueItem(record, dept) } })),
    ];
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (err) {
      if (err instanceof TransactionCanceledException) {
        const reasons = err.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed' || reasons[1]?.Code === 'ConditionalCheckFailed') {
          throw new ConcurrentModification(`case ${record.caseId} was changed by someone else; reload and try again`);
        }
        const failed = companions.filter((_, i) => reasons[i + 2]?.Code === 'ConditionalCheckFailed');
        if (failed.length) throw new DuplicateCompanion(failed);
        if (reasons.some((r) => r.Code === 'TransactionConflict')) {
          throw new ConcurrentModification(`case ${record.caseId} is being changed concurrently; try again`);
        }
      }
      throw err;
    }
  }

  private companionItem(c: Companion): TransactItem {
    const table = this.tableName;
    switch (c.kind) {
      case 'reserveSupervisionCode':
        return {
          Put: {
            TableName: table,
            Item: { ...keys.supervisionCode(c.code), entity: 'supervisionCode', code: c.code, caseId: c.caseId },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        };
      case 'claimUpload':
        return {
          Update: {
            TableName: table,
            Key: keys.upload(c.uploadId),
            UpdateExpression: 'SET caseId = :case',
            ConditionExpression: 'attribute_exists(pk) AND #owner = :owner AND attribute_not_exists(caseId)',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':case': c.caseId, ':owner': c.owner },
          },
        };
      case 'rememberResponse':
        return {
          Put: {
            TableName: table,
            Item: { ...keys.idempotency(c.record.scope, c.record.key), entity: 'idempotency', ...c.record, ttl: ttl(c.expiresAt) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        };
      case 'putCertificate':
        return {
          Put: {
            TableName: table,
            Item: {
              ...keys.certificate(c.certificate.certificateId),
              ...keys.holderIndex(c.certificate.holder.id, c.certificate.issuedAt, c.certificate.certificateId),
              entity: 'certificate',
              ...c.certificate,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        };
      case 'enqueueDelivery':
        return {
          Put: {
            TableName: table,
            Item: { ...keys.delivery(c.delivery.deliveryId), ...deliveryIndex(c.delivery), entity: 'delivery', ...c.delivery },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        };
      case 'countDecision':
        return {
          Update: {
            TableName: table,
            Key: keys.decisionStats(c.month, c.deptCode),
            UpdateExpression: 'SET #month = :month, deptCode = :dept ADD decided :one, onTime :onTime, #used :one',
            ExpressionAttributeNames: { '#month': 'month', '#used': `used_${c.usedWorkingDays}` },
            ExpressionAttributeValues: { ':month': c.month, ':dept': c.deptCode, ':one': 1, ':onTime': c.onTime ? 1 : 0 },
          },
        };
      case 'registerWorkflow':
        return {
          Put: {
            TableName: table,
            Item: toItem(
              'workflow',
              { caseId: c.caseId, attempt: 0, status: 'pending', since: c.since } satisfies WorkflowRun,
              keys.workflowRun(c.caseId),
              keys.workflowRecoveryIndex(c.since, c.caseId),
            ),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        };
      case 'rememberWebhook':
        return {
          Put: {
            TableName: table,
            Item: { ...keys.webhook(c.deptCode, c.webhookId), entity: 'webhook', ttl: ttl(c.expiresAt) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        };
    }
  }

  async saveWait(caseId: string, wait: Wait): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.wait(caseId, waitKey(wait)), entity: 'wait', ...wait } }));
  }

  async listWaits(caseId: string): Promise<Wait[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :wait)',
        ExpressionAttributeValues: { ':pk': keys.case(caseId).pk, ':wait': 'WAIT#' },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((i) => strip(i) as Wait);
  }

  async deleteWait(caseId: string, wait: Wait): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.wait(caseId, waitKey(wait)),
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':token': wait.token },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  async listOpen(): Promise<Array<{ caseId: string; status: string }>> {
    return (await this.listWatchedAll()).filter((c) => !FINAL_STATUSES.has(c.status)).map((c) => ({ caseId: c.caseId, status: c.status }));
  }

  async listWatchedAll(): Promise<CaseSummary[]> {
    const items = await this.readAll((start) =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi3',
          KeyConditionExpression: 'gsi3pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.watchIndex('').gsi3pk },
          ExclusiveStartKey: start,
        }),
      ),
    );
    return items.map((i) => strip(i)) as CaseSummary[];
  }

  /**
   * Mends the indexes of data written by older versions, once per table (a marker item remembers
   * it ran): the watch index (gsi3) gets every case the watch looks after and loses every case it
   * no longer does, every co-department of a joint case gets its work-queue entry, and every case
   * in progress gets its workflow run (attempt 0: the execution named after the case). Returns
   * what it changed.
   */
  async mendIndexes(): Promise<{ indexed: number; unindexed: number; queued: number; runs: number; alreadyMended?: true }> {
    const marker = keys.migration('indexes-2026-12');
    const done = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: marker, ConsistentRead: true }));
    if (done.Item) return { indexed: 0, unindexed: 0, queued: 0, runs: 0, alreadyMended: true };
    const cases = (await this.scanCases()) as Array<CaseRecord & { gsi3pk?: string }>;
    let indexed = 0;
    let unindexed = 0;
    let queued = 0;
    let runs = 0;
    for (const c of cases) {
      const watched = isWatched(c);
      if (watched !== (c.gsi3pk !== undefined)) {
        try {
          await this.doc.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: keys.case(c.caseId),
              // Only the case as scanned: a change meanwhile wrote its own keys.
              ConditionExpression: 'version = :v',
              ...(watched
                ? { UpdateExpression: 'SET gsi3pk = :pk, gsi3sk = :sk', ExpressionAttributeValues: { ':pk': keys.watchIndex('').gsi3pk, ':sk': c.caseId, ':v': c.version } }
                : { UpdateExpression: 'REMOVE gsi3pk, gsi3sk', ExpressionAttributeValues: { ':v': c.version } }),
            }),
          );
          if (watched) indexed++;
          else unindexed++;
        } catch (err) {
          if (!(err instanceof ConditionalCheckFailedException)) throw err;
        }
      }
      if (!FINAL_STATUSES.has(c.status)) {
        // A case filed before workflow runs were kept: its execution is named after the case (attempt 0).
        const run: WorkflowRun = { caseId: c.caseId, attempt: 0, status: 'running', since: new Date().toISOString() };
        try {
          await this.doc.send(new PutCommand({ TableName: this.tableName, Item: toItem('workflow', run, keys.workflowRun(c.caseId)), ConditionExpression: 'attribute_not_exists(pk)' }));
          runs++;
        } catch (err) {
          if (!(err instanceof ConditionalCheckFailedException)) throw err;
        }
      }
      for (const dept of c.coDepartments ?? []) {
        // Only where the entry is missing: a newer commit's entry is never overwritten with older data.
        try {
          await this.doc.send(new PutCommand({ TableName: this.tableName, Item: queueItem(fromItem<CaseRecord>(c), dept), ConditionExpression: 'attribute_not_exists(pk)' }));
          queued++;
        } catch (err) {
          if (!(err instanceof ConditionalCheckFailedException)) throw err;
        }
      }
    }
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...marker, entity: 'migration', at: new Date().toISOString(), indexed, unindexed, queued, runs } }));
    return { indexed, unindexed, queued, runs };
  }

  // ---- workflow runs -------------------------------------------------------------------------

  async getWorkflowRun(caseId: string): Promise<WorkflowRun | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.workflowRun(caseId), ConsistentRead: true }));
    return out.Item ? runOf(out.Item) : undefined;
  }

  async beginWorkflowAttempt(caseId: string, since: string, after: number): Promise<WorkflowRun | undefined> {
    const index = keys.workflowRecoveryIndex(since, caseId);
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.workflowRun(caseId),
          UpdateExpression: 'SET attempt = :next, caseId = :case, #st = :starting, since = :since, entity = :entity, gsi2pk = :ipk, gsi2sk = :isk REMOVE reason',
          // One starter per attempt; a run that is running is left alone (a case filed before
          // attempts were counted has no run yet: attempt 0).
          ConditionExpression: `${after === 0 ? 'attribute_not_exists(attempt) OR ' : ''}(attempt = :after AND #st <> :running)`,
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: { ':next': after + 1, ':after': after, ':running': 'running', ':case': caseId, ':starting': 'starting', ':since': since, ':entity': 'workflow', ':ipk': index.gsi2pk, ':isk': index.gsi2sk },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return runOf(out.Attributes!);
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  async markWorkflowRunning(caseId: string, attempt: number, since: string): Promise<void> {
    // Only a start under way: a stop recorded meanwhile for this attempt stands.
    await this.updateRun(caseId, 'SET #st = :running, since = :since REMOVE gsi2pk, gsi2sk, reason', 'attempt = :n AND #st = :starting', {
      ':running': 'running',
      ':since': since,
      ':n': attempt,
      ':starting': 'starting',
    });
  }

  async markWorkflowStopped(caseId: string, attempt: number, reason: { error: string; cause?: string }, since: string, opts: { keepRecorded?: boolean } = {}): Promise<boolean> {
    const index = keys.workflowRecoveryIndex(since, caseId);
    const condition = `attempt = :n AND #st <> :done${opts.keepRecorded ? ' AND #st <> :stopped' : ''}`;
    return this.updateRun(caseId, 'SET #st = :stopped, since = :since, reason = :reason, gsi2pk = :ipk, gsi2sk = :isk', condition, {
      ':stopped': 'stopped',
      ':since': since,
      ':reason': reason,
      ':ipk': index.gsi2pk,
      ':isk': index.gsi2sk,
      ':n': attempt,
      ':done': 'done',
    });
  }

  async finishWorkflow(caseId: string, since: string): Promise<void> {
    await this.updateRun(caseId, 'SET #st = :done, since = :since REMOVE gsi2pk, gsi2sk', 'attribute_exists(pk)', { ':done': 'done', ':since': since });
  }

  /** A conditional update of a workflow run; false when the condition does not hold (another attempt moved on). */
  private async updateRun(caseId: string, update: string, condition: string, values: Record<string, unknown>): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.workflowRun(caseId),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async listWorkflowsToRecover(): Promise<WorkflowRun[]> {
    const items = await this.readAll((start) =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.workflowRecoveryIndex('', '').gsi2pk },
          ExclusiveStartKey: start,
        }),
      ),
    );
    return items.map(runOf);
  }

  async listWatched(limit: number, cursor?: string): Promise<{ items: CaseSummary[]; nextCursor: string | null }> {
    const page = await this.page({ index: 'gsi3', partition: keys.watchIndex('').gsi3pk, limit, ...(cursor ? { cursor } : {}) });
    return { items: page.items as CaseSummary[], nextCursor: page.nextCursor };
  }


  async listDecisionStats(fromMonth: string, toMonth: string): Promise<DecisionStats[]> {
    const rows = await this.partition('STATS', { from: `${fromMonth}#`, to: `${toMonth}#~` });
    return rows.map((i) => {
      const usedWorkingDays: Record<number, number> = {};
      for (const [k, v] of Object.entries(i)) if (k.startsWith('used_')) usedWorkingDays[Number(k.slice(5))] = Number(v);
      return { month: String(i.month), deptCode: String(i.deptCode), decided: Number(i.decided ?? 0), onTime: Number(i.onTime ?? 0), usedWorkingDays };
    });
  }

  /** Every case item, keys included (mending data from an older version only). */
  private scanCases(): Promise<Array<Record<string, unknown>>> {
    return this.readAll((start) =>
      this.doc.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'entity = :case',
          ExpressionAttributeValues: { ':case': 'case' },
          ExclusiveStartKey: start,
        }),
      ),
    );
  }

  /** Every page of a Query or Scan: `read` answers the page starting at the key it is given. */
  private async readAll(
    read: (start?: Record<string, unknown>) => Promise<{ Items?: Array<Record<string, unknown>>; LastEvaluatedKey?: Record<string, unknown> }>,
  ): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await read(start);
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  // ---- uploads -----------------------------------------------------------------------------

  async putUpload(upload: Upload): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.upload(upload.uploadId), entity: 'upload', ...upload },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getUpload(uploadId: string): Promise<Upload | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.upload(uploadId), ConsistentRead: true }));
    return strip(out.Item) as Upload | undefined;
  }

  // ---- departments -------------------------------------------------------------------------

  async getDepartment(code: string): Promise<Department | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.department(code), ConsistentRead: true }));
    return strip(out.Item) as Department | undefined;
  }

  async createDepartment(dept: Department): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.department(dept.code), entity: 'department', ...dept },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new Conflict(`department ${dept.code} already exists`);
      throw err;
    }
  }

  async updateDepartment(dept: Department): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.department(dept.code), entity: 'department', ...dept },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new NotFound(`department ${dept.code} does not exist`);
      throw err;
    }
  }

  // ---- outbound deliveries -----------------------------------------------------------------

  async getDelivery(deliveryId: string): Promise<Delivery | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.delivery(deliveryId), ConsistentRead: true }));
    return strip(out.Item) as Delivery | undefined;
  }

  async recordAttempt(next: Delivery, attemptsBefore: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.delivery(next.deliveryId),
            ...deliveryIndex(next),
            entity: 'delivery',
            ...next,
          },
          ConditionExpression: 'attempts = :before',
          ExpressionAttributeValues: { ':before': attemptsBefore },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async listOverdueDeliveries(before: string, limit: number): Promise<Delivery[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :o AND gsi2sk < :before',
        ExpressionAttributeValues: { ':o': 'OUTBOX', ':before': before },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => strip(i) as Delivery);
  }

  async listDeadLetters(limit: number, cursor?: string): Promise<{ items: Delivery[]; nextCursor: string | null }> {
    const page = await this.page({ index: 'gsi2', partition: 'DEADLETTER', limit, cursor });
    return { items: page.items as Delivery[], nextCursor: page.nextCursor };
  }

  /**
   * One page of an index partition, newest first. The cursor is the last key read, opaque to the
   * client; one from another partition is refused. With a filter, reads go on until the page is
   * full or the partition ends (at most ten reads).
   */
  private async page(q: {
    index: 'gsi1' | 'gsi2' | 'gsi3';
    partition: string;
    skPrefix?: string;
    filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
    limit: number;
    cursor?: string;
  }): Promise<{ items: Array<Record<string, unknown>>; nextCursor: string | null }> {
    const pkName = `${q.index}pk`;
    const skName = `${q.index}sk`;
    let start: Record<string, unknown> | undefined;
    if (q.cursor) {
      try {
        start = JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
      } catch {
        start = undefined;
      }
      if (!start || start[pkName] !== q.partition) throw new RuleViolation('the cursor is not valid', [{ path: 'query.cursor', message: 'not a cursor of this list' }]);
    }
    const items: Array<Record<string, unknown>> = [];
    for (let reads = 0; reads < 10 && items.length < q.limit; reads++) {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: q.index,
          KeyConditionExpression: `${pkName} = :pk${q.skPrefix ? ` AND begins_with(${skName}, :sk)` : ''}`,
          ExpressionAttributeValues: { ':pk': q.partition, ...(q.skPrefix ? { ':sk': q.skPrefix } : {}), ...q.filter?.values },
          ...(q.filter ? { FilterExpression: q.filter.expression, ExpressionAttributeNames: q.filter.names } : {}),
          ScanIndexForward: false,
          Limit: q.limit - items.length,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []).map((i) => strip(i)!));
      start = out.LastEvaluatedKey;
      if (!start) break;
    }
    return { items, nextCursor: start ? Buffer.from(JSON.stringify(start)).toString('base64url') : null };
  }

  async listCases(query: CaseListQuery): Promise<{ items: CaseSummary[]; nextCursor: string | null }> {
    const common = { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) };
    if (query.by === 'applicant') {
      const filter = query.status ? { expression: '#st = :st', names: { '#st': 'status' }, values: { ':st': query.status } } : undefined;
      const page = await this.page({ index: 'gsi1', partition: keys.applicantIndex(query.sub, '', '').gsi1pk, skPrefix: 'CASE#', ...(filter ? { filter } : {}), ...common });
      return { items: page.items as CaseSummary[], nextCursor: page.nextCursor };
    }
    // The department's own light on each case; a case without one announced is green.
    const filter = query.light
      ? {
          expression: query.light === 'green' ? 'attribute_not_exists(lights.#d.light) OR lights.#d.light = :light' : 'lights.#d.light = :light',
          names: { '#d': query.dept },
          values: { ':light': query.light },
        }
      : undefined;
    const page = await this.page({
      index: 'gsi2',
      partition: keys.departmentQueue(query.dept, '', '').gsi2pk,
      ...(query.status ? { skPrefix: `${query.status}#` } : {}),
      ...(filter ? { filter } : {}),
      ...common,
    });
    return { items: page.items as CaseSummary[], nextCursor: page.nextCursor };
  }

  // ---- official calendar arrangements loaded by administrators --------------------------------

  async putCalendarYear(arrangement: YearArrangement): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.calendarYear(arrangement.year), entity: 'calendar', ...arrangement } }));
  }

  async listCalendarYears(): Promise<YearArrangement[]> {
    return (await this.partition('CALENDAR')).map((i) => strip(i)) as YearArrangement[];
  }

  // ---- guide revisions ---------------------------------------------------------------------

  async listGuideRevisions(): Promise<GuideRevision[]> {
    return (await this.partition('CATALOG')).map((i) => strip(i)) as GuideRevision[];
  }

  async publishGuideRevision(revision: GuideRevision): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.guideRevision(revision.code, revision.version), entity: 'guide', ...revision },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new Conflict(`version ${revision.version} of ${revision.code} was published meanwhile`);
      throw err;
    }
  }

  /** Every item of a partition (or of a range of its sort keys), in key order, read consistently. */
  private partition(pk: string, sk?: { from: string; to: string }): Promise<Array<Record<string, unknown>>> {
    return this.readAll((start) =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: sk ? 'pk = :pk AND sk BETWEEN :from AND :to' : 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk, ...(sk ? { ':from': sk.from, ':to': sk.to } : {}) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      ),
    );
  }

  // ---- the local scheduler's timers (AWS uses EventBridge Scheduler instead) ----------------

  async putTimer(name: string, at: string, task: unknown): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.schedule(name), ...keys.scheduleIndex(at, name), entity: 'timer', name, at, task } }),
    );
  }

  async dueTimers(now: string, limit = 25): Promise<Array<{ name: string; at: string; task: unknown }>> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :s AND gsi2sk <= :now',
        ExpressionAttributeValues: { ':s': 'SCHEDULES', ':now': `${now}~` },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => ({ name: i.name as string, at: i.at as string, task: i.task }));
  }

  /** Takes a timer: true for exactly one taker, so a timer fires once even with two pollers. */
  async takeTimer(name: string, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({ TableName: this.tableName, Key: keys.schedule(name), ConditionExpression: '#at = :at', ExpressionAttributeNames: { '#at': 'at' }, ExpressionAttributeValues: { ':at': at } }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async deleteTimer(name: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.schedule(name) }));
  }

  // ---- certificates, idempotency, webhooks ------------------------------------------------

  async getCertificate(certificateId: string): Promise<Certificate | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.certificate(certificateId) }));
    return strip(out.Item) as Certificate | undefined;
  }

  async getResponse(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.idempotency(scope, key), ConsistentRead: true }),
    );
    return strip(out.Item) as IdempotencyRecord | undefined;
  }

  async seen(deptCode: string, webhookId: string): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.webhook(deptCode, webhookId), ConsistentRead: true }),
    );
    return out.Item !== undefined;
  }
}
