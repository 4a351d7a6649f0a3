import middy from '@middy/core';
import { correlate, observed } from '#shared/log.ts';
import { runWorkflowTask } from '#shared/usecases/workflow-tasks.ts';
import { lambdaDeps } from '#shared/wiring.ts';

/** The case state machine's Task states. Errors propagate so the state's Retry/Catch decide. */
export const handler = middy<unknown, Record<string, unknown>>()
  .use(observed())
  .handler(async function caseWorkflowTask(input) {
    correlate(input);
    return runWorkflowTask(lambdaDeps(), input);
  });
