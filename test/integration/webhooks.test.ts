import { createDepartment, fileCase, receiveDepartmentWebhook, rotateSecret, updateDepartment, viewCase } from '../support/checked.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { Conflict, Forbidden, IllegalTransition, MalformedRequest, NotFound, PayloadTooLarge, RuleViolation, Unauthenticated } from '#shared/errors.ts';
import type { Deps } from '#shared/usecases/deps.ts';
import { integrationDeps, RecordingWorkflow } from '../support/deps.ts';
import { admin, citizen, individualBusinessApplication } from '../support/fixtures.ts';

let deps: Deps & { workflow: RecordingWorkflow };
let secret: string;
let seq = 0;

function signed(body: unknown, opts: { key?: string; at?: Date; id?: string } = {}) {
  const raw = JSON.stringify(body);
  const id = opts.id ?? `msg_${++seq}`;
  const at = opts.at ?? new Date();
  const signature = new Webhook(opts.key ?? secret).sign(id, at, raw);
  return { raw, headers: { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature } };
}

/** The answer's body (202 for actions, 200 for queries). */
const send = async (body: unknown, opts?: Parameters<typeof signed>[1], dept = 'fz-scjg') => {
  const { raw, headers } = signed(body, opts);
  return (await receiveDepartmentWebhook(deps, dept, headers, raw)).body as Record<string, unknown>;
};

async function newCase() {
  return (await fileCase(deps, citizen(), await individualBusinessApplication(deps))).body.caseId;
}

beforeAll(async () => {
  deps = await integrationDeps();
  secret = (await rotateSecret(deps, admin, 'fz-scjg')).secret;
});

