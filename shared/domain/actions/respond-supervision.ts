import * as z from 'zod';
import { Conflict, RuleViolation } from '../../errors.ts';
import { CASE_STATUSES } from '../case-statuses.ts';
import { defineAction, openSupervision } from './define.ts';

export type RespondSupervisionCommand = { type: 'respond_supervision'; supervisionId: string; explanation: string };

/** The supervised department answers (in time, or late: both are recorded). */
export const respondSupervision = defineAction<RespondSupervisionCommand>()({
  command: 'respond_supervision',
  event: 'case.supervision_answered',
  from: CASE_STATUSES,
  by: 'department',
  who: 'any',
  inbound: {
    type: 'supervision.respond',
    data: { supervisionId: z.string().min(1).max(80), explanation: z.string().trim().min(2).max(2000) },
    roles: ['approver'],
    command: (d) => ({ type: 'respond_supervision', supervisionId: d.supervisionId, explanation: d.explanation }),
  },
  check: (record, command, actor) => {
    const s = openSupervision(record, command.supervisionId);
    if (!s || s.deptCode !== actor.id) throw new Conflict(`no open supervision ${command.supervisionId} for ${actor.id} on this case`);
    if (!command.explanation.trim()) throw new RuleViolation('an explanation cannot be empty', [{ path: 'data.explanation', message: 'answer the supervision' }]);
  },
  apply: (record, command, _actor, at) => ({
    supervisions: (record.supervisions ?? []).map((s) =>
      s.supervisionId === command.supervisionId ? { ...s, status: 'answered' as const, answer: { at, explanation: command.explanation, late: at.slice(0, 10) > s.respondBy } } : s,
    ),
  }),
  toApplicant: true,
});
