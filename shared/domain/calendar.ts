/**
 * Working days in Asia/Shanghai (requirement F1): Monday to Friday, except official holidays, plus
 * the official make-up working days (调休) that fall on weekends. Dates are calendar dates
 * (YYYY-MM-DD) in Shanghai. Limits count from the day after the start event.
 */
export type YearArrangement = { year: number; holidays: string[]; workdays: string[]; source: string };

/** Where a year's official arrangement comes from; undefined when none is known for that year. */
export type ArrangementSource = (year: number) => YearArrangement | undefined;

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

export class WorkingCalendar {
  private readonly cache = new Map<number, { holidays: Set<string>; workdays: Set<string>; known: boolean }>();

  /** Sources in order of precedence: an administrator's loaded arrangement wins over the default. */
  constructor(private readonly sources: ArrangementSource[]) {}

  private year(year: number) {
    let entry = this.cache.get(year);
    if (!entry) {
      const found = this.sources.map((s) => s(year)).find(Boolean);
      entry = { holidays: new Set(found?.holidays), workdays: new Set(found?.workdays), known: !!found };
      this.cache.set(year, entry);
    }
    return entry;
  }

  /** Whether the official arrangement of a year is known; if not, only weekends are rest days. */
  knows(year: number): boolean {
    return this.year(year).known;
  }

  isWorkday(date: string): boolean {
    if (!DATE.test(date)) throw new Error(`not a date: ${date}`);
    const y = this.year(Number(date.slice(0, 4)));
    if (y.holidays.has(date)) return false;
    if (y.workdays.has(date)) return true;
    const d = weekday(date);
    return d !== 0 && d !== 6;
  }

  /** The n-th working day after `start` (n ≥ 1), and the years counted without official data. */
  addWorkingDays(start: string, n: number): { due: string; unknownYears: number[] } {
    if (!Number.isInteger(n) || n < 1) throw new Error('a limit is a whole number of working days, at least 1');
    const unknown = new Set<number>();
    let date = start;
    for (let counted = 0; counted < n; ) {
      date = nextDay(date);
      if (!this.knows(Number(date.slice(0, 4)))) unknown.add(Number(date.slice(0, 4)));
      if (this.isWorkday(date)) counted += 1;
    }
    return { due: date, unknownYears: [...unknown] };
  }

  /** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
  workingDaysBetween(from: string, to: string): number {
    let count = 0;
    for (let date = nextDay(from); date <= to; date = nextDay(date)) if (this.isWorkday(date)) count += 1;
    return count;
  }
}
