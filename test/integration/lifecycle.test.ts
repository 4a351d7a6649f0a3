import { documentLink, fileCase, staffAction, supplementCase, viewCase, withdrawCase } from '../support/checked.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findItem } from '#shared/catalog/index.ts';
import { Conflict, Forbidden, IllegalTransition, NotFound, RuleViolation } from '#shared/errors.ts';
import type { Deps } from '#shared/usecases/deps.ts';
import { verifyChain } from '#shared/domain/case.ts';
import type { LocalStepFunctions } from '../../infra/local/step-functions-local.ts';
import { pdfPageTexts } from '../support/pdf.ts';
import { until, workflowDeps } from '../support/deps.ts';
import { citizen, individualBusinessApplication, pdf, uploadFile } from '../support/fixtures.ts';

let deps: Deps;
let sfn: LocalStepFunctions;
const staff = (dept: string, ...roles: Array<'reviewer' | 'approver' | 'dept_admin'>) => ({ kind: 'staff' as const, sub: `s-${dept}-${roles.join('-')}`, name: '工作人员', dept, roles });
const reviewer = staff('fz-scjg', 'reviewer');
const approver = staff('fz-scjg', 'approver');
const waitsOf = async (caseId: string) => (await deps.cases.listWaits(caseId)).map((w) => (w.dept ? `${w.stage}:${w.dept}` : w.stage)).sort();
const statusOf = async (caseId: string) => (await deps.cases.get(caseId))?.status;

async function newCase() {
  const { body } = await fileCase(deps, citizen(), await individualBusinessApplication(deps));
  await until(() => waitsOf(body.caseId), (w) => w.includes('acceptance'));
  return body.caseId;
}

beforeAll(async () => {
  ({ deps, sfn } = await workflowDeps());
});
afterAll(() => sfn.stop());

describe('D2 one-time supplement, end to end through the workflow', () => {
  it('is back with the department once the applicant answers the request', async () => {
    // Prepare
    const caseId = await newCase();
    // Act: the department asks
    await staffAction(deps, reviewer, caseId, { type: 'case.request_supplement', data: { items: [{ materialId: 'premises-proof', reason: '租赁合同未盖章' }] } });
    await until(() => waitsOf(caseId), (w) => w.includes('supplement'));
    // Assess: the applicant sees the request, the acceptance clock is paused
    const asked = await viewCase(deps, citizen(), caseId);
    expect(asked.supplementRequest).toMatchObject({ items: [{ materialId: 'premises-proof', reason: '租赁合同未盖章' }], followUp: false });
    expect(asked.acceptanceClock).toMatchObject({ limitWorkingDays: 1, running: false, paused: true });

    // Act / Assess: an answer naming another material is refused; the asked one is taken
    const fresh = await uploadFile(deps, citizen(), pdf('盖章后的租赁合同'));
    await expect(supplementCase(deps, citizen(), caseId, { materials: [{ materialId: 'id-card', uploadId: fresh.uploadId }] })).rejects.toBeInstanceOf(RuleViolation);
    expect(await supplementCase(deps, citizen(), caseId, { materials: [{ materialId: 'premises-proof', uploadId: fresh.uploadId }], note: '已补正' })).toEqual({ caseId, status: 'submitted' });
    await until(() => waitsOf(caseId), (w) => w.includes('acceptance'));
    // Assess: the acceptance clock runs again
    expect((await viewCase(deps, citizen(), caseId)).acceptanceClock).toMatchObject({ running: true, paused: false });

    // Act / Assess: only the newly supplied material may be asked about again; anything else is 409.
    await expect(staffAction(deps, reviewer, caseId, { type: 'case.request_supplement', data: { items: [{ materialId: 'id-card', reason: '过期' }] } })).rejects.toBeInstanceOf(Conflict);
    await staffAction(deps, reviewer, caseId, { type: 'case.request_supplement', data: { items: [{ materialId: 'premises-proof', reason: '盖章不清晰' }] } });
    expect((await viewCase(deps, citizen(), caseId)).supplementRequest).toMatchObject({ followUp: true });
    // Assess
    const view = await viewCase(deps, citizen(), caseId);
    expect(view.timeline.map((t) => t.type)).toEqual(['case.submitted', 'case.supplement_requested', 'case.supplemented', 'case.supplement_requested']);
    expect(view.materials.find((m) => m.materialId === 'premises-proof')?.fileName).toBe('premises.pdf');
  });

  describe('a case nothing was asked of', () => {
    let caseId: string;
    beforeAll(async () => {
      caseId = await newCase();
    });

    it('refuses unknown material ids in a request (422), changing nothing', async () => {
      await expect(staffAction(deps, reviewer, caseId, { type: 'case.request_supplement', data: { items: [{ materialId: 'passport', reason: '缺' }] } })).rejects.toBeInstanceOf(RuleViolation);
      expect(await statusOf(caseId)).toBe('submitted');
    });

    it('refuses a supplement nobody asked for (409), changing nothing', async () => {
      const upload = await uploadFile(deps, citizen(), pdf('unasked'));
      await expect(supplementCase(deps, citizen(), caseId, { materials: [{ materialId: 'premises-proof', uploadId: upload.uploadId }] })).rejects.toBeInstanceOf(IllegalTransition);
      expect(await statusOf(caseId)).toBe('submitted');
    });
  });
});

