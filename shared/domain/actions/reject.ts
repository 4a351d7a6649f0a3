import { reasons } from '../../schemas/fields.ts';
import { brief, defineAction, needsReasons } from './define.ts';

export type RejectCommand = { type: 'reject'; reasons: string[] };

/** 不予受理, with the reasons (D1). */
export const reject = defineAction<RejectCommand>()({
  command: 'reject',
  event: 'case.rejected',
  from: ['submitted'],
  to: 'rejected',
  by: 'department',
  who: 'lead',
  inbound: { type: 'case.reject', data: { reasons }, roles: ['reviewer'], command: (d) => ({ type: 'reject', reasons: d.reasons }) },
  check: needsReasons('reject'),
  toApplicant: true,
  sms: (data) => `不予受理，理由：${brief(data.reasons.join('；'))}。不予受理决定书可在网上办事平台查看`,
  notice: (command, { filed, remedies }) => ({ kind: 'rejection_notice', paragraphs: [`${filed}，经审查，本机关决定不予受理，理由如下：`], items: command.reasons, closing: remedies }),
});
