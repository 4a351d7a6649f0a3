import * as z from 'zod';
import { validate } from '../schemas/validate.ts';
import { attemptDelivery, sweepDeliveries } from './deliveries.ts';
import type { Deps } from './deps.ts';
import { reconcileWorkflows, recordWorkflowStop } from './reconcile.ts';
import { watchAll, watchCase } from './watch.ts';
import { runFollowUp, sweepFollowUps, type FollowUpDeps } from './follow-ups.ts';

const id = z.string().min(1).max(80);
const objectKey = z.string().min(1).max(1024);
const text = z.string().max(20_000);

/** A notice as drafted by its step (shared/usecases/notices.ts), without the department's name. */
const NoticeDraft = z
  .object({ title: text, supervisionCode: id, caseId: id, applicant: text, paragraphs: z.array(text).max(100), items: z.array(text).max(200).optional(), closing: text.optional(), date: text })
  .strict();

const FileJobInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('notice'), objectKey, deptCode: id, notice: NoticeDraft }).strict(),
  z.object({ kind: z.literal('copy'), from: objectKey, objectKey, etag: z.string().min(1).max(200) }).strict(),
  z.object({ kind: z.literal('json'), objectKey, body: z.string().max(350_000) }).strict(),
]);

/** What a committed step left to do (follow-ups.ts), as its transaction wrote it. */
export const FollowUpInput = z
  .object({
    task: z.literal('follow-up'),
    caseId: id,
    version: z.number().int().positive(),
    files: z.array(FileJobInput).max(200).optional(),
    deliveries: z.array(id).max(200).optional(),
    resume: z.boolean().optional(),
    startAttempt: z.number().int().positive().optional(),
    previousWatchDays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).max(400).optional(),
  })
  .strict();

export const ScheduledTaskInput = z.discriminatedUnion('task', [
  FollowUpInput,
  z.object({ task: z.literal('deliver'), deliveryId: z.string().min(1).max(80) }).strict(),
  z.object({ task: z.literal('sweep') }).strict(),
  z.object({ task: z.literal('watch'), caseId: z.string().min(1).max(80) }).strict(),
  z.object({ task: z.literal('watch-all'), cursor: z.string().max(2000).optional() }).strict(),
  // An execution ended otherwise than by finishing its case (Step Functions' status-change event
  // in AWS, the local runner's equivalent): FAILED, TIMED_OUT or ABORTED.
  z.object({ task: z.literal('workflow-ended'), execution: z.string().min(1).max(80), status: z.string().min(1).max(40), cause: z.string().max(4000).optional() }).strict(),
  // Once, after an upgrade: mends the indexes of data an older version wrote (README, Deploy).
  z.object({ task: z.literal('mend-indexes') }).strict(),
]);

/** Every scheduled task: deliveries and their sweep, the workflow sweep, the watch, and mending. */
export type ScheduledTaskDeps = FollowUpDeps & Pick<Deps, 'timers' | 'cases' | 'workflowRuns' | 'migrations' | 'departments' | 'deliveries' | 'scheduler' | 'sender' | 'retryTimeScale' | 'workflow' | 'clock' | 'realClock' | 'calendars' | 'defaultArrangement' | 'metrics'>;

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
    case 'deliver': {
      const d = await attemptDelivery(deps, task.deliveryId);
      return { deliveryId: task.deliveryId, status: d?.status ?? 'gone' };
    }
  }
}
