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
    const follow = () => progressByCode({ progress: deps.store.progress }, body.supervisionCode, '陈美玲');
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
    await expect(progressByCode({ progress: deps.store.progress }, body.supervisionCode, '陈美')).rejects.toThrow(/no case/);
  });
});
