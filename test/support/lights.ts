import { fileCase, staffAction } from './checked.ts';
import { findItem } from '#shared/catalog/index.ts';
import type { Principal } from '#shared/domain/principal.ts';
import type { integrationDeps } from './deps.ts';
import { citizen, pdf, uploadFile } from './fixtures.ts';

/** What the lights stories run on: the integration deps, whose clock and poller they move. */
export type LightsDeps = Awaited<ReturnType<typeof integrationDeps>>;

export const staff = (dept: string, role: 'reviewer' | 'approver'): Principal => ({ kind: 'staff', sub: `s-${dept}-${role}`, name: '工作人员', dept, roles: [role] });
export const rsj = { reviewer: staff('fz-rsj', 'reviewer'), approver: staff('fz-rsj', 'approver') };
export const at = (day: string, time = '00:00:01') => new Date(`${day}T${time}+08:00`);

/** The case's watch timers, as "day" strings (YYYYMMDD). */
export const watchTimersOf = async (deps: LightsDeps, caseId: string) =>
  (await deps.store.timers.dueTimers('9999-12-31', 1000)).filter((t) => t.name.startsWith(`watch-${caseId}-`)).map((t) => t.name.slice(`watch-${caseId}-`.length)).sort();

/** Fires every timer due on the moved clock, as the local poller does. */
export async function fireDueOf(deps: LightsDeps) {
  while ((await deps.poller.tick()) > 0);
}

/** A 城镇职工基本养老保险待遇申领 case (10 promised working days), accepted on the day given (Monday 2026-11-23). */
export async function acceptedPensionCaseOf(deps: LightsDeps, day = '2026-11-23') {
  deps.clock.set(at(day, '09:00:00'));
  const item = findItem('basic-pension-claim')!;
  const upload = await uploadFile(deps, citizen(), pdf('社会保障卡'), 'bank-card.pdf');
  const { body } = await fileCase(deps, citizen(), { serviceItemCode: item.code, form: item.formExample as Record<string, unknown>, materials: [{ materialId: 'bank-card', uploadId: upload.uploadId }] });
  await staffAction(deps, rsj.reviewer, body.caseId, { type: 'case.accept', data: {} });
  return body.caseId;
}
