import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TABLE } from '#shared/adapters/dynamodb/table.ts';
import { deployedRoutes } from '#shared/http/routes.ts';
import { METRIC, METRICS_NAMESPACE, SERVICE_NAME } from '#shared/domain/metrics.ts';
import { TimerEntity, timerKeyPrefix } from '#shared/adapters/dynamodb/timers.ts';
import { FOLLOW_UP_PREFIX, followUpTimerName } from '#shared/ports/scheduler.ts';
import { uploadKey } from '#shared/usecases/uploads.ts';
import { buildApp } from '../../infra/app.ts';
import { LAMBDAS } from '../../infra/lambdas.ts';

const TimerKey = (name: string) => TimerEntity.key({ name }).pk;

// Synthesizing without bundling keeps this a fast unit of the template; `npx cdk synth` bundles.
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
let stateful: Template;
let stateless: Template;
let report: { pluginReports: Array<{ pluginName: string; conclusion: string; violations: unknown[]; suppressedViolations: Array<{ acknowledgedReason?: string; reason?: string }> }> };

beforeAll(() => {
  const built = buildApp({ context: NO_BUNDLING });
  const assembly = built.app.synth();
  stateful = Template.fromStack(built.stateful);
  stateless = Template.fromStack(built.stateless);
  report = JSON.parse(readFileSync(`${assembly.directory}/validation-report.json`, 'utf8'));
});

describe('stateful stack', () => {
  it('has one table with the key schema and GSIs of shared/adapters/dynamodb/table.ts, PITR and deletion protection', () => {
    stateful.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    stateful.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: TABLE.timeToLiveAttribute, Enabled: true },
        GlobalSecondaryIndexes: TABLE.globalSecondaryIndexes.map((g) =>
          Match.objectLike({ IndexName: g.indexName, KeySchema: [{ AttributeName: g.partitionKey, KeyType: 'HASH' }, { AttributeName: g.sortKey, KeyType: 'RANGE' }] }),
        ),
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
      }),
    });
  });

  it('keeps files in a private, encrypted, versioned bucket that refuses plain HTTP', () => {
    stateful.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: Match.anyValue(),
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'files/' }),
    });
    const policies = stateful.findResources('AWS::S3::BucketPolicy');
    const denies = Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Array<{ Effect: string; Condition?: unknown }> } } }).Properties.PolicyDocument.Statement);
    expect(denies.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }))).toBe(true);
  });
});

describe('stateless stack', () => {
  it('runs every function on Node.js 22, arm64, with X-Ray tracing and its own log group', () => {
    const fns = stateless.findResources('AWS::Lambda::Function');
    expect(Object.keys(fns)).toHaveLength(Object.keys(LAMBDAS).length);
    for (const fn of Object.values(fns) as Array<{ Properties: Record<string, unknown> }>) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' }, LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/Logs/) } } });
    }
  });

  it('routes every deployed route of the route table, with the JWT authorizer exactly on the JWT routes', () => {
    const routes = Object.values(stateless.findResources('AWS::ApiGatewayV2::Route')) as Array<{ Properties: { RouteKey: string; AuthorizationType?: string } }>;
    const byKey = new Map(routes.map((r) => [r.Properties.RouteKey, r.Properties.AuthorizationType ?? 'NONE']));
    for (const r of deployedRoutes()) expect(byKey.get(`${r.method} ${r.path}`), `${r.method} ${r.path}`).toBe(r.auth === 'jwt' ? 'JWT' : 'NONE');
    expect(byKey.has('POST /dev/token')).toBe(false);
    expect(byKey.has('$default')).toBe(true);
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'JWT', JwtConfiguration: { Audience: ['yiwangtongban'], Issuer: Match.anyValue() } });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: '$default', AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }), DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 200 }) });
  });

  it('runs the case state machine from statemachines/case.asl.json with the function substituted', () => {
    stateless.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      DefinitionSubstitutions: { CaseWorkflowFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('CaseWorkflowFunction'), 'Arn'] } },
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
    });
  });

  it('grants least privilege: no wildcard actions, DynamoDB on the table and its named indexes only', () => {
    const statements = Object.values(stateless.findResources('AWS::IAM::Policy')).flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[]; Resource: unknown }> } } }).Properties.PolicyDocument.Statement,
    );
    for (const s of statements) {
      for (const action of [s.Action].flat()) expect(action).not.toMatch(/^(\*|[a-z0-9]+:\*)$/);
      if ([s.Action].flat().some((a) => a.startsWith('dynamodb:'))) expect(JSON.stringify(s.Resource)).not.toContain('index/*');
    }
  });
});

