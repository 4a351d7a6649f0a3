import { chmodSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compactVerify, createLocalJWKSet } from 'jose';
import { staffAction } from '#shared/usecases/department-actions.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { archiveCase, checkArchive, viewArchive } from '#shared/usecases/archive.ts';
import { fileCase } from '#shared/usecases/cases.ts';
import { runWorkflowTask } from '#shared/usecases/workflow-tasks.ts';
import { integrationDeps, until } from '../support/deps.ts';
import { admin, citizen, individualBusinessApplication, pdf } from '../support/fixtures.ts';

let deps: Awaited<ReturnType<typeof integrationDeps>>;
let caseId: string;
let bag: string;
const staff: Principal = { kind: 'staff', sub: 's-lin', name: '林审查', dept: 'fz-scjg', roles: ['reviewer', 'approver'] };
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  deps = await integrationDeps();
  ({ caseId } = (await fileCase(deps, citizen(), await individualBusinessApplication(deps))).body);
  // Staff act, as in a browser: the acceptance issues its 受理通知书.
  await staffAction(deps, staff, caseId, { type: 'case.accept', data: {} });
  await staffAction(deps, staff, caseId, { type: 'case.approve', data: { certificate: { summary: { registrationNo: '92350102MA8X1234' } } } });
  await runWorkflowTask(deps, { action: 'issueCertificate', caseId });
  await until(() => deps.archives.getArchive(caseId), Boolean, 30_000);
  bag = dirname(fileURLToPath(await deps.archive.link(caseId, 'bagit.txt')));
});

describe('G6 a completed case is archived as a BagIt package (RFC 8493)', () => {
  it('holds the form, every material, the notices, the certificate (PDF, record, JWS), the audit trail and the guide version', async () => {
    const view = await viewArchive(deps, admin, caseId);
    const certId = (await deps.cases.get(caseId))!.certificates[0]!;
    const paths = view.files.map((f) => f.path);
    expect(paths).toHaveLength(15);
    expect(paths).toEqual(
      expect.arrayContaining([
        'bag-info.txt',
        'bagit.txt',
        'manifest-sha256.txt',
        'tagmanifest-sha256.txt',
        'data/audit-trail.json',
        'data/case.json',
        'data/form.json',
        'data/guide.json',
        'data/materials/application-form/个体工商户登记（备案）申请书-v1.json',
        'data/materials/id-card/经营者身份证明-共享数据.json',
        'data/materials/premises-proof/premises.pdf',
        expect.stringMatching(/^data\/notices\/\w+-受理通知书\.pdf$/),
        `data/certificates/${certId}/certificate.jws`,
        `data/certificates/${certId}/certificate.json`,
        `data/certificates/${certId}/certificate.pdf`,
      ]),
    );
    expect(view).toMatchObject({ caseId, guideVersion: 1, retainUntil: expect.stringMatching(/^20(5|6)\d-/) });
    for (const f of view.files) expect(f.url).toMatch(/^file:\/\//);
    expect(readFileSync(join(bag, 'data/materials/premises-proof/premises.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('reads as a bag: its manifests list every file by the SHA-256 of the bytes on disk, its Payload-Oxum adds up', () => {
    expect(readFileSync(join(bag, 'bagit.txt'), 'utf8')).toBe('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
    const lines = readFileSync(join(bag, 'manifest-sha256.txt'), 'utf8').trim().split('\n');
    let bytes = 0;
    for (const line of lines) {
      const [, digest, path] = /^([0-9a-f]{64}) +(.+)$/.exec(line)!;
      const body = readFileSync(join(bag, path!));
      expect(sha256(body), path).toBe(digest);
      bytes += body.length;
    }
    const info = readFileSync(join(bag, 'bag-info.txt'), 'utf8');
    expect(info).toContain(`Payload-Oxum: ${bytes}.${lines.length}\n`);
    expect(info).toMatch(/Source-Organization: 福州市市场监督管理局\n/);
    for (const line of readFileSync(join(bag, 'tagmanifest-sha256.txt'), 'utf8').trim().split('\n')) {
      const [, digest, path] = /^([0-9a-f]{64}) +(.+)$/.exec(line)!;
      expect(sha256(readFileSync(join(bag, path!))), path).toBe(digest);
    }
  });

  it('keeps the audit trail up to the completion, its chain head, and a certificate JWS any JOSE library verifies', async () => {
    const trail = JSON.parse(readFileSync(join(bag, 'data/audit-trail.json'), 'utf8')) as { chainHead: string; events: Array<{ type: string; hash: string; prevHash: string }> };
    expect(trail.events.at(-1)!.type).toBe('case.completed');
    expect(trail.chainHead).toBe(trail.events.at(-1)!.hash);
    for (let i = 1; i < trail.events.length; i++) expect(trail.events[i]!.prevHash).toBe(trail.events[i - 1]!.hash);
    expect((await viewArchive(deps, admin, caseId)).chainHead).toBe(trail.chainHead);
    const certDir = join(bag, 'data/certificates', (await deps.cases.get(caseId))!.certificates[0]!);
    const keys = createLocalJWKSet({ keys: await deps.signer.publicKeys() });
    const { payload } = await compactVerify(readFileSync(join(certDir, 'certificate.jws'), 'utf8'), keys, { algorithms: ['ES256'] });
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ supervisionCode: (await deps.cases.get(caseId))!.supervisionCode });
  });

  it('is written once: archiving again changes nothing, and its files are read-only', async () => {
    const before = await deps.archives.getArchive(caseId);
    expect(await archiveCase(deps, caseId)).toEqual(before);
    expect(statSync(join(bag, 'data/case.json')).mode & 0o222).toBe(0);
  });

  it('is re-hashed by the check, which reports a file changed and a file gone', async () => {
    expect(await checkArchive(deps, admin, caseId)).toMatchObject({ intact: true, differences: [] });
    const premises = join(bag, 'data/materials/premises-proof/premises.pdf');
    chmodSync(premises, 0o644);
    writeFileSync(premises, pdf('replaced in the archive'));
    rmSync(join(bag, 'data/form.json'));
    const checked = await checkArchive(deps, admin, caseId);
    expect(checked.intact).toBe(false);
    expect(checked.differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'data/materials/premises-proof/premises.pdf', problem: 'changed', actual: sha256(pdf('replaced in the archive')) }),
        expect.objectContaining({ path: 'data/form.json', problem: 'missing' }),
      ]),
    );
    expect(checked.differences).toHaveLength(2);
  });
});
