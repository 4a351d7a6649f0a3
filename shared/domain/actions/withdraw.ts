import { BEFORE_DECISION, defineAction } from './define.ts';

export type WithdrawCommand = { type: 'withdraw'; reason?: string };

/** The applicant takes the application back before a decision. */
export const withdraw = defineAction<WithdrawCommand>()({
  command: 'withdraw',
  event: 'case.withdrawn',
  from: BEFORE_DECISION,
  to: 'withdrawn',
  by: 'applicant',
  // The co-departments were working on it once it was accepted.
  outbound: (record, event) =>
    [record.leadDepartment, ...(event.fromStatus === 'accepted' || event.fromStatus === 'suspended' ? record.coDepartments : [])].map((deptCode) => ({
      deptCode,
      type: 'case.withdrawn' as const,
    })),
});
