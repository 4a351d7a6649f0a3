import { createHash } from 'node:crypto';
import { IllegalTransition } from '../errors.ts';

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
  | { kind: 'system'; id: 'workflow' };

export type SubmittedMaterial =
  | { materialId: string; source: 'upload'; uploadId: string; objectKey: string; fileName: string; contentType: string; size: number; sha256: string }
  | { materialId: string; source: 'certificate'; certificateId: string }
  | { materialId: string; source: 'shared_data' }
  | { materialId: string; source: 'form' };

export type CaseRecord = {
  caseId: string;
  supervisionCode: string;
  serviceItem: { code: string; version: number; name: string };
  applicant: { id: string; name: string; subjectType: 'person' | 'company' | 'organisation' };
  leadDepartment: string;
  coDepartments: string[];
  status: CaseStatus;
  form: unknown;
  materials: SubmittedMaterial[];
  delivery?: { method: 'pickup' | 'mail'; address?: string };
  certificates: string[];
  createdAt: string;
  updatedAt: string;
  /** Optimistic lock: every write asserts the version it read. */
  version: number;
  /** Head of the hash chain of audit events. */
  lastEventSeq: number;
  lastEventHash: string;
};

export type AuditEventType =
  | 'case.submitted'
  | 'case.accepted'
  | 'case.approved'
  | 'case.completed';

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

export type NewCase = Omit<CaseRecord, 'status' | 'version' | 'lastEventSeq' | 'lastEventHash' | 'certificates' | 'updatedAt'>;

export function fileCase(input: NewCase, actor: Actor): { record: CaseRecord; event: AuditEvent } {
  const base: CaseRecord = {
    ...input,
    status: 'submitted',
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
  | { type: 'approve'; certificate?: { summary: Record<string, unknown> } }
  | { type: 'complete'; certificateId: string };

type Rule = { from: readonly CaseStatus[]; to: CaseStatus; event: AuditEventType; by: Actor['kind'] };

const RULES: Record<Command['type'], Rule> = {
  accept: { from: ['submitted'], to: 'accepted', event: 'case.accepted', by: 'department' },
  approve: { from: ['accepted'], to: 'approved', event: 'case.approved', by: 'department' },
  complete: { from: ['approved'], to: 'completed', event: 'case.completed', by: 'system' },
};

/** The statuses from which a command is allowed; the workflow uses this to know what it waits for. */
export function allowedFrom(command: Command['type']): readonly CaseStatus[] {
  return RULES[command].from;
}

export function decide(
  record: CaseRecord,
  command: Command,
  actor: Actor,
  at: string,
  note?: string,
): { record: CaseRecord; event: AuditEvent } {
  const rule = RULES[command.type];
  if (actor.kind !== rule.by) throw new IllegalTransition(`${actor.kind} cannot ${command.type} a case`);
  if (!rule.from.includes(record.status)) {
    throw new IllegalTransition(`a case in status "${record.status}" cannot move to "${rule.to}"`);
  }
  const { type: _type, ...details } = command;
  const { event, head } = chain(record, {
    at,
    type: rule.event,
    actor,
    fromStatus: record.status,
    toStatus: rule.to,
    ...(note ? { note } : {}),
    ...(Object.keys(details).length ? { data: details } : {}),
  });
  const certificates = command.type === 'complete' ? [...record.certificates, command.certificateId] : record.certificates;
  return {
    record: { ...record, ...head, status: rule.to, certificates, updatedAt: at, version: record.version + 1 },
    event,
  };
}
