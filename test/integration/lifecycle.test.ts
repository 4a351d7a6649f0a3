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
  it('asks, waits for the applicant, takes the answer, and is back with the department', async () => {
    const caseId = await newCase();
    await staffAction(deps, reviewer, caseId, { type: 'case.request_supplement', data: { items: [{ materialId: 'premises-proof', reason: '租赁合同未盖章' }] } });
    await until(() => waitsOf(caseId), (w) => w.includes('supplement'));
    const asked = await viewCase(deps, citizen(), caseId);
    expect(asked.supplementRequest).toMatchObject({ items: [{ materialId: 'premises-proof', reason: '租赁合同未盖章' }], followUp: false });
    expect(asked.acceptanceClock).toMatchObject({ limitWorkingDays: 1, running: false, paused: true });

    const fresh = await uploadFile(deps, citizen(), pdf('盖章后的租赁合同'));
    await expect(supplementCase(deps, citizen(), caseId, { materials: [{ materialId: 'id-card', uploadId: fresh.uploadId }] })).rejects.toBeInstanceOf(RuleViolation);
    expect(await supplementCase(deps, citizen(), caseId, { materials: [{ materialId: 'premises-proof', uploadId: fresh.uploadId }], note: '已补正' })).toEqual({ caseId, status: 'submitted' });
    await until(() => waitsOf(caseId), (w) => w.includes('acceptance'));
    expect((await viewCase(deps, citizen(), caseId)).acceptanceClock).toMatchObject({ running: true, paused: false });

    // Only the newly supplied material may be asked about again; anything else is 409.
    await expect(staffAction(deps, reviewer, caseId, { type: 'case.request_supplement', data: { items: [{ materialId: 'id-card', reason: '过期' }] } })).rejects.toBeInstanceOf(Conflict);
    await staffAction(deps, reviewer, caseId, { type: 'case.request_supplement', data: { items: [{ materialId: 'premises-proof', reason: '盖章不清晰' }] } });
    expect((await viewCase(deps, citizen(), caseId)).supplementRequest).toMatchObject({ followUp: true });
    const view = await viewCase(deps, citizen(), caseId);
    expect(view.timeline.map((t) => t.type)).toEqual(['case.submitted', 'case.supplement_requested', 'case.supplemented', 'case.supplement_requested']);
    expect(view.materials.find((m) => m.materialId === 'premises-proof')?.fileName).toBe('premises.pdf');
  });

  it('refuses unknown material ids in a request (422) and a supplement nobody asked for (409)', async () => {
    const caseId = await newCase();
    await expect(staffAction(deps, reviewer, caseId, { type: 'case.request_supplement', data: { items: [{ materialId: 'passport', reason: '缺' }] } })).rejects.toBeInstanceOf(RuleViolation);
    const upload = await uploadFile(deps, citizen(), pdf('unasked'));
    await expect(supplementCase(deps, citizen(), caseId, { materials: [{ materialId: 'premises-proof', uploadId: upload.uploadId }] })).rejects.toBeInstanceOf(IllegalTransition);
    expect(await statusOf(caseId)).toBe('submitted');
  });
});

