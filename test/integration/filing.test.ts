import type { SharedDataStore } from '../../infra/local/shared-data.ts';
import { createUpload, fileCase, viewCase } from '../support/checked.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { CreateCaseRequest } from '#shared/schemas/api.ts';
import { Conflict, Forbidden, NotFound, PayloadTooLarge, RuleViolation } from '#shared/errors.ts';
import { isValidSupervisionCode } from '#shared/domain/supervision-code.ts';
import type { Deps } from '#shared/usecases/deps.ts';
import { runScheduledTask } from '#shared/usecases/scheduled.ts';
import { MovableClock } from '#shared/ports/clock.ts';
import { followUpTimerName } from '#shared/ports/scheduler.ts';
import { LEASE_MS } from '../../infra/local/timer-poller.ts';
import { integrationDeps, RecordingWorkflow } from '../support/deps.ts';
import { citizen, individualBusinessApplication, pdf, sha256, uploadFile } from '../support/fixtures.ts';

let deps: Deps & { workflow: RecordingWorkflow };

beforeAll(async () => {
  deps = await integrationDeps();
});

async function ruleErrors(p: Promise<unknown>) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RuleViolation);
  return (err as RuleViolation).errors!;
}

describe('C1 filing a case', () => {
  describe('a complete application', () => {
    let res: Awaited<ReturnType<typeof fileCase>>;
    let view: Awaited<ReturnType<typeof viewCase>>;
    beforeAll(async () => {
      res = await fileCase(deps, citizen(), await individualBusinessApplication(deps));
      view = await viewCase(deps, citizen(), res.body.caseId);
    });

    it('is filed as submitted (201)', () => {
      expect(res.status).toBe(201);
      expect(res.body.status).toBe('submitted');
    });

    it('gets a valid supervision code', () => {
      expect(isValidSupervisionCode(res.body.supervisionCode)).toBe(true);
    });

    it('starts the workflow', () => {
      expect(deps.workflow.started).toContain(res.body.caseId);
    });

    it('shows the filing as the only step of the timeline', () => {
      expect(view.timeline.map((t) => t.type)).toEqual(['case.submitted']);
    });

    it('takes the application form from the online form and the ID card from the certificate library (C2)', () => {
      expect(view.materials.map((m) => [m.materialId, m.source])).toEqual([
        ['application-form', 'form'],
        ['id-card', 'shared_data'],
        ['premises-proof', 'upload'],
      ]);
    });
  });

  it('needs authentication level 2', async () => {
    const body = await individualBusinessApplication(deps);
    await expect(fileCase(deps, citizen({ authLevel: 1 }), body)).rejects.toBeInstanceOf(Forbidden);
  });

  it('lists every broken form field and missing material at once (422)', async () => {
    const errors = await ruleErrors(
      fileCase(deps, citizen(), {
        serviceItemCode: 'individual-business-registration',
        form: { operatorName: '陈', idNumber: '350102198806123014', organisationForm: '家庭经营' },
        materials: [],
      }),
    );
    const paths = errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['form.operatorName', 'form.idNumber', 'form.premises', 'form.businessScope', 'materials']));
    expect(errors.find((e) => e.path === 'form.idNumber')?.message).toContain('GB 11643');
    expect(errors.find((e) => e.path === 'materials')?.message).toContain('premises-proof');
  });

  it('refuses an unknown service item', async () => {
    expect(await ruleErrors(fileCase(deps, citizen(), { serviceItemCode: 'nope', form: {}, materials: [] }))).toEqual([
      { path: 'serviceItemCode', message: 'no service item "nope"' },
    ]);
  });

  it('refuses a material the service item does not ask for', async () => {
    const body = await individualBusinessApplication(deps);
    const errors = await ruleErrors(fileCase(deps, citizen(), { ...body, materials: [...body.materials, { materialId: 'passport', uploadId: body.materials[0]!.uploadId }] }));
    expect(errors[0]?.path).toBe('materials.1.materialId');
  });

  const declaredSlot = async () => {
    const declared = pdf('declared');
    return createUpload(deps, citizen(), { fileName: 'a.pdf', contentType: 'application/pdf', size: declared.length, sha256: sha256(declared) });
  };

  it('has the file store refuse other bytes than declared on the presigned URL (S3: 400 BadDigest)', async () => {
    const slot = await declaredSlot();
    expect((await fetch(slot.url, { method: 'PUT', headers: slot.headers, body: pdf('swapped!') })).status).toBe(400);
  });

  it('refuses a material whose stored file differs from its declared SHA-256', async () => {
    // Prepare: a file that reached the key some other way than the presigned URL
    const slot = await declaredSlot();
    const other = pdf('swapped!');
    await deps.blobs.put(`uploads/${slot.uploadId}`, other, 'application/pdf');
    const body = await individualBusinessApplication(deps);
    // Act
    const errors = await ruleErrors(fileCase(deps, citizen(), { ...body, materials: [{ materialId: 'premises-proof', uploadId: slot.uploadId }] }));
    // Assess
    expect(errors).toEqual([{ path: 'materials.0.uploadId', message: 'the uploaded file does not match the declared size and SHA-256' }]);
  });

  it('refuses a declared upload that was never PUT', async () => {
    const content = pdf('never');
    const slot = await createUpload(deps, citizen(), { fileName: 'n.pdf', contentType: 'application/pdf', size: content.length, sha256: sha256(content) });
    const body = await individualBusinessApplication(deps);
    const notPut = await ruleErrors(fileCase(deps, citizen(), { ...body, materials: [{ materialId: 'premises-proof', uploadId: slot.uploadId }] }));
    expect(notPut[0]?.message).toContain('not been uploaded');
  });

  it('refuses someone else’s upload', async () => {
    const body = await individualBusinessApplication(deps);
    const othersUpload = await uploadFile(deps, citizen({ sub: 'u-other' }), pdf('other'));
    const foreign = await ruleErrors(fileCase(deps, citizen(), { ...body, materials: [{ materialId: 'premises-proof', uploadId: othersUpload.uploadId }] }));
    expect(foreign[0]?.message).toBe('no such upload of yours');
  });

  it('does not let one upload serve two cases', async () => {
    const body = await individualBusinessApplication(deps);
    await fileCase(deps, citizen(), body);
    const errors = await ruleErrors(fileCase(deps, citizen(), body));
    expect(errors[0]?.message).toBe('this upload already belongs to a case');
  });
});

