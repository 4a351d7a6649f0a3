/**
 * Department performance as CloudWatch metrics (F4). The names are defined once: the use cases
 * emit them (Powertools EMF), the CDK dashboard and alarms read them.
 */
export const METRICS_NAMESPACE = 'GovServices';
/** The service name: Powertools' `service` dimension on every metric and in every log line. */
export const SERVICE_NAME = 'yiwangtongban';
/** Each point is emitted per department and once more platform-wide (only `service`), which the alarms watch. */
export const DEPARTMENT_DIMENSION = 'department';
export const METRIC = {
  casesTurnedYellow: 'CasesTurnedYellow',
  casesTurnedRed: 'CasesTurnedRed',
  casesDecided: 'CasesDecided',
  casesDecidedOnTime: 'CasesDecidedOnTime',
  workingDaysUsed: 'WorkingDaysUsed',
  supervisionsOpened: 'SupervisionsOpened',
  supervisionsEscalated: 'SupervisionsEscalated',
  webhooksDeadLettered: 'WebhooksDeadLettered',
  /** An SMS to an applicant the gateway refused on every attempt (platform-wide). */
  smsDeadLettered: 'SmsDeadLettered',
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** One data point; `department` is its dimension (absent for platform-wide figures). */
export type MetricPoint = { name: MetricName; value: number; department?: string };
