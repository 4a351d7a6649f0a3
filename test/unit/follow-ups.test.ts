import { describe, expect, it } from 'vitest';
import { RuleViolation } from '#shared/errors.ts';
import { followUpTimerName, type Timer } from '#shared/ports/scheduler.ts';
import { runHandedOut } from '#shared/usecases/follow-ups.ts';
import { filedInMemory } from '../support/memory-filing.ts';

/** A filing whose follow-up is waiting to be handed out. */
async function filed() {
  const m = await filedInMemory();
  return { ...m, timer: m.table.followUps.get(followUpTimerName(m.caseId, 1))! };
}

describe('C1 F5 a follow-up handed out (the stream in AWS, the poller locally)', () => {
  it('runs and is taken off the table', async () => {
    // Prepare
    const { deps, table, workflow, caseId, timer } = await filed();
    // Act
    const outcome = await runHandedOut(deps, timer);
    // Assess
    expect(outcome).toBe('done');
    expect(workflow.started).toEqual([caseId]);
    expect(table.followUps.has(timer.name)).toBe(false);
  });

  it('is skipped when handed out again after it was done (a batch retried for another record)', async () => {
    // Prepare
    const { deps, workflow, timer } = await filed();
    await runHandedOut(deps, timer);
    // Act / Assess
    expect(await runHandedOut(deps, timer)).toBe('skipped');
    expect(workflow.started).toHaveLength(1);
  });

  it('is skipped as the record of its first writing once the sweep wrote it again (that record runs it)', async () => {
    // Prepare
    const { deps, table, workflow, timer } = await filed();
    const again: Timer = { ...timer, at: new Date(Date.parse(timer.at) + 6 * 60_000).toISOString() };
    table.followUps.set(timer.name, again);
    // Act / Assess
    expect(await runHandedOut(deps, timer)).toBe('skipped');
    expect(workflow.started).toEqual([]);
    expect(await runHandedOut(deps, again)).toBe('done');
  });

  it('refuses a follow-up that is not one, and leaves it for an operator to see', async () => {
    // Prepare
    const { deps, table, timer } = await filed();
    const broken = { ...timer, task: { ...timer.task, version: 'two' } } as unknown as Timer;
    // Act / Assess
    await expect(runHandedOut(deps, broken)).rejects.toBeInstanceOf(RuleViolation);
    expect(table.followUps.has(timer.name)).toBe(true);
  });

  it('stays on the table when a part of it failed, to be handed out again', async () => {
    // Prepare: Step Functions refuses the start
    const { deps, table, timer } = await filed();
    const refusing = { ...deps, workflow: { ...deps.workflow, start: async () => Promise.reject(new Error('ThrottlingException')) } };
    // Act / Assess
    await expect(runHandedOut(refusing, timer)).rejects.toThrow(/workflow attempt 1: ThrottlingException/);
    expect(table.followUps.get(timer.name)).toEqual(timer);
  });
});
