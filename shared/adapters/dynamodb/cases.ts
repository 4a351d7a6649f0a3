import { nameDigest, publicStep } from '../../domain/progress.ts';
import { progressKey } from './records.ts';
import { FINAL_STATUSES, type AuditEvent, type CaseRecord } from '../../domain/case.ts';
import { summaryOf, type CaseSummary } from '../../domain/performance.ts';
import { isWatched } from '../../domain/watch.ts';
import { waitKey, type Wait } from '../../domain/workflow.ts';
import { ConcurrentModification, DuplicateCompanion } from '../../errors.ts';
import type { CaseListQuery, CaseRepository, Companion, Page } from '../../ports/cases.ts';
import { conditionHolds, NOT_EXISTS, type TableClient } from './client.ts';
import { companionItem, type TransactItem } from './companions.ts';
import { allShards, entity, shardKey } from './table.ts';
import { dynamodbSdk, documentSdk } from '../provided.ts';

const { TransactionCanceledException } = dynamodbSdk();
const { DeleteCommand, PutCommand, TransactWriteCommand } = documentSdk();

// ---- the case aggregate: everything in the case's partition CASE#<caseId> --------------------

const casePartition = (caseId: string) => `CASE#${caseId}`;
const applicantPartition = (sub: string) => `APPLICANT#${sub}`;
const APPLICANT_CASES = 'CASE#';
const WATCHED = 'WATCHED';

/**
 * CASE#<id> · CASE; gsi1 APPLICANT#<sub> · CASE#<createdAt>#<id>; gsi2 DEPT#<lead> · <status>#<createdAt>;
 * gsi3 (sparse) WATCHED#<shard> · <id> only while not final or a supervision is open — the watch,
 * F4's live figures (ids are ULIDs: by filing time).
 */
export const CaseEntity = entity<{ caseId: string }, CaseRecord>('case', {
  key: (c) => ({ pk: casePartition(c.caseId), sk: 'CASE' }),
  indexes: {
    gsi1: (c) => ({ pk: applicantPartition(c.applicant.id), sk: `${APPLICANT_CASES}${c.createdAt}#${c.caseId}` }),
    gsi2: (c) => departmentQueue(c.leadDepartment, c),
    gsi3: (c) => (isWatched(c) ? { pk: shardKey(WATCHED, c.caseId), sk: c.caseId } : undefined),
  },
});

/** A department's work queue: DEPT#<dept> · <status>#<createdAt>. */
const departmentPartition = (dept: string) => `DEPT#${dept}`;
const statusPrefix = (status: string) => `${status}#`;
function departmentQueue(dept: string, c: Pick<CaseRecord, 'status' | 'createdAt'>) {
  return { pk: departmentPartition(dept), sk: `${statusPrefix(c.status)}${c.createdAt}` };
}

/** CASE#<id> · EVENT#<seq:8>: the audit trail, append-only. */
const EVENTS = 'EVENT#';
export const EventEntity = entity<{ caseId: string; seq: number }, AuditEvent>('event', {
  key: (e) => ({ pk: casePartition(e.caseId), sk: `${EVENTS}${String(e.seq).padStart(8, '0')}` }),
});

/** CASE#<id> · WAIT#<stage>[#dept]: a workflow step's task token. */
const WAITS = 'WAIT#';
type StoredWait = Wait & { caseId: string };
export const WaitEntity = entity<{ caseId: string } & Pick<Wait, 'stage' | 'dept'>, StoredWait>('wait', {
  key: (w) => ({ pk: casePartition(w.caseId), sk: `${WAITS}${waitKey(w)}` }),
});

/**
 * CASE#<id> · QUEUE#<dept>; gsi2 DEPT#<co> · <status>#<createdAt>: a co-department's entry in its
 * work queue (E3: it works on the joint case too), the case's summary.
 */
type QueueEntry = CaseSummary & { queueDept: string };
export const QueueEntity = entity<{ caseId: string; queueDept: string }, QueueEntry>('queue', {
  key: (q) => ({ pk: casePartition(q.caseId), sk: `QUEUE#${q.queueDept}` }),
  indexes: { gsi2: (q) => departmentQueue(q.queueDept, q) },
});

export const queueItem = (record: CaseRecord, dept: string) => QueueEntity.item({ ...summaryOf(record), queueDept: dept });
const fromQueue = ({ queueDept: _dept, ...summary }: QueueEntry & Record<string, unknown>) => summary as CaseSummary;

/** The case's public progress (H1, records.ts), brought up to date in each step's transaction: its status, and the step appended when it is one anyone may see. */
function progressItem(TableName: string, record: CaseRecord, event: AuditEvent): TransactItem {
  const step = publicStep(event);
  return {
    Update: {
      TableName,
      Key: progressKey(record.supervisionCode),
      UpdateExpression: `SET supervisionCode = :code, serviceItem = :item, leadDepartment = :lead, #status = :status, filedAt = :filed, updatedAt = :updated, nameDigest = :name, steps = ${step ? 'list_append(if_not_exists(steps, :none), :step)' : 'if_not_exists(steps, :none)'}`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':code': record.supervisionCode,
        ':item': { code: record.serviceItem.code, name: record.serviceItem.name },
        ':lead': record.leadDepartment,
        ':status': record.status,
        ':filed': record.createdAt,
        ':updated': record.updatedAt,
        ':name': nameDigest(record.supervisionCode, record.applicant.name),
        ':none': [],
        ...(step ? { ':step': [step] } : {}),
      },
    },
  };
}

