import * as z from 'zod';
import { Conflict } from '../../errors.ts';
import { defineAction } from './define.ts';

export type OpinionCommand = { type: 'opinion'; opinion: 'agree' | 'disagree'; note?: string };

/** E3: a co-department's opinion in joint processing, once. */
export const opinion = defineAction<OpinionCommand>()({
  command: 'opinion',
  event: 'case.opinion_given',
  from: ['accepted'],
  by: 'department',
  who: 'co',
  inbound: {
    type: 'case.opinion',
    data: { opinion: z.enum(['agree', 'disagree']) },
    roles: ['reviewer', 'approver'],
    command: (d, note) => ({ type: 'opinion', opinion: d.opinion, ...(note ? { note } : {}) }),
  },
  check: (record, _command, actor) => {
    const given = record.opinions[actor.id];
    if (given) throw new Conflict(`${actor.id} already gave its opinion on ${given.at}`);
  },
  apply: (record, command, actor, at) => ({
    opinions: { ...record.opinions, [actor.id]: { opinion: command.opinion, ...(command.note ? { note: command.note } : {}), at } },
  }),
  toApplicant: true,
});