describe('E5 departments and their webhook secrets', () => {
  describe('a new department', () => {
    let res: Awaited<ReturnType<typeof createDepartment>>;
    beforeAll(async () => {
      res = await createDepartment(deps, admin, { code: 'fz-test', name: '测试局', webhookUrl: 'https://dept.example/hooks' });
    });

    it('shows a Standard Webhooks secret once', () => {
      expect(res.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    });

    it('gets a secret of at least 24 bytes', () => {
      expect(Buffer.from(res.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    });

    it('answers 409 for a code that exists', async () => {
      await expect(createDepartment(deps, admin, { code: 'fz-test', name: '测试局', webhookUrl: 'https://dept.example/hooks' })).rejects.toBeInstanceOf(Conflict);
    });

    it('updates a department, keeping what was not sent', async () => {
      await expect(updateDepartment(deps, admin, 'fz-test', { webhookUrl: 'https://dept.example/v2' })).resolves.toMatchObject({ webhookUrl: 'https://dept.example/v2', name: '测试局' });
    });
  });

  it('answers 409 for a code seeded with the catalog', async () => {
    await expect(createDepartment(deps, admin, { code: 'fz-wjw', name: '卫健委', webhookUrl: 'https://dept.example/hooks' })).rejects.toBeInstanceOf(Conflict);
  });

  it('does not let a citizen rotate a secret', async () => {
    await expect(rotateSecret(deps, citizen(), 'fz-scjg')).rejects.toBeInstanceOf(Forbidden);
  });

  it('does not let a department’s own admin rotate its secret (administrators only)', async () => {
    await expect(rotateSecret(deps, { kind: 'staff', sub: 's', name: '李', dept: 'fz-scjg', roles: ['dept_admin'] }, 'fz-scjg')).rejects.toBeInstanceOf(Forbidden);
  });

  it('404s an update of an unknown department', async () => {
    await expect(updateDepartment(deps, admin, 'fz-none', { webhookUrl: 'https://dept.example/v2' })).rejects.toBeInstanceOf(NotFound);
  });
});

describe('E5 signed department webhooks: accept and approve', () => {
  describe('accepting then approving a case', () => {
    let caseId: string;
    let accepted: Record<string, unknown>;
    let resumedOnAccept: (typeof deps.workflow.resumed)[number] | undefined;
    let approved: Record<string, unknown>;
    let resumedOnApprove: (typeof deps.workflow.resumed)[number] | undefined;
    beforeAll(async () => {
      caseId = await newCase();
      await deps.cases.saveWait(caseId, { stage: 'acceptance', whileStatus: ['submitted'], token: 'tok-accept' });
      accepted = await send({ type: 'case.accept', caseId, data: {} });
      resumedOnAccept = deps.workflow.resumed.at(-1);
      await deps.cases.saveWait(caseId, { stage: 'decision', whileStatus: ['accepted'], token: 'tok-decide' });
      approved = await send({ type: 'case.approve', caseId, data: { note: '符合条件' } });
      resumedOnApprove = deps.workflow.resumed.at(-1);
    });

    it('answers the accept with the accepted status, not as a duplicate', () => {
      expect(accepted).toMatchObject({ status: 'accepted', duplicate: false });
    });

    it('resumes the acceptance step waiting for the accept', () => {
      expect(resumedOnAccept).toEqual({ token: 'tok-accept', output: { status: 'accepted' } });
    });

    it('answers the approve with the approved status', () => {
      expect(approved).toMatchObject({ status: 'approved' });
    });

    it('resumes the decision step waiting for the approve', () => {
      expect(resumedOnApprove?.token).toBe('tok-decide');
    });

    it('shows each step on the timeline with the department as its actor', async () => {
      const view = await viewCase(deps, citizen(), caseId);
      expect(view.timeline.map((t) => [t.type, t.actor.id])).toEqual([
        ['case.submitted', 'u-chen'],
        ['case.accepted', 'fz-scjg'],
        // One promised working day: yellow from acceptance on (F3).
        ['case.light_changed', 'supervision'],
        ['case.approved', 'fz-scjg'],
      ]);
    });
  });

  it('answers 409 for an action the status forbids, and changes nothing', async () => {
    // Prepare
    const caseId = await newCase();
    // Act / Assess
    await expect(send({ type: 'case.approve', caseId, data: {} })).rejects.toBeInstanceOf(IllegalTransition);
    expect((await deps.cases.get(caseId))?.status).toBe('submitted');
  });

  describe('refused signatures (401), changing nothing', () => {
    let caseId: string;
    let body: { type: string; caseId: string; data: object };
    beforeAll(async () => {
      caseId = await newCase();
      body = { type: 'case.accept', caseId, data: {} };
    });

    it('refuses a body altered after signing', async () => {
      const { raw, headers } = signed(body);
      await expect(receiveDepartmentWebhook(deps, 'fz-scjg', headers, raw.replace('}', ' }'))).rejects.toBeInstanceOf(Unauthenticated);
      expect((await deps.cases.get(caseId))?.status).toBe('submitted');
    });

    it('refuses a timestamp more than five minutes old', async () => {
      await expect(send(body, { at: new Date(Date.now() - 6 * 60_000) })).rejects.toBeInstanceOf(Unauthenticated);
      expect((await deps.cases.get(caseId))?.status).toBe('submitted');
    });

    it('refuses a timestamp more than five minutes ahead', async () => {
      await expect(send(body, { at: new Date(Date.now() + 6 * 60_000) })).rejects.toBeInstanceOf(Unauthenticated);
      expect((await deps.cases.get(caseId))?.status).toBe('submitted');
    });

    it('refuses a signature by another secret', async () => {
      await expect(send(body, { key: `whsec_${Buffer.alloc(32, 7).toString('base64')}` })).rejects.toBeInstanceOf(Unauthenticated);
      expect((await deps.cases.get(caseId))?.status).toBe('submitted');
    });
  });

  it('answers a correctly signed body that is not JSON as malformed (the sender’s mistake)', async () => {
    const notJson = 'case.accept please';
    const now = new Date();
    const h = { 'webhook-id': 'msg_not_json', 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign('msg_not_json', now, notJson) };
    await expect(receiveDepartmentWebhook(deps, 'fz-scjg', h, notJson)).rejects.toBeInstanceOf(MalformedRequest);
  });

  describe('a repeated webhook-id', () => {
    let caseId: string;
    let first: Record<string, unknown>;
    let again: Record<string, unknown>;
    beforeAll(async () => {
      caseId = await newCase();
      first = await send({ type: 'case.accept', caseId, data: {} }, { id: 'msg_repeat' });
      again = await send({ type: 'case.accept', caseId, data: {} }, { id: 'msg_repeat' });
    });

    it('is answered as a duplicate with the first answer’s status', () => {
      expect(first.duplicate).toBe(false);
      expect(again).toMatchObject({ duplicate: true, status: 'accepted' });
    });

    it('changes nothing', async () => {
      expect((await deps.cases.getWithEvents(caseId))?.events.map((e) => e.type)).toEqual(['case.submitted', 'case.accepted', 'case.light_changed']);
    });
  });

  it('refuses, with a clear 4xx and nothing changed, a webhook-id too long to be one', async () => {
    const caseId = await newCase();
    await expect(send({ type: 'case.accept', caseId, data: {} }, { id: `msg_${'x'.repeat(3000)}` })).rejects.toBeInstanceOf(MalformedRequest);
    expect((await deps.cases.get(caseId))?.status).toBe('submitted');
  });

  describe('a certificate summary it cannot store', () => {
    const acceptedCase = async () => {
      const caseId = await newCase();
      await send({ type: 'case.accept', caseId, data: {} });
      return caseId;
    };

    it('refuses one too deep, with a clear 4xx and nothing changed', async () => {
      // Prepare
      const caseId = await acceptedCase();
      let deep: Record<string, unknown> = { leaf: 1 };
      for (let i = 0; i < 29; i++) deep = { d: deep };
      // Act / Assess
      await expect(send({ type: 'case.approve', caseId, data: { certificate: { summary: deep } } })).rejects.toBeInstanceOf(RuleViolation);
      expect((await deps.cases.get(caseId))?.status).toBe('accepted');
    });

    it('refuses one too large, with a clear 4xx and nothing changed', async () => {
      const caseId = await acceptedCase();
      await expect(send({ type: 'case.approve', caseId, data: { certificate: { summary: { blob: 'x'.repeat(100 * 1024) } } } })).rejects.toBeInstanceOf(RuleViolation);
      expect((await deps.cases.get(caseId))?.status).toBe('accepted');
    });
  });

  it('gives every identical copy of one webhook the first answer, when the copies arrive at once', async () => {
    // Prepare
    const caseId = await newCase();
    const { raw, headers } = signed({ type: 'case.accept', caseId, data: {} }, { id: 'msg_storm' });
    // Act
    const answers = await Promise.all(Array.from({ length: 20 }, () => receiveDepartmentWebhook(deps, 'fz-scjg', headers, raw)));
    // Assess
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    expect(answers.filter((a) => (a.body as { duplicate: boolean }).duplicate === false)).toHaveLength(1);
    expect(answers.every((a) => (a.body as { status: string }).status === 'accepted')).toBe(true);
    expect((await deps.cases.getWithEvents(caseId))!.events.filter((e) => e.type === 'case.accepted')).toHaveLength(1);
    // Act / Assess: a different webhook (another id) for the same step is still refused: the case has moved on.
    await expect(send({ type: 'case.accept', caseId, data: {} })).rejects.toBeInstanceOf(IllegalTransition);
  });

  it('keeps the old secret valid for an overlap period after rotation', async () => {
    // Prepare
    const caseId = await newCase();
    const old = secret;
    // Act
    secret = (await rotateSecret(deps, admin, 'fz-scjg')).secret;
    // Assess
    expect(await send({ type: 'case.accept', caseId, data: {} }, { key: old })).toMatchObject({ status: 'accepted' });
  });

  it('lets only the case’s departments act (404 for any other)', async () => {
    const caseId = await newCase();
    const police = (await rotateSecret(deps, admin, 'fz-gaj')).secret;
    await expect(send({ type: 'case.accept', caseId, data: {} }, { key: police }, 'fz-gaj')).rejects.toBeInstanceOf(NotFound);
  });

  describe('bodies it cannot take', () => {
    let caseId: string;
    beforeAll(async () => {
      caseId = await newCase();
    });

    it('refuses an unknown action type', async () => {
      await expect(send({ type: 'case.teleport', caseId, data: {} })).rejects.toBeInstanceOf(RuleViolation);
    });

    it('refuses a field the schema does not know', async () => {
      await expect(send({ type: 'case.accept', caseId, data: {}, extra: true })).rejects.toBeInstanceOf(RuleViolation);
    });

    it('refuses a body over 256 KiB (413)', async () => {
      const big = 'x'.repeat(256 * 1024);
      await expect(send({ type: 'case.accept', caseId, data: { note: big } })).rejects.toBeInstanceOf(PayloadTooLarge);
    });
  });
});
