import { describe, expect, it, beforeEach } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConflictException, CreateScheduleCommand, DeleteScheduleCommand, ResourceNotFoundException, SchedulerClient } from '@aws-sdk/client-scheduler';
import { EventBridgeScheduler } from '#shared/adapters/scheduler/eventbridge.ts';

const target = {
  groupName: 'Yiwangtongban-Stateless-timers',
  functionArn: 'arn:aws:lambda:cn-north-1:123456789012:function:Yiwangtongban-Stateless-timers',
  roleArn: 'arn:aws:iam::123456789012:role/scheduler',
  deadLetterArn: 'arn:aws:sqs:cn-north-1:123456789012:timer-dlq',
};
const sdk = mockClient(SchedulerClient);
const scheduler = new EventBridgeScheduler(new SchedulerClient({ region: 'cn-north-1' }), target);

beforeEach(() => sdk.reset());

describe('F3 light timers as one-time EventBridge Scheduler schedules', () => {
  it('creates a one-time schedule: flexible window off, retry policy, dead-letter queue, deleted after it fires', async () => {
    sdk.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:…' });
    await scheduler.schedule('watch-01KAQ3Z6Y2V8J5M0N4C7R1T9XB-20261203', new Date('2026-12-03T00:00:00+08:00'), { task: 'watch', caseId: '01KAQ3Z6Y2V8J5M0N4C7R1T9XB' });
    const [call] = sdk.commandCalls(CreateScheduleCommand);
    expect(call!.args[0].input).toEqual({
      Name: 'watch-01KAQ3Z6Y2V8J5M0N4C7R1T9XB-20261203',
      GroupName: target.groupName,
      ScheduleExpression: 'at(2026-12-02T16:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: target.functionArn,
        RoleArn: target.roleArn,
        Input: JSON.stringify({ task: 'watch', caseId: '01KAQ3Z6Y2V8J5M0N4C7R1T9XB' }),
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 21600 },
        DeadLetterConfig: { Arn: target.deadLetterArn },
      },
    });
  });

  it('never schedules in the past: "now" becomes the next minute', async () => {
    sdk.on(CreateScheduleCommand).resolves({});
    const before = Date.now();
    await scheduler.schedule('deliver-msg_1-1', new Date(before - 3600_000), { task: 'deliver', deliveryId: 'msg_1' });
    const expression = sdk.commandCalls(CreateScheduleCommand)[0]!.args[0].input.ScheduleExpression!;
    const when = Date.parse(`${/^at\((.+)\)$/.exec(expression)![1]}Z`);
    expect(when).toBeGreaterThan(before);
    expect(when).toBeLessThanOrEqual(before + 61_000);
  });

  it('keeps one timer when a name is scheduled twice (ConflictException is not an error)', async () => {
    sdk.on(CreateScheduleCommand).rejects(new ConflictException({ message: 'Schedule already exists', Message: 'Schedule already exists', $metadata: {} }));
    await expect(scheduler.schedule('watch-x-20261203', new Date('2026-12-03T00:00:00+08:00'), { task: 'watch', caseId: 'x' })).resolves.toBeUndefined();
  });

  it('deletes timers by name, taking one already gone as deleted and failing on any other error', async () => {
    // Prepare
    sdk.on(DeleteScheduleCommand, { Name: 'gone' }).rejects(new ResourceNotFoundException({ message: 'not found', Message: 'not found', $metadata: {} }));
    sdk.on(DeleteScheduleCommand, { Name: 'watch-x-20261203' }).resolves({});
    sdk.on(DeleteScheduleCommand, { Name: 'throttled' }).rejects(new Error('Rate exceeded'));
    // Act / Assess
    await scheduler.cancel('watch-x-20261203');
    await scheduler.cancel('gone');
    await expect(scheduler.cancel('throttled')).rejects.toThrow('Rate exceeded');
    // Assess
    expect(sdk.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input)).toEqual([
      { Name: 'watch-x-20261203', GroupName: target.groupName },
      { Name: 'gone', GroupName: target.groupName },
      { Name: 'throttled', GroupName: target.groupName },
    ]);
  });
});
