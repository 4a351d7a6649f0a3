import { describe, expect, it } from 'vitest';
import { chineseDaysArrangement } from '#shared/adapters/calendar/chinese-days.ts';
import { WorkingCalendar } from '#shared/domain/calendar.ts';
import { decide } from '#shared/domain/decide.ts';
import { type Actor, type AuditEvent, type CaseRecord, type Command } from '#shared/domain/case.ts';
import { deadlineOf, lightOf, yellowThreshold } from '#shared/domain/deadline.ts';
import { filedCase } from '../support/case-fixtures.ts';

const calendar = new WorkingCalendar([chineseDaysArrangement]);
const lead: Actor = { kind: 'department', id: 'fz-scjg', via: 'webhook' };
const limits = { promisedDays: 5, statutoryDays: 10 };

function history(...steps: Array<[string, Command]>): AuditEvent[] {
  const first = filedCase({ createdAt: '2026-02-10T09:00:00.000+08:00' });
  let record: CaseRecord = first.record;
  const events = [first.event];
  for (const [day, command] of steps) {
    const next = decide(record, command, lead, `${day}T10:00:00.000+08:00`);
    record = next.record;
    events.push(next.event);
  }
  return events;
}

describe('F1 F2 the processing clock', () => {
  it('has not started before acceptance', () => {
    expect(deadlineOf(history(), calendar, '2026-02-12', limits)).toEqual({ started: false, paused: false, explanation: ['尚未受理：办理时限自受理之日的次日起计算。'] });
  });

  const overSpringFestival = () => deadlineOf(history(['2026-02-12', { type: 'accept' }]), calendar, '2026-02-13', limits);

  it('computes promised and statutory dues in working days from the day after acceptance, over the Spring Festival', () => {
    expect(overSpringFestival()).toMatchObject({ started: true, promisedDue: '2026-02-26', statutoryDue: '2026-03-04', remainingWorkingDays: 4, paused: false });
  });

  it('explains how the dues are counted, and what they are', () => {
    const d = overSpringFestival();
    expect(d.explanation[0]).toBe('2026年2月12日受理；承诺时限5个工作日、法定时限10个工作日，自受理次日起按工作日计算（法定节假日不计，调休上班日计入）。');
    expect(d.explanation.at(-1)).toBe('承诺办结日为2026年2月26日，法定办结日为2026年3月4日。');
  });

  const resumed = () =>
    deadlineOf(history(['2026-11-23', { type: 'accept' }], ['2026-11-25', { type: 'suspend', reason: '等待检测报告' }], ['2026-11-27', { type: 'resume' }]), calendar, '2026-11-27', limits);

  it('does not count suspended working days', () => {
    expect(resumed()).toMatchObject({ promisedDue: '2026-12-02', paused: false });
  });

  it('says how many working days a suspension did not count', () => {
    expect(resumed().explanation).toContain('2026年11月25日中止（等待检测报告），2026年11月27日恢复，中止期间2个工作日不计入时限。');
  });

  it('says the expected duration of a suspension when the department gave one (CQ 35)', () => {
    const d = deadlineOf(history(['2026-11-23', { type: 'accept' }], ['2026-11-25', { type: 'suspend', reason: '等待检测报告', workingDays: 5 }]), calendar, '2026-11-26', limits);
    expect(d.explanation).toContain('2026年11月25日起中止（等待检测报告，预计5个工作日），时限暂停计算，至今已中止1个工作日。');
  });

  it('is paused while suspended', () => {
    const d = deadlineOf(history(['2026-11-23', { type: 'accept' }], ['2026-11-25', { type: 'suspend', reason: '等待检测报告' }]), calendar, '2026-11-26', limits);
    expect(d).toMatchObject({ promisedDue: '2026-12-01', paused: true });
  });

  const extended = () => deadlineOf(history(['2026-11-23', { type: 'accept' }], ['2026-11-24', { type: 'extend', workingDays: 3, reason: '需组织专家评审' }]), calendar, '2026-11-24', limits);

  it('adds an extension’s working days', () => {
    expect(extended().promisedDue).toBe('2026-12-03');
  });

  it('says why the clock was extended', () => {
    expect(extended().explanation).toContain('2026年11月24日延长3个工作日（需组织专家评审）。');
  });

  const decided = () => deadlineOf(history(['2026-11-23', { type: 'accept' }], ['2026-11-26', { type: 'approve' }]), calendar, '2026-12-20', limits);

  it('stops at the decision', () => {
    expect(decided()).toMatchObject({ promisedDue: '2026-11-30', remainingWorkingDays: 2, paused: false });
  });

  it('says it stopped at the decision', () => {
    expect(decided().explanation).toContain('2026年11月26日已作出决定，计时停止。');
  });

  it('goes negative when past due', () => {
    expect(deadlineOf(history(['2026-11-23', { type: 'accept' }]), calendar, '2026-12-02', limits).remainingWorkingDays).toBe(-2);
  });

  it('says when a due date falls in a year whose arrangement is not yet published', () => {
    const d = deadlineOf(history(['2026-12-28', { type: 'accept' }]), calendar, '2026-12-28', limits);
    expect(d.explanation).toContain('2027年的节假日安排尚未公布，暂按周末休息计算，公布后自动更正。');
  });
});

describe('F3 lights', () => {
  const accepted = history(['2026-11-23', { type: 'accept' }]); // promised 5 → due Mon 11-30
  const light = (today: string) => lightOf(deadlineOf(accepted, calendar, today, limits), limits.promisedDays);

  it('turns yellow at 20 % of the promised days left, at least one', () => {
    expect([yellowThreshold(5), yellowThreshold(10), yellowThreshold(1), yellowThreshold(20)]).toEqual([1, 2, 1, 4]);
  });

  it('is green above the threshold, yellow from it to the due day, red once the promised due has passed', () => {
    expect(light('2026-11-26')).toBe('green'); // 2 left
    expect(light('2026-11-27')).toBe('yellow'); // 1 left
    expect(light('2026-11-28')).toBe('yellow'); // a Saturday: still 1 left
    expect(light('2026-11-30')).toBe('yellow'); // due today, 0 left
    expect(light('2026-12-01')).toBe('red');
  });

  it('is green before acceptance', () => {
    expect(lightOf(deadlineOf(history(), calendar, '2027-06-01', limits), 5)).toBe('green');
  });

  it('stays as it was at the decision', () => {
    const decided = history(['2026-11-23', { type: 'accept' }], ['2026-11-24', { type: 'approve' }]);
    expect(lightOf(deadlineOf(decided, calendar, '2027-06-01', limits), 5)).toBe('green');
  });
});
