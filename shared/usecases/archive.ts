import { findItem } from '../catalog/index.ts';
import {
  bagDeclaration,
  DEFAULT_ARCHIVE_YEARS,
  fileOf,
  parseManifest,
  payloadManifest,
  segment,
  sha256Hex,
  tagManifest,
  type ArchiveFile,
  type ArchiveRecord,
} from '../domain/archive.ts';
import { certificateDocumentKey } from '../domain/certificate.ts';
import type { Principal } from '../domain/principal.ts';
import { NotFound } from '../errors.ts';
import { logger } from '../log.ts';
import { toShanghaiIso } from '../time.ts';
import { requireAdmin } from './access.ts';
import type { Deps } from './deps.ts';
import { loadDepartment } from './departments.ts';

/** Archiving a completed case: the case, its files, its certificates, and where the package goes. */
export type ArchiveDeps = Pick<Deps, 'cases' | 'blobs' | 'certificates' | 'departments' | 'archive' | 'archives' | 'clock'>;

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');

/** A stored file of the case, or an error saying which: nothing is archived with a part missing. */
async function stored(deps: Pick<Deps, 'blobs'>, key: string, what: string): Promise<Buffer> {
  const body = await deps.blobs.read(key);
  if (!body) throw new Error(`${what} (${key}) is not stored yet; the archive is made when it is`);
  return body;
}

/**
 * The package of a completed case (G6), in BagIt layout: the case and its application form, every
 * material as pinned (uploaded and fetched), every notice, each certificate (its PDF, its record
 * and its signed JWS), the audit trail up to the completion with its chain head, and the guide
 * version; each file written once (Object Lock in AWS), then recorded. Run again (a follow-up
 * handed out twice), it finds the files and the record already there and changes nothing.
 */
export async function archiveCase(deps: ArchiveDeps, caseId: string): Promise<ArchiveRecord> {
  const done = await deps.archives.getArchive(caseId);
  if (done) return done;
  const found = await deps.cases.getWithEvents(caseId);
  if (!found) throw new NotFound(`no case ${caseId}`);
  const { record, events } = found;
  const completion = events.find((e) => e.type === 'case.completed');
  if (!completion) throw new Error(`case ${caseId} is not completed; only a completed case is archived`);
  const trail = events.filter((e) => e.seq <= completion.seq);
  // Dated by the completion, so a run again (after one died half-way) writes the same tag files.
  const now = new Date(completion.at);
  const item = findItem(record.serviceItem.code);
  const retainUntil = new Date(now);
  retainUntil.setUTCFullYear(retainUntil.getUTCFullYear() + (item?.archiveYears ?? DEFAULT_ARCHIVE_YEARS));

  // Read only once all is listed: a part missing fails the run (it is run again), never half-read.
  const certificates = await Promise.all(
    record.certificates.map(async (id) => (await deps.certificates.getCertificate(id)) ?? Promise.reject(new Error(`certificate ${id} is not in the library`))),
  );
  const given = (value: unknown) => async () => json(value);
  const payload: Array<{ path: string; body: () => Promise<Buffer>; contentType: string }> = [
    { path: 'data/case.json', body: given(record), contentType: 'application/json' },
    { path: 'data/form.json', body: given({ serviceItem: record.serviceItem, form: record.form }), contentType: 'application/json' },
    { path: 'data/audit-trail.json', body: given({ chainHead: completion.hash, events: trail }), contentType: 'application/json' },
    { path: 'data/guide.json', body: given({ ...record.serviceItem, limits: record.limits, leadDepartment: record.leadDepartment, coDepartments: record.coDepartments }), contentType: 'application/json' },
    ...record.materials.flatMap((m) =>
      'objectKey' in m && m.objectKey && m.fileName
        ? [{ path: `data/materials/${segment(m.materialId)}/${segment(m.fileName)}`, body: () => stored(deps, m.objectKey!, `material ${m.materialId}`), contentType: m.contentType ?? 'application/octet-stream' }]
        : [],
    ),
    ...record.documents.map((d) => ({ path: `data/notices/${segment(d.docId)}-${segment(d.name)}.pdf`, body: () => stored(deps, d.objectKey, `notice ${d.docId}`), contentType: 'application/pdf' })),
    ...certificates.flatMap((cert) => {
      const dir = `data/certificates/${segment(cert.certificateId)}`;
      return [
        { path: `${dir}/certificate.json`, body: given(cert), contentType: 'application/json' },
        { path: `${dir}/certificate.pdf`, body: () => stored(deps, certificateDocumentKey(cert.certificateId), `the document of certificate ${cert.certificateId}`), contentType: 'application/pdf' },
        ...(cert.qr ? [{ path: `${dir}/certificate.jws`, body: async () => Buffer.from(cert.qr!, 'utf8'), contentType: 'application/jose' }] : []),
      ];
    }),
  ];

  const put = async (path: string, body: Buffer, contentType: string) => fileOf(path, await deps.archive.putOnce(caseId, path, body, { contentType, retainUntil }));
  const bodies = await Promise.all(payload.map((p) => p.body()));
  const payloadFiles = await Promise.all(payload.map((p, i) => put(p.path, bodies[i]!, p.contentType)));
  const department = (await loadDepartment(deps, record.leadDepartment))?.dept.name ?? record.leadDepartment;
  const declaration = bagDeclaration(payloadFiles, [
    ['Source-Organization', department],
    ['External-Identifier', record.supervisionCode],
    ['Internal-Sender-Identifier', record.caseId],
    ['Bagging-Date', toShanghaiIso(now).slice(0, 10)],
    ['External-Description', `${record.serviceItem.name}（第${record.serviceItem.version}版办事指南）`],
    ['Guide-Version', String(record.serviceItem.version)],
    ['Chain-Head', completion.hash],
  ]);
  const manifest = payloadManifest(payloadFiles);
  const tags: ArchiveFile[] = [];
  for (const t of [...declaration, manifest]) tags.push(await put(t.path, t.body, 'text/plain; charset=utf-8'));
  const tagFile = tagManifest(tags);
  const archive: ArchiveRecord = {
    caseId,
    supervisionCode: record.supervisionCode,
    archivedAt: toShanghaiIso(deps.clock.now()),
    guideVersion: record.serviceItem.version,
    chainHead: completion.hash,
    retainUntil: retainUntil.toISOString(),
    files: [...tags, await put(tagFile.path, tagFile.body, 'text/plain; charset=utf-8'), ...payloadFiles],
  };
  if (!(await deps.archives.putArchive(archive))) return (await deps.archives.getArchive(caseId))!;
  logger.info('case archived', { caseId, files: archive.files.length, bytes: archive.files.reduce((n, f) => n + f.size, 0) });
  return archive;
}

