import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname } from 'node:path';
import type { Shipment } from '#shared/ports/outside.ts';

type Booking = Shipment & { reference: string; address: string; recipient: { name: string; phone?: string }; contents: string; bookedAt: string };

/** The carrier's name as the stand-in gives it: it books nothing real. */
export const STAND_IN_CARRIER = '中国邮政EMS（本地模拟）';

/**
 * The carrier's local stand-in, on 127.0.0.1: `POST /shipments` books a shipment (one per
 * Idempotency-Key, the case), kept in one JSON file under DATA_DIR; `GET /shipments` lists them.
 */
export async function startCarrierStandIn(file: string): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const read = (): Booking[] => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { shipments: Booking[] }).shipments : []);
  const write = (shipments: Booking[]) => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, `${JSON.stringify({ shipments }, null, 2)}\n`, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  };
  const server = createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== '/shipments') return answer(404, { detail: 'no such resource' });
    if (req.method === 'GET') return answer(200, { shipments: read() });
    if (req.method !== 'POST') return answer(405, { detail: 'method not allowed' });
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const reference = req.headers['idempotency-key'];
      let order: Omit<Booking, keyof Shipment | 'bookedAt'> | undefined;
      try {
        order = JSON.parse(raw) as typeof order;
      } catch {
        order = undefined;
      }
      if (typeof reference !== 'string' || !order?.address || order.reference !== reference) return answer(400, { detail: 'an order with its reference as Idempotency-Key' });
      const all = read();
      const booked = all.find((b) => b.reference === reference);
      if (booked) return answer(200, { carrier: booked.carrier, trackingNo: booked.trackingNo, status: booked.status });
      const trackingNo = `EA${String(100000000 + all.length).padStart(9, '0')}CN`;
      write([...all, { ...order, carrier: STAND_IN_CARRIER, trackingNo, status: 'booked', bookedAt: new Date().toISOString() }]);
      return answer(201, { carrier: STAND_IN_CARRIER, trackingNo, status: 'booked' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
