import * as z from 'zod';
import { LogisticsUnavailable } from '../../errors.ts';
import type { Logistics, Shipment } from '../../ports/outside.ts';
import { boundedJson, callOutside } from './answers.ts';

const Booked = z.object({ carrier: z.string().min(1).max(60), trackingNo: z.string().min(1).max(40), status: z.enum(['booked', 'in_transit', 'delivered']) });
const TIMEOUT_MS = 5_000;

/**
 * The carrier over HTTP (G4), at a configured endpoint — in AWS the contracted carrier's, locally
 * the loopback stand-in (infra/local/carrier.ts): `POST {endpoint}/shipments` with the order and
 * `Idempotency-Key: <reference>` answers 200 or 201 `{carrier, trackingNo, status}`, the same
 * shipment for the same reference. Anything else is LogisticsUnavailable (the follow-up runs again).
 */
export class HttpLogistics implements Logistics {
  constructor(private readonly endpoint: string) {}

  async ship(order: Parameters<Logistics['ship']>[0]): Promise<Shipment> {
    const res = await callOutside(
      this.endpoint,
      '/shipments',
      { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': order.reference }, body: JSON.stringify(order) },
      { timeoutMs: TIMEOUT_MS, unavailable: (why) => new LogisticsUnavailable(`the carrier ${why}`) },
    );
    const body = res.ok ? Booked.safeParse(await boundedJson(res, 16 * 1024)) : (await res.body?.cancel(), undefined);
    if (!body?.success) throw new LogisticsUnavailable(`the carrier answered ${res.status} without a shipment`);
    return body.data;
  }
}
