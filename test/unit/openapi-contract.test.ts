import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '#shared/http/openapi.ts';
import { ROUTES } from '#shared/http/routes.ts';

/**
 * GET /openapi.json must be a valid OpenAPI 3.1 document for outside tools: swagger-parser
 * validates and dereferences it, and `redocly lint` (recommended rules, redocly.yaml) finds no
 * error. Both run on the document exactly as the endpoint serves it.
 */

type Operation = {
  operationId: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean }[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
  'x-local-only'?: boolean;
};
type Doc = {
  openapi: string;
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, Record<string, unknown>> };
};

const doc = () => openApiDocument() as Doc;
// swagger-parser dereferences in place: give it its own copy of the served document.
const copy = () => structuredClone(openApiDocument()) as SwaggerParser['api'];
const operation = (r: (typeof ROUTES)[number]) => doc().paths[r.path]![r.method.toLowerCase()]!;

const root = resolve(import.meta.dirname, '../..');
const redoclyCli = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
const work = mkdtempSync(join(tmpdir(), 'openapi-contract-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type LintProblem = { ruleId: string; severity: 'error' | 'warn'; message: string; location: { pointer: string }[] };

async function redoclyLint(): Promise<{ totals: { errors: number; warnings: number }; problems: LintProblem[] }> {
  const file = join(work, 'openapi.json');
  writeFileSync(file, JSON.stringify(openApiDocument(), null, 2));
  const run = promisify(execFile);
  const args = [redoclyCli, 'lint', '--config', join(root, 'redocly.yaml'), '--format=json', file];
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', REDOCLY_SUPPRESS_NOTIFICATIONS: 'true' };
  // lint exits 1 when it finds errors; the JSON report is on stdout either way.
  const { stdout } = await run(process.execPath, args, { cwd: work, env, maxBuffer: 64 * 1024 * 1024 }).catch(
    (e: { stdout?: string; stderr?: string; message: string }) => {
      if (!e.stdout) throw new Error(`redocly lint did not report: ${e.message}\n${e.stderr ?? ''}`);
      return { stdout: e.stdout };
    },
  );
  return JSON.parse(stdout) as Awaited<ReturnType<typeof redoclyLint>>;
}

describe('the OpenAPI document (GET /openapi.json)', () => {
  it('is valid for swagger-parser and dereferences', async () => {
    await expect(SwaggerParser.validate(copy())).resolves.toBeTruthy();
    const deref = (await SwaggerParser.dereference(copy())) as unknown as Doc;
    expect(JSON.stringify(deref)).not.toContain('"$ref"');
  });

  it('has no errors under redocly lint (recommended rules)', async () => {
    const report = await redoclyLint();
    const errors = report.problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
    expect(errors).toEqual([]);
    expect(report.totals.errors).toBe(0);
  });

  it('names a server', () => {
    expect(doc().servers?.length).toBeGreaterThan(0);
  });

  it('defines the problem schema once and references it from every error response as problem+json', () => {
    const d = doc();
    expect(d.components?.schemas?.Problem).toBeTruthy();
    const text = JSON.stringify(d);
    expect(text).not.toContain('$defs');
    const problem = { schema: { $ref: '#/components/schemas/Problem' } };
    const gateway = { schema: { $ref: '#/components/schemas/GatewayMessage' } };
    for (const r of ROUTES) {
      for (const [status, response] of Object.entries(operation(r).responses)) {
        if (Number(status) < 400) continue;
        const content = response.content as Record<string, unknown>;
        // The platform's own errors are problem+json; what API Gateway answers itself is its {message}.
        if (content['application/problem+json']) expect(content['application/problem+json'], `${r.operationId} ${status}`).toEqual(problem);
        if (content['application/json']) expect(content['application/json'], `${r.operationId} ${status}`).toEqual(gateway);
        expect(Object.keys(content).every((t) => t === 'application/problem+json' || t === 'application/json'), `${r.operationId} ${status}`).toBe(true);
      }
    }
  });

  it('E5 documents what API Gateway itself answers on deployed routes (authorizer 401, 413, 429, 500, 503), and not on local-only ones', () => {
    for (const r of ROUTES) {
      const responses = operation(r).responses as Record<string, { content?: Record<string, unknown> }>;
      const codes = ['429', '500', '503', ...(r.auth === 'jwt' ? ['401'] : []), ...(r.body ? ['413'] : [])];
      for (const code of codes) {
        const declared = responses[code]?.content?.['application/json'];
        if (r.localOnly) expect(declared, `${r.operationId} ${code}`).toBeUndefined();
        else expect(declared, `${r.operationId} ${code}`).toEqual({ schema: { $ref: '#/components/schemas/GatewayMessage' } });
      }
      // A function's own 500 is never declared: a contract check catches it.
      expect(responses['500']?.content?.['application/problem+json'], r.operationId).toBeUndefined();
    }
  });

  it('declares how each route authenticates', () => {
    const schemes = doc().components?.securitySchemes ?? {};
    expect(schemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(schemes.webhookSignature).toMatchObject({ type: 'apiKey', in: 'header', name: 'webhook-signature' });
    for (const r of ROUTES) {
      const op = operation(r);
      const headers = (op.parameters ?? []).filter((p) => p.in === 'header');
      if (r.auth === 'jwt') expect(op.security, r.operationId).toEqual([{ bearerAuth: [] }]);
      if (r.auth === 'none') expect(op.security, r.operationId).toEqual([]);
      if (r.auth === 'webhook') {
        expect(op.security, r.operationId).toEqual([{ webhookSignature: [] }]);
        for (const name of ['webhook-id', 'webhook-timestamp']) expect(headers.find((h) => h.name === name)?.required, `${r.operationId} ${name}`).toBe(true);
      } else {
        expect(headers.some((h) => h.name.startsWith('webhook-')), r.operationId).toBe(false);
      }
    }
  });

  it('keeps the local-only routes, marked as such', () => {
    for (const r of ROUTES) {
      const op = operation(r);
      if (r.localOnly) {
        expect(op['x-local-only'], r.operationId).toBe(true);
        expect(op.description, r.operationId).toMatch(/local runtime only/i);
      } else {
        expect(op['x-local-only'], r.operationId).toBeUndefined();
      }
    }
  });
});
