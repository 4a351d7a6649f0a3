import middy from '@middy/core';
import { runScheduledTask } from '#shared/usecases/scheduled.ts';
import { lambdaDeps } from '#shared/wiring.ts';

/** Invoked by one-time schedules and the recurring sweeps: webhook attempts and the case watch. */
export const handler = middy<unknown, Record<string, unknown>>().handler(async function scheduledTask(input) {
  return runScheduledTask(lambdaDeps(), input);
});
