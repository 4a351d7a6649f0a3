import { describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { httpFunction, reply } from '#shared/http/handler.ts';
import { openApiDocument } from '#shared/http/openapi.ts';
import { principalFromClaims } from '#shared/http/principal.ts';
import { deployedRoutes, matchRoute, ROUTES, routeKey } from '#shared/http/routes.ts';
import { Conflict } from '#shared/errors.ts';
import { getServiceItem } from '#shared/usecases/catalog.ts';
import { publicDeps } from '#shared/wiring-catalog.ts';

function event(routeKeyValue: string, body?: string, claims?: Record<string, string>): APIGatewayProxyEventV2 {
  const [method, path] = routeKeyValue.split(' ') as [string, string];
  return {
    version: '2.0',
    routeKey: routeKeyValue,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: { http: { method, path }, ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}) } as APIGatewayProxyEventV2['requestContext'],
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  };
}
const ctx = {} as Context;
/** An operation these tests never reach. */
const unused = async (): Promise<never> => {
  throw new Error('not called');
};

const handler = httpFunction('admin-api', {
  createDepartment: async () => {
    throw new Conflict('department fz-x already exists');
  },
  updateDepartment: async () => {
    throw new Error('database password is hunter2');
  },
  rotateDepartmentSecret: unused,
  listDeadLetters: async () => ({ status: 200, body: { items: [], nextCursor: null } }),
  redeliverDeadLetter: unused,
  revokeCertificate: unused,
  getArchive: unused,
  checkArchive: unused,
  loadCalendarYear: unused,
  publishGuide: unused,
  supervisionOverview: unused,
});
const iat = Math.floor(Date.now() / 1000);
const lifetime = { iat: String(iat), exp: String(iat + 3600) };
const admin = { sub: 'a', name: 'A', roles: '[admin]', ...lifetime };

describe('errors are problem+json, never stack traces', () => {
  it('answers malformed JSON with 400', async () => {
    const res = await handler(event('POST /admin/departments', '{"code":', admin), ctx);
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body!)).toMatchObject({ status: 400, title: 'Malformed request' });
  });

  it('answers a rule violation with 422 listing every failing field', async () => {
    const res = await handler(event('POST /admin/departments', JSON.stringify({ code: 'X', extra: 1 }), admin), ctx);
    expect(res.statusCode).toBe(422);
    const body = JSON.parse(res.body!);
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['(body)', 'code', 'name', 'webhookUrl']);
  });

  it('maps a named error to its status', async () => {
    const res = await handler(event('POST /admin/departments', JSON.stringify({ code: 'fz-x', name: '某局', webhookUrl: 'https://x.example/hook' }), admin), ctx);
    expect(res.statusCode).toBe(409);
    expect(JSON.parse(res.body!).detail).toBe('department fz-x already exists');
  });

  it('hides what an unexpected error says', async () => {
    const res = await handler(event('PUT /admin/departments/{code}', JSON.stringify({ webhookUrl: 'https://x.example/hook' }), admin), ctx);
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toMatch(/at .*\.ts/);
  });

  it('logs an unexpected error once, with the Lambda context and the request’s correlation ids', async () => {
    const context = { functionName: 'admin-api', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:cn-north-1:1:function:admin-api', memoryLimitInMB: '512', awsRequestId: 'lambda-req-1' } as Context;
    const e = event('PUT /admin/departments/{code}', JSON.stringify({ webhookUrl: 'https://x.example/hook' }), admin);
    const lines: string[] = [];
    // Errors go to stderr (console.error), the rest to stdout.
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      await handler({ ...e, pathParameters: { code: 'fz-x' }, requestContext: { ...e.requestContext, requestId: 'api-req-9' } }, context);
    } finally {
      process.stderr.write = write;
    }
    const logged = lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('unhandled error')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toEqual([
      expect.objectContaining({ level: 'ERROR', function_name: 'admin-api', function_request_id: 'lambda-req-1', correlation_id: 'api-req-9', route: 'PUT /admin/departments/{code}' }),
    ]);
  });

  it('I1 refuses, as API Gateway hands it on, a path parameter too long to be an id (400, before any use case)', async () => {
    const res = await handler({ ...event('POST /admin/departments/{code}/rotate-secret', undefined, admin), pathParameters: { code: 'a'.repeat(3000) } }, ctx);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body!)).toMatchObject({ status: 400, detail: 'the path parameter code must be 1 to 128 characters' });
  });

  it('answers a route it does not serve with 404', async () => {
    const res = await handler(event('GET /nowhere'), ctx);
    expect(res.statusCode).toBe(404);
  });
});

