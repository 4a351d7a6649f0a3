import { describe, expect, it } from 'vitest';
import { findItem } from '#shared/catalog/index.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { NotFound } from '#shared/errors.ts';
import { fileCase } from '#shared/usecases/cases.ts';
import { staffAction } from '#shared/usecases/department-actions.ts';
import { openMaterial } from '#shared/usecases/materials.ts';
import { progressByCode } from '#shared/usecases/progress.ts';
import { createUpload } from '#shared/usecases/uploads.ts';
import { citizen, pdf, sha256 } from '../support/fixtures.ts';
import { memoryDeps } from '../support/memory.ts';

const item = findItem('individual-business-registration')!;
const reviewer: Principal = { kind: 'staff', sub: 's-r', name: '窗口人员', dept: item.department.code, roles: ['reviewer'] };

async function accepted() {
  const m = memoryDeps();
  m.clock.set(new Date('2026-11-23T10:00:00+08:00'));
  const file = pdf();
  const slot = await createUpload(m.deps, citizen(), { fileName: 'premises.pdf', contentType: 'application/pdf', size: file.length, sha256: sha256(file) });
  await m.blobs.put(m.table.uploads.get(slot.uploadId)!.objectKey, file, 'application/pdf');
  const { body } = await fileCase(m.deps, citizen(), { serviceItemCode: item.code, form: item.formExample, materials: [{ materialId: 'premises-proof', uploadId: slot.uploadId }] });
  await m.runFollowUps();
  await staffAction(m.deps, reviewer, body.caseId, { type: 'case.accept', data: {} });
  await openMaterial(m.deps, reviewer, body.caseId, 'premises-proof');
  return { ...m, ...body, progress: { progress: m.table.progressRepository, realClock: m.clock } };
}

describe('H1 anyone with the supervision code and the applicant’s name follows the case', () => {
  it('shows its item, department, status and steps, and nothing personal', async () => {
    const m = await accepted();
    const seen = await progressByCode(m.progress, m.supervisionCode, '陈美玲');
    expect(seen).toEqual({
      supervisionCode: m.supervisionCode,
      serviceItem: { code: item.code, name: item.name },
      department: { code: 'fz-scjg', name: '福州市市场监督管理局' },
      status: 'accepted',
      filedAt: expect.stringMatching(/^2026-11-23T10:00/),
      updatedAt: expect.any(String),
      steps: [
        { at: expect.any(String), type: 'case.submitted' },
        { at: expect.any(String), type: 'case.accepted' },
      ],
    });
    // Not who acted, not the materials opened, not the form, not the applicant.
    expect(JSON.stringify(seen)).not.toMatch(/陈美玲|350102198806123013|13805918877|"s-r"|u-chen|premises|material_opened/);
  });

  it('takes the name as written with spaces around it', async () => {
    const m = await accepted();
    expect((await progressByCode(m.progress, m.supervisionCode, '  陈美玲 ')).status).toBe('accepted');
  });

  it('answers a wrong name exactly as an unknown code: 404, saying nothing of whose code it is', async () => {
    const m = await accepted();
    const wrong = await progressByCode(m.progress, m.supervisionCode, '王建国').catch((e: unknown) => e);
    const unknown = await progressByCode(m.progress, '350100-261123-00000000-X', '陈美玲').catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(NotFound);
    expect(unknown).toBeInstanceOf(NotFound);
    expect((wrong as Error).message.replace(m.supervisionCode, 'CODE')).toBe((unknown as Error).message.replace('350100-261123-00000000-X', 'CODE'));
  });
});

describe('H1 the lookup cannot be used to guess the name the verification masks', () => {
  it('answers nothing more for the day after five wrong names — not even the right one — and again the next day', async () => {
    const m = await accepted();
    for (const guess of ['陈一玲', '陈二玲', '陈三玲', '陈四玲', '陈五玲']) await expect(progressByCode(m.progress, m.supervisionCode, guess)).rejects.toBeInstanceOf(NotFound);
    await expect(progressByCode(m.progress, m.supervisionCode, '陈美玲')).rejects.toBeInstanceOf(NotFound);
    m.clock.set(new Date('2026-11-24T09:00:00+08:00'));
    expect((await progressByCode(m.progress, m.supervisionCode, '陈美玲')).status).toBe('accepted');
  });
});
