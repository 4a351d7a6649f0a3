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

/**
 * The case's workflow, attempt by attempt. An attempt is one execution, named `<caseId>-<attempt>`
 * (Step Functions keeps a closed execution's name for 90 days, so a name is never used twice).
 * `pending`: filed, not started yet (data of older versions: the filing now counts attempt 1);
 * `starting`: a start is under way; `running`; `stopped`: the
 * attempt ended without finishing the case (a failed step, a timeout, an abort) and the sweep
 * starts the next one; `done`: the case no longer needs a workflow.
 */
export type WorkflowRun = {
  caseId: string;
  attempt: number;
  execution?: string;
  status: 'pending' | 'starting' | 'running' | 'stopped' | 'done';
  /** When the status was last set (UTC ISO, real time). */
  since: string;
  /** Why the last attempt stopped: its error and cause. */
  reason?: { error: string; cause?: string };
};

export const executionName = (caseId: string, attempt: number) => `${caseId}-${attempt}`;

/**
 * The case and attempt an execution is of (case ids are ULIDs, which have no dash). Executions
 * started before attempts were counted are named after the case alone: attempt 0.
 */
export function attemptOfExecution(name: string): { caseId: string; attempt: number } {
  const m = /^(.*)-(\d+)$/.exec(name);
  return m ? { caseId: m[1]!, attempt: Number(m[2]) } : { caseId: name, attempt: 0 };
}

/** A start under way (or a case just filed) is given this long before anyone calls it lost. */
export const START_GRACE_MS = 2 * 60_000;

/**
 * Whether staff should be told the workflow is being recovered rather than running: it stopped,
 * or its start has not gone through within the grace period.
 */
export const isRecovering = (run: WorkflowRun | undefined, now: Date) =>
  !!run && (run.status === 'stopped' || ((run.status === 'starting' || run.status === 'pending') && now.getTime() - Date.parse(run.since) >= START_GRACE_MS));
