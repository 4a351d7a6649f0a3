import { fileCase, listCases, openMaterial, receiveDepartmentWebhook, rotateSecret, supplementCase, viewCase } from '../support/checked.ts';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { findItem } from '#shared/catalog/index.ts';
import { Conflict, NotFound, RuleViolation } from '#shared/errors.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { actOnCase } from '#shared/usecases/case-actions.ts';
import { integrationDeps } from '../support/deps.ts';
import { admin, citizen, individualBusinessApplication, pdf, sha256, uploadFile } from '../support/fixtures.ts';

let deps: Awaited<ReturnType<typeof integrationDeps>>;
const staff = (dept: string, sub = `s-${dept}`): Principal => ({ kind: 'staff', sub, name: '工作人员', dept, roles: ['reviewer', 'approver'] });
const lead = { kind: 'department' as const, id: 'fz-zrzy', via: 'webhook' as const };
const scjg = { kind: 'department' as const, id: 'fz-scjg', via: 'webhook' as const };
const download = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());
const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  deps = await integrationDeps();
});

/** A joint case (lead 自然资源和规划局, co-departments 城乡建设局 and 人民防空办公室) with three uploads. */
async function jointCase() {
  const company = citizen({ sub: 'c-fzct', name: '福州市城市建设投资集团有限公司', subjectType: 'company' });
  const files = Object.fromEntries(['design-scheme', 'civil-defence-plan', 'fire-design'].map((m) => [m, pdf(`${m} ${Math.random()}`)]));
  const materials = await Promise.all(Object.entries(files).map(async ([materialId, body]) => ({ materialId, uploadId: (await uploadFile(deps, company, body, `${materialId}.pdf`)).uploadId })));
  const item = findItem('construction-planning-permit')!;
  const { body } = await fileCase(deps, company, { serviceItemCode: item.code, form: item.formExample as Record<string, unknown>, materials });
  return { caseId: body.caseId, company, files, uploads: Object.fromEntries(materials.map((m) => [m.materialId, m.uploadId])) };
}

