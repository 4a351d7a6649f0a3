import { fileCase, viewCase, viewCertificate } from '../support/checked.ts';
import { compactVerify, createLocalJWKSet } from 'jose';
import { CERTIFICATE_JWS_TYPE } from '#shared/domain/certificate.ts';
import { revokeCertificate, verifyByCode } from '#shared/usecases/verify.ts';
import { certificateDocumentLink } from '#shared/usecases/notices.ts';
import { pdfPageTexts, qrCodesOf } from '../support/pdf.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SFNClient } from '@aws-sdk/client-sfn';
import { StepFunctionsWorkflow } from '#shared/adapters/sfn/workflow.ts';
import { actOnCase } from '#shared/usecases/case-actions.ts';
import type { Deps } from '#shared/usecases/deps.ts';
import { runWorkflowTask } from '#shared/usecases/workflow-tasks.ts';
import { CASE_STATE_MACHINE_FILE, LOCAL_NAMES } from '../../infra/lambdas.ts';
import { LocalStepFunctions } from '../../infra/local/step-functions-local.ts';
import { S3RVER_CREDENTIALS } from '../../infra/local/s3-local.ts';
import { until, workflowDeps } from '../support/deps.ts';
import { citizen, individualBusinessApplication } from '../support/fixtures.ts';

const fnArn = LOCAL_NAMES.functionArn('case-workflow');
let deps: Awaited<ReturnType<typeof workflowDeps>>['deps'];
let sfn: LocalStepFunctions;
const dept = { kind: 'department' as const, id: 'fz-scjg', via: 'webhook' as const };
const waitOf = async (caseId: string, stage: string) => (await deps.cases.listWaits(caseId)).find((w) => w.stage === stage);


beforeAll(async () => {
  ({ deps, sfn } = await workflowDeps());
});

afterAll(async () => {
  await sfn.stop();
});

describe('G1 the case workflow (same ASL, aws-local-stepfunctions)', () => {
  it('waits for acceptance, then the decision, then issues the certificate and completes', async () => {
    // Prepare
    const { body } = await fileCase(deps, citizen(), await individualBusinessApplication(deps));
    // Assess: waiting for acceptance
    const waiting = await until(() => waitOf(body.caseId, 'acceptance'), (w) => w !== undefined);
    expect(waiting?.whileStatus).toEqual(['submitted']);

    // Act / Assess: accepted, waiting for the decision
    await actOnCase(deps, dept, { caseId: body.caseId, command: { type: 'accept' } });
    expect((await until(() => waitOf(body.caseId, 'decision'), (w) => w !== undefined))?.stage).toBe('decision');

    // Act: approved
    await actOnCase(deps, dept, { caseId: body.caseId, command: { type: 'approve', certificate: { summary: { registrationNo: '92350102MA8X1234' } } } });
    // Assess
    const done = await until(() => viewCase(deps, citizen(), body.caseId), (v) => v.status === 'completed');
    expect(done.status).toBe('completed');
    expect(done.certificates).toHaveLength(1);
    expect(done.certificates[0]).toMatchObject({ name: '营业执照（个体工商户）', supervisionCode: body.supervisionCode, issuer: '福州市市场监督管理局' });
    const cert = await deps.certificates.getCertificate(done.certificates[0]!.certificateId);
    expect(cert?.summary).toMatchObject({ registrationNo: '92350102MA8X1234' });
    expect(sfn.runningExecutions()).not.toContain(body.caseId);
  });

  it('carries on when the department acted before the workflow began waiting', async () => {
    // Prepare
    const { body } = await fileCase(deps, citizen(), await individualBusinessApplication(deps));
    // Act at once; the execution may not have registered its wait yet.
    await actOnCase(deps, dept, { caseId: body.caseId, command: { type: 'accept' } });
    await until(() => waitOf(body.caseId, 'decision'), (w) => w !== undefined);
    await actOnCase(deps, dept, { caseId: body.caseId, command: { type: 'approve' } });
    // Assess
    expect((await until(() => deps.cases.get(body.caseId), (c) => c?.status === 'completed'))?.status).toBe('completed');
  });

  it('picks up where the case stands when an execution is started again (restart)', async () => {
    // Prepare: a case waiting for its decision
    const { body } = await fileCase(deps, citizen(), await individualBusinessApplication(deps));
    await until(() => waitOf(body.caseId, 'acceptance'), (w) => w !== undefined);
    await actOnCase(deps, dept, { caseId: body.caseId, command: { type: 'accept' } });
    await until(() => waitOf(body.caseId, 'decision'), (w) => w !== undefined);
    // …and a second runtime with no memory of the first execution.
    const fresh = new LocalStepFunctions(CASE_STATE_MACHINE_FILE, { CaseWorkflowFunctionArn: fnArn }, { [fnArn]: (input) => runWorkflowTask(freshDeps, input) });
    const freshEndpoint = await fresh.listen();
    const freshDeps: Deps = { ...deps, workflow: new StepFunctionsWorkflow(new SFNClient({ endpoint: freshEndpoint, region: 'us-east-1', credentials: S3RVER_CREDENTIALS }), LOCAL_NAMES.stateMachineArn) };
    const before = (await waitOf(body.caseId, 'decision'))?.token;
    // Act: the execution started again
    fresh.startExecution(body.caseId, { caseId: body.caseId });
    // Assess: waiting for the decision again
    const after = await until(() => waitOf(body.caseId, 'decision'), (w) => w !== undefined && w.token !== before);
    expect(after?.stage).toBe('decision');
    // Act / Assess: the approval's follow-up wakes the new runtime's execution
    deps.fireWith(freshDeps);
    await actOnCase(freshDeps, dept, { caseId: body.caseId, command: { type: 'approve' } });
    expect((await until(() => deps.cases.get(body.caseId), (c) => c?.status === 'completed'))?.status).toBe('completed');
    deps.fireWith(deps);
    await fresh.stop();
  });
});

