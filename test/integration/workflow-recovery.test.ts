import { fileCase, supervisionOverview, viewCase } from '../support/checked.ts';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { actOnCase } from '#shared/usecases/case-actions.ts';
import { runScheduledTask } from '#shared/usecases/scheduled.ts';
import { CASE_STATE_MACHINE_FILE } from '../../infra/lambdas.ts';
import type { LocalStepFunctions } from '../../infra/local/step-functions-local.ts';
import { integrationDeps, until, workflowDeps } from '../support/deps.ts';
import { MovableClock } from '#shared/ports/clock.ts';
import { startWorkflow } from '#shared/usecases/reconcile.ts';
import { admin, citizen, individualBusinessApplication } from '../support/fixtures.ts';

const dept = { kind: 'department' as const, id: 'fz-scjg', via: 'webhook' as const };
const staff = { kind: 'staff' as const, sub: 's-lin', name: '林审查', dept: 'fz-scjg', roles: ['reviewer' as const] };
const running: LocalStepFunctions[] = [];
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type AslState = { Type: string; TimeoutSeconds?: number; Catch?: Array<{ ErrorEquals: string[]; Next: string }>; ItemProcessor?: { States: Record<string, AslState> } };
const definition = JSON.parse(readFileSync(CASE_STATE_MACHINE_FILE, 'utf8')) as { States: Record<string, AslState> };

/** The definition as deployed, with every wait's timeout replaced (to watch a timeout happen in seconds). */
function withWaitTimeout(seconds: number): string {
  const copy = JSON.parse(JSON.stringify(definition)) as typeof definition;
  const visit = (states: Record<string, AslState>) => {
    for (const s of Object.values(states)) {
      if (s.TimeoutSeconds === 1_728_000) s.TimeoutSeconds = seconds;
      if (s.ItemProcessor) visit(s.ItemProcessor.States);
    }
  };
  visit(copy.States);
  const dir = mkdtempSync(join(tmpdir(), 'ywtb-asl-'));
  dirs.push(dir);
  const file = join(dir, 'case.asl.json');
  writeFileSync(file, JSON.stringify(copy));
  return file;
}

async function started(opts: Parameters<typeof workflowDeps>[0] = {}) {
  const out = await workflowDeps(opts);
  running.push(out.sfn);
  return out;
}

describe('C1 F5 the workflow: every Task is bounded and caught', () => {
  it('gives every Task state an explicit timeout and a Catch (its own, or its Map’s) that records why it stopped', () => {
    const unbounded: string[] = [];
    const uncaught: string[] = [];
    const visit = (states: Record<string, AslState>, caughtByParent: boolean) => {
      for (const [name, s] of Object.entries(states)) {
        if (s.Type === 'Task' && !s.TimeoutSeconds) unbounded.push(name);
        const caught = caughtByParent || !!s.Catch?.some((c) => c.ErrorEquals.includes('States.ALL'));
        if (s.Type === 'Task' && !caught) uncaught.push(name);
        if (s.ItemProcessor) visit(s.ItemProcessor.States, !!s.Catch?.some((c) => c.ErrorEquals.includes('States.ALL')));
      }
    };
    visit(definition.States, false);
    expect(unbounded).toEqual([]);
    expect(uncaught).toEqual([]);
    // Waits stay under Node's 24.8-day timer limit, so the local runtime keeps them as AWS does.
    expect(definition.States.AwaitDecision!.TimeoutSeconds! * 1000).toBeLessThan(2 ** 31 - 1);
    expect(definition.States.AwaitDecision!.Catch!.map((c) => c.Next)).toEqual(['LoadCase', 'RecordStop']);
  });
});

