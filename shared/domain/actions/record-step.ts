import * as z from 'zod';
import { defineAction } from './define.ts';

export type RecordStepCommand = { type: 'record_step'; step: 'site_inspection' | 'expert_review' | 'third_party_review'; result: string; note?: string };

/** A step of the review (现场核查, 专家评审, 第三方评审) and its result, on the record. */
export const recordStep = defineAction<RecordStepCommand>()({
  command: 'record_step',
  event: 'case.step_recorded',
  from: ['accepted'],
  by: 'department',
  inbound: {
    type: 'case.record_step',
    data: { step: z.enum(['site_inspection', 'expert_review', 'third_party_review']), result: z.string().trim().min(1).max(2000) },
    roles: ['reviewer', 'approver'],
    command: (d, note) => ({ type: 'record_step', step: d.step, result: d.result, ...(note ? { note } : {}) }),
  },
  toApplicant: true,
});