/** A case filed, accepted and approved, then completed by the workflow: its supervision code, case view and certificate view. */
async function certified(summary: Record<string, unknown> = {}) {
  const { body } = await fileCase(deps, citizen(), await individualBusinessApplication(deps));
  await actOnCase(deps, dept, { caseId: body.caseId, command: { type: 'accept' } });
  await until(() => waitOf(body.caseId, 'decision'), (w) => w !== undefined);
  await actOnCase(deps, dept, { caseId: body.caseId, command: { type: 'approve', certificate: { summary } } });
  const done = await until(() => viewCase(deps, citizen(), body.caseId), (v) => v.status === 'completed');
  return { body, done, view: await viewCertificate(deps, citizen(), done.certificates[0]!.certificateId) };
}

describe('G2 a certificate carries a signed QR payload (compact JWS, ES256), holder masked', () => {
  it('is signed at issue: an independent JOSE library verifies it with the published keys; it names the decision and the guide version', async () => {
    // Act
    const { body, done, view } = await certified({ registrationNo: '92350102MA8X5678' });
    // Assess
    const { payload, protectedHeader } = await compactVerify(view.qr!, createLocalJWKSet({ keys: await deps.signer.publicKeys() }), { algorithms: ['ES256'] });
    expect(protectedHeader.typ).toBe(CERTIFICATE_JWS_TYPE);
    const approval = (await deps.cases.getWithEvents(body.caseId))!.events.find((e) => e.type === 'case.approved')!;
    const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    expect(claims).toEqual({
      v: 1,
      certificateId: view.certificateId,
      supervisionCode: body.supervisionCode,
      type: view.type,
      name: '营业执照（个体工商户）',
      issuer: { code: 'fz-scjg', name: '福州市市场监督管理局' },
      issuedAt: view.issuedAt,
      holder: view.holder,
      guideVersion: done.serviceItem.version,
      decisionEventHash: approval.hash,
    });
    expect(view).toMatchObject({ status: 'valid', decisionEventHash: approval.hash, holder: { nameMasked: expect.stringMatching(/^.\*+.?$/) } });
    // Nothing personal in the clear: not the holder's name, not their id.
    expect(JSON.stringify(claims)).not.toContain(citizen().name);
    expect(JSON.stringify(claims)).not.toContain(citizen().sub);
  });

  it('has a PDF for its holder whose QR code, decoded from the page by jsQR, is the signed payload', async () => {
    // Prepare
    const { body, view } = await certified({ registrationNo: '92350102MA8X9999' });
    // Act: the holder's download (its follow-up renders it right after the completion)
    const link = await certificateDocumentLink(deps, citizen(), view.certificateId);
    const pdf = new Uint8Array(await (await fetch(link.url)).arrayBuffer());
    // Assess
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
    const [page] = await pdfPageTexts(pdf);
    expect(page).toContain('营业执照（个体工商户）');
    expect(page).toContain('registrationNo：92350102MA8X9999');
    expect(page).toContain(body.supervisionCode);
    expect(await qrCodesOf(pdf)).toEqual([view.qr]);
    // Someone else's download is refused as unknown.
    await expect(certificateDocumentLink(deps, citizen({ sub: 'u-other' }), view.certificateId)).rejects.toThrow(/no certificate/);
  });

  it('is verified by its supervision code and revoked on DynamoDB Local: the certificate and its public record together', async () => {
    // Prepare
    const { body, view } = await certified();
    const certificateId = view.certificateId;
    expect(await verifyByCode(deps, body.supervisionCode)).toMatchObject({ valid: true, signatureValid: true, revoked: false });
    // Act
    await revokeCertificate(deps, { kind: 'staff', sub: 'a-1', name: '管理员', roles: ['admin'] }, certificateId, { reason: '错误颁发' });
    // Assess
    expect(await verifyByCode(deps, body.supervisionCode)).toMatchObject({ valid: false, signatureValid: true, revoked: true });
    const stored = (await deps.certificates.getCertificate(certificateId))!;
    expect(stored.revoked).toMatchObject({ reason: '错误颁发', by: 'a-1' });
    // A second revocation racing the first (read before it) is refused by the transaction's condition, not an error.
    expect(await deps.certificates.revokeCertificate({ ...stored, status: 'revoked', revoked: { at: stored.revoked!.at, reason: '再次', by: 'a-2' } })).toBe(false);
    expect((await deps.certificates.getCertificate(certificateId))?.revoked?.reason).toBe('错误颁发');
  });
});
