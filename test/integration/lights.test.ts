import { fileCase, listCases, staffAction, supervisionOverview, viewCase } from '../support/checked.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { findItem } from '#shared/catalog/index.ts';
import { isSms, type Delivery, type WebhookDelivery } from '#shared/domain/delivery.ts';
import { runScheduledTask } from '#shared/usecases/scheduled.ts';
import { watchAll } from '#shared/usecases/watch.ts';
import { Forbidden, RuleViolation } from '#shared/errors.ts';
import { integrationDeps } from '../support/deps.ts';
import { acceptedPensionCaseOf, at, fireDueOf, rsj, staff, watchTimersOf, type LightsDeps } from '../support/lights.ts';
import { admin, citizen, pdf, uploadFile } from '../support/fixtures.ts';

let deps: LightsDeps;
const watchTimers = (caseId: string) => watchTimersOf(deps, caseId);
const fireDue = () => fireDueOf(deps);
const store = () => deps.store.timers;
const acceptedPensionCase = (day?: string) => acceptedPensionCaseOf(deps, day);

const outbound = async (caseId: string) =>
  ((await deps.store.deliveries.listOverdueDeliveries('9999-12-31', 1000)) as Delivery[]).filter((d): d is WebhookDelivery => !isSms(d) && d.data.caseId === caseId).map((d) => d.type);

beforeAll(async () => {
  deps = await integrationDeps();
});

describe('D1 F3 the acceptance clock on the same timers and watch', () => {
  it('runs the acceptance step on the watch’s timers, from filing to the hand-over at acceptance', async () => {
    // Prepare
    deps.clock.set(at('2026-11-23', '09:00:00'));
    const item = findItem('basic-pension-claim')!;
    const upload = await uploadFile(deps, citizen(), pdf('社会保障卡'), 'bank-card.pdf');
    const { body } = await fileCase(deps, citizen(), { serviceItemCode: item.code, form: item.formExample as Record<string, unknown>, materials: [{ materialId: 'bank-card', uploadId: upload.uploadId }] });
    const caseId = body.caseId;
    // Assess: acceptance limit: 2 working days → due Wednesday 11-25 (yellow that day), red from Thursday.
    expect(await watchTimers(caseId)).toEqual(['20261125', '20261126']);

    // Act: the due day
    deps.clock.set(at('2026-11-25'));
    await fireDue();
    // Assess
    expect((await viewCase(deps, citizen(), caseId)).acceptanceClock).toMatchObject({ light: 'yellow', due: '2026-11-25', remainingWorkingDays: 0 });
    // Act: red on Thursday, unexplained for a working day: supervised on Friday.
    deps.clock.set(at('2026-11-27'));
    await fireDue();
    // Assess
    const late = await viewCase(deps, citizen(), caseId);
    expect(late).toMatchObject({ status: 'submitted', light: 'red', late: ['fz-rsj'] });
    expect(late.supervisions).toEqual([expect.objectContaining({ deptCode: 'fz-rsj', stage: 'acceptance', status: 'open' })]);
    const sent = ((await deps.store.deliveries.listOverdueDeliveries('9999-12-31', 1000)) as Delivery[]).filter((d): d is WebhookDelivery => !isSms(d) && d.data.caseId === caseId && d.type !== 'case.submitted');
    expect(sent.map((d) => [d.type, d.data.stage]).sort()).toEqual([
      ['deadline.red', 'acceptance'],
      ['deadline.yellow', 'acceptance'],
      ['supervision.opened', 'acceptance'],
    ]);
    expect((await listCases(deps, rsj.reviewer, { limit: 100, status: 'submitted', light: 'red' })).items.map((c) => c.caseId)).toContain(caseId);
    expect((await supervisionOverview(deps, admin)).casesByLight.red.map((c) => c.caseId)).toContain(caseId);

    // Act: acceptance
    await staffAction(deps, rsj.reviewer, caseId, { type: 'case.accept', data: {} });
    // Assess
    const accepted = await viewCase(deps, citizen(), caseId);
    expect(accepted.light).toBe('green');
    expect(accepted.timeline.at(-1)).toMatchObject({ type: 'case.light_changed', data: { stage: 'processing', light: 'green' } });
    // The processing clock's timers replace the acceptance step's.
    const processing = await watchTimers(caseId);
    expect(processing.length).toBeGreaterThan(0);
    expect(processing.every((d) => d > '20261127')).toBe(true);
  });
});

