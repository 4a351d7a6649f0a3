import { describe, expect, it } from 'vitest';
import { findItem } from '#shared/catalog/index.ts';
import { pdf, sha256 } from '../support/fixtures.ts';
import { until } from '../support/deps.ts';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { api, dataDir, fileIndividualBusiness, hook, platform, restartPlatform, token, useLocalPlatform } from '../support/e2e.ts';

useLocalPlatform();

describe('kill -9 while cases wait for their department', () => {
  it('loses nothing, and the department’s next actions still work after a restart', async () => {
    const citizen = await token({ sub: 'u-restart', name: '王建国', authLevel: 2 });
    const admin = await token({ sub: 'admin', name: '管理员', roles: ['admin'] });
    const secret = (await api('/admin/departments/fz-scjg/rotate-secret', { method: 'POST', token: admin })).body.secret as string;
    const waitingForDecision = await fileIndividualBusiness(citizen);
    const waitingForAcceptance = await fileIndividualBusiness(citizen);
    expect((await hook(secret, 'fz-scjg', { type: 'case.accept', caseId: waitingForDecision, data: {} })).status).toBe(202);

    const before = (await api(`/cases/${waitingForDecision}`, { token: citizen })).body;
    platform.proc.kill('SIGKILL');
    await platform.exited;
    await restartPlatform();

    // The old token and secret still work: both are kept under DATA_DIR. The acceptance's follow-up
    // (killed with the process, or done before) has run: its light change is on the timeline, its
    // 受理通知书 rendered.
    const after = (await until(() => api(`/cases/${waitingForDecision}`, { token: citizen }), (r) => r.body.timeline?.some((t: { type: string }) => t.type === 'case.light_changed'))).body;
    const steps = (v: { timeline: Array<{ type: string }> }) => v.timeline.filter((t) => t.type !== 'case.light_changed');
    expect({ ...after, timeline: steps(after), light: undefined, updatedAt: undefined, version: undefined }).toEqual({ ...before, timeline: steps(before), light: undefined, updatedAt: undefined, version: undefined });
    const notice = await api(`/cases/${waitingForDecision}/documents/${after.documents[0].docId}`, { token: citizen });
    expect(notice.status).toBe(200);
    expect((await fetch(notice.body.url)).status).toBe(200);
    // Staff see the workflow carried on by a new attempt (executions are named per attempt).
    const reviewer = await token({ sub: 's-e2e', name: '审查', dept: 'fz-scjg', roles: ['reviewer'] });
    const workflow = (await until(() => api(`/cases/${waitingForDecision}`, { token: reviewer }), (r) => r.body.workflow?.attempt === 2)).body.workflow;
    expect(workflow).toMatchObject({ status: 'running', attempt: 2 });
    expect((await hook(secret, 'fz-scjg', { type: 'case.approve', caseId: waitingForDecision, data: {} })).body).toMatchObject({ status: 'approved' });
    expect((await hook(secret, 'fz-scjg', { type: 'case.accept', caseId: waitingForAcceptance, data: {} })).body).toMatchObject({ status: 'accepted' });
    const done = await until(() => api(`/cases/${waitingForDecision}`, { token: citizen }), (r) => r.body.status === 'completed');
    expect(done.body.status).toBe('completed');
    expect(done.body.certificates).toHaveLength(1);
    expect(done.body.timeline.map((t: { type: string }) => t.type)).toEqual(['case.submitted', 'case.accepted', 'case.light_changed', 'case.approved', 'case.completed']);
    expect((await hook(secret, 'fz-scjg', { type: 'case.approve', caseId: waitingForAcceptance, data: {} })).body).toMatchObject({ status: 'approved' });
    expect((await until(() => api(`/cases/${waitingForAcceptance}`, { token: citizen }), (r) => r.body.status === 'completed')).body.status).toBe('completed');
  });
});

