import fc from 'fast-check';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderArchive } from '#shared/adapters/archive/folder-archive.ts';
import { describe, expect, it } from 'vitest';
import { bagDeclaration, fileOf, parseManifest, payloadManifest, segment } from '#shared/domain/archive.ts';
import { archiveCase } from '#shared/usecases/archive.ts';
import { memoryDeps } from '../support/memory.ts';
import { citizen, pdf, sha256 } from '../support/fixtures.ts';
import { fileCase } from '#shared/usecases/cases.ts';
import { createUpload } from '#shared/usecases/uploads.ts';
import { findItem } from '#shared/catalog/index.ts';

describe('G6 BagIt manifests (RFC 8493)', () => {
  it('list any path so that a reader gets the path and digest back, CR, LF and % included', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 40 }).map((s) => `data/${s}`), { maxLength: 12 }), (paths) => {
        const files = paths.map((p) => fileOf(p, Buffer.from(p)));
        const read = parseManifest(payloadManifest(files).body);
        expect([...read.entries()].sort()).toEqual(files.map((f): [string, string] => [f.path, f.sha256]).sort());
      }),
    );
  });

  it('count the payload in Payload-Oxum and keep each tag on one line', () => {
    const [bagit, info] = bagDeclaration([fileOf('data/a', Buffer.from('abc')), fileOf('data/b', Buffer.from('de'))], [['External-Description', '两行\n说明']]);
    expect(bagit!.body.toString()).toBe('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
    expect(info!.body.toString()).toBe('External-Description: 两行 说明\nPayload-Oxum: 5.2\n');
  });

  it('never let a name leave its folder', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        expect(segment(name)).not.toMatch(/[/\\]|^\.+$|^$/);
      }),
    );
    expect(segment('../../etc')).toBe('.._.._etc');
  });
});

describe('G6 only a completed case is archived, and only whole', () => {
  it('refuses a case not completed, and records nothing', async () => {
    const m = memoryDeps();
    const item = findItem('individual-business-registration')!;
    const file = pdf();
    const slot = await createUpload(m.deps, citizen(), { fileName: 'p.pdf', contentType: 'application/pdf', size: file.length, sha256: sha256(file) });
    await m.blobs.put(m.table.uploads.get(slot.uploadId)!.objectKey, file, 'application/pdf');
    const { body } = await fileCase(m.deps, citizen(), { serviceItemCode: item.code, form: item.formExample, materials: [{ materialId: 'premises-proof', uploadId: slot.uploadId }] });
    await expect(archiveCase(m.deps, body.caseId)).rejects.toThrow(/not completed/);
    expect(m.table.archives.size).toBe(0);
    expect(m.archive.files.size).toBe(0);
  });
});

describe('G6 the local archive folder', () => {
  it('writes a file once, whole: of two runs at once the first stands, and nothing half-written is left beside it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ywtb-archive-'));
    const archive = new FolderArchive(root);
    const opts = { contentType: 'text/plain', retainUntil: new Date('2056-01-01') };
    const [a, b] = await Promise.all([archive.putOnce('01K', 'data/case.json', Buffer.from('first'), opts), archive.putOnce('01K', 'data/case.json', Buffer.from('second'), opts)]);
    expect(a.toString()).toBe(b.toString());
    expect((await archive.read('01K', 'data/case.json'))!.toString()).toBe(a.toString());
    expect(readdirSync(join(root, '01K', 'data'))).toEqual(['case.json']);
    await expect(archive.putOnce('..', 'x', Buffer.from('x'), opts)).rejects.toThrow(/leaves the archive/);
    await expect(archive.putOnce('01K', '../../x', Buffer.from('x'), opts)).rejects.toThrow(/leaves the archive/);
    rmSync(root, { recursive: true, force: true });
  });
});
