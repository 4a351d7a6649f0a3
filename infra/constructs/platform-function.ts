import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { TABLE } from '#shared/adapters/dynamodb/table.ts';
import { CATALOG_PARTITION, MISSES, PROGRESS_PREFIX, VERIFY_PREFIX } from '#shared/adapters/dynamodb/records.ts';
import { SERVICE_NAME } from '#shared/domain/metrics.ts';
import { deployedRoutes } from '#shared/http/routes.ts';
import { BUNDLING, LAMBDAS, ROOT, type LambdaName } from '../lambdas.ts';
import { PREVIOUS_SIGNING_KEY_ALIAS, SIGNING_KEY_ALIAS } from '../names.ts';
import { PowertoolsLayer } from './powertools-layer.ts';

export type PlatformFunctionProps = {
  name: LambdaName;
  environment?: Record<string, string>;
  /** A fixed function name, for a function others must name without a dependency on it. */
  functionName?: string;
};

/** Where one-time timers go and whom they invoke (EventBridge Scheduler). `groupName` is a literal. */
export type Timers = { groupName: string; scheduleArnPattern: string; targetArn: string; roleArn: string; deadLetterArn: string };

const require = createRequire(import.meta.url);

const RUNTIME = Runtime.NODEJS_22_X;
const ARCHITECTURE = Architecture.ARM_64;

const TABLE_ACTIONS = {
  R: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:DescribeTable'],
  RW: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:DescribeTable', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'],
};
const BUCKET_ACTIONS = { R: ['s3:GetObject'], RW: ['s3:GetObject', 's3:PutObject'] };

/** The partition the published guide revisions live in, the only one anonymous routes read. */

/**
 * The functions that serve a route anyone may call (`auth: 'none'`). They never get the whole
 * table: department webhook secrets (DEPT#<code>) live in it.
 */
export const ANONYMOUS_FUNCTIONS: ReadonlySet<LambdaName> = new Set(deployedRoutes().filter((r) => r.auth === 'none').map((r) => r.fn));