describe('F3 lights on timers through the Scheduler port (local scheduler on the platform clock)', () => {
  it('announces yellow and red each once, as the timers set at acceptance fire', async () => {
    // Prepare
    const caseId = await acceptedPensionCase();
    expect(await watchTimers(caseId)).toEqual(['20261203', '20261208']);

    // Act: the yellow day
    deps.clock.set(at('2026-12-03'));
    await fireDue();
    // Assess
    const yellow = await viewCase(deps, citizen(), caseId);
    expect(yellow.light).toBe('yellow');
    expect(yellow.timeline.at(-1)).toMatchObject({ type: 'case.light_changed', actor: { kind: 'system', id: 'supervision' }, data: { light: 'yellow', due: '2026-12-07' } });
    expect(await outbound(caseId)).toContain('deadline.yellow');
    expect(deps.metrics.points).toContainEqual({ name: 'CasesTurnedYellow', value: 1, department: 'fz-rsj' });

    // Act / Assess: the same timer firing again (EventBridge delivers at least once) finds nothing to do.
    const events = (await deps.cases.getWithEvents(caseId))!.events.length;
    expect(await runScheduledTask(deps, { task: 'watch', caseId })).toEqual({ caseId, done: [] });
    expect((await deps.cases.getWithEvents(caseId))!.events).toHaveLength(events);

    // Act: the red day
    deps.clock.set(at('2026-12-08'));
    await fireDue();
    // Assess
    expect((await viewCase(deps, citizen(), caseId)).light).toBe('red');
    expect((await outbound(caseId)).filter((t) => t.startsWith('deadline.')).sort()).toEqual(['deadline.red', 'deadline.yellow']);
  });

  it('deletes the pending timers on suspension and sets them again on resumption', async () => {
    // Prepare
    const caseId = await acceptedPensionCase();
    // Act: suspension
    deps.clock.set(at('2026-11-25', '10:00:00'));
    await staffAction(deps, rsj.approver, caseId, { type: 'case.suspend', data: { reason: '等待社保关系转移' } });
    // Assess
    expect(await watchTimers(caseId)).toEqual([]);
    // Act: past the old due day
    deps.clock.set(at('2026-12-09'));
    await fireDue();
    // Assess
    expect((await viewCase(deps, citizen(), caseId)).light).toBe('green');
    // Act: resumption
    await staffAction(deps, rsj.approver, caseId, { type: 'case.resume', data: {} });
    // Assess: ten working days suspended (11-26 … 12-09): due 2026-12-21, yellow from 12-17.
    expect((await viewCase(deps, citizen(), caseId)).deadline.promisedDue).toBe('2026-12-21');
    expect(await watchTimers(caseId)).toEqual(['20261217', '20261222']);
  });
});

describe('F3 supervision (督办) through timers and webhooks', () => {
  it('shows the approver’s answer to the supervision an unexplained red light opened', async () => {
    // Prepare: red
    const caseId = await acceptedPensionCase();
    deps.clock.set(at('2026-12-08'));
    await fireDue();
    expect(await watchTimers(caseId)).toEqual(['20261209']);
    // Act: a working day unexplained
    deps.clock.set(at('2026-12-09'));
    await fireDue();
    // Assess
    const view = await viewCase(deps, staff('fz-rsj', 'approver'), caseId);
    expect(view.late).toEqual(['fz-rsj']);
    expect(view.supervisions).toEqual([expect.objectContaining({ deptCode: 'fz-rsj', openedOn: '2026-12-09', respondBy: '2026-12-14', level: 1, status: 'open' })]);
    expect(await outbound(caseId)).toContain('supervision.opened');
    expect(await watchTimers(caseId)).toEqual(['20261215']);

    // Act / Assess: a reviewer may not answer
    const supervisionId = view.supervisions![0]!.supervisionId;
    await expect(staffAction(deps, rsj.reviewer, caseId, { type: 'supervision.respond', data: { supervisionId, explanation: '说明' } })).rejects.toThrow(/needs the role approver/);
    // Act: the approver answers
    deps.clock.set(at('2026-12-10', '15:00:00'));
    await staffAction(deps, rsj.approver, caseId, { type: 'supervision.respond', data: { supervisionId, explanation: '申请人补充材料耗时，已于今日办结' } });
    // Assess
    const answered = await viewCase(deps, citizen(), caseId);
    expect(answered.supervisions![0]).toMatchObject({ status: 'answered', answer: { explanation: '申请人补充材料耗时，已于今日办结', late: false } });
    expect(await watchTimers(caseId)).toEqual([]);
  });

  it('opens none when the department explains the red light in time', async () => {
    // Prepare
    const caseId = await acceptedPensionCase();
    deps.clock.set(at('2026-12-08'));
    await fireDue();
    await staffAction(deps, rsj.approver, caseId, { type: 'case.explain', data: { explanation: '待人社部门核对视同缴费年限' } });
    // Act
    deps.clock.set(at('2026-12-09'));
    await fireDue();
    // Assess
    expect((await viewCase(deps, citizen(), caseId)).supervisions).toBeUndefined();
  });
});

