import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findItem } from '#shared/catalog/index.ts';
import { isSms, type WebhookDelivery } from '#shared/domain/delivery.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { RuleViolation, SharedDataUnavailable } from '#shared/errors.ts';
import { fileCase, viewCase } from '#shared/usecases/cases.ts';
import { FETCH_LEGAL_BASIS } from '#shared/usecases/fetched-materials.ts';
import { createUpload } from '#shared/usecases/uploads.ts';
import { admin, citizen, pdf, sha256 } from '../support/fixtures.ts';
import { supervisionOverview } from '#shared/usecases/supervision.ts';
import { memoryDeps } from '../support/memory.ts';
import type { Certificate } from '#shared/domain/records.ts';

const individual = findItem('individual-business-registration')!;
const food = findItem('food-business-licence')!;
const pension = findItem('basic-pension-claim')!;

async function uploaded(m: ReturnType<typeof memoryDeps>, who: Principal, name = 'premises.pdf') {
  const file = pdf(name);
  const slot = await createUpload(m.deps, who, { fileName: name, contentType: 'application/pdf', size: file.length, sha256: sha256(file) });
  await m.blobs.put(m.table.uploads.get(slot.uploadId)!.objectKey, file, 'application/pdf');
  return slot.uploadId;
}

/** 个体工商户设立登记 with only the premises proof given: the ID card is the platform's to fetch. */
async function fileIndividual(m: ReturnType<typeof memoryDeps>, who: Principal = citizen(), form: Record<string, unknown> = individual.formExample) {
  return fileCase(m.deps, who, { serviceItemCode: individual.code, form, materials: [{ materialId: 'premises-proof', uploadId: await uploaded(m, who) }] });
}

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(RuleViolation);
  return (err as RuleViolation).errors;
};

