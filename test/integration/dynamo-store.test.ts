import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteItemCommand, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoRepositories, type DynamoRepositories } from '#shared/adapters/dynamodb/repositories.ts';
import { createTableInput } from '#shared/adapters/dynamodb/table.ts';
import { ensureTable } from '../../infra/local/dynamodb-local.ts';
import { decide } from '#shared/domain/decide.ts';
import { fileCase, verifyChain, type Actor } from '#shared/domain/case.ts';
import { ConcurrentModification } from '#shared/errors.ts';
import type { Delivery } from '#shared/domain/delivery.ts';
import { DuplicateCompanion } from '#shared/errors.ts';
import { dynamoClient, freshStore } from '../support/deps.ts';

const applicant: Actor = { kind: 'applicant', id: 'u-1', name: '陈' };
const dept: Actor = { kind: 'department', id: 'fz-scjg', via: 'webhook' };
let store: DynamoRepositories;
let tableName: string;
let n = 0;

function newCase(code = `350100-261123-AAAAAAA${n}-0`) {
  n += 1;
  return fileCase(
    {
      caseId: `01KAQ3Z6Y2V8J5M0N4C7R1T9${String(n).padStart(2, '0')}`,
      supervisionCode: code,
      serviceItem: { code: 'food-business-licence', version: 1, name: '食品经营许可' },
      limits: { acceptanceDays: 1, promisedDays: 5, statutoryDays: 10 },
      applicant: { id: 'u-1', name: '陈', subjectType: 'person' },
      leadDepartment: 'fz-scjg',
      coDepartments: [],
      form: { a: 1 },
      materials: [],
      createdAt: '2026-11-23T10:00:00.000+08:00',
    },
    applicant,
  );
}

beforeAll(async () => {
  ({ store, tableName } = await freshStore());
});

describe('F5 case and audit event written together (DynamoDB Local)', () => {
  describe('a new case with its first event, then a step', () => {
    let read: Awaited<ReturnType<typeof store.cases.getWithEvents>>;
    beforeAll(async () => {
      const { record, event } = newCase();
      await store.cases.commit({ record, event, expectedVersion: null, companions: [{ kind: 'reserveSupervisionCode', code: record.supervisionCode, caseId: record.caseId }] });
      const next = decide(record, { type: 'accept' }, dept, '2026-11-23T11:00:00.000+08:00');
      await store.cases.commit({ record: next.record, event: next.event, expectedVersion: record.version });
      read = await store.cases.getWithEvents(record.caseId);
    });

    it('reads back the case as last written', () => {
      expect(read?.record.status).toBe('accepted');
    });

    it('reads back its events in order', () => {
      expect(read?.events.map((e) => e.type)).toEqual(['case.submitted', 'case.accepted']);
    });

    it('reads back events whose chain verifies', () => {
      expect(verifyChain(read!.events)).toEqual({ valid: true });
    });
  });

  it('refuses a write based on a stale version and leaves no event behind', async () => {
    // Prepare: a case someone else has moved on
    const { record, event } = newCase();
    await store.cases.commit({ record, event, expectedVersion: null });
    const a = decide(record, { type: 'accept' }, dept, '2026-11-23T11:00:00.000+08:00');
    await store.cases.commit({ record: a.record, event: a.event, expectedVersion: record.version });
    // Act / Assess
    const stale = decide(record, { type: 'reject', reasons: ['材料不全'] }, dept, '2026-11-23T11:00:01.000+08:00');
    await expect(store.cases.commit({ record: stale.record, event: { ...stale.event, seq: 3 }, expectedVersion: record.version })).rejects.toBeInstanceOf(ConcurrentModification);
    // Assess
    const read = await store.cases.getWithEvents(record.caseId);
    expect(read?.record.status).toBe('accepted');
    expect(read?.events.map((e) => e.type)).toEqual(['case.submitted', 'case.accepted']);
  });

  it('refuses a second case with a supervision code already taken, writing nothing', async () => {
    // Prepare
    const first = newCase('350100-261123-DUPLICAT-0');
    await store.cases.commit({ record: first.record, event: first.event, expectedVersion: null, companions: [{ kind: 'reserveSupervisionCode', code: 'DUP', caseId: first.record.caseId }] });
    const second = newCase('350100-261123-DUPLICAT-0');
    // Act / Assess
    await expect(
      store.cases.commit({ record: second.record, event: second.event, expectedVersion: null, companions: [{ kind: 'reserveSupervisionCode', code: 'DUP', caseId: second.record.caseId }] }),
    ).rejects.toBeInstanceOf(DuplicateCompanion);
    // Assess
    expect(await store.cases.get(second.record.caseId)).toBeUndefined();
  });

  it('keeps one wait per stage and department, and forgets one only by its own token', async () => {
    // Prepare
    const { record, event } = newCase();
    await store.cases.commit({ record, event, expectedVersion: null });
    // Act: a second wait for the same stage and department replaces the first
    await store.cases.saveWait(record.caseId, { stage: 'opinion', dept: 'fz-zjj', whileStatus: ['accepted'], token: 't1' });
    await store.cases.saveWait(record.caseId, { stage: 'opinion', dept: 'fz-rfb', whileStatus: ['accepted'], token: 't2' });
    await store.cases.saveWait(record.caseId, { stage: 'opinion', dept: 'fz-zjj', whileStatus: ['accepted'], token: 't3' });
    // Assess
    expect((await store.cases.listWaits(record.caseId)).map((w) => w.token).sort()).toEqual(['t2', 't3']);
    // Act / Assess: the replaced token forgets nothing
    await store.cases.deleteWait(record.caseId, { stage: 'opinion', dept: 'fz-zjj', whileStatus: ['accepted'], token: 't1' });
    expect(await store.cases.listWaits(record.caseId)).toHaveLength(2);
    // Act / Assess: its own token forgets it
    await store.cases.deleteWait(record.caseId, { stage: 'opinion', dept: 'fz-zjj', whileStatus: ['accepted'], token: 't3' });
    expect((await store.cases.listWaits(record.caseId)).map((w) => w.token)).toEqual(['t2']);
    // Assess: waits write no event
    expect((await store.cases.getWithEvents(record.caseId))?.events).toHaveLength(1);
  });

  it('lists the cases still in progress', async () => {
    // Prepare
    const { record, event } = newCase();
    await store.cases.commit({ record, event, expectedVersion: null });
    // Act
    const open = await store.cases.listOpen();
    // Assess
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((c) => !['completed', 'rejected', 'denied', 'withdrawn'].includes(c.status))).toBe(true);
  });
});

