import { z } from 'zod';
import { validate } from '../schemas/validate.ts';
import { attemptDelivery, sweepDeliveries } from './deliveries.ts';
import type { Deps } from './deps.ts';
import { reconcileWorkflows } from './reconcile.ts';
import { watchAll, watchCase } from './watch.ts';

export const ScheduledTaskInput = z.discriminatedUnion('task', [
  z.object({ task: z.literal('deliver'), deliveryId: z.string().min(1).max(80) }).strict(),
  z.object({ task: z.literal('sweep') }).strict(),
  z.object({ task: z.literal('watch'), caseId: z.string().min(1).max(80) }).strict(),
  z.object({ task: z.literal('watch-all'), cursor: z.string().max(2000).optional() }).strict(),
]);

/** What the scheduler invokes (EventBridge Scheduler in AWS, the timer poller locally). */
export async function runScheduledTask(deps: Deps, input: unknown) {
  const task = validate(ScheduledTaskInput, input, '', 'the scheduled task');
  switch (task.task) {
    case 'sweep':
      return { ...(await sweepDeliveries(deps)), ...(await reconcileWorkflows(deps)) };
    case 'watch':
      return watchCase(deps, task.caseId);
    case 'watch-all':
      return watchAll(deps, task.cursor);
    case 'deliver': {
      const d = await attemptDelivery(deps, task.deliveryId);
      return { deliveryId: task.deliveryId, status: d?.status ?? 'gone' };
    }
  }
}
