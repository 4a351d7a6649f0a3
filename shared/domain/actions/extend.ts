import * as z from 'zod';
import { brief, defineAction } from './define.ts';

export type ExtendCommand = { type: 'extend'; workingDays: number; reason: string };

/** 延长办理期限 (F2), approved by the department's head; the applicant is told. */
export const extend = defineAction<ExtendCommand>()({
  command: 'extend',
  event: 'case.extended',
  from: ['accepted', 'suspended'],
  by: 'department',
  who: 'lead',
  inbound: {
    type: 'case.extend',
    data: { workingDays: z.number().int().min(1).max(60), reason: z.string().trim().min(2).max(500) },
    roles: ['approver'],
    command: (d) => ({ type: 'extend', workingDays: d.workingDays, reason: d.reason }),
  },
  toApplicant: true,
  sms: (data) => `办理期限延长${data.workingDays}个工作日，原因：${brief(data.reason)}`,
  notice: (command, { filed, contact }) => ({
    kind: 'extension_notice',
    paragraphs: [
      `${filed}，因${command.reason}，不能在承诺时限内办结，经本机关负责人批准，办理期限延长${command.workingDays}个工作日。`,
      '延长后的办结日期可在网上办事平台“办件查询”中查看。',
    ],
    closing: contact,
  }),
});
