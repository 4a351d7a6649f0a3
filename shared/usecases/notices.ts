import { findItem } from '../catalog/index.ts';
import { noticeFor } from '../domain/actions/index.ts';
import type { CaseDocument, CaseRecord, Command, DocumentKind } from '../domain/case.ts';
import { NotFound } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Principal } from '../domain/principal.ts';
import type { Notice } from '../domain/records.ts';
import { chineseDate, toShanghaiIso } from '../time.ts';
import { canSeeCase } from './access.ts';
import type { Deps } from './deps.ts';
import { loadDepartment } from './departments.ts';

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

/** The notice a command issues (D1, D2, D3), from the case as it will be after the command. */
function noticeOf(record: CaseRecord, command: Command, department: string): { kind: DocumentKind; notice: Notice } | undefined {
  const item = findItem(record.serviceItem.code);
  if (!item) return undefined;
  const draft = noticeFor(command, {
    record,
    filed: `你（单位）于${chineseDate(record.createdAt)}通过网上办事平台提交的${record.serviceItem.name}申请`,
    contact: `咨询电话：${item.consultationPhone}；投诉电话：${item.complaintPhone}。`,
    remedies: item.rightsAndRemedies,
    materialName: (id) => item.materials.find((m) => m.id === id)?.name ?? id,
    date: chineseDate,
  });
  if (!draft) return undefined;
  const { kind, ...text } = draft;
  return {
    kind,
    notice: { supervisionCode: record.supervisionCode, caseId: record.caseId, applicant: record.applicant.name, department, date: record.updatedAt, title: TITLES[kind], ...text },
  };
}

/** Issuing a notice: the lead department's name, the renderer, and the blob store the PDF goes to. */
export type NoticeDeps = Pick<Deps, 'departments' | 'blobs' | 'notices' | 'clock'>;

/** Renders and stores the notice a step issues; the step's transaction then records it. */
export async function issueNotices(deps: NoticeDeps, record: CaseRecord, command: Command): Promise<CaseDocument[]> {
  const department = (await loadDepartment(deps, record.leadDepartment))?.dept.name ?? record.leadDepartment;
  const made = noticeOf(record, command, department);
  if (!made) return [];
  const docId = newId(deps.clock.now());
  const objectKey = `documents/${record.caseId}/${docId}.pdf`;
  await deps.blobs.put(objectKey, await deps.notices.render(made.notice), 'application/pdf');
  return [{ docId, kind: made.kind, name: made.notice.title, objectKey, issuedAt: record.updatedAt }];
}

/** GET /cases/{caseId}/documents/{docId}: a short-lived download URL, for the applicant and the case's departments. */
export async function documentLink(deps: Pick<Deps, 'cases' | 'blobs' | 'realClock'>, principal: Principal | undefined, caseId: string, docId: string) {
  const record = await deps.cases.get(caseId);
  if (!record || !canSeeCase(principal, record)) throw new NotFound(`no case ${caseId}`);
  const doc = record.documents.find((d) => d.docId === docId);
  if (!doc) throw new NotFound(`no document ${docId} on case ${caseId}`);
  const expiresAt = new Date(deps.realClock.now().getTime() + DOWNLOAD_SECONDS * 1000);
  const url = await deps.blobs.presignGet(doc.objectKey, { expiresInSeconds: DOWNLOAD_SECONDS, fileName: `${doc.name}-${record.supervisionCode}.pdf` });
  return { docId, kind: doc.kind, name: doc.name, url, expiresAt: toShanghaiIso(expiresAt) };
}
