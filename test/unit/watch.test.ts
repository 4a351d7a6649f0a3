import { describe, expect, it } from 'vitest';
import { chineseDaysArrangement } from '#shared/adapters/calendar/chinese-days.ts';
import { WorkingCalendar } from '#shared/domain/calendar.ts';
import { decide } from '#shared/domain/decide.ts';
import { type Actor, type AuditEvent, type CaseRecord, type Command, type NewCase } from '#shared/domain/case.ts';
import { metricsFor, outboundFor } from '#shared/domain/actions/index.ts';
import { clocksOf, dueActions, lateDepartments, watchDays } from '#shared/domain/watch.ts';
import { filedCase } from '../support/case-fixtures.ts';

const calendar = new WorkingCalendar([chineseDaysArrangement]);
const lead: Actor = { kind: 'department', id: 'fz-rsj', via: 'webhook' };
const watch: Actor = { kind: 'system', id: 'supervision' };

/** A case and its trail, stepped through by hand on given days. */
class Story {
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

describe('F3 lights announced by the watch', () => {
  // Accepted Monday 2026-11-23; 10 promised working days → due Monday 2026-12-07; yellow with 2 left.
  it('plans its looks for the day the light turns yellow and the day it turns red', () => {
    const s = new Story();
    s.act('2026-11-23', { type: 'accept' });
    expect(s.days('2026-11-23')).toEqual(['2026-12-03', '2026-12-08']);
    expect(s.look('2026-11-23')).toEqual([]);
  });

  it('announces yellow once, then red once: a second look the same day changes nothing', () => {
    const s = new Story();
    s.act('2026-11-23', { type: 'accept' });
    const [yellow] = s.look('2026-12-03');
    expect(yellow).toMatchObject({ type: 'case.light_changed', data: { deptCode: 'fz-rsj', light: 'yellow', due: '2026-12-07', remainingWorkingDays: 2 } });
    expect(outboundFor(s.record, yellow!)).toEqual([{ deptCode: 'fz-rsj', type: 'deadline.yellow' }]);
    expect(metricsFor(s.record, yellow!)).toEqual([{ name: 'CasesTurnedYellow', value: 1, department: 'fz-rsj' }]);
    expect(s.look('2026-12-03')).toEqual([]);
    expect(s.days('2026-12-03')).toEqual(['2026-12-08']);
    const [red] = s.look('2026-12-08');
    expect(red).toMatchObject({ data: { light: 'red', remainingWorkingDays: -1 } });
    expect(outboundFor(s.record, red!)).toEqual([{ deptCode: 'fz-rsj', type: 'deadline.red' }]);
    expect(s.look('2026-12-08')).toEqual([]);
  });

  it('uses the item’s own yellow threshold when its guide sets one', () => {
    const s = new Story({ limits: { acceptanceDays: 1, promisedDays: 10, statutoryDays: 20, yellowDays: 5 } });
    s.act('2026-11-23', { type: 'accept' });
    expect(s.days('2026-11-23')[0]).toBe('2026-11-30');
  });

  it('has no timers while suspended, and plans them again on resumption with the due moved', () => {
    const s = new Story();
    s.act('2026-11-23', { type: 'accept' });
    s.act('2026-11-25', { type: 'suspend', reason: '等待社保关系转移' });
    expect(s.days('2026-11-25')).toEqual([]);
    expect(s.look('2026-12-10')).toEqual([]);
    s.act('2026-11-30', { type: 'resume' });
    // Three working days suspended (11-26, 11-27, 11-30): due 2026-12-10.
    expect(s.days('2026-11-30')).toEqual(['2026-12-08', '2026-12-11']);
  });

  it('turns green again after an extension, and says so on the record without a webhook', () => {
    const s = new Story();
    s.act('2026-11-23', { type: 'accept' });
    s.look('2026-12-03');
    s.act('2026-12-04', { type: 'extend', workingDays: 5, reason: '需补充调查' });
    const [green] = s.look('2026-12-04');
    expect(green).toMatchObject({ data: { light: 'green', due: '2026-12-14' } });
    expect(outboundFor(s.record, green!)).toEqual([]);
  });

  it('stops at the decision: a decided case has nothing to announce', () => {
    const s = new Story();
    s.act('2026-11-23', { type: 'accept' });
    s.act('2026-12-01', { type: 'approve' });
    expect(s.days('2026-12-01')).toEqual([]);
    expect(s.look('2026-12-20')).toEqual([]);
  });
});

describe('F3 supervision (督办)', () => {
  function redOn8December() {
    const s = new Story();
    s.act('2026-11-23', { type: 'accept' });
    s.look('2026-12-03');
    s.look('2026-12-08');
    return s;
  }

  it('opens a supervision when a red light is not explained within one working day', () => {
    const s = redOn8December();
    expect(s.days('2026-12-08')).toEqual(['2026-12-09']);
    expect(s.look('2026-12-08')).toEqual([]);
    const [opened] = s.look('2026-12-09');
    expect(opened).toMatchObject({ type: 'case.supervision_opened', data: { supervisionId: 'sup_1', deptCode: 'fz-rsj', respondBy: '2026-12-14' } });
    expect(outboundFor(s.record, opened!)).toEqual([{ deptCode: 'fz-rsj', type: 'supervision.opened' }]);
    expect(s.record.supervisions).toEqual([{ supervisionId: 'sup_1', deptCode: 'fz-rsj', stage: 'processing', openedOn: '2026-12-09', respondBy: '2026-12-14', level: 1, status: 'open' }]);
    expect(s.look('2026-12-09')).toEqual([]);
  });

  it('dates a light from the day it changed, so a late look (a lost timer) opens the supervision at once', () => {
    const s = new Story();
    s.act('2026-11-23', { type: 'accept' });
    const events = s.look('2026-12-10');
    expect(events.map((e) => e.type)).toEqual(['case.light_changed', 'case.supervision_opened']);
    expect(s.record.lights!['fz-rsj']).toEqual({ light: 'red', on: '2026-12-08', due: '2026-12-07', stage: 'processing' });
  });

  it('opens none when the department explained itself in time', () => {
    const s = redOn8December();
    s.act('2026-12-08', { type: 'explain', explanation: '申请人社保关系尚在转移中，已电话告知' });
    expect(s.look('2026-12-09')).toEqual([]);
    expect(s.days('2026-12-09')).toEqual([]);
  });

  it('takes the answer, late or not, and only from the supervised department', () => {
    const s = redOn8December();
    s.look('2026-12-09');
    expect(() => s.act('2026-12-10', { type: 'respond_supervision', supervisionId: 'sup_9', explanation: '说明' })).toThrow(/no open supervision/);
    expect(() => s.act('2026-12-10', { type: 'respond_supervision', supervisionId: 'sup_1', explanation: '  ' })).toThrow(/cannot be empty/);
    s.act('2026-12-10', { type: 'respond_supervision', supervisionId: 'sup_1', explanation: '已补充调查，12月11日办结' });
    expect(s.record.supervisions![0]).toMatchObject({ status: 'answered', answer: { explanation: '已补充调查，12月11日办结', late: false } });
    expect(s.days('2026-12-10')).toEqual([]);
    expect(() => s.act('2026-12-11', { type: 'respond_supervision', supervisionId: 'sup_1', explanation: '再说一次' })).toThrow(/no open supervision/);
  });

  it('escalates an unanswered supervision the working day after its answer was due, once', () => {
    const s = redOn8December();
    s.look('2026-12-09');
    expect(s.days('2026-12-09')).toEqual(['2026-12-15']);
    expect(s.look('2026-12-14')).toEqual([]);
    const [escalated] = s.look('2026-12-15');
    expect(escalated).toMatchObject({ type: 'case.supervision_escalated', data: { supervisionId: 'sup_1', respondBy: '2026-12-18' } });
    expect(outboundFor(s.record, escalated!)).toEqual([{ deptCode: 'fz-rsj', type: 'supervision.escalated' }]);
    expect(s.record.supervisions![0]).toMatchObject({ level: 2, escalatedOn: '2026-12-15', respondBy: '2026-12-18' });
    expect(s.look('2026-12-30')).toEqual([]);
    s.act('2026-12-21', { type: 'respond_supervision', supervisionId: 'sup_1', explanation: '已办结' });
    expect(s.record.supervisions![0]!.answer).toMatchObject({ late: true });
  });
});

describe('D1 F3 the acceptance step has its own lights and supervision', () => {
  // Filed Monday 2026-11-23 10:00; acceptance limit 1 working day → due Tuesday 11-24.
  it('turns yellow on the last day and red once it has passed, announced as the acceptance clock', () => {
    const s = new Story();
    expect(s.days('2026-11-23')).toEqual(['2026-11-24', '2026-11-25']);
    expect(s.look('2026-11-23')).toEqual([]);
    const [yellow] = s.look('2026-11-24');
    expect(yellow).toMatchObject({ type: 'case.light_changed', data: { deptCode: 'fz-rsj', stage: 'acceptance', light: 'yellow', due: '2026-11-24', remainingWorkingDays: 0 } });
    expect(outboundFor(s.record, yellow!)).toEqual([{ deptCode: 'fz-rsj', type: 'deadline.yellow' }]);
    const [red] = s.look('2026-11-25');
    expect(red).toMatchObject({ data: { stage: 'acceptance', light: 'red', remainingWorkingDays: -1 } });
    expect(clocksOf(s.record, s.events, calendar, '2026-11-25')[0]).toMatchObject({ stage: 'acceptance', light: 'red', running: true });
  });

  it('opens a supervision for a case 10 working days past its acceptance limit that nobody looked at', () => {
    const s = new Story();
    // No timer fired: the daily watch sees it late, announces red and opens the supervision at once.
    const done = s.look('2026-12-08');
    expect(done.map((e) => e.type)).toEqual(['case.light_changed', 'case.supervision_opened']);
    expect(s.record.lights!['fz-rsj']).toEqual({ light: 'red', on: '2026-11-25', due: '2026-11-24', stage: 'acceptance' });
    expect(s.record.supervisions).toEqual([expect.objectContaining({ deptCode: 'fz-rsj', stage: 'acceptance', status: 'open' })]);
    expect(outboundFor(s.record, done[1]!)).toEqual([{ deptCode: 'fz-rsj', type: 'supervision.opened' }]);
  });

  it('stands still while the applicant supplements, and an explanation keeps the supervision away', () => {
    const s = new Story();
    s.act('2026-11-23', { type: 'request_supplement', items: [{ materialId: 'premises-layout', reason: '图纸不清晰' }] });
    expect(s.look('2026-12-08')).toEqual([]);
    expect(s.days('2026-12-08')).toEqual([]);
    s.act('2026-12-08', { type: 'supplement', materials: [] }, { kind: 'applicant', id: 'u-1', name: '陈美玲' });
    // The department has the rest of its day (none was used before the request): due 12-09.
    expect(clocksOf(s.record, s.events, calendar, '2026-12-08')[0]!.deadline).toMatchObject({ promisedDue: '2026-12-09', remainingWorkingDays: 1 });
    expect(s.look('2026-12-10').map((e) => (e.type === 'case.light_changed' ? e.data?.light : e.type))).toEqual(['red']);
    s.act('2026-12-10', { type: 'explain', explanation: '系统故障，已于今日处理' });
    expect(s.look('2026-12-11')).toEqual([]);
  });

  it('hands over to the processing clock at acceptance: green again, and no supervision for the old red', () => {
    const s = new Story();
    s.look('2026-11-25');
    s.act('2026-11-25', { type: 'accept' });
    const [green] = s.look('2026-11-25');
    expect(green).toMatchObject({ type: 'case.light_changed', data: { stage: 'processing', light: 'green' } });
    expect(outboundFor(s.record, green!)).toEqual([]);
    expect(s.look('2026-11-27')).toEqual([]);
    expect(s.record.supervisions ?? []).toEqual([]);
  });
});

describe('E3 F3 joint cases: each co-department has its own clock and light', () => {
  it('says who is late', () => {
    const s = new Story({
      leadDepartment: 'fz-zrzy',
      coDepartments: ['fz-zjj', 'fz-rfb'],
      limits: { acceptanceDays: 2, promisedDays: 10, statutoryDays: 20, opinionDays: 5 },
    });
    s.act('2026-11-23', { type: 'accept' }, { kind: 'department', id: 'fz-zrzy', via: 'webhook' });
    s.act('2026-11-27', { type: 'opinion', opinion: 'agree' }, { kind: 'department', id: 'fz-zjj', via: 'webhook' });
    const clocks = clocksOf(s.record, s.events, calendar, '2026-12-01');
    expect(clocks.map((c) => [c.deptCode, c.role, c.deadline.promisedDue, c.light, c.running])).toEqual([
      ['fz-zrzy', 'lead', '2026-12-07', 'green', true],
      ['fz-zjj', 'co', '2026-11-30', 'yellow', false], // answered with one day left: frozen at yellow
      ['fz-rfb', 'co', '2026-11-30', 'red', true],
    ]);
    expect(lateDepartments(clocks)).toEqual(['fz-rfb']);
    // The late co-department hears of its own light.
    const [red] = s.look('2026-12-01');
    expect(red).toMatchObject({ data: { deptCode: 'fz-rfb', light: 'red' } });
    expect(outboundFor(s.record, red!)).toEqual([{ deptCode: 'fz-rfb', type: 'deadline.red' }]);
  });
});