describe('F4 the watch index and the decision counters (DynamoDB Local)', () => {
  it('reads a case back without the table’s keys, though the item as stored carries its index keys', async () => {
    // Prepare
    const { record, event } = newCase();
    await store.cases.commit({ record, event, expectedVersion: null });
    const next = decide(record, { type: 'accept' }, dept, '2026-11-23T11:00:00.000+08:00');
    await store.cases.commit({ record: next.record, event: next.event, expectedVersion: record.version });
    // Act
    const accepted = await store.cases.get(record.caseId);
    // Assess
    expect(Object.keys(accepted!).filter((k) => /^(pk|sk|gsi\d(pk|sk)|ttl|entity)$/.test(k))).toEqual([]);
    const raw = (await dynamoClient().send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: `CASE#${record.caseId}` }, sk: { S: 'CASE' } } }))).Item!;
    expect(raw).toMatchObject({ gsi3pk: { S: expect.stringMatching(/^WATCHED#[0-7]$/) }, gsi3sk: { S: record.caseId } });
  });

  it('keeps a case in the watch index while it is not final, or while a supervision on it is open, reading the case back between steps', async () => {
    // Prepare
    const { record, event } = newCase();
    await store.cases.commit({ record, event, expectedVersion: null });
    const watchedIds = async () => (await store.cases.listWatched(100)).items.map((c) => c.caseId);
    const raw = async () => (await dynamoClient().send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: `CASE#${record.caseId}` }, sk: { S: 'CASE' } } }))).Item!;
    // Every step starts from the case as the table holds it, as the use cases do.
    const step = async (command: Parameters<typeof decide>[1], actor: Actor, at: string) => {
      const current = (await store.cases.get(record.caseId))!;
      const next = decide(current, command, actor, at);
      await store.cases.commit({ record: next.record, event: next.event, expectedVersion: current.version });
      return store.cases.get(record.caseId);
    };
    // Assess: filed
    expect(await watchedIds()).toContain(record.caseId);
    // Act: accepted
    const accepted = await step({ type: 'accept' }, dept, '2026-11-23T11:00:00.000+08:00');
    // Assess: the case as read carries none of the table's keys; the item as stored carries its index keys.
    expect(Object.keys(accepted!).filter((k) => /^(pk|sk|gsi\d(pk|sk)|ttl|entity)$/.test(k))).toEqual([]);
    expect(await raw()).toMatchObject({ gsi3pk: { S: expect.stringMatching(/^WATCHED#[0-7]$/) }, gsi3sk: { S: record.caseId } });
    expect(await watchedIds()).toContain(record.caseId);
    // Act / Assess: denied, final
    await step({ type: 'deny', reasons: ['不符合条件'] }, dept, '2026-11-24T11:00:00.000+08:00');
    expect(await watchedIds()).not.toContain(record.caseId);
    expect(await raw()).not.toHaveProperty('gsi3pk');
    expect(await raw()).not.toHaveProperty('gsi3sk');
    // Act / Assess: a final case with a supervision still open stays: its department still owes an answer.
    const denied = (await store.cases.get(record.caseId))!;
    const supervised = { ...denied, supervisions: [{ supervisionId: 'sup_1', deptCode: 'fz-scjg', openedOn: '2026-11-24', respondBy: '2026-11-27', level: 1 as const, status: 'open' as const }] };
    const opened = decide(supervised, { type: 'escalate_supervision', supervisionId: 'sup_1', respondBy: '2026-12-02' }, { kind: 'system', id: 'supervision' }, '2026-11-30T00:00:01.000+08:00');
    await store.cases.commit({ record: opened.record, event: opened.event, expectedVersion: denied.version });
    expect(await watchedIds()).toContain(record.caseId);
    // Act / Assess: answered, it leaves the index again.
    await step({ type: 'respond_supervision', supervisionId: 'sup_1', explanation: '已处理' }, dept, '2026-12-01T09:00:00.000+08:00');
    expect(await watchedIds()).not.toContain(record.caseId);
    expect(await raw()).not.toHaveProperty('gsi3pk');
  });

  describe('E3 a joint case in each co-department’s work queue, by status, moved there with every change', () => {
    let caseId: string;
    let before: { zjjSubmitted: string[]; rfb: string[] };
    const queue = async (deptCode: string, status?: 'submitted' | 'accepted') =>
      (await store.cases.listCases({ by: 'department', dept: deptCode, limit: 100, ...(status ? { status } : {}) })).items.filter((c) => c.caseId === caseId).map((c) => c.status);
    beforeAll(async () => {
      const base = newCase();
      const joint = fileCase({ ...base.record, caseId: base.record.caseId.replace(/..$/, 'JQ'), coDepartments: ['fz-zjj', 'fz-rfb'], createdAt: '2026-11-23T10:00:00.000+08:00' }, applicant);
      caseId = joint.record.caseId;
      await store.cases.commit({ record: joint.record, event: joint.event, expectedVersion: null });
      before = { zjjSubmitted: await queue('fz-zjj', 'submitted'), rfb: await queue('fz-rfb') };
      const current = (await store.cases.get(caseId))!;
      const accepted = decide(current, { type: 'accept' }, dept, '2026-11-23T11:00:00.000+08:00');
      await store.cases.commit({ record: accepted.record, event: accepted.event, expectedVersion: current.version });
    });

    it('puts a filed joint case in each co-department’s queue', () => {
      expect(before.zjjSubmitted).toEqual(['submitted']);
      expect(before.rfb).toEqual(['submitted']);
    });

    it('moves it to the new status in the co-department’s queue with the change', async () => {
      expect(await queue('fz-zjj', 'submitted')).toEqual([]);
      expect(await queue('fz-zjj', 'accepted')).toEqual(['accepted']);
    });

    it('moves it in the lead department’s queue too', async () => {
      expect(await queue('fz-scjg', 'accepted')).toEqual(['accepted']);
    });

    it('keeps it out of the queues of departments with no part in it', async () => {
      expect(await queue('fz-gaj')).toEqual([]);
    });
  });

  it('counts each decision once per department and month, with the working days it took', async () => {
    const count = (deptCode: string, month: string, usedWorkingDays: number, onTime: boolean) => {
      const { record, event } = newCase();
      return store.cases.commit({ record, event, expectedVersion: null, companions: [{ kind: 'countDecision', deptCode, month, usedWorkingDays, onTime }] });
    };
    // Act
    await count('fz-rsj', '2026-11', 6, true);
    await count('fz-rsj', '2026-11', 12, false);
    await count('fz-rsj', '2026-11', 6, true);
    await count('fz-rsj', '2026-12', 3, true);
    await count('fz-scjg', '2025-10', 1, true);
    // Assess
    expect(await store.stats.listDecisionStats('2026-01', '2026-12')).toEqual([
      { month: '2026-11', deptCode: 'fz-rsj', decided: 3, onTime: 2, usedWorkingDays: { 6: 2, 12: 1 } },
      { month: '2026-12', deptCode: 'fz-rsj', decided: 1, onTime: 1, usedWorkingDays: { 3: 1 } },
    ]);
  });

  it('I1 mends a table written by an older version once: the new index, watched cases in it, final ones out of it, co-departments’ queues', async () => {
    // Prepare: a table without the watch index
    const client = dynamoClient();
    const tableName = `t-old-${randomUUID()}`;
    const current = createTableInput(tableName);
    await client.send(
      new CreateTableCommand({
        ...current,
        AttributeDefinitions: current.AttributeDefinitions.filter((a) => !a.AttributeName.startsWith('gsi3')),
        GlobalSecondaryIndexes: current.GlobalSecondaryIndexes.filter((g) => g.IndexName !== 'gsi3'),
      }),
    );
    const old = dynamoRepositories(client, tableName);
    const key = (caseId: string) => ({ pk: { S: `CASE#${caseId}` }, sk: { S: 'CASE' } });
    const { record } = newCase();
    const accepted = decide(record, { type: 'accept' }, dept, '2026-11-23T11:00:00.000+08:00');
    await old.cases.commit({ record: accepted.record, event: accepted.event, expectedVersion: null });
    // As the older version wrote it: no watch index attributes on an open case…
    await client.send(new UpdateItemCommand({ TableName: tableName, Key: key(record.caseId), UpdateExpression: 'REMOVE gsi3pk, gsi3sk' }));
    // …and a final case left in the index (the older version never took it out).
    const done = newCase();
    const denied = decide(decide(done.record, { type: 'accept' }, dept, '2026-11-23T11:00:00.000+08:00').record, { type: 'deny', reasons: ['不符合条件'] }, dept, '2026-11-24T11:00:00.000+08:00');
    await old.cases.commit({ record: denied.record, event: denied.event, expectedVersion: null });
    await client.send(new UpdateItemCommand({ TableName: tableName, Key: key(done.record.caseId), UpdateExpression: 'SET gsi3pk = :pk, gsi3sk = :sk', ExpressionAttributeValues: { ':pk': { S: 'WATCHED' }, ':sk': { S: done.record.caseId } } }));
    // …and a joint case with no co-department queue entries.
    const jointBase = newCase();
    const joint = fileCase({ ...jointBase.record, coDepartments: ['fz-zjj'] }, applicant);
    await old.cases.commit({ record: joint.record, event: joint.event, expectedVersion: null });
    await client.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: `CASE#${joint.record.caseId}` }, sk: { S: 'QUEUE#fz-zjj' } } }));

    // Act / Assess: the index is added
    expect(await ensureTable(client, tableName)).toEqual(['gsi3']);
    // Act / Assess: the mending. Two cases in progress had no workflow run: their executions are named after the case (attempt 0).
    expect(await old.migrations.mend()).toEqual({ indexed: 1, unindexed: 1, queued: 1, runs: 2, resharded: 0 });
    expect(await old.workflowRuns.getWorkflowRun(record.caseId)).toMatchObject({ attempt: 0, status: 'running', execution: record.caseId });
    expect(await old.workflowRuns.getWorkflowRun(done.record.caseId)).toBeUndefined();
    expect((await old.cases.listWatched(10)).items.map((c) => c.caseId).sort()).toEqual([record.caseId, joint.record.caseId].sort());
    expect((await old.cases.listCases({ by: 'department', dept: 'fz-zjj', limit: 10 })).items.map((c) => c.caseId)).toEqual([joint.record.caseId]);
    // Act / Assess: once only
    expect(await ensureTable(client, tableName)).toEqual([]);
    expect(await old.migrations.mend()).toEqual({ indexed: 0, unindexed: 0, queued: 0, runs: 0, resharded: 0, alreadyMended: true });
  }, 90_000);

  it('I1 moves index keys an older version wrote as one constant to their shards, once, and readers see them meanwhile', async () => {
    // Prepare: a table as the older version left it — each list on one partition.
    const client = dynamoClient();
    const tableName = `t-shards-${randomUUID()}`;
    await ensureTable(client, tableName);
    const old = dynamoRepositories(client, tableName);
    const since = new Date().toISOString();
    const { record, event } = newCase();
    await old.cases.commit({ record, event, expectedVersion: null, companions: [{ kind: 'registerWorkflow', caseId: record.caseId, since }] });
    const pending: Delivery = { deliveryId: 'dlv_old', type: 'case.submitted', deptCode: 'fz-scjg', occurredAt: '2026-11-23T02:00:00.000Z', data: { caseId: record.caseId }, status: 'pending', attempts: 0, nextAttemptAt: '2026-11-23T02:00:00.000Z' };
    const dead: Delivery = { ...pending, deliveryId: 'dlv_dead', status: 'dead', attempts: 8, deadAt: '2026-11-24T02:00:00.000Z' };
    await old.cases.commit({ ...decide(record, { type: 'accept' }, dept, '2026-11-23T11:00:00.000+08:00'), expectedVersion: record.version, companions: [{ kind: 'enqueueDelivery', delivery: pending }, { kind: 'enqueueDelivery', delivery: dead }] });
    await old.timers.putTimer({ name: 'watch-old', at: '2026-11-30T00:00:00.000Z', task: { task: 'watch', caseId: record.caseId } });
    // A running workflow an older version left on the sweep's list: the mending takes it off.
    const running = newCase();
    await old.cases.commit({ ...running, expectedVersion: null, companions: [{ kind: 'registerWorkflow', caseId: running.record.caseId, since }] });
    await old.workflowRuns.markWorkflowRunning(running.record.caseId, 1, since);
    const unshard = (pk: string, sk: string, index: 'gsi2' | 'gsi3', value: string) =>
      client.send(new UpdateItemCommand({ TableName: tableName, Key: { pk: { S: pk }, sk: { S: sk } }, UpdateExpression: `SET ${index}pk = :pk, ${index}sk = if_not_exists(${index}sk, :sk)`, ExpressionAttributeValues: { ':pk': { S: value }, ':sk': { S: 'old' } } }));
    await unshard(`CASE#${record.caseId}`, 'CASE', 'gsi3', 'WATCHED');
    await unshard(`CASE#${record.caseId}`, 'WORKFLOW', 'gsi2', 'WORKFLOWS');
    await unshard(`CASE#${running.record.caseId}`, 'WORKFLOW', 'gsi2', 'WORKFLOWS');
    await unshard('DELIVERY#dlv_old', 'DELIVERY', 'gsi2', 'OUTBOX');
    await unshard('DELIVERY#dlv_dead', 'DELIVERY', 'gsi2', 'DEADLETTER');
    await unshard('SCHEDULE#watch-old', 'SCHEDULE', 'gsi2', 'SCHEDULES');
    const lists = async () => ({
      watched: (await old.cases.listWatched(10)).items.map((c) => c.caseId).sort(),
      sweep: (await old.workflowRuns.listWorkflowsToRecover()).filter((r) => r.status !== 'running').map((r) => r.caseId),
      outbox: (await old.deliveries.listOverdueDeliveries('9999', 10)).map((d) => d.deliveryId),
      dead: (await old.deliveries.listDeadLetters(10)).items.map((d) => d.deliveryId),
      timers: (await old.timers.dueTimers('9999', 10)).map((t) => t.name),
    });
    const expected = { watched: [record.caseId, running.record.caseId].sort(), sweep: [record.caseId], outbox: ['dlv_old'], dead: ['dlv_dead'], timers: ['watch-old'] };
    // Assess: readers look at the old constant too, so nothing is out of sight before the mending.
    expect(await lists()).toEqual(expected);

    // Act
    const report = await old.migrations.mend();

    // Assess: every item keyed on its shard (the running one off the list), found where it was, and once only.
    expect(report).toMatchObject({ resharded: 6 });
    const raw = async (pk: string, sk: string) => (await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk }, sk: { S: sk } } }))).Item!;
    expect((await raw(`CASE#${record.caseId}`, 'CASE')).gsi3pk!.S).toMatch(/^WATCHED#[0-7]$/);
    expect((await raw(`CASE#${record.caseId}`, 'WORKFLOW')).gsi2pk!.S).toMatch(/^WORKFLOWS#[0-7]$/);
    expect(await raw(`CASE#${running.record.caseId}`, 'WORKFLOW')).not.toHaveProperty('gsi2pk');
    expect((await raw('DELIVERY#dlv_old', 'DELIVERY')).gsi2pk!.S).toMatch(/^OUTBOX#[0-7]$/);
    expect((await raw('DELIVERY#dlv_dead', 'DELIVERY')).gsi2pk!.S).toMatch(/^DEADLETTER#[0-7]$/);
    expect((await raw('SCHEDULE#watch-old', 'SCHEDULE')).gsi2pk!.S).toMatch(/^SCHEDULES#[0-7]$/);
    expect(await lists()).toEqual(expected);
    // Act / Assess: once only
    expect(await old.migrations.mend()).toMatchObject({ resharded: 0, alreadyMended: true });
  });
});
