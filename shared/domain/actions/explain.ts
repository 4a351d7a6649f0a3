import * as z from 'zod';
import { RuleViolation } from '../../errors.ts';
import { defineAction } from './define.ts';

export type ExplainCommand = { type: 'explain'; explanation: string };

/** F3: a department explains a late case before a supervision is opened. */
export const explain = defineAction<ExplainCommand>()({
  command: 'explain',
  event: 'case.delay_explained',
  from: ['submitted', 'accepted', 'suspended'],
  by: 'department',
  who: 'any',
  inbound: { type: 'case.explain', data: { explanation: z.string().trim().min(2).max(2000) }, roles: ['approver'], command: (d) => ({ type: 'explain', explanation: d.explanation }) },
  check: (_record, command) => {
    if (!command.explanation.trim()) throw new RuleViolation('an explanation cannot be empty', [{ path: 'data.explanation', message: 'say why the case is late' }]);
  },
  toApplicant: true,
});
