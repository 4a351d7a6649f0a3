import { Conflict } from '../../errors.ts';
import type { Shipment } from '../../ports/outside.ts';
import { defineAction } from './define.ts';

export type DispatchCommand = { type: 'dispatch' } & Shipment;

/** G4: the paper result is mailed — the carrier booked, its tracking number on the case; the applicant is told. */
export const dispatch = defineAction<DispatchCommand>()({
  command: 'dispatch',
  event: 'case.dispatched',
  from: ['completed'],
  by: 'system',
  check: (record) => {
    if (record.delivery?.method !== 'mail') throw new Conflict(`case ${record.caseId} is not to be mailed`);
  },
  apply: (record, command, _actor, at) => ({
    delivery: { ...record.delivery!, carrier: command.carrier, trackingNo: command.trackingNo, status: command.status, dispatchedAt: at },
  }),
  toApplicant: true,
  sms: (data) => `的纸质证照已通过${data.carrier}寄出，运单号${data.trackingNo}`,
});
