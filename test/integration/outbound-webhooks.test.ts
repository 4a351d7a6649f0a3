import type { SharedDataStore } from '../../infra/local/shared-data.ts';
import { fileCase, listDeadLetters, redeliver, rotateSecret, updateDepartment } from '../support/checked.ts';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { HttpWebhookSender } from '#shared/adapters/http/webhook-sender.ts';
import { isSms, MAX_ATTEMPTS, RETRY_DELAYS_MS, refusedAddress } from '#shared/domain/delivery.ts';
import { Conflict, Forbidden } from '#shared/errors.ts';
import { actOnCase } from '#shared/usecases/case-actions.ts';
import { sweepDeliveries } from '#shared/usecases/deliveries.ts';
import { runScheduledTask } from '#shared/usecases/scheduled.ts';
import { followUpTimerName } from '#shared/ports/scheduler.ts';
import { LEASE_MS } from '../../infra/local/timer-poller.ts';
import { integrationDeps } from '../support/deps.ts';
import { findItem } from '#shared/catalog/index.ts';
import { admin, citizen, individualBusinessApplication, pdf, sha256, uploadFile } from '../support/fixtures.ts';

type Received = { headers: Record<string, string>; body: string };
let receiver: Server;
let url: string;
let received: Received[] = [];
let answer = 204;
let deps: Awaited<ReturnType<typeof integrationDeps>>;
let secret: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;
  // The test fires every timer itself, the steps' follow-ups (which make each first attempt) too.
  deps = await integrationDeps({ followUps: 'manual' });
  await updateDepartment(deps, admin, 'fz-scjg', { webhookUrl: url });
  secret = (await rotateSecret(deps, admin, 'fz-scjg')).secret;
});
afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

async function fileOne() {
  received = [];
  return (await fileCase(deps, citizen(), await individualBusinessApplication(deps))).body.caseId;
}

