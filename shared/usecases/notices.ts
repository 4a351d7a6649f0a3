import { findItem } from '../catalog/index.ts';
import { noticeFor } from '../domain/actions/index.ts';
import type { NoticeContext } from '../domain/actions/define.ts';
import type { CaseDocument, CaseRecord, Command, DocumentKind } from '../domain/case.ts';
import { NotFound } from '../errors.ts';
import { whenWritten } from './follow-ups.ts';
import { newId } from '../ids.ts';
import type { Principal } from '../domain/principal.ts';
import type { Notice } from '../domain/records.ts';
import { chineseDate, toShanghaiIso } from '../time.ts';
import { canSeeCase, holdersCertificate } from './access.ts';
import type { Deps } from './deps.ts';
import type { FileJob } from '../domain/follow-up.ts';
import { certificateDocumentKey } from '../domain/certificate.ts';

const TITLES: Record<DocumentKind, string> = {
  acceptance_notice: '受理通知书',
  rejection_notice: '不予受理决定书',
  supplement_notice: '补齐补正告知书',
  denial_notice: '不予许可决定书',
  suspension_notice: '中止办理告知书',
  resumption_notice: '恢复办理通知书',
  extension_notice: '延长办理期限告知书',
};

const DOWNLOAD_SECONDS = 5 * 60;

/** What a notice or an SMS may say of the case (as it will be after the step) and of its guide. */
export function noticeContext(record: CaseRecord): NoticeContext | undefined {
  const item = findItem(record.serviceItem.code);
  if (!item) return undefined;
  return {
    record,
    filed: `你（单位）于${chineseDate(record.createdAt)}通过网上办事平台提交的${record.serviceItem.name}申请`,
    contact: `咨询电话：${item.consultationPhone}；投诉电话：${item.complaintPhone}。`,
    remedies: item.rightsAndRemedies,
    materialName: (id) => item.materials.find((m) => m.id === id)?.name ?? id,
    result: item.result.name,
    hall: item.handling.halls[0] ?? '政务服务中心',
    date: chineseDate,
  };
}

/** The notice a command issues (D1, D2, D3), from the case as it will be after the command; the department's name is added when it is rendered. */
function noticeOf(record: CaseRecord, command: Command): { kind: DocumentKind; notice: Omit<Notice, 'department'> } | undefined {
  const ctx = noticeContext(record);
  const draft = ctx && noticeFor(command, ctx);
  if (!draft) return undefined;
  const { kind, ...text } = draft;
  return { kind, notice: { supervisionCode: record.supervisionCode, caseId: record.caseId, applicant: record.applicant.name, date: record.updatedAt, title: TITLES[kind], ...text } };
}

/**
 * The notices a step issues: the documents its transaction records, and the files its follow-up
 * renders (after the answer: rendering a PDF is most of a step's work).
 */
export function draftNotices(deps: Pick<Deps, 'clock'>, record: CaseRecord, command: Command): { documents: CaseDocument[]; files: FileJob[] } {
  const made = noticeOf(record, command);
  if (!made) return { documents: [], files: [] };
  const docId = newId(deps.clock.now());
  const objectKey = `documents/${record.caseId}/${docId}.pdf`;
  return {
    documents: [{ docId, kind: made.kind, name: made.notice.title, objectKey, issuedAt: record.updatedAt }],
    files: [{ kind: 'notice', objectKey, deptCode: record.leadDepartment, notice: made.notice }],
  };
}

/** GET /cases/{caseId}/documents/{docId}: a short-lived download URL, for the applicant and the case's departments. */
export async function documentLink(deps: Pick<Deps, 'cases' | 'blobs' | 'realClock'>, principal: Principal | undefined, caseId: string, docId: string) {
  const record = await deps.cases.get(caseId);
  if (!record || !canSeeCase(principal, record)) throw new NotFound(`no case ${caseId}`);
  const doc = record.documents.find((d) => d.docId === docId);
  if (!doc) throw new NotFound(`no document ${docId} on case ${caseId}`);
  return { docId, kind: doc.kind, name: doc.name, ...(await renderedDownload(deps, doc.objectKey, `document ${docId} of case ${caseId}`, `${doc.name}-${record.supervisionCode}.pdf`)) };
}

/**
 * A short-lived download of a PDF a step's follow-up renders right after the step (a notice, a
 * certificate): asked for in that moment, it waits for it a little (503 Not ready after that).
 */
async function renderedDownload(deps: Pick<Deps, 'blobs' | 'realClock'>, objectKey: string, what: string, fileName: string) {
  await whenWritten(deps, objectKey, what);
  const expiresAt = new Date(deps.realClock.now().getTime() + DOWNLOAD_SECONDS * 1000);
  return { url: await deps.blobs.presignGet(objectKey, { expiresInSeconds: DOWNLOAD_SECONDS, fileName }), expiresAt: toShanghaiIso(expiresAt) };
}

/** GET /certificates/{id}/document: a short-lived download of the certificate's PDF (its QR on it), for its holder. */
export async function certificateDocumentLink(deps: Pick<Deps, 'certificates' | 'blobs' | 'realClock'>, principal: Principal | undefined, certificateId: string) {
  const cert = await holdersCertificate(deps, principal, certificateId);
  if (!cert.qr) throw new NotFound(`certificate ${certificateId} was issued before certificates had a document`);
  return { certificateId, name: cert.name, ...(await renderedDownload(deps, certificateDocumentKey(certificateId), `the document of certificate ${certificateId}`, `${cert.name}-${cert.supervisionCode}.pdf`)) };
}
