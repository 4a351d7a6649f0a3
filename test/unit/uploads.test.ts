import { describe, expect, it } from 'vitest';
import { findItem } from '#shared/catalog/index.ts';
import { RuleViolation } from '#shared/errors.ts';
import { fileCase } from '#shared/usecases/cases.ts';
import { createUpload, recordStoredUpload, uploadKey } from '#shared/usecases/uploads.ts';
import { citizen, pdf, sha256 } from '../support/fixtures.ts';
import { memoryDeps } from '../support/memory.ts';

const item = findItem('individual-business-registration')!;

/** An upload slot, its file put where its URL points, and the blob store's metadata reads counted. */
async function uploaded(content = pdf()) {
  const m = memoryDeps();
  const slot = await createUpload(m.deps, citizen(), { fileName: 'premises.pdf', contentType: 'application/pdf', size: content.length, sha256: sha256(content) });
  await m.blobs.put(uploadKey(slot.uploadId), content, 'application/pdf');
  let stats = 0;
  const stat = m.blobs.stat.bind(m.blobs);
  m.blobs.stat = (key: string) => ((stats += 1), stat(key));
  const file = () => fileCase(m.deps, citizen(), { serviceItemCode: item.code, form: item.formExample, materials: [{ materialId: 'premises-proof', uploadId: slot.uploadId }] });
  return { ...m, uploadId: slot.uploadId, content, stats: () => stats, file };
}

describe('C1 a stored upload reported by S3 goes on its record', () => {
  it('records the stored file’s size, ETag and SHA-256 on the upload', async () => {
    // Prepare
    const { deps, table, uploadId, content } = await uploaded();
    // Act
    const outcome = await recordStoredUpload(deps, uploadKey(uploadId));
    // Assess
    expect(outcome).toEqual({ uploadId, recorded: true });
    expect(table.uploads.get(uploadId)!.stored).toMatchObject({ size: content.length, sha256: sha256(content), etag: expect.stringMatching(/^"[0-9a-f]{32}"$/) });
  });

  it('ignores a key that is no upload’s, and an upload there is no record of', async () => {
    const { deps } = await uploaded();
    expect(await recordStoredUpload(deps, 'pinned/uploads/x')).toEqual({ recorded: false });
    expect(await recordStoredUpload(deps, uploadKey('01ARZ3NDEKTSV4RRFFQ69G5FAV'))).toEqual({ uploadId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', recorded: false });
  });

  it('lets filing read the record alone once it is there (no call to the file store)', async () => {
    // Prepare
    const m = await uploaded();
    await recordStoredUpload(m.deps, uploadKey(m.uploadId));
    const before = m.stats();
    // Act
    const { status } = await m.file();
    // Assess
    expect(status).toBe(201);
    expect(m.stats()).toBe(before);
  });

  it('lets filing ask the file store while the report has not come', async () => {
    const m = await uploaded();
    expect((await m.file()).status).toBe(201);
    expect(m.stats()).toBe(1);
  });

  it('refuses the filing when the reported SHA-256 is not the declared one', async () => {
    // Prepare: the report of a file written some other way (no checksum kept)
    const m = await uploaded();
    m.table.uploads.get(m.uploadId)!.stored = { size: m.content.length, etag: '"0"' };
    // Act / Assess
    await expect(m.file()).rejects.toBeInstanceOf(RuleViolation);
  });
});
