import { ArnFormat, Aws, CfnOutput, Duration, RemovalPolicy, Stack, TimeZone, type StackProps } from 'aws-cdk-lib';
import { archiveBucketName } from '../names.ts';
import { endpointParameter, jwtIssuerParameter } from './parameters.ts';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { Schedule, ScheduleExpression, ScheduleGroup, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { AlarmStatusWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { CorsHttpMethod, HttpApi, HttpMethod, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { deployedRoutes, HTTP_FUNCTIONS, type HttpFunctionName } from '#shared/http/routes.ts';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { acknowledge, PlatformFunction, type Timers } from '../constructs/platform-function.ts';
import { CASE_STATE_MACHINE_FILE } from '../lambdas.ts';
import { SupervisionDashboard } from '../constructs/supervision-dashboard.ts';
import { PlatformAlarms } from '../constructs/platform-alarms.ts';
import type { ScheduledTask } from '#shared/ports/scheduler.ts';
import { TABLE } from '#shared/adapters/dynamodb/table.ts';
import { uploadKey } from '#shared/usecases/uploads.ts';
import { timerKeyPrefix } from '#shared/adapters/dynamodb/timers.ts';
import { FOLLOW_UP_PREFIX } from '#shared/ports/scheduler.ts';

export type StatelessStackProps = StackProps & {
  /** Physical names of the stateful stack's table and bucket (infra/names.ts). */
  tableName: string;
  bucketName: string;
  /** The table's stream (NEW_IMAGE), which starts the follow-ups function. */
  tableStreamArn: string;
  /**
   * The identity provider whose JWTs the API accepts. Without an issuer the stack takes it as the
   * CloudFormation parameter JwtIssuer, which has no default: nothing is deployed without a real one.
   */
  jwt: { issuer?: string; audience: string[] };
  /** The shared-data platform's endpoint (C2); absent: the SharedDataUrl parameter, given at deployment. */
  sharedDataUrl?: string;
  /** The carrier's endpoint (G4); absent: the LogisticsUrl parameter, given at deployment. */
  logisticsUrl?: string;
  /** Browser origins allowed to call the API (CORS); none, and no CORS configuration, by default. */
  corsOrigins?: readonly string[];
};

/**
 * One JSON object per request in the API's access log (HTTP API `$context` variables): who called
 * which route, what came back, how long it took, and why an integration failed. Values are strings;
 * a variable without a value (no JWT, no integration error) is logged as "-".
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  method: '$context.httpMethod',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
  authorizerError: '$context.authorizer.error',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  sub: '$context.authorizer.claims.sub',
} as const;

/** What a browser of an allowed origin may send (api.md: bearer JWT, JSON bodies, Idempotency-Key). */
export const CORS_HEADERS = ['authorization', 'content-type', 'idempotency-key'];

/** Everything that can be redeployed at will: functions, the case workflow, the HTTP API. */
export class StatelessStack extends Stack {
  readonly api: HttpApi;
  readonly stateMachine: StateMachine;
  readonly supervision: SupervisionDashboard;
  readonly platformAlarms: PlatformAlarms;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // A fixed name lets functions be granted the workflow's ARN without a dependency cycle
    // (the workflow's definition names the case-workflow function).
    const stateMachineName = `${this.stackName}-case`;
    const stateMachineArn = this.formatArn({ service: 'states', resource: 'stateMachine', resourceName: stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const table = { tableName: props.tableName, access: 'RW' as const };

    // Timers: one-time EventBridge schedules in one group, invoking the timer function, with a
    // dead-letter queue for invocations Scheduler could not deliver past its own retries.
    const timerGroupName = `${this.stackName}-timers`;
    const timerGroup = new ScheduleGroup(this, 'Timers', { scheduleGroupName: timerGroupName });
    const timerFunctionName = `${this.stackName}-timers`;
    const timerFunctionArn = this.formatArn({ service: 'lambda', resource: 'function', resourceName: timerFunctionName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const timerDeadLetters = new Queue(this, 'TimerDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(timerDeadLetters, 'SQS3', 'This queue is itself the dead-letter queue of the timer schedules.');
    // Scheduler (and the status-change rule) invoke the timer function asynchronously: their
    // dead-letter queue only gets what Lambda did not accept. What Lambda accepted and the
    // function then failed, on every attempt Lambda makes, goes here.
    const timerFailures = new Queue(this, 'TimerFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(timerFailures, 'SQS3', 'This queue is itself the on-failure destination (a dead-letter queue) of the timer function’s asynchronous invocations.');
    const schedulerRole = new Role(this, 'TimerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
      description: 'EventBridge Scheduler invokes the timer function and dead-letters what it cannot deliver',
    });
    schedulerRole.addToPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['lambda:InvokeFunction'], resources: [timerFunctionArn] }));
    timerDeadLetters.grantSendMessages(schedulerRole);
    const timers: Timers = {
      groupName: timerGroupName,
      scheduleArnPattern: `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/${timerGroupName}/*`,
      targetArn: timerFunctionArn,
      roleArn: schedulerRole.roleArn,
      deadLetterArn: timerDeadLetters.queueArn,
    };

    const fns: Record<HttpFunctionName, PlatformFunction> = {
      // Reads the guide revisions administrators published, and nothing else of the table.
      'public-api': new PlatformFunction(this, 'PublicApi', { name: 'public-api' }).bindCatalog({ tableName: props.tableName }).allowSigning({ sign: false }),
      // Presigned upload (PUT) and download URLs, the size of an upload; filing and the applicant's
      // actions only write the table (their follow-ups start the workflow and set the timers).
      'citizen-api': new PlatformFunction(this, 'CitizenApi', { name: 'citizen-api' })
        .bindTable(table)
        .bindBucket({ bucketName: props.bucketName, access: 'RW' })
        .useEndpoint('SHARED_DATA_URL', props.sharedDataUrl ?? endpointParameter(this, 'SharedDataUrl', 'the government shared-data platform, where fetchable materials are looked up', 'sharedDataUrl')),
      'admin-api': new PlatformFunction(this, 'AdminApi', { name: 'admin-api' }).bindTable(table).allowTimers(timers).bindArchive({ bucketName: archiveBucketName(), access: 'R' }),
      // Department actions only write the table (their follow-ups render the notices, wake the
      // workflow and set the timers); material.link checks the pinned file and presigns a download.
      'department-hooks': new PlatformFunction(this, 'DepartmentHooks', { name: 'department-hooks' })
        .bindTable(table)
        .bindBucket({ bucketName: props.bucketName, access: 'R' }),
    };

    // Follow-ups: what a step's transaction leaves to do, run once it is answered. The table's
    // stream hands over the follow-up items (and nothing else); a record that still fails after
    // its retries is reported to the queue (its item stays on the table: the sweep writes it again).
    const followUpFailures = new Queue(this, 'FollowUpFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(followUpFailures, 'SQS3', 'This queue is itself the on-failure destination (a dead-letter queue) of the follow-ups function’s stream records.');
    const followUps = new PlatformFunction(this, 'FollowUps', { name: 'follow-ups' })
      .bindTable(table)
      .bindBucket({ bucketName: props.bucketName, access: 'RW' })
      .allowStartWorkflow(stateMachineArn)
      .allowResumeWorkflow(stateMachineArn)
      .allowTimers(timers)
      .allowSms()
      .bindArchive({ bucketName: archiveBucketName(), access: 'W' })
      .useEndpoint('LOGISTICS_URL', props.logisticsUrl ?? endpointParameter(this, 'LogisticsUrl', 'the carrier that mails paper results', 'logisticsUrl'))
      .allowReadStream(props.tableStreamArn);
    followUps.fn.addEventSourceMapping('TableStream', {
      eventSourceArn: props.tableStreamArn,
      startingPosition: StartingPosition.LATEST,
      batchSize: 10,
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      retryAttempts: 5,
      maxRecordAge: Duration.hours(1),
      onFailure: new SqsDlq(followUpFailures),
      filters: [
        FilterCriteria.filter({
          eventName: FilterRule.or('INSERT', 'MODIFY'),
          dynamodb: { NewImage: { [TABLE.partitionKey]: { S: FilterRule.beginsWith(timerKeyPrefix(FOLLOW_UP_PREFIX)) } } },
        }),
      ],
    });
    // The sweep also starts a new attempt of a case's workflow when its start was lost after
    // filing, or an attempt stopped.
    // Pseudo parameters (not the app's region and account), so the grant reads the same in every environment.
    const executionArnPattern = `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:execution:${stateMachineName}:*`;
    const timerFunction = new PlatformFunction(this, 'TimerFunction', { name: 'timers', functionName: timerFunctionName })
      .bindTable(table)
      // A stored upload's metadata (HeadObject), for its record.
      .bindBucket({ bucketName: props.bucketName, access: 'R' })
      .allowTableScan(table)
      .allowTimers(timers)
      .allowSms()
      .allowRecoverWorkflow(stateMachineArn, executionArnPattern);
    // Lambda's own default of two retries, written down; then the invocation record goes to the queue.
    timerFunction.fn.configureAsyncInvoke({ onFailure: new SqsDestination(timerFailures), retryAttempts: 2 });
    // In the platform's schedule group, beside the one-time timers. The group's name reaches the
    // template as a literal, not a reference: the dependency is written down so a first
    // deployment creates the group before the schedules in it.
    const recurring = (id: string, schedule: ScheduleExpression, description: string, task: ScheduledTask) => {
      const recurringSchedule = new Schedule(this, id, {
        schedule,
        description,
        scheduleGroup: timerGroup,
        target: {
          bind: () => ({
            arn: timerFunctionArn,
            role: schedulerRole,
            input: ScheduleTargetInput.fromObject(task),
            retryPolicy: { maximumRetryAttempts: 2 },
            deadLetterConfig: { arn: timerDeadLetters.queueArn },
          }),
        },
      });
      recurringSchedule.node.addDependency(timerGroup);
      return recurringSchedule;
    };
    // Every ten minutes the timer function looks for deliveries whose timer was lost and cases whose
    // workflow did not start; every day at 00:05 in Shanghai it looks at every open case's clocks.
    recurring('DeliverySweep', ScheduleExpression.rate(Duration.minutes(10)), 'Reschedules lost webhook attempts; starts workflows that did not start', { task: 'sweep' });
    recurring('DailyWatch', ScheduleExpression.cron({ minute: '5', hour: '0', timeZone: TimeZone.ASIA_SHANGHAI }), 'Looks at the clocks of every open case', { task: 'watch-all' });
    this.supervision = new SupervisionDashboard(this, 'Supervision', { timerDeadLetters, timerFailures, followUpFailures, dashboardName: `${this.stackName}-supervision` });

    const caseWorkflow = new PlatformFunction(this, 'CaseWorkflow', { name: 'case-workflow' })
      .bindTable(table)
      .allowSigning({ sign: true })
      .allowResumeWorkflow(stateMachineArn);

    const workflowLogs = new LogGroup(this, 'CaseWorkflowLogs', { retention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    this.stateMachine = new StateMachine(this, 'CaseWorkflowStateMachine', {
      stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(CASE_STATE_MACHINE_FILE),
      definitionSubstitutions: { CaseWorkflowFunctionArn: caseWorkflow.fn.functionArn },
      tracingEnabled: true,
      logs: { destination: workflowLogs, level: LogLevel.ALL, includeExecutionData: true },
    });
    // Exactly this function, no versions or aliases.
    this.stateMachine.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['lambda:InvokeFunction'], resources: [caseWorkflow.fn.functionArn] }));
    acknowledge(this.stateMachine, 'IAM5[Resource::*]', 'X-Ray and CloudWatch Logs delivery actions of Step Functions take no resource ARNs.');

    // What no Catch sees — an execution's own timeout, an abort, a failure of RecordStop itself —
    // Step Functions reports as a status change: recorded on the case's run, so the sweep starts
    // the next attempt (the local runtime reports the same from its runner).
    new Rule(this, 'WorkflowEnded', {
      description: 'Records case workflow executions that failed, timed out or were aborted',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [stateMachineArn] },
      },
      targets: [
        new LambdaFunction(timerFunction.fn, {
          event: RuleTargetInput.fromObject({
            task: 'workflow-ended',
            execution: EventField.fromPath('$.detail.name'),
            status: EventField.fromPath('$.detail.status'),
          }),
          deadLetterQueue: timerDeadLetters,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });

    // S3 reports each stored upload (Object Created, EventBridge): its metadata goes on the upload's
    // record, so filing reads the record alone (shared/usecases/uploads.ts recordStoredUpload).
    new Rule(this, 'UploadStored', {
      description: 'Records on its upload the metadata of each file stored under uploads/',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [props.bucketName] }, object: { key: [{ prefix: `${uploadKey('')}` }] } },
      },
      targets: [
        new LambdaFunction(timerFunction.fn, {
          event: RuleTargetInput.fromObject({ task: 'upload-stored', key: EventField.fromPath('$.detail.object.key') }),
          deadLetterQueue: timerDeadLetters,
          retryAttempts: 8,
          maxEventAge: Duration.hours(1),
        }),
      ],
    });

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    const integrations = Object.fromEntries(
      HTTP_FUNCTIONS.map((name) => [name, new HttpLambdaIntegration(`${name}-integration`, fns[name].fn)]),
    ) as Record<HttpFunctionName, HttpLambdaIntegration>;
    this.api = new HttpApi(this, 'Api', {
      description: '一网通办 HTTP API (api.md)',
      // Unmatched routes reach the public function, which answers 404 as problem+json.
      defaultIntegration: integrations['public-api'],
      createDefaultStage: false,
      ...(props.corsOrigins?.length
        ? {
            corsPreflight: {
              allowOrigins: [...props.corsOrigins],
              allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.DELETE],
              allowHeaders: CORS_HEADERS,
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });
    const apiStage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 200, burstLimit: 400 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)) },
    });
    const jwt = new HttpJwtAuthorizer('Jwt', props.jwt.issuer ?? jwtIssuerParameter(this), { jwtAudience: props.jwt.audience });
    for (const route of deployedRoutes()) {
      const [added] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrations[route.fn],
        ...(route.auth === 'jwt' ? { authorizer: jwt } : {}),
      });
      if (route.auth === 'none') acknowledge(added!, 'APIG4', 'Public by design: anyone may read health, the catalog and the contract.');
      if (route.auth === 'webhook') acknowledge(added!, 'APIG4', 'Department systems authenticate with a Standard Webhooks signature, verified in the handler against the department’s secret.');
    }
    acknowledge(this.api.node.findChild('DefaultRoute'), 'APIG4', 'Unmatched routes only ever get a 404 problem+json from the public function.');

    // Every function of the stack, whichever is added later, gets its errors and throttles watched.
    const functions = Object.fromEntries(
      this.node.findAll().filter((c): c is PlatformFunction => c instanceof PlatformFunction).map((f) => [f.node.id, f.fn]),
    );
    this.platformAlarms = new PlatformAlarms(this, 'PlatformAlarms', {
      topic: this.supervision.alerts,
      functions,
      stateMachine: this.stateMachine,
      apiStage,
      table: { tableName: props.tableName, indexNames: TABLE.globalSecondaryIndexes.map((g) => g.indexName) },
    });
    this.supervision.dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Platform health: functions, workflow, API, table', alarms: this.platformAlarms.alarms, width: 24, height: 4 }),
    );

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'StateMachineArn', { value: this.stateMachine.stateMachineArn });
    new CfnOutput(this, 'SupervisionAlertsTopic', { value: this.supervision.alerts.topicArn, description: 'subscribe supervisors and operators to the alarms (red cases, escalations, dead letters; functions, workflow, API, table)' });
    new CfnOutput(this, 'SupervisionDashboard', { value: this.supervision.dashboard.dashboardName });
  }
}