export class DynamoCases implements CaseRepository {
  constructor(private readonly table: TableClient) {}

  get(caseId: string): Promise<CaseRecord | undefined> {
    return this.table.get(CaseEntity, { caseId });
  }

  async getWithEvents(caseId: string): Promise<{ record: CaseRecord; events: AuditEvent[] } | undefined> {
    const items = await this.table.queryAll({ partition: casePartition(caseId) });
    const caseItem = items.find((i) => i.entity === CaseEntity.name);
    if (!caseItem) return undefined;
    return { record: CaseEntity.parse(caseItem), events: items.filter((i) => i.entity === EventEntity.name).map(EventEntity.parse) };
  }

  async commit({ record, event, expectedVersion, companions = [] }: Parameters<CaseRepository['commit']>[0]): Promise<void> {
    const TableName = this.table.name;
    const items: TransactItem[] = [
      {
        Put:
          expectedVersion === null
            ? { TableName, Item: CaseEntity.item(record), ConditionExpression: NOT_EXISTS }
            : { TableName, Item: CaseEntity.item(record), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } },
      },
      // The audit trail is append-only: an event is never overwritten.
      { Put: { TableName, Item: EventEntity.item(event), ConditionExpression: NOT_EXISTS } },
      ...companions.map((c) => companionItem(TableName, c)),
      // Last, so the companions' positions in the cancellation reasons stay 2…n+1.
      ...record.coDepartments.map((dept): TransactItem => ({ Put: { TableName, Item: queueItem(record, dept) } })),
      progressItem(TableName, record, event),
    ];
    try {
      await this.table.doc.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (err) {
      if (err instanceof TransactionCanceledException) {
        const reasons = err.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed' || reasons[1]?.Code === 'ConditionalCheckFailed') {
          throw new ConcurrentModification(`case ${record.caseId} was changed by someone else; reload and try again`);
        }
        const failed = companions.filter((_, i) => reasons[i + 2]?.Code === 'ConditionalCheckFailed');
        if (failed.length) throw new DuplicateCompanion<Companion>(failed);
        if (reasons.some((r) => r.Code === 'TransactionConflict')) {
          throw new ConcurrentModification(`case ${record.caseId} is being changed concurrently; try again`);
        }
      }
      throw err;
    }
  }

  async saveWait(caseId: string, wait: Wait): Promise<void> {
    await this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: WaitEntity.item({ ...wait, caseId }) }));
  }

  async listWaits(caseId: string): Promise<Wait[]> {
    const items = await this.table.queryAll({ partition: casePartition(caseId), sk: { prefix: WAITS } });
    return items.map((i) => {
      const { caseId: _case, ...wait } = WaitEntity.parse(i);
      return wait;
    });
  }

  async deleteWait(caseId: string, wait: Wait): Promise<void> {
    await conditionHolds(
      this.table.doc.send(
        new DeleteCommand({
          TableName: this.table.name,
          Key: WaitEntity.key({ caseId, ...wait }),
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':token': wait.token },
        }),
      ),
    );
  }

  async listOpen(): Promise<Array<{ caseId: string; status: string }>> {
    return (await this.listWatchedAll()).filter((c) => !FINAL_STATUSES.has(c.status)).map((c) => ({ caseId: c.caseId, status: c.status }));
  }

  async listWatchedAll(): Promise<CaseSummary[]> {
    return (await this.table.queryShards({ index: 'gsi3', partitions: allShards(WATCHED) })).map(CaseEntity.parse);
  }

  async listWatched(limit: number, cursor?: string): Promise<Page<CaseSummary>> {
    const page = await this.table.page({ index: 'gsi3', partitions: allShards(WATCHED), limit, ...(cursor ? { cursor } : {}) });
    return { items: page.items.map(CaseEntity.parse), nextCursor: page.nextCursor };
  }

  async listCases(query: CaseListQuery): Promise<Page<CaseSummary>> {
    const common = { limit: query.limit, newestFirst: true, ...(query.cursor ? { cursor: query.cursor } : {}) };
    if (query.by === 'applicant') {
      const filter = query.status ? { expression: '#st = :st', names: { '#st': 'status' }, values: { ':st': query.status } } : undefined;
      const page = await this.table.page({ index: 'gsi1', partitions: [applicantPartition(query.sub)], sk: { prefix: APPLICANT_CASES }, ...(filter ? { filter } : {}), ...common });
      return { items: page.items.map(CaseEntity.parse), nextCursor: page.nextCursor };
    }
    // The department's own light on each case; a case without one announced is green.
    const filter = query.light
      ? {
          expression: query.light === 'green' ? 'attribute_not_exists(lights.#d.light) OR lights.#d.light = :light' : 'lights.#d.light = :light',
          names: { '#d': query.dept },
          values: { ':light': query.light },
        }
      : undefined;
    const page = await this.table.page({
      index: 'gsi2',
      partitions: [departmentPartition(query.dept)],
      ...(query.status ? { sk: { prefix: statusPrefix(query.status) } } : {}),
      ...(filter ? { filter } : {}),
      ...common,
    });
    // A lead department's entries are cases, a co-department's their summaries.
    return { items: page.items.map((i) => (i.entity === QueueEntity.name ? fromQueue(QueueEntity.parse(i)) : CaseEntity.parse(i))), nextCursor: page.nextCursor };
  }
}