describe('B3 E1 staff act by role', () => {
  describe('accepting a filed case', () => {
    let caseId: string;
    beforeAll(async () => {
      caseId = await newCase();
    });

    it('is refused to an approver', async () => {
      await expect(staffAction(deps, approver, caseId, { type: 'case.accept', data: {} })).rejects.toBeInstanceOf(Forbidden);
    });

    it('is refused to a department admin', async () => {
      await expect(staffAction(deps, staff('fz-scjg', 'dept_admin'), caseId, { type: 'case.accept', data: {} })).rejects.toBeInstanceOf(Forbidden);
    });

    it('is 404 to the reviewer of another department', async () => {
      await expect(staffAction(deps, staff('fz-gaj', 'reviewer'), caseId, { type: 'case.accept', data: {} })).rejects.toBeInstanceOf(NotFound);
    });
  });

  it('lets a reviewer accept and record a step, and only an approver decide, ending the execution', async () => {
    // Prepare
    const caseId = await newCase();
    // Act: the reviewer accepts and records a step
    await staffAction(deps, reviewer, caseId, { type: 'case.accept', data: {} });
    await staffAction(deps, reviewer, caseId, { type: 'case.record_step', data: { step: 'site_inspection', result: '经营场所与申报一致', note: '2 人现场核查' } });
    // Act / Assess: the reviewer may not decide
    await expect(staffAction(deps, reviewer, caseId, { type: 'case.approve', data: {} })).rejects.toBeInstanceOf(Forbidden);
    // Act: the approver denies
    await until(() => waitsOf(caseId), (w) => w.includes('decision'));
    await staffAction(deps, approver, caseId, { type: 'case.deny', data: { reasons: ['经营范围含禁止项目'] } });
    // Assess
    expect(await until(() => statusOf(caseId), (s) => s === 'denied')).toBe('denied');
    const view = await viewCase(deps, citizen(), caseId);
    expect(view.timeline.map((t) => [t.type, t.note])).toEqual([
      ['case.submitted', undefined],
      ['case.accepted', undefined],
      // One promised working day: yellow from acceptance on (F3).
      ['case.light_changed', undefined],
      ['case.step_recorded', '2 人现场核查'],
      ['case.denied', undefined],
    ]);
    expect(view.documents.map((d) => [d.kind, d.name])).toEqual([
      ['acceptance_notice', '受理通知书'],
      ['denial_notice', '不予许可决定书'],
    ]);
    expect(view.timeline[4]).toMatchObject({ data: { reasons: ['经营范围含禁止项目'] }, documents: [view.documents[1]!.docId] });
    await until(() => Promise.resolve(sfn.runningExecutions().includes(caseId)), (running) => !running);
    expect(sfn.runningExecutions()).not.toContain(caseId);
  });

  it('completes a case through the workflow after a suspension and an approver’s extension', async () => {
    // Prepare
    const caseId = await newCase();
    await staffAction(deps, reviewer, caseId, { type: 'case.accept', data: {} });
    // Act: suspension
    await staffAction(deps, approver, caseId, { type: 'case.suspend', data: { reason: '等待消防部门检测报告' } });
    await until(() => waitsOf(caseId), (w) => w.includes('resumption'));
    // Assess
    expect((await viewCase(deps, citizen(), caseId)).deadline).toMatchObject({ started: true, paused: true });
    // Act: resumption; a reviewer may not extend
    await staffAction(deps, approver, caseId, { type: 'case.resume', data: {} });
    await expect(staffAction(deps, reviewer, caseId, { type: 'case.extend', data: { workingDays: 5, reason: '需组织专家评审' } })).rejects.toBeInstanceOf(Forbidden);
    // Act: the approver extends
    const before = (await viewCase(deps, citizen(), caseId)).deadline;
    await staffAction(deps, approver, caseId, { type: 'case.extend', data: { workingDays: 5, reason: '需组织专家评审' } });
    // Assess
    const after = (await viewCase(deps, citizen(), caseId)).deadline;
    expect(after.paused).toBe(false);
    expect(after.promisedDue! > before.promisedDue!).toBe(true);
    expect(after.explanation.some((line) => line.includes('延长5个工作日（需组织专家评审）'))).toBe(true);
    // Act: approval
    await until(() => waitsOf(caseId), (w) => w.includes('decision'));
    await staffAction(deps, approver, caseId, { type: 'case.approve', data: {} });
    // Assess
    expect(await until(() => statusOf(caseId), (s) => s === 'completed')).toBe('completed');
  });
});

