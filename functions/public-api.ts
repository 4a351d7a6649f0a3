import { httpFunction, reply } from '#shared/http/handler.ts';
import { openApiDocument } from '#shared/http/openapi.ts';
import { getServiceItem, listServiceItems } from '#shared/usecases/catalog.ts';
import { catalogDeps, signingDeps } from '#shared/wiring-catalog.ts';

/** Anonymous reads: health, the catalog, the contract. */
export const handler = httpFunction('public-api', {
  getHealth: reply(200, () => ({ status: 'ok' })),
  getOpenApi: reply(200, () => openApiDocument()),
  listServiceItems: reply(200, (req) => listServiceItems(catalogDeps(), req.query)),
  getServiceItem: reply(200, (req) => getServiceItem(catalogDeps(), req.params.code)),
  getSigningKeys: reply(200, async () => ({ keys: await signingDeps().signer.publicKeys() })),
});