describe('C2 never ask twice: a fetchable material is fetched, for real', () => {
  it('fetches the ID card from the shared-data platform and keeps it with the case: where from, when, on what basis, its digest', async () => {
    // Prepare
    const m = memoryDeps();
    m.clock.set(new Date('2026-11-23T10:00:00+08:00'));
    // Act
    const { body } = await fileIndividual(m);
    await m.runFollowUps();
    // Assess
    expect(m.sharedData.asked).toEqual(['u-chen/id-card']);
    const idCard = m.table.cases.get(body.caseId)!.materials.find((x) => x.materialId === 'id-card')!;
    expect(idCard).toMatchObject({ source: 'shared_data', fetchedFrom: '福建省公安厅 居民身份证电子证照', fetchedAt: expect.stringMatching(/^2026-11-23T10:00:00\.\d{3}\+08:00$/), legalBasis: FETCH_LEGAL_BASIS, contentType: 'application/json' });
    // The bytes pinned are the record fetched, and their digest is the one on the case.
    const stored = m.blobs.objects.get((idCard as { objectKey: string }).objectKey)!.body;
    expect(createHash('sha256').update(stored).digest('hex')).toBe((idCard as { sha256: string }).sha256);
    expect(JSON.parse(stored.toString('utf8'))).toMatchObject({ dataset: '福建省公安厅 居民身份证电子证照', subject: 'u-chen', materialId: 'id-card', record: { name: '陈美玲', idNumber: '350102198806123013' } });
    // The applicant sees it as fetched, not asked for; the department is told it with the others.
    const view = await viewCase(m.deps, citizen(), body.caseId);
    expect(view.materials.find((x) => x.materialId === 'id-card')).toMatchObject({ source: 'shared_data', fetchedFrom: '福建省公安厅 居民身份证电子证照', legalBasis: FETCH_LEGAL_BASIS });
    const submitted = [...m.table.deliveries.values()].find((d): d is WebhookDelivery => !isSms(d) && d.type === 'case.submitted')!;
    expect(submitted.data.materials).toContainEqual(expect.objectContaining({ materialId: 'id-card', source: 'shared_data', sha256: (idCard as { sha256: string }).sha256 }));
    expect(view.dataMismatches).toBeUndefined();
  });

  it('with nothing on file, refuses the filing naming the material, writes nothing, and takes the applicant’s upload instead', async () => {
    const m = memoryDeps();
    const stranger = citizen({ sub: 'u-nobody', name: '赵无档' });
    const errors = await refusal(fileIndividual(m, stranger));
    expect(errors).toEqual([{ path: 'materials', message: 'required material "id-card" (经营者身份证明) is not on file in the certificate library or with 福建省公安厅 居民身份证电子证照: upload it' }]);
    expect(m.table.cases.size).toBe(0);
    // The applicant uploads it, as FZ 13 allows where shared data is missing.
    const { body } = await fileCase(m.deps, stranger, {
      serviceItemCode: individual.code,
      form: individual.formExample,
      materials: [
        { materialId: 'premises-proof', uploadId: await uploaded(m, stranger) },
        { materialId: 'id-card', uploadId: await uploaded(m, stranger, 'id-card.pdf') },
      ],
    });
    expect(m.table.cases.get(body.caseId)!.materials.find((x) => x.materialId === 'id-card')!.source).toBe('upload');
  });

  it('asks nothing of the platform for a material the applicant gave', async () => {
    const m = memoryDeps();
    await fileCase(m.deps, citizen(), {
      serviceItemCode: individual.code,
      form: individual.formExample,
      materials: [
        { materialId: 'premises-proof', uploadId: await uploaded(m, citizen()) },
        { materialId: 'id-card', uploadId: await uploaded(m, citizen(), 'id-card.pdf') },
      ],
    });
    expect(m.sharedData.asked).toEqual([]);
  });

  it('looks in the applicant’s certificates in the library first, and passes over a revoked one', async () => {
    // Prepare: 陈美玲 holds a business licence the platform issued.
    const m = memoryDeps();
    const licence: Certificate = {
      certificateId: '01KAQ3Z6Y2V8J5M0N4C7R1T9XC',
      caseId: '01KAQ3Z6Y2V8J5M0N4C7R1T9XB',
      supervisionCode: '350100-261120-7K3M9QXA-R',
      type: 'business_licence',
      name: '营业执照（个体工商户）',
      holder: { id: 'u-chen', name: '陈美玲' },
      issuer: { code: 'fz-scjg', name: '福州市市场监督管理局' },
      issuedAt: '2026-11-20T10:00:00.000+08:00',
      summary: { registrationNo: '92350102MA8X1234' },
      status: 'valid',
    };
    m.table.certificates.set(licence.certificateId, licence);
    // Act
    const { body } = await fileCase(m.deps, citizen(), { serviceItemCode: food.code, form: food.formExample, materials: [] }).catch(async (err: RuleViolation) => {
      // food-business-licence has materials to upload besides; give each.
      const refs = [];
      for (const spec of food.materials.filter((s) => s.required && !s.fetchable && !s.fromForm)) refs.push({ materialId: spec.id, uploadId: await uploaded(m, citizen(), `${spec.id}.pdf`) });
      expect((err.errors ?? []).every((e) => !e.message.includes('business-licence'))).toBe(true);
      return fileCase(m.deps, citizen(), { serviceItemCode: food.code, form: food.formExample, materials: refs });
    });
    // Assess
    expect(m.table.cases.get(body.caseId)!.materials.find((x) => x.materialId === 'business-licence')).toMatchObject({
      source: 'certificate_library',
      certificateId: licence.certificateId,
      fetchedFrom: '电子证照库：营业执照（个体工商户）（福州市市场监督管理局，350100-261120-7K3M9QXA-R）',
      legalBasis: FETCH_LEGAL_BASIS,
    });
    expect(m.sharedData.asked).not.toContain('u-chen/business-licence');
    // Revoked, it is no longer fetched; nothing else is on file for it.
    m.table.certificates.set(licence.certificateId, { ...licence, status: 'revoked' });
    const refs = [];
    for (const spec of food.materials.filter((s) => s.required && !s.fetchable && !s.fromForm)) refs.push({ materialId: spec.id, uploadId: await uploaded(m, citizen(), `${spec.id}.pdf`) });
    const errors = await refusal(fileCase(m.deps, citizen(), { serviceItemCode: food.code, form: food.formExample, materials: refs }));
    expect(errors).toEqual([expect.objectContaining({ message: expect.stringContaining('required material "business-licence" (营业执照) is not on file') })]);
  });

  it('answers 503 when the shared-data platform cannot be asked, and writes nothing', async () => {
    const m = memoryDeps();
    m.sharedData.down = true;
    await expect(fileIndividual(m)).rejects.toBeInstanceOf(SharedDataUnavailable);
    expect(m.table.cases.size).toBe(0);
  });

  it('fetches an optional material when on file, and files without it when not', async () => {
    const m = memoryDeps();
    const bank = { materialId: 'bank-card', uploadId: await uploaded(m, citizen(), 'bank.pdf') };
    const withIt = await fileCase(m.deps, citizen(), { serviceItemCode: pension.code, form: pension.formExample, materials: [bank] });
    expect(m.table.cases.get(withIt.body.caseId)!.materials.map((x) => [x.materialId, x.source])).toEqual([['id-card', 'shared_data'], ['bank-card', 'upload'], ['retirement-approval', 'shared_data']]);
    // Not on file, or the platform not answering for it: filed without it.
    m.sharedData.downFor.add('retirement-approval');
    const bank3 = { materialId: 'bank-card', uploadId: await uploaded(m, citizen(), 'bank3.pdf') };
    const unanswered = await fileCase(m.deps, citizen(), { serviceItemCode: pension.code, form: pension.formExample, materials: [bank3] });
    expect(m.table.cases.get(unanswered.body.caseId)!.materials.map((x) => x.materialId)).toEqual(['id-card', 'bank-card']);
    m.sharedData.downFor.clear();
    m.sharedData.records.delete('u-chen/retirement-approval');
    const bank2 = { materialId: 'bank-card', uploadId: await uploaded(m, citizen(), 'bank2.pdf') };
    const without = await fileCase(m.deps, citizen(), { serviceItemCode: pension.code, form: pension.formExample, materials: [bank2] });
    expect(m.table.cases.get(without.body.caseId)!.materials.map((x) => x.materialId)).toEqual(['id-card', 'bank-card']);
  });
});

