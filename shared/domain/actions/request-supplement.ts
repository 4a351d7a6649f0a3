import * as z from 'zod';
import { Conflict } from '../../errors.ts';
import type { SupplementItem } from '../case.ts';
import { brief, defineAction, MAX_SUPPLEMENT_REQUESTS } from './define.ts';

export type RequestSupplementCommand = { type: 'request_supplement'; items: SupplementItem[] };

/** 一次性告知 (D2): one notice listing everything to fix; one follow-up about newly supplied materials only. */
export const requestSupplement = defineAction<RequestSupplementCommand>()({
  command: 'request_supplement',
  event: 'case.supplement_requested',
  from: ['submitted'],
  to: 'awaiting_supplement',
  by: 'department',
  who: 'lead',
  inbound: {
    type: 'case.request_supplement',
    data: {
      items: z
        .array(z.object({ materialId: z.string().min(1).max(80), reason: z.string().trim().min(2).max(500) }).strict())
        .min(1, 'list every material to fix')
        .max(50),
    },
    roles: ['reviewer'],
    command: (d) => ({ type: 'request_supplement', items: d.items }),
  },
  check: (record, command) => {
    // D2: the notice lists everything at once. Only materials newly supplied in answer to the
    // previous notice may be asked about again.
    const previous = record.supplementRequests.at(-1);
    if (!previous) return;
    if (record.supplementRequests.length >= MAX_SUPPLEMENT_REQUESTS) {
      throw new Conflict(
        `the one-time notice (一次性告知) of ${record.supplementRequests[0]!.at} and its one follow-up of ${previous.at} were given; no further request for materials is allowed`,
      );
    }
    const newly = new Set(previous.answer?.materialIds ?? []);
    const others = command.items.filter((i) => !newly.has(i.materialId)).map((i) => i.materialId);
    if (others.length) {
      throw new Conflict(
        `the one-time notice (一次性告知) was already given on ${previous.at}; a further request may only concern materials newly supplied in answer to it, not ${others.join(', ')}`,
      );
    }
  },
  apply: (record, command, actor, at) => ({
    supplementRequests: [...record.supplementRequests, { requestedBy: actor.id, at, items: command.items, followUp: record.supplementRequests.length > 0 }],
  }),
  toApplicant: true,
  sms: (data, { materialName }) => `需补齐补正材料：${brief(data.items.map((i) => materialName(i.materialId)).join('、'))}，请通过网上办事平台一次性补齐补正`,
  notice: (command, { filed, contact, materialName }) => ({
    kind: 'supplement_notice',
    paragraphs: [`${filed}，经审查，申请材料不齐全或者不符合法定形式。现一次性告知你（单位）需要补齐补正的全部材料如下：`],
    items: command.items.map((i) => `${materialName(i.materialId)}：${i.reason}`),
    closing: `请通过网上办事平台一次性补齐补正上述材料，补齐补正后由本机关在承诺时限内审查。${contact}`,
  }),
});
