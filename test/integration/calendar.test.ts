import { loadCalendarYear } from '../support/checked.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { Forbidden, RuleViolation } from '#shared/errors.ts';
import { calendarOf } from '#shared/usecases/calendar.ts';
import type { Deps } from '#shared/usecases/deps.ts';
import { integrationDeps } from '../support/deps.ts';
import { admin, citizen } from '../support/fixtures.ts';

let deps: Deps;
beforeAll(async () => {
  deps = await integrationDeps();
});

async function errorsOf(p: Promise<unknown>) {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(RuleViolation);
  return (err as RuleViolation).errors!.map((e) => e.path);
}

describe('F1 PUT /admin/calendar/{year}: an official arrangement, loaded, wins', () => {
  it('counts a year the default data does not know once an administrator loads it', async () => {
    // Assess: before, only weekends rest in 2027, and the year is said to be unknown
    expect((await calendarOf(deps)).addWorkingDays('2026-12-31', 1)).toEqual({ due: '2027-01-01', unknownYears: [2027] });
    // Act
    const loaded = await loadCalendarYear(deps, admin, '2027', { holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [] });
    // Assess
    expect(loaded).toEqual({ year: 2027, holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [], source: 'admin' });
    expect((await calendarOf(deps)).addWorkingDays('2026-12-31', 1)).toEqual({ due: '2027-01-04', unknownYears: [] });
  });

  it('replaces the default for a year it already knew', async () => {
    // Assess: before
    expect((await calendarOf(deps)).isWorkday('2026-11-24')).toBe(true);
    // Act
    await loadCalendarYear(deps, admin, '2026', { holidays: ['2026-01-01', '2026-11-24'], workdays: ['2026-11-28'] });
    // Assess
    const calendar = await calendarOf(deps);
    expect(calendar.isWorkday('2026-11-24')).toBe(false);
    expect(calendar.isWorkday('2026-11-28')).toBe(true);
    expect(calendar.isWorkday('2026-02-16')).toBe(true); // the loaded year replaces the default entirely
  });

  it('refuses an arrangement that cannot be right, listing every problem (422)', async () => {
    expect(
      await errorsOf(loadCalendarYear(deps, admin, '2028', { holidays: ['2028-02-30', '2027-12-31', '2028-01-01', '2028-01-01'], workdays: ['2028-01-04', '2028-01-01'] })),
    ).toEqual(['holidays.0', 'holidays.1', 'holidays.3', 'workdays.0', 'workdays']);
  });

  it('refuses a year outside 2000–2100 (422)', async () => {
    expect(await errorsOf(loadCalendarYear(deps, admin, '1999', { holidays: ['1999-01-01'], workdays: [] }))).toContain('year');
  });

  it('is for administrators only', async () => {
    await expect(loadCalendarYear(deps, citizen(), '2027', { holidays: ['2027-01-01'], workdays: [] })).rejects.toBeInstanceOf(Forbidden);
  });
});
