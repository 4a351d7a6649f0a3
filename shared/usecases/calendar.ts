import type { z } from 'zod';
import { WorkingCalendar, type YearArrangement } from '../domain/calendar.ts';
import { RuleViolation, type FieldError } from '../errors.ts';
import type { Principal } from '../domain/principal.ts';
import type { CalendarYearRequest } from '../schemas/api.ts';
import { requireAdmin } from './access.ts';
import { cachedPerMinute, CACHE_MS } from './cache.ts';
import type { Deps } from './deps.ts';

/** What reading the calendar in force needs (realClock: the minute it is kept). */
export type CalendarDeps = Pick<Deps, 'realClock' | 'calendars' | 'defaultArrangement'>;

/** The calendar in force: years an administrator loaded, then the default data. Every case view needs it; it is read at most once a minute. */
const calendarInForce = cachedPerMinute(async (deps: CalendarDeps) => {
  const loaded = new Map((await deps.calendars.listCalendarYears()).map((a) => [a.year, a]));
  return new WorkingCalendar([(year) => loaded.get(year), deps.defaultArrangement]);
});
export const calendarOf = (deps: CalendarDeps): Promise<WorkingCalendar> => calendarInForce.get(deps);

const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
const isRealDate = (date: string) => {
  const t = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === date;
};

/** Loading a year: the calendar (whose cache it clears), and the watch it schedules. */
export type CalendarAdminDeps = Pick<Deps, 'scheduler' | 'clock' | 'realClock' | 'calendars' | 'defaultArrangement'>;

/**
 * PUT /admin/calendar/{year}: the State Council's arrangement for a year — holidays and the
 * weekend days that are working days (调休). It replaces whatever was known for that year.
 */
export async function loadCalendarYear(deps: CalendarAdminDeps, principal: Principal | undefined, yearParam: string, body: z.output<typeof CalendarYearRequest>) {
  requireAdmin(principal);
  const year = Number(yearParam);
  const errors: FieldError[] = [];
  if (!/^\d{4}$/.test(yearParam) || year < 2000 || year > 2100) errors.push({ path: 'year', message: 'a year between 2000 and 2100' });
  const check = (list: string[], name: 'holidays' | 'workdays') =>
    list.forEach((date, i) => {
      const path = `${name}.${i}`;
      if (!isRealDate(date)) errors.push({ path, message: `${date} is not a date` });
      else if (!date.startsWith(`${yearParam}-`)) errors.push({ path, message: `${date} is not in ${yearParam}` });
      else if (name === 'workdays' && !isWeekend(date)) errors.push({ path, message: `${date} is a weekday; make-up working days fall on weekends` });
      else if (list.indexOf(date) !== i) errors.push({ path, message: `${date} is listed twice` });
    });
  check(body.holidays, 'holidays');
  check(body.workdays, 'workdays');
  for (const date of body.workdays) if (body.holidays.includes(date)) errors.push({ path: 'workdays', message: `${date} cannot be both a holiday and a working day` });
  if (errors.length) throw new RuleViolation('the arrangement is not valid', errors);
  const arrangement: YearArrangement = { year, holidays: [...body.holidays].sort(), workdays: [...body.workdays].sort(), source: 'admin' };
  await deps.calendars.putCalendarYear(arrangement);
  // Here at once; other functions (other Lambdas in AWS) within a minute.
  calendarInForce.clear(deps);
  // Due dates in that year move: the watch looks at every case again once every function has the
  // new year (after the cache minute), and sets their timers to the new days.
  const at = new Date(deps.clock.now().getTime() + CACHE_MS + 60_000);
  await deps.scheduler.schedule(`watch-all-calendar-${year}-${deps.realClock.now().getTime()}`, at, { task: 'watch-all' });
  return arrangement;
}
