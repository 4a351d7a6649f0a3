import { findItem } from '../catalog/index.ts';
import type { CaseDocument, CaseRecord, Command, DocumentKind } from '../domain/case.ts';
import { NotFound } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Principal } from '../http/principal.ts';
import type { Notice } from '../ports/index.ts';
import { chineseDate, toShanghaiIso } from '../time.ts';
import { canSeeCase } from './access.ts';
import type { Deps } from './deps.ts';
import { loadDepartment } from './departments.ts';

const TITLES: Record<DocumentKind, string> = {
  acceptance_notice: '受理通知书',
  rejection_notice: '不予受理决定书',
  supplement_notice: '补齐补正告知书',
  denial_notice: '不予许可决定书',
};

const DOWNLOAD_SECONDS = 5 * 60;

/** The notice a command issues (D1, D2, D3), from the case as it will be after the command. */
function noticeOf(record: CaseRecord, command: Command, department: string): { kind: DocumentKind; notice: Notice } | undefined {
  const item = findItem(record.serviceItem.code);
  if (!item) return undefined;
  const filed = `你（单位）于${chineseDate(record.createdAt)}通过网上办事平台提交的${item.name}申请`;
  const base = { supervisionCode: record.supervisionCode, caseId: record.caseId, applicant: record.applicant.name, department, date: record.updatedAt };
  const contact = `咨询电话：${item.consultationPhone}；投诉电话：${item.complaintPhone}。`;
  const make = (kind: DocumentKind, rest: Pick<Notice, 'paragraphs'> & Partial<Notice>) => ({ kind, notice: { ...base, title: TITLES[kind], ...rest } });
  switch (command.type) {
    case 'accept':
      return make('acceptance_notice', {
        paragraphs: [
          `${filed}，经审查，申请材料齐全、符合法定形式，本机关决定予以受理。`,
          `本事项承诺在${item.promisedDays}个工作日内办结（法定时限${item.statutoryDays}个工作日），依法需要听证、检验、检测、鉴定、专家评审的时间不计算在内。`,
        ],
        closing: contact,
      });
    case 'reject':
      return make('rejection_notice', { paragraphs: [`${filed}，经审查，本机关决定不予受理，理由如下：`], items: command.reasons, closing: item.rightsAndRemedies });
    case 'request_supplement':
      return make('supplement_notice', {
        paragraphs: [`${filed}，经审查，申请材料不齐全或者不符合法定形式。现一次性告知你（单位）需要补齐补正的全部材料如下：`],
        items: command.items.map((i) => `${item.materials.find((m) => m.id === i.materialId)?.name ?? i.materialId}：${i.reason}`),
        closing: `请通过网上办事平台一次性补齐补正上述材料，补齐补正后由本机关在承诺时限内审查。${contact}`,
      });
    case 'deny':
      return make('denial_notice', { paragraphs: [`${filed}，经审查，本机关决定不予许可，理由如下：`], items: command.reasons, closing: item.rightsAndRemedies });
    default:
      return undefined;
  }
}

/** Renders and stores the notice a step issues; the step's transaction then records it. */
export async function issueNotices(deps: Deps, record: CaseRecord, command: Command): Promise<CaseDocument[]> {
  const department = (await loadDepartment(deps, record.leadDepartment))?.dept.name ?? record.leadDepartment;
  const made = noticeOf(record, command, department);
  if (!made) return [];
  const docId = newId(deps.clock.now());
  const objectKey = `documents/${record.caseId}/${docId}.pdf`;
  await deps.blobs.put(objectKey, await deps.notices.render(made.notice), 'application/pdf');
  return [{ docId, kind: made.kind, name: made.notice.title, objectKey, issuedAt: record.updatedAt }];
}

/** GET /cases/{caseId}/documents/{docId}: a short-lived download URL, for the applicant and the case's departments. */
export async function documentLink(deps: Deps, principal: Principal | undefined, caseId: string, docId: string) {
  const record = await deps.cases.get(caseId);
  if (!record || !canSeeCase(principal, record)) throw new NotFound(`no case ${caseId}`);
  const doc = record.documents.find((d) => d.docId === docId);
  if (!doc) throw new NotFound(`no document ${docId} on case ${caseId}`);
  const expiresAt = new Date(deps.realClock.now().getTime() + DOWNLOAD_SECONDS * 1000);
  const url = await deps.blobs.presignGet(doc.objectKey, { expiresInSeconds: DOWNLOAD_SECONDS, fileName: `${doc.name}-${record.supervisionCode}.pdf` });
  return { docId, kind: doc.kind, name: doc.name, url, expiresAt: toShanghaiIso(expiresAt) };
}
