import { Conflict } from '../../errors.ts';
import { CASE_STATUSES } from '../case-statuses.ts';
import { METRIC } from '../metrics.ts';
import { defineAction, openSupervision } from './define.ts';

export type EscalateSupervisionCommand = { type: 'escalate_supervision'; supervisionId: string; respondBy: string };

/** An unanswered supervision escalates once (level 2), with a new date to answer by. */
export const escalateSupervision = defineAction<EscalateSupervisionCommand>()({
  command: 'escalate_supervision',
  event: 'case.supervision_escalated',
  from: CASE_STATUSES,
  by: 'system',
  check: (record, command) => {
    const s = openSupervision(record, command.supervisionId);
    if (!s || s.level !== 1) throw new Conflict(`supervision ${command.supervisionId} cannot be escalated`);
  },
  apply: (record, command, _actor, at) => ({
    supervisions: (record.supervisions ?? []).map((s) =>
      s.supervisionId === command.supervisionId ? { ...s, level: 2 as const, escalatedOn: at.slice(0, 10), respondBy: command.respondBy } : s,
    ),
  }),
  toApplicant: true,
  outbound: (record, { data }) => {
    const s = record.supervisions?.find((x) => x.supervisionId === data.supervisionId);
    return s ? [{ deptCode: s.deptCode, type: 'supervision.escalated' }] : [];
  },
  metrics: (record, data) => {
    const s = record.supervisions?.find((x) => x.supervisionId === data.supervisionId);
    return [{ name: METRIC.supervisionsEscalated, value: 1, department: s?.deptCode ?? record.leadDepartment }];
  },
});
