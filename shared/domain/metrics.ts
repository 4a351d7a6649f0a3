import type { AuditEvent, CaseRecord } from './case.ts';

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
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** One data point; `department` is its dimension (absent for platform-wide figures). */
export type MetricPoint = { name: MetricName; value: number; department?: string };

/** The data points a step of a case yields. */
export function metricsFor(record: CaseRecord, event: AuditEvent): MetricPoint[] {
  const data = event.data ?? {};
  const dept = String(data.deptCode ?? record.leadDepartment);
  switch (event.type) {
    case 'case.light_changed':
      if (data.light === 'yellow') return [{ name: METRIC.casesTurnedYellow, value: 1, department: dept }];
      if (data.light === 'red') return [{ name: METRIC.casesTurnedRed, value: 1, department: dept }];
      return [];
    case 'case.supervision_opened':
      return [{ name: METRIC.supervisionsOpened, value: 1, department: dept }];
    case 'case.supervision_escalated': {
      const s = record.supervisions?.find((x) => x.supervisionId === data.supervisionId);
      return [{ name: METRIC.supervisionsEscalated, value: 1, department: s?.deptCode ?? dept }];
    }
    case 'case.approved':
    case 'case.denied':
      if (!record.outcome) return [];
      return [
        { name: METRIC.casesDecided, value: 1, department: dept },
        { name: METRIC.casesDecidedOnTime, value: record.outcome.onTime ? 1 : 0, department: dept },
        { name: METRIC.workingDaysUsed, value: record.outcome.usedWorkingDays, department: dept },
      ];
    default:
      return [];
  }
}
