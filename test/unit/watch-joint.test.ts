import { describe, expect, it } from 'vitest';
import { outboundFor } from '#shared/domain/actions/index.ts';
import { clocksOf, lateDepartments } from '#shared/domain/watch.ts';
import { calendar, Story } from '../support/watch-story.ts';

describe('E3 F3 joint cases: each co-department has its own clock and light', () => {
  function oneOpinionIn() {
    const s = new Story({
      leadDepartment: 'fz-zrzy',
      coDepartments: ['fz-zjj', 'fz-rfb'],
      limits: { acceptanceDays: 2, promisedDays: 10, statutoryDays: 20, opinionDays: 5 },
    });
    s.act('2026-11-23', { type: 'accept' }, { kind: 'department', id: 'fz-zrzy', via: 'webhook' });
    s.act('2026-11-27', { type: 'opinion', opinion: 'agree' }, { kind: 'department', id: 'fz-zjj', via: 'webhook' });
    return s;
  }

  it('says who is late', () => {
    // Prepare
    const s = oneOpinionIn();
    // Act
    const clocks = clocksOf(s.record, s.events, calendar, '2026-12-01');
    // Assess
    expect(clocks.map((c) => [c.deptCode, c.role, c.deadline.promisedDue, c.light, c.running])).toEqual([
      ['fz-zrzy', 'lead', '2026-12-07', 'green', true],
      ['fz-zjj', 'co', '2026-11-30', 'yellow', false], // answered with one day left: frozen at yellow
      ['fz-rfb', 'co', '2026-11-30', 'red', true],
    ]);
    expect(lateDepartments(clocks)).toEqual(['fz-rfb']);
  });

  it('tells the late co-department of its own red light', () => {
    // Prepare
    const s = oneOpinionIn();
    // Act
    const [red] = s.look('2026-12-01');
    // Assess
    expect(red).toMatchObject({ data: { deptCode: 'fz-rfb', light: 'red' } });
    expect(outboundFor(s.record, red!)).toEqual([{ deptCode: 'fz-rfb', type: 'deadline.red' }]);
  });
});
