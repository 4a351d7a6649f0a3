import { BlockList, isIP } from 'node:net';

/**
 * What the platform sends out (api.md "Out"; G4): a webhook to a department per event, and an SMS
 * to the applicant per step that tells them something. Each is written in the same transaction as
 * the change it reports, then attempted until it is taken (a department's 2xx, the SMS gateway's
 * acceptance) or parked as a dead letter: one outbox, one retry schedule, one sweep for both.
 */
type Attempts = {
  /** Also the Standard Webhooks `webhook-id`, so a department can drop repeats. */
  deliveryId: string;
  occurredAt: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt?: string;
  lastError?: string;
  deliveredAt?: string;
  deadAt?: string;
};

/** A webhook to a department (`channel` is absent on deliveries written before SMS were sent). */
export type WebhookDelivery = Attempts & {
  channel?: 'webhook';
  deptCode: string;
  type: OutboundType;
  data: Record<string, unknown>;
};

/** An SMS to the applicant (G4): `to` is their account (`sub`), `phone` the contact number they filed. */
export type SmsDelivery = Attempts & {
  channel: 'sms';
  to: string;
  phone: string;
  caseId: string;
  /** The template it was made from: the event type it reports (`case.accepted`, …). */
  template: string;
  text: string;
};

export type Delivery = WebhookDelivery | SmsDelivery;

export const isSms = (d: Delivery): d is SmsDelivery => d.channel === 'sms';

export type OutboundType =
  | 'case.submitted'
  | 'case.supplemented'
  | 'case.withdrawn'
  | 'case.assigned'
  | 'case.completed'
  | 'deadline.yellow'
  | 'deadline.red'
  | 'supervision.opened'
  | 'supervision.escalated';

/**
 * Waits after each failed attempt: 8 attempts spread over 27 h 36 min, after which the delivery is
 * parked as a dead letter for an administrator. Locally the same schedule runs compressed.
 */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 5 * 3600_000, 10 * 3600_000, 10 * 3600_000];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** The event body a department receives: `{id, type, occurredAt, data}`. */
export function deliveryBody(d: WebhookDelivery): string {
  return JSON.stringify({ id: d.deliveryId, type: d.type, occurredAt: d.occurredAt, data: d.data });
}

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['::', 128]] as const) PRIVATE.addSubnet(net, bits, 'ipv6');
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * SSRF guard: webhooks never go to private, link-local, multicast or reserved addresses, and to
 * loopback only where the local runtime allows it. Checked on the address actually connected to.
 */
export function refusedAddress(address: string, allowLoopback: boolean): string | undefined {
  const family = isIP(address);
  if (!family) return `${address} is not an IP address`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const mapped = type === 'ipv6' && /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return refusedAddress(mapped, allowLoopback);
  if (LOOPBACK.check(address, type)) return allowLoopback ? undefined : `${address} is a loopback address`;
  if (PRIVATE.check(address, type)) return `${address} is a private, link-local or reserved address`;
  return undefined;
}
