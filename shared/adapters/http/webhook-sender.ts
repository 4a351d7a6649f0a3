import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { refusedAddress } from '../../domain/delivery.ts';
import type { WebhookSender } from '../../ports/outside.ts';
import { nodeHttp } from '../provided.ts';

// Not `import … from 'node:http'`, which loads undici at every cold start (see provided.ts).
const { request: httpRequest } = nodeHttp();

const TIMEOUT_MS = 10_000;

/**
 * Posts webhooks with Node's own HTTP client. The SSRF check runs inside the DNS lookup the
 * connection uses, so what is checked is exactly what is connected to (no DNS-rebinding gap).
 */
export class HttpWebhookSender implements WebhookSender {
  constructor(private readonly opts: { allowLoopback: boolean }) {}

  post(url: string, headers: Record<string, string>, body: string): Promise<{ ok: boolean; status?: number; error?: string }> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.resolve({ ok: false, error: 'the webhook URL is not a URL' });
    }
    const secure = target.protocol === 'https:';
    if (!secure && !(this.opts.allowLoopback && target.protocol === 'http:')) {
      return Promise.resolve({ ok: false, error: 'webhooks go over https only' });
    }
    const guarded: LookupFunction = (hostname, options, callback) => {
      dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) return callback(err, '', 0);
        const list = addresses as unknown as LookupAddress[];
        const refused = list.map((a) => refusedAddress(a.address, this.opts.allowLoopback)).find(Boolean);
        if (refused) return callback(Object.assign(new Error(`refused: ${refused}`), { code: 'ESSRF' }), '', 0);
        if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
        callback(null, list[0]!.address, list[0]!.family);
      });
    };
    const literal = refusedAddress(target.hostname.replace(/^\[|\]$/g, ''), this.opts.allowLoopback);
    if (literal && !literal.endsWith('is not an IP address')) return Promise.resolve({ ok: false, error: `refused: ${literal}` });
    return new Promise((resolve) => {
      const req = (secure ? httpsRequest : httpRequest)(
        target,
        { method: 'POST', lookup: guarded, timeout: TIMEOUT_MS, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
        (res) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            resolve(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status, error: `HTTP ${status}` });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
      req.on('error', (err) => resolve({ ok: false, error: err.message }));
      req.end(body);
    });
  }
}
