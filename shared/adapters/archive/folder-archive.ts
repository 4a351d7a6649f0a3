import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
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

  async putOnce(caseId: string, path: string, body: Buffer, _opts?: { contentType: string; retainUntil: Date }): Promise<Buffer> {
    const file = this.fileOf(caseId, path);
    mkdirSync(dirname(file), { recursive: true });
    // Whole or not at all: written aside and synced, then linked into place — which fails if the
    // file is there already (an earlier run's), so a kill -9 never leaves half a file in the package.
    const aside = `${file}.${randomUUID()}.part`;
    const fd = openSync(aside, 'wx', 0o444);
    try {
      writeSync(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(aside, file);
      return body;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file);
      throw err;
    } finally {
      rmSync(aside, { force: true });
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
