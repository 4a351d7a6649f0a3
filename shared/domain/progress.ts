import { createHash } from 'node:crypto';
import type { AuditEvent, CaseRecord } from './case.ts';

/**
 * H1: anyone with a case's supervision code and its applicant's name may follow it — its item,
 * department, status and the steps it went through, never who acted, why, or anything filed.
 * These are the steps shown; the rest (materials opened, lights, supervision) stay inside.
 */
const PUBLIC_STEPS: ReadonlySet<string> = new Set([
  'case.submitted',
  'case.accepted',
  'case.rejected',
  'case.supplement_requested',
  'case.supplemented',
  'case.suspended',
  'case.resumed',
  'case.extended',
  'case.approved',
  'case.denied',
  'case.completed',
  'case.issued_offline',
  'case.dispatched',
  'case.withdrawn',
]);

/**
 * The public progress of a case, kept beside it (written with each of its steps), so the anonymous
 * lookup reads this and nothing of the case. The applicant's name is kept only as a digest to
 * compare with the name asked with.
 */
export type CaseProgress = {
  supervisionCode: string;
  serviceItem: { code: string; name: string };
  leadDepartment: string;
  status: CaseRecord['status'];
  filedAt: string;
  updatedAt: string;
  nameDigest: string;
  steps: Array<{ at: string; type: string }>;
  /** Lookups with a wrong name, by Shanghai day (YYYY-MM-DD): past a few a day, the code answers nothing that day. */
  misses?: Record<string, number>;
};

/**
 * How many wrong names a code takes in a day before it answers nothing more that day: the
 * verification shows the holder's name masked (陈*玲), so without a limit the hidden characters
 * could be guessed by trying.
 */
export const MAX_MISSES_A_DAY = 5;

/** The applicant's name as the lookup compares it: SHA-256 of the code and the trimmed name. */
export const nameDigest = (supervisionCode: string, name: string): string => createHash('sha256').update(`${supervisionCode}\n${name.trim()}`).digest('hex');

/** The step a case's event adds to its public progress, if it is one anyone may see. */
export const publicStep = (event: Pick<AuditEvent, 'at' | 'type'>): { at: string; type: string } | undefined => (PUBLIC_STEPS.has(event.type) ? { at: event.at, type: event.type } : undefined);

/** A case's public progress from its record and trail (what the steps' transactions wrote, step by step). */
export const progressOf = (record: CaseRecord, events: AuditEvent[]): CaseProgress => ({
  supervisionCode: record.supervisionCode,
  serviceItem: { code: record.serviceItem.code, name: record.serviceItem.name },
  leadDepartment: record.leadDepartment,
  status: record.status,
  filedAt: record.createdAt,
  updatedAt: record.updatedAt,
  nameDigest: nameDigest(record.supervisionCode, record.applicant.name),
  steps: events.flatMap((e) => publicStep(e) ?? []),
});
