import { loadCalendarYear, viewCase } from '../support/checked.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { integrationDeps } from '../support/deps.ts';
import { admin, citizen } from '../support/fixtures.ts';
import { acceptedPensionCaseOf, fireDueOf, watchTimersOf, type LightsDeps } from '../support/lights.ts';

let deps: LightsDeps;
const watchTimers = (caseId: string) => watchTimersOf(deps, caseId);
const fireDue = () => fireDueOf(deps);
const acceptedPensionCase = (day?: string) => acceptedPensionCaseOf(deps, day);

describe('F1 F3 a newly loaded calendar year moves the timers', () => {
  beforeAll(async () => {
    deps = await integrationDeps();
  });

  it('sets a case’s timers to the new days once the year is in force everywhere', async () => {
    // Prepare: accepted Monday 2026-12-21; 2027 is not in the default data, so only weekends rest: due 2027-01-04.
    const caseId = await acceptedPensionCase('2026-12-21');
    expect((await viewCase(deps, citizen(), caseId)).deadline.promisedDue).toBe('2027-01-04');
    expect(await watchTimers(caseId)).toEqual(['20261231', '20270105']);
    // Act: the year is loaded
    await loadCalendarYear(deps, admin, '2027', { holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [] });
    // Assess
    expect((await viewCase(deps, citizen(), caseId)).deadline.promisedDue).toBe('2027-01-05');
    // Act: the watch runs after the calendar cache's minute has passed in every function.
    deps.clock.set(new Date(deps.clock.now().getTime() + 3 * 60_000));
    await fireDue();
    // Assess
    expect(await watchTimers(caseId)).toContain('20270106');
  });
});