describe('withdrawal', () => {
  let caseId: string;
  let answer: Awaited<ReturnType<typeof withdrawCase>>;
  beforeAll(async () => {
    caseId = await newCase();
    answer = await withdrawCase(deps, citizen(), caseId, { reason: '改为线下办理' });
  });

  it('ends the case before a decision', () => {
    expect(answer).toEqual({ caseId, status: 'withdrawn' });
  });

  it('ends the case’s execution', async () => {
    await until(() => Promise.resolve(sfn.runningExecutions().includes(caseId)), (running) => !running);
    expect(sfn.runningExecutions()).not.toContain(caseId);
  });

  it('answers 409 to a second withdrawal', async () => {
    await expect(withdrawCase(deps, citizen(), caseId, {})).rejects.toBeInstanceOf(IllegalTransition);
  });

  it('answers 404 to another applicant', async () => {
    await expect(withdrawCase(deps, citizen({ sub: 'u-other' }), caseId, {})).rejects.toBeInstanceOf(NotFound);
  });
});

describe('E3 joint processing through the workflow', () => {
  it('completes a joint case only once both co-departments, asked in parallel, have answered', async () => {
    // Prepare
    const item = findItem('construction-planning-permit')!;
    const company = citizen({ sub: 'c-fzct', name: '福州市城市建设投资集团有限公司', subjectType: 'company' });
    const uploads = await Promise.all(['design-scheme', 'civil-defence-plan', 'fire-design'].map(async (materialId) => ({ materialId, uploadId: (await uploadFile(deps, company, pdf(materialId), `${materialId}.pdf`)).uploadId })));
    const { body } = await fileCase(deps, company, { serviceItemCode: item.code, form: item.formExample as Record<string, unknown>, materials: uploads });
    const caseId = body.caseId;
    await until(() => waitsOf(caseId), (w) => w.includes('acceptance'));
    // Act: the lead accepts
    await staffAction(deps, staff('fz-zrzy', 'reviewer'), caseId, { type: 'case.accept', data: {} });
    // Assess: both co-departments are asked at once
    expect(await until(() => waitsOf(caseId), (w) => w.length === 2)).toEqual(['opinion:fz-rfb', 'opinion:fz-zjj']);

    // Act / Assess: no decision before the opinions; a co-department may not ask for a supplement
    await expect(staffAction(deps, staff('fz-zrzy', 'approver'), caseId, { type: 'case.approve', data: {} })).rejects.toBeInstanceOf(Conflict);
    await expect(staffAction(deps, staff('fz-zjj', 'reviewer'), caseId, { type: 'case.request_supplement', data: { items: [{ materialId: 'fire-design', reason: '缺' }] } })).rejects.toBeInstanceOf(Forbidden);

    // Act / Assess: the opinions, one by one
    await staffAction(deps, staff('fz-zjj', 'reviewer'), caseId, { type: 'case.opinion', data: { opinion: 'agree', note: '消防设计符合规范' } });
    expect(await until(() => waitsOf(caseId), (w) => w.length === 1)).toEqual(['opinion:fz-rfb']);
    await staffAction(deps, staff('fz-rfb', 'approver'), caseId, { type: 'case.opinion', data: { opinion: 'agree' } });
    // Act: the decision
    await until(() => waitsOf(caseId), (w) => w.includes('decision'));
    await staffAction(deps, staff('fz-zrzy', 'approver'), caseId, { type: 'case.approve', data: {} });
    // Assess
    const done = await until(() => viewCase(deps, company, caseId), (v) => v.status === 'completed');
    expect(done.certificates[0]?.name).toBe('建设工程规划许可证');
    expect(Object.keys(done.opinions ?? {}).sort()).toEqual(['fz-rfb', 'fz-zjj']);
    // Co-departments see the case they worked on.
    await expect(viewCase(deps, staff('fz-rfb', 'reviewer'), caseId)).resolves.toMatchObject({ status: 'completed' });
  });
});

