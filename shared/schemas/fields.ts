import { z } from 'zod';
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

export const mobilePhone = z.string().regex(/^1[3-9]\d{9}$/, '请填写 11 位手机号码').describe('联系电话');

export const personName = z.string().trim().min(2).max(30);

export const address = z.string().trim().min(6, '地址应写到门牌号').max(120);