describe('timers (EventBridge Scheduler)', () => {
  it('invoke the timer function through a role scoped to it, with a dead-letter queue', () => {
    stateless.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'Yiwangtongban-Stateless-timers' });
    // A page of the daily watch may take longer than an HTTP request.
    stateless.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'Yiwangtongban-Stateless-timers', Timeout: 300 });
    stateless.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(10 minutes)',
      Target: Match.objectLike({ Input: JSON.stringify({ task: 'sweep' }), DeadLetterConfig: { Arn: Match.anyValue() } }),
    });
    stateless.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })] }),
    });
  });
});

describe('C1 a stored upload is reported by S3, so filing reads its record alone', () => {
  it('has the files bucket send its events to EventBridge, with no notifications Lambda', () => {
    stateful.hasResourceProperties('AWS::S3::Bucket', { BucketName: Match.anyValue(), NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } } });
    expect(Object.keys(stateful.findResources('Custom::S3BucketNotifications'))).toEqual([]);
  });

  it('sends Object Created under uploads/ of that bucket to the timer function as upload-stored, with retries and the timers’ dead-letter queue', () => {
    const [files] = Object.values(stateful.findResources('AWS::S3::Bucket', { Properties: { BucketName: Match.anyValue() } })) as Array<{ Properties: { BucketName: unknown } }>;
    stateless.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [files!.Properties.BucketName] }, object: { key: [{ prefix: uploadKey('') }] } } },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TimerFunction'), 'Arn'] },
          InputTransformer: { InputPathsMap: Match.objectEquals({ 'detail-object-key': '$.detail.object.key' }), InputTemplate: Match.stringLikeRegexp('\\{"task":"upload-stored","key":<detail-object-key>\\}') },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TimerDeadLetters'), 'Arn'] } },
        }),
      ],
    });
  });
});

describe('C1 F5 workflow executions that end without finishing their case', () => {
  it('are sent by a status-change rule to the timer function, with retries and the timers’ dead-letter queue', () => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [Match.anyValue()] },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TimerFunction'), 'Arn'] },
          InputTransformer: Match.objectLike({ InputTemplate: Match.stringLikeRegexp('"task":"workflow-ended"') }),
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8 }),
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TimerDeadLetters'), 'Arn'] } },
        }),
      ],
    });
  });

  it('let the timer function (the sweep) ask how an execution of the case state machine stands, and no other function', () => {
    const policies = stateless.findResources('AWS::IAM::Policy');
    const describing = Object.entries(policies).filter(([, p]) => JSON.stringify(p).includes('states:DescribeExecution'));
    expect(describing.map(([id]) => id)).toEqual([expect.stringMatching(/^TimerFunction/)]);
    expect(JSON.stringify(describing[0]![1])).toMatch(/:execution:[^"]*-case:\*/);
  });
});

