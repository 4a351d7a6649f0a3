import { defineAction } from './define.ts';

export type CompleteCommand = { type: 'complete'; certificateId: string };

/** 办结: the workflow put the certificate in the library (G1). */
export const complete = defineAction<CompleteCommand>()({
  command: 'complete',
  event: 'case.completed',
  from: ['approved'],
  to: 'completed',
  by: 'system',
  apply: (record, command) => ({ certificates: [...record.certificates, command.certificateId] }),
});
