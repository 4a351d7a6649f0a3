import type { z } from 'zod';
import { guide, listItems, revised, summary, type CatalogItem, type GuideRevision } from '../catalog/index.ts';
import { NotFound, RuleViolation, type FieldError } from '../errors.ts';
import type { Principal } from '../domain/principal.ts';
import type { PublishGuideRequest } from '../schemas/api.ts';
import { toShanghaiIso } from '../time.ts';
import { requireAdmin } from './access.ts';
import { cachedPerMinute } from './cache.ts';
import type { Deps } from './deps.ts';

/** What reading the catalog needs: public-api is wired with only this, so it stays small and quick to start. */
export type CatalogDeps = Pick<Deps, 'realClock' | 'catalog'>;

/** Every guide in force: the built-in catalog with each item's latest published revision (A2); revisions change rarely, so read at most once a minute. */
const guidesInForce = cachedPerMinute(async (deps: CatalogDeps) => {
  const latest = new Map<string, GuideRevision>();
  for (const r of await deps.catalog.listGuideRevisions()) if ((latest.get(r.code)?.version ?? 0) < r.version) latest.set(r.code, r);
  return listItems().map((item) => revised(item, latest.get(item.code)));
});
export const catalogOf = (deps: CatalogDeps): Promise<CatalogItem[]> => guidesInForce.get(deps);

export async function itemOf(deps: CatalogDeps, code: string): Promise<CatalogItem | undefined> {
  return (await catalogOf(deps)).find((i) => i.code === code);
}

/** Pages by the last code seen, so a page boundary is stable while the catalog is unchanged. */
export async function listServiceItems(deps: CatalogDeps, query: { q?: string; limit: number; cursor?: string }) {
  const all = (await catalogOf(deps)).filter((item) => !query.q || item.name.includes(query.q) || item.code.includes(query.q.toLowerCase()));
  let start = 0;
  if (query.cursor) {
    const after = Buffer.from(query.cursor, 'base64url').toString('utf8');
    start = all.findIndex((i) => i.code === after) + 1;
    if (start === 0) throw new RuleViolation('the cursor is not valid', [{ path: 'query.cursor', message: 'unknown cursor' }]);
  }
  const page = all.slice(start, start + query.limit);
  const last = page.at(-1);
  const nextCursor = last && start + query.limit < all.length ? Buffer.from(last.code).toString('base64url') : null;
  return { items: page.map(summary), nextCursor };
}

export async function getServiceItem(deps: CatalogDeps, code: string) {
  const item = await itemOf(deps, code);
  if (!item) throw new NotFound(`no service item ${code}`);
  return guide(item);
}

/** Publishing a guide: the catalog (whose cache it clears) and case time for the revision's date. */
export type GuidePublishingDeps = Pick<Deps, 'clock' | 'realClock' | 'catalog'>;

/**
 * PUT /admin/service-items/{code}: publishes a new version of a guide. Cases already filed keep
 * the limits of the version they were filed under (A2). A promised limit above the statutory
 * one is refused (F1), as is a yellow threshold beyond the promised limit or an opinion limit on
 * an item without co-departments.
 */
export async function publishGuide(deps: GuidePublishingDeps, principal: Principal | undefined, code: string, body: z.output<typeof PublishGuideRequest>) {
  const admin = requireAdmin(principal);
  const current = await itemOf(deps, code);
  if (!current) throw new NotFound(`no service item ${code}`);
  const next = { ...current, ...body };
  const errors: FieldError[] = [];
  if (next.promisedDays > next.statutoryDays) {
    errors.push({ path: 'promisedDays', message: `the promised limit (${next.promisedDays} working days) may not exceed the statutory limit (${next.statutoryDays})` });
  }
  if (next.yellowDays !== undefined && next.yellowDays >= next.promisedDays) {
    errors.push({ path: 'yellowDays', message: `the yellow threshold (${next.yellowDays}) must be below the promised limit (${next.promisedDays})` });
  }
  if (body.opinionDays !== undefined && !current.coDepartments.length) errors.push({ path: 'opinionDays', message: `${code} has no co-departments` });
  if (next.opinionDays !== undefined && next.opinionDays > next.promisedDays) {
    errors.push({ path: 'opinionDays', message: `the co-departments’ limit (${next.opinionDays}) may not exceed the promised limit (${next.promisedDays})` });
  }
  if (errors.length) throw new RuleViolation(`version ${current.version + 1} of ${code} cannot be published`, errors);
  await deps.catalog.publishGuideRevision({ ...body, code, version: current.version + 1, publishedAt: toShanghaiIso(deps.clock.now()), publishedBy: admin.sub });
  guidesInForce.clear(deps);
  return guide({ ...next, version: current.version + 1 });
}