describe('C1 D1 F5 follow-ups: the table’s stream runs what a step leaves to do', () => {
  type Mapping = { Properties: Record<string, unknown> };
  const followUpsMapping = () => {
    const mappings = Object.values(stateless.findResources('AWS::Lambda::EventSourceMapping')) as Mapping[];
    expect(mappings).toHaveLength(1);
    expect(mappings[0]!.Properties.FunctionName).toEqual({ Ref: expect.stringMatching(/^FollowUpsFunction/) });
    return mappings[0]!.Properties;
  };

  it('the table has a stream of new images, exported to the stateless stack', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::GlobalTable', { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
    const [tableId] = Object.keys(stateful.findResources('AWS::DynamoDB::GlobalTable'));
    const exported = Object.values(stateful.toJSON().Outputs as Record<string, { Value: unknown; Export: { Name: string } }>).find((o) => JSON.stringify(o.Value) === JSON.stringify({ 'Fn::GetAtt': [tableId, 'StreamArn'] }));
    expect(exported).toBeDefined();
    expect(followUpsMapping().EventSourceArn).toEqual({ 'Fn::ImportValue': exported!.Export.Name });
  });

  it('start the follow-ups function for follow-up items written or written again, and nothing else of the table', () => {
    const props = followUpsMapping();
    expect(props).toMatchObject({ StartingPosition: 'LATEST', BatchSize: 10 });
    const { Filters } = props.FilterCriteria as { Filters: Array<{ Pattern: string }> };
    expect(Filters).toHaveLength(1);
    const pattern = JSON.parse(Filters[0]!.Pattern);
    expect(pattern).toEqual({ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { [TABLE.partitionKey]: { S: [{ prefix: timerKeyPrefix(FOLLOW_UP_PREFIX) }] } } } });
    // The prefix is the one every follow-up's key starts with (and no other timer's).
    expect(TimerKey(followUpTimerName('01K', 3)).startsWith(pattern.dynamodb.NewImage[TABLE.partitionKey].S[0].prefix)).toBe(true);
    expect(TimerKey('watch-01K-2026-11-23').startsWith(pattern.dynamodb.NewImage[TABLE.partitionKey].S[0].prefix)).toBe(false);
  });

  it('report failed records one by one, retry a bounded number of times, then send them to an encrypted, TLS-only queue', () => {
    const props = followUpsMapping();
    expect(props).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'], BisectBatchOnFunctionError: true, MaximumRetryAttempts: 5, MaximumRecordAgeInSeconds: 3600 });
    const destination = (props.DestinationConfig as { OnFailure: { Destination: { 'Fn::GetAtt': [string, string] } } }).OnFailure.Destination;
    const [queueId] = destination['Fn::GetAtt'];
    expect(queueId).toMatch(/^FollowUpFailures/);
    expect(stateless.toJSON().Resources[queueId].Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    stateless.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: Match.objectLike({ Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) }),
    });
  });

  it('the follow-ups function carries the notice fonts and runs longer than a request', () => {
    expect(LAMBDAS['follow-ups'].fonts?.length).toBeGreaterThan(0);
    expect(LAMBDAS['department-hooks'].fonts).toBeUndefined();
    stateless.hasResourceProperties('AWS::Lambda::Function', { Description: LAMBDAS['follow-ups'].description, Timeout: LAMBDAS['follow-ups'].timeoutSeconds });
  });
});

describe('F3 the daily watch', () => {
  it('looks at every open case at 00:05 in Shanghai', () => {
    stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(5 0 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      Target: Match.objectLike({ Input: JSON.stringify({ task: 'watch-all' }), DeadLetterConfig: { Arn: Match.anyValue() } }),
    });
  });
});

describe('F4 dashboard and alarms', () => {
  const alarmOn = (metricName: string) =>
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: metricName,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [Match.objectLike({ Ref: Match.stringLikeRegexp('SupervisionAlerts') })],
    });

  it('alarms on red cases, escalated supervisions and dead-lettered webhooks and SMS, from the metrics the use cases emit', () => {
    for (const name of [METRIC.casesTurnedRed, METRIC.supervisionsEscalated, METRIC.webhooksDeadLettered, METRIC.smsDeadLettered]) {
      alarmOn(name);
      stateless.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: name, Namespace: METRICS_NAMESPACE, Dimensions: [{ Name: 'service', Value: SERVICE_NAME }] });
    }
  });

  it('alarms on dead-lettered timers (the schedules’ dead-letter queue)', () => {
    alarmOn('ApproximateNumberOfMessagesVisible');
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/SQS', Dimensions: [{ Name: 'QueueName', Value: Match.anyValue() }] });
  });

  it('shows per-department performance on a dashboard', () => {
    const dashboards = stateless.findResources('AWS::CloudWatch::Dashboard');
    expect(Object.keys(dashboards)).toHaveLength(1);
    const body = JSON.stringify(Object.values(dashboards)[0]!.Properties.DashboardBody);
    for (const name of Object.values(METRIC).filter((n) => n !== METRIC.webhooksDeadLettered && n !== METRIC.smsDeadLettered)) {
      expect(body, name).toMatch(new RegExp(`SEARCH\\('\\{${METRICS_NAMESPACE},department,service\\} MetricName=[\\\\"]+${name}[\\\\"]+'`));
    }
    expect(body).toContain('Median working days used');
    expect(body).toContain('On-time rate');
  });

  it('sends the alarms to an encrypted topic that only takes TLS', () => {
    stateless.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    stateless.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({ Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) }),
    });
  });
});

