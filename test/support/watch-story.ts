import { chineseDaysArrangement } from '#shared/adapters/calendar/chinese-days.ts';
import { WorkingCalendar } from '#shared/domain/calendar.ts';
import { decide } from '#shared/domain/decide.ts';
import type { Actor, AuditEvent, CaseRecord, Command, NewCase } from '#shared/domain/case.ts';
import { dueActions, watchDays } from '#shared/domain/watch.ts';
import { filedCase } from './case-fixtures.ts';

export const calendar = new WorkingCalendar([chineseDaysArrangement]);
const lead: Actor = { kind: 'department', id: 'fz-rsj', via: 'webhook' };
const watch: Actor = { kind: 'system', id: 'supervision' };

/** A case and its trail, stepped through by hand on given days. */
export class Story {
  record: CaseRecord;
  events: AuditEvent[];
  private ids = 0;
  constructor(over: Partial<NewCase> = {}) {
    const first = filedCase({ leadDepartment: 'fz-rsj', limits: { acceptanceDays: 1, promisedDays: 10, statutoryDays: 20 }, ...over });
    this.record = first.record;
    this.events = [first.event];
  }
  act(day: string, command: Command, actor: Actor = lead) {
    const next = decide(this.record, command, actor, `${day}T09:30:00.000+08:00`);
    this.record = next.record;
    this.events.push(next.event);
    return next.event;
  }
  /** What the watch finds due on a day, applied as the timer would. */
  look(day: string) {
    const done: AuditEvent[] = [];
    for (let round = 0; round < 3; round++) {
      const actions = dueActions(this.record, this.events, calendar, day, () => `sup_${++this.ids}`);
      done.push(...actions.map((a) => this.act(day, a, watch)));
    }
    return done;
  }
  days(today: string) {
    return watchDays(this.record, this.events, calendar, today);
  }
}

