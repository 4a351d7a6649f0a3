import middy from '@middy/core';
import { correlate, observed } from '#shared/log.ts';
import { runScheduledTask } from '#shared/usecases/scheduled.ts';
import { lambdaDeps } from '#shared/wiring.ts';

/** Invoked by one-time schedules and the recurring sweeps: webhook attempts and the case watch. */
export const handler = middy<unknown, Record<string, unknown>>()
  .use(observed())
  .handler(async function scheduledTask(input) {
    correlate(input);
    return runScheduledTask(lambdaDeps(), input);
  });
