import { findItem } from '../catalog/index.ts';
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
  const filed = `你（单位）于${chineseDate(record.createdAt)}通过网上办事平台提交的${record.serviceItem.name}申请`;
  const base = { supervisionCode: record.supervisionCode, caseId: record.caseId, applicant: record.applicant.name, department, date: record.updatedAt };
  const contact = `咨询电话：${item.consultationPhone}；投诉电话：${item.complaintPhone}。`;
  const make = (kind: DocumentKind, rest: Pick<Notice, 'paragraphs'> & Partial<Notice>) => ({ kind, notice: { ...base, title: TITLES[kind], ...rest } });
  switch (command.type) {
    case 'accept':
      return make('acceptance_notice', {
        paragraphs: [
          `${filed}，经审查，申请材料齐全、符合法定形式，本机关决定予以受理。`,
          `本事项承诺在${record.limits.promisedDays}个工作日内办结（法定时限${record.limits.statutoryDays}个工作日），依法需要听证、检验、检测、鉴定、专家评审的时间不计算在内。`,
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
    // F2: the applicant is told of every change to the clock (CQ 35 及时告知申办人).
    case 'suspend':
      return make('suspension_notice', {
        paragraphs: [
          `${filed}，因${command.reason}，本机关决定自${chineseDate(record.updatedAt)}起中止办理${command.workingDays ? `，预计中止${command.workingDays}个工作日` : ''}。`,
          '中止期间不计入办理时限；中止情形消除后，本机关将恢复办理并通知你（单位）。',
        ],
        closing: contact,
      });
    case 'resume':
      return make('resumption_notice', { paragraphs: [`${filed}，中止办理的情形已消除，本机关自${chineseDate(record.updatedAt)}起恢复办理，办理时限继续计算。`], closing: contact });
    case 'extend':
      return make('extension_notice', {
        paragraphs: [
          `${filed}，因${command.reason}，不能在承诺时限内办结，经本机关负责人批准，办理期限延长${command.workingDays}个工作日。`,
          '延长后的办结日期可在网上办事平台“办件查询”中查看。',
        ],
        closing: contact,
      });
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
