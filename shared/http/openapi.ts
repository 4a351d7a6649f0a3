import { z } from 'zod';
import { ROUTES } from './routes.ts';

let cached: unknown;

/** OpenAPI 3.1 of every route, generated from the route table and its zod schemas. */
export function openApiDocument() {
  cached ??= build();
  return cached;
}

const schemaOf = (s: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' });

function build() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = route.query ? Object.entries((schemaOf(route.query, 'input') as { properties?: Record<string, unknown> }).properties ?? {}) : [];
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.localOnly ? { description: 'Local runtime only; not deployed.' } : {}),
      parameters: [
        ...params,
        ...query.map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
        ...(route.idempotent ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } }] : []),
        ...(route.auth === 'webhook'
          ? ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => ({ name, in: 'header', required: true, schema: { type: 'string' } }))
          : []),
      ],
      ...(route.auth === 'jwt' ? { security: [{ bearer: [] }] } : {}),
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(route.body, 'input') } } } }
        : {}),
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, r]) => [
          status,
          {
            description: r.description,
            ...(r.schema
              ? { content: { [Number(status) >= 400 ? 'application/problem+json' : 'application/json']: { schema: schemaOf(r.schema, 'output') } } }
              : {}),
          },
        ]),
      ),
    };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: '一网通办 online government service platform',
      version: '1.0.0',
      description: 'Citizens file applications; departments act through signed webhooks; errors are RFC 9457 problem+json.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}
