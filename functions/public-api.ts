import { httpFunction } from '#shared/http/handler.ts';
import { openApiDocument } from '#shared/http/openapi.ts';
import type { z } from 'zod';
import type { ServiceItemQuery } from '#shared/schemas/api.ts';
import { getServiceItem, listServiceItems } from '#shared/usecases/catalog.ts';

/** Anonymous reads: health, the catalog, the contract. */
export const handler = httpFunction('public-api', {
  getHealth: async () => ({ status: 200, body: { status: 'ok' } }),
  getOpenApi: async () => ({ status: 200, body: openApiDocument() }),
  listServiceItems: async (req) => ({ status: 200, body: listServiceItems(req.query as z.output<typeof ServiceItemQuery>) }),
  getServiceItem: async (req) => ({ status: 200, body: getServiceItem(req.pathParameters.code!) }),
});
