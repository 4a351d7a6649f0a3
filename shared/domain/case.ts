import { createHash } from 'node:crypto';
import { Conflict, Forbidden, IllegalTransition, RuleViolation } from '../errors.ts';

/**
 * The case lifecycle (api.md "Case statuses"). Pure: given a case and a command it returns the
 * next case and the audit event that records the change, or throws IllegalTransition.
 * Persisting both in one transaction is the repository's job.
 */
export const CASE_STATUSES = [
  'submitted',
  'awaiting_supplement',
  'rejected',
  'accepted',
  'suspended',
  'approved',
  'denied',
  'completed',
  'withdrawn',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const FINAL_STATUSES: ReadonlySet<CaseStatus> = new Set(['rejected', 'denied', 'completed', 'withdrawn']);

export type Actor =
  | { kind: 'applicant'; id: string; name: string }
  | { kind: 'department'; id: string; via: 'webhook' | 'staff'; staffId?: string }
  | { kind: 'system'; id: 'workflow' | 'supervision' };

/**
 * A file kept for the case where no URL the platform issues can write it (a pinned copy): the
 * bytes whose SHA-256 was checked when the material came in are the bytes departments open.
 */
export type PinnedFile = { objectKey: string; fileName: string; contentType: string; size: number; sha256: string };

export type SubmittedMaterial =
  | ({ materialId: string; source: 'upload'; uploadId: string } & PinnedFile)
  /** An e-certificate of the applicant's from the library; pinned as the JSON record it was (older cases: not pinned). */
  | ({ materialId: string; source: 'certificate'; certificateId: string } & Partial<PinnedFile>)
  /** To be fetched from the shared-data platform (C2); nothing is fetched yet, so there is no file. */
  | { materialId: string; source: 'shared_data' }
  /** Generated from the online form (申请书): the form as filed or as last corrected, by version. */
  | ({ materialId: string; source: 'form'; formVersion?: number } & Partial<PinnedFile>);

/** The materials a department can open: every one with a pinned file. */
export const openableMaterials = (record: Pick<CaseRecord, 'materials'>) =>
  record.materials.flatMap((m) =>
    'objectKey' in m && m.objectKey && m.sha256 ? [{ materialId: m.materialId, source: m.source, sha256: m.sha256, fileName: m.fileName!, contentType: m.contentType! }] : [],
  );

export type SupplementItem = { materialId: string; reason: string };

/** 一次性告知: one notice listing everything to fix, and the applicant's answer to it. */
export type SupplementRequest = {
  requestedBy: string;
  at: string;
  items: SupplementItem[];
  /** A further request about materials newly supplied in answer to the previous one (D2). */
  followUp: boolean;
  answer?: { at: string; materialIds: string[]; note?: string };
};

export type Opinion = { opinion: 'agree' | 'disagree'; note?: string; at: string };

export type CaseDocument = { docId: string; kind: DocumentKind; name: string; objectKey: string; issuedAt: string };
export type DocumentKind =
  | 'acceptance_notice'
  | 'rejection_notice'
  | 'supplement_notice'
  | 'denial_notice'
  | 'suspension_notice'
  | 'resumption_notice'
  | 'extension_notice';

export type CaseRecord = {
  caseId: string;
  supervisionCode: string;
  serviceItem: { code: string; version: number; name: string };
  /**
   * The time limits of the guide version the case was filed under, in working days (A2, F1):
   * `yellowDays` overrides the default yellow threshold; `opinionDays` is each co-department's
   * limit for its opinion in joint processing (E3).
   */
  limits: { acceptanceDays: number; promisedDays: number; statutoryDays: number; yellowDays?: number; opinionDays?: number };
  applicant: { id: string; name: string; subjectType: 'person' | 'company' | 'organisation' };
  leadDepartment: string;
  coDepartments: string[];
  status: CaseStatus;
  form: unknown;
  materials: SubmittedMaterial[];
  delivery?: { method: 'pickup' | 'mail'; address?: string };
  supplementRequests: SupplementRequest[];
  /** Co-departments' opinions in joint processing (E3), by department code. */
  opinions: Record<string, Opinion>;
  documents: CaseDocument[];
  certificates: string[];
  /** The last light announced for each department's clock (F3), by department code. */
  lights?: Record<string, AnnouncedLight>;
  /** Supervision cases (督办) opened on this case. */
  supervisions?: Supervision[];
  /** How processing ended against the promised limit (F4), once decided. */
  outcome?: { decidedOn: string; usedWorkingDays: number; onTime: boolean };
  createdAt: string;
  updatedAt: string;
  /** Optimistic lock: every write asserts the version it read. */
  version: number;
  /** Head of the hash chain of audit events. */
  lastEventSeq: number;
  lastEventHash: string;
};

export type Light = 'green' | 'yellow' | 'red';
/** Which of a department's clocks: the acceptance step's (受理时限) or processing's (办理时限). */
export type ClockStage = 'acceptance' | 'processing';
/** `stage` absent: announced before the acceptance clock had lights (processing). */
export type AnnouncedLight = { light: Light; on: string; due: string; stage?: ClockStage };

/** 督办: a red light the department did not explain opens one; it must answer by `respondBy` or it escalates. */
export type Supervision = {
  supervisionId: string;
  deptCode: string;
  /** Which clock went red (absent on supervisions opened before the acceptance clock had them: processing). */
  stage?: ClockStage;
  openedOn: string;
  respondBy: string;
  level: 1 | 2;
  status: 'open' | 'answered';
  escalatedOn?: string;
  answer?: { at: string; explanation: string; late: boolean };
};

export type AuditEventType =
  | 'case.submitted'
  | 'case.accepted'
  | 'case.rejected'
  | 'case.supplement_requested'
  | 'case.supplemented'
  | 'case.withdrawn'
  | 'case.step_recorded'
  | 'case.opinion_given'
  | 'case.suspended'
  | 'case.resumed'
  | 'case.extended'
  | 'case.approved'
  | 'case.denied'
  | 'case.completed'
  | 'case.light_changed'
  | 'case.delay_explained'
  | 'case.supervision_opened'
  | 'case.supervision_answered'
  | 'case.supervision_escalated'
  | 'case.material_opened';

export type AuditEvent = {
  caseId: string;
  seq: number;
  at: string;
  type: AuditEventType;
  actor: Actor;
  fromStatus: CaseStatus | null;
  toStatus: CaseStatus;
  note?: string;
  data?: Record<string, unknown>;
  /** Notices issued with this step. */
  documents?: string[];
  prevHash: string;
  hash: string;
};

export const GENESIS_HASH = '0'.repeat(64);

type EventBody = Omit<AuditEvent, 'hash' | 'prevHash' | 'seq' | 'caseId'>;

/** Canonical JSON: keys sorted, so the hash does not depend on property order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function eventHash(event: Omit<AuditEvent, 'hash'>): string {
  return createHash('sha256').update(canonical(event)).digest('hex');
}

/** Appends an event to the case's chain and returns the case with its new head. */
function chain(record: CaseRecord, body: EventBody): { event: AuditEvent; head: Pick<CaseRecord, 'lastEventSeq' | 'lastEventHash'> } {
  const unsigned = { ...body, caseId: record.caseId, seq: record.lastEventSeq + 1, prevHash: record.lastEventHash };
  const event: AuditEvent = { ...unsigned, hash: eventHash(unsigned) };
  return { event, head: { lastEventSeq: event.seq, lastEventHash: event.hash } };
}

/** Walks a case's events in order and says whether the chain is intact. */
export function verifyChain(events: readonly AuditEvent[]): { valid: true } | { valid: false; brokenAt: number } {
  let prev = GENESIS_HASH;
  for (const [i, event] of events.entries()) {
    const { hash, ...rest } = event;
    if (event.seq !== i + 1 || event.prevHash !== prev || eventHash(rest) !== hash) return { valid: false, brokenAt: event.seq };
    prev = hash;
  }
  return { valid: true };
}

export type NewCase = Omit<
  CaseRecord,
  'status' | 'version' | 'lastEventSeq' | 'lastEventHash' | 'certificates' | 'updatedAt' | 'supplementRequests' | 'opinions' | 'documents'
>;

export function fileCase(input: NewCase, actor: Actor): { record: CaseRecord; event: AuditEvent } {
  const base: CaseRecord = {
    ...input,
    status: 'submitted',
    supplementRequests: [],
    opinions: {},
    documents: [],
    certificates: [],
    updatedAt: input.createdAt,
    version: 1,
    lastEventSeq: 0,
    lastEventHash: GENESIS_HASH,
  };
  const { event, head } = chain(base, {
    at: input.createdAt,
    type: 'case.submitted',
    actor,
    fromStatus: null,
    toStatus: 'submitted',
    data: { serviceItemCode: input.serviceItem.code, serviceItemVersion: input.serviceItem.version },
  });
  return { record: { ...base, ...head }, event };
}

export type Command =
  | { type: 'accept' }
  | { type: 'reject'; reasons: string[] }
  | { type: 'request_supplement'; items: SupplementItem[] }
  /** `form`: a corrected application form, when the request named the material generated from it. */
  | { type: 'supplement'; materials: SubmittedMaterial[]; form?: unknown; note?: string }
  | { type: 'withdraw'; reason?: string }
  | { type: 'record_step'; step: 'site_inspection' | 'expert_review' | 'third_party_review'; result: string; note?: string }
  | { type: 'opinion'; opinion: 'agree' | 'disagree'; note?: string }
  | { type: 'suspend'; reason: string; workingDays?: number }
  | { type: 'resume' }
  | { type: 'extend'; workingDays: number; reason: string }
  | { type: 'approve'; certificate?: { summary: Record<string, unknown> } }
  | { type: 'deny'; reasons: string[] }
  | { type: 'complete'; certificateId: string }
  | { type: 'signal'; deptCode: string; stage: ClockStage; light: Light; since: string; due: string; remainingWorkingDays: number }
  | { type: 'explain'; explanation: string }
  | { type: 'open_supervision'; supervisionId: string; deptCode: string; stage: ClockStage; respondBy: string }
  | { type: 'respond_supervision'; supervisionId: string; explanation: string }
  | { type: 'escalate_supervision'; supervisionId: string; respondBy: string }
  /** Who looked at the applicant's file: a material was opened (any status, by its owner or its departments). */
  | { type: 'open_material'; materialId: string };

export type CommandType = Command['type'];

type Rule = {
  from: readonly CaseStatus[];
  /** The status after the command; absent when the status stays (a recorded step, an opinion). */
  to?: CaseStatus;
  event: AuditEventType;
  by: Actor['kind'] | ReadonlyArray<Actor['kind']>;
  /** Which of the case's departments may give it: the lead, a co-department, or either. */
  who?: 'lead' | 'co' | 'any';
};

const BEFORE_DECISION: readonly CaseStatus[] = ['submitted', 'awaiting_supplement', 'accepted', 'suspended'];

export const RULES: Record<CommandType, Rule> = {
  accept: { from: ['submitted'], to: 'accepted', event: 'case.accepted', by: 'department', who: 'lead' },
  reject: { from: ['submitted'], to: 'rejected', event: 'case.rejected', by: 'department', who: 'lead' },
  request_supplement: { from: ['submitted'], to: 'awaiting_supplement', event: 'case.supplement_requested', by: 'department', who: 'lead' },
  supplement: { from: ['awaiting_supplement'], to: 'submitted', event: 'case.supplemented', by: 'applicant' },
  withdraw: { from: BEFORE_DECISION, to: 'withdrawn', event: 'case.withdrawn', by: 'applicant' },
  record_step: { from: ['accepted'], event: 'case.step_recorded', by: 'department' },
  opinion: { from: ['accepted'], event: 'case.opinion_given', by: 'department', who: 'co' },
  suspend: { from: ['accepted'], to: 'suspended', event: 'case.suspended', by: 'department', who: 'lead' },
  resume: { from: ['suspended'], to: 'accepted', event: 'case.resumed', by: 'department', who: 'lead' },
  extend: { from: ['accepted', 'suspended'], event: 'case.extended', by: 'department', who: 'lead' },
  approve: { from: ['accepted'], to: 'approved', event: 'case.approved', by: 'department', who: 'lead' },
  deny: { from: ['accepted'], to: 'denied', event: 'case.denied', by: 'department', who: 'lead' },
  complete: { from: ['approved'], to: 'completed', event: 'case.completed', by: 'system' },
  signal: { from: ['submitted', 'accepted'], event: 'case.light_changed', by: 'system' },
  explain: { from: ['submitted', 'accepted', 'suspended'], event: 'case.delay_explained', by: 'department', who: 'any' },
  open_supervision: { from: ['submitted', 'accepted'], event: 'case.supervision_opened', by: 'system' },
  respond_supervision: { from: CASE_STATUSES, event: 'case.supervision_answered', by: 'department', who: 'any' },
  escalate_supervision: { from: CASE_STATUSES, event: 'case.supervision_escalated', by: 'system' },
  open_material: { from: CASE_STATUSES, event: 'case.material_opened', by: ['applicant', 'department'], who: 'any' },
};

/** D2: one supplement request per case, and at most one follow-up. */
export const MAX_SUPPLEMENT_REQUESTS = 2;

const openSupervision = (record: CaseRecord, supervisionId: string) =>
  (record.supervisions ?? []).find((s) => s.supervisionId === supervisionId && s.status === 'open');

/** Co-departments still to give their opinion while the case is under review. */
export function pendingOpinions(record: CaseRecord): string[] {
  return record.status === 'accepted' ? record.coDepartments.filter((d) => !record.opinions[d]) : [];
}

/** The extra rules some commands carry beyond "which status, which actor". */
function check(record: CaseRecord, command: Command, actor: Actor): void {
  switch (command.type) {
    case 'request_supplement': {
      // D2: the notice lists everything at once. Only materials newly supplied in answer to the
      // previous notice may be asked about again.
      const previous = record.supplementRequests.at(-1);
      if (!previous) return;
      if (record.supplementRequests.length >= MAX_SUPPLEMENT_REQUESTS) {
        throw new Conflict(
          `the one-time notice (一次性告知) of ${record.supplementRequests[0]!.at} and its one follow-up of ${previous.at} were given; no further request for materials is allowed`,
        );
      }
      const newly = new Set(previous.answer?.materialIds ?? []);
      const others = command.items.filter((i) => !newly.has(i.materialId)).map((i) => i.materialId);
      if (others.length) {
        throw new Conflict(
          `the one-time notice (一次性告知) was already given on ${previous.at}; a further request may only concern materials newly supplied in answer to it, not ${others.join(', ')}`,
        );
      }
      return;
    }
    case 'reject':
    case 'deny':
      if (!command.reasons.some((r) => r.trim())) throw new RuleViolation(`${command.type} needs at least one reason`, [{ path: 'data.reasons', message: 'give at least one reason' }]);
      return;
    case 'opinion':
      if (record.opinions[actor.id]) throw new Conflict(`${actor.id} already gave its opinion on ${record.opinions[actor.id]!.at}`);
      return;
    case 'explain':
      if (!command.explanation.trim()) throw new RuleViolation('an explanation cannot be empty', [{ path: 'data.explanation', message: 'say why the case is late' }]);
      return;
    case 'respond_supervision': {
      const s = openSupervision(record, command.supervisionId);
      if (!s || s.deptCode !== actor.id) throw new Conflict(`no open supervision ${command.supervisionId} for ${actor.id} on this case`);
      if (!command.explanation.trim()) throw new RuleViolation('an explanation cannot be empty', [{ path: 'data.explanation', message: 'answer the supervision' }]);
      return;
    }
    case 'escalate_supervision': {
      const s = openSupervision(record, command.supervisionId);
      if (!s || s.level !== 1) throw new Conflict(`supervision ${command.supervisionId} cannot be escalated`);
      return;
    }
    case 'approve': {
      const pending = pendingOpinions(record);
      if (pending.length) throw new Conflict(`waiting for the opinions of ${pending.join(', ')} before a decision`);
      return;
    }
    default:
      return;
  }
}

/** The record after a command: status, and what the command adds to the case. */
function apply(record: CaseRecord, command: Command, actor: Actor, at: string, to: CaseStatus | undefined): CaseRecord {
  const next: CaseRecord = { ...record, status: to ?? record.status, updatedAt: at, version: record.version + 1 };
  switch (command.type) {
    case 'request_supplement':
      next.supplementRequests = [
        ...record.supplementRequests,
        { requestedBy: actor.id, at, items: command.items, followUp: record.supplementRequests.length > 0 },
      ];
      break;
    case 'supplement': {
      const supplied = new Set(command.materials.map((m) => m.materialId));
      next.materials = [...record.materials.filter((m) => !supplied.has(m.materialId)), ...command.materials];
      if (command.form !== undefined) next.form = command.form;
      const last = record.supplementRequests.at(-1)!;
      next.supplementRequests = [
        ...record.supplementRequests.slice(0, -1),
        { ...last, answer: { at, materialIds: [...supplied], ...(command.note ? { note: command.note } : {}) } },
      ];
      break;
    }
    case 'opinion':
      next.opinions = { ...record.opinions, [actor.id]: { opinion: command.opinion, ...(command.note ? { note: command.note } : {}), at } };
      break;
    case 'complete':
      next.certificates = [...record.certificates, command.certificateId];
      break;
    case 'signal':
      next.lights = { ...record.lights, [command.deptCode]: { light: command.light, on: command.since, due: command.due, stage: command.stage } };
      break;
    case 'open_supervision':
      next.supervisions = [
        ...(record.supervisions ?? []),
        { supervisionId: command.supervisionId, deptCode: command.deptCode, stage: command.stage, openedOn: at.slice(0, 10), respondBy: command.respondBy, level: 1, status: 'open' },
      ];
      break;
    case 'respond_supervision':
      next.supervisions = (record.supervisions ?? []).map((s) =>
        s.supervisionId === command.supervisionId
          ? { ...s, status: 'answered' as const, answer: { at, explanation: command.explanation, late: at.slice(0, 10) > s.respondBy } }
          : s,
      );
      break;
    case 'escalate_supervision':
      next.supervisions = (record.supervisions ?? []).map((s) =>
        s.supervisionId === command.supervisionId ? { ...s, level: 2 as const, escalatedOn: at.slice(0, 10), respondBy: command.respondBy } : s,
      );
      break;
    default:
      break;
  }
  return next;
}

export function decide(
  record: CaseRecord,
  command: Command,
  actor: Actor,
  at: string,
  opts: { note?: string; documents?: CaseDocument[] } = {},
): { record: CaseRecord; event: AuditEvent } {
  const rule = RULES[command.type];
  if (!(typeof rule.by === 'string' ? [rule.by] : rule.by).includes(actor.kind)) throw new IllegalTransition(`${actor.kind === 'applicant' ? 'an applicant' : `a ${actor.kind}`} cannot ${command.type.replace('_', ' ')} a case`);
  if (rule.who === 'lead' && actor.id !== record.leadDepartment) {
    throw new Forbidden(`only the lead department ${record.leadDepartment} can ${command.type.replace('_', ' ')} this case`);
  }
  if (rule.who === 'co' && !record.coDepartments.includes(actor.id)) throw new Forbidden('only co-departments give opinions');
  if (rule.who === 'any' && actor.kind === 'department' && actor.id !== record.leadDepartment && !record.coDepartments.includes(actor.id)) {
    throw new Forbidden('only the case’s departments can do this');
  }
  if (actor.kind === 'applicant' && actor.id !== record.applicant.id) throw new Forbidden('only the applicant can do this');
  if (!rule.from.includes(record.status)) {
    throw new IllegalTransition(`a case in status "${record.status}" does not allow ${command.type.replace('_', ' ')}`);
  }
  check(record, command, actor);
  const { type: _type, ...details } = command;
  // Supplied materials are on the case already; the event keeps which ones, with their digests (and the form's new version).
  const data =
    command.type === 'supplement'
      ? {
          materialIds: command.materials.map((m) => m.materialId),
          files: command.materials.flatMap((m) => ('sha256' in m && m.sha256 ? [{ materialId: m.materialId, sha256: m.sha256, ...(m.source === 'form' ? { formVersion: m.formVersion } : {}) }] : [])),
        }
      : details;
  const next = apply(record, command, actor, at, rule.to);
  if (opts.documents?.length) next.documents = [...next.documents, ...opts.documents];
  const { event, head } = chain(record, {
    at,
    type: rule.event,
    actor,
    fromStatus: record.status,
    toStatus: next.status,
    ...(opts.note ? { note: opts.note } : {}),
    ...(Object.keys(data).length ? { data } : {}),
    ...(opts.documents?.length ? { documents: opts.documents.map((d) => d.docId) } : {}),
  });
  return { record: { ...next, ...head }, event };
}