describe('uploads: size and type checked before signing', () => {
  it('refuses more than 20 MiB with 413', async () => {
    await expect(createUpload(deps, citizen(), { fileName: 'big.pdf', contentType: 'application/pdf', size: 20 * 1024 * 1024 + 1, sha256: 'a'.repeat(64) })).rejects.toBeInstanceOf(PayloadTooLarge);
  });
});

describe('Idempotency-Key on filing', () => {
  const repeated = async (key: string) => {
    const body = await individualBusinessApplication(deps);
    const first = await fileCase(deps, citizen(), body, key);
    const again = await fileCase(deps, citizen(), body, key);
    return { first, again };
  };

  it('returns the first response for a repeat', async () => {
    const { first, again } = await repeated('key-1');
    expect(again).toEqual(first);
  });

  it('files one case only for a repeat', async () => {
    const { first } = await repeated('key-1b');
    expect(deps.workflow.started.filter((id) => id === first.body.caseId)).toHaveLength(1);
  });

  it('answers 409 when the same key comes with another body', async () => {
    const body = await individualBusinessApplication(deps);
    await fileCase(deps, citizen(), body, 'key-2');
    await expect(fileCase(deps, citizen(), { ...body, form: { ...body.form, employees: 3 } }, 'key-2')).rejects.toBeInstanceOf(Conflict);
  });

  it('answers every copy of a request racing itself with the one case it files', async () => {
    // Prepare
    const body = await individualBusinessApplication(deps);
    // Act
    const results = await Promise.all(Array.from({ length: 6 }, () => fileCase(deps, citizen(), body, 'race-key')));
    // Assess
    const ids = new Set(results.map((r) => r.body.caseId));
    expect(ids.size).toBe(1);
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(await deps.cases.get([...ids][0]!)).toBeDefined();
  });

  it('keeps keys apart between applicants', async () => {
    const a = await fileCase(deps, citizen(), await individualBusinessApplication(deps), 'shared-key');
    const other = citizen({ sub: 'u-wang', name: '王建国' });
    (deps.sharedData as SharedDataStore).put({ subject: 'u-wang', materialId: 'id-card', record: { name: '陈美玲', idNumber: '350102198806123013' } });
    const b = await fileCase(deps, other, await individualBusinessApplication(deps, other), 'shared-key');
    expect(b.body.caseId).not.toBe(a.body.caseId);
  });
});

describe('I1 a form too large or too deep to keep is refused before anything is stored', () => {
  const refusesAtTheEdge = (form: unknown) => {
    const parsed = CreateCaseRequest.safeParse({ serviceItemCode: 'individual-business-registration', form, materials: [] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['form']);
  };

  it('refuses a form nested thousands deep, at the edge, with the field named', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 50_000; i++) deep = [deep];
    refusesAtTheEdge({ a: deep });
  });

  it('refuses a form over 64 KiB, at the edge, with the field named', () => {
    refusesAtTheEdge({ a: 'x'.repeat(70_000) });
  });
});

describe('H1 who can see a case', () => {
  let caseId: string;
  beforeAll(async () => {
    caseId = (await fileCase(deps, citizen(), await individualBusinessApplication(deps))).body.caseId;
  });

  it('shows the case to its applicant', async () => {
    await expect(viewCase(deps, citizen(), caseId)).resolves.toMatchObject({ caseId });
  });

  it('shows the case to its department', async () => {
    await expect(viewCase(deps, { kind: 'staff', sub: 's', name: '李', dept: 'fz-scjg', roles: ['reviewer'] }, caseId)).resolves.toBeTruthy();
  });

  it('answers 404 to another citizen', async () => {
    await expect(viewCase(deps, citizen({ sub: 'u-stranger' }), caseId)).rejects.toBeInstanceOf(NotFound);
  });

  it('answers 404 to another department', async () => {
    await expect(viewCase(deps, { kind: 'staff', sub: 's', name: '张', dept: 'fz-gaj', roles: ['reviewer'] }, caseId)).rejects.toBeInstanceOf(NotFound);
  });
});

