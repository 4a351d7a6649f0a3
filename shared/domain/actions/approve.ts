import * as z from 'zod';
import { Conflict } from '../../errors.ts';
import { CertificateSummary } from '../../schemas/fields.ts';
import type { CaseRecord } from '../case.ts';
import { METRIC, type MetricPoint } from '../metrics.ts';
import { defineAction } from './define.ts';

export type ApproveCommand = { type: 'approve'; certificate?: { summary: Record<string, unknown> } };

/** Co-departments still to give their opinion while the case is under review. */
export function pendingOpinions(record: CaseRecord): string[] {
  return record.status === 'accepted' ? record.coDepartments.filter((d) => !record.opinions[d]) : [];
}

/** F4: a decision counts for the lead department, with the working days it took. */
export const decisionMetrics = (record: CaseRecord): MetricPoint[] =>
  record.outcome
    ? [
        { name: METRIC.casesDecided, value: 1, department: record.leadDepartment },
        { name: METRIC.casesDecidedOnTime, value: record.outcome.onTime ? 1 : 0, department: record.leadDepartment },
        { name: METRIC.workingDaysUsed, value: record.outcome.usedWorkingDays, department: record.leadDepartment },
      ]
    : [];

/** 准予许可: the workflow then issues the certificate, with the summary the department gives. */
export const approve = defineAction<ApproveCommand>()({
  command: 'approve',
  event: 'case.approved',
  from: ['accepted'],
  to: 'approved',
  by: 'department',
  who: 'lead',
  inbound: {
    type: 'case.approve',
    data: { certificate: z.object({ summary: CertificateSummary }).strict().optional() },
    roles: ['approver'],
    command: (d) => ({ type: 'approve', ...(d.certificate ? { certificate: d.certificate } : {}) }),
  },
  check: (record) => {
    const pending = pendingOpinions(record);
    if (pending.length) throw new Conflict(`waiting for the opinions of ${pending.join(', ')} before a decision`);
  },
  sms: (_data, { result }) => `已审查通过，${result}正在制发`,
  metrics: decisionMetrics,
});
