import { beforeAll, describe, expect, it } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { TABLE } from '#shared/adapters/dynamodb/table.ts';
import { buildApp } from '../../infra/app.ts';
import { LAMBDAS } from '../../infra/lambdas.ts';
import { TABLE_NAME } from '../../infra/names.ts';

// Synthesizing without bundling keeps this a fast unit of the template; `npx cdk synth` bundles.
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };
type AlarmProps = {
  MetricName?: string;
  Namespace?: string;
  Dimensions?: Array<{ Name: string; Value: unknown }>;
  Metrics?: Array<{ Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions: Array<{ Name: string; Value: unknown }> } } }>;
  AlarmActions?: unknown[];
  Threshold?: number;
  ComparisonOperator?: string;
  ExtendedStatistic?: string;
  Statistic?: string;
};

let stateless: Template;
let resources: Record<string, Resource>;
let alarms: AlarmProps[];
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const onlyId = (type: string) => {
  const found = ofType(type);
  expect(found, type).toHaveLength(1);
  return found[0]![0];
};
let topicRef: { Ref: string };

beforeAll(() => {
  const built = buildApp({ context: NO_BUNDLING });
  stateless = Template.fromStack(built.stateless);
  resources = stateless.toJSON().Resources as Record<string, Resource>;
  alarms = ofType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties as AlarmProps);
  topicRef = { Ref: onlyId('AWS::SNS::Topic') };
});

/** The alarms on one metric with exactly these dimensions. */
const alarmsOn = (namespace: string, metricName: string, dimensions: Array<{ Name: string; Value: unknown }>) =>
  alarms.filter(
    (a) =>
      a.Namespace === namespace &&
      a.MetricName === metricName &&
      JSON.stringify([...(a.Dimensions ?? [])].sort((x, y) => x.Name.localeCompare(y.Name))) ===
        JSON.stringify([...dimensions].sort((x, y) => x.Name.localeCompare(y.Name))),
  );
const notifies = (a: AlarmProps) => expect(a.AlarmActions).toEqual([topicRef]);

describe('the alarm topic', () => {
  it('is encrypted with a customer-managed key that rotates, not alias/aws/sns', () => {
    const keyId = onlyId('AWS::KMS::Key');
    stateless.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    stateless.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    expect(JSON.stringify(stateless.toJSON())).not.toContain('alias/aws/sns');
  });

  it('lets CloudWatch (alarms of this account and region only) use the key', () => {
    stateless.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', Match.arrayWith([':cloudwatch:', ':alarm:*'])] } },
            },
          }),
        ]),
      }),
    });
  });

  it('lets CloudWatch alarms of this account publish (the topic has its own policy, TLS only)', () => {
    stateless.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: topicRef,
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      }),
    });
  });

  it('is the alarm action of every alarm', () => {
    expect(alarms.length).toBeGreaterThan(20);
    for (const a of alarms) notifies(a);
  });
});

describe('Lambda alarms', () => {
  it('watch errors and throttles of every function, one alarm each', () => {
    const fns = ofType('AWS::Lambda::Function');
    expect(fns).toHaveLength(Object.keys(LAMBDAS).length);
    for (const [fnId] of fns) {
      for (const metric of ['Errors', 'Throttles']) {
        const found = alarmsOn('AWS/Lambda', metric, [{ Name: 'FunctionName', Value: { Ref: fnId } }]);
        expect(found, `${fnId} ${metric}`).toHaveLength(1);
        expect(found[0]).toMatchObject({ Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Period: 300 });
        notifies(found[0]!);
      }
    }
    expect(alarms.filter((a) => a.Namespace === 'AWS/Lambda')).toHaveLength(2 * fns.length);
  });
});

describe('case state machine alarms', () => {
  it('watch failed, timed-out and aborted executions of the case state machine', () => {
    const sm = onlyId('AWS::StepFunctions::StateMachine');
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
      const found = alarmsOn('AWS/States', metric, [{ Name: 'StateMachineArn', Value: { Ref: sm } }]);
      expect(found, metric).toHaveLength(1);
      expect(found[0]).toMatchObject({ Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      notifies(found[0]!);
    }
  });
});

describe('HTTP API alarms', () => {
  const stage = () => [
    { Name: 'ApiId', Value: { Ref: onlyId('AWS::ApiGatewayV2::Api') } },
    { Name: 'Stage', Value: '$default' },
  ];

  it('watch 5xx answers of the $default stage', () => {
    const found = alarmsOn('AWS/ApiGateway', '5xx', stage());
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    notifies(found[0]!);
  });

  it('watch the p99 latency of the $default stage, over several periods', () => {
    const found = alarmsOn('AWS/ApiGateway', 'Latency', stage());
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 5000, EvaluationPeriods: 3, DatapointsToAlarm: 3 });
    notifies(found[0]!);
  });
});

