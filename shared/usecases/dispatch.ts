import { findItem } from '../catalog/index.ts';
import { NotFound } from '../errors.ts';
import { toShanghaiIso } from '../time.ts';
import type { Deps } from './deps.ts';
import { contactPhone } from './notifications.ts';
import { retrying } from './retry.ts';
import { commitSystemStep } from './case-actions.ts';

/** Mailing a result: the case, the carrier, case time. */
export type DispatchDeps = Pick<Deps, 'cases' | 'logistics' | 'clock'>;

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
    await commitSystemStep(deps, record, { type: 'dispatch', ...shipment }, toShanghaiIso(deps.clock.now()));
  });
}
