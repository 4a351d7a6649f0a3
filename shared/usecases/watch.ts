import { createHash } from 'node:crypto';
import { decide } from '../domain/decide.ts';
import { FINAL_STATUSES, type Actor, type AuditEvent, type CaseRecord } from '../domain/case.ts';
import { checkWorkflowRuns } from './reconcile.ts';
import { metricsFor } from '../domain/actions/index.ts';
import { dueActions, watchDays } from '../domain/watch.ts';
import { retrying } from './retry.ts';
import { newId } from '../ids.ts';
import { shanghaiDate, toShanghaiIso } from '../time.ts';
import { calendarOf } from './calendar.ts';
import { deliveriesFor, enqueue, scheduleFirstAttempts } from './deliveries.ts';
import type { Deps } from './deps.ts';
import { logCaseChange, logger } from '../log.ts';
import { RuleViolation } from '../errors.ts';

/**
 * The electronic supervision watch (F3): on a case's timer it announces light changes
 * (deadline.yellow / deadline.red), opens supervision cases (督办) for red lights nobody explained,
 * escalates unanswered ones, and sets the timers for the next days it must look again. Everything
 * it does is a step on the case's record; a second look on the same day finds nothing to do.
 */
const WATCH: Actor = { kind: 'system', id: 'supervision' };

/** One timer per case and day (at 00:00 in Shanghai); the watch looks at everything that day. */
export const watchTimerName = (caseId: string, day: string) => `watch-${caseId}-${day.replaceAll('-', '')}`;
const startOfDay = (day: string) => new Date(`${day}T00:00:00+08:00`);

/** The watch on one case: the case, the calendar, the webhooks and timers it sets, its metrics. */
export type WatchDeps = Pick<Deps, 'cases' | 'scheduler' | 'clock' | 'realClock' | 'calendars' | 'defaultArrangement' | 'metrics'>;

export async function watchCase(
  deps: WatchDeps,
  caseId: string,
  opts: { previousDays?: string[]; /** The case as the caller just read it, saving a read (read again if it moved meanwhile). */ current?: { record: CaseRecord; events: AuditEvent[] } } = {},
) {
  const calendar = await calendarOf(deps);
  const today = shanghaiDate(deps.clock.now());
  // Someone acting on the case meanwhile makes the watch look again at the case as it now is.
  const seen = await retrying(async (attempt) => {
    const found = attempt === 1 && opts.current ? opts.current : await deps.cases.getWithEvents(caseId);
    if (!found) return undefined;
    let { record } = found;
    const events = [...found.events];
    const done: string[] = [];
    // A step may make another due (a red light announced late is already past its explanation window).
    for (let round = 0; round < 3; round++) {
      const actions = dueActions(record, events, calendar, today, () => `sup_${newId(deps.clock.now())}`);
      if (!actions.length) break;
      for (const command of actions) {
        const decided = decide(record, command, WATCH, toShanghaiIso(deps.clock.now()));
        const deliveries = deliveriesFor(deps, decided.record, decided.event);
        await deps.cases.commit({ record: decided.record, event: decided.event, expectedVersion: record.version, companions: enqueue(deliveries) });
        logCaseChange(decided.event);
        deps.metrics.emit(metricsFor(decided.record, decided.event));
        await scheduleFirstAttempts(deps, deliveries);
        record = decided.record;
        events.push(decided.event);
        done.push(decided.event.type);
      }
    }
    return { record, events, done };
  });
  if (!seen) return { caseId, done: [] as string[] };
  await syncWatchTimers(deps, caseId, opts.previousDays, watchDays(seen.record, seen.events, calendar, today), today);
  return { caseId, done: seen.done };
}

/**
 * Sets a timer for each future day the watch must look, and deletes the timers of days no longer
 * planned (a suspension deletes them all; the resumption plans them again). Days up to today
 * were looked at just now. Timer names are per day, so setting one twice keeps one.
 */
async function syncWatchTimers(deps: Pick<Deps, 'scheduler'>, caseId: string, previous: string[] = [], planned: string[], today: string): Promise<void> {
  const future = planned.filter((d) => d > today);
  await Promise.all([
    ...previous.filter((d) => !future.includes(d)).map((d) => deps.scheduler.cancel(watchTimerName(caseId, d))),
    ...future.filter((d) => !previous.includes(d)).map((d) => deps.scheduler.schedule(watchTimerName(caseId, d), startOfDay(d), { task: 'watch', caseId })),
  ]);
}

const PARALLEL = 8;

/** Cases per run of the daily watch. */
const WATCH_PAGE = 200;

/** The daily watch: every watched case, and the check of its workflow run. */
export type WatchAllDeps = Pick<Deps, 'cases' | 'workflowRuns' | 'scheduler' | 'workflow' | 'clock' | 'realClock' | 'calendars' | 'defaultArrangement' | 'metrics'>;

/**
 * Every watched case, once a day: nothing is missed if a timer was lost, and a newly loaded
 * calendar year moves the timers. One page per run (bounded work per Lambda invocation); the next
 * page is a new timer, named after its cursor so a repeated run does not fork the walk.
 */
export async function watchAll(deps: WatchAllDeps, cursor?: string, opts: { pageSize?: number } = {}): Promise<{ watched: number; more: boolean }> {
  const page = await deps.cases.listWatched(opts.pageSize ?? WATCH_PAGE, cursor).catch((err: unknown) => {
    // A cursor from before the watch list was sharded (a timer set by an older version): look
    // again from the start rather than stop the daily walk (watching a case twice changes nothing).
    if (!(cursor && err instanceof RuleViolation)) throw err;
    logger.warn('watch-all cursor no longer valid; starting again from the first page', { cursor: cursor.slice(0, 80) });
    return deps.cases.listWatched(opts.pageSize ?? WATCH_PAGE);
  });
  for (let i = 0; i < page.items.length; i += PARALLEL) {
    await Promise.all(
      page.items.slice(i, i + PARALLEL).map(async (c) => {
        await watchCase(deps, c.caseId);
        // A workflow whose end nobody reported is found here, once a day at most.
        if (!FINAL_STATUSES.has(c.status)) await checkWorkflowRuns(deps, c.caseId);
      }),
    );
  }
  if (page.nextCursor) {
    const name = `watch-all-${createHash('sha256').update(page.nextCursor).digest('hex').slice(0, 40)}`;
    await deps.scheduler.schedule(name, deps.clock.now(), { task: 'watch-all', cursor: page.nextCursor });
  }
  return { watched: page.items.length, more: !!page.nextCursor };
}
