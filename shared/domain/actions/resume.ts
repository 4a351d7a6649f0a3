import { defineAction } from './define.ts';

export type ResumeCommand = { type: 'resume' };

/** 恢复办理: the clock runs again. */
export const resume = defineAction<ResumeCommand>()({
  command: 'resume',
  event: 'case.resumed',
  from: ['suspended'],
  to: 'accepted',
  by: 'department',
  who: 'lead',
  inbound: { type: 'case.resume', data: {}, roles: ['approver'], command: () => ({ type: 'resume' }) },
  sms: (_data, { record, date }) => `自${date(record.updatedAt)}起恢复办理，办理时限继续计算`,
  notice: (_command, { record, filed, contact, date }) => ({
    kind: 'resumption_notice',
    paragraphs: [`${filed}，中止办理的情形已消除，本机关自${date(record.updatedAt)}起恢复办理，办理时限继续计算。`],
    closing: contact,
  }),
});
