import { reasons } from '../../schemas/fields.ts';
import { brief, defineAction, needsReasons } from './define.ts';
import { decisionMetrics } from './approve.ts';

export type DenyCommand = { type: 'deny'; reasons: string[] };

/** 不予许可, with the reasons. */
export const deny = defineAction<DenyCommand>()({
  command: 'deny',
  event: 'case.denied',
  from: ['accepted'],
  to: 'denied',
  by: 'department',
  who: 'lead',
  inbound: { type: 'case.deny', data: { reasons }, roles: ['approver'], command: (d) => ({ type: 'deny', reasons: d.reasons }) },
  check: needsReasons('deny'),
  toApplicant: true,
  sms: (data) => `经审查不予许可，理由：${brief(data.reasons.join('；'))}。不予许可决定书可在网上办事平台查看`,
  notice: (command, { filed, remedies }) => ({ kind: 'denial_notice', paragraphs: [`${filed}，经审查，本机关决定不予许可，理由如下：`], items: command.reasons, closing: remedies }),
  metrics: decisionMetrics,
});
