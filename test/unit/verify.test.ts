import { describe, expect, it } from 'vitest';
import { findItem } from '#shared/catalog/index.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { Conflict, Forbidden, NotFound } from '#shared/errors.ts';
import { viewCertificate } from '#shared/usecases/cases.ts';
import { staffAction } from '#shared/usecases/department-actions.ts';
import { revokeCertificate, verifyByCode, verifyQr } from '#shared/usecases/verify.ts';
import { runWorkflowTask } from '#shared/usecases/workflow-tasks.ts';
import { citizen } from '../support/fixtures.ts';
import { filedInMemory } from '../support/memory-filing.ts';
import type { MemorySigner } from '../support/memory-outside.ts';

const item = findItem('individual-business-registration')!;
const staff = (roles: Array<'reviewer' | 'approver'>): Principal => ({ kind: 'staff', sub: `s-${roles.join('-')}`, name: '窗口人员', dept: item.department.code, roles });
const admin: Principal = { kind: 'staff', sub: 'a-1', name: '管理员', roles: ['admin'] };

/** A completed 个体工商户设立登记 with its certificate issued (the workflow's task run directly). */
async function certified() {
  const m = await filedInMemory();
  const body = { caseId: m.caseId, supervisionCode: m.supervisionCode };
  const applicant = citizen();
  await staffAction(m.deps, staff(['reviewer']), body.caseId, { type: 'case.accept', data: {} });
  await staffAction(m.deps, staff(['approver']), body.caseId, { type: 'case.approve', data: { certificate: { summary: { registrationNo: '92350102MA8X1234' } } } });
  const issued = await runWorkflowTask(m.deps, { action: 'issueCertificate', caseId: body.caseId });
  const certificate = await viewCertificate(m.deps, applicant, (issued.certificateIds as string[])[0]!);
  return { ...m, supervisionCode: body.supervisionCode, certificate, qr: certificate.qr! };
}

/** Nothing of the holder in the clear: not the name, not the account. */
const personal = [citizen().name, citizen().sub];
const expectNothingPersonal = (answer: unknown) => {
  for (const p of personal) expect(JSON.stringify(answer)).not.toContain(p);
};

describe('G2 anyone verifies a certificate, by its supervision code or its QR', () => {
  it('answers valid by the supervision code, with the public fields and the holder masked', async () => {
    const { deps, supervisionCode, certificate } = await certified();
    const answer = await verifyByCode(deps, supervisionCode);
    expect(answer).toEqual({
      valid: true,
      revoked: false,
      signatureValid: true,
      certificate: { certificateId: certificate.certificateId, type: certificate.type, name: '营业执照（个体工商户）', issuer: certificate.issuer, issuedAt: certificate.issuedAt, holderMasked: { nameMasked: '陈*玲', idMasked: 'u****n' }, summary: expect.objectContaining({ registrationNo: '92350102MA8X1234' }) },
    });
    expectNothingPersonal(answer);
  });

  it('answers 404 for a supervision code under which nothing was issued', async () => {
    const { deps } = await certified();
    await expect(verifyByCode(deps, '350100-261123-ZZZZZZZZ-X')).rejects.toBeInstanceOf(NotFound);
  });

  it('answers valid for the QR as issued', async () => {
    const { deps, qr, certificate } = await certified();
    const answer = await verifyQr(deps, { qr });
    expect(answer).toMatchObject({ valid: true, revoked: false, signatureValid: true, certificate: { certificateId: certificate.certificateId } });
    expectNothingPersonal(answer);
  });

  it('finds a forged QR invalid and repeats nothing it claims', async () => {
    // Prepare: the payload changed to another holder and summary, the signature kept.
    const { deps, qr } = await certified();
    const [h, p, s] = qr.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, name: '食品经营许可证', holder: { nameMasked: '王*', idMasked: 'x' } })).toString('base64url')}.${s}`;
    // Act
    const answer = await verifyQr(deps, { qr: forged });
    // Assess
    expect(answer).toEqual({ valid: false, revoked: false, signatureValid: false, reason: 'the signature does not match' });
  });

  it('finds a QR signed by a key the platform never published invalid', async () => {
    const { deps, qr } = await certified();
    const other = await certified();
    expect(await verifyQr(other.deps, { qr })).toMatchObject({ valid: false, signatureValid: false, reason: 'signed with a key the platform does not publish' });
    expect(await verifyQr(deps, { qr: 'not a QR of ours' })).toMatchObject({ valid: false, signatureValid: false });
  });

  it('still verifies what the previous key signed after the key is rotated', async () => {
    const { deps, qr, supervisionCode } = await certified();
    (deps.signer as MemorySigner).rotate();
    expect(await verifyQr(deps, { qr })).toMatchObject({ valid: true, signatureValid: true });
    expect(await verifyByCode(deps, supervisionCode)).toMatchObject({ valid: true, signatureValid: true });
  });
});

describe('G2 an administrator revokes a certificate', () => {
  it('revokes: by code and by QR it is then not valid, the signature still true, the revocation dated', async () => {
    // Prepare
    const { deps, qr, supervisionCode, certificate } = await certified();
    // Act
    const done = await revokeCertificate(deps, admin, certificate.certificateId, { reason: '以欺骗手段取得' });
    // Assess
    expect(done).toMatchObject({ certificateId: certificate.certificateId, status: 'revoked', revoked: { reason: '以欺骗手段取得', by: 'a-1' } });
    expect(await verifyByCode(deps, supervisionCode)).toMatchObject({ valid: false, revoked: true, signatureValid: true, certificate: { revokedAt: done.revoked.at } });
    expect(await verifyQr(deps, { qr })).toMatchObject({ valid: false, revoked: true, signatureValid: true });
    expect((await viewCertificate(deps, citizen(), certificate.certificateId)).status).toBe('revoked');
  });

  it('refuses anyone but an administrator, an unknown certificate, and a second revocation', async () => {
    const { deps, certificate } = await certified();
    await expect(revokeCertificate(deps, staff(['approver']), certificate.certificateId, { reason: '错误' })).rejects.toBeInstanceOf(Forbidden);
    await expect(revokeCertificate(deps, admin, '01KZZZZZZZZZZZZZZZZZZZZZZZ', { reason: '错误' })).rejects.toBeInstanceOf(NotFound);
    await revokeCertificate(deps, admin, certificate.certificateId, { reason: '错误颁发' });
    await expect(revokeCertificate(deps, admin, certificate.certificateId, { reason: '再次' })).rejects.toBeInstanceOf(Conflict);
    expect(await verifyByCode(deps, certificate.supervisionCode)).toMatchObject({ revoked: true });
  });
});
