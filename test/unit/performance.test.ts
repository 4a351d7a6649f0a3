import { describe, expect, it } from 'vitest';
import { medianOf, supervisionReport, type CaseSummary } from '#shared/domain/performance.ts';

const summary = (over: Partial<CaseSummary>): CaseSummary => ({
  caseId: 'c',
  supervisionCode: 's',
  serviceItem: { code: 'construction-planning-permit', version: 1, name: '建设工程规划许可证核发' },
  status: 'accepted',
  leadDepartment: 'fz-zrzy',
  coDepartments: [],
  createdAt: '2026-11-23T10:00:00.000+08:00',
  updatedAt: '2026-11-23T10:00:00.000+08:00',
  ...over,
});

describe('F4 department performance figures', () => {
  describe('the median of working days used, from the monthly counts', () => {
    it('is none without decisions', () => {
      expect(medianOf({})).toBeNull();
    });

    it('is the one value of a single decision', () => {
      expect(medianOf({ 6: 1 })).toBe(6);
    });

    it('is the mean of the two middle values for an even number of decisions', () => {
      expect(medianOf({ 6: 1, 12: 1 })).toBe(9);
      expect(medianOf({ 3: 2, 6: 1, 20: 1 })).toBe(4.5);
    });

    it('is the middle value for an odd number of decisions, each value counted as often as it was used', () => {
      expect(medianOf({ 3: 1, 6: 3, 20: 1 })).toBe(6);
    });
  });

  describe('the report on a joint case and a quiet one', () => {
    const joint = summary({
      caseId: 'joint',
      coDepartments: ['fz-zjj', 'fz-rfb'],
      lights: { 'fz-zrzy': { light: 'yellow', on: '2026-12-01', due: '2026-12-07' }, 'fz-rfb': { light: 'red', on: '2026-12-01', due: '2026-11-30' } },
      supervisions: [{ supervisionId: 'sup_1', deptCode: 'fz-rfb', openedOn: '2026-12-02', respondBy: '2026-12-07', level: 1, status: 'open' }],
    });
    const report = supervisionReport(
      [joint, summary({ caseId: 'quiet', status: 'suspended' })],
      [
        { month: '2026-11', deptCode: 'fz-zrzy', decided: 3, onTime: 2, usedWorkingDays: { 6: 2, 12: 1 } },
        { month: '2026-12', deptCode: 'fz-zrzy', decided: 1, onTime: 1, usedWorkingDays: { 5: 1 } },
      ],
      '2026-12-08',
    );

    it('counts each case once, under its worst light', () => {
      expect(report.lights).toEqual({ green: 1, yellow: 0, red: 1 });
    });

    it('lists a case under its worst light, naming the late departments', () => {
      expect(report.casesByLight.red).toEqual([{ caseId: 'joint', supervisionCode: 's', serviceItem: '建设工程规划许可证核发', late: ['fz-rfb'] }]);
    });

    it('marks an open supervision past its respond-by day as overdue', () => {
      expect(report.openSupervisions).toEqual([expect.objectContaining({ supervisionId: 'sup_1', caseId: 'joint', overdue: true })]);
    });

    it('lists every department of the cases, by code', () => {
      expect(report.departments.map((d) => d.deptCode)).toEqual(['fz-rfb', 'fz-zjj', 'fz-zrzy']);
    });

    it('counts a co-department’s own red light and its open supervision on a joint case', () => {
      expect(report.departments[0]).toEqual({ deptCode: 'fz-rfb', inProgress: 1, yellow: 0, red: 1, decided: 0, onTime: 0, onTimeRate: null, medianWorkingDaysUsed: null, openSupervisions: 1 });
    });

    it('counts a co-department without a light of its own as in progress only', () => {
      expect(report.departments[1]).toEqual({ deptCode: 'fz-zjj', inProgress: 1, yellow: 0, red: 0, decided: 0, onTime: 0, onTimeRate: null, medianWorkingDaysUsed: null, openSupervisions: 0 });
    });

    it('counts the lead’s own yellow light, and sums its decisions over months', () => {
      expect(report.departments[2]).toEqual({ deptCode: 'fz-zrzy', inProgress: 2, yellow: 1, red: 0, decided: 4, onTime: 3, onTimeRate: 0.75, medianWorkingDaysUsed: 6, openSupervisions: 0 });
    });
  });
});