describe('C1 D1 E1 a department that answers after more than a minute (real time)', () => {
  it('completes a case accepted 65 s after filing, and one approved 65 s after acceptance', async () => {
    // Prepare: one case waiting for its acceptance, one accepted and waiting for its decision.
    const { deps } = await started();
    const late = await fileCase(deps, citizen(), await individualBusinessApplication(deps));
    const early = await fileCase(deps, citizen(), await individualBusinessApplication(deps));
    await until(() => deps.cases.listWaits(early.body.caseId), (w) => w.some((x) => x.stage === 'acceptance'));
    await actOnCase(deps, dept, { caseId: early.body.caseId, command: { type: 'accept' } });
    await until(() => deps.cases.listWaits(early.body.caseId), (w) => w.some((x) => x.stage === 'decision'));

    // Act: the department answers both after 65 s of real time.
    await new Promise((r) => setTimeout(r, 65_000));

    await actOnCase(deps, dept, { caseId: late.body.caseId, command: { type: 'accept' } });
    await actOnCase(deps, dept, { caseId: early.body.caseId, command: { type: 'approve' } });
    await until(() => deps.cases.listWaits(late.body.caseId), (w) => w.some((x) => x.stage === 'decision'));
    await actOnCase(deps, dept, { caseId: late.body.caseId, command: { type: 'approve' } });
    // Assess
    for (const caseId of [late.body.caseId, early.body.caseId]) {
      const done = await until(() => viewCase(deps, citizen(), caseId), (v) => v.status === 'completed');
      expect(done.status).toBe('completed');
      expect(done.certificates).toHaveLength(1);
      // One attempt did it all.
      expect(await deps.workflowRuns.getWorkflowRun(caseId)).toMatchObject({ attempt: 1, status: 'running' });
    }
  }, 120_000);
});

describe('C1 F5 a wait that times out looks again and carries on', () => {
  it('renews a wait whose timeout passed (2 s here, 20 days as deployed) within the same execution', async () => {
    const { deps, sfn } = await started({ aslFile: withWaitTimeout(2) });
    const { body } = await fileCase(deps, citizen(), await individualBusinessApplication(deps));
    const first = await until(() => deps.cases.listWaits(body.caseId), (w) => w.length === 1);
    // Two timeouts later the wait is there again, with a new token.
    const renewed = await until(() => deps.cases.listWaits(body.caseId), (w) => w.length === 1 && w[0]!.token !== first[0]!.token, 8_000);
    expect(renewed[0]!.token).not.toBe(first[0]!.token);
    expect(sfn.runningExecutions()).toEqual([`${body.caseId}-1`]);
    await actOnCase(deps, dept, { caseId: body.caseId, command: { type: 'accept' } });
    await until(() => deps.cases.listWaits(body.caseId), (w) => w.some((x) => x.stage === 'decision'));
    await actOnCase(deps, dept, { caseId: body.caseId, command: { type: 'approve' } });
    expect((await until(() => deps.cases.get(body.caseId), (c) => c?.status === 'completed'))?.status).toBe('completed');
  }, 30_000);
});