describe('F5 concurrent conflicting actions', () => {
  it('twenty at once leave exactly one transition on the record', async () => {
    // Prepare
    const caseId = await newCase();
    // Act
    const attempts = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? staffAction(deps, reviewer, caseId, { type: 'case.accept', data: {} })
        : staffAction(deps, reviewer, caseId, { type: 'case.reject', data: { reasons: [`理由 ${i}`] } }),
    );
    const results = await Promise.allSettled(attempts);
    // Assess
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(Conflict);
    const found = await deps.cases.getWithEvents(caseId);
    expect(found!.events.filter((e) => e.fromStatus !== e.toStatus && e.type !== 'case.submitted')).toHaveLength(1);
    expect(verifyChain(found!.events)).toEqual({ valid: true });
  });
});

describe('D1 notices: acceptance and rejection as PDF documents', () => {
  describe('the acceptance notice', () => {
    let caseId: string;
    let view: Awaited<ReturnType<typeof viewCase>>;
    let notice: Awaited<ReturnType<typeof viewCase>>['documents'][number];
    let pdfBytes: Buffer;
    beforeAll(async () => {
      caseId = await newCase();
      await staffAction(deps, reviewer, caseId, { type: 'case.accept', data: {} });
      view = await viewCase(deps, citizen(), caseId);
      notice = view.documents[0]!;
      const link = await documentLink(deps, citizen(), caseId, notice.docId);
      pdfBytes = Buffer.from(await (await fetch(link.url)).arrayBuffer());
    });

    it('is issued with the acceptance', () => {
      expect(notice).toMatchObject({ kind: 'acceptance_notice', name: '受理通知书' });
      expect(view.timeline.find((t) => t.type === 'case.accepted')?.documents).toEqual([notice.docId]);
    });

    it('downloads as a PDF for the applicant', () => {
      expect(pdfBytes.subarray(0, 5).toString()).toBe('%PDF-');
    });

    it('prints on its one page the supervision code, the notice’s title and the applicant (not only in the metadata)', async () => {
      const [page, ...more] = await pdfPageTexts(pdfBytes);
      expect(more).toEqual([]);
      expect(page).toContain(view.supervisionCode);
      expect(page).toContain('受理通知书');
      expect(page).toContain('陈美玲');
    });

    it('is 404 to another citizen', async () => {
      await expect(documentLink(deps, citizen({ sub: 'u-stranger' }), caseId, notice.docId)).rejects.toBeInstanceOf(NotFound);
    });

    it('answers 404 for a document the case does not have', async () => {
      await expect(documentLink(deps, citizen(), caseId, 'NOPE')).rejects.toBeInstanceOf(NotFound);
    });

    it('is downloadable by the department’s staff', async () => {
      await expect(documentLink(deps, reviewer, caseId, notice.docId)).resolves.toMatchObject({ kind: 'acceptance_notice' });
    });
  });

  describe('rejection', () => {
    let refused: unknown;
    let statusAfterRefusal: string | undefined;
    let view: Awaited<ReturnType<typeof viewCase>>;
    beforeAll(async () => {
      const caseId = await newCase();
      refused = await staffAction(deps, reviewer, caseId, { type: 'case.reject', data: { reasons: [] } }).catch((e: unknown) => e);
      statusAfterRefusal = await statusOf(caseId);
      await staffAction(deps, reviewer, caseId, { type: 'case.reject', data: { reasons: ['申请事项依法不需要取得行政许可'] } });
      view = await viewCase(deps, citizen(), caseId);
    });

    it('is refused without a reason (422)', () => {
      expect(refused).toBeInstanceOf(RuleViolation);
    });

    it('changes nothing when refused', () => {
      expect(statusAfterRefusal).toBe('submitted');
    });

    it('rejects the case with reasons', () => {
      expect(view.status).toBe('rejected');
      expect(view.timeline.at(-1)).toMatchObject({ type: 'case.rejected', data: { reasons: ['申请事项依法不需要取得行政许可'] } });
    });

    it('issues a rejection notice', () => {
      expect(view.documents.map((d) => d.kind)).toEqual(['rejection_notice']);
    });
  });

  it('sends the supplement notice (补齐补正告知书) with the request', async () => {
    // Prepare
    const caseId = await newCase();
    // Act
    await staffAction(deps, reviewer, caseId, { type: 'case.request_supplement', data: { items: [{ materialId: 'premises-proof', reason: '租赁合同已过期' }] } });
    // Assess
    expect((await viewCase(deps, citizen(), caseId)).documents.map((d) => d.name)).toEqual(['补齐补正告知书']);
  });
});
