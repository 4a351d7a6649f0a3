import { findItem, guide, listItems, summary } from '../catalog/index.ts';
import { NotFound, RuleViolation } from '../errors.ts';

/** Pages by the last code seen, so a page boundary is stable while the catalog is unchanged. */
export function listServiceItems(query: { q?: string; limit: number; cursor?: string }) {
  const all = listItems().filter((item) => !query.q || item.name.includes(query.q) || item.code.includes(query.q.toLowerCase()));
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

export function getServiceItem(code: string) {
  const item = findItem(code);
  if (!item) throw new NotFound(`no service item ${code}`);
  return guide(item);
}
