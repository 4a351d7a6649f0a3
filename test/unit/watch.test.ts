import { describe, expect, it } from 'vitest';
import { metricsFor, outboundFor } from '#shared/domain/actions/index.ts';
import type { NewCase } from '#shared/domain/case.ts';
import { clocksOf } from '#shared/domain/watch.ts';
import { calendar, Story } from '../support/watch-story.ts';

describe('F3 lights announced by the watch', () => {
  // Accepted Monday 2026-11-23; 10 promised working days → due Monday 2026-12-07; yellow with 2 left.
  function accepted(over: Partial<NewCase> = {}) {
    const s = new Story(over);
    s.act('2026-11-23', { type: 'accept' });
    return s;
  }

  it('plans its looks for the day the light turns yellow and the day it turns red', () => {
    const s = accepted();
    expect(s.days('2026-11-23')).toEqual(['2026-12-03', '2026-12-08']);
    expect(s.look('2026-11-23')).toEqual([]);
  });

  it('announces each change of light exactly once: a second look the same day changes nothing', () => {
    // Prepare
    const s = accepted();
    // Act: the look on the yellow day
    const [yellow] = s.look('2026-12-03');
    // Assess
    expect(yellow).toMatchObject({ type: 'case.light_changed', data: { deptCode: 'fz-rsj', light: 'yellow', due: '2026-12-07', remainingWorkingDays: 2 } });
    expect(outboundFor(s.record, yellow!)).toEqual([{ deptCode: 'fz-rsj', type: 'deadline.yellow' }]);
    expect(metricsFor(s.record, yellow!)).toEqual([{ name: 'CasesTurnedYellow', value: 1, department: 'fz-rsj' }]);
    // Act / Assess: a second look the same day
    expect(s.look('2026-12-03')).toEqual([]);
    expect(s.days('2026-12-03')).toEqual(['2026-12-08']);
    // Act: the look on the red day
    const [red] = s.look('2026-12-08');
    // Assess
    expect(red).toMatchObject({ data: { light: 'red', remainingWorkingDays: -1 } });
    expect(outboundFor(s.record, red!)).toEqual([{ deptCode: 'fz-rsj', type: 'deadline.red' }]);
    // Act / Assess: a second look the same day
    expect(s.look('2026-12-08')).toEqual([]);
  });

  it('uses the item’s own yellow threshold when its guide sets one', () => {
    const s = accepted({ limits: { acceptanceDays: 1, promisedDays: 10, statutoryDays: 20, yellowDays: 5 } });
    expect(s.days('2026-11-23')[0]).toBe('2026-11-30');
  });

  function suspended() {
    const s = accepted();
    s.act('2026-11-25', { type: 'suspend', reason: '等待社保关系转移' });
    return s;
  }

  it('has no timers while suspended', () => {
    const s = suspended();
    expect(s.days('2026-11-25')).toEqual([]);
    expect(s.look('2026-12-10')).toEqual([]);
  });

  it('plans the timers again on resumption, with the due moved by the suspended days', () => {
    // Prepare
    const s = suspended();
    // Act
    s.act('2026-11-30', { type: 'resume' });
    // Assess: three working days suspended (11-26, 11-27, 11-30): due 2026-12-10.
    expect(s.days('2026-11-30')).toEqual(['2026-12-08', '2026-12-11']);
  });

  function extendedWhileYellow() {
    const s = accepted();
    s.look('2026-12-03');
    s.act('2026-12-04', { type: 'extend', workingDays: 5, reason: '需补充调查' });
    return s;
  }

  it('turns green again after an extension, with the due moved', () => {
    const s = extendedWhileYellow();
    const [green] = s.look('2026-12-04');
    expect(green).toMatchObject({ data: { light: 'green', due: '2026-12-14' } });
  });

  it('sends no webhook for the green light after an extension', () => {
    const s = extendedWhileYellow();
    const [green] = s.look('2026-12-04');
    expect(outboundFor(s.record, green!)).toEqual([]);
  });

  it('stops at the decision: a decided case has nothing to announce', () => {
    // Prepare
    const s = accepted();
    // Act
    s.act('2026-12-01', { type: 'approve' });
    // Assess
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

  it('opens a supervision, once, when a red light is not explained within one working day', () => {
    // Prepare
    const s = redOn8December();
    // Assess: the next look is planned for the day after, and nothing opens on the red day
    expect(s.days('2026-12-08')).toEqual(['2026-12-09']);
    expect(s.look('2026-12-08')).toEqual([]);
    // Act: the look the working day after
    const [opened] = s.look('2026-12-09');
    // Assess
    expect(opened).toMatchObject({ type: 'case.supervision_opened', data: { supervisionId: 'sup_1', deptCode: 'fz-rsj', respondBy: '2026-12-14' } });
    expect(outboundFor(s.record, opened!)).toEqual([{ deptCode: 'fz-rsj', type: 'supervision.opened' }]);
    expect(s.record.supervisions).toEqual([{ supervisionId: 'sup_1', deptCode: 'fz-rsj', stage: 'processing', openedOn: '2026-12-09', respondBy: '2026-12-14', level: 1, status: 'open' }]);
    // Act / Assess: a second look the same day
    expect(s.look('2026-12-09')).toEqual([]);
  });

  it('dates a light from the day it changed, so a late look (a lost timer) opens the supervision at once', () => {
    // Prepare
    const s = new Story();
    s.act('2026-11-23', { type: 'accept' });
    // Act
    const events = s.look('2026-12-10');
    // Assess
    expect(events.map((e) => e.type)).toEqual(['case.light_changed', 'case.supervision_opened']);
    expect(s.record.lights!['fz-rsj']).toEqual({ light: 'red', on: '2026-12-08', due: '2026-12-07', stage: 'processing' });
  });

  it('opens none when the department explained itself in time', () => {
    // Prepare
    const s = redOn8December();
    // Act
    s.act('2026-12-08', { type: 'explain', explanation: '申请人社保关系尚在转移中，已电话告知' });
    // Assess
    expect(s.look('2026-12-09')).toEqual([]);
    expect(s.days('2026-12-09')).toEqual([]);
  });

  function opened() {
    const s = redOn8December();
    s.look('2026-12-09');
    return s;
  }
  const answer = (s: Story, day = '2026-12-10') => s.act(day, { type: 'respond_supervision', supervisionId: 'sup_1', explanation: '已补充调查，12月11日办结' });

  it('refuses an answer to a supervision that is not open', () => {
    const s = opened();
    expect(() => s.act('2026-12-10', { type: 'respond_supervision', supervisionId: 'sup_9', explanation: '说明' })).toThrow(/no open supervision/);
  });

  it('refuses an empty answer', () => {
    const s = opened();
    expect(() => s.act('2026-12-10', { type: 'respond_supervision', supervisionId: 'sup_1', explanation: '  ' })).toThrow(/cannot be empty/);
  });

  it('takes the supervised department’s answer in time as not late', () => {
    const s = opened();
    answer(s);
    expect(s.record.supervisions![0]).toMatchObject({ status: 'answered', answer: { explanation: '已补充调查，12月11日办结', late: false } });
  });

  it('plans no more looks once the supervision is answered', () => {
    const s = opened();
    answer(s);
    expect(s.days('2026-12-10')).toEqual([]);
  });

  it('refuses a second answer', () => {
    const s = opened();
    answer(s);
    expect(() => s.act('2026-12-11', { type: 'respond_supervision', supervisionId: 'sup_1', explanation: '再说一次' })).toThrow(/no open supervision/);
  });

  it('escalates an unanswered supervision the working day after its answer was due', () => {
    // Prepare
    const s = opened();
    // Assess: the look is planned for that day, and nothing happens on the last day to answer
    expect(s.days('2026-12-09')).toEqual(['2026-12-15']);
    expect(s.look('2026-12-14')).toEqual([]);
    // Act
    const [escalated] = s.look('2026-12-15');
    // Assess
    expect(escalated).toMatchObject({ type: 'case.supervision_escalated', data: { supervisionId: 'sup_1', respondBy: '2026-12-18' } });
    expect(outboundFor(s.record, escalated!)).toEqual([{ deptCode: 'fz-rsj', type: 'supervision.escalated' }]);
    expect(s.record.supervisions![0]).toMatchObject({ level: 2, escalatedOn: '2026-12-15', respondBy: '2026-12-18' });
  });

  function escalated() {
    const s = opened();
    s.look('2026-12-15');
    return s;
  }

  it('escalates only once', () => {
    const s = escalated();
    expect(s.look('2026-12-30')).toEqual([]);
  });

  it('takes an answer after the escalation’s due date as late', () => {
    const s = escalated();
    s.look('2026-12-30');
    s.act('2026-12-21', { type: 'respond_supervision', supervisionId: 'sup_1', explanation: '已办结' });
    expect(s.record.supervisions![0]!.answer).toMatchObject({ late: true });
  });
});

describe('D1 F3 the acceptance step has its own lights and supervision', () => {
  // Filed Monday 2026-11-23 10:00; acceptance limit 1 working day → due Tuesday 11-24.
  it('announces the acceptance clock’s lights: yellow on the last day, red once it has passed', () => {
    // Prepare
    const s = new Story();
    // Assess: looks planned for both days, nothing on the day of filing
    expect(s.days('2026-11-23')).toEqual(['2026-11-24', '2026-11-25']);
    expect(s.look('2026-11-23')).toEqual([]);
    // Act: the look on the last day
    const [yellow] = s.look('2026-11-24');
    // Assess
    expect(yellow).toMatchObject({ type: 'case.light_changed', data: { deptCode: 'fz-rsj', stage: 'acceptance', light: 'yellow', due: '2026-11-24', remainingWorkingDays: 0 } });
    expect(outboundFor(s.record, yellow!)).toEqual([{ deptCode: 'fz-rsj', type: 'deadline.yellow' }]);
    // Act: the look the day after
    const [red] = s.look('2026-11-25');
    // Assess
    expect(red).toMatchObject({ data: { stage: 'acceptance', light: 'red', remainingWorkingDays: -1 } });
    expect(clocksOf(s.record, s.events, calendar, '2026-11-25')[0]).toMatchObject({ stage: 'acceptance', light: 'red', running: true });
  });

  it('opens a supervision for a case 10 working days past its acceptance limit that nobody looked at', () => {
    // Prepare
    const s = new Story();
    // Act: no timer fired: the daily watch sees it late, announces red and opens the supervision at once.
    const done = s.look('2026-12-08');
    // Assess
    expect(done.map((e) => e.type)).toEqual(['case.light_changed', 'case.supervision_opened']);
    expect(s.record.lights!['fz-rsj']).toEqual({ light: 'red', on: '2026-11-25', due: '2026-11-24', stage: 'acceptance' });
    expect(s.record.supervisions).toEqual([expect.objectContaining({ deptCode: 'fz-rsj', stage: 'acceptance', status: 'open' })]);
    expect(outboundFor(s.record, done[1]!)).toEqual([{ deptCode: 'fz-rsj', type: 'supervision.opened' }]);
  });

  function askedForSupplement() {
    const s = new Story();
    s.act('2026-11-23', { type: 'request_supplement', items: [{ materialId: 'premises-layout', reason: '图纸不清晰' }] });
    return s;
  }
  const supplement = (s: Story) => s.act('2026-12-08', { type: 'supplement', materials: [] }, { kind: 'applicant', id: 'u-1', name: '陈美玲' });

  it('stands still while the applicant supplements', () => {
    // Prepare
    const s = askedForSupplement();
    // Assess: nothing due, nothing planned while the applicant has the case
    expect(s.look('2026-12-08')).toEqual([]);
    expect(s.days('2026-12-08')).toEqual([]);
    // Act
    supplement(s);
    // Assess: the department has the rest of its day (none was used before the request): due 12-09.
    expect(clocksOf(s.record, s.events, calendar, '2026-12-08')[0]!.deadline).toMatchObject({ promisedDue: '2026-12-09', remainingWorkingDays: 1 });
  });

  it('keeps the supervision away when the department explains the red light', () => {
    // Prepare
    const s = askedForSupplement();
    supplement(s);
    // Act: the light turns red
    const turned = s.look('2026-12-10');
    // Assess
    expect(turned.map((e) => (e.type === 'case.light_changed' ? e.data?.light : e.type))).toEqual(['red']);
    // Act: the department explains
    s.act('2026-12-10', { type: 'explain', explanation: '系统故障，已于今日处理' });
    // Assess
    expect(s.look('2026-12-11')).toEqual([]);
  });

  it('hands over to a green processing clock at acceptance, so the old red opens no supervision', () => {
    // Prepare
    const s = new Story();
    s.look('2026-11-25');
    // Act
    s.act('2026-11-25', { type: 'accept' });
    const [green] = s.look('2026-11-25');
    // Assess
    expect(green).toMatchObject({ type: 'case.light_changed', data: { stage: 'processing', light: 'green' } });
    expect(outboundFor(s.record, green!)).toEqual([]);
    // Act / Assess: two days later
    expect(s.look('2026-11-27')).toEqual([]);
    expect(s.record.supervisions ?? []).toEqual([]);
  });
});
