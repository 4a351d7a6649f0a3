import { fileCase, getServiceItem, listServiceItems, publishGuide } from '../support/checked.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { findItem } from '#shared/catalog/index.ts';
import { Forbidden, NotFound, RuleViolation } from '#shared/errors.ts';
import type { Deps } from '#shared/usecases/deps.ts';
import { integrationDeps } from '../support/deps.ts';
import { admin, citizen, pdf, uploadFile } from '../support/fixtures.ts';

let deps: Deps;
beforeAll(async () => {
  deps = await integrationDeps();
});

async function filePension() {
  const item = findItem('basic-pension-claim')!;
  const upload = await uploadFile(deps, citizen(), pdf('社会保障卡'), 'bank-card.pdf');
  const { body } = await fileCase(deps, citizen(), { serviceItemCode: item.code, form: item.formExample as Record<string, unknown>, materials: [{ materialId: 'bank-card', uploadId: upload.uploadId }] });
  return (await deps.cases.get(body.caseId))!;
}

const refusal = async (p: Promise<unknown>) => {
  const err = (await p.catch((e: unknown) => e)) as RuleViolation;
  expect(err).toBeInstanceOf(RuleViolation);
  return err.errors ?? [];
};

describe('F1 A2 publishing a guide: promised limit never above the statutory one', () => {
  describe('a new version', () => {
    let before: Awaited<ReturnType<typeof filePension>>;
    let published: Awaited<ReturnType<typeof publishGuide>>;
    let after: Awaited<ReturnType<typeof filePension>>;
    beforeAll(async () => {
      before = await filePension();
      published = await publishGuide(deps, admin, 'basic-pension-claim', { promisedDays: 8, yellowDays: 3 });
      after = await filePension();
    });

    it('is published with its limits', () => {
      expect(published).toMatchObject({ code: 'basic-pension-claim', version: 2, promisedDays: 8, statutoryDays: 20, yellowDays: 3 });
    });

    it('is the one the service item shows', async () => {
      await expect(getServiceItem(deps, 'basic-pension-claim')).resolves.toMatchObject({ version: 2, promisedDays: 8 });
    });

    it('is the one the catalog lists', async () => {
      expect((await listServiceItems(deps, { limit: 20, q: '养老' })).items[0]).toMatchObject({ promisedDays: 8 });
    });

    it('is the one new cases are filed under', () => {
      expect(after.serviceItem.version).toBe(2);
      expect(after.limits).toEqual({ acceptanceDays: 2, promisedDays: 8, statutoryDays: 20, yellowDays: 3 });
    });

    it('leaves filed cases with theirs', async () => {
      expect(before.serviceItem.version).toBe(1);
      expect((await deps.cases.get(before.caseId))!.limits).toEqual({ acceptanceDays: 2, promisedDays: 10, statutoryDays: 20 });
    });
  });

  it('refuses a promised limit above the statutory one, and changes nothing', async () => {
    // Prepare
    const current = await getServiceItem(deps, 'individual-business-registration');
    // Act / Assess
    expect(await refusal(publishGuide(deps, admin, 'individual-business-registration', { promisedDays: current.statutoryDays + 1 }))).toEqual([
      { path: 'promisedDays', message: `the promised limit (${current.statutoryDays + 1} working days) may not exceed the statutory limit (${current.statutoryDays})` },
    ]);
    // Assess
    await expect(getServiceItem(deps, 'individual-business-registration')).resolves.toMatchObject({ version: current.version, promisedDays: current.promisedDays });
  });

  it('refuses lowering the statutory limit below the promised one in the same way, and changes nothing', async () => {
    // Prepare
    const current = await getServiceItem(deps, 'individual-business-registration');
    // Act / Assess
    expect((await refusal(publishGuide(deps, admin, 'individual-business-registration', { statutoryDays: 2, promisedDays: 3 }))).map((e) => e.path)).toEqual(['promisedDays']);
    // Assess
    await expect(getServiceItem(deps, 'individual-business-registration')).resolves.toMatchObject({ version: current.version, promisedDays: current.promisedDays });
  });

  it('refuses a yellow threshold not below the promised limit', async () => {
    expect((await refusal(publishGuide(deps, admin, 'food-business-licence', { yellowDays: 50 }))).map((e) => e.path)).toEqual(['yellowDays']);
  });

  it('refuses a co-departments’ limit for an item without co-departments', async () => {
    expect((await refusal(publishGuide(deps, admin, 'food-business-licence', { opinionDays: 2 }))).map((e) => e.path)).toEqual(['opinionDays']);
  });

  it('publishes a co-departments’ limit for an item with co-departments', async () => {
    await expect(publishGuide(deps, admin, 'construction-planning-permit', { opinionDays: 4 })).resolves.toMatchObject({ opinionDays: 4, version: 2 });
  });

  it('is refused to department staff', async () => {
    await expect(publishGuide(deps, { kind: 'staff', sub: 's-1', name: '审查员', dept: 'fz-rsj', roles: ['approver'] }, 'basic-pension-claim', { promisedDays: 5 })).rejects.toBeInstanceOf(Forbidden);
  });

  it('is refused to citizens', async () => {
    await expect(publishGuide(deps, citizen(), 'basic-pension-claim', { promisedDays: 5 })).rejects.toBeInstanceOf(Forbidden);
  });

  it('answers 404 for an item that does not exist', async () => {
    await expect(publishGuide(deps, admin, 'no-such-item', { promisedDays: 5 })).rejects.toBeInstanceOf(NotFound);
  });
});
