import { fileCase, listCases, loadCalendarYear, staffAction, supervisionOverview, viewCase } from '../support/checked.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { findItem } from '#shared/catalog/index.ts';
import type { Delivery } from '#shared/domain/delivery.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { runScheduledTask } from '#shared/usecases/scheduled.ts';
import { watchAll } from '#shared/usecases/watch.ts';
import { Forbidden, RuleViolation } from '#shared/errors.ts';
import { integrationDeps } from '../support/deps.ts';
import { admin, citizen, pdf, uploadFile } from '../support/fixtures.ts';

let deps: Awaited<ReturnType<typeof integrationDeps>>;
const staff = (dept: string, role: 'reviewer' | 'approver'): Principal => ({ kind: 'staff', sub: `s-${dept}-${role}`, name: '工作人员', dept, roles: [role] });
const rsj = { reviewer: staff('fz-rsj', 'reviewer'), approver: staff('fz-rsj', 'approver') };
const store = () => deps.store.timers;
const at = (day: string, time = '00:00:01') => new Date(`${day}T${time}+08:00`);

/** The case's watch timers, as "day" strings (YYYYMMDD). */
const watchTimers = async (caseId: string) =>
  (await store().dueTimers('9999-12-31', 1000)).filter((t) => t.name.startsWith(`watch-${caseId}-`)).map((t) => t.name.slice(`watch-${caseId}-`.length)).sort();

/** Fires every timer due on the moved clock, as the local poller does. */
async function fireDue() {
  while ((await deps.timers.tick()) > 0);
}

const outbound = async (caseId: string) =>
  ((await deps.store.deliveries.listOverdueDeliveries('9999-12-31', 1000)) as Delivery[]).filter((d) => d.data.caseId === caseId).map((d) => d.type);

/** A 城镇职工基本养老保险待遇申领 case (10 promised working days), accepted on Monday 2026-11-23. */
async function acceptedPensionCase(day = '2026-11-23') {
  deps.clock.set(at(day, '09:00:00'));
  const item = findItem('basic-pension-claim')!;
  const upload = await uploadFile(deps, citizen(), pdf('社会保障卡'), 'bank-card.pdf');
  const { body } = await fileCase(deps, citizen(), { serviceItemCode: item.code, form: item.formExample as Record<string, unknown>, materials: [{ materialId: 'bank-card', uploadId: upload.uploadId }] });
  await staffAction(deps, rsj.reviewer, body.caseId, { type: 'case.accept', data: {} });
  return body.caseId;
}

beforeAll(async () => {
  deps = await integrationDeps();
});