describe('B3 E1 staff act by role', () => {
  it('reviewers accept; approvers decide; other roles and other departments are refused', async () => {
    const caseId = await newCase();
    await expect(staffAction(deps, approver, caseId, { type: 'case.accept', data: {} })).rejects.toBeInstanceOf(Forbidden);
    await expect(staffAction(deps, staff('fz-scjg', 'dept_admin'), caseId, { type: 'case.accept', data: {} })).rejects.toBeInstanceOf(Forbidden);
    await expect(staffAction(deps, staff('fz-gaj', 'reviewer'), caseId, { type: 'case.accept', data: {} })).rejects.toBeInstanceOf(NotFound);
    await staffAction(deps, reviewer, caseId, { type: 'case.accept', data: {} });
    await staffAction(deps, reviewer, caseId, { type: 'case.record_step', data: { step: 'site_inspection', result: '经营场所与申报一致', note: '2 人现场核查' } });
    await expect(staffAction(deps, reviewer, caseId, { type: 'case.approve', data: {} })).rejects.toBeInstanceOf(Forbidden);
    await until(() => waitsOf(caseId), (w) => w.includes('decision'));
    await staffAction(deps, approver, caseId, { type: 'case.deny', data: { reasons: ['经营范围含禁止项目'] } });
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

  it('suspends and resumes through the workflow', async () => {
    const caseId = await newCase();
    await staffAction(deps, reviewer, caseId, { type: 'case.accept', data: {} });
    await staffAction(deps, approver, caseId, { type: 'case.suspend', data: { reason: '等待消防部门检测报告' } });
    await until(() => waitsOf(caseId), (w) => w.includes('resumption'));
    expect((await viewCase(deps, citizen(), caseId)).deadline).toMatchObject({ started: true, paused: true });
    await staffAction(deps, approver, caseId, { type: 'case.resume', data: {} });
    await expect(staffAction(deps, reviewer, caseId, { type: 'case.extend', data: { workingDays: 5, reason: '需组织专家评审' } })).rejects.toBeInstanceOf(Forbidden);
    const before = (await viewCase(deps, citizen(), caseId)).deadline;
    await staffAction(deps, approver, caseId, { type: 'case.extend', data: { workingDays: 5, reason: '需组织专家评审' } });
    const after = (await viewCase(deps, citizen(), caseId)).deadline;
    expect(after.paused).toBe(false);
    expect(after.promisedDue! > before.promisedDue!).toBe(true);
    expect(after.explanation.some((line) => line.includes('延长5个工作日（需组织专家评审）'))).toBe(true);
    await until(() => waitsOf(caseId), (w) => w.includes('decision'));
    await staffAction(deps, approver, caseId, { type: 'case.approve', data: {} });
    expect(await until(() => statusOf(caseId), (s) => s === 'completed')).toBe('completed');
  });
});

describe('withdrawal', () => {
  it('ends the case and its execution before a decision; afterwards it is 409', async () => {
    const caseId = await newCase();
    expect(await withdrawCase(deps, citizen(), caseId, { reason: '改为线下办理' })).toEqual({ caseId, status: 'withdrawn' });
    await until(() => Promise.resolve(sfn.runningExecutions().includes(caseId)), (running) => !running);
    expect(sfn.runningExecutions()).not.toContain(caseId);
    await expect(withdrawCase(deps, citizen(), caseId, {})).rejects.toBeInstanceOf(IllegalTransition);
    await expect(withdrawCase(deps, citizen({ sub: 'u-other' }), caseId, {})).rejects.toBeInstanceOf(NotFound);
  });
});

describe('E3 joint processing through the workflow', () => {
  it('asks both co-departments in parallel, holds the decision until both answered, then completes', async () => {
    const item = findItem('construction-planning-permit')!;
    const company = citizen({ sub: 'c-fzct', name: '福州市城市建设投资集团有限公司', subjectType: 'company' });
    const uploads = await Promise.all(['design-scheme', 'civil-defence-plan', 'fire-design'].map(async (materialId) => ({ materialId, uploadId: (await uploadFile(deps, company, pdf(materialId), `${materialId}.pdf`)).uploadId })));
    const { body } = await fileCase(deps, company, { serviceItemCode: item.code, form: item.formExample as Record<string, unknown>, materials: uploads });
    const caseId = body.caseId;
    await until(() => waitsOf(caseId), (w) => w.includes('acceptance'));
    await staffAction(deps, staff('fz-zrzy', 'reviewer'), caseId, { type: 'case.accept', data: {} });
    expect(await until(() => waitsOf(caseId), (w) => w.length === 2)).toEqual(['opinion:fz-rfb', 'opinion:fz-zjj']);

    await expect(staffAction(deps, staff('fz-zrzy', 'approver'), caseId, { type: 'case.approve', data: {} })).rejects.toBeInstanceOf(Conflict);
    await expect(staffAction(deps, staff('fz-zjj', 'reviewer'), caseId, { type: 'case.request_supplement', data: { items: [{ materialId: 'fire-design', reason: '缺' }] } })).rejects.toBeInstanceOf(Forbidden);

    await staffAction(deps, staff('fz-zjj', 'reviewer'), caseId, { type: 'case.opinion', data: { opinion: 'agree', note: '消防设计符合规范' } });
    expect(await until(() => waitsOf(caseId), (w) => w.length === 1)).toEqual(['opinion:fz-rfb']);
    await staffAction(deps, staff('fz-rfb', 'approver'), caseId, { type: 'case.opinion', data: { opinion: 'agree' } });
    await until(() => waitsOf(caseId), (w) => w.includes('decision'));
    await staffAction(deps, staff('fz-zrzy', 'approver'), caseId, { type: 'case.approve', data: {} });
    const done = await until(() => viewCase(deps, company, caseId), (v) => v.status === 'completed');
    expect(done.certificates[0]?.name).toBe('建设工程规划许可证');
    expect(Object.keys(done.opinions ?? {}).sort()).toEqual(['fz-rfb', 'fz-zjj']);
    // Co-departments see the case they worked on.
    await expect(viewCase(deps, staff('fz-rfb', 'reviewer'), caseId)).resolves.toMatchObject({ status: 'completed' });
  });
});

describe('F5 concurrent conflicting actions', () => {
  it('twenty at once leave exactly one transition on the record', async () => {
    const caseId = await newCase();
    const attempts = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? staffAction(deps, reviewer, caseId, { type: 'case.accept', data: {} })
        : staffAction(deps, reviewer, caseId, { type: 'case.reject', data: { reasons: [`理由 ${i}`] } }),
    );
    const results = await Promise.allSettled(attempts);
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(Conflict);
    const found = await deps.cases.getWithEvents(caseId);
    expect(found!.events.filter((e) => e.fromStatus !== e.toStatus && e.type !== 'case.submitted')).toHaveLength(1);
    expect(verifyChain(found!.events)).toEqual({ valid: true });
  });
});

describe('D1 notices: acceptance and rejection as PDF documents', () => {
  it('issues an acceptance notice bearing the supervision code, downloadable by the applicant only', async () => {
    const caseId = await newCase();
    await staffAction(deps, reviewer, caseId, { type: 'case.accept', data: {} });
    const view = await viewCase(deps, citizen(), caseId);
    const notice = view.documents[0]!;
    expect(notice).toMatchObject({ kind: 'acceptance_notice', name: '受理通知书' });
    expect(view.timeline.find((t) => t.type === 'case.accepted')?.documents).toEqual([notice.docId]);
    const link = await documentLink(deps, citizen(), caseId, notice.docId);
    const pdfBytes = Buffer.from(await (await fetch(link.url)).arrayBuffer());
    expect(pdfBytes.subarray(0, 5).toString()).toBe('%PDF-');
    // Printed on the page (not only in the document's metadata), with the notice's title and the applicant.
    const [page, ...more] = await pdfPageTexts(pdfBytes);
    expect(more).toEqual([]);
    expect(page).toContain(view.supervisionCode);
    expect(page).toContain('受理通知书');
    expect(page).toContain('陈美玲');
    await expect(documentLink(deps, citizen({ sub: 'u-stranger' }), caseId, notice.docId)).rejects.toBeInstanceOf(NotFound);
    await expect(documentLink(deps, citizen(), caseId, 'NOPE')).rejects.toBeInstanceOf(NotFound);
    await expect(documentLink(deps, reviewer, caseId, notice.docId)).resolves.toMatchObject({ kind: 'acceptance_notice' });
  });

  it('rejects with reasons and a rejection notice; without a reason it is 422 and nothing changes', async () => {
    const caseId = await newCase();
    await expect(staffAction(deps, reviewer, caseId, { type: 'case.reject', data: { reasons: [] } })).rejects.toBeInstanceOf(RuleViolation);
    expect(await statusOf(caseId)).toBe('submitted');
    await staffAction(deps, reviewer, caseId, { type: 'case.reject', data: { reasons: ['申请事项依法不需要取得行政许可'] } });
    const view = await viewCase(deps, citizen(), caseId);
    expect(view.status).toBe('rejected');
    expect(view.documents.map((d) => d.kind)).toEqual(['rejection_notice']);
    expect(view.timeline.at(-1)).toMatchObject({ type: 'case.rejected', data: { reasons: ['申请事项依法不需要取得行政许可'] } });
  });

  it('sends the supplement notice (补齐补正告知书) with the request', async () => {
    const caseId = await newCase();
    await staffAction(deps, reviewer, caseId, { type: 'case.request_supplement', data: { items: [{ materialId: 'premises-proof', reason: '租赁合同已过期' }] } });
    expect((await viewCase(deps, citizen(), caseId)).documents.map((d) => d.name)).toEqual(['补齐补正告知书']);
  });
});
