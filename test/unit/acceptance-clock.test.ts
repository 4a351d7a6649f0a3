import { describe, expect, it } from 'vitest';
import { chineseDaysArrangement } from '#shared/adapters/calendar/chinese-days.ts';
import { acceptanceClock } from '#shared/domain/acceptance-clock.ts';
import { WorkingCalendar } from '#shared/domain/calendar.ts';
import { decide } from '#shared/domain/decide.ts';
import { type Actor, type AuditEvent, type CaseRecord, type Command } from '#shared/domain/case.ts';
import { filedCase } from '../support/case-fixtures.ts';

const calendar = new WorkingCalendar([chineseDaysArrangement]);
const dept: Actor = { kind: 'department', id: 'fz-scjg', via: 'webhook' };
const applicant: Actor = { kind: 'applicant', id: 'u-1', name: '陈美玲' };
const upload = { materialId: 'premises-layout', source: 'upload' as const, uploadId: 'U2', objectKey: 'uploads/U2', fileName: 'b.pdf', contentType: 'application/pdf', size: 1, sha256: 'z' };

function history(filedOn: string, ...steps: Array<[string, Command, Actor]>): AuditEvent[] {
  const first = filedCase({ createdAt: `${filedOn}T09:00:00.000+08:00` });
  let record: CaseRecord = first.record;
  const events = [first.event];
  for (const [day, command, actor] of steps) {
    const next = decide(record, command, actor, `${day}T10:00:00.000+08:00`);
    record = next.record;
    events.push(next.event);
  }
  return events;
}

const ask: Command = { type: 'request_supplement', items: [{ materialId: 'premises-layout', reason: '图纸不清晰' }] };

describe('D2 the acceptance clock stops while the applicant supplements', () => {
  it('runs in working days from the day after filing', () => {
    expect(acceptanceClock(history('2026-11-23'), calendar, '2026-11-25', 1)).toEqual({ limitWorkingDays: 1, usedWorkingDays: 2, running: true, paused: false, overdue: true });
  });

  // Filed Mon 11-23; asked Tue 11-24 (1 day used); supplemented Mon 11-30; today Tue 12-01.
  const supplemented = () => history('2026-11-23', ['2026-11-24', ask, dept], ['2026-11-30', { type: 'supplement', materials: [upload] }, applicant]);

  it('pauses while the applicant supplements', () => {
    expect(acceptanceClock(supplemented().slice(0, 2), calendar, '2026-11-27', 2)).toMatchObject({ usedWorkingDays: 1, running: false, paused: true });
  });

  it('does not count the days the applicant took to supplement', () => {
    const events = supplemented();
    expect(acceptanceClock(events, calendar, '2026-12-01', 2)).toEqual({ limitWorkingDays: 2, usedWorkingDays: 2, running: true, paused: false, overdue: false });
  });

  it('stops at acceptance, counting over the Spring Festival in working days', () => {
    const events = history('2026-02-13', ['2026-02-24', { type: 'accept' }, dept]);
    // Sat 2/14 is a make-up working day, 2/15–2/23 are off, Tue 2/24: two working days.
    expect(acceptanceClock(events, calendar, '2026-03-10', 1)).toMatchObject({ usedWorkingDays: 2, running: false, paused: false, overdue: true });
  });
});
