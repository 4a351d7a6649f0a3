import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ArchiveStore } from '../../ports/outside.ts';

/**
 * The local stand-in of the archive bucket: each case's package as plain files under a folder of
 * DATA_DIR (`<caseId>/bagit.txt`, `<caseId>/data/…`), the BagIt layout any bag tool reads. A file
 * is written once (O_EXCL) and made read-only; unlike S3 Object Lock, the machine's owner can still
 * change it — which the archive check then reports.
 */
export class FolderArchive implements ArchiveStore {
  constructor(private readonly root: string) {}

  private fileOf(caseId: string, path: string): string {
    const file = resolve(this.root, caseId, path);
    const rel = relative(resolve(this.root), file);
    if (rel.startsWith('..') || rel === '' || resolve(this.root, rel) !== file) throw new Error(`archive path ${caseId}/${path} leaves the archive`);
    return file;
  }

  async putOnce(caseId: string, path: string, body: Buffer): Promise<Buffer> {
    const file = this.fileOf(caseId, path);
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, body, { flag: 'wx', mode: 0o444 });
      chmodSync(file, 0o444);
      return body;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file);
      throw err;
    }
  }

  async read(caseId: string, path: string): Promise<Buffer | undefined> {
    try {
      return readFileSync(this.fileOf(caseId, path));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async link(caseId: string, path: string): Promise<string> {
    return pathToFileURL(join(this.root, caseId, path)).href;
  }
}
