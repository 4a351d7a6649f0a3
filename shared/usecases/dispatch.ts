import { findItem } from '../catalog/index.ts';
import { decide } from '../domain/decide.ts';
import { NotFound } from '../errors.ts';
import { logCaseChange } from '../log.ts';
import { toShanghaiIso } from '../time.ts';
import { deliveriesFor, enqueue } from './deliveries.ts';
import type { Deps } from './deps.ts';
import { followUpOf } from './follow-ups.ts';
import { contactPhone } from './notifications.ts';
import { retrying } from './retry.ts';

/** Mailing a result: the case, the carrier, case time. */
export type DispatchDeps = Pick<Deps, 'cases' | 'logistics' | 'clock'>;

const system = { kind: 'system' as const, id: 'workflow' as const };

/**
 * G4: a completed case whose result is to be mailed is booked with the carrier, and the shipment
 * (carrier, tracking number, status) goes on the case with its event and the applicant's SMS, in
 * one transaction. Run by the completion's follow-up; run again, it finds the tracking number on
 * the case (or the carrier answers the shipment booked for the case) and books nothing twice.
 */
export async function dispatchResult(deps: DispatchDeps, caseId: string): Promise<void> {
  await retrying(async () => {
    const record = await deps.cases.get(caseId);
    if (!record) throw new NotFound(`no case ${caseId}`);
    if (record.status !== 'completed' || record.delivery?.method !== 'mail' || record.delivery.trackingNo) return;
    const item = findItem(record.serviceItem.code);
    const phone = contactPhone(record);
    const shipment = await deps.logistics.ship({
      reference: caseId,
      recipient: { name: record.applicant.name, ...(phone ? { phone } : {}) },
      address: record.delivery.address ?? '',
      contents: `${item?.result.name ?? record.serviceItem.name}（监督码 ${record.supervisionCode}）`,
    });
    const { record: next, event } = decide(record, { type: 'dispatch', ...shipment }, system, toShanghaiIso(deps.clock.now()));
    const deliveries = deliveriesFor(deps, next, event);
    await deps.cases.commit({
      record: next,
      event,
      expectedVersion: record.version,
      companions: [...enqueue(deliveries), followUpOf(deps, { caseId, version: next.version, deliveries: deliveries.map((d) => d.deliveryId) })],
    });
    logCaseChange(event);
  });
}