describe('C4 form data that contradicts the shared record', () => {
  it('files the case, flags it for the department, and tells the applicant which fields', async () => {
    // Prepare
    const m = memoryDeps();
    m.clock.set(new Date('2026-11-23T10:00:00+08:00'));
    // Act: an ID number one digit off the record's
    const filed = await fileIndividual(m, citizen(), { ...individual.formExample, idNumber: '350102198806123021' });
    await m.runFollowUps();
    // Assess
    expect(filed.body.warnings).toEqual([{ path: 'form.idNumber', message: '公民身份号码与福建省公安厅 居民身份证电子证照的记录不一致，已提示受理部门核实；如填写有误，请在补正时更正' }]);
    const flagged = [{ materialId: 'id-card', field: 'idNumber', label: '公民身份号码', dataset: '福建省公安厅 居民身份证电子证照' }];
    expect(m.table.cases.get(filed.body.caseId)!.dataMismatches).toEqual(flagged);
    const staff: Principal = { kind: 'staff', sub: 's-r', name: '窗口', dept: individual.department.code, roles: ['reviewer'] };
    expect((await viewCase(m.deps, staff, filed.body.caseId)).dataMismatches).toEqual(flagged);
    const submitted = [...m.table.deliveries.values()].find((d): d is WebhookDelivery => !isSms(d) && d.type === 'case.submitted')!;
    expect(submitted.data.dataMismatches).toEqual(flagged);
    expect(m.notifier.sent).toEqual([
      expect.objectContaining({ template: 'case.submitted', text: expect.stringContaining('提交的个体工商户设立登记申请中，公民身份号码与福建省公安厅 居民身份证电子证照的记录不一致，已提示受理部门核实') }),
    ]);
  });

  it('compares as people write: spaces around and the case of an ID number’s X do not count', async () => {
    const m = memoryDeps();
    m.sharedData.put('u-x', 'id-card', { name: ' 陈美玲 ', idNumber: '35010219880612100x' });
    const filed = await fileIndividual(m, citizen({ sub: 'u-x' }), { ...individual.formExample, idNumber: '35010219880612100X' });
    expect(filed.body.warnings).toBeUndefined();
  });
});

describe('C2 the supervision view counts materials fetched instead of asked for', () => {
  it('per item, over the last twelve months', async () => {
    const m = memoryDeps();
    m.clock.set(new Date('2026-11-23T10:00:00+08:00'));
    await fileIndividual(m);
    await fileIndividual(m);
    const overview = await supervisionOverview(m.deps, admin);
    expect(overview.materials).toEqual([{ serviceItemCode: individual.code, name: individual.name, fetched: 2, given: 2 }]);
  });
});
