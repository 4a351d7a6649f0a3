import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { ScheduledTask, Scheduler } from '../../ports/scheduler.ts';
import { schedulerSdk } from '../provided.ts';

/**
 * One-time EventBridge Scheduler schedules: flexible window off, a retry policy and a dead-letter
 * queue, deleted after they fire. Schedules have a minute's precision and are never set in the
 * past, so "now" means within the next minute.
 */
export class EventBridgeScheduler implements Scheduler {
  constructor(
    private readonly scheduler: SchedulerClient,
    private readonly target: { groupName: string; functionArn: string; roleArn: string; deadLetterArn: string },
  ) {}

  async schedule(name: string, at: Date, task: ScheduledTask): Promise<void> {
    const earliest = new Date(Date.now() + 60_000);
    const when = (at > earliest ? at : earliest).toISOString().slice(0, 19);
    const { CreateScheduleCommand, ConflictException } = schedulerSdk();
    const client = this.scheduler;
    try {
      await client.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: this.target.groupName,
          ScheduleExpression: `at(${when})`,
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: this.target.functionArn,
            RoleArn: this.target.roleArn,
            Input: JSON.stringify(task),
            RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 6 * 3600 },
            DeadLetterConfig: { Arn: this.target.deadLetterArn },
          },
        }),
      );
    } catch (err) {
      if (err instanceof ConflictException) return; // already scheduled under this name
      throw err;
    }
  }

  async cancel(name: string): Promise<void> {
    const { DeleteScheduleCommand, ResourceNotFoundException } = schedulerSdk();
    const client = this.scheduler;
    try {
      await client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.target.groupName }));
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
    }
  }
}
