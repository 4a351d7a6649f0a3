import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEPARTMENT_DIMENSION, METRIC, METRICS_NAMESPACE, SERVICE_NAME, type MetricName } from '#shared/domain/metrics.ts';

export type SupervisionDashboardProps = {
  /** The timer schedules' (and the status-change rule's) dead-letter queue: timers not delivered. */
  timerDeadLetters: IQueue;
  /** The timer function's on-failure destination: timers delivered, then failed every attempt. */
  timerFailures: IQueue;
  /** The follow-ups function's on-failure destination: a step's follow-up that failed every attempt. */
  followUpFailures: IQueue;
  dashboardName: string;
};

/**
 * Electronic supervision in CloudWatch (F4): a dashboard of department performance from the
 * metrics the use cases emit (shared/domain/metrics.ts), and alarms on red cases and on
 * dead-lettered timers and webhooks, sent to an SNS topic the supervisors subscribe to (the
 * platform's own health alarms, infra/constructs/platform-alarms.ts, go to it too).
 */
export class SupervisionDashboard extends Construct {
  readonly dashboard: Dashboard;
  readonly alerts: Topic;
  /** Encrypts the alerts topic. A key of our own: CloudWatch may not use the AWS managed alias/aws/sns. */
  readonly alertsKey: Key;
  readonly alarms: { redCases: Alarm; escalations: Alarm; deadLetteredWebhooks: Alarm; deadLetteredSms: Alarm; deadLetteredTimers: Alarm; failedTimers: Alarm; failedFollowUps: Alarm };

  constructor(scope: Construct, id: string, props: SupervisionDashboardProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.alertsKey = new Key(this, 'AlertsKey', {
      description: `${stack.stackName}: encrypts the supervision alerts topic; CloudWatch alarms publish to it`,
      enableKeyRotation: true,
      // Nothing lasting is encrypted with it (SNS keeps a message only until it is delivered).
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(30),
    });
    this.alerts = new Topic(this, 'Alerts', {
      displayName: 'Government services: supervision alerts',
      enforceSSL: true,
      masterKey: this.alertsKey,
    });
    // CloudWatch publishes an alarm's notification as its own service principal. It needs the
    // key (SNS encrypts the message with it for the publisher) and, as the topic has a policy of
    // its own (enforceSSL) in place of SNS's default one, a statement letting it publish. Both
    // only for alarms of this account and region, so no one else's alarm can use them.
    const fromOurAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    };
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    this.alertsKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        effect: Effect.ALLOW,
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromOurAlarms,
      }),
    );
    this.alerts.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        effect: Effect.ALLOW,
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.alerts.topicArn],
        conditions: fromOurAlarms,
      }),
    );

    /** Platform-wide: only the `service` dimension (each point is also written so). */
    const total = (name: MetricName, period = Duration.hours(1)) =>
      new Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { service: SERVICE_NAME }, statistic: 'Sum', period });
    /** One line per department, whatever departments exist. */
    const perDepartment = (name: MetricName, stat: string, label: string, period = Duration.days(1)) =>
      new MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},${DEPARTMENT_DIMENSION},service} MetricName="${name}"', '${stat}', ${period.toSeconds()})`,
        label,
        period,
      });
    const alarm = (id: string, description: string, metric: IMetric) => {
      const a = new Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new SnsAction(this.alerts));
      return a;
    };

    this.alarms = {
      redCases: alarm('RedCases', 'A case turned red: its promised limit has passed (红灯警告).', total(METRIC.casesTurnedRed)),
      escalations: alarm('EscalatedSupervisions', 'A department did not answer a supervision (督办) in time; it was escalated.', total(METRIC.supervisionsEscalated)),
      deadLetteredWebhooks: alarm('DeadLetteredWebhooks', 'A webhook to a department failed every attempt and waits for an administrator.', total(METRIC.webhooksDeadLettered)),
      deadLetteredSms: alarm('DeadLetteredSms', 'An SMS to an applicant was refused by SNS on every attempt and waits for an administrator (GET /admin/webhooks/dead-letters lists it with the webhooks).', total(METRIC.smsDeadLettered)),
      deadLetteredTimers: alarm(
        'DeadLetteredTimers',
        'A timer (webhook attempt or case watch) could not be delivered to the timer function.',
        props.timerDeadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      ),
      failedTimers: alarm(
        'FailedTimers',
        'The timer function failed a timer (webhook attempt, sweep, watch or workflow end) on every attempt; it waits in the timer failures queue.',
        props.timerFailures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      ),
      failedFollowUps: alarm(
        'FailedFollowUps',
        'A step’s follow-up (notices, pinned files, first webhook attempts, the workflow, the watch) failed on every attempt from the table’s stream; it waits in the follow-up failures queue (the sweep runs it again).',
        props.followUpFailures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      ),
    };

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName, defaultInterval: Duration.days(30) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: '# 电子监察 Electronic supervision\nPer department, per day. Live figures (cases by light, open supervisions): `GET /admin/supervision`.',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms), width: 24, height: 3 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Cases turning red (红灯)', left: [perDepartment(METRIC.casesTurnedRed, 'Sum', 'red')], width: 12 }),
      new GraphWidget({ title: 'Cases turning yellow (黄灯)', left: [perDepartment(METRIC.casesTurnedYellow, 'Sum', 'yellow')], width: 12 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'On-time rate (decided within the promised limit)',
        left: [perDepartment(METRIC.casesDecidedOnTime, 'Average', 'on-time rate')],
        leftYAxis: { min: 0, max: 1 },
        right: [perDepartment(METRIC.casesDecided, 'Sum', 'decided')],
        width: 12,
      }),
      new GraphWidget({ title: 'Median working days used', left: [perDepartment(METRIC.workingDaysUsed, 'p50', 'median days')], width: 12 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Supervisions (督办) opened and escalated',
        left: [perDepartment(METRIC.supervisionsOpened, 'Sum', 'opened')],
        right: [perDepartment(METRIC.supervisionsEscalated, 'Sum', 'escalated')],
        width: 12,
      }),
      new GraphWidget({
        title: 'Dead letters: webhooks, SMS, timers and follow-ups',
        left: [
          total(METRIC.webhooksDeadLettered, Duration.hours(1)).with({ label: 'webhooks dead-lettered' }),
          total(METRIC.smsDeadLettered, Duration.hours(1)).with({ label: 'SMS dead-lettered' }),
        ],
        right: [
          props.timerDeadLetters.metricApproximateNumberOfMessagesVisible({ label: 'timers in the DLQ' }),
          props.timerFailures.metricApproximateNumberOfMessagesVisible({ label: 'timers failed' }),
          props.followUpFailures.metricApproximateNumberOfMessagesVisible({ label: 'follow-ups failed' }),
        ],
        width: 12,
      }),
    );
  }
}
