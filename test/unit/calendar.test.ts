import { describe, expect, it } from 'vitest';
import { chineseDaysArrangement } from '#shared/adapters/calendar/chinese-days.ts';
import { WorkingCalendar, type YearArrangement } from '#shared/domain/calendar.ts';
import { parseDuration } from '#shared/time.ts';

const calendar = new WorkingCalendar([chineseDaysArrangement]);

describe('F1 working days against the official 2026 arrangement', () => {
  it('knows the 2026 holidays and make-up working days', () => {
    const y = chineseDaysArrangement(2026)!;
    expect(y.workdays).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
    expect(y.holidays.filter((d) => d.startsWith('2026-02'))).toEqual(['2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23']);
    expect(y.holidays.filter((d) => d.startsWith('2026-10'))).toHaveLength(7);
  });

  it.each([
    // start (the event's day), working days, due — counting from the day after the start
    ['2026-11-23', 1, '2026-11-24', 'an ordinary Monday'],
    ['2026-11-27', 1, '2026-11-30', 'over a weekend'],
    ['2026-02-12', 5, '2026-02-26', 'Spring Festival: Sat 2/14 is a make-up working day, 2/15–2/23 are off'],
    ['2026-02-13', 1, '2026-02-14', 'a Saturday that is a working day'],
    ['2026-02-27', 1, '2026-02-28', 'the second Spring Festival make-up Saturday'],
    ['2026-09-30', 3, '2026-10-10', 'National Day: 10/1–10/7 off, Sat 10/10 is a working day'],
    ['2026-09-18', 1, '2026-09-20', 'Sunday 9/20 is a make-up working day'],
    ['2026-04-03', 1, '2026-04-07', 'Qingming 4/4–4/6'],
    ['2026-04-30', 2, '2026-05-07', 'Labour Day 5/1–5/5'],
    ['2026-12-31', 20, '2027-01-28', 'into 2027, weekends only until its arrangement is loaded'],
  ])('from %s, %i working day(s) → %s (%s)', (start, n, due) => {
    expect(calendar.addWorkingDays(start, n).due).toBe(due);
  });

  it('says which years were counted without an official arrangement', () => {
    expect(calendar.addWorkingDays('2026-12-30', 2)).toEqual({ due: '2027-01-01', unknownYears: [2027] });
    expect(calendar.addWorkingDays('2026-11-23', 5).unknownYears).toEqual([]);
  });

  it('lets a loaded arrangement win over the default', () => {
    const official2027: YearArrangement = { year: 2027, holidays: ['2027-01-01'], workdays: [], source: 'admin' };
    const loaded = new WorkingCalendar([(y) => (y === 2027 ? official2027 : undefined), chineseDaysArrangement]);
    expect(loaded.addWorkingDays('2026-12-31', 1)).toEqual({ due: '2027-01-04', unknownYears: [] });
  });

  it('counts working days between two dates', () => {
    expect(calendar.workingDaysBetween('2026-02-12', '2026-02-26')).toBe(5);
  });

  it('counts no working days between dates given the wrong way round', () => {
    expect(calendar.workingDaysBetween('2026-02-26', '2026-02-12')).toBe(0);
  });

  it('refuses to add zero working days', () => {
    expect(() => calendar.addWorkingDays('2026-11-23', 0)).toThrow();
  });

  it('refuses a date not in ISO form', () => {
    expect(() => calendar.isWorkday('23/11/2026')).toThrow();
  });
});

describe('POST /dev/clock durations', () => {
  it('reads ISO 8601 day and time durations', () => {
    expect(parseDuration('PT72H')).toBe(72 * 3600_000);
    expect(parseDuration('P3D')).toBe(3 * 86_400_000);
    expect(parseDuration('P1DT2H30M10S')).toBe(((26 * 60 + 30) * 60 + 10) * 1000);
  });

  it('refuses anything but an ISO 8601 day and time duration', () => {
    for (const bad of ['P', 'PT', '72H', 'P-1D', 'P1W', '']) expect(parseDuration(bad), bad).toBeUndefined();
  });
});