describe('F4 the supervision figures (GET /admin/supervision)', () => {
  let onTime: string;
  let late: string;
  let open: string;
  beforeAll(async () => {
    deps = await integrationDeps(); // a table of its own: only this story's cases
    onTime = await acceptedPensionCase();
    late = await acceptedPensionCase();
    open = await acceptedPensionCase();
    deps.clock.set(at('2026-12-01', '10:00:00'));
    await staffAction(deps, rsj.approver, onTime, { type: 'case.approve', data: {} });
    deps.clock.set(at('2026-12-08'));
    await fireDue();
    deps.clock.set(at('2026-12-09'));
    await fireDue();
    await staffAction(deps, rsj.approver, late, { type: 'case.approve', data: {} });
  });
  const report = () => supervisionOverview(deps, admin);

  it('is for administrators only', async () => {
    await expect(supervisionOverview(deps, staff('fz-rsj', 'approver'))).rejects.toBeInstanceOf(Forbidden);
  });

  it('is dated on the platform’s day', async () => {
    expect((await report()).asOf).toBe('2026-12-09');
  });

  it('counts the lights of the cases in progress', async () => {
    expect((await report()).lights).toEqual({ green: 0, yellow: 0, red: 1 });
  });

  it('lists the red cases with their late departments', async () => {
    expect((await report()).casesByLight.red).toEqual([expect.objectContaining({ caseId: open, late: ['fz-rsj'], serviceItem: '城镇职工基本养老保险待遇申领' })]);
  });

  it('keeps a late case’s supervision open after its decision: the department still owes an answer', async () => {
    expect((await report()).openSupervisions.map((s) => [s.caseId, s.deptCode, s.respondBy, s.overdue]).sort()).toEqual(
      [[late, 'fz-rsj', '2026-12-14', false], [open, 'fz-rsj', '2026-12-14', false]].sort(),
    );
  });

  it('counts per department the cases in progress, the lights, the on-time rate, the median working days used and the open supervisions', async () => {
    // Decided on 12-01 with 4 of 10 days left (6 used); on 12-09, two days late (12 used).
    expect((await report()).departments).toEqual([
      { deptCode: 'fz-rsj', name: '福州市人力资源和社会保障局', inProgress: 1, yellow: 0, red: 1, decided: 2, onTime: 1, onTimeRate: 0.5, medianWorkingDaysUsed: 9, openSupervisions: 2 },
    ]);
  });

  it('records each decision’s working days used as a metric', () => {
    expect(deps.metrics.points.filter((p) => p.name === 'WorkingDaysUsed').map((p) => p.value)).toEqual([6, 12]);
  });

  it('records whether each decision was on time as a metric', () => {
    expect(deps.metrics.points.filter((p) => p.name === 'CasesDecidedOnTime').map((p) => p.value)).toEqual([1, 0]);
  });

  it('lets administrators see any case (electronic supervision watches them all)', async () => {
    await expect(viewCase(deps, admin, open)).resolves.toMatchObject({ light: 'red', late: ['fz-rsj'] });
  });

  describe('F3 F4 GET /cases: the department’s work queue by status and by its light; the applicant’s own cases, newest first', () => {
    const queue = (q: { status?: 'accepted' | 'approved'; light?: 'green' | 'yellow' | 'red'; limit?: number; cursor?: string }) =>
      listCases(deps, rsj.approver, { limit: q.limit ?? 20, ...q });
    const firstPage = () => listCases(deps, citizen(), { limit: 2 });

    it('lists the department’s red cases, a late decision keeping the light it was decided under (frozen like the clock)', async () => {
      const red = await queue({ light: 'red' });
      expect(red.items.map((c) => [c.status, c.light])).toEqual([['approved', 'red'], ['accepted', 'red']]);
    });

    it('lists the department’s cases by status', async () => {
      expect((await queue({ status: 'approved' })).items.map((c) => c.status)).toEqual(['approved', 'approved']);
    });

    it('lists no case under a light none has', async () => {
      expect((await queue({ light: 'yellow' })).items).toEqual([]);
    });

    it('pages the applicant’s own cases, newest first', async () => {
      const first = await firstPage();
      expect(first.items).toHaveLength(2);
      const second = await listCases(deps, citizen(), { limit: 2, cursor: first.nextCursor! });
      expect(second).toMatchObject({ items: [expect.objectContaining({ serviceItem: { code: 'basic-pension-claim', name: '城镇职工基本养老保险待遇申领' } })], nextCursor: null });
      const all = [...first.items, ...second.items];
      expect(all.map((c) => c.createdAt)).toEqual(all.map((c) => c.createdAt).sort().reverse());
    });

    it('lists the applicant’s cases by status, each with its light', async () => {
      expect((await listCases(deps, citizen(), { limit: 20, status: 'accepted' })).items.map((c) => c.light)).toEqual(['red']);
    });

    it('shows another applicant none of them', async () => {
      expect((await listCases(deps, citizen({ sub: 'u-other' }), { limit: 20 })).items).toEqual([]);
    });

    it('refuses an applicant a filter the list does not have (by light)', async () => {
      await expect(listCases(deps, citizen(), { limit: 20, light: 'red' })).rejects.toBeInstanceOf(RuleViolation);
    });

    it('refuses another applicant’s cursor', async () => {
      const first = await firstPage();
      await expect(listCases(deps, citizen({ sub: 'u-other' }), { limit: 2, cursor: first.nextCursor! })).rejects.toBeInstanceOf(RuleViolation);
    });

    it('refuses a cursor that is not one', async () => {
      await expect(listCases(deps, citizen(), { limit: 2, cursor: 'bm90IGpzb24' })).rejects.toBeInstanceOf(RuleViolation);
    });

    it('refuses the list to administrators', async () => {
      await expect(listCases(deps, admin, { limit: 20 })).rejects.toBeInstanceOf(Forbidden);
    });
  });
});

