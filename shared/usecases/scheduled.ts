import * as z from 'zod';
import { validate } from '../schemas/validate.ts';
import { attemptDelivery, sweepDeliveries } from './deliveries.ts';
import type { Deps } from './deps.ts';
import { reconcileWorkflows, recordWorkflowStop } from './reconcile.ts';
import { watchAll, watchCase } from './watch.ts';
import { recordStoredUpload } from './uploads.ts';
import { FollowUp } from '../domain/follow-up.ts';
import { runFollowUp, sweepFollowUps, type FollowUpDeps } from './follow-ups.ts';

export const ScheduledTaskInput = z.discriminatedUnion('task', [
  FollowUp,
  z.object({ task: z.literal('deliver'), deliveryId: z.string().min(1).max(80) }).strict(),
  z.object({ task: z.literal('sweep') }).strict(),
  z.object({ task: z.literal('watch'), caseId: z.string().min(1).max(80) }).strict(),
  z.object({ task: z.literal('watch-all'), cursor: z.string().max(2000).optional() }).strict(),
  // An execution ended otherwise than by finishing its case (Step Functions' status-change event
  // in AWS, the local runner's equivalent): FAILED, TIMED_OUT or ABORTED.
  z.object({ task: z.literal('workflow-ended'), execution: z.string().min(1).max(80), status: z.string().min(1).max(40), cause: z.string().max(4000).optional() }).strict(),
  // Once, after an upgrade: mends the indexes of data an older version wrote (README, Deploy).
  z.object({ task: z.literal('mend-indexes') }).strict(),
  z.object({ task: z.literal('upload-stored'), key: z.string().min(1).max(1024) }).strict(),
]);

/** Every scheduled task: deliveries and their sweep, the workflow sweep, the watch, and mending. */
export type ScheduledTaskDeps = FollowUpDeps & Pick<Deps, 'timers' | 'uploads' | 'cases' | 'workflowRuns' | 'migrations' | 'departments' | 'deliveries' | 'scheduler' | 'sender' | 'retryTimeScale' | 'workflow' | 'clock' | 'realClock' | 'calendars' | 'defaultArrangement' | 'metrics'>;

/** What the scheduler invokes (EventBridge Scheduler in AWS, the timer poller locally). */
export async function runScheduledTask(deps: ScheduledTaskDeps, input: unknown) {
  const task = validate(ScheduledTaskInput, input, '', 'the scheduled task');
  switch (task.task) {
    case 'follow-up':
      return runFollowUp(deps, task);
    case 'sweep':
      return { ...(await sweepDeliveries(deps)), ...(await reconcileWorkflows(deps)), ...(await sweepFollowUps(deps)) };
    case 'watch':
      return watchCase(deps, task.caseId);
    case 'watch-all':
      return watchAll(deps, task.cursor);
    case 'workflow-ended':
      return recordWorkflowStop(deps, task.execution, { error: `States.${task.status}`, ...(task.cause ? { cause: task.cause } : {}) }, { keepRecorded: true });
    case 'mend-indexes':
      return deps.migrations.mend();
    case 'upload-stored':
      return recordStoredUpload(deps, task.key);
    case 'deliver': {
      const d = await attemptDelivery(deps, task.deliveryId);
      return { deliveryId: task.deliveryId, status: d?.status ?? 'gone' };
    }
  }
}
