import { describe, expect, it } from 'vitest';
import { actOnCase } from '#shared/usecases/case-actions.ts';
import { fileCase } from '#shared/usecases/cases.ts';
import { openMaterial } from '#shared/usecases/materials.ts';
import { progressByCode } from '#shared/usecases/progress.ts';
import { integrationDeps } from '../support/deps.ts';
import { citizen, individualBusinessApplication } from '../support/fixtures.ts';

describe('H1 the public progress in DynamoDB Local, written with each step', () => {
  it('follows the case step by step, leaves out the steps kept inside, and holds no name', async () => {
    // Prepare
    const deps = await integrationDeps();
    const { body } = await fileCase(deps, citizen(), await individualBusinessApplication(deps));
    const lead = { kind: 'department' as const, id: 'fz-scjg', via: 'webhook' as const };
    const follow = () => progressByCode({ progress: deps.store.progress, realClock: deps.clock }, body.supervisionCode, '陈美玲');
    expect((await follow()).steps.map((s) => s.type)).toEqual(['case.submitted']);
    // Act
    await actOnCase(deps, lead, { caseId: body.caseId, command: { type: 'request_supplement', items: [{ materialId: 'premises-proof', reason: '租赁合同缺少出租方签章' }] } });
    await deps.settle();
    await openMaterial(deps, lead, body.caseId, 'premises-proof');
    // Assess
    const seen = await follow();
    expect(seen).toMatchObject({ status: 'awaiting_supplement', steps: [{ type: 'case.submitted' }, { type: 'case.supplement_requested' }] });
    const stored = await deps.store.progress.getProgress(body.supervisionCode);
    expect(JSON.stringify(stored)).not.toContain('陈美玲');
    await expect(progressByCode({ progress: deps.store.progress, realClock: deps.clock }, body.supervisionCode, '陈美')).rejects.toThrow(/no case/);
    // The wrong name is counted on the code's own item, in DynamoDB, for the day; the next step keeps the count.
    const today = new Date(deps.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    expect((await deps.store.progress.getProgress(body.supervisionCode))!.misses).toEqual({ [today]: 1 });
    await actOnCase(deps, { kind: 'applicant', id: 'u-chen', name: '陈美玲' }, { caseId: body.caseId, command: { type: 'withdraw' } });
    expect((await deps.store.progress.getProgress(body.supervisionCode))!).toMatchObject({ status: 'withdrawn', misses: { [today]: 1 } });
  });
});