describe('F3 the daily watch: nothing is missed when a timer is lost', () => {
  beforeAll(async () => {
    deps = await integrationDeps();
  });

  it('walks from the first page again when a timer brings a cursor an older version issued', async () => {
    // Prepare
    const caseId = await acceptedPensionCase();
    const olderCursor = Buffer.from(JSON.stringify({ gsi3pk: 'WATCHED', gsi3sk: caseId })).toString('base64url');
    // Act
    const walked = await runScheduledTask(deps, { task: 'watch-all', cursor: olderCursor });
    // Assess
    expect(walked).toMatchObject({ watched: expect.any(Number) });
    expect((walked as { watched: number }).watched).toBeGreaterThan(0);
  });

  it('sets a lost case’s timers again, walking every open case page by page and marking what is overdue', async () => {
    // Prepare: a case whose timers are lost
    const lost = await acceptedPensionCase();
    const other = await acceptedPensionCase();
    for (const day of await watchTimers(lost)) await store().deleteTimer(`watch-${lost}-${day}`);
    expect(await watchTimers(lost)).toEqual([]);

    // Act: one case per page, so the walk takes several runs chained by timers.
    deps.clock.set(at('2026-12-08'));
    let result = await watchAll(deps, undefined, { pageSize: 1 });
    let runs = 1;
    while (result.more) {
      const next = (await store().dueTimers('9999-12-31', 1000)).find((t) => t.name.startsWith('watch-all-'))!;
      expect(await store().takeTimer(next.name, next.at)).toBe(true);
      result = await watchAll(deps, (next.task as { cursor: string }).cursor, { pageSize: 1 });
      runs += 1;
    }
    // Assess
    expect(runs).toBeGreaterThan(1);
    for (const caseId of [lost, other]) {
      expect((await deps.cases.get(caseId))!.lights).toEqual({ 'fz-rsj': { light: 'red', on: '2026-12-08', due: '2026-12-07', stage: 'processing' } });
    }
    // The lost case has its next look again: the end of its explanation window.
    expect(await watchTimers(lost)).toEqual(['20261209']);
  });
});
