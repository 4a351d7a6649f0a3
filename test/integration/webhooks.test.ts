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
  it('creates a department and shows a Standard Webhooks secret once', async () => {
    const res = await createDepartment(deps, admin, { code: 'fz-test', name: '测试局', webhookUrl: 'https://dept.example/hooks' });
    expect(res.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(res.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
  });

  it('answers 409 for a code that exists, including one seeded with the catalog', async () => {
    await expect(createDepartment(deps, admin, { code: 'fz-test', name: '测试局', webhookUrl: 'https://dept.example/hooks' })).rejects.toBeInstanceOf(Conflict);
    await expect(createDepartment(deps, admin, { code: 'fz-wjw', name: '卫健委', webhookUrl: 'https://dept.example/hooks' })).rejects.toBeInstanceOf(Conflict);
  });

  it('is for administrators only', async () => {
    await expect(rotateSecret(deps, citizen(), 'fz-scjg')).rejects.toBeInstanceOf(Forbidden);
    await expect(rotateSecret(deps, { kind: 'staff', sub: 's', name: '李', dept: 'fz-scjg', roles: ['dept_admin'] }, 'fz-scjg')).rejects.toBeInstanceOf(Forbidden);
  });

  it('updates a department and 404s an unknown one', async () => {
    await expect(updateDepartment(deps, admin, 'fz-test', { webhookUrl: 'https://dept.example/v2' })).resolves.toMatchObject({ webhookUrl: 'https://dept.example/v2', name: '测试局' });
    await expect(updateDepartment(deps, admin, 'fz-none', { webhookUrl: 'https://dept.example/v2' })).rejects.toBeInstanceOf(NotFound);
  });
});

