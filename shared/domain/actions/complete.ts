import { defineAction } from './define.ts';

export type CompleteCommand = { type: 'complete'; certificateId: string };

/** 办结: the workflow put the certificate in the library (G1). */
export const complete = defineAction<CompleteCommand>()({
  command: 'complete',
  event: 'case.completed',
  from: ['approved'],
  to: 'completed',
  by: 'system',
  sms: (_data, { result }) => `已办结，电子证照“${result}”已存入您的电子证照库，可在网上办事平台查看、下载`,
  apply: (record, command) => ({ certificates: [...record.certificates, command.certificateId] }),
});