describe('D1 F3 the acceptance clock on the same timers and watch', () => {
  it('sets timers at filing, announces the acceptance step’s yellow and red, opens a supervision, and hands over at acceptance', async () => {
    deps.clock.set(at('2026-11-23', '09:00:00'));
    const item = findItem('basic-pension-claim')!;
    const upload = await uploadFile(deps, citizen(), pdf('社会保障卡'), 'bank-card.pdf');
    const { body } = await fileCase(deps, citizen(), { serviceItemCode: item.code, form: item.formExample as Record<string, unknown>, materials: [{ materialId: 'bank-card', uploadId: upload.uploadId }] });
    const caseId = body.caseId;
    // Acceptance limit: 2 working days → due Wednesday 11-25 (yellow that day), red from Thursday.
    expect(await watchTimers(caseId)).toEqual(['20261125', '20261126']);

    deps.clock.set(at('2026-11-25'));
    await fireDue();
    expect((await viewCase(deps, citizen(), caseId)).acceptanceClock).toMatchObject({ light: 'yellow', due: '2026-11-25', remainingWorkingDays: 0 });
    // Red on Thursday, unexplained for a working day: supervised on Friday.
    deps.clock.set(at('2026-11-27'));
    await fireDue();
    const late = await viewCase(deps, citizen(), caseId);
    expect(late).toMatchObject({ status: 'submitted', light: 'red', late: ['fz-rsj'] });
    expect(late.supervisions).toEqual([expect.objectContaining({ deptCode: 'fz-rsj', stage: 'acceptance', status: 'open' })]);
    const sent = ((await deps.store.deliveries.listOverdueDeliveries('9999-12-31', 1000)) as Delivery[]).filter((d) => d.data.caseId === caseId && d.type !== 'case.submitted');
    expect(sent.map((d) => [d.type, d.data.stage]).sort()).toEqual([
      ['deadline.red', 'acceptance'],
      ['deadline.yellow', 'acceptance'],
      ['supervision.opened', 'acceptance'],
    ]);
    expect((await listCases(deps, rsj.reviewer, { limit: 100, status: 'submitted', light: 'red' })).items.map((c) => c.caseId)).toContain(caseId);
    expect((await supervisionOverview(deps, admin)).casesByLight.red.map((c) => c.caseId)).toContain(caseId);

    await staffAction(deps, rsj.reviewer, caseId, { type: 'case.accept', data: {} });
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
  it('sets the case’s timers at acceptance, announces yellow and red when they fire, and a second firing changes nothing', async () => {
    const caseId = await acceptedPensionCase();
    expect(await watchTimers(caseId)).toEqual(['20261203', '20261208']);

    deps.clock.set(at('2026-12-03'));
    await fireDue();
    const yellow = await viewCase(deps, citizen(), caseId);
    expect(yellow.light).toBe('yellow');
    expect(yellow.timeline.at(-1)).toMatchObject({ type: 'case.light_changed', actor: { kind: 'system', id: 'supervision' }, data: { light: 'yellow', due: '2026-12-07' } });
    expect(await outbound(caseId)).toContain('deadline.yellow');
    expect(deps.metrics.points).toContainEqual({ name: 'CasesTurnedYellow', value: 1, department: 'fz-rsj' });

    // The same timer firing again (EventBridge delivers at least once) finds nothing to do.
    const events = (await deps.cases.getWithEvents(caseId))!.events.length;
    expect(await runScheduledTask(deps, { task: 'watch', caseId })).toEqual({ caseId, done: [] });
    expect((await deps.cases.getWithEvents(caseId))!.events).toHaveLength(events);

    deps.clock.set(at('2026-12-08'));
    await fireDue();
    expect((await viewCase(deps, citizen(), caseId)).light).toBe('red');
    expect((await outbound(caseId)).filter((t) => t.startsWith('deadline.')).sort()).toEqual(['deadline.red', 'deadline.yellow']);
  });

  it('deletes the pending timers on suspension and sets them again on resumption', async () => {
    const caseId = await acceptedPensionCase();
    deps.clock.set(at('2026-11-25', '10:00:00'));
    await staffAction(deps, rsj.approver, caseId, { type: 'case.suspend', data: { reason: '等待社保关系转移' } });
    expect(await watchTimers(caseId)).toEqual([]);
    deps.clock.set(at('2026-12-09'));
    await fireDue();
    expect((await viewCase(deps, citizen(), caseId)).light).toBe('green');
    await staffAction(deps, rsj.approver, caseId, { type: 'case.resume', data: {} });
    // Ten working days suspended (11-26 … 12-09): due 2026-12-21, yellow from 12-17.
    expect((await viewCase(deps, citizen(), caseId)).deadline.promisedDue).toBe('2026-12-21');
    expect(await watchTimers(caseId)).toEqual(['20261217', '20261222']);
  });
});

describe('F3 supervision (督办) through timers and webhooks', () => {
  it('opens a supervision for an unexplained red light, takes the department’s answer, and shows it', async () => {
    const caseId = await acceptedPensionCase();
    deps.clock.set(at('2026-12-08'));
    await fireDue();
    expect(await watchTimers(caseId)).toEqual(['20261209']);
    deps.clock.set(at('2026-12-09'));
    await fireDue();
    const view = await viewCase(deps, staff('fz-rsj', 'approver'), caseId);
    expect(view.late).toEqual(['fz-rsj']);
    expect(view.supervisions).toEqual([expect.objectContaining({ deptCode: 'fz-rsj', openedOn: '2026-12-09', respondBy: '2026-12-14', level: 1, status: 'open' })]);
    expect(await outbound(caseId)).toContain('supervision.opened');
    expect(await watchTimers(caseId)).toEqual(['20261215']);

    const supervisionId = view.supervisions![0]!.supervisionId;
    await expect(staffAction(deps, rsj.reviewer, caseId, { type: 'supervision.respond', data: { supervisionId, explanation: '说明' } })).rejects.toThrow(/needs the role approver/);
    deps.clock.set(at('2026-12-10', '15:00:00'));
    await staffAction(deps, rsj.approver, caseId, { type: 'supervision.respond', data: { supervisionId, explanation: '申请人补充材料耗时，已于今日办结' } });
    const answered = await viewCase(deps, citizen(), caseId);
    expect(answered.supervisions![0]).toMatchObject({ status: 'answered', answer: { explanation: '申请人补充材料耗时，已于今日办结', late: false } });
    expect(await watchTimers(caseId)).toEqual([]);
  });

  it('opens none when the department explains the red light in time', async () => {
    const caseId = await acceptedPensionCase();
    deps.clock.set(at('2026-12-08'));
    await fireDue();
    await staffAction(deps, rsj.approver, caseId, { type: 'case.explain', data: { explanation: '待人社部门核对视同缴费年限' } });
    deps.clock.set(at('2026-12-09'));
    await fireDue();
    expect((await viewCase(deps, citizen(), caseId)).supervisions).toBeUndefined();
  });
});

describe('F4 the supervision figures (GET /admin/supervision)', () => {
  beforeAll(async () => {
    deps = await integrationDeps(); // a table of its own: only this story's cases
  });

  it('counts lights, open supervisions, the on-time rate and the median working days used per department', async () => {
    const onTime = await acceptedPensionCase();
    const late = await acceptedPensionCase();
    const open = await acceptedPensionCase();
    deps.clock.set(at('2026-12-01', '10:00:00'));
    await staffAction(deps, rsj.approver, onTime, { type: 'case.approve', data: {} });
    deps.clock.set(at('2026-12-08'));
    await fireDue();
    deps.clock.set(at('2026-12-09'));
    await fireDue();
    await staffAction(deps, rsj.approver, late, { type: 'case.approve', data: {} });

    await expect(supervisionOverview(deps, staff('fz-rsj', 'approver'))).rejects.toBeInstanceOf(Forbidden);
    const report = await supervisionOverview(deps, admin);
    expect(report.asOf).toBe('2026-12-09');
    expect(report.lights).toEqual({ green: 0, yellow: 0, red: 1 });
    expect(report.casesByLight.red).toEqual([expect.objectContaining({ caseId: open, late: ['fz-rsj'], serviceItem: '城镇职工基本养老保险待遇申领' })]);
    // The late case's supervision stays open after its decision: the department still owes an answer.
    expect(report.openSupervisions.map((s) => [s.caseId, s.deptCode, s.respondBy, s.overdue]).sort()).toEqual(
      [[late, 'fz-rsj', '2026-12-14', false], [open, 'fz-rsj', '2026-12-14', false]].sort(),
    );
    // Decided on 12-01 with 4 of 10 days left (6 used); on 12-09, two days late (12 used).
    expect(report.departments).toEqual([
      { deptCode: 'fz-rsj', name: '福州市人力资源和社会保障局', inProgress: 1, yellow: 0, red: 1, decided: 2, onTime: 1, onTimeRate: 0.5, medianWorkingDaysUsed: 9, openSupervisions: 2 },
    ]);
    expect(deps.metrics.points.filter((p) => p.name === 'WorkingDaysUsed').map((p) => p.value)).toEqual([6, 12]);
    expect(deps.metrics.points.filter((p) => p.name === 'CasesDecidedOnTime').map((p) => p.value)).toEqual([1, 0]);
    // Administrators see any case (electronic supervision watches them all).
    await expect(viewCase(deps, admin, open)).resolves.toMatchObject({ light: 'red', late: ['fz-rsj'] });
  });

  it('F3 F4 GET /cases: the department’s work queue by status and by its light; the applicant’s own cases, newest first', async () => {
    const queue = (q: { status?: 'accepted' | 'approved'; light?: 'green' | 'yellow' | 'red'; limit?: number; cursor?: string }) =>
      listCases(deps, rsj.approver, { limit: q.limit ?? 20, ...q });
    const red = await queue({ light: 'red' });
    // The late decision keeps the light it was decided under (frozen like the clock).
    expect(red.items.map((c) => [c.status, c.light])).toEqual([['approved', 'red'], ['accepted', 'red']]);
    expect((await queue({ status: 'approved' })).items.map((c) => c.status)).toEqual(['approved', 'approved']);
    expect((await queue({ light: 'yellow' })).items).toEqual([]);

    const first = await listCases(deps, citizen(), { limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await listCases(deps, citizen(), { limit: 2, cursor: first.nextCursor! });
    expect(second).toMatchObject({ items: [expect.objectContaining({ serviceItem: { code: 'basic-pension-claim', name: '城镇职工基本养老保险待遇申领' } })], nextCursor: null });
    const all = [...first.items, ...second.items];
    expect(all.map((c) => c.createdAt)).toEqual(all.map((c) => c.createdAt).sort().reverse());
    expect((await listCases(deps, citizen(), { limit: 20, status: 'accepted' })).items.map((c) => c.light)).toEqual(['red']);

    // Someone else's cases, bad cursors and filters the list does not have are refused.
    expect((await listCases(deps, citizen({ sub: 'u-other' }), { limit: 20 })).items).toEqual([]);
    await expect(listCases(deps, citizen(), { limit: 20, light: 'red' })).rejects.toBeInstanceOf(RuleViolation);
    await expect(listCases(deps, citizen({ sub: 'u-other' }), { limit: 2, cursor: first.nextCursor! })).rejects.toBeInstanceOf(RuleViolation);
    await expect(listCases(deps, citizen(), { limit: 2, cursor: 'bm90IGpzb24' })).rejects.toBeInstanceOf(RuleViolation);
    await expect(listCases(deps, admin, { limit: 20 })).rejects.toBeInstanceOf(Forbidden);
  });
});

describe('F3 the daily watch: nothing is missed when a timer is lost', () => {
  beforeAll(async () => {
    deps = await integrationDeps();
  });

  it('walks from the first page again when a timer brings a cursor an older version issued', async () => {
    const caseId = await acceptedPensionCase();
    const olderCursor = Buffer.from(JSON.stringify({ gsi3pk: 'WATCHED', gsi3sk: caseId })).toString('base64url');

    const walked = await runScheduledTask(deps, { task: 'watch-all', cursor: olderCursor });

    expect(walked).toMatchObject({ watched: expect.any(Number) });
    expect((walked as { watched: number }).watched).toBeGreaterThan(0);
  });

  it('walks every open case page by page, sets lost timers again and announces what is overdue', async () => {
    const lost = await acceptedPensionCase();
    const other = await acceptedPensionCase();
    for (const day of await watchTimers(lost)) await store().deleteTimer(`watch-${lost}-${day}`);
    expect(await watchTimers(lost)).toEqual([]);

    // One case per page, so the walk takes several runs chained by timers.
    deps.clock.set(at('2026-12-08'));
    let result = await watchAll(deps, undefined, { pageSize: 1 });
    let runs = 1;
    while (result.more) {
      const next = (await store().dueTimers('9999-12-31', 1000)).find((t) => t.name.startsWith('watch-all-'))!;
      expect(await store().takeTimer(next.name, next.at)).toBe(true);
      result = await watchAll(deps, (next.task as { cursor: string }).cursor, { pageSize: 1 });
      runs += 1;
    }
    expect(runs).toBeGreaterThan(1);
    for (const caseId of [lost, other]) {
      expect((await deps.cases.get(caseId))!.lights).toEqual({ 'fz-rsj': { light: 'red', on: '2026-12-08', due: '2026-12-07', stage: 'processing' } });
    }
    // The lost case has its next look again: the end of its explanation window.
    expect(await watchTimers(lost)).toEqual(['20261209']);
  });
});

describe('F1 F3 a newly loaded calendar year moves the timers', () => {
  beforeAll(async () => {
    deps = await integrationDeps();
  });

  it('looks at every case again once the year is in force everywhere, and sets the timers to the new days', async () => {
    // Accepted Monday 2026-12-21; 2027 is not in the default data, so only weekends rest: due 2027-01-04.
    const caseId = await acceptedPensionCase('2026-12-21');
    expect((await viewCase(deps, citizen(), caseId)).deadline.promisedDue).toBe('2027-01-04');
    expect(await watchTimers(caseId)).toEqual(['20261231', '20270105']);

    await loadCalendarYear(deps, admin, '2027', { holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [] });
    expect((await viewCase(deps, citizen(), caseId)).deadline.promisedDue).toBe('2027-01-05');
    // The watch runs after the calendar cache's minute has passed in every function.
    deps.clock.set(new Date(deps.clock.now().getTime() + 3 * 60_000));
    await fireDue();
    expect(await watchTimers(caseId)).toContain('20270106');
  });
});
