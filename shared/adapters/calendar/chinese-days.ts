import chineseDays from 'chinese-days';
import type { YearArrangement } from '../../domain/calendar.ts';

const { getHolidaysInRange, getWorkdaysInRange } = chineseDays;

/**
 * The default arrangement, from the chinese-days package's copy of the State Council's notices.
 * A year it has no notice for is unknown (undefined), not guessed: administrators load it.
 */
export function chineseDaysArrangement(year: number): YearArrangement | undefined {
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const holidays = getHolidaysInRange(from, to, false);
  if (holidays.length === 0) return undefined;
  const workdays = getWorkdaysInRange(from, to, true).filter((d: string) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()));
  return { year, holidays, workdays, source: 'chinese-days' };
}
