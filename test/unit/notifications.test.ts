import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalOutbox } from '#shared/adapters/sms/local-outbox.ts';
import { MovableClock } from '#shared/ports/clock.ts';
import { findItem, listItems } from '#shared/catalog/index.ts';
import { isSms, MAX_ATTEMPTS, type SmsDelivery } from '#shared/domain/delivery.ts';
import { METRIC } from '#shared/domain/metrics.ts';
import type { Principal } from '#shared/domain/principal.ts';
import type { CaseRepository } from '#shared/ports/cases.ts';
import { fileCase, listCertificates } from '#shared/usecases/cases.ts';
import { attemptDelivery, listDeadLetters, redeliver } from '#shared/usecases/deliveries.ts';
import { staffAction } from '#shared/usecases/department-actions.ts';
import { contactPhone } from '#shared/usecases/notifications.ts';
import { createUpload } from '#shared/usecases/uploads.ts';
import { runWorkflowTask } from '#shared/usecases/workflow-tasks.ts';
import { dispatchResult } from '#shared/usecases/dispatch.ts';
import { verifyQr } from '#shared/usecases/verify.ts';
import { admin, citizen, pdf, sha256 } from '../support/fixtures.ts';
import { memoryDeps } from '../support/memory.ts';

const item = findItem('individual-business-registration')!;
const lead = item.department.code;
const reviewer: Principal = { kind: 'staff', sub: 's-r', name: '窗口人员', dept: lead, roles: ['reviewer'] };
const approver: Principal = { kind: 'staff', sub: 's-a', name: '科长', dept: lead, roles: ['approver'] };
const phone = item.formExample.phone as string;
type ChangeSet = Parameters<CaseRepository['commit']>[0];

/** 个体工商户设立登记 filed by 陈美玲 on 2026-11-23, its material in place; every commit kept. */
async function filed(delivery?: { method: 'pickup' | 'mail'; address?: string }) {
  const m = memoryDeps();
  m.clock.set(new Date('2026-11-23T10:00:00+08:00'));
  const commits: ChangeSet[] = [];
  const commit = m.deps.cases.commit.bind(m.deps.cases);
  m.deps.cases.commit = async (change) => {
    await commit(change);
    commits.push(change);
  };
  const applicant = citizen();
  const file = pdf();
  const slot = await createUpload(m.deps, applicant, { fileName: 'premises.pdf', contentType: 'application/pdf', size: file.length, sha256: sha256(file) });
  await m.blobs.put(m.table.uploads.get(slot.uploadId)!.objectKey, file, 'application/pdf');
  const { body } = await fileCase(m.deps, applicant, { serviceItemCode: item.code, form: item.formExample, materials: [{ materialId: 'premises-proof', uploadId: slot.uploadId }], ...(delivery ? { delivery } : {}) });
  await m.runFollowUps();
  const sms = () => [...m.table.deliveries.values()].filter((d): d is SmsDelivery => isSms(d) && d.caseId === body.caseId);
  return { ...m, caseId: body.caseId, commits, sms };
}

