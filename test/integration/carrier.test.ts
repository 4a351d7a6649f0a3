import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpLogistics } from '#shared/adapters/http/logistics.ts';
import { LogisticsUnavailable } from '#shared/errors.ts';
import { startCarrierStandIn, STAND_IN_CARRIER } from '../../infra/local/carrier.ts';

const dir = mkdtempSync(join(tmpdir(), 'ywtb-carrier-'));
const order = (reference: string) => ({ reference, recipient: { name: '陈美玲', phone: '13805918877' }, address: '福州市鼓楼区南后街 26 号', contents: '营业执照（个体工商户）' });

describe('G4 the carrier over HTTP (the adapter against the local stand-in)', () => {
  let standIn: Awaited<ReturnType<typeof startCarrierStandIn>>;
  beforeAll(async () => {
    standIn = await startCarrierStandIn(join(dir, 'shipments.json'));
  });
  afterAll(async () => {
    await standIn.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('books a shipment once per case: asked again, it answers the one booked', async () => {
    const carrier = new HttpLogistics(standIn.endpoint);
    const first = await carrier.ship(order('01CASE1'));
    expect(first).toEqual({ carrier: STAND_IN_CARRIER, trackingNo: expect.stringMatching(/^EA\d{9}CN$/), status: 'booked' });
    expect(await carrier.ship(order('01CASE1'))).toEqual(first);
    expect((await carrier.ship(order('01CASE2'))).trackingNo).not.toBe(first.trackingNo);
    const kept = JSON.parse(readFileSync(join(dir, 'shipments.json'), 'utf8')) as { shipments: unknown[] };
    expect(kept.shipments).toHaveLength(2);
  });

  it('is unavailable when the carrier is down or answers without a shipment', async () => {
    const failing = createServer((_req, res) => res.writeHead(503).end());
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(failing.address() as { port: number }).port}`;
    await expect(new HttpLogistics(url).ship(order('01CASE3'))).rejects.toBeInstanceOf(LogisticsUnavailable);
    await new Promise<void>((resolve) => failing.close(() => resolve()));
    await expect(new HttpLogistics(url).ship(order('01CASE3'))).rejects.toBeInstanceOf(LogisticsUnavailable);
  });
});
