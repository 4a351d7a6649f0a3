import { createHash } from 'node:crypto';
import type { ActionEventData, Command } from './actions/index.ts';
import type { CaseStatus } from './case-statuses.ts';

/**
 * The case: its record, its audit trail (a hash chain of events) and its filing. What each action
 * does to it is in shared/domain/actions (one module each); decide.ts applies them.
 */
export { CASE_STATUSES, FINAL_STATUSES, type CaseStatus } from './case-statuses.ts';

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
  /**
   * Fetched by the platform (C2), not asked for: the applicant's e-certificate from the library
   * (`certificateId`) or the shared-data platform's record, pinned as the JSON fetched; where from,
   * when, and on what legal basis. Cases filed before fetching was built have none of it.
   */
  | ({ materialId: string; source: 'certificate_library' | 'shared_data'; certificateId?: string; fetchedFrom?: string; fetchedAt?: string; legalBasis?: string } & Partial<PinnedFile>)
  /** Generated from the online form (申请书): the form as filed or as last corrected, by version. */
  | ({ materialId: string; source: 'form'; formVersion?: number } & Partial<PinnedFile>);

/** The materials a department can open: every one with a pinned file. */
export const openableMaterials = (record: Pick<CaseRecord, 'materials'>) =>
  record.materials.flatMap((m) =>
    'objectKey' in m && m.objectKey && m.sha256 ? [{ materialId: m.materialId, source: m.source, sha256: m.sha256, fileName: m.fileName!, contentType: m.contentType! }] : [],
  );

/** A field of the form that disagrees with the shared record of a material (C4). */
export type DataMismatch = { materialId: string; field: string; label: string; dataset: string };

/** What the applicant is told of fields the shared records contradict (the filing's warnings, its SMS). */
export const mismatchSentence = (labels: string, datasets: string) => `${labels}与${datasets}的记录不一致，已提示受理部门核实；如填写有误，请在补正时更正`;

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
  /** The departments of the guide that supervise afterwards, told of the completion (抄告, G5). */
  supervisingDepartments?: string[];
  status: CaseStatus;
  /** The application form as filed or as last corrected, validated by the item's form schema (an object). */
  form: Record<string, unknown>;
  materials: SubmittedMaterial[];
  /** C4: fields of the form that disagree with the shared record fetched for a material, flagged for the department. */
  dataMismatches?: DataMismatch[];
  /**
   * How the paper result reaches the applicant (G4): picked up at the hall with the code the
   * completion gives, or mailed — booked with the carrier once the case completed.
   */
  delivery?: {
    method: 'pickup' | 'mail';
    address?: string;
    pickupCode?: string;
    carrier?: string;
    trackingNo?: string;
    status?: 'booked' | 'in_transit' | 'delivered';
    dispatchedAt?: string;
  };
  supplementRequests: SupplementRequest[];
  /** Co-departments' opinions in joint processing (E3), by department code. */
  opinions: Record<string, Opinion>;
  documents: CaseDocument[];
  certificates: string[];
  /** The last light announced for each department's clock (F3), by department code. */
  lights?: Record<string, AnnouncedLight>;
  /** Supervision cases (督办) opened on this case. */
  supervisions?: Supervision[];
  /** When the case completed (its certificates in the library), and its paper issue that day, if any (G1). */
  completedAt?: string;
  offlineIssue?: { at: string; certificateNo?: string };
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

/** The data each audit event keeps, by its type: the filing's, then each action's (shared/domain/actions). */
export type EventData = { 'case.submitted': { serviceItemCode: string; serviceItemVersion: number } } & ActionEventData;
export type AuditEventType = keyof EventData;

type EventBase = {
  caseId: string;
  seq: number;
  at: string;
  actor: Actor;
  fromStatus: CaseStatus | null;
  toStatus: CaseStatus;
  note?: string;
  /** Notices issued with this step. */
  documents?: string[];
  prevHash: string;
  hash: string;
};

/** One step on a case's record: its type says what its data holds. */
export type AuditEvent = { [T in AuditEventType]: EventBase & { type: T; data?: EventData[T] } }[AuditEventType];

export const GENESIS_HASH = '0'.repeat(64);

export type EventBody = Omit<EventBase, 'hash' | 'prevHash' | 'seq' | 'caseId'> & { type: AuditEventType; data?: Record<string, unknown> };

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

export function eventHash(event: object): string {
  return createHash('sha256').update(canonical(event)).digest('hex');
}

/** Appends an event to the case's chain and returns the case with its new head. */
export function chain(record: CaseRecord, body: EventBody): { event: AuditEvent; head: Pick<CaseRecord, 'lastEventSeq' | 'lastEventHash'> } {
  const unsigned = { ...body, caseId: record.caseId, seq: record.lastEventSeq + 1, prevHash: record.lastEventHash };
  // The data is what the event's own action keeps (decide takes it from the action's definition).
  const event = { ...unsigned, hash: eventHash(unsigned) } as AuditEvent;
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

export type { Command };