describe('E5 webhooks out: signed, retried with back-off, then parked', () => {
  describe('a new case', () => {
    let caseId: string;
    let fired: number;
    let got: Received[];
    let verified: { id: string; type: string; data: { caseId: string; materials: unknown[] } };
    beforeAll(async () => {
      caseId = await fileOne();
      fired = await deps.poller.tick();
      got = received;
      verified = new Webhook(secret).verify(got[0]!.body, got[0]!.headers) as typeof verified;
    });

    it('is told to the lead department in one webhook', () => {
      expect(fired).toBe(1);
      expect(got).toHaveLength(1);
    });

    it('is told with a Standard Webhooks signature, as case.submitted for the case', () => {
      expect(verified).toMatchObject({ type: 'case.submitted', data: { caseId } });
    });

    it('lists every material with a file, by digest (what the department works on, opened with material.link)', () => {
      expect(verified.data.materials).toEqual([
        { materialId: 'application-form', source: 'form', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), fileName: '个体工商户登记（备案）申请书-v1.json', contentType: 'application/json' },
        // C2: the ID card the platform fetched from shared data, as fetched
        { materialId: 'id-card', source: 'shared_data', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), fileName: '经营者身份证明-共享数据.json', contentType: 'application/json' },
        { materialId: 'premises-proof', source: 'upload', sha256: sha256(pdf()), fileName: 'premises.pdf', contentType: 'application/pdf' },
      ]);
    });

    it('carries the message id in the webhook-id header', () => {
      expect(verified.id).toBe(got[0]!.headers['webhook-id']);
    });

    it('marks the delivery delivered', async () => {
      expect((await deps.deliveries.getDelivery(verified.id))?.status).toBe('delivered');
    });
  });

  it('changes nothing when a timer fires twice', async () => {
    // Prepare: delivered once
    await fileOne();
    await deps.poller.tick();
    const id = received[0]!.headers['webhook-id']!;
    // Act / Assess
    expect(await runScheduledTask(deps, { task: 'deliver', deliveryId: id })).toEqual({ deliveryId: id, status: 'delivered' });
    expect(received).toHaveLength(1);
  });

  it('loses nothing when the process died while the follow-up was making the first attempt', async () => {
    // Prepare: the follow-up taken by a runner that then died
    const caseId = await fileOne();
    const [followUp] = (await deps.timers.dueTimers(deps.clock.now().toISOString(), 100)).filter((t) => t.name === followUpTimerName(caseId, 1));
    expect(await deps.timers.leaseTimer(followUp!, new Date(deps.clock.now().getTime() + LEASE_MS).toISOString())).toBe(true);
    expect(await deps.poller.tick()).toBe(0);
    expect(received).toEqual([]);
    // Act: its lease runs out
    deps.clock.advance(LEASE_MS);
    // Assess: handed out again, it makes the attempt
    expect(await deps.poller.tick()).toBe(1);
    expect(received.map((r) => JSON.parse(r.body).data.caseId)).toEqual([caseId]);
  });

  it('loses nothing when the follow-up itself was lost (the sweep finds the overdue delivery)', async () => {
    // Prepare
    const caseId = await fileOne();
    const [lost] = (await deps.deliveries.listOverdueDeliveries(new Date(deps.clock.now().getTime() + 1000).toISOString(), 100)).filter((d) => !isSms(d) && d.data.caseId === caseId);
    await deps.timers.deleteTimer(followUpTimerName(caseId, 1)); // as if the step's follow-up had never been written
    expect(await deps.poller.tick()).toBe(0);
    // Act / Assess: the sweep, before and after the delivery is overdue
    expect(await sweepDeliveries(deps)).toEqual({ rescheduled: 0 }); // not yet overdue
    deps.clock.advance(11 * 60_000);
    expect(await sweepDeliveries(deps)).toEqual({ rescheduled: 1 });
    // Act / Assess: the timer it set
    expect(await deps.poller.tick()).toBe(1);
    expect(received.map((r) => r.headers['webhook-id'])).toEqual([lost!.deliveryId]);
    expect(await sweepDeliveries(deps)).toEqual({ rescheduled: 0 });
  });

  it(`retries ${MAX_ATTEMPTS} times over more than 24 h, then parks a dead letter an administrator can redeliver`, async () => {
    // Prepare: a department that answers 503
    answer = 503;
    await fileOne();
    let elapsed = 0;
    expect(await deps.poller.tick()).toBe(1);
    const id = received[0]!.headers['webhook-id']!;
    // Only this delivery's attempts: the case's own clock announces itself meanwhile (other deliveries).
    const attempts = () => received.filter((r) => r.headers['webhook-id'] === id).length;
    // Act / Assess: each retry on its time, not before
    for (const [i, delay] of RETRY_DELAYS_MS.entries()) {
      deps.clock.advance(delay - 1000);
      await deps.poller.tick();
      expect(attempts()).toBe(i + 1); // not before its time
      deps.clock.advance(1000);
      await deps.poller.tick();
      expect(attempts()).toBe(i + 2);
      elapsed += delay;
    }
    // Assess: parked
    expect(attempts()).toBe(MAX_ATTEMPTS);
    expect(MAX_ATTEMPTS).toBeGreaterThanOrEqual(8);
    expect(elapsed).toBeGreaterThanOrEqual(24 * 3600_000);
    const dead = await listDeadLetters(deps, admin, { limit: 10 });
    expect(dead.items.find((d) => d.deliveryId === id)).toMatchObject({ status: 'dead', attempts: MAX_ATTEMPTS, lastError: 'HTTP 503' });

    // Act: redelivery, once
    answer = 200;
    await redeliver(deps, admin, id);
    await expect(redeliver(deps, admin, id)).rejects.toBeInstanceOf(Conflict);
    await deps.poller.tick();
    // Assess
    expect(attempts()).toBe(MAX_ATTEMPTS + 1);
    expect((await deps.deliveries.getDelivery(id))?.status).toBe('delivered');
    expect((await listDeadLetters(deps, admin, { limit: 10 })).items.some((d) => d.deliveryId === id)).toBe(false);
    answer = 204;
  });

  it('shows the dead letters to administrators only', async () => {
    await expect(listDeadLetters(deps, citizen(), { limit: 10 })).rejects.toBeInstanceOf(Forbidden);
  });

  describe('a joint case', () => {
    let caseId: string;
    let company: ReturnType<typeof citizen>;
    let assigned: Received[];
    beforeAll(async () => {
      for (const d of ['fz-zjj', 'fz-rfb']) {
        await updateDepartment(deps, admin, d, { webhookUrl: `${url}/${d}` });
        await rotateSecret(deps, admin, d);
      }
      await updateDepartment(deps, admin, 'fz-zrzy', { webhookUrl: `${url}/fz-zrzy` });
      await rotateSecret(deps, admin, 'fz-zrzy');
      company = citizen({ sub: 'c-out', name: '福州市城市建设投资集团有限公司', subjectType: 'company' });
      (deps.sharedData as SharedDataStore).put({ subject: 'c-out', materialId: 'land-certificate', record: { rightHolder: '福州市城市建设投资集团有限公司' } });
      const item = findItem('construction-planning-permit')!;
      const materials = [];
      for (const materialId of ['design-scheme', 'civil-defence-plan', 'fire-design']) {
        materials.push({ materialId, uploadId: (await uploadFile(deps, company, pdf(materialId), `${materialId}.pdf`)).uploadId });
      }
      const { body } = await fileCase(deps, company, { serviceItemCode: item.code, form: item.formExample as Record<string, unknown>, materials });
      caseId = body.caseId;
      await deps.poller.tick();
      received = [];
      await actOnCase(deps, { kind: 'department', id: 'fz-zrzy', via: 'webhook' }, { caseId, command: { type: 'accept' } });
      await deps.poller.tick();
      assigned = received;
    });

    it('is assigned to each co-department when the lead accepts', () => {
      expect(assigned.map((r) => [JSON.parse(r.body).type, r.headers['webhook-id']!.startsWith('msg_')]).sort()).toEqual([
        ['case.assigned', true],
        ['case.assigned', true],
      ]);
    });

    it('lists the materials in each assignment: co-departments work on the same materials (E3)', () => {
      for (const r of assigned) {
        expect((JSON.parse(r.body).data.materials as Array<{ materialId: string }>).map((m) => m.materialId)).toEqual(['application-form', 'land-certificate', 'design-scheme', 'civil-defence-plan', 'fire-design']);
      }
    });

    it('tells every department when the applicant withdraws', async () => {
      // Act
      received = [];
      await actOnCase(deps, { kind: 'applicant', id: 'c-out', name: company.name }, { caseId, command: { type: 'withdraw' } });
      await deps.poller.tick();
      // Assess
      expect(received.map((r) => JSON.parse(r.body).type)).toEqual(['case.withdrawn', 'case.withdrawn', 'case.withdrawn']);
    });
  });
});

