import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StatefulStack } from './stacks/stateful.ts';
import { StatelessStack } from './stacks/stateless.ts';
import { filesBucketName, TABLE_NAME } from './names.ts';
import { corsOriginsFrom, endpointFrom, jwtAudienceFrom, jwtIssuerFrom } from './context.ts';

/** The CDK app: stateful and stateless stacks, wired by typed props, checked by cdk-nag. */
/** Feature flags the stacks rely on, set here so tests and `cdk synth` build the same app. */
const FEATURE_FLAGS = {
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/core:checkSecretUsage': true,
  // The table's stream ARN is the one cross-stack reference, kept strong (an export and
  // Fn::ImportValue) on purpose: the stream cannot be removed while the follow-ups function reads it.
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
};

export function buildApp(props: AppProps = {}) {
  const app = new App({ ...props, context: { ...FEATURE_FLAGS, ...props.context } });
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  // Checked here, so a wrong value stops the synth with a message naming the key. Without a
  // jwtIssuer the stack asks for it as a CloudFormation parameter at deployment (no placeholder).
  const issuer = jwtIssuerFrom(app.node.tryGetContext('jwtIssuer'));
  const audience = jwtAudienceFrom(app.node.tryGetContext('jwtAudience'));
  const corsOrigins = corsOriginsFrom(app.node.tryGetContext('corsOrigins'));
  const stateful = new StatefulStack(app, 'Yiwangtongban-Stateful', { env });
  const stateless = new StatelessStack(app, 'Yiwangtongban-Stateless', {
    env,
    tableName: TABLE_NAME,
    // The one value the stateless stack imports from the stateful one (a cross-stack export):
    // a stream's ARN ends in a label DynamoDB chooses, so unlike the names it cannot be built.
    tableStreamArn: stateful.tableStreamArn,
    bucketName: filesBucketName(),
    jwt: { issuer, audience: [audience] },
    corsOrigins,
    sharedDataUrl: endpointFrom('sharedDataUrl', app.node.tryGetContext('sharedDataUrl')),
    logisticsUrl: endpointFrom('logisticsUrl', app.node.tryGetContext('logisticsUrl')),
  });
  stateless.addStackDependency(stateful, 'functions use the table and bucket');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stateful, stateless };
}