describe('G4 the applicant is told by SMS', () => {
  it('sends nothing for the filing itself (the applicant just did it)', async () => {
    const m = await filed();
    expect(m.sms()).toEqual([]);
    expect(m.notifier.sent).toEqual([]);
  });

  it('queues the SMS in the step’s own transaction, and sends it from the step’s follow-up', async () => {
    // Prepare
    const m = await filed();
    // Act
    await staffAction(m.deps, reviewer, m.caseId, { type: 'case.accept', data: {} });
    // Assess: written with the acceptance, before anything was sent…
    const accepting = m.commits.find((c) => c.event.type === 'case.accepted')!;
    const queued = accepting.companions!.flatMap((c) => (c.kind === 'enqueueDelivery' && isSms(c.delivery) ? [c.delivery] : []));
    expect(queued).toHaveLength(1);
    expect(m.notifier.sent).toEqual([]);
    const followUp = accepting.companions!.find((c) => c.kind === 'followUp');
    expect(followUp?.kind === 'followUp' && followUp.timer.task.task === 'follow-up' && followUp.timer.task.deliveries).toContain(queued[0]!.deliveryId);
    // …then sent once the follow-up runs, to the number filed, in Chinese.
    await m.runFollowUps();
    expect(m.notifier.sent).toEqual([
      {
        id: queued[0]!.deliveryId,
        to: 'u-chen',
        phone,
        caseId: m.caseId,
        template: 'case.accepted',
        text: `【一网通办】陈美玲，您于2026年11月23日提交的个体工商户设立登记申请已受理，承诺${item.promisedDays}个工作日内办结。监督码：${m.table.cases.get(m.caseId)!.supervisionCode}。`,
      },
    ]);
    expect(m.sms()[0]).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('tells of a supplement request by the materials’ names, and of a rejection with its reasons', async () => {
    const asked = await filed();
    await staffAction(asked.deps, reviewer, asked.caseId, { type: 'case.request_supplement', data: { items: [{ materialId: 'premises-proof', reason: '租赁合同缺少出租方签章' }] } });
    await asked.runFollowUps();
    expect(asked.notifier.sent.map((s) => [s.template, s.text])).toEqual([
      ['case.supplement_requested', expect.stringContaining('申请需补齐补正材料：经营场所使用证明，请通过网上办事平台一次性补齐补正。')],
    ]);

    const refused = await filed();
    await staffAction(refused.deps, reviewer, refused.caseId, { type: 'case.reject', data: { reasons: ['经营范围属于禁止经营的项目'] } });
    await refused.runFollowUps();
    expect(refused.notifier.sent.map((s) => s.text)).toEqual([expect.stringContaining('申请不予受理，理由：经营范围属于禁止经营的项目。不予受理决定书可在网上办事平台查看。')]);
  });

  it('tells of a suspension, its resumption and an extension, and cuts a long reason short', async () => {
    const m = await filed();
    await staffAction(m.deps, reviewer, m.caseId, { type: 'case.accept', data: {} });
    const reason = '需要对经营场所进行现场核查'.repeat(8);
    await staffAction(m.deps, approver, m.caseId, { type: 'case.suspend', data: { reason, workingDays: 5 } });
    m.clock.set(new Date('2026-11-25T09:00:00+08:00'));
    await staffAction(m.deps, approver, m.caseId, { type: 'case.resume', data: {} });
    await staffAction(m.deps, approver, m.caseId, { type: 'case.extend', data: { workingDays: 3, reason: '需要专家评审' } });
    await m.runFollowUps();
    const [, suspended, resumed, extended] = m.notifier.sent;
    expect(suspended!.text).toContain(`申请自2026年11月23日起中止办理，原因：${reason.slice(0, 59)}…，预计中止5个工作日。`);
    expect(resumed!.text).toContain('申请自2026年11月25日起恢复办理，办理时限继续计算。');
    expect(extended!.text).toContain('申请办理期限延长3个工作日，原因：需要专家评审。');
    expect(m.notifier.sent.map((s) => s.template)).toEqual(['case.accepted', 'case.suspended', 'case.resumed', 'case.extended']);
  });

  it('tells of the decision, a denial with its reasons', async () => {
    const m = await filed();
    await staffAction(m.deps, reviewer, m.caseId, { type: 'case.accept', data: {} });
    await staffAction(m.deps, approver, m.caseId, { type: 'case.deny', data: { reasons: ['经营场所为住宅，不符合规定'] } });
    await m.runFollowUps();
    expect(m.notifier.sent.at(-1)).toMatchObject({ template: 'case.denied', text: expect.stringContaining('申请经审查不予许可，理由：经营场所为住宅，不符合规定。') });
  });

  it('G1 completes the case with its certificate in the library and the completion SMS queued, in one transaction', async () => {
    // Prepare
    const m = await filed();
    await staffAction(m.deps, reviewer, m.caseId, { type: 'case.accept', data: {} });
    await staffAction(m.deps, approver, m.caseId, { type: 'case.approve', data: {} });
    // Act
    const issued = await runWorkflowTask(m.deps, { action: 'issueCertificate', caseId: m.caseId });
    // Assess
    const completing = m.commits.find((c) => c.event.type === 'case.completed')!;
    expect(completing.companions!.map((c) => (c.kind === 'enqueueDelivery' ? `${c.kind}:${c.delivery.channel ?? 'webhook'}` : c.kind))).toEqual(
      expect.arrayContaining(['putCertificate', 'publishCertificate', 'enqueueDelivery:sms', 'followUp']),
    );
    await m.runFollowUps();
    expect(m.notifier.sent.map((s) => s.template)).toEqual(['case.accepted', 'case.approved', 'case.completed']);
    expect(m.notifier.sent.at(-1)!.text).toContain(`申请已办结，电子证照“${item.result.name}”已存入您的电子证照库，可在网上办事平台查看、下载。`);
    expect(issued).toMatchObject({ status: 'completed' });
  });

  it('keeps trying while the gateway refuses, then parks the SMS for an administrator, who sends it again', async () => {
    // Prepare
    const m = await filed();
    m.notifier.down = true;
    await staffAction(m.deps, reviewer, m.caseId, { type: 'case.accept', data: {} });
    await m.runFollowUps();
    const [sms] = m.sms();
    expect(sms).toMatchObject({ status: 'pending', attempts: 1, lastError: 'the SMS gateway is down' });
    expect(m.scheduler.timers.get(`deliver-${sms!.deliveryId}-2`)).toBeDefined();
    // Act: every attempt the schedule has
    for (let n = 2; n <= MAX_ATTEMPTS; n++) await attemptDelivery(m.deps, sms!.deliveryId);
    // Assess
    expect(m.sms()[0]).toMatchObject({ status: 'dead', attempts: MAX_ATTEMPTS });
    expect(m.metrics.points).toContainEqual({ name: METRIC.smsDeadLettered, value: 1 });
    const dead = await listDeadLetters(m.deps, admin, { limit: 10 });
    expect(dead.items).toEqual([expect.objectContaining({ channel: 'sms', deliveryId: sms!.deliveryId, phoneMasked: '138****8877', template: 'case.accepted' })]);
    expect(JSON.stringify(dead)).not.toContain(phone);
    // The gateway is back: an administrator puts it on the line again.
    m.notifier.down = false;
    await redeliver(m.deps, admin, sms!.deliveryId);
    await attemptDelivery(m.deps, sms!.deliveryId);
    expect(m.notifier.sent).toHaveLength(1);
    expect(m.sms()[0]).toMatchObject({ status: 'delivered' });
  });

  it('sends an attempt once though it is made twice (a follow-up run again)', async () => {
    const m = await filed();
    await staffAction(m.deps, reviewer, m.caseId, { type: 'case.accept', data: {} });
    await m.runFollowUps();
    await attemptDelivery(m.deps, m.sms()[0]!.deliveryId, { firstOnly: true });
    expect(m.notifier.sent).toHaveLength(1);
  });

  it('has a contact mobile number on every item’s form to send to', () => {
    for (const entry of listItems()) expect(contactPhone({ form: entry.formExample } as never), entry.code).toMatch(/^1\d{10}$/);
  });
});

describe('G5 抄告: the departments that supervise afterwards are told of the completion', () => {
  it('sends case.completed with the certificate’s public fields to each supervising department of the guide, and to nobody for a step before', async () => {
    // Prepare
    const m = await filed();
    await staffAction(m.deps, reviewer, m.caseId, { type: 'case.accept', data: {} });
    await staffAction(m.deps, approver, m.caseId, { type: 'case.approve', data: { certificate: { summary: { registrationNo: '92350102MA8X1234' } } } });
    const webhooks = () => [...m.table.deliveries.values()].filter((d) => !isSms(d));
    expect(webhooks().filter((d) => !isSms(d) && d.type === 'case.completed')).toEqual([]);
    // Act
    await runWorkflowTask(m.deps, { action: 'issueCertificate', caseId: m.caseId });
    // Assess
    const told = webhooks().flatMap((d) => (!isSms(d) && d.type === 'case.completed' ? [d] : []));
    expect(told.map((d) => d.deptCode).sort()).toEqual((item.supervisedBy ?? []).map((d) => d.code).sort());
    expect(told.map((d) => d.deptCode)).toEqual(expect.arrayContaining(['fz-swj', 'fz-rsj']));
    const certId = m.table.cases.get(m.caseId)!.certificates[0]!;
    for (const d of told) {
      expect(d.data).toMatchObject({
        caseId: m.caseId,
        status: 'completed',
        certificates: [{ certificateId: certId, name: item.result.name, type: item.result.type, holder: { nameMasked: '陈*玲' }, summary: { registrationNo: '92350102MA8X1234' }, status: 'valid' }],
      });
      // Nothing personal beyond the masked holder: not the name, not the ID number on the form.
      expect(JSON.stringify(d.data)).not.toMatch(/陈美玲|350102198806123013/);
    }
  });
});

describe('G4 the local SMS gateway stand-in', () => {
  it('keeps a message sent after a line a kill -9 cut short, and lists both that parse', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ywtb-outbox-'));
    const file = join(dir, 'sms.jsonl');
    const outbox = new LocalOutbox(file, new MovableClock());
    const sms = { id: 'sms_1', to: 'u-chen', phone, caseId: 'c1', template: 'case.accepted', text: '【一网通办】…' };
    await outbox.send(sms);
    appendFileSync(file, '{"id":"sms_2","to":"u-ch'); // the process died mid-write
    expect(await outbox.send({ ...sms, id: 'sms_3' })).toEqual({ ok: true });
    expect(await outbox.send(sms)).toEqual({ ok: true }); // taken once
    expect(outbox.list('u-chen').map((m) => m.id)).toEqual(['sms_1', 'sms_3']);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('G1 a paper issue on the completion day (case.issue_offline)', () => {
  async function completed() {
    const m = await filed();
    await staffAction(m.deps, reviewer, m.caseId, { type: 'case.accept', data: {} });
    await staffAction(m.deps, approver, m.caseId, { type: 'case.approve', data: {} });
    await runWorkflowTask(m.deps, { action: 'issueCertificate', caseId: m.caseId });
    return m;
  }

  it('is recorded once, by an approver, with the paper certificate’s number', async () => {
    const m = await completed();
    await expect(staffAction(m.deps, reviewer, m.caseId, { type: 'case.issue_offline', data: {} })).rejects.toThrow(/needs the role approver/);
    expect(await staffAction(m.deps, approver, m.caseId, { type: 'case.issue_offline', data: { certificateNo: '闽榕个体2026-001234' } })).toEqual({ caseId: m.caseId, status: 'completed' });
    expect(m.table.cases.get(m.caseId)!.offlineIssue).toEqual({ at: expect.any(String), certificateNo: '闽榕个体2026-001234' });
    expect(m.table.events.get(m.caseId)!.at(-1)).toMatchObject({ type: 'case.issued_offline', data: { certificateNo: '闽榕个体2026-001234' } });
    await expect(staffAction(m.deps, approver, m.caseId, { type: 'case.issue_offline', data: {} })).rejects.toThrow(/was recorded on/);
  });

  it('is refused the day after the completion, and changes nothing', async () => {
    const m = await completed();
    const before = m.table.events.get(m.caseId)!.length;
    m.clock.set(new Date('2026-11-24T09:00:00+08:00'));
    await expect(staffAction(m.deps, approver, m.caseId, { type: 'case.issue_offline', data: {} })).rejects.toThrow(/on the day the case completed \(2026-11-23\)/);
    expect(m.table.events.get(m.caseId)).toHaveLength(before);
    expect(m.table.cases.get(m.caseId)!.offlineIssue).toBeUndefined();
  });
});

describe('G4 the paper result: picked up with a code, or mailed with tracking', () => {
  async function completed(delivery: { method: 'pickup' | 'mail'; address?: string }) {
    const m = await filed(delivery);
    await staffAction(m.deps, reviewer, m.caseId, { type: 'case.accept', data: {} });
    await staffAction(m.deps, approver, m.caseId, { type: 'case.approve', data: {} });
    await runWorkflowTask(m.deps, { action: 'issueCertificate', caseId: m.caseId });
    return m;
  }

  it('gives a result to be picked up its pickup code on the completion SMS', async () => {
    const m = await completed({ method: 'pickup' });
    await m.runFollowUps();
    const code = m.table.cases.get(m.caseId)!.delivery!.pickupCode!;
    expect(code).toMatch(/^\d{6}$/);
    expect(m.notifier.sent.at(-1)!.text).toContain(`纸质证照请凭取件码${code}到${item.handling.halls[0]}领取`);
    expect(m.logistics.asked).toBe(0);
  });

  it('books the mailing once the case completed, puts carrier and tracking number on the case, and tells the applicant', async () => {
    // Prepare
    const m = await completed({ method: 'mail', address: '福州市鼓楼区南后街 26 号' });
    // Act
    await m.runFollowUps();
    // Assess
    const delivery = m.table.cases.get(m.caseId)!.delivery!;
    expect(delivery).toMatchObject({ method: 'mail', address: '福州市鼓楼区南后街 26 号', carrier: '测试快递', trackingNo: 'T00000001', status: 'booked', dispatchedAt: expect.any(String) });
    expect(m.logistics.booked.get(m.caseId)!.order).toMatchObject({ reference: m.caseId, recipient: { name: '陈美玲', phone }, address: '福州市鼓楼区南后街 26 号' });
    expect(m.table.events.get(m.caseId)!.map((e) => e.type).slice(-2)).toEqual(['case.completed', 'case.dispatched']);
    expect(m.notifier.sent.at(-1)).toMatchObject({ template: 'case.dispatched', text: expect.stringContaining('申请的纸质证照已通过测试快递寄出，运单号T00000001。') });
    // The archive holds the case as it completed: booked after it.
    const archived = JSON.parse(m.archive.files.get(`${m.caseId}/data/case.json`)!.toString('utf8')) as { status: string; delivery: Record<string, unknown> };
    expect(archived).toMatchObject({ status: 'completed', delivery: { method: 'mail' } });
    expect(archived.delivery.trackingNo).toBeUndefined();
    // Run again (a follow-up handed out twice): nothing booked twice.
    await dispatchResult(m.deps, m.caseId);
    expect(m.logistics.asked).toBe(1);
  });

  it('tries again while the carrier does not answer, and books once when it does', async () => {
    const m = await completed({ method: 'mail', address: '福州市鼓楼区南后街 26 号' });
    m.logistics.down = true;
    await expect(m.runFollowUps()).rejects.toThrow(/dispatch: the carrier did not answer/);
    expect(m.table.cases.get(m.caseId)!.delivery!.trackingNo).toBeUndefined();
    m.logistics.down = false;
    await dispatchResult(m.deps, m.caseId);
    expect(m.table.cases.get(m.caseId)!.delivery!.trackingNo).toBe('T00000001');
  });
});

describe('G3 a joint item releases all its results together', () => {
  it('issues the lead’s permit and the co-department’s document in the completion’s one transaction, both signed and verifiable, and tells the applicant of both', async () => {
    // Prepare: 建设工程规划许可证核发, its two co-departments' opinions given
    const m = memoryDeps();
    m.clock.set(new Date('2026-11-23T10:00:00+08:00'));
    const plan = findItem('construction-planning-permit')!;
    const company = citizen({ sub: 'c-fzct', name: '福州市城市建设投资集团有限公司', subjectType: 'company' });
    const materials = [];
    for (const materialId of ['design-scheme', 'civil-defence-plan', 'fire-design']) {
      const file = pdf(materialId);
      const slot = await createUpload(m.deps, company, { fileName: `${materialId}.pdf`, contentType: 'application/pdf', size: file.length, sha256: sha256(file) });
      await m.blobs.put(m.table.uploads.get(slot.uploadId)!.objectKey, file, 'application/pdf');
      materials.push({ materialId, uploadId: slot.uploadId });
    }
    const { body } = await fileCase(m.deps, company, { serviceItemCode: plan.code, form: plan.formExample, materials });
    const staffOf = (dept: string): Principal => ({ kind: 'staff', sub: `s-${dept}`, name: '工作人员', dept, roles: ['reviewer', 'approver'] });
    await staffAction(m.deps, staffOf('fz-zrzy'), body.caseId, { type: 'case.accept', data: {} });
    for (const dept of ['fz-zjj', 'fz-rfb']) await staffAction(m.deps, staffOf(dept), body.caseId, { type: 'case.opinion', data: { opinion: 'agree' } });
    await staffAction(m.deps, staffOf('fz-zrzy'), body.caseId, { type: 'case.approve', data: {} });
    const commits: string[][] = [];
    const commit = m.deps.cases.commit.bind(m.deps.cases);
    m.deps.cases.commit = async (change) => {
      commits.push((change.companions ?? []).filter((c) => c.kind === 'putCertificate').map((c) => (c.kind === 'putCertificate' ? c.certificate.name : '')));
      await commit(change);
    };
    // Act
    await runWorkflowTask(m.deps, { action: 'issueCertificate', caseId: body.caseId });
    await m.runFollowUps();
    // Assess: one transaction put both, and the case completed with both.
    expect(commits[0]).toEqual(['建设工程规划许可证', '结合民用建筑修建防空地下室审批意见书']);
    const record = m.table.cases.get(body.caseId)!;
    expect(record.status).toBe('completed');
    const certs = record.certificates.map((id) => m.table.certificates.get(id)!);
    expect(certs.map((c) => [c.name, c.issuer.code])).toEqual([
      ['建设工程规划许可证', 'fz-zrzy'],
      ['结合民用建筑修建防空地下室审批意见书', 'fz-rfb'],
    ]);
    for (const c of certs) expect(await verifyQr(m.deps, { qr: c.qr! })).toMatchObject({ valid: true, certificate: { certificateId: c.certificateId, issuer: c.issuer } });
    expect(m.notifier.sent.at(-1)!.text).toContain('电子证照“建设工程规划许可证”、“结合民用建筑修建防空地下室审批意见书”已存入您的电子证照库');
    // Its holder finds both in their library (GET /certificates); nobody else does.
    const library = await listCertificates(m.deps, company);
    expect(library.items.map((c) => c.name).sort()).toEqual(['建设工程规划许可证', '结合民用建筑修建防空地下室审批意见书'].sort());
    expect(library.items.every((c) => c.holder.nameMasked === '福*************司' && c.status === 'valid')).toBe(true);
    expect((await listCertificates(m.deps, citizen())).items).toEqual([]);
    // Both PDFs are rendered, both in the archive.
    const archived = m.table.archives.get(body.caseId)!.files.map((f) => f.path).filter((p) => p.endsWith('certificate.pdf'));
    expect(archived).toHaveLength(2);
  });
});
