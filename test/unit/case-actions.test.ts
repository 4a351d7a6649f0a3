import { isSms, type WebhookDelivery } from '#shared/domain/delivery.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { findItem } from '#shared/catalog/index.ts';
import type { CaseDocument } from '#shared/domain/case.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { IllegalTransition } from '#shared/errors.ts';
import { fileCase } from '#shared/usecases/cases.ts';
import { staffAction } from '#shared/usecases/department-actions.ts';
import { createUpload } from '#shared/usecases/uploads.ts';
import { citizen, pdf, sha256 } from '../support/fixtures.ts';
import { memoryDeps } from '../support/memory.ts';
import { logger } from '#shared/log.ts';
import type { Timer } from '#shared/ports/scheduler.ts';
import type { FollowUp } from '#shared/domain/follow-up.ts';
import { runFollowUp } from '#shared/usecases/follow-ups.ts';

const item = findItem('individual-business-registration')!;
const lead = item.department.code;
const staff = (roles: Array<'reviewer' | 'approver'>, dept = lead): Principal => ({ kind: 'staff', sub: `s-${roles.join('-')}`, name: '窗口人员', dept, roles });

/** The case's record up to its acceptance (the watch may then announce the processing clock's light). */
const steps = (events: Array<{ type: string }>) => events.map((e) => e.type).filter((t) => t !== 'case.light_changed');

/** A filed application for 个体工商户设立登记, its one material put where its upload URL points. */
async function filed() {
  const m = memoryDeps();
  m.clock.set(new Date('2026-11-23T10:00:00+08:00'));
  const applicant = citizen();
  const file = pdf();
  const slot = await createUpload(m.deps, applicant, { fileName: 'premises.pdf', contentType: 'application/pdf', size: file.length, sha256: sha256(file) });
  await m.blobs.put(m.table.uploads.get(slot.uploadId)!.objectKey, file, 'application/pdf');
  const { body } = await fileCase(m.deps, applicant, { serviceItemCode: item.code, form: item.formExample, materials: [{ materialId: 'premises-proof', uploadId: slot.uploadId }] });
  return { ...m, caseId: body.caseId };
}

describe('B3 staff act by role (use cases on in-memory ports)', () => {
  it('lets a reviewer of the lead department accept', async () => {
    // Prepare
    const { deps, caseId, table } = await filed();
    // Act
    const answer = await staffAction(deps, staff(['reviewer']), caseId, { type: 'case.accept', data: {} });
    // Assess
    expect(answer).toEqual({ caseId, status: 'accepted' });
    expect(steps(table.events.get(caseId)!)).toEqual(['case.submitted', 'case.accepted']);
  });

  it('refuses an approver the acceptance, and changes nothing', async () => {
    // Prepare
    const { deps, caseId, table } = await filed();
    // Act / Assess
    await expect(staffAction(deps, staff(['approver']), caseId, { type: 'case.accept', data: {} })).rejects.toThrow(/needs the role reviewer/);
    // Assess
    expect(table.cases.get(caseId)!.status).toBe('submitted');
    expect(table.events.get(caseId)).toHaveLength(1);
  });

  it('tells another department nothing about the case', async () => {
    const { deps, caseId } = await filed();
    await expect(staffAction(deps, staff(['reviewer'], 'fz-gaj'), caseId, { type: 'case.accept', data: {} })).rejects.toThrow(/no case/);
  });
});

describe('F5 two actions at once (use cases on in-memory ports)', () => {
  it('decides the one that lost the race again on the case as the winner left it', async () => {
    // Prepare
    const { deps, caseId, table } = await filed();
    // Act
    const [accepted, rejected] = await Promise.allSettled([
      staffAction(deps, staff(['reviewer']), caseId, { type: 'case.accept', data: {} }),
      staffAction(deps, staff(['reviewer']), caseId, { type: 'case.reject', data: { reasons: ['材料不全'] } }),
    ]);
    // Assess
    expect(accepted).toMatchObject({ status: 'fulfilled', value: { status: 'accepted' } });
    expect(rejected).toMatchObject({ status: 'rejected', reason: expect.any(IllegalTransition) });
    expect(steps(table.events.get(caseId)!)).toEqual(['case.submitted', 'case.accepted']);
    // The rejection's commit was refused (the case had moved on); its retry was refused before writing.
    expect(table.refusedCommits).toBe(1);
  });
});