/** GET /admin/archives/{caseId}: the package of a completed case, each file with a link. */
export async function viewArchive(deps: Pick<Deps, 'archives' | 'archive'>, principal: Principal | undefined, caseId: string) {
  requireAdmin(principal);
  const archive = await deps.archives.getArchive(caseId);
  if (!archive) throw new NotFound(`case ${caseId} has no archive package (it is archived once completed)`);
  const files = await Promise.all(archive.files.map(async (f) => ({ ...f, url: await deps.archive.link(caseId, f.path) })));
  return { ...archive, files };
}

/**
 * POST /admin/archives/{caseId}/check: every file of the package read back and hashed again, and
 * its manifests read as a bag tool would; whatever differs from what was written is reported.
 */
export async function checkArchive(deps: Pick<Deps, 'archives' | 'archive' | 'clock'>, principal: Principal | undefined, caseId: string) {
  requireAdmin(principal);
  const archive = await deps.archives.getArchive(caseId);
  if (!archive) throw new NotFound(`case ${caseId} has no archive package (it is archived once completed)`);
  const differences: Array<{ path: string; problem: 'missing' | 'changed' | 'not in manifest'; expected?: string; actual?: string }> = [];
  const bodies = new Map<string, Buffer>();
  for (const f of archive.files) {
    const body = await deps.archive.read(caseId, f.path);
    if (!body) differences.push({ path: f.path, problem: 'missing', expected: f.sha256 });
    else {
      bodies.set(f.path, body);
      const actual = sha256Hex(body);
      if (actual !== f.sha256 || body.length !== f.size) differences.push({ path: f.path, problem: 'changed', expected: f.sha256, actual });
    }
  }
  // The manifests as stored must list every payload and tag file with the digest recorded.
  for (const [name, paths] of [
    ['manifest-sha256.txt', archive.files.filter((f) => f.path.startsWith('data/'))],
    ['tagmanifest-sha256.txt', archive.files.filter((f) => !f.path.startsWith('data/') && f.path !== 'tagmanifest-sha256.txt')],
  ] as const) {
    const listed = bodies.has(name) ? parseManifest(bodies.get(name)!) : undefined;
    if (!listed) continue;
    for (const f of paths) if (listed.get(f.path) !== f.sha256) differences.push({ path: f.path, problem: 'not in manifest', expected: f.sha256, ...(listed.get(f.path) ? { actual: listed.get(f.path) } : {}) });
  }
  return { caseId, checkedAt: toShanghaiIso(deps.clock.now()), intact: differences.length === 0, checked: archive.files.length, differences };
}