describe('DynamoDB alarm', () => {
  it('watches read and write throttle events of the table (in the stateful stack, by name) and of each GSI', () => {
    const math = alarms.filter((a) => a.Metrics?.some((m) => m.MetricStat?.Metric.Namespace === 'AWS/DynamoDB'));
    expect(math).toHaveLength(1);
    const alarm = math[0]!;
    notifies(alarm);
    expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    const stats = alarm.Metrics!.filter((m) => m.MetricStat).map((m) => ({ id: m.Id, ...m.MetricStat!.Metric }));
    const has = (metricName: string, dims: Record<string, string>) =>
      stats.find(
        (s) =>
          s.MetricName === metricName &&
          JSON.stringify(Object.fromEntries(s.Dimensions.map((d) => [d.Name, d.Value]))) === JSON.stringify(Object.fromEntries(Object.entries(dims).sort())),
      );
    const expected = [
      { TableName: TABLE_NAME },
      ...TABLE.globalSecondaryIndexes.map((g) => ({ GlobalSecondaryIndexName: g.indexName, TableName: TABLE_NAME })),
    ];
    for (const dims of expected) {
      for (const metricName of ['ReadThrottleEvents', 'WriteThrottleEvents']) expect(has(metricName, dims), `${metricName} ${JSON.stringify(dims)}`).toBeDefined();
    }
    // The expression adds every one of them up.
    const expression = alarm.Metrics!.find((m) => m.Expression)!.Expression!;
    for (const s of stats) expect(expression).toContain(s.id);
    expect(alarm.Metrics!.length).toBeLessThanOrEqual(10);
  });
});

describe('dead-letter queues', () => {
  it('every queue of the stack (each is a dead-letter queue) has an alarm on its visible messages', () => {
    const queues = ofType('AWS::SQS::Queue');
    expect(queues.map(([id]) => id).sort()).toEqual([expect.stringMatching(/^FollowUpFailures/), expect.stringMatching(/^TimerDeadLetters/), expect.stringMatching(/^TimerFailures/)]);
    for (const [queueId] of queues) {
      const found = alarmsOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }]);
      expect(found, queueId).toHaveLength(1);
      expect(found[0]).toMatchObject({ Statistic: 'Maximum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      notifies(found[0]!);
    }
  });
});

describe('the timer function’s asynchronous invocations', () => {
  it('go, once Lambda’s retries are spent, to an on-failure destination queue', () => {
    const [[timerFnId]] = ofType('AWS::Lambda::Function').filter(([, r]) => r.Properties.FunctionName === 'Yiwangtongban-Stateless-timers') as [[string, Resource]];
    const [[queueId, queue]] = ofType('AWS::SQS::Queue').filter(([id]) => id.startsWith('TimerFailures')) as [[string, Resource]];
    stateless.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: timerFnId },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    expect(ofType('AWS::Lambda::EventInvokeConfig')).toHaveLength(1);
    // Encrypted, 14 days, TLS only.
    expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    stateless.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: Match.objectLike({ Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) }),
    });
    // The function's role may send to it (Lambda sends the record as the function).
    const timerRolePolicies = ofType('AWS::IAM::Policy').filter(([id]) => id.startsWith('TimerFunction'));
    expect(JSON.stringify(timerRolePolicies)).toMatch(new RegExp(`"sqs:SendMessage".*?"Fn::GetAtt":\\["${queueId}","Arn"\\]`));
  });
});

describe('the recurring schedules', () => {
  it('are in the platform’s schedule group, created after it', () => {
    const [[groupId, group]] = ofType('AWS::Scheduler::ScheduleGroup') as [[string, Resource]];
    const schedules = ofType('AWS::Scheduler::Schedule');
    expect(schedules.map(([id]) => id).sort()).toEqual([expect.stringMatching(/^DailyWatch/), expect.stringMatching(/^DeliverySweep/)]);
    for (const [id, s] of schedules) {
      expect(s.Properties.GroupName, id).toBe(group.Properties.Name);
      expect(s.DependsOn, id).toContain(groupId);
    }
    expect(group.Properties.Name).toBe('Yiwangtongban-Stateless-timers');
  });
});