describe('E5 outbound URLs are checked against SSRF', () => {
  it.each(['10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1'])('refuses the private, link-local or metadata address %s', (a) => {
    expect(refusedAddress(a, true), a).toBeDefined();
  });

  it('refuses loopback addresses outside the local runtime', () => {
    expect(refusedAddress('127.0.0.1', false)).toContain('loopback');
    expect(refusedAddress('::1', false)).toContain('loopback');
  });

  it('allows loopback in the local runtime', () => {
    expect(refusedAddress('127.0.0.1', true)).toBeUndefined();
  });

  it('allows a public address', () => {
    expect(refusedAddress('203.0.113.10', false)).toBeUndefined();
  });

  describe('the sender', () => {
    const strict = new HttpWebhookSender({ allowLoopback: false });

    it('does not connect over plain http', async () => {
      received = [];
      expect(await strict.post(url, {}, '{}')).toMatchObject({ ok: false, error: expect.stringContaining('https') });
      expect(received).toHaveLength(0);
    });

    it('does not connect to loopback unless allowed', async () => {
      received = [];
      expect(await strict.post(url.replace('http:', 'https:'), {}, '{}')).toMatchObject({ ok: false, error: expect.stringContaining('loopback') });
      expect(await strict.post('https://localhost:1/x', {}, '{}')).toMatchObject({ ok: false, error: expect.stringContaining('loopback') });
      expect(received).toHaveLength(0);
    });
  });
});
