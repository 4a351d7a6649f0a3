import { Webhook } from 'standardwebhooks';
import { openableMaterials, type AuditEvent, type CaseRecord } from '../domain/case.ts';
import { outboundFor } from '../domain/actions/index.ts';
import { deliveryBody, isSms, MAX_ATTEMPTS, RETRY_DELAYS_MS, type Delivery, type WebhookDelivery } from '../domain/delivery.ts';
import { METRIC } from '../domain/metrics.ts';
import { Conflict, NotFound } from '../errors.ts';
import type { Principal } from '../domain/principal.ts';
import { newId } from '../ids.ts';
import type { Companion } from '../ports/cases.ts';
import { toShanghaiIso } from '../time.ts';
import { requireAdmin } from './access.ts';
import type { Deps } from './deps.ts';
import { activeSecrets, loadDepartment } from './departments.ts';
import { logger } from '../log.ts';
import { maskPhone, smsFor } from './notifications.ts';

const timerName = (d: Pick<Delivery, 'deliveryId'>, attempt: number) => `deliver-${d.deliveryId}-${attempt}`;

/** The deliveries a step causes — its webhooks and the applicant's SMS — to be written in the step's own transaction. */
export function deliveriesFor(deps: Pick<Deps, 'clock'>, record: CaseRecord, event: AuditEvent): Delivery[] {
  return [...webhooksFor(deps, record, event), ...smsFor(deps, record, event)];
}

function webhooksFor(deps: Pick<Deps, 'clock'>, record: CaseRecord, event: AuditEvent): WebhookDelivery[] {
  return outboundFor(record, event).map(({ deptCode, type }) => ({
    deliveryId: `msg_${newId(deps.clock.now())}`,
    deptCode,
    type,
    occurredAt: event.at,
    data: {
      caseId: record.caseId,
      supervisionCode: record.supervisionCode,
      serviceItem: { code: record.serviceItem.code, name: record.serviceItem.name },
      status: record.status,
      ...(type === 'case.assigned' ? { leadDepartment: record.leadDepartment, role: 'co-department' } : {}),
      // What the department works on (E1, E3): each material's digest; the file itself by material.link.
      ...(type === 'case.submitted' || type === 'case.assigned' || type === 'case.supplemented' ? { materials: openableMaterials(record) } : {}),
      // G5 抄告: the certificates' public fields (the holder masked), as anyone verifying them sees them.
      ...(event.type === 'case.completed' && event.data ? { certificates: event.data.certificates } : {}),
      // C4: what the shared records contradict, for the department to verify.
      ...((type === 'case.submitted' || type === 'case.assigned') && record.dataMismatches?.length ? { dataMismatches: record.dataMismatches } : {}),
      // deadline.*: {deptCode, stage, light, since, due, remainingWorkingDays}; supervision.opened: {supervisionId, deptCode, stage, respondBy};
      // supervision.escalated: {supervisionId, respondBy} (the new date to answer by), and its stage.
      // `stage` says which clock: "acceptance" (受理时限) or "processing" (办理时限).
      ...(type.startsWith('deadline.') || type.startsWith('supervision.') ? event.data : {}),
      ...(event.type === 'case.supervision_escalated'
        ? { stage: record.supervisions?.find((s) => s.supervisionId === event.data?.supervisionId)?.stage ?? 'processing' }
        : {}),
    },
    status: 'pending',
    attempts: 0,
    nextAttemptAt: event.at,
  }));
}

export const enqueue = (deliveries: Delivery[]): Companion[] => deliveries.map((delivery) => ({ kind: 'enqueueDelivery', delivery }));

/** After the step committed: the first attempt of each, as soon as possible. */
export async function scheduleFirstAttempts(deps: Pick<Deps, 'scheduler' | 'clock'>, deliveries: Delivery[]): Promise<void> {
  await Promise.all(deliveries.map((d) => deps.scheduler.schedule(timerName(d, 1), deps.clock.now(), { task: 'deliver', deliveryId: d.deliveryId })));
}

/** One attempt: the delivery, its department's URL and secret, the sender (or the SMS gateway), and the next attempt's timer. */
export type DeliveryDeps = Pick<Deps, 'departments' | 'deliveries' | 'scheduler' | 'sender' | 'notifier' | 'retryTimeScale' | 'clock' | 'realClock' | 'metrics'>;