describe('B2 principals from API Gateway claims', () => {
  it('reads a citizen with the level as a string, as API Gateway passes it', () => {
    expect(principalFromClaims({ sub: 'u', name: '王', subject_type: 'person', auth_level: '2', ...lifetime })).toEqual({
      kind: 'citizen', sub: 'u', name: '王', subjectType: 'person', authLevel: 2,
    });
  });

  it('reads staff roles flattened to "[a b]"', () => {
    expect(principalFromClaims({ sub: 's', name: '李', dept: 'fz-scjg', roles: '[reviewer approver]', ...lifetime })).toMatchObject({ kind: 'staff', roles: ['reviewer', 'approver'] });
  });

  it('reads staff roles as an array', () => {
    expect(principalFromClaims({ sub: 's', name: '李', roles: ['admin'], ...lifetime })).toMatchObject({ kind: 'staff', roles: ['admin'] });
  });

  it('refuses unknown roles', () => {
    expect(() => principalFromClaims({ sub: 's', roles: '[root]', ...lifetime })).toThrow();
  });

  it('I1 refuses a token that never expires (no exp)', () => {
    expect(() => principalFromClaims({ sub: 'u', auth_level: '2', iat: String(iat) })).toThrow(/no valid exp/);
  });

  it('I1 refuses a token that does not say when it was issued (no iat)', () => {
    expect(() => principalFromClaims({ sub: 'u', auth_level: '2', exp: String(iat + 60) })).toThrow(/no valid iat/);
  });

  it('I1 refuses a token that lives longer than 12 h when no maximum is set', () => {
    expect(() => principalFromClaims({ sub: 'u', iat: String(iat), exp: String(iat + 12 * 3600 + 1) })).toThrow(/at most 43200 s/);
  });

  it('I1 accepts a token that lives exactly 12 h when no maximum is set', () => {
    expect(principalFromClaims({ sub: 'u', iat: String(iat), exp: String(iat + 12 * 3600) })).toMatchObject({ kind: 'citizen' });
  });

  it('I1 refuses a token that lives longer than the configured maximum', () => {
    process.env.MAX_TOKEN_LIFETIME_SECONDS = '600';
    try {
      expect(() => principalFromClaims({ sub: 'u', ...lifetime })).toThrow(/at most 600 s/);
    } finally {
      delete process.env.MAX_TOKEN_LIFETIME_SECONDS;
    }
  });
});

describe('the route table', () => {
  it('has one route per method and path', () => {
    const keys = ROUTES.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('matches a concrete path and extracts its parameters', () => {
    expect(matchRoute('GET', '/cases/01KAQ3Z6Y2V8J5M0N4C7R1T9XB')).toMatchObject({ route: { operationId: 'getCase' }, pathParameters: { caseId: '01KAQ3Z6Y2V8J5M0N4C7R1T9XB' } });
  });

  it('matches a concrete path with a parameter between fixed segments', () => {
    expect(matchRoute('POST', '/admin/departments/fz-scjg/rotate-secret')?.route.operationId).toBe('rotateDepartmentSecret');
  });

  it('matches nothing for a method the path does not serve', () => {
    expect(matchRoute('DELETE', '/cases/x')).toBeUndefined();
  });

  it('never deploys the local-only routes', () => {
    expect(deployedRoutes().some((r) => r.path.startsWith('/dev/'))).toBe(false);
  });

  const doc = () => openApiDocument() as { openapi: string; paths: Record<string, Record<string, { operationId: string }>> };

  it('is published as OpenAPI 3.1', () => {
    expect(doc().openapi).toBe('3.1.0');
  });

  it('is published with every route', () => {
    const ops = Object.values(doc().paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ops.sort()).toEqual(ROUTES.map((r) => r.operationId).sort());
  });

  it('is published with the request body schemas', () => {
    const fileCase = doc().paths['/cases']!.post as unknown as { requestBody: { content: { 'application/json': { schema: { required: string[] } } } } };
    expect(fileCase.requestBody.content['application/json'].schema.required).toContain('serviceItemCode');
  });
});

describe('the operations are typed from the route table (tsc checks the @ts-expect-error lines)', () => {
  const publicOps = {
    getHealth: reply(200, () => ({ status: 'ok' as const })),
    getOpenApi: reply(200, () => ({ openapi: '3.1.0' as const })),
    listServiceItems: reply(200, () => ({ items: [], nextCursor: null })),
    getServiceItem: unused,
    getSigningKeys: reply(200, () => ({ keys: [] })),
    verifyByCode: unused,
    verifyQr: unused,
    getProgress: unused,
  };

  it('refuses a function missing an operation', () => {
    const unchecked = () => [
      // @ts-expect-error getOpenApi, listServiceItems and getServiceItem are missing
      httpFunction('public-api', { getHealth: reply(200, () => ({ status: 'ok' })) }),
    ];
    expect(unchecked).toBeTypeOf('function');
  });

  it('refuses a wrong path parameter', () => {
    const unchecked = () => [
      httpFunction('public-api', {
        ...publicOps,
        // @ts-expect-error the path parameter is `code`
        getServiceItem: reply(200, (req) => getServiceItem(publicDeps(), req.params.kode)),
      }),
    ];
    expect(unchecked).toBeTypeOf('function');
  });

  it('refuses a misspelled operation', () => {
    const unchecked = () => [
      httpFunction('public-api', {
        ...publicOps,
        // @ts-expect-error no such operation (issueDevToken, local only, would not be one either)
        getOpenAPI: reply(200, () => ({ openapi: '3.1.0' })),
      }),
    ];
    expect(unchecked).toBeTypeOf('function');
  });

  it('refuses a wrong status and a body of the wrong shape', () => {
    const unchecked = () => [
      httpFunction('admin-api', {
        // @ts-expect-error createDepartment answers 201
        createDepartment: reply(200, (req) => ({ ...req.body, secret: 'whsec_x' })),
        // @ts-expect-error the body must be a DepartmentView
        updateDepartment: reply(200, (req) => ({ code: req.params.code })),
        rotateDepartmentSecret: reply(200, (req) => ({ code: req.params.code, name: req.principal.name, secret: 'whsec_x' })),
        listDeadLetters: unused,
        redeliverDeadLetter: unused,
        loadCalendarYear: unused,
        publishGuide: unused,
        supervisionOverview: unused,
      }),
    ];
    expect(unchecked).toBeTypeOf('function');
  });
});
