import * as z from 'zod';
import { CATALOG } from './items.ts';
import { DEPARTMENTS } from './departments.ts';
import { ITEM_TYPE_NAMES, type CatalogItem, type GuideRevision } from './types.ts';

export type { CatalogItem, Material, DepartmentRef, GuideRevision } from './types.ts';
export { DEPARTMENTS };

const byCode = new Map(CATALOG.map((item) => [item.code, item]));

export function findItem(code: string): CatalogItem | undefined {
  return byCode.get(code);
}

export function listItems(): readonly CatalogItem[] {
  return CATALOG;
}

/** The guide in force: the built-in item with its latest published revision applied. */
export function revised(item: CatalogItem, revision: GuideRevision | undefined): CatalogItem {
  if (!revision) return item;
  const { code: _c, publishedAt: _a, publishedBy: _b, ...changes } = revision;
  return { ...item, ...changes };
}

/** The catalog entry as `GET /service-items` lists it. */
export function summary(item: CatalogItem) {
  return {
    code: item.code,
    name: item.name,
    department: item.department.name,
    itemType: item.itemType,
    promisedDays: item.promisedDays,
    statutoryDays: item.statutoryDays,
    online: item.handling.online,
    flags: item.flags,
  };
}

/** The full guide as `GET /service-items/{code}` publishes it. */
export function guide(item: CatalogItem) {
  const { form, materials, ...published } = item;
  return {
    ...published,
    // Where a material is fetched from is the platform's business (C2); the guide says only that it is.
    materials: materials.map(({ fetch: _fetch, ...m }) => m),
    online: item.handling.online,
    itemTypeName: ITEM_TYPE_NAMES[item.itemType],
    formSchema: z.toJSONSchema(form, { target: 'draft-2020-12', io: 'input' }),
  };
}

/** Every department the catalog names, lead or co-department, once. */
export function catalogDepartments() {
  return Object.values(DEPARTMENTS);
}
