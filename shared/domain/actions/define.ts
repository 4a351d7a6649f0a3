import type { z } from 'zod';
import { RuleViolation } from '../../errors.ts';
import type { Role } from '../principal.ts';
import type { Actor, CaseRecord, CaseStatus, DocumentKind } from '../case.ts';
import type { OutboundType } from '../delivery.ts';
import type { MetricPoint } from '../metrics.ts';

/**
 * One case action, whole: how a department asks for it, who may, its rule, what it changes, the
 * audit event it records, the notice it issues, the webhooks it sends and the metrics it yields.
 * Each action is one module in this folder; index.ts lists them, and the webhook schema, the roles
 * table, notices, outbound events and metrics are read from that list.
 */
export type ActionDef<C extends { type: string }, E extends string, D, S extends z.ZodRawShape> = {
  /** The command's type (its name in the domain). */
  command: C['type'];
  /** The audit event it records. */
  event: E;
  /** The statuses it may be given in. */
  from: readonly CaseStatus[];
  /** The status after it; absent when the status stays (a recorded step, an opinion). */
  to?: CaseStatus;
  /** Which kind of actor gives it. */
  by: Actor['kind'] | ReadonlyArray<Actor['kind']>;
  /** Which of the case's departments may give it: the lead, a co-department, or either. */
  who?: 'lead' | 'co' | 'any';
  /** How a department system (signed webhook) or its staff ask for it: message type, data, staff roles (B3). */
  inbound?: {
    type: string;
    data: S;
    roles: Role[];
    /** The command from the message's data (already validated); `note` is the message's note. */
    command: (data: z.output<z.ZodObject<S>>, note: string | undefined) => C;
  };
  /** Rules beyond "which status, which actor": throws to refuse. */
  check?: (record: CaseRecord, command: C, actor: Actor) => void;
  /** What it changes on the case beyond status, updatedAt and version. */
  apply?: (record: CaseRecord, command: C, actor: Actor, at: string) => Partial<CaseRecord>;
  /** What the audit event keeps (default: the command without its type). */
  eventData?: (command: C) => D;
  /** The applicant sees the event's data on the timeline (reasons, what to supplement, what was recorded). */
  toApplicant?: boolean;
  /** The notice it issues to the applicant (D1–D3), from the case as it will be. */
  notice?: (command: C, ctx: NoticeContext) => NoticeDraft;
  /**
   * The SMS the applicant is sent (G4): what happened to their application, as the clause after
   * "您于…提交的…申请" (shared/usecases/notifications.ts writes the rest), from its event's data.
   */
  sms?: (data: D, ctx: NoticeContext) => string;
  /** Who hears of it by webhook, and as what: from the case after it and its event. */
  outbound?: (record: CaseRecord, event: { fromStatus: CaseStatus | null; data: D }) => Array<{ deptCode: string; type: OutboundType }>;
  /** F4's data points, from the case after it (its outcome included) and its event's data. */
  metrics?: (record: CaseRecord, data: D) => MetricPoint[];
};

/** What a notice template may use: the case as it will be and the phrases of its guide. */
export type NoticeContext = {
  record: CaseRecord;
  /** 你（单位）于…提交的…申请 */
  filed: string;
  /** 咨询电话…；投诉电话… */
  contact: string;
  /** The guide's 救济途径 (remedies), for refusals. */
  remedies: string;
  materialName: (materialId: string) => string;
  /** The name of the item's result (the certificate it issues). */
  result: string;
  /** Where its paper results are picked up (the guide's first hall). */
  hall: string;
  /** A date as 2026年11月23日. */
  date: (iso: string) => string;
};

/** A department's text in an SMS, cut short (the notice has it whole). */
export const brief = (text: string, max = 60): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export type NoticeDraft = { kind: DocumentKind; paragraphs: string[]; items?: string[]; closing?: string };


/**
 * Declares an action for its command type C: the event type, event data and inbound data shape
 * are inferred from the definition.
 */
export const defineAction =
  <C extends { type: string }>() =>
  <E extends string, D = Omit<C, 'type'>, S extends z.ZodRawShape = Record<never, never>>(def: ActionDef<C, E, D, S>): Defined<C, E, D, S> =>
    def;

/** A defined action, carrying its command, event and data types for the registry (types only: nothing at run time). */
export type Defined<C extends { type: string }, E extends string, D, S extends z.ZodRawShape> = ActionDef<C, E, D, S> & { readonly types?: { command: C; event: E; data: D } };

/** D2: one supplement request per case, and at most one follow-up. */
export const MAX_SUPPLEMENT_REQUESTS = 2;

export const BEFORE_DECISION: readonly CaseStatus[] = ['submitted', 'awaiting_supplement', 'accepted', 'suspended'];

/** An open supervision on the case, by id. */
export const openSupervision = (record: CaseRecord, supervisionId: string) =>
  (record.supervisions ?? []).find((s) => s.supervisionId === supervisionId && s.status === 'open');

/** A refusal (不予受理, 不予许可) says why: at least one reason that is not blank. */
export const needsReasons = (what: string) => (_record: CaseRecord, command: { reasons: string[] }) => {
  if (!command.reasons.some((r) => r.trim())) throw new RuleViolation(`${what} needs at least one reason`, [{ path: 'data.reasons', message: 'give at least one reason' }]);
};
