import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type Route } from '#shared/http/routes.ts';
import { freePort } from '../../infra/local/ports.ts';
import { startPlatform, type Platform } from '../support/platform.ts';
import { Contract } from '../support/contract.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'ywtb-hostile-'));
let platform: Platform;
let contract: Contract;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  platform = await startPlatform({ PORT: String(await freePort()), DATA_DIR: dataDir });
  contract = await Contract.from(platform.url);
  const issue = async (claims: Record<string, unknown>) =>
    ((await (await fetch(`${platform.url}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(claims) })).json()) as { token: string }).token;
  tokens.citizen = await issue({ sub: 'u-hostile', name: '测试', subjectType: 'person', authLevel: 2 });
  tokens.staff = await issue({ sub: 's-hostile', name: '审查', dept: 'fz-scjg', roles: ['reviewer', 'approver'] });
  tokens.admin = await issue({ sub: 'a-hostile', name: '管理员', roles: ['admin'] });
});

afterAll(async () => {
  if (platform?.proc.exitCode === null) {
    platform.proc.kill('SIGTERM');
    await platform.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** What a hostile client might put in a path segment: anything, percent-encoded or raw. */
const segment = fc.oneof(
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom('%', '%E0%A4%A', '%00', '..', '%2e%2e%2f', 'a'.repeat(3000), '01M8SQG176VRCGGKFPHQE99XVJ', 'fz-scjg', 'individual-business-registration'),
);
/** JSON of any shape, plus things that are not JSON at all. */
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{"serviceItemCode":', '[]', 'null', '{"type":"case.accept","caseId":"01M8SQG176VRCGGKFPHQE99XVJ","data":{}}', `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`),
  fc.record({ type: fc.string(), caseId: fc.string(), data: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })) }).map((v) => JSON.stringify(v)),
);
const query = fc.dictionary(fc.constantFrom('limit', 'cursor', 'status', 'light', 'q', 'x'), fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('-1', '1e9', '%', 'red', 'accepted')), { maxKeys: 3 });
const auth = fc.constantFrom<'none' | 'citizen' | 'staff' | 'admin' | 'garbage'>('none', 'citizen', 'staff', 'admin', 'garbage');
const webhookHeaders = fc.record({
  'webhook-id': fc.oneof(fc.string({ maxLength: 20 }), fc.constant('x'.repeat(3000))),
  'webhook-timestamp': fc.oneof(fc.constant(String(Math.floor(Date.now() / 1000))), fc.string({ maxLength: 12 })),
  'webhook-signature': fc.oneof(fc.string({ maxLength: 40 }), fc.constant('v1,AAAA')),
});

async function send(route: Route, input: { segments: string[]; query: Record<string, string>; body: string; auth: string; contentType: string; hook: Record<string, string>; idem?: string }) {
  let i = 0;
  const path = route.path.replace(/\{\w+\}/g, () => input.segments[i++ % input.segments.length] ?? 'x');
  const qs = new URLSearchParams(input.query).toString();
  const headers: Record<string, string> = { 'content-type': input.contentType };
  if (input.auth === 'garbage') headers.authorization = 'Bearer not.a.jwt';
  else if (input.auth !== 'none') headers.authorization = `Bearer ${tokens[input.auth]}`;
  if (route.auth === 'webhook') Object.assign(headers, input.hook);
  if (input.idem !== undefined) headers['idempotency-key'] = input.idem;
  const res = await fetch(`${platform.url}${path}${qs ? `?${qs}` : ''}`, {
    method: route.method,
    headers,
    ...(route.method === 'GET' ? {} : { body: input.body }),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text };
}

describe('I1 hostile input through the local gateway: never a 5xx, always problem+json, nothing changed', () => {
  it('answers every route below 500, with problem+json from 400 up, for any path, query, body and headers', async () => {
    const before = await snapshot();
    const accepted: string[] = [];
    for (const route of ROUTES.filter((r) => r.operationId !== 'moveDevClock')) {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            segments: fc.array(segment, { minLength: 1, maxLength: 3 }),
            query,
            body,
            auth,
            contentType: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', ''),
            hook: webhookHeaders,
            idem: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
          }),
          async (input) => {
            const answer = await send(route, input);
            // E5 I4: even refusals are the ones the contract declares for the operation.
            contract.check(route.method, route.path.replace(/\{\w+\}/g, 'x'), answer.status, answer.type, answer.text ? JSON.parse(answer.text) : undefined);
            expect(answer.status, `${route.method} ${route.path} → ${answer.status} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
            if (answer.status >= 400) {
              expect(answer.type, `${route.method} ${route.path} ${answer.status}`).toMatch(/^application\/problem\+json/);
              expect(JSON.parse(answer.text)).toMatchObject({ type: expect.any(String), title: expect.any(String), status: answer.status });
              expect(answer.text).not.toMatch(/\.ts:\d+|at [A-Za-z]+ \(/);
            } else {
              accepted.push(`${route.method} ${route.path}`);
            }
          },
        ),
        { numRuns: 40, seed: 20261201 },
      );
    }
    // Whatever was refused changed nothing anyone can see; what was accepted is only what its
    // caller may do (reads, upload slots, the dev token, an administrator rotating a real department's secret).
    const legitimate = /^GET |^POST \/dev\/token$|^POST \/uploads$|^POST \/admin\/departments\/\{code\}\/rotate-secret$/;
    expect([...new Set(accepted)].filter((r) => !legitimate.test(r))).toEqual([]);
    expect(await snapshot()).toEqual(before);
    expect(contract.violations).toEqual([]);
    expect(contract.checked).toBeGreaterThan(500);
  }, 240_000);
});

describe('I1 ids too long to be keys are refused before they reach the table', () => {
  it('answers 400 on every route for a path parameter of 3000 characters or 700 CJK characters, whoever asks', async () => {
    const long = ['a'.repeat(3000), encodeURIComponent('中'.repeat(700))];
    const seen: string[] = [];
    for (const route of ROUTES.filter((r) => r.path.includes('{'))) {
      for (const segment of long) {
        for (const who of ['citizen', 'staff', 'admin'] as const) {
          const answer = await send(route, {
            segments: [segment],
            query: {},
            body: '{}',
            auth: route.auth === 'jwt' ? who : 'none',
            contentType: 'application/json',
            hook: { 'webhook-id': 'msg_long', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' },
          });
          seen.push(`${route.method} ${route.path} ${answer.status}`);
          expect(answer.status, `${route.method} ${route.path} as ${who}: ${answer.text.slice(0, 200)}`).toBe(400);
          expect(JSON.parse(answer.text).detail).toMatch(/1 to 128 characters/);
        }
      }
    }
    expect(seen.length).toBeGreaterThan(50);
  });
});

/** What the platform holds that the hostile requests could have changed. */
async function snapshot() {
  const get = async (path: string, who: string) => (await (await fetch(`${platform.url}${path}`, { headers: { authorization: `Bearer ${tokens[who]}` } })).json()) as unknown;
  return {
    mine: await get('/cases?limit=100', 'citizen'),
    queue: await get('/cases?limit=100', 'staff'),
    supervision: await get('/admin/supervision', 'admin'),
    deadLetters: await get('/admin/webhooks/dead-letters?limit=100', 'admin'),
    guide: await (await fetch(`${platform.url}/service-items/individual-business-registration`)).json(),
  };
}
