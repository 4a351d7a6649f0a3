import middy from '@middy/core';
import { runScheduledTask } from '#shared/usecases/deliveries.ts';
import { lambdaDeps } from '#shared/wiring.ts';

/** Invoked by one-time schedules: one outbound webhook attempt each. */
export const handler = middy<unknown, Record<string, unknown>>().handler(async function scheduledTask(input) {
  return runScheduledTask(lambdaDeps(), input);
});