describe('cdk-nag AwsSolutions checks', () => {
  it('pass, with a written reason for every acknowledged finding', () => {
    const nag = report.pluginReports.find((r) => r.pluginName === 'AwsSolutions')!;
    expect(nag.conclusion).toBe('success');
    expect(nag.violations).toEqual([]);
    for (const s of nag.suppressedViolations) expect((s.acknowledgedReason ?? s.reason ?? '').length).toBeGreaterThan(20);
  });

  it('pass too when the app is synthesized for a concrete account and region (as `cdk synth` does)', () => {
    const saved = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
    Object.assign(process.env, { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'us-east-1' });
    try {
      const assembly = buildApp({ context: NO_BUNDLING }).app.synth();
      const concrete = JSON.parse(readFileSync(`${assembly.directory}/validation-report.json`, 'utf8')) as typeof report;
      const nag = concrete.pluginReports.find((r) => r.pluginName === 'AwsSolutions')!;
      expect(nag.violations).toEqual([]);
      expect(nag.conclusion).toBe('success');
    } finally {
      for (const [k, v] of [['CDK_DEFAULT_ACCOUNT', saved.account], ['CDK_DEFAULT_REGION', saved.region]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('do catch a violation (the check is live)', () => {
    const app = new App({ context: NO_BUNDLING });
    const stack = new Stack(app, 'Bad');
    new Bucket(stack, 'Open');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow();
  });
});

describe('each function’s environment is enough for the adapters its code uses', () => {
  it('builds the dependencies from exactly the variables the template gives each function', async () => {
    const { buildDeps } = await import('#shared/wiring.ts');
    const fns = Object.values(stateless.findResources('AWS::Lambda::Function')) as Array<{ Properties: { Description: string; Environment: { Variables: Record<string, unknown> } } }>;
    type Port = 'cases' | 'blobs' | 'workflow' | 'scheduler';
    const needs: Record<string, Port[]> = {
      'health, catalog, OpenAPI': ['cases'],
      // Filing and the applicant's actions leave the workflow and the timers to their follow-ups.
      'uploads, filing, case view, certificates': ['cases', 'blobs'],
      'departments and webhook secrets': ['cases', 'scheduler'],
      // So do the department's actions (the notices too); material.link presigns a download.
      'department actions: signed webhooks and staff': ['cases', 'blobs'],
      'Task states of the case state machine': ['cases', 'workflow'],
      // …and records each stored upload's metadata (HeadObject).
      'timers: webhook attempts, sweeps and the case watch (lights, supervision)': ['cases', 'scheduler', 'workflow', 'blobs'],
      [LAMBDAS['follow-ups'].description]: ['cases', 'blobs', 'workflow', 'scheduler'],
    };
    const saved = { ...process.env };
    try {
      for (const fn of fns) {
        for (const k of ['TABLE_NAME', 'BUCKET_NAME', 'STATE_MACHINE_ARN', 'SCHEDULE_GROUP', 'SCHEDULER_TARGET_ARN', 'SCHEDULER_ROLE_ARN', 'SCHEDULER_DLQ_ARN', 'SCHEDULER_MODE']) delete process.env[k];
        for (const [k, v] of Object.entries(fn.Properties.Environment.Variables)) process.env[k] = typeof v === 'string' ? v : 'resolved-at-deploy';
        process.env.AWS_REGION = 'us-east-1';
        const deps = buildDeps();
        const wanted = needs[fn.Properties.Description]!;
        expect(wanted, fn.Properties.Description).toBeDefined();
        for (const port of wanted) expect(() => deps[port], `${fn.Properties.Description} → ${port}`).not.toThrow();
        for (const port of (['cases', 'blobs', 'workflow', 'scheduler'] as const).filter((p) => !wanted.includes(p))) {
          expect(() => deps[port], `${fn.Properties.Description} must not reach ${port}`).toThrow(/is not set/);
        }
      }
    } finally {
      process.env = saved;
    }
  });
});