/** Records why a cdk-nag finding is acceptable, next to the construct it concerns. */
export function acknowledge(scope: Construct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-${id}`, reason });
}

/**
 * Every Lambda of the platform, with the defaults fixed once: Node 22 on arm64, an ESM bundle with
 * source maps, X-Ray tracing, its own log group with a retention, and least-privilege grants
 * through intent-revealing methods. Powertools and the X-Ray SDK come from the stack's one layer
 * (PowertoolsLayer), not the bundle.
 */
export class PlatformFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly name: LambdaName;

  constructor(scope: Construct, id: string, props: PlatformFunctionProps) {
    super(scope, id);
    this.name = props.name;
    const spec = LAMBDAS[props.name];
    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.SIX_MONTHS, removalPolicy: RemovalPolicy.RETAIN });
    // An explicit role, so Lambda's default one with AWSLambdaBasicExecutionRole (logs in every
    // log group of the account) is never made: the function writes its own log group only.
    const role = new Role(this, 'ServiceRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.name}: ${spec.description}`,
    });
    // The log group's Arn attribute is `arn:…:log-group:<name>:*`: the group and its streams.
    role.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    );
    this.fn = new NodejsFunction(this, 'Function', {
      role,
      entry: join(ROOT, spec.entry),
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      description: spec.description,
      ...(props.functionName ? { functionName: props.functionName } : {}),
      runtime: RUNTIME,
      architecture: ARCHITECTURE,
      layers: [PowertoolsLayer.of(this, { runtime: RUNTIME, architecture: ARCHITECTURE }).layer],
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds ?? 29),
      tracing: Tracing.ACTIVE,
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        ...BUNDLING,
        ...(spec.fonts?.length
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (_in: string, out: string) => [`mkdir -p "${out}/fonts"`, ...spec.fonts!.map((f) => `cp "${require.resolve(f)}" "${out}/fonts/"`)],
              },
            }
          : {}),
      },
    });
    acknowledge(this, 'IAM5[Resource::*]', 'X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions.');
    acknowledge(this, 'L1', 'Pinned to Node.js 22, the major the project targets (engines.node) and runs locally; both move together.');
  }

  /** The single table and its named indexes, nothing else. Never for a function of an anonymous route: see bindCatalog. */
  bindTable({ tableName, access }: { tableName: string; access: 'R' | 'RW' }): this {
    if (ANONYMOUS_FUNCTIONS.has(this.name)) {
      throw new Error(`${this.name} serves routes anyone may call: it may not read the whole table (department secrets live in it); bind it with bindCatalog`);
    }
    const tableArn = this.tableArn(tableName);
    this.fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: TABLE_ACTIONS[access],
        resources: [tableArn, ...TABLE.globalSecondaryIndexes.map((gsi) => `${tableArn}/index/${gsi.indexName}`)],
      }),
    );
    this.fn.addEnvironment('TABLE_NAME', tableName);
    return this;
  }

  /**
   * May scan the table: only the one-off mending of data an older version wrote (`mend-indexes`,
   * run by the timers function) reads every case item.
   */
  allowTableScan({ tableName }: { tableName: string }): this {
    const tableArn = Stack.of(this).formatArn({ service: 'dynamodb', resource: 'table', resourceName: tableName });
    this.fn.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:Scan'], resources: [tableArn] }));
    return this;
  }

  /**
   * Only the published guide revisions, the certificates' public verification records and cases'
   * public progress (H1): a Query on the table (no index, no Scan, no GetItem) whose partition key is
   * CATALOG, VERIFY#<code> or PROGRESS#<code>, so no other item (a department's webhook secret, a
   * case, a certificate with its holder) can be read.
   */
  bindCatalog({ tableName }: { tableName: string }): this {
    this.fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        // A Scan carries no partition key, and ForAllValues holds for an empty set: Query only.
        actions: ['dynamodb:Query'],
        resources: [this.tableArn(tableName)],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [CATALOG_PARTITION, `${VERIFY_PREFIX}*`, `${PROGRESS_PREFIX}*`] } },
      }),
    );
    // H1: a wrong name is counted on the code's progress item — that counter and nothing else.
    this.fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:UpdateItem'],
        resources: [this.tableArn(tableName)],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${PROGRESS_PREFIX}*`], 'dynamodb:Attributes': ['pk', 'sk', `${MISSES}*`] },
          StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
        },
      }),
    );
    this.fn.addEnvironment('TABLE_NAME', tableName);
    return this;
  }

  private tableArn(tableName: string): string {
    return Stack.of(this).formatArn({ service: 'dynamodb', resource: 'table', resourceName: tableName });
  }

  /** Objects of the files bucket (materials, notices, certificates). */
  bindBucket({ bucketName, access }: { bucketName: string; access: 'R' | 'RW' }): this {
    this.fn.addToRolePolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: BUCKET_ACTIONS[access], resources: [`arn:${Stack.of(this).partition}:s3:::${bucketName}/*`] }),
    );
    // Without ListBucket, S3 answers a missing key with 403 AccessDenied instead of 404 NoSuchKey:
    // "not uploaded yet" would become an error (the local stand-in answers NoSuchKey either way).
    this.fn.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:ListBucket'], resources: [`arn:${Stack.of(this).partition}:s3:::${bucketName}`] }));
    this.fn.addEnvironment('BUCKET_NAME', bucketName);
    acknowledge(
      this,
      'IAM5[Resource::arn:<AWS::Partition>:s3:::yiwangtongban-files-<AWS::AccountId>-<AWS::Region>/*]',
      'Object keys are generated ids; the grant covers objects of the platform’s own files bucket only (its one bucket-level action, ListBucket on that bucket, is what makes a missing key a 404 rather than a 403).',
    );
    return this;
  }

  /**
   * The archive bucket (G6): `W` writes packages (each object once, with its Object Lock retention)
   * and reads them back; `R` reads and links them. Nobody may delete, shorten a retention or bypass
   * governance: those actions are granted to no one.
   */
  bindArchive({ bucketName, access }: { bucketName: string; access: 'R' | 'W' }): this {
    const partition = Stack.of(this).partition;
    this.fn.addToRolePolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: access === 'W' ? ['s3:GetObject', 's3:PutObject', 's3:PutObjectRetention'] : ['s3:GetObject'], resources: [`arn:${partition}:s3:::${bucketName}/*`] }),
    );
    this.fn.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:ListBucket'], resources: [`arn:${partition}:s3:::${bucketName}`] }));
    this.fn.addEnvironment('ARCHIVE_BUCKET', bucketName);
    acknowledge(
      this,
      'IAM5[Resource::arn:<AWS::Partition>:s3:::yiwangtongban-archive-<AWS::AccountId>-<AWS::Region>/*]',
      'Objects are keyed by case id; the grant covers objects of the platform’s own archive bucket only (ListBucket on it makes a missing file a 404 rather than a 403).',
    );
    return this;
  }

  /** May set and cancel one-time timers that invoke the timer function (webhook retries, deadlines). */
  allowTimers(timers: Timers): this {
    this.fn.addToRolePolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'], resources: [timers.scheduleArnPattern] }),
    );
    this.fn.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['iam:PassRole'], resources: [timers.roleArn] }));
    this.fn.addEnvironment('SCHEDULE_GROUP', timers.groupName);
    this.fn.addEnvironment('SCHEDULER_TARGET_ARN', timers.targetArn);
    this.fn.addEnvironment('SCHEDULER_ROLE_ARN', timers.roleArn);
    this.fn.addEnvironment('SCHEDULER_DLQ_ARN', timers.deadLetterArn);
    acknowledge(
      this,
      `IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${timers.groupName}/*]`,
      'Timer names are generated per delivery or deadline; the grant is limited to the platform’s own schedule group.',
    );
    return this;
  }

  /** May start the case workflow (one execution per case and attempt). */
  allowStartWorkflow(stateMachineArn: string): this {
    this.fn.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['states:StartExecution'], resources: [stateMachineArn] }));
    this.fn.addEnvironment('STATE_MACHINE_ARN', stateMachineArn);
    return this;
  }

  /**
   * May start new attempts of the case workflow and ask whether an attempt still runs (the sweep
   * recovers cases whose workflow stopped or never started).
   */
  allowRecoverWorkflow(stateMachineArn: string, executionArnPattern: string): this {
    this.allowStartWorkflow(stateMachineArn);
    this.fn.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['states:DescribeExecution'], resources: [executionArnPattern] }));
    acknowledge(
      this,
      `IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${Stack.of(this).stackName}-case:*]`,
      'Executions are named per case and attempt; the grant covers the executions of the case state machine only.',
    );
    return this;
  }

  /**
   * May read the table's stream: what Lambda's event source mapping polls for the function, as
   * the function's role (the stream's own ARN, not every stream of the account).
   */
  allowReadStream(streamArn: string): this {
    this.fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
        resources: [streamArn],
      }),
    );
    return this;
  }

  /**
   * The certificate-signing keys, by their aliases (infra/names.ts): the public keys always,
   * signing too when `sign`. Granted on keys the aliases name (kms:ResourceAliases), so the grant
   * follows the aliases to new keys on rotation. (Signing with the previous key is possible too;
   * the code signs with the current one only.)
   */
  allowSigning({ sign }: { sign: boolean }): this {
    this.fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: sign ? ['kms:GetPublicKey', 'kms:Sign'] : ['kms:GetPublicKey'],
        resources: [`arn:${Aws.PARTITION}:kms:${Aws.REGION}:${Aws.ACCOUNT_ID}:key/*`],
        conditions: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [SIGNING_KEY_ALIAS, PREVIOUS_SIGNING_KEY_ALIAS] } },
      }),
    );
    this.fn.addEnvironment('SIGNING_KEY_IDS', `${SIGNING_KEY_ALIAS},${PREVIOUS_SIGNING_KEY_ALIAS}`);
    acknowledge(this, 'IAM5[Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*]', 'Only keys the certificate-signing alias names (kms:ResourceAliases condition), so the grant follows the alias when the key is rotated.');
    return this;
  }

  /** Calls an outside service at its endpoint (the shared-data platform, the carrier): outbound https, no AWS grant. */
  useEndpoint(variable: 'SHARED_DATA_URL' | 'LOGISTICS_URL', url: string): this {
    this.fn.addEnvironment(variable, url);
    return this;
  }

  /**
   * May send the applicants' SMS through Amazon SNS (G4): published to a phone number, which has no
   * resource ARN, so the grant is on `*` — and publishing to any topic is denied beside it.
   */
  allowSms(): this {
    this.fn.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['sns:Publish'], resources: ['*'] }));
    this.fn.addToRolePolicy(new PolicyStatement({ effect: Effect.DENY, actions: ['sns:Publish'], resources: [`arn:${Aws.PARTITION}:sns:*:*:*`] }));
    acknowledge(this, 'IAM5[Resource::*]', 'SNS takes no resource ARN for an SMS published straight to a phone number; publishing to any topic is denied in the same policy.');
    return this;
  }

  /** May resume a waiting step of the case workflow with its task token. */
  allowResumeWorkflow(stateMachineArn: string): this {
    this.fn.addToRolePolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: [stateMachineArn] }),
    );
    this.fn.addEnvironment('STATE_MACHINE_ARN', stateMachineArn);
    return this;
  }
}
