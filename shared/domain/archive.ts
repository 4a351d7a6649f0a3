import { createHash } from 'node:crypto';

/**
 * The e-archive (G6): each completed case as a BagIt package (RFC 8493) — `bagit.txt`,
 * `bag-info.txt`, `manifest-sha256.txt`, `tagmanifest-sha256.txt` and the payload under `data/`.
 */
export type ArchiveFile = { path: string; sha256: string; size: number };

/** What the platform keeps of a package it wrote: every file with its digest, and what it is of. */
export type ArchiveRecord = {
  caseId: string;
  supervisionCode: string;
  archivedAt: string;
  guideVersion: number;
  /** The hash of the audit trail's last event in the package (the completion). */
  chainHead: string;
  /** Kept unchanged (S3 Object Lock, COMPLIANCE) until then. */
  retainUntil: string;
  files: ArchiveFile[];
};

/** How long a case's package is kept when its guide does not say (years). */
export const DEFAULT_ARCHIVE_YEARS = 30;

export const sha256Hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
export const fileOf = (path: string, body: Buffer): ArchiveFile => ({ path, sha256: sha256Hex(body), size: body.length });

/** A manifest line's path: RFC 8493 percent-encodes CR, LF and % in it. */
const manifestPath = (path: string) => path.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const manifest = (files: ArchiveFile[]) => Buffer.from(files.map((f) => `${f.sha256}  ${manifestPath(f.path)}\n`).join(''), 'utf8');

/** A name safe as one path segment: no separators, control characters or dot-only names. */
export const segment = (name: string): string => {
  const clean = [...name].map((c) => (c === '/' || c === '\\' || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? '_' : c)).join('').trim();
  return clean === '' || /^\.+$/.test(clean) ? '_' : clean;
};

/** `bagit.txt` and `bag-info.txt` for a payload. */
export function bagDeclaration(payload: ArchiveFile[], info: Array<[string, string]>): Array<{ path: string; body: Buffer }> {
  const bytes = payload.reduce((n, f) => n + f.size, 0);
  const lines = [...info, ['Payload-Oxum', `${bytes}.${payload.length}`]].map(([k, v]) => `${k}: ${v!.replace(/\s*\n\s*/g, ' ')}\n`);
  return [
    { path: 'bagit.txt', body: Buffer.from('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n', 'utf8') },
    { path: 'bag-info.txt', body: Buffer.from(lines.join(''), 'utf8') },
  ];
}

/** `manifest-sha256.txt` of the payload. */
export const payloadManifest = (payload: ArchiveFile[]) => ({ path: 'manifest-sha256.txt', body: manifest(payload) });
/** `tagmanifest-sha256.txt` of the tag files. */
export const tagManifest = (tags: ArchiveFile[]) => ({ path: 'tagmanifest-sha256.txt', body: manifest(tags) });

/** A manifest's entries, as a package's reader parses them. */
export function parseManifest(body: Buffer): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of body.toString('utf8').split('\n')) {
    const m = /^([0-9a-f]{64})\s+(.+)$/.exec(line);
    if (m) entries.set(decodeURIComponent(m[2]!.replace(/%(?!(25|0D|0A))/gi, '%25')), m[1]!);
  }
  return entries;
}
