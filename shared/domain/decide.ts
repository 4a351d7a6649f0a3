import { Forbidden, IllegalTransition } from '../errors.ts';
import { actionOf, type Command } from './actions/index.ts';
import { chain, type Actor, type AuditEvent, type CaseDocument, type CaseRecord } from './case.ts';

const says = (command: Command) => command.type.replace('_', ' ');

/**
 * The case lifecycle (api.md "Case statuses"). Pure: given a case and a command it returns the
 * next case and the audit event that records the change, or throws IllegalTransition (or
 * Forbidden, Conflict, RuleViolation: the action's own rules, shared/domain/actions).
 * Persisting both in one transaction is the repository's job.
 */
export function decide(
  record: CaseRecord,
  command: Command,
  actor: Actor,
  at: string,
  opts: { note?: string; documents?: CaseDocument[] } = {},
): { record: CaseRecord; event: AuditEvent } {
  const action = actionOf(command);
  if (!(typeof action.by === 'string' ? [action.by] : action.by).includes(actor.kind)) {
    throw new IllegalTransition(`${actor.kind === 'applicant' ? 'an applicant' : `a ${actor.kind}`} cannot ${says(command)} a case`);
  }
  if (action.who === 'lead' && actor.id !== record.leadDepartment) throw new Forbidden(`only the lead department ${record.leadDepartment} can ${says(command)} this case`);
  if (action.who === 'co' && !record.coDepartments.includes(actor.id)) throw new Forbidden('only co-departments give opinions');
  if (action.who === 'any' && actor.kind === 'department' && actor.id !== record.leadDepartment && !record.coDepartments.includes(actor.id)) {
    throw new Forbidden('only the case’s departments can do this');
  }
  if (actor.kind === 'applicant' && actor.id !== record.applicant.id) throw new Forbidden('only the applicant can do this');
  if (!action.from.includes(record.status)) throw new IllegalTransition(`a case in status "${record.status}" does not allow ${says(command)}`);
  action.check?.(record, command, actor);
  const { type: _type, ...details } = command;
  const data = (action.eventData ? action.eventData(command) : details) as Record<string, unknown>;
  const next: CaseRecord = {
    ...record,
    ...action.apply?.(record, command, actor, at),
    status: action.to ?? record.status,
    updatedAt: at,
    version: record.version + 1,
  };
  if (opts.documents?.length) next.documents = [...next.documents, ...opts.documents];
  const { event, head } = chain(record, {
    at,
    type: action.event as AuditEvent['type'],
    actor,
    fromStatus: record.status,
    toStatus: next.status,
    ...(opts.note ? { note: opts.note } : {}),
    ...(Object.keys(data).length ? { data } : {}),
    ...(opts.documents?.length ? { documents: opts.documents.map((d) => d.docId) } : {}),
  });
  return { record: { ...next, ...head }, event };
}
