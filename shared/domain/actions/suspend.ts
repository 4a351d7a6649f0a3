import * as z from 'zod';
import { brief, defineAction } from './define.ts';

export type SuspendCommand = { type: 'suspend'; reason: string; workingDays?: number };

/** 中止办理 (F2): the clock stops; the applicant is told why and for how long. */
export const suspend = defineAction<SuspendCommand>()({
  command: 'suspend',
  event: 'case.suspended',
  from: ['accepted'],
  to: 'suspended',
  by: 'department',
  who: 'lead',
  inbound: {
    type: 'case.suspend',
    data: {
      reason: z.string().trim().min(2).max(500),
      workingDays: z.number().int().min(1).max(365).optional().describe('expected duration of the suspension (中断时限), told to the applicant'),
    },
    roles: ['approver'],
    command: (d) => ({ type: 'suspend', reason: d.reason, ...(d.workingDays ? { workingDays: d.workingDays } : {}) }),
  },
  toApplicant: true,
  sms: (data, { record, date }) => `自${date(record.updatedAt)}起中止办理，原因：${brief(data.reason)}${data.workingDays ? `，预计中止${data.workingDays}个工作日` : ''}`,
  // F2: the applicant is told of every change to the clock (CQ 35 及时告知申办人).
  notice: (command, { record, filed, contact, date }) => ({
    kind: 'suspension_notice',
    paragraphs: [
      `${filed}，因${command.reason}，本机关决定自${date(record.updatedAt)}起中止办理${command.workingDays ? `，预计中止${command.workingDays}个工作日` : ''}。`,
      '中止期间不计入办理时限；中止情形消除后，本机关将恢复办理并通知你（单位）。',
    ],
    closing: contact,
  }),
});
