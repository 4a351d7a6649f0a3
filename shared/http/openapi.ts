import * as z from 'zod';
import type { OpenApiDocument } from '../schemas/api.ts';
import { ROUTES, type Auth } from './routes.ts';

let cached: z.output<typeof OpenApiDocument> | undefined;

/** OpenAPI 3.1 of every route, generated from the route table and its zod schemas. */
export function openApiDocument() {
  cached ??= build();
  return cached;
}

type JsonSchema = Record<string, unknown>;

/** Where OpenAPI keeps named schemas; a zod schema with `.meta({ id })` is defined there once. */
const COMPONENT = '#/components/schemas/';

const SECURITY_SCHEMES = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A bearer JWT, checked by API Gateway’s JWT authorizer (locally by the gateway; POST /dev/token issues one there).',
  },
  webhookSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'webhook-signature',
    description:
      'Standard Webhooks: `webhook-signature` is one or more space-separated `v1,<base64 HMAC-SHA256>` of `<webhook-id>.<webhook-timestamp>.<raw body>` under the department’s secret ' +
      '(whsec_…; during a rotation the previous secret verifies too). The `webhook-id` and `webhook-timestamp` headers are required with it; ' +
      'a timestamp more than 5 minutes from now is refused.',
  },
} as const;

/** The security requirement of each kind of route (`[]`: public). */
const SECURITY: Record<Auth, Record<string, string[]>[]> = {
  none: [],
  jwt: [{ bearerAuth: [] }],
  webhook: [{ webhookSignature: [] }],
};

/** Standard Webhooks headers signed along with the body; the signature itself is the security scheme. */
const WEBHOOK_HEADERS = [
  { name: 'webhook-id', description: 'Standard Webhooks message id; a repeat with the same id changes nothing', schema: { type: 'string', minLength: 1 } },
  { name: 'webhook-timestamp', description: 'Standard Webhooks send time in Unix seconds; must be within 5 minutes of the receiver’s clock', schema: { type: 'string', pattern: '^[0-9]+$' } },
];

/** What API Gateway itself answers (not the platform's functions): `{"message": "…"}` as application/json. */
const GATEWAY_MESSAGE = {
  type: 'object',
  description: 'An answer made by API Gateway itself, before or instead of the platform’s function (not problem+json; no security headers).',
  properties: { message: { type: 'string' } },
  required: ['message'],
};
const gatewayContent = { 'application/json': { schema: { $ref: `${COMPONENT}GatewayMessage` } } };

/**
 * In AWS, API Gateway answers some requests itself, as they really come: its JWT authorizer's 401
 * (`{"message":"Unauthorized"}`), 413 for a body over 10 MB, 429 when throttled, 500/503 when it
 * cannot reach the function. The deployed routes declare them besides the functions' own answers.
 */
function withApiGatewayAnswers(route: (typeof ROUTES)[number], responses: Record<string, { description: string; content?: Record<string, unknown> }>) {
  if (route.localOnly) return responses;
  const add = (status: string, description: string) => {
    const own = responses[status];
    responses[status] = own
      ? { ...own, description: `${own.description}; or, from API Gateway itself, ${description}`, content: { ...own.content, ...gatewayContent } }
      : { description: `from API Gateway itself: ${description}`, content: gatewayContent };
  };
  if (route.auth === 'jwt') add('401', 'its JWT authorizer refused the token');
  if (route.body) add('413', 'the body is over 10 MB');
  add('429', 'throttled (the stage allows 200 requests per second, bursts of 400)');
  add('500', 'it could not call the function, or the function failed without an answer');
  add('503', 'the service is unavailable');
  return responses;
}

function build(): z.output<typeof OpenApiDocument> {
  const schemas: Record<string, JsonSchema> = {};
  /**
   * zod puts a schema with an `id` into the `$defs` of each schema that uses it; in OpenAPI 3.1
   * `#/$defs/…` resolves against the document root, so those definitions move to
   * components/schemas (one copy, checked to be the same everywhere) and the refs follow.
   */
  const schemaOf = (s: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const { $schema: _dialect, $defs, ...schema } = z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
    for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      const moved = refsToComponents(def);
      if (schemas[id] && JSON.stringify(schemas[id]) !== JSON.stringify(moved)) {
        throw new Error(`OpenAPI: the schema id ${JSON.stringify(id)} stands for two different schemas (${io})`);
      }
      schemas[id] = moved;
    }
    return refsToComponents(schema);
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = route.query ? Object.entries((schemaOf(route.query, 'input') as { properties?: Record<string, unknown> }).properties ?? {}) : [];
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.localOnly ? { description: 'Local runtime only; not deployed.', 'x-local-only': true } : {}),
      security: SECURITY[route.auth].map((requirement) => ({ ...requirement })),
      parameters: [
        ...params,
        ...query.map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
        ...(route.idempotent ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } }] : []),
        ...(route.auth === 'webhook' ? WEBHOOK_HEADERS.map((h) => ({ ...h, in: 'header', required: true })) : []),
      ],
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(route.body, 'input') } } } }
        : {}),
      responses: withApiGatewayAnswers(
        route,
        Object.fromEntries(
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
    servers: [{ url: '/', description: 'this deployment (the API is served at the root of the host that serves this document)' }],
    paths,
    components: { schemas: { ...schemas, GatewayMessage: GATEWAY_MESSAGE }, securitySchemes: SECURITY_SCHEMES },
  };
}

/** A copy of a JSON Schema with its `#/$defs/<id>` refs pointing at components/schemas. */
function refsToComponents<T>(node: T): T {
  if (Array.isArray(node)) return node.map(refsToComponents) as T;
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/') ? COMPONENT + v.slice('#/$defs/'.length) : refsToComponents(v),
    ]),
  ) as T;
}