describe('E1 E3 F5 departments open the applicant’s materials on the platform', () => {
  describe('opening an upload of a joint case', () => {
    let joint: Awaited<ReturnType<typeof jointCase>>;
    beforeAll(async () => {
      joint = await jointCase();
    });

    const readers: Array<[string, () => Principal]> = [
      ['the applicant', () => joint.company],
      ['the lead department’s staff', () => staff('fz-zrzy')],
      ['a co-department’s staff (城乡建设局)', () => staff('fz-zjj')],
      ['a co-department’s staff (人民防空办公室)', () => staff('fz-rfb')],
    ];
    it.each(readers)('gives %s a link to exactly the filed bytes', async (_, who) => {
      const link = await openMaterial(deps, who(), joint.caseId, 'fire-design');
      expect(link).toMatchObject({ materialId: 'fire-design', source: 'upload', sha256: sha256(joint.files['fire-design']!), contentType: 'application/pdf', fileName: 'fire-design.pdf' });
      expect(await download(link.url)).toEqual(joint.files['fire-design']);
    });

    const outsiders: Array<[string, Principal | undefined]> = [
      ['the staff of a department with no part in the case', staff('fz-scjg')],
      ['an administrator', admin],
      ['another citizen', citizen({ sub: 'u-stranger' })],
      ['an anonymous caller', undefined],
    ];
    it.each(outsiders)('answers 404 to %s', async (_, who) => {
      await expect(openMaterial(deps, who, joint.caseId, 'fire-design')).rejects.toBeInstanceOf(NotFound);
    });

    it('answers 404 for a material the case does not have', async () => {
      await expect(openMaterial(deps, joint.company, joint.caseId, 'no-such-material')).rejects.toBeInstanceOf(NotFound);
    });
  });

  it('records every opening on the case: who, when, which material', async () => {
    // Prepare
    const { caseId, company } = await jointCase();
    // Act
    await openMaterial(deps, staff('fz-zjj', 's-wang'), caseId, 'design-scheme');
    // Assess
    const view = await viewCase(deps, company, caseId);
    const opened = view.timeline.filter((e) => e.type === 'case.material_opened');
    expect(opened).toEqual([expect.objectContaining({ actor: { kind: 'department', id: 'fz-zjj', via: 'staff', staffId: 's-wang' }, data: { materialId: 'design-scheme' } })]);
    expect(Date.parse(opened[0]!.at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('keeps the filed bytes even when the upload’s key is written again afterwards (the material is pinned)', async () => {
    // Prepare
    const { caseId, files, uploads } = await jointCase();
    await deps.blobs.put(`uploads/${uploads['design-scheme']}`, pdf('replaced after filing'), 'application/pdf');
    // Act
    const link = await openMaterial(deps, staff('fz-zrzy'), caseId, 'design-scheme');
    const bytes = await download(link.url);
    // Assess
    expect(bytes).toEqual(files['design-scheme']);
    expect(hash(bytes)).toBe(link.sha256);
  });

  it('serves the application form as filed (generated from the online form)', async () => {
    const { caseId } = await jointCase();
    const form = await openMaterial(deps, staff('fz-zrzy'), caseId, 'application-form');
    expect(form).toMatchObject({ source: 'form', formVersion: 1, contentType: 'application/json' });
    const doc = JSON.parse((await download(form.url)).toString('utf8'));
    expect(doc).toMatchObject({ caseId, formVersion: 1, form: findItem('construction-planning-permit')!.formExample });
  });

  it('C2 serves the land certificate the platform fetched from shared data, exactly as fetched', async () => {
    const { caseId } = await jointCase();
    const link = await openMaterial(deps, staff('fz-zrzy'), caseId, 'land-certificate');
    expect(link).toMatchObject({ materialId: 'land-certificate', source: 'shared_data', contentType: 'application/json' });
    const bytes = await download(link.url);
    expect(hash(bytes)).toBe(link.sha256);
    expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({ dataset: '福州市自然资源和规划局 不动产登记信息', subject: 'c-fzct', record: { rightHolder: '福州市城市建设投资集团有限公司' } });
  });

  describe('material.link on the department’s signed channel', () => {
    let joint: Awaited<ReturnType<typeof jointCase>>;
    let raw: string;
    let at: Date;
    let headers: Record<string, string>;
    let answers: Array<Awaited<ReturnType<typeof receiveDepartmentWebhook>>>;
    beforeAll(async () => {
      joint = await jointCase();
      const secret = (await rotateSecret(deps, admin, 'fz-rfb')).secret;
      raw = JSON.stringify({ type: 'material.link', caseId: joint.caseId, data: { materialId: 'civil-defence-plan' } });
      at = new Date();
      headers = { 'webhook-id': 'msg_link_1', 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign('msg_link_1', at, raw) };
      const first = await receiveDepartmentWebhook(deps, 'fz-rfb', headers, raw);
      const again = await receiveDepartmentWebhook(deps, 'fz-rfb', headers, raw);
      answers = [first, again];
    });

    it('answers with a link to the filed bytes, and again the same for a repeated webhook-id', async () => {
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({ materialId: 'civil-defence-plan', sha256: sha256(joint.files['civil-defence-plan']!) });
        expect(await download((answer.body as { url: string }).url)).toEqual(joint.files['civil-defence-plan']);
      }
    });

    it('records a repeated webhook-id’s opening once', async () => {
      const events = (await deps.cases.getWithEvents(joint.caseId))!.events.filter((e) => e.type === 'case.material_opened');
      expect(events.map((e) => [e.actor.id, e.data?.materialId])).toEqual([['fz-rfb', 'civil-defence-plan']]);
    });

    it('tells a department of no part in the case nothing (404)', async () => {
      const other = (await rotateSecret(deps, admin, 'fz-scjg')).secret;
      const h2 = { 'webhook-id': 'msg_link_2', 'webhook-timestamp': headers['webhook-timestamp']!, 'webhook-signature': new Webhook(other).sign('msg_link_2', at, raw) };
      await expect(receiveDepartmentWebhook(deps, 'fz-scjg', h2, raw)).rejects.toBeInstanceOf(NotFound);
    });
  });

  it('lists each material with its digest on the case, for the applicant and its departments', async () => {
    const { caseId, files, company } = await jointCase();
    const view = await viewCase(deps, company, caseId);
    expect(view.materials).toEqual(
      expect.arrayContaining([
        { materialId: 'fire-design', source: 'upload', fileName: 'fire-design.pdf', contentType: 'application/pdf', size: files['fire-design']!.length, sha256: sha256(files['fire-design']!) },
        expect.objectContaining({ materialId: 'application-form', source: 'form', formVersion: 1, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }),
        expect.objectContaining({
          materialId: 'land-certificate',
          source: 'shared_data',
          fetchedFrom: '福州市自然资源和规划局 不动产登记信息',
          legalBasis: '《福州市网上办事管理办法（试行）》第十三条',
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        }),
      ]),
    );
  });
});

describe('E3 co-departments see their joint cases in their work queue', () => {
  let caseId: string;
  let submittedBeforeAcceptance: string[];
  const ids = async (p: Principal, q: { status?: 'submitted' | 'accepted'; light?: 'green' | 'red' } = {}) =>
    (await listCases(deps, p, { limit: 100, ...q })).items.filter((c) => c.caseId === caseId).map((c) => `${c.status}/${c.light}`);
  beforeAll(async () => {
    ({ caseId } = await jointCase());
    submittedBeforeAcceptance = await ids(staff('fz-zjj'), { status: 'submitted' });
    await actOnCase(deps, lead, { caseId, command: { type: 'accept' } });
  });

  it('lists a filed joint case for a co-department under submitted, green', () => {
    expect(submittedBeforeAcceptance).toEqual(['submitted/green']);
  });

  it('no longer lists it under submitted once the lead has accepted it', async () => {
    expect(await ids(staff('fz-zjj'), { status: 'submitted' })).toEqual([]);
  });

  it('lists the accepted case for each co-department, by status and by its own light', async () => {
    expect(await ids(staff('fz-zjj'), { status: 'accepted', light: 'green' })).toEqual(['accepted/green']);
    expect(await ids(staff('fz-rfb'), { status: 'accepted' })).toEqual(['accepted/green']);
  });

  it('does not list a green case under red', async () => {
    expect(await ids(staff('fz-zjj'), { light: 'red' })).toEqual([]);
  });

  it('does not list it for a department with no part in the case', async () => {
    expect(await ids(staff('fz-scjg'))).toEqual([]);
  });
});

describe('D2 supplements have no dead end', () => {
  async function askedForForm() {
    const { body } = await fileCase(deps, citizen(), await individualBusinessApplication(deps));
    await actOnCase(deps, scjg, { caseId: body.caseId, command: { type: 'request_supplement', items: [{ materialId: 'application-form', reason: '经营范围填写不规范' }] } });
    return body.caseId;
  }
  const example = findItem('individual-business-registration')!.formExample as Record<string, unknown>;
  const ruleErrors = (p: Promise<unknown>) => p.then(() => [], (e: unknown) => (e instanceof RuleViolation ? e.errors : Promise.reject(e)));

  it('asks for the corrected form when a supplement for the application form comes without one', async () => {
    const caseId = await askedForForm();
    expect(await ruleErrors(supplementCase(deps, citizen(), caseId, { materials: [] }))).toEqual([{ path: 'form', message: expect.stringContaining('send the corrected form') }]);
    expect((await deps.cases.get(caseId))?.status).toBe('awaiting_supplement');
  });

  it('checks a corrected form against the item’s schema', async () => {
    const caseId = await askedForForm();
    expect(await ruleErrors(supplementCase(deps, citizen(), caseId, { materials: [], form: { ...example, employees: -1 } }))).toEqual([expect.objectContaining({ path: 'form.employees' })]);
    expect((await deps.cases.get(caseId))?.status).toBe('awaiting_supplement');
  });

  describe('a corrected form for a request naming the application form', () => {
    const corrected = { ...example, businessScope: '鲜花零售；花艺设计服务（不含网上销售）' };
    let caseId: string;
    let filed: { objectKey: string; sha256: string };
    let answer: Awaited<ReturnType<typeof supplementCase>>;
    let link: Awaited<ReturnType<typeof openMaterial>>;
    beforeAll(async () => {
      caseId = await askedForForm();
      filed = (await deps.cases.get(caseId))!.materials.find((m) => m.materialId === 'application-form')! as { objectKey: string; sha256: string };
      answer = await supplementCase(deps, citizen(), caseId, { materials: [], form: corrected, note: '已更正经营范围' });
      link = await openMaterial(deps, staff('fz-scjg'), caseId, 'application-form');
    });

    it('puts the case back to submitted', () => {
      expect(answer).toEqual({ caseId, status: 'submitted' });
    });

    it('becomes the case’s form', async () => {
      const record = (await deps.cases.get(caseId))!;
      expect(record.form).toEqual(corrected);
    });

    it('is served to the department as version 2', async () => {
      expect(link.formVersion).toBe(2);
      expect(JSON.parse((await download(link.url)).toString('utf8')).form).toEqual(corrected);
    });

    it('keeps version 1 as filed, under its own key, with the digest recorded at filing', async () => {
      expect(link.sha256).not.toBe(filed.sha256);
      const v1 = await download(await deps.blobs.presignGet(filed.objectKey, { expiresInSeconds: 60, fileName: 'v1.json' }));
      expect(hash(v1)).toBe(filed.sha256);
      expect(JSON.parse(v1.toString('utf8'))).toMatchObject({ formVersion: 1, form: example });
    });

    it('records the new version and its digest on the supplement event', async () => {
      const events = (await deps.cases.getWithEvents(caseId))!.events;
      expect(events.find((e) => e.type === 'case.supplemented')?.data).toMatchObject({ materialIds: ['application-form'], files: [{ materialId: 'application-form', formVersion: 2, sha256: link.sha256 }] });
    });
  });

  it('refuses a form nobody asked for', async () => {
    // Prepare
    const { body } = await fileCase(deps, citizen(), await individualBusinessApplication(deps));
    await actOnCase(deps, scjg, { caseId: body.caseId, command: { type: 'request_supplement', items: [{ materialId: 'premises-proof', reason: '未盖章' }] } });
    const upload = await uploadFile(deps, citizen(), pdf('已盖章'));
    // Act / Assess
    expect(await ruleErrors(supplementCase(deps, citizen(), body.caseId, { materials: [{ materialId: 'premises-proof', uploadId: upload.uploadId }], form: example }))).toEqual([
      { path: 'form', message: expect.stringContaining('did not name the application form') },
    ]);
  });

  it('allows one request and one follow-up naming only what the answer newly supplied; anything more is 409', async () => {
    // Prepare: one request, answered
    const caseId = await askedForForm();
    await supplementCase(deps, citizen(), caseId, { materials: [], form: { ...example, employees: 3 } });
    // Act / Assess: a follow-up naming what the answer did not supply
    await expect(actOnCase(deps, scjg, { caseId, command: { type: 'request_supplement', items: [{ materialId: 'premises-proof', reason: '另需' }] } })).rejects.toBeInstanceOf(Conflict);
    // Act: the follow-up naming the newly supplied form, answered
    await actOnCase(deps, scjg, { caseId, command: { type: 'request_supplement', items: [{ materialId: 'application-form', reason: '从业人数与社保记录不符' }] } });
    await supplementCase(deps, citizen(), caseId, { materials: [], form: { ...example, employees: 2 } });
    // Act / Assess: a third request
    const third = actOnCase(deps, scjg, { caseId, command: { type: 'request_supplement', items: [{ materialId: 'application-form', reason: '再次更正' }] } });
    await expect(third).rejects.toBeInstanceOf(Conflict);
    await expect(third).rejects.toThrow(/no further request/);
    // Assess
    const record = (await deps.cases.get(caseId))!;
    expect(record.status).toBe('submitted');
    expect(record.supplementRequests).toHaveLength(2);
    expect((await openMaterial(deps, staff('fz-scjg'), caseId, 'application-form')).formVersion).toBe(3);
  });
});
