import { defineAction } from './define.ts';

export type AcceptCommand = { type: 'accept' };

/** 受理: the application is complete and in due form (D1). */
export const accept = defineAction<AcceptCommand>()({
  command: 'accept',
  event: 'case.accepted',
  from: ['submitted'],
  to: 'accepted',
  by: 'department',
  who: 'lead',
  inbound: { type: 'case.accept', data: {}, roles: ['reviewer'], command: () => ({ type: 'accept' }) },
  notice: (_command, { record, filed, contact }) => ({
    kind: 'acceptance_notice',
    paragraphs: [
      `${filed}，经审查，申请材料齐全、符合法定形式，本机关决定予以受理。`,
      `本事项承诺在${record.limits.promisedDays}个工作日内办结（法定时限${record.limits.statutoryDays}个工作日），依法需要听证、检验、检测、鉴定、专家评审的时间不计算在内。`,
    ],
    closing: contact,
  }),
  sms: (_data, { record }) => `已受理，承诺${record.limits.promisedDays}个工作日内办结`,
  // E3: the co-departments get the case when it is accepted.
  outbound: (record) => record.coDepartments.map((deptCode) => ({ deptCode, type: 'case.assigned' as const })),
});