/** A webhook signed with the department's current secret and POSTed. */
async function postWebhook(deps: DeliveryDeps, d: WebhookDelivery, realNow: Date): Promise<{ ok: boolean; error?: string }> {
  const found = await loadDepartment(deps, d.deptCode);
  const secret = found ? activeSecrets(found.dept, realNow)[0] : undefined;
  if (!found?.dept.webhookUrl) return { ok: false, error: `department ${d.deptCode} has no webhook URL` };
  if (!secret) return { ok: false, error: `department ${d.deptCode} has no webhook secret` };
  const body = deliveryBody(d);
  const headers = {
    'webhook-id': d.deliveryId,
    'webhook-timestamp': String(Math.floor(realNow.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(d.deliveryId, realNow, body),
  };
  return deps.sender.post(found.dept.webhookUrl, headers, body);
}

/** What the log says of a delivery. */
const described = (d: Delivery) =>
  isSms(d) ? { deliveryId: d.deliveryId, channel: 'sms', template: d.template, caseId: d.caseId } : { deliveryId: d.deliveryId, type: d.type, deptCode: d.deptCode, caseId: d.data.caseId };

/**
 * One attempt: a webhook POSTed, signed, or an SMS handed to the gateway. 2xx (the gateway taking
 * it) delivers; otherwise the next attempt is scheduled with back-off, and after the last the
 * delivery is parked as a dead letter. A timer that fires twice finds the attempt already
 * recorded and changes nothing.
 */
export async function attemptDelivery(deps: DeliveryDeps, deliveryId: string, opts: { firstOnly?: boolean } = {}): Promise<Delivery | undefined> {
  const d = await deps.deliveries.getDelivery(deliveryId);
  // A step's follow-up makes the first attempt; run again, it leaves the series to its timers.
  if (!d || d.status !== 'pending' || (opts.firstOnly && d.attempts > 0)) return d;
  const result = isSms(d)
    ? await deps.notifier.send({ id: d.deliveryId, to: d.to, phone: d.phone, caseId: d.caseId, template: d.template, text: d.text })
    : await postWebhook(deps, d, deps.realClock.now());
  const now = deps.clock.now();
  const attempts = d.attempts + 1;
  const { nextAttemptAt: _n, lastError: _e, ...rest } = d;
  let next: Delivery;
  if (result.ok) next = { ...rest, attempts, status: 'delivered', deliveredAt: toShanghaiIso(now) };
  else if (attempts >= MAX_ATTEMPTS) next = { ...rest, attempts, status: 'dead', deadAt: toShanghaiIso(now), lastError: result.error ?? 'failed' };
  else {
    const at = new Date(now.getTime() + RETRY_DELAYS_MS[attempts - 1]! * deps.retryTimeScale);
    next = { ...rest, attempts, nextAttemptAt: toShanghaiIso(at), lastError: result.error ?? 'failed' };
  }
  if (!(await deps.deliveries.recordAttempt(next, d.attempts))) return deps.deliveries.getDelivery(deliveryId);
  const said = { ...described(next), attempts, ...(next.lastError ? { error: next.lastError } : {}) };
  const what = isSms(next) ? 'sms' : 'webhook';
  if (next.status === 'pending') logger.info(`${what} attempt failed; retrying`, { ...said, nextAttemptAt: next.nextAttemptAt });
  else if (next.status === 'dead') logger.warn(`${what} dead-lettered`, said);
  else logger.info(`${what} delivered`, said);
  if (next.status === 'dead') deps.metrics.emit([isSms(next) ? { name: METRIC.smsDeadLettered, value: 1 } : { name: METRIC.webhooksDeadLettered, value: 1, department: next.deptCode }]);
  if (next.status === 'pending') await deps.scheduler.schedule(timerName(next, attempts + 1), new Date(next.nextAttemptAt!), { task: 'deliver', deliveryId });
  return next;
}

/** How long past its due time a pending attempt counts as lost (its timer never came). */
const LOST_AFTER_MS = 10 * 60_000;

/**
 * Nothing lost: a delivery whose timer was never set (the process died between the commit and the
 * scheduling) or never fired is found by its due time and scheduled again. Timer names are per
 * attempt, so a timer that does exist is not doubled.
 */
export async function sweepDeliveries(deps: Pick<Deps, 'deliveries' | 'scheduler' | 'retryTimeScale' | 'clock'>): Promise<{ rescheduled: number }> {
  const before = new Date(deps.clock.now().getTime() - LOST_AFTER_MS * deps.retryTimeScale).toISOString();
  const lost = await deps.deliveries.listOverdueDeliveries(before, 100);
  await Promise.all(lost.map((d) => deps.scheduler.schedule(timerName(d, d.attempts + 1), deps.clock.now(), { task: 'deliver', deliveryId: d.deliveryId })));
  return { rescheduled: lost.length };
}

const view = (d: Delivery) => {
  if (!isSms(d)) return { ...d, channel: 'webhook' as const };
  const { phone, ...rest } = d;
  return { ...rest, phoneMasked: maskPhone(phone) };
};

export async function listDeadLetters(deps: Pick<Deps, 'deliveries'>, principal: Principal | undefined, query: { limit: number; cursor?: string }) {
  requireAdmin(principal);
  const page = await deps.deliveries.listDeadLetters(query.limit, query.cursor);
  return { items: page.items.map(view), nextCursor: page.nextCursor };
}

/** Parks a dead letter back on the line: a new series of attempts, starting now. */
export async function redeliver(deps: Pick<Deps, 'deliveries' | 'scheduler' | 'clock'>, principal: Principal | undefined, deliveryId: string) {
  requireAdmin(principal);
  const d = await deps.deliveries.getDelivery(deliveryId);
  if (!d) throw new NotFound(`no delivery ${deliveryId}`);
  if (d.status !== 'dead') throw new Conflict(`delivery ${deliveryId} is ${d.status}, not a dead letter`);
  const { deadAt: _d, ...rest } = d;
  const next: Delivery = { ...rest, status: 'pending', attempts: 0, nextAttemptAt: toShanghaiIso(deps.clock.now()) };
  if (!(await deps.deliveries.recordAttempt(next, d.attempts))) throw new Conflict(`delivery ${deliveryId} changed meanwhile`);
  await scheduleFirstAttempts(deps, [next]);
  return view(next);
}
