import { smsClauseFor } from '../domain/actions/index.ts';
import { mismatchSentence, type AuditEvent, type CaseRecord } from '../domain/case.ts';
import type { SmsDelivery } from '../domain/delivery.ts';
import { newId } from '../ids.ts';
import { logger } from '../log.ts';
import { MOBILE_PHONE } from '../schemas/fields.ts';
import { chineseDate } from '../time.ts';
import type { Deps } from './deps.ts';
import { noticeContext } from './notices.ts';

/** The SMS signature (签名) every message begins with, as registered with the gateway. */
const SMS_SIGNATURE = '【一网通办】';

/** The contact mobile number the applicant filed: every item's form has one, `phone` (the catalog's test holds it). */
export function contactPhone(record: CaseRecord): string | undefined {
  const phone = record.form.phone;
  return typeof phone === 'string' && MOBILE_PHONE.test(phone) ? phone : undefined;
}

/** 13805918877 → 138****8877. */
export const maskPhone = (phone: string): string => (phone.length > 7 ? `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}` : '*'.repeat(phone.length));

/** C4: a filing whose form the shared records contradict tells the applicant which fields (the case is flagged for the department). */
function mismatchClause(record: CaseRecord): string | undefined {
  const found = record.dataMismatches ?? [];
  if (!found.length) return undefined;
  const fields = [...new Set(found.map((m) => m.label))].join('、');
  const sets = [...new Set(found.map((m) => m.dataset))].join('、');
  return `中，${mismatchSentence(fields, sets)}`;
}

/**
 * The SMS a step sends the applicant (G4), to be written in the step's own transaction: one for
 * each step whose action has an SMS (acceptance, rejection, supplement request, suspension,
 * resumption, extension, decision, completion) and for a filing the shared records contradict
 * (C4), from the case as it is after the step.
 */
export function smsFor(deps: Pick<Deps, 'clock'>, record: CaseRecord, event: AuditEvent): SmsDelivery[] {
  const ctx = event.type === 'case.submitted' ? undefined : noticeContext(record);
  const clause = ctx ? smsClauseFor(event, ctx) : event.type === 'case.submitted' ? mismatchClause(record) : undefined;
  if (!clause) return [];
  const phone = contactPhone(record);
  if (!phone) {
    logger.warn('the case has no contact mobile number; the applicant is not sent an SMS', { caseId: record.caseId, template: event.type });
    return [];
  }
  const text = `${SMS_SIGNATURE}${record.applicant.name}，您于${chineseDate(record.createdAt)}提交的${record.serviceItem.name}申请${clause}。监督码：${record.supervisionCode}。`;
  return [
    {
      channel: 'sms',
      deliveryId: `sms_${newId(deps.clock.now())}`,
      to: record.applicant.id,
      phone,
      caseId: record.caseId,
      template: event.type,
      text,
      occurredAt: event.at,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: event.at,
    },
  ];
}
