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
  it('takes the median of working days used from the monthly counts', () => {
    expect(medianOf({})).toBeNull();
    expect(medianOf({ 6: 1 })).toBe(6);
    expect(medianOf({ 6: 1, 12: 1 })).toBe(9);
    expect(medianOf({ 3: 2, 6: 1, 20: 1 })).toBe(4.5);
    expect(medianOf({ 3: 1, 6: 3, 20: 1 })).toBe(6);
  });

  it('counts each department’s own light on a joint case, lists the case under its worst light, and sums decisions over months', () => {
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
    expect(report.lights).toEqual({ green: 1, yellow: 0, red: 1 });
    expect(report.casesByLight.red).toEqual([{ caseId: 'joint', supervisionCode: 's', serviceItem: '建设工程规划许可证核发', late: ['fz-rfb'] }]);
    expect(report.openSupervisions).toEqual([expect.objectContaining({ supervisionId: 'sup_1', caseId: 'joint', overdue: true })]);
    expect(report.departments).toEqual([
      { deptCode: 'fz-rfb', inProgress: 1, yellow: 0, red: 1, decided: 0, onTime: 0, onTimeRate: null, medianWorkingDaysUsed: null, openSupervisions: 1 },
      { deptCode: 'fz-zjj', inProgress: 1, yellow: 0, red: 0, decided: 0, onTime: 0, onTimeRate: null, medianWorkingDaysUsed: null, openSupervisions: 0 },
      { deptCode: 'fz-zrzy', inProgress: 2, yellow: 1, red: 0, decided: 4, onTime: 3, onTimeRate: 0.75, medianWorkingDaysUsed: 6, openSupervisions: 0 },
    ]);
  });
});
