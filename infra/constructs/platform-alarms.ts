import { Duration } from 'aws-cdk-lib';
import type { IHttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type IMetric, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export type PlatformAlarmsProps = {
  /** Where every alarm goes (the supervision alerts topic, CMK-encrypted so CloudWatch may publish). */
  topic: ITopic;
  /** Every Lambda of the stack, by construct id. */
  functions: Record<string, IFunction>;
  /** The case workflow. */
  stateMachine: IStateMachine;
  /** The HTTP API's stage the clients call. */
  apiStage: IHttpStage;
  /** The single table (it lives in the stateful stack; metrics are found by its name) and its GSIs. */
  table: { tableName: string; indexNames: readonly string[] };
};

/** How long one datapoint is: long enough to smooth a burst, short enough to wake someone in time. */
const PERIOD = Duration.minutes(5);

/**
 * The platform's own health, as opposed to the supervision of cases: alarms on what fails without
 * anyone being told otherwise — functions that error or are throttled, workflow executions that
 * end badly, an API that answers 5xx or slowly, a table that throttles. Each alarm notifies the
 * topic when it goes into ALARM.
 */
export class PlatformAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: PlatformAlarmsProps) {
    super(scope, id);
    const action = new SnsAction(props.topic);
    const alarm = (id: string, description: string, metric: IMetric, opts: { threshold?: number; evaluationPeriods?: number } = {}) => {
      const evaluationPeriods = opts.evaluationPeriods ?? 1;
      const a = new Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold: opts.threshold ?? 1,
        evaluationPeriods,
        datapointsToAlarm: evaluationPeriods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No invocations, executions or requests: nothing failed.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
      return a;
    };

    // Lambda: an error is an invocation that threw, timed out or ran out of memory (the HTTP
    // functions answer their own errors as problem+json, so this is what even that missed);
    // a throttle is an invocation refused for want of concurrency.
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}Errors`, `Lambda ${name}: an invocation failed (threw, timed out or ran out of memory).`, fn.metricErrors({ period: PERIOD, statistic: 'Sum' }));
      alarm(`${name}Throttles`, `Lambda ${name}: an invocation was throttled (no concurrency left).`, fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }));
    }

    // The case workflow: its Catch records a stop on the case, so an execution that still fails,
    // times out or is aborted is something no Catch saw (the status-change rule records it too).
    const sfn = props.stateMachine;
    alarm('CaseWorkflowExecutionsFailed', 'An execution of the case state machine failed.', sfn.metricFailed({ period: PERIOD, statistic: 'Sum' }));
    alarm('CaseWorkflowExecutionsTimedOut', 'An execution of the case state machine timed out.', sfn.metricTimedOut({ period: PERIOD, statistic: 'Sum' }));
    alarm('CaseWorkflowExecutionsAborted', 'An execution of the case state machine was aborted (nothing in the platform stops one).', sfn.metricAborted({ period: PERIOD, statistic: 'Sum' }));

    // The HTTP API (metrics by ApiId and Stage): a 5xx is "something went wrong on our side" for a
    // citizen or a department; latency is what they wait, measured at the gateway.
    alarm('Api5xx', 'The HTTP API answered 5xx (an internal error, a failed or throttled integration).', props.apiStage.metricServerError({ period: PERIOD, statistic: 'Sum' }));
    alarm(
      'ApiLatencyP99',
      'The HTTP API’s p99 latency stayed at 5 s or more for 15 minutes.',
      props.apiStage.metricLatency({ period: PERIOD, statistic: 'p99' }),
      { threshold: 5000, evaluationPeriods: 3 },
    );

    // DynamoDB: on-demand tables still throttle (a hot partition, a sparse GSI with one key, the
    // table's throughput limits). Read and write throttle events of the table and of each GSI.
    const dynamo = (metricName: string, dimensionsMap: Record<string, string>) =>
      new Metric({ namespace: 'AWS/DynamoDB', metricName, dimensionsMap, statistic: 'Sum', period: PERIOD });
    const { tableName, indexNames } = props.table;
    const usingMetrics: Record<string, IMetric> = {
      tableReads: dynamo('ReadThrottleEvents', { TableName: tableName }),
      tableWrites: dynamo('WriteThrottleEvents', { TableName: tableName }),
    };
    for (const [i, indexName] of indexNames.entries()) {
      usingMetrics[`index${i}Reads`] = dynamo('ReadThrottleEvents', { TableName: tableName, GlobalSecondaryIndexName: indexName });
      usingMetrics[`index${i}Writes`] = dynamo('WriteThrottleEvents', { TableName: tableName, GlobalSecondaryIndexName: indexName });
    }
    // An alarm takes at most 10 queries: these metrics and the expression.
    if (Object.keys(usingMetrics).length > 9) throw new Error(`TableThrottles would need ${Object.keys(usingMetrics).length + 1} queries; an alarm takes 10`);
    alarm(
      'TableThrottles',
      `DynamoDB table ${tableName}: requests were throttled (reads or writes, the table or a GSI).`,
      new MathExpression({
        // Throttle events are only reported when there are some: a missing series counts as none.
        expression: Object.keys(usingMetrics).map((m) => `FILL(${m}, 0)`).join(' + '),
        usingMetrics,
        label: 'throttle events',
        period: PERIOD,
      }),
    );
  }
}
