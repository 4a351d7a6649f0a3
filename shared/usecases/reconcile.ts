import { FINAL_STATUSES } from '../domain/case.ts';
import { attemptOfExecution, executionName, START_GRACE_MS, type WorkflowRun } from '../domain/workflow.ts';
import { logger } from '../log.ts';
import { followUpTimerName } from '../ports/scheduler.ts';
import type { Deps } from './deps.ts';

/**
 * How long a stopped attempt waits before the next: at once after the first, then 1, 2, 4 … minutes,
 * at most a day — a case whose workflow keeps failing is retried for ever, without hammering
 * (administrators see it in `recoveringWorkflows` meanwhile).
 */
export const restartDelayMs = (attempt: number) => (attempt <= 1 ? 0 : Math.min(2 ** (attempt - 2), 24 * 60) * 60_000);

const nowIso = (deps: Pick<Deps, 'realClock'>) => deps.realClock.now().toISOString();

export type StartWorkflowDeps = Pick<Deps, 'workflowRuns' | 'workflow' | 'realClock'>;

/**
 * Starts the attempt after `after` of a case's workflow: counted first (so a start lost to a crash
 * stays on the sweep's list), then started under its own execution name, then marked running.
 * Only one starter wins an attempt: undefined when another began it meanwhile.
 */
export async function startWorkflow(deps: StartWorkflowDeps, caseId: string, after: number): Promise<WorkflowRun | undefined> {
  const run = await deps.workflowRuns.beginWorkflowAttempt(caseId, nowIso(deps), after);
  if (!run) return undefined;
  await runAttempt(deps, caseId, run.attempt);
  return { ...run, status: 'running' };
}

/**
 * Starts an attempt already counted (status `starting`: the filing counts the first one in its own
 * transaction) under its execution name, then marks it running.
 */
export async function runAttempt(deps: StartWorkflowDeps, caseId: string, attempt: number): Promise<void> {
  await deps.workflow.start(caseId, executionName(caseId, attempt));
  await deps.workflowRuns.markWorkflowRunning(caseId, attempt, nowIso(deps));
}

export type RecordStopDeps = Pick<Deps, 'cases' | 'workflowRuns' | 'realClock'>;

/**
 * An execution stopped without finishing its case (RecordStop in the state machine; or, for what a
 * Catch cannot see — an execution's own timeout, an abort — the status-change event). Recorded
 * on the case's run, unless a later attempt began meanwhile; the sweep starts the next attempt.
 */
export async function recordWorkflowStop(
  deps: RecordStopDeps,
  execution: string,
  reason: { error: string; cause?: string },
  /** The status-change event follows RecordStop's own record: it must not replace the step's precise reason. */
  opts: { keepRecorded?: boolean } = {},
): Promise<{ recorded: boolean }> {
  const { caseId, attempt } = attemptOfExecution(execution);
  const record = await deps.cases.get(caseId);
  if (!record || FINAL_STATUSES.has(record.status)) return { recorded: false };
  const recorded = await deps.workflowRuns.markWorkflowStopped(caseId, attempt, { error: reason.error.slice(0, 200), ...(reason.cause ? { cause: reason.cause.slice(0, 1000) } : {}) }, nowIso(deps), opts);
  if (recorded) logger.warn('workflow attempt stopped; the sweep starts the next one', { caseId, execution, ...reason });
  return { recorded };
}

/** The sweep and the daily check: a case's run, its case, and its executions. */
export type ReconcileDeps = Pick<Deps, 'cases' | 'workflowRuns' | 'workflow' | 'timers' | 'realClock'>;

/**
 * Nothing lost between the case and its workflow. The sweep looks at every run that is not known
 * to be running: filed but never started, a start lost half-way (after a grace period), an attempt
 * that stopped. A case that is final needs nothing more; a start that did go through is marked
 * running; anything else gets a new attempt.
 */
export async function reconcileWorkflows(deps: ReconcileDeps): Promise<{ restarted: string[] }> {
  const now = deps.realClock.now().getTime();
  const restarted: string[] = [];
  for (const run of await deps.workflowRuns.listWorkflowsToRecover()) {
    const waited = now - Date.parse(run.since);
    if (run.status === 'stopped' ? waited < restartDelayMs(run.attempt) : waited < START_GRACE_MS) continue;
    const record = await deps.cases.get(run.caseId);
    if (!record || FINAL_STATUSES.has(record.status)) {
      await deps.workflowRuns.finishWorkflow(run.caseId, nowIso(deps));
      continue;
    }
    if (run.status === 'starting' && run.attempt > 0 && (await deps.workflow.isRunning(executionName(run.caseId, run.attempt)))) {
      await deps.workflowRuns.markWorkflowRunning(run.caseId, run.attempt, nowIso(deps));
      continue;
    }
    // The first attempt is the filing's follow-up's to start while that follow-up is there (it is
    // retried, and handed out again): starting the next one too could run two executions at once.
    if (run.status === 'starting' && run.attempt === 1 && (await deps.timers.getTimer(followUpTimerName(run.caseId, 1)))) continue;
    try {
      if (await startWorkflow(deps, run.caseId, run.attempt)) restarted.push(run.caseId);
    } catch (err) {
      logger.warn('workflow not started; the next sweep tries again', { caseId: run.caseId, error: (err as Error).message });
    }
  }
  return { restarted };
}

/**
 * The daily check of a run believed to be running: if its execution is not running (its
 * status-change report was lost), the run is recorded as stopped and the sweep takes it from there.
 */
export async function checkWorkflowRuns(deps: Pick<Deps, 'cases' | 'workflowRuns' | 'workflow' | 'realClock'>, caseId: string): Promise<{ lost: boolean }> {
  const run = await deps.workflowRuns.getWorkflowRun(caseId);
  if (run?.status !== 'running' || Date.parse(run.since) > deps.realClock.now().getTime() - START_GRACE_MS) return { lost: false };
  if (await deps.workflow.isRunning(run.execution!)) return { lost: false };
  const { recorded } = await recordWorkflowStop(deps, run.execution!, { error: 'Workflow.Lost', cause: 'the run was recorded as running, but its execution is not' }, { keepRecorded: true });
  return { lost: recorded };
}
