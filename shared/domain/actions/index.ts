import type { Role } from '../principal.ts';
import { accept } from './accept.ts';
import { approve } from './approve.ts';
import { complete } from './complete.ts';
import type { AuditEvent, CaseRecord } from '../case.ts';
import type { OutboundType } from '../delivery.ts';
import type { MetricPoint } from '../metrics.ts';
import type { ActionDef, NoticeContext, NoticeDraft } from './define.ts';
import { deny } from './deny.ts';
import { escalateSupervision } from './escalate-supervision.ts';
import { explain } from './explain.ts';
import { extend } from './extend.ts';
import { dispatch } from './dispatch.ts';
import { issueOffline } from './issue-offline.ts';
import { openMaterial } from './open-material.ts';
import { openSupervisionAction } from './open-supervision.ts';
import { opinion } from './opinion.ts';
import { recordStep } from './record-step.ts';
import { reject } from './reject.ts';
import { requestSupplement } from './request-supplement.ts';
import { respondSupervision } from './respond-supervision.ts';
import { resume } from './resume.ts';
import { signal } from './signal.ts';
import { supplement } from './supplement.ts';
import { suspend } from './suspend.ts';
import { withdraw } from './withdraw.ts';

/** Every case action (one module each). Adding an action: a module, its test, and a line here. */
export const ACTIONS = [
  accept,
  reject,
  requestSupplement,
  supplement,
  withdraw,
  recordStep,
  opinion,
  suspend,
  resume,
  extend,
  approve,
  deny,
  complete,
  issueOffline,
  dispatch,
  signal,
  explain,
  openSupervisionAction,
  respondSupervision,
  escalateSupervision,
  openMaterial,
] as const;

type Action = (typeof ACTIONS)[number];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyAction = ActionDef<any, string, unknown, any>;

/** A command to the case: one per action. */
export type Command = NonNullable<Action['types']>['command'];
export type CommandType = Command['type'];

/** Each action's audit event type and the data it keeps. */
type ActionEvent = NonNullable<Action['types']>;
/** The data of each event type, by type ('case.submitted' is the filing's: fileCase). */
export type ActionEventData = { [E in ActionEvent as E['event']]: E['data'] };

const BY_COMMAND = new Map<string, AnyAction>(ACTIONS.map((a) => [a.command, a as AnyAction]));
/** The definition of a command's action. */
export const actionOf = (command: Pick<Command, 'type'>): AnyAction => BY_COMMAND.get(command.type)!;

/** The actions a department sends (signed webhook or staff), by message type. */
export const INBOUND_ACTIONS: ReadonlyMap<string, AnyAction & { inbound: NonNullable<AnyAction['inbound']> }> = new Map(
  ACTIONS.flatMap((a) => ('inbound' in a && a.inbound ? [[a.inbound.type, a as AnyAction & { inbound: NonNullable<AnyAction['inbound']> }] as const] : [])),
);

/** B3: which staff roles may send which message. */
export const ROLES_FOR: ReadonlyMap<string, Role[]> = new Map([...INBOUND_ACTIONS].map(([type, a]) => [type, a.inbound.roles]));

/** Event types whose data the applicant sees on the timeline. */
export const SHOWN_TO_APPLICANT: ReadonlySet<string> = new Set(ACTIONS.flatMap((a) => ('toApplicant' in a && a.toApplicant ? [a.event] : [])));

const BY_EVENT = new Map<string, AnyAction>(ACTIONS.map((a) => [a.event, a as AnyAction]));

/** Who hears about a step of the case by webhook, and as what. */
export function outboundFor(record: CaseRecord, event: AuditEvent): Array<{ deptCode: string; type: OutboundType }> {
  if (event.type === 'case.submitted') return [{ deptCode: record.leadDepartment, type: 'case.submitted' }];
  return BY_EVENT.get(event.type)?.outbound?.(record, { fromStatus: event.fromStatus, data: event.data ?? {} }) ?? [];
}

/** What the applicant's SMS says a step of the case did (G4), if it tells them anything. */
export function smsClauseFor(event: AuditEvent, ctx: NoticeContext): string | undefined {
  return BY_EVENT.get(event.type)?.sms?.(event.data ?? {}, ctx);
}

/** The F4 data points a step of a case yields. */
export function metricsFor(record: CaseRecord, event: AuditEvent): MetricPoint[] {
  return BY_EVENT.get(event.type)?.metrics?.(record, event.data ?? {}) ?? [];
}

/** The notice a command issues (D1–D3), if any. */
export function noticeFor(command: Command, ctx: NoticeContext): NoticeDraft | undefined {
  return actionOf(command).notice?.(command, ctx);
}
