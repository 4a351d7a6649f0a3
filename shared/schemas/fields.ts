import * as z from 'zod';
import { isValidResidentIdNumber, isValidUnifiedSocialCreditCode } from '../domain/identity.ts';

/** Field schemas shared by the catalog's application forms. */
export const residentIdNumber = z
  .string()
  .refine(isValidResidentIdNumber, '不是有效的居民身份证号码（GB 11643 校验位不符）')
  .describe('居民身份证号码');

export const unifiedSocialCreditCode = z
  .string()
  .refine(isValidUnifiedSocialCreditCode, '不是有效的统一社会信用代码（GB 32100 校验位不符）')
  .describe('统一社会信用代码');

/** A mainland mobile number (11 digits): what an SMS can reach. */
export const MOBILE_PHONE = /^1[3-9]\d{9}$/;
export const mobilePhone = z.string().regex(MOBILE_PHONE, '请填写 11 位手机号码').describe('联系电话');

export const personName = z.string().trim().min(2).max(30);

export const address = z.string().trim().min(6, '地址应写到门牌号').max(120);

/** Field schemas shared by the department actions (shared/domain/actions) and the API. */

export const isoTime = z.string().describe('ISO 8601 with offset, Asia/Shanghai');
/** A department as others see it: its code and name. */
export const DepartmentRef = z.object({ code: z.string(), name: z.string() });
export const ulid = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID');

/** Whether a JSON value nests more than `levels` deep (looks no deeper than that, whatever it is given). */
export const nestsDeeperThan = (v: unknown, levels: number): boolean =>
  !!v && typeof v === 'object' && (levels === 0 || Object.values(v as Record<string, unknown>).some((x) => nestsDeeperThan(x, levels - 1)));

export const note = z.string().trim().max(500).optional();
export const reasons = z.array(z.string().trim().min(2).max(500)).min(1, 'give at least one reason').max(20);

/**
 * What the department prints on the certificate: a few fields, kept far inside DynamoDB's limits
 * (400 KB per item, 32 levels of nesting) so a large or deep one is refused here, clearly.
 */
export const CertificateSummary = z
  .record(z.string().min(1).max(64), z.unknown())
  .refine((v) => Object.keys(v).length <= 50, { message: 'at most 50 fields', abort: true })
  // Checked before its size is measured (abort): measuring a value nested thousands deep would overflow.
  .refine((v) => !Object.values(v).some((x) => nestsDeeperThan(x, 3)), { message: 'nests at most 4 levels deep', abort: true })
  .refine((v) => Buffer.byteLength(JSON.stringify(v), 'utf8') <= 16 * 1024, { message: 'at most 16 KiB as JSON' });