describe('C1 F5 an execution that fails is recorded and started again', () => {
  it('records a failed step on the case, shows staff and administrators the case is being recovered, and the sweep’s new attempt finishes it', async () => {
    let fail = true;
    const { deps } = await started({
      task: async (input, run) => {
        const task = input as { action: string; stage?: string };
        if (fail && task.action === 'await' && task.stage === 'decision') {
          fail = false;
          throw Object.assign(new Error('the table did not answer'), { name: 'Injected.Failure' });
        }
        return run(input);
      },
    });
    // Act: the step after the acceptance fails once.
    const { body } = await fileCase(deps, citizen(), await individualBusinessApplication(deps));
    await until(() => deps.cases.listWaits(body.caseId), (w) => w.some((x) => x.stage === 'acceptance'));
    await actOnCase(deps, dept, { caseId: body.caseId, command: { type: 'accept' } });

    // Assess: recorded, shown to staff and administrators, not to the applicant.
    const stopped = await until(() => deps.workflowRuns.getWorkflowRun(body.caseId), (r) => r?.status === 'stopped');
    expect(stopped).toMatchObject({ attempt: 1, status: 'stopped', reason: { error: 'Injected.Failure', cause: expect.stringContaining('the table did not answer') } });
    expect((await viewCase(deps, staff, body.caseId)).workflow).toMatchObject({ status: 'recovering', attempt: 1, reason: { error: 'Injected.Failure' } });
    expect((await supervisionOverview(deps, admin)).recoveringWorkflows).toEqual([expect.objectContaining({ caseId: body.caseId, status: 'stopped' })]);
    // The applicant is not shown the platform's own trouble.
    expect(await viewCase(deps, citizen(), body.caseId)).not.toHaveProperty('workflow');

    // Act: the sweep. Assess: a second attempt runs and finishes the case.
    expect(await runScheduledTask(deps, { task: 'sweep' })).toMatchObject({ restarted: [body.caseId] });
    expect(await deps.workflowRuns.getWorkflowRun(body.caseId)).toMatchObject({ attempt: 2, status: 'running' });
    expect((await viewCase(deps, staff, body.caseId)).workflow).toMatchObject({ status: 'running', attempt: 2 });
    await until(() => deps.cases.listWaits(body.caseId), (w) => w.some((x) => x.stage === 'decision'));
    await actOnCase(deps, dept, { caseId: body.caseId, command: { type: 'approve' } });
    expect((await until(() => deps.cases.get(body.caseId), (c) => c?.status === 'completed'))?.status).toBe('completed');
    expect((await supervisionOverview(deps, admin)).recoveringWorkflows).toEqual([]);
  }, 30_000);

  it('records an execution stopped from outside (StopExecution), which no Catch sees, and starts a new attempt under a new name', async () => {
    const { deps, sfn } = await started();
    const { body } = await fileCase(deps, citizen(), await individualBusinessApplication(deps));
    await until(() => deps.cases.listWaits(body.caseId), (w) => w.length === 1);
    expect(sfn.abortExecution(`${body.caseId}-1`)).toBe(true);
    const stopped = await until(() => deps.workflowRuns.getWorkflowRun(body.caseId), (r) => r?.status === 'stopped');
    expect(stopped?.reason).toEqual({ error: 'States.ABORTED' });
    expect(await deps.workflow.isRunning(`${body.caseId}-1`)).toBe(false);

    expect(await runScheduledTask(deps, { task: 'sweep' })).toMatchObject({ restarted: [body.caseId] });
    expect(sfn.runningExecutions()).toContain(`${body.caseId}-2`);
    // A closed execution's name is not used again (as Step Functions keeps it for 90 days).
    expect(sfn.startExecution(`${body.caseId}-1`, { caseId: body.caseId }).refused).toMatch(/already exists/);
    await actOnCase(deps, dept, { caseId: body.caseId, command: { type: 'accept' } });
    await until(() => deps.cases.listWaits(body.caseId), (w) => w.some((x) => x.stage === 'decision'));
    await actOnCase(deps, dept, { caseId: body.caseId, command: { type: 'approve' } });
    expect((await until(() => deps.cases.get(body.caseId), (c) => c?.status === 'completed'))?.status).toBe('completed');
    // A finished case leaves nothing for the sweep.
    expect(await runScheduledTask(deps, { task: 'sweep' })).toMatchObject({ restarted: [] });
  }, 30_000);
});

describe('C1 F5 one attempt at a time, and nothing lost when a report is', () => {
  it('lets only one of two racing starters begin the next attempt', async () => {
    const deps = await integrationDeps();
    const { body } = await fileCase(deps, citizen(), await individualBusinessApplication(deps));
    await deps.workflowRuns.markWorkflowStopped(body.caseId, 1, { error: 'Injected.Failure' }, new Date().toISOString());
    const results = await Promise.all([startWorkflow(deps, body.caseId, 1), startWorkflow(deps, body.caseId, 1), startWorkflow(deps, body.caseId, 1)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(deps.workflow.executions.filter((e) => e.startsWith(body.caseId))).toEqual([`${body.caseId}-1`, `${body.caseId}-2`]);
    // A running attempt is not started over.
    expect(await startWorkflow(deps, body.caseId, 2)).toBeUndefined();
  });

  it('finds at the daily watch a run recorded as running whose execution is gone (its end was never reported), and the sweep starts it again', async () => {
    const deps = await integrationDeps();
    const realClock = new MovableClock();
    const later = { ...deps, realClock };
    const { body } = await fileCase(deps, citizen(), await individualBusinessApplication(deps));
    // The execution ended and nobody was told (the report went astray).
    deps.workflow.executions = deps.workflow.executions.filter((e) => e !== `${body.caseId}-1`);
    expect(await runScheduledTask(later, { task: 'watch-all' })).toMatchObject({ watched: expect.any(Number) });
    expect(await deps.workflowRuns.getWorkflowRun(body.caseId)).toMatchObject({ status: 'running' }); // within the grace period: not yet
    realClock.set(new Date(Date.now() + 5 * 60_000));
    await runScheduledTask(later, { task: 'watch-all' });
    expect(await deps.workflowRuns.getWorkflowRun(body.caseId)).toMatchObject({ status: 'stopped', attempt: 1, reason: { error: 'Workflow.Lost' } });
    expect(await runScheduledTask(later, { task: 'sweep' })).toMatchObject({ restarted: [body.caseId] });
    expect(deps.workflow.executions).toContain(`${body.caseId}-2`);
  });
});