describe('E5 signed department webhooks: accept and approve', () => {
  it('accepts then approves a case; each resumes the workflow step waiting for it', async () => {
    const caseId = await newCase();
    await deps.cases.saveWait(caseId, { stage: 'acceptance', whileStatus: ['submitted'], token: 'tok-accept' });
    expect(await send({ type: 'case.accept', caseId, data: {} })).toMatchObject({ status: 'accepted', duplicate: false });
    expect(deps.workflow.resumed.at(-1)).toEqual({ token: 'tok-accept', output: { status: 'accepted' } });
    await deps.cases.saveWait(caseId, { stage: 'decision', whileStatus: ['accepted'], token: 'tok-decide' });
    expect(await send({ type: 'case.approve', caseId, data: { note: '符合条件' } })).toMatchObject({ status: 'approved' });
    expect(deps.workflow.resumed.at(-1)?.token).toBe('tok-decide');
    const view = await viewCase(deps, citizen(), caseId);
    expect(view.timeline.map((t) => [t.type, t.actor.id])).toEqual([
      ['case.submitted', 'u-chen'],
      ['case.accepted', 'fz-scjg'],
      // One promised working day: yellow from acceptance on (F3).
      ['case.light_changed', 'supervision'],
      ['case.approved', 'fz-scjg'],
    ]);
  });

  it('answers 409 for an action the status forbids, and changes nothing', async () => {
    const caseId = await newCase();
    await expect(send({ type: 'case.approve', caseId, data: {} })).rejects.toBeInstanceOf(IllegalTransition);
    expect((await deps.cases.get(caseId))?.status).toBe('submitted');
  });

  it('refuses a bad signature, a stale timestamp and a signature by another secret (401)', async () => {
    const caseId = await newCase();
    const body = { type: 'case.accept', caseId, data: {} };
    const { raw, headers } = signed(body);
    await expect(receiveDepartmentWebhook(deps, 'fz-scjg', headers, raw.replace('}', ' }'))).rejects.toBeInstanceOf(Unauthenticated);
    // Correctly signed, but not JSON: the sender's mistake, said as such.
    const notJson = 'case.accept please';
    const now = new Date();
    const h = { 'webhook-id': 'msg_not_json', 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign('msg_not_json', now, notJson) };
    await expect(receiveDepartmentWebhook(deps, 'fz-scjg', h, notJson)).rejects.toBeInstanceOf(MalformedRequest);
    await expect(send(body, { at: new Date(Date.now() - 6 * 60_000) })).rejects.toBeInstanceOf(Unauthenticated);
    await expect(send(body, { at: new Date(Date.now() + 6 * 60_000) })).rejects.toBeInstanceOf(Unauthenticated);
    await expect(send(body, { key: `whsec_${Buffer.alloc(32, 7).toString('base64')}` })).rejects.toBeInstanceOf(Unauthenticated);
    expect((await deps.cases.get(caseId))?.status).toBe('submitted');
  });

  it('changes nothing when a webhook-id is repeated', async () => {
    const caseId = await newCase();
    const first = await send({ type: 'case.accept', caseId, data: {} }, { id: 'msg_repeat' });
    const again = await send({ type: 'case.accept', caseId, data: {} }, { id: 'msg_repeat' });
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, status: 'accepted' });
    expect((await deps.cases.getWithEvents(caseId))?.events.map((e) => e.type)).toEqual(['case.submitted', 'case.accepted', 'case.light_changed']);
  });

  it('refuses, with a clear 4xx and nothing changed, a webhook-id too long to be one, and a certificate summary too large or too deep to store', async () => {
    const caseId = await newCase();
    await expect(send({ type: 'case.accept', caseId, data: {} }, { id: `msg_${'x'.repeat(3000)}` })).rejects.toBeInstanceOf(MalformedRequest);
    await send({ type: 'case.accept', caseId, data: {} });
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 29; i++) deep = { d: deep };
    for (const summary of [deep, { blob: 'x'.repeat(100 * 1024) }]) {
      await expect(send({ type: 'case.approve', caseId, data: { certificate: { summary } } })).rejects.toBeInstanceOf(RuleViolation);
    }
    expect((await deps.cases.get(caseId))?.status).toBe('accepted');
  });

  it('gives every identical copy of one webhook the first answer, when the copies arrive at once', async () => {
    const caseId = await newCase();
    const { raw, headers } = signed({ type: 'case.accept', caseId, data: {} }, { id: 'msg_storm' });
    const answers = await Promise.all(Array.from({ length: 20 }, () => receiveDepartmentWebhook(deps, 'fz-scjg', headers, raw)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    expect(answers.filter((a) => (a.body as { duplicate: boolean }).duplicate === false)).toHaveLength(1);
    expect(answers.every((a) => (a.body as { status: string }).status === 'accepted')).toBe(true);
    expect((await deps.cases.getWithEvents(caseId))!.events.filter((e) => e.type === 'case.accepted')).toHaveLength(1);
    // A different webhook (another id) for the same step is still refused: the case has moved on.
    await expect(send({ type: 'case.accept', caseId, data: {} })).rejects.toBeInstanceOf(IllegalTransition);
  });

  it('keeps the old secret valid for an overlap period after rotation', async () => {
    const caseId = await newCase();
    const old = secret;
    secret = (await rotateSecret(deps, admin, 'fz-scjg')).secret;
    expect(await send({ type: 'case.accept', caseId, data: {} }, { key: old })).toMatchObject({ status: 'accepted' });
  });

  it('lets only the case’s departments act, and only the lead accept', async () => {
    const caseId = await newCase();
    const police = (await rotateSecret(deps, admin, 'fz-gaj')).secret;
    await expect(send({ type: 'case.accept', caseId, data: {} }, { key: police }, 'fz-gaj')).rejects.toBeInstanceOf(NotFound);
  });

  it('answers malformed and invalid bodies clearly, and refuses bodies over 256 KiB', async () => {
    const caseId = await newCase();
    await expect(send({ type: 'case.teleport', caseId, data: {} })).rejects.toBeInstanceOf(RuleViolation);
    await expect(send({ type: 'case.accept', caseId, data: {}, extra: true })).rejects.toBeInstanceOf(RuleViolation);
    const big = 'x'.repeat(256 * 1024);
    await expect(send({ type: 'case.accept', caseId, data: { note: big } })).rejects.toBeInstanceOf(PayloadTooLarge);
  });
});