describe('E3 kill -9 in the middle of a joint case', () => {
  it('keeps the opinion already given and asks only the co-department still to answer', async () => {
    const company = await token({ sub: 'c-joint', name: '福州市城市建设投资集团有限公司', subjectType: 'company', authLevel: 2 });
    // C2: its land certificate on file at the shared-data platform, to be fetched at filing
    await api('/dev/shared-data', { body: { subject: 'c-joint', materialId: 'land-certificate', record: { rightHolder: '福州市城市建设投资集团有限公司' } } });
    const admin = await token({ sub: 'admin', name: '管理员', roles: ['admin'] });
    const secrets: Record<string, string> = {};
    for (const d of ['fz-zrzy', 'fz-zjj', 'fz-rfb']) secrets[d] = (await api(`/admin/departments/${d}/rotate-secret`, { method: 'POST', token: admin })).body.secret;
    const materials = [];
    for (const materialId of ['design-scheme', 'civil-defence-plan', 'fire-design']) {
      const content = pdf(materialId);
      const slot = (await api('/uploads', { token: company, body: { fileName: `${materialId}.pdf`, contentType: 'application/pdf', size: content.length, sha256: sha256(content) } })).body;
      await fetch(slot.url, { method: 'PUT', headers: slot.headers, body: content });
      materials.push({ materialId, uploadId: slot.uploadId });
    }
    const filed = await api('/cases', { token: company, body: { serviceItemCode: 'construction-planning-permit', form: findItem('construction-planning-permit')!.formExample, materials } });
    const caseId = filed.body.caseId as string;
    expect((await hook(secrets['fz-zrzy']!, 'fz-zrzy', { type: 'case.accept', caseId, data: {} })).status).toBe(202);
    expect((await hook(secrets['fz-zjj']!, 'fz-zjj', { type: 'case.opinion', caseId, data: { opinion: 'agree' } })).status).toBe(202);

    platform.proc.kill('SIGKILL');
    await platform.exited;
    await restartPlatform();

    expect((await hook(secrets['fz-zjj']!, 'fz-zjj', { type: 'case.opinion', caseId, data: { opinion: 'disagree' } })).status).toBe(409);
    expect((await hook(secrets['fz-zrzy']!, 'fz-zrzy', { type: 'case.approve', caseId, data: {} })).body.detail).toContain('fz-rfb');
    expect((await hook(secrets['fz-rfb']!, 'fz-rfb', { type: 'case.opinion', caseId, data: { opinion: 'agree', note: '同意' } })).status).toBe(202);
    const approve = await until(() => hook(secrets['fz-zrzy']!, 'fz-zrzy', { type: 'case.approve', caseId, data: {} }), (r) => r.status === 202);
    expect(approve.body.status).toBe('approved');
    const done = await until(() => api(`/cases/${caseId}`, { token: company }), (r) => r.body.status === 'completed');
    expect(done.body.opinions).toMatchObject({ 'fz-zjj': { opinion: 'agree' }, 'fz-rfb': { opinion: 'agree', note: '同意' } });
    // G3: the permit and 人防办's document, released together
    expect(done.body.certificates.map((c: { name: string }) => c.name)).toEqual(['建设工程规划许可证', '结合民用建筑修建防空地下室审批意见书']);
  });
});

describe('G4 kill -9 between the commit and the SMS', () => {
  it('sends the applicant’s SMS after the restart, once', { timeout: 120_000 }, async () => {
    // Prepare: the SMS gateway's stand-in cannot take anything (its outbox file is a folder now).
    const citizen = await token({ sub: 'u-sms-restart', name: '林晓东', authLevel: 2 });
    const admin = await token({ sub: 'admin', name: '管理员', roles: ['admin'] });
    const secret = (await api('/admin/departments/fz-scjg/rotate-secret', { method: 'POST', token: admin })).body.secret as string;
    const caseId = await fileIndividualBusiness(citizen);
    const outbox = join(dataDir, 'outbox', 'sms.jsonl');
    rmSync(outbox, { force: true, recursive: true });
    mkdirSync(outbox, { recursive: true });
    try {
      // Act: the acceptance commits its SMS; the gateway refuses it; the process dies.
      expect((await hook(secret, 'fz-scjg', { type: 'case.accept', caseId, data: {} })).status).toBe(202);
      const refused = new RegExp(`"message":"sms attempt failed; retrying".*"caseId":"${caseId}"`);
      expect(await until(async () => refused.test(platform.output()), Boolean)).toBe(true);
      platform.proc.kill('SIGKILL');
      await platform.exited;
    } finally {
      rmSync(outbox, { recursive: true, force: true });
    }
    await restartPlatform();

    // Assess: the SMS committed with the acceptance is sent after the restart, and only once.
    const sent = await until(
      () => api(`/dev/outbox?to=u-sms-restart`),
      (r) => r.body.items.length > 0,
      60_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const again = (await api(`/dev/outbox?to=u-sms-restart`)).body.items;
    expect(again).toEqual(sent.body.items);
    expect(again).toEqual([expect.objectContaining({ caseId, template: 'case.accepted', to: 'u-sms-restart', text: expect.stringContaining('林晓东，您于') })]);
    // And the platform handed it to the gateway once (the stand-in would take a repeat silently).
    const handedOver = platform.output().split('\n').filter((l) => l.includes('"message":"sms delivered"') && l.includes(caseId));
    expect(handedOver).toHaveLength(1);
  });
});
