import { beforeAll, describe, expect, it } from 'vitest';
import { NotReady } from '#shared/errors.ts';
import { fileCase } from '#shared/usecases/cases.ts';
import { staffAction } from '#shared/usecases/department-actions.ts';
import { runFollowUp, sweepFollowUps } from '#shared/usecases/follow-ups.ts';
import { openMaterial } from '#shared/usecases/materials.ts';
import { documentLink } from '#shared/usecases/notices.ts';
import { followUpTimerName } from '#shared/ports/scheduler.ts';
import type { FollowUp } from '#shared/domain/follow-up.ts';
import { LEASE_MS } from '../../infra/local/timer-poller.ts';
import { integrationDeps } from '../support/deps.ts';
import { citizen, individualBusinessApplication, pdf } from '../support/fixtures.ts';
import { pdfPageTexts } from '../support/pdf.ts';

/** The use cases called directly (no settling): the window between a step's answer and its follow-up. */
let deps: Awaited<ReturnType<typeof integrationDeps>>;
const reviewer = { kind: 'staff' as const, sub: 's-fz-scjg-reviewer', name: '工作人员', dept: 'fz-scjg', roles: ['reviewer' as const] };
const followUpOf = async (caseId: string, version: number) =>
  (await deps.timers.dueTimers('9999-12-31', 1000)).find((t) => t.name === followUpTimerName(caseId, version));

beforeAll(async () => {
  deps = await integrationDeps({ followUps: 'manual' });
});

describe('C1 D1 F5 what a step leaves to do runs after its answer, and is never lost', () => {
  describe('an acceptance answered before its notice is rendered', () => {
    let caseId: string;
    let early: unknown;
    let docId: string;
    beforeAll(async () => {
      caseId = (await fileCase(deps, citizen(), await individualBusinessApplication(deps))).body.caseId;
      await deps.poller.drain();
      await staffAction(deps, reviewer, caseId, { type: 'case.accept', data: {} });
      docId = (await deps.cases.get(caseId))!.documents[0]!.docId;
      early = await documentLink(deps, citizen(), caseId, docId).catch((err: unknown) => err);
      await deps.poller.drain();
    });

    it('records the 受理通知书 with the step', async () => {
      expect((await deps.cases.get(caseId))!.documents).toEqual([expect.objectContaining({ kind: 'acceptance_notice', name: '受理通知书' })]);
    });

    it('answers a link asked for at once with 503 Not ready and Retry-After (nothing is wrong: ask again)', () => {
      expect(early).toBeInstanceOf(NotReady);
      expect(early).toMatchObject({ status: 503, retryAfterSeconds: 1 });
    });

    it('links the rendered PDF once the follow-up ran, naming the department', async () => {
      const link = await documentLink(deps, citizen(), caseId, docId);
      const pages = await pdfPageTexts(Buffer.from(await (await fetch(link.url)).arrayBuffer()));
      expect(pages.join('')).toContain('受理通知书');
      expect(pages.join('')).toContain('福州市市场监督管理局');
    });

    it('leaves no follow-up behind', async () => {
      expect(await followUpOf(caseId, 2)).toBeUndefined();
    });
  });

  it('pins exactly the bytes checked at filing: an upload written again before the copy is not copied', async () => {
    // Prepare: filed, its follow-up not yet run; then the upload's key written with other bytes
    const caseId = (await fileCase(deps, citizen(), await individualBusinessApplication(deps))).body.caseId;
    const material = (await deps.cases.get(caseId))!.materials.find((m) => m.source === 'upload') as { uploadId: string; objectKey: string };
    const upload = (await deps.uploads.getUpload(material.uploadId))!;
    await deps.blobs.put(upload.objectKey, pdf('written again after the check'), 'application/pdf');
    const followUp = (await followUpOf(caseId, 1))!.task as FollowUp;
    // Act
    const run = runFollowUp(deps, followUp);
    // Assess: the follow-up fails (to be retried, then alarmed), nothing is pinned, the material is not opened
    await expect(run).rejects.toThrow(/written again since it was checked/);
    expect(await deps.blobs.stat(material.objectKey)).toBeUndefined();
    await expect(openMaterial(deps, citizen(), caseId, 'premises-proof')).rejects.toBeInstanceOf(NotReady);
  });

  it('hands a follow-up out again when its runner died holding it', async () => {
    // Prepare: filed; its follow-up taken by a runner that then died
    const caseId = (await fileCase(deps, citizen(), await individualBusinessApplication(deps))).body.caseId;
    const held = await followUpOf(caseId, 1);
    expect(await deps.timers.leaseTimer(held!, new Date(deps.clock.now().getTime() + LEASE_MS).toISOString())).toBe(true);
    // Act / Assess: not before the lease runs out
    await deps.poller.drain();
    expect(deps.workflow.started).not.toContain(caseId);
    deps.clock.advance(LEASE_MS);
    await deps.poller.drain();
    // Assess: the workflow started, the form pinned, nothing left
    expect(deps.workflow.started).toContain(caseId);
    const form = (await deps.cases.get(caseId))!.materials.find((m) => m.source === 'form') as { objectKey: string };
    expect((await deps.blobs.stat(form.objectKey))?.size).toBeGreaterThan(0);
    expect(await followUpOf(caseId, 1)).toBeUndefined();
  });

  it('hands a follow-up out again from the sweep when it stayed unfinished for minutes, and never one that finished', async () => {
    // Prepare: two filings; one's follow-up runs, the other's is left (its runs all failed, say)
    const done = (await fileCase(deps, citizen(), await individualBusinessApplication(deps))).body.caseId;
    const left = (await fileCase(deps, citizen(), await individualBusinessApplication(deps))).body.caseId;
    const finished = (await followUpOf(done, 1))!;
    await runFollowUp(deps, finished.task as FollowUp);
    await deps.timers.takeTimer(finished.name, finished.at);
    // Act / Assess: within five minutes nothing is handed out again
    expect(await sweepFollowUps(deps)).toEqual({ followUpsAgain: 0 });
    deps.clock.advance(6 * 60_000);
    const swept = deps.clock.now().getTime();
    // (the follow-up refused in the test above, still failing, may be handed out again too)
    expect((await sweepFollowUps(deps)).followUpsAgain).toBeGreaterThanOrEqual(1);
    // Assess: the one left is due now (a new stream record in AWS); the finished one stays gone
    expect(Date.parse((await followUpOf(left, 1))!.at)).toBeGreaterThanOrEqual(swept);
    expect(await followUpOf(done, 1)).toBeUndefined();
    await deps.poller.drain();
    expect(deps.workflow.started).toContain(left);
  });
});
