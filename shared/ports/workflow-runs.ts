import type { WorkflowRun } from '../domain/workflow.ts';

/** Each case's workflow run: which attempt, and how it stands (the sweep restarts stopped ones). */
export interface WorkflowRunRepository {
  getWorkflowRun(caseId: string): Promise<WorkflowRun | undefined>;
  /**
   * Counts the attempt after `after` (status `starting`, on the sweep's list until it runs) and
   * returns it; undefined when the run is no longer at `after` or is running (another starter won).
   */
  beginWorkflowAttempt(caseId: string, since: string, after: number): Promise<WorkflowRun | undefined>;
  /** The attempt runs: off the sweep's list. Changes nothing if it stopped or a later attempt began meanwhile. */
  markWorkflowRunning(caseId: string, attempt: number, since: string): Promise<void>;
  /**
   * The attempt stopped without finishing the case: on the sweep's list. False if it is not the
   * latest attempt (or, with `keepRecorded`, if its stop is recorded already: the first, precise reason stays).
   */
  markWorkflowStopped(caseId: string, attempt: number, reason: { error: string; cause?: string }, since: string, opts?: { keepRecorded?: boolean }): Promise<boolean>;
  /** The case needs no workflow any more. */
  finishWorkflow(caseId: string, since: string): Promise<void>;
  /** Runs pending, starting or stopped: what the sweep looks at. */
  listWorkflowsToRecover(): Promise<WorkflowRun[]>;
}
