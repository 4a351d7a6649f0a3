import { describe, expect, it } from 'vitest';
import { guide, listItems } from '#shared/catalog/index.ts';
import { listServiceItems, getServiceItem } from '#shared/usecases/catalog.ts';
import { NotFound } from '#shared/errors.ts';
import { systemClock } from '#shared/ports/clock.ts';
import type { Deps } from '#shared/usecases/deps.ts';

/** No revision published: the built-in catalog (the catalog use cases need nothing else of Deps). */
const noRevisions = { realClock: systemClock, catalog: { listGuideRevisions: async () => [], publishGuideRevision: async () => {} } } as unknown as Deps;

describe('A1 catalog with full guides', () => {
  it('publishes at least six items, each with every part of a guide', () => {
    const items = listItems();
    expect(items.length).toBeGreaterThanOrEqual(6);
    for (const item of items) {
      expect(item.name).toMatch(/\p{Script=Han}/u);
      expect(item.legalBasis.length).toBeGreaterThan(0);
      expect(item.acceptanceConditions.length).toBeGreaterThan(0);
      expect(item.materials.length).toBeGreaterThan(0);
      expect(item.processSteps.length).toBeGreaterThan(0);
      expect(item.promisedDays).toBeLessThanOrEqual(item.statutoryDays);
      expect(item.fee.basis).toBeTruthy();
      expect(item.consultationPhone).toBeTruthy();
      expect(item.complaintPhone).toBeTruthy();
      expect(item.faqs.length).toBeGreaterThan(0);
      expect(item.rightsAndRemedies).toContain('行政复议');
    }
  });

  it('includes a joint-processing item with co-departments', () => {
    const joint = listItems().filter((i) => i.coDepartments.length > 0);
    expect(joint.map((i) => i.code)).toContain('construction-planning-permit');
  });

  it('gives every item a form example that its own form schema accepts', () => {
    for (const item of listItems()) {
      const result = item.form.safeParse(item.formExample);
      expect(result.success, `${item.code}: ${JSON.stringify(result.error?.issues)}`).toBe(true);
    }
  });

  it('publishes the form as JSON Schema generated from the zod schema', () => {
    const g = guide(listItems()[0]!);
    expect(g.formSchema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', additionalProperties: false });
    expect(Object.keys((g.formSchema as { properties: object }).properties)).toContain('creditCode');
    expect(g).not.toHaveProperty('form');
  });

  it('pages the list with a cursor and searches names', async () => {
    const first = await listServiceItems(noRevisions, { limit: 4 });
    expect(first.items).toHaveLength(4);
    const second = await listServiceItems(noRevisions, { limit: 4, cursor: first.nextCursor! });
    expect(second.items.length).toBeGreaterThan(0);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((i) => i.code)).size).toBe(listItems().length);
    expect((await listServiceItems(noRevisions, { limit: 20, q: '养老' })).items.map((i) => i.code)).toEqual(['basic-pension-claim']);
  });

  it('answers 404 for an unknown item', async () => {
    await expect(getServiceItem(noRevisions, 'no-such-item')).rejects.toThrow(NotFound);
  });
});
