/** The case lifecycle's statuses (api.md "Case statuses"). */
export const CASE_STATUSES = [
  'submitted',
  'awaiting_supplement',
  'rejected',
  'accepted',
  'suspended',
  'approved',
  'denied',
  'completed',
  'withdrawn',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const FINAL_STATUSES: ReadonlySet<CaseStatus> = new Set(['rejected', 'denied', 'completed', 'withdrawn']);
