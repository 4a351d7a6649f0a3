import { createServer, request, type Server } from 'node:http';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: object }> }> };
type Doc = { paths: Record<string, Record<string, Operation>> };

/** A response that breaks the contract: where, and why. */
export type Violation = { method: string; path: string; status: number; problem: string };

/**
 * Checks real responses against the OpenAPI document the platform serves (GET /openapi.json),
 * with ajv (JSON Schema 2020-12): the operation must declare the status, the content type must be
 * one it declares for it, and the body must validate against that schema. Nothing of the project
 * checks here: the document is dereferenced by swagger-parser and validated by ajv.
 */
export class Contract {
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  readonly violations: Violation[] = [];
  checked = 0;

  private constructor(private readonly doc: Doc) {
    addFormats.default(this.ajv);
  }

  static async from(baseUrl: string): Promise<Contract> {
    return Contract.of((await (await fetch(`${baseUrl}/openapi.json`)).json()) as object);
  }

  /** From a document in hand (the one the platform serves, generated in-process). */
  static async of(document: object): Promise<Contract> {
    return new Contract((await SwaggerParser.dereference(structuredClone(document) as never)) as unknown as Doc);
  }

  /** Checks a result as the HTTP layer would send it, by the operation's id. */
  checkOperation(operationId: string, status: number, contentType: string, body: unknown): Violation | undefined {
    for (const [template, ops] of Object.entries(this.doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if ((op as { operationId?: string }).operationId === operationId) return this.check(method.toUpperCase(), template, status, contentType, body);
      }
    }
    const v = { method: '?', path: operationId, status, problem: 'no such operation' };
    this.violations.push(v);
    return v;
  }

  /** The operation a concrete path belongs to, by the document's path templates. */
  private operation(method: string, path: string): { template: string; op: Operation } | undefined {
    for (const [template, ops] of Object.entries(this.doc.paths)) {
      const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`);
      const op = ops[method.toLowerCase()];
      if (op && pattern.test(path)) return { template, op };
    }
    return undefined;
  }

  /** Checks one response; returns the violation (also kept in `violations`), if any. */
  check(method: string, path: string, status: number, contentType: string | null, body: unknown): Violation | undefined {
    const found = this.operation(method, path.split('?')[0]!);
    // A path no operation has is the gateway's own 404: nothing of the contract to check.
    if (!found) return undefined;
    this.checked += 1;
    const fail = (problem: string) => {
      const v = { method, path: found.template, status, problem };
      this.violations.push(v);
      return v;
    };
    const response = found.op.responses?.[String(status)];
    if (!response) return fail(`status ${status} is not declared (declared: ${Object.keys(found.op.responses ?? {}).join(', ')})`);
    const type = (contentType ?? '').split(';')[0]!.trim();
    const content = response.content;
    if (!content) return body === undefined ? undefined : fail('a body where none is declared');
    const media = content[type];
    if (!media) return fail(`content type ${JSON.stringify(type)} is not declared (declared: ${Object.keys(content).join(', ')})`);
    if (!media.schema) return undefined;
    const key = `${method} ${found.template} ${status} ${type}`;
    let validate = this.validators.get(key);
    if (!validate) this.validators.set(key, (validate = this.ajv.compile(media.schema)));
    if (!validate(body)) {
      const said = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
      return fail([...new Set(said)].join('; ').slice(0, 600));
    }
    return undefined;
  }
}

/**
 * A pass-through HTTP proxy in front of the platform that checks every response against the
 * contract — for clients the test does not control (the README walkthrough's curl).
 */
export async function contractProxy(target: string, contract: Contract): Promise<{ url: string; close: () => Promise<void> }> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const out = request(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const raw = Buffer.concat(chunks);
          const type = answer.headers['content-type'] ?? null;
          let body: unknown;
          if (raw.length && /json/.test(type ?? '')) {
            try {
              body = JSON.parse(raw.toString('utf8'));
            } catch {
              body = raw.toString('utf8');
            }
          }
          contract.check(req.method ?? 'GET', req.url ?? '/', answer.statusCode ?? 0, type, body);
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(raw);
        });
      },
    );
    out.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