describe('C1 a stored upload reported by the file store', () => {
  it('is recorded on the upload (size, ETag, the SHA-256 S3 checked) and files with it', async () => {
    // Prepare: a presigned upload, as the file store reports it (EventBridge's Object Created in AWS)
    const content = pdf('已上传，已报告');
    const slot = await uploadFile(deps, citizen(), content);
    // Act
    const outcome = await runScheduledTask(deps, { task: 'upload-stored', key: `uploads/${slot.uploadId}` });
    // Assess
    expect(outcome).toEqual({ uploadId: slot.uploadId, recorded: true });
    expect((await deps.uploads.getUpload(slot.uploadId))?.stored).toMatchObject({ size: content.length, sha256: sha256(content) });
    const body = await individualBusinessApplication(deps);
    expect((await fileCase(deps, citizen(), { ...body, materials: [{ materialId: 'premises-proof', uploadId: slot.uploadId }] })).status).toBe(201);
  });
});

describe('C1 F5 nothing lost between filing and the workflow', () => {
  it('starts a lost workflow, filed with 201, by the sweep once the start has had its grace period and its follow-up is gone', async () => {
    // Prepare
    const own = await integrationDeps({ followUps: 'manual' }); // a table of its own: only this story's cases
    const realClock = new MovableClock();
    const filedAt = Date.now();
    realClock.set(new Date(filedAt));
    const withClock = { ...own, realClock };
    const failing = { ...withClock, workflow: { start: async () => Promise.reject(new Error('ThrottlingException')), resume: async () => true, isRunning: async () => false } };
    own.fireWith(withClock);
    // Act: one filing whose follow-up was lost (never ran), one whose follow-up starts it
    const lost = await fileCase(failing, citizen(), await individualBusinessApplication(own));
    expect(lost.status).toBe(201);
    await own.timers.deleteTimer(followUpTimerName(lost.body.caseId, 1));
    const running = await fileCase(withClock, citizen(), await individualBusinessApplication(own));
    await own.poller.drain();
    // Assess
    expect(own.workflow.executions).toEqual([`${running.body.caseId}-1`]);
    expect(await own.workflowRuns.getWorkflowRun(running.body.caseId)).toMatchObject({ status: 'running', attempt: 1 });
    expect(await own.workflowRuns.getWorkflowRun(lost.body.caseId)).toMatchObject({ status: 'starting', attempt: 1 });

    // Act / Assess: within the grace period nothing is restarted: the start may still be under way.
    expect(await runScheduledTask(withClock, { task: 'sweep' })).toMatchObject({ restarted: [] });
    // Act: the sweep after the grace period
    realClock.set(new Date(filedAt + 5 * 60_000));
    expect(await runScheduledTask(withClock, { task: 'sweep' })).toMatchObject({ restarted: [lost.body.caseId] });
    // Assess: a new attempt under a new name: the lost one's name is never used again.
    expect(own.workflow.executions).toEqual([`${running.body.caseId}-1`, `${lost.body.caseId}-2`]);
    expect(await own.workflowRuns.getWorkflowRun(lost.body.caseId)).toMatchObject({ status: 'running', attempt: 2 });
    // Act / Assess: nothing is left for the next sweep.
    expect(await runScheduledTask(withClock, { task: 'sweep' })).toMatchObject({ restarted: [] });
  });

  it('leaves a first attempt whose start failed to its follow-up, which starts it again: one execution, never two', async () => {
    // Prepare: the filing's follow-up runs while Step Functions refuses
    const own = await integrationDeps({ followUps: 'manual' });
    const realClock = new MovableClock();
    const filedAt = Date.now();
    realClock.set(new Date(filedAt));
    const withClock = { ...own, realClock };
    const failing = { ...withClock, workflow: { start: async () => Promise.reject(new Error('ThrottlingException')), resume: async () => true, isRunning: async () => false } };
    const filed = (await fileCase(withClock, citizen(), await individualBusinessApplication(own))).body.caseId;
    own.fireWith(failing);
    await own.poller.drain();
    // Act: the sweep, past the grace period, while the follow-up waits for its next turn
    realClock.set(new Date(filedAt + 5 * 60_000));
    own.fireWith(withClock);
    expect(await runScheduledTask(withClock, { task: 'sweep' })).toMatchObject({ restarted: [] });
    // Act: the follow-up's next turn
    own.clock.advance(LEASE_MS);
    await own.poller.drain();
    // Assess
    expect(own.workflow.executions).toEqual([`${filed}-1`]);
    expect(await own.workflowRuns.getWorkflowRun(filed)).toMatchObject({ status: 'running', attempt: 1 });
  });
});
