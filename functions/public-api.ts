import { httpFunction, reply } from '#shared/http/handler.ts';
import { openApiDocument } from '#shared/http/openapi.ts';
import { getServiceItem, listServiceItems } from '#shared/usecases/catalog.ts';
import { verifyByCode, verifyQr } from '#shared/usecases/verify.ts';
import { progressByCode } from '#shared/usecases/progress.ts';
import { publicDeps } from '#shared/wiring-catalog.ts';

/** Anonymous reads: health, the catalog, the contract, the signing keys, certificate verification and a case's progress by its code. */
export const handler = httpFunction('public-api', {
  getHealth: reply(200, () => ({ status: 'ok' })),
  getOpenApi: reply(200, () => openApiDocument()),
  listServiceItems: reply(200, (req) => listServiceItems(publicDeps(), req.query)),
  getServiceItem: reply(200, (req) => getServiceItem(publicDeps(), req.params.code)),
  getSigningKeys: reply(200, async () => ({ keys: await publicDeps().signer.publicKeys() })),
  getProgress: reply(200, (req) => progressByCode(publicDeps(), req.params.supervisionCode, req.query.name)),
  verifyByCode: reply(200, (req) => verifyByCode(publicDeps(), req.params.supervisionCode)),
  verifyQr: reply(200, (req) => verifyQr(publicDeps(), req.body)),
});