describe('D1 E1 what an acceptance sends (use cases on in-memory ports)', () => {
  describe('the acceptance notice', () => {
    let accepted: Awaited<ReturnType<typeof filed>>;
    let notice: CaseDocument | undefined;
    let renderedWithTheStep: boolean;
    let followUp: Timer;
    const renamed = (name: string) => accepted.table.departments.set(lead, { code: lead, name, secrets: [], createdAt: '', updatedAt: '' });
    beforeAll(async () => {
      accepted = await filed();
      await accepted.runFollowUps();
      await staffAction(accepted.deps, staff(['reviewer']), accepted.caseId, { type: 'case.accept', data: {} });
      [notice] = accepted.table.cases.get(accepted.caseId)!.documents;
      renderedWithTheStep = accepted.blobs.objects.has(notice!.objectKey);
      followUp = [...accepted.table.followUps.values()][0]!;
      renamed('福州市市场监督管理局（鼓楼窗口）'); // between the answer and the rendering
      await accepted.runFollowUps();
    });

    it('is issued with the step', () => {
      expect(notice).toMatchObject({ kind: 'acceptance_notice', name: '受理通知书' });
    });

    it('is rendered by the step’s follow-up, after the answer, not before it', () => {
      expect(renderedWithTheStep).toBe(false);
      expect(accepted.blobs.objects.has(notice!.objectKey)).toBe(true);
    });

    it('names the lead department as it is when rendered', () => {
      expect(JSON.parse(accepted.blobs.objects.get(notice!.objectKey)!.body.toString()).department).toBe('福州市市场监督管理局（鼓楼窗口）');
    });

    it('is rendered once: its follow-up run again leaves the issued notice as it was', async () => {
      renamed('另一个名称');
      await runFollowUp(accepted.deps, followUp.task as FollowUp);
      expect(JSON.parse(accepted.blobs.objects.get(notice!.objectKey)!.body.toString()).department).toBe('福州市市场监督管理局（鼓楼窗口）');
    });

    it('says the application is accepted (决定予以受理)', () => {
      expect(JSON.parse(accepted.blobs.objects.get(notice!.objectKey)!.body.toString()).paragraphs[0]).toContain('决定予以受理');
    });

    it('is linked to the acceptance on the record', () => {
      expect(accepted.table.events.get(accepted.caseId)!.find((e) => e.type === 'case.accepted')!.documents).toEqual([notice!.docId]);
    });
  });

  describe('the filing', () => {
    let m: Awaited<ReturnType<typeof filed>>;
    const queued = () => [...m.table.deliveries.values()].filter((d): d is WebhookDelivery => !isSms(d) && d.data.caseId === m.caseId);
    let followUps: number;
    beforeAll(async () => {
      m = await filed();
      followUps = m.table.followUps.size;
      await m.runFollowUps();
    });

    it('queues the lead department’s case.submitted webhook in its own transaction', () => {
      expect(queued().map((d) => [d.type, d.deptCode, d.status])).toEqual([['case.submitted', lead, 'pending']]);
    });

    it('leaves one follow-up in its transaction', () => {
      expect(followUps).toBe(1);
    });

    it('makes the first attempt in its follow-up, and sets the timer of the next (the department has no URL yet)', () => {
      expect(queued()[0]).toMatchObject({ attempts: 1, lastError: `department ${lead} has no webhook URL` });
      expect([...m.scheduler.timers.values()].map((t) => t.task)).toContainEqual({ task: 'deliver', deliveryId: queued()[0]!.deliveryId });
    });

    it('starts the workflow in its follow-up', () => {
      expect(m.workflow.started).toEqual([m.caseId]);
    });

    it('pins the upload in its follow-up: the case’s copy holds the uploaded bytes', () => {
      const material = m.table.cases.get(m.caseId)!.materials.find((x) => x.source === 'upload')!;
      expect('objectKey' in material && material.objectKey?.startsWith('pinned/')).toBe(true);
      expect(sha256(m.blobs.objects.get((material as { objectKey: string }).objectKey)!.body)).toBe(material.sha256);
    });
  });
});

describe('observability: a log line at each state change, with its correlation ids', () => {
  it('logs the acceptance as JSON with the case, the step and who took it', async () => {
    // Prepare: the log written to stdout, captured
    const { deps, caseId } = await filed();
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
    logger.setLogLevel('INFO');
    logger.appendKeys({ webhookId: 'msg_1' });
    // Act
    try {
      await staffAction(deps, staff(['reviewer']), caseId, { type: 'case.accept', data: {} });
    } finally {
      process.stdout.write = write;
      logger.resetKeys();
    }
    // Assess
    const changes = lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('"case changed"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(changes).toContainEqual(
      expect.objectContaining({ level: 'INFO', service: 'yiwangtongban', caseId, event: 'case.accepted', from: 'submitted', to: 'accepted', actor: { kind: 'department', id: lead }, webhookId: 'msg_1' }),
    );
  });
});
