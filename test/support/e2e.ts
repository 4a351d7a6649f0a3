import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { findItem } from '#shared/catalog/index.ts';
import { freePort } from '../../infra/local/ports.ts';
import { startPlatform, type Platform } from './platform.ts';
import { pdf, sha256 } from './fixtures.ts';
import { Contract } from './contract.ts';

/**
 * One `npm start` runtime for an e2e test file, and the HTTP helpers that call it. The test file
 * calls `useLocalPlatform()` at its top level; `platform`, `port`, `dataDir` and `contract` are live
 * bindings (a kill -9 test replaces the runtime with `restartPlatform()`).
 */
export const dataDir = mkdtempSync(join(tmpdir(), 'ywtb-e2e-'));
export let port: number;
export let platform: Platform;
/** Every response of this suite is checked against the served OpenAPI document (ajv). */
export let contract: Contract;

/** Starts the runtime before the file's tests, checks each test's answers against the contract, and stops it after them. */
export function useLocalPlatform() {
  beforeAll(async () => {
    port = await freePort();
    platform = await startPlatform({ PORT: String(port), DATA_DIR: dataDir });
    contract = await Contract.from(platform.url);
  });

  // E5 I4: a response its operation does not declare (status, content type, body) fails the test that got it.
  afterEach(() => {
    expect(contract.violations.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    if (platform?.proc.exitCode === null) {
      platform.proc.kill('SIGTERM');
      await platform.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });
}

/** Starts the runtime again on the same port and data dir (after the test killed it). */
export async function restartPlatform() {
  platform = await startPlatform({ PORT: String(port), DATA_DIR: dataDir });
}

export async function api(path: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${platform.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  const answer = { status: res.status, type: res.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
  contract.check(init.method ?? (init.body === undefined ? 'GET' : 'POST'), path, answer.status, answer.type, answer.body);
  return answer;
}

export const token = async (claims: Record<string, unknown>) => (await api('/dev/token', { body: claims })).body.token as string;

/** The token's subject (`sub`), as the gateway reads it. */
const subjectOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string }).sub;

/** Puts the applicant's ID card on file at the shared-data stand-in (C2), as the guide's example form has it. */
export async function idCardOnFile(citizen: string) {
  const form = findItem('individual-business-registration')!.formExample;
  const res = await api('/dev/shared-data', { body: { subject: subjectOf(citizen), materialId: 'id-card', record: { name: form.operatorName, idNumber: form.idNumber } } });
  expect(res.status).toBe(200);
}

/** 个体工商户设立登记 by this citizen, the premises proof uploaded, the ID card fetched from shared data. */
export async function fileIndividualBusiness(citizen: string) {
  await idCardOnFile(citizen);
  const content = pdf(`premises ${Math.random()}`);
  const slot = (await api('/uploads', { token: citizen, body: { fileName: 'p.pdf', contentType: 'application/pdf', size: content.length, sha256: sha256(content) } })).body;
  await fetch(slot.url, { method: 'PUT', headers: slot.headers, body: content });
  const res = await api('/cases', {
    token: citizen,
    body: { serviceItemCode: 'individual-business-registration', form: findItem('individual-business-registration')!.formExample, materials: [{ materialId: 'premises-proof', uploadId: slot.uploadId }] },
  });
  expect(res.status).toBe(201);
  return res.body.caseId as string;
}

export function hook(secret: string, dept: string, body: unknown) {
  const raw = JSON.stringify(body);
  const id = `msg_${Math.random().toString(36).slice(2)}`;
  const now = new Date();
  return api(`/hooks/departments/${dept}`, {
    body: raw,
    headers: { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, now, raw) },
  });
}
