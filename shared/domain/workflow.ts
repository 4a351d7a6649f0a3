import type { CaseRecord, CaseStatus } from './case.ts';

/**
 * A workflow step waiting on a case (a task token). It waits while the case is in one of
 * `whileStatus`; an opinion wait also ends once its co-department has given its opinion.
 */
export type Wait = { stage: string; whileStatus: CaseStatus[]; dept?: string; token: string };

export const waitKey = (w: Pick<Wait, 'stage' | 'dept'>) => (w.dept ? `${w.stage}#${w.dept}` : w.stage);

export function isWaitOver(record: CaseRecord, wait: Wait): boolean {
  if (!wait.whileStatus.includes(record.status)) return true;
  return wait.dept !== undefined && record.opinions[wait.dept] !== undefined;
}
