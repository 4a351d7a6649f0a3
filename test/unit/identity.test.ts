import { describe, expect, it } from 'vitest';
import { isValidResidentIdNumber, isValidUnifiedSocialCreditCode } from '#shared/domain/identity.ts';

describe('B1 identity numbers', () => {
  it('accepts a resident ID number whose check character fits (GB 11643)', () => {
    expect(isValidResidentIdNumber('11010519491231002X')).toBe(true);
    expect(isValidResidentIdNumber('350102198806123013')).toBe(true);
  });

  it('refuses a wrong check character, a wrong birth date or a wrong length', () => {
    expect(isValidResidentIdNumber('110105194912310021')).toBe(false);
    expect(isValidResidentIdNumber('350102198802303013')).toBe(false); // 30 February
    expect(isValidResidentIdNumber('35010219880612301')).toBe(false);
  });

  it('accepts a unified social credit code whose check character fits (GB 32100)', () => {
    expect(isValidUnifiedSocialCreditCode('91350102MA8RB2K5WY')).toBe(true);
    expect(isValidUnifiedSocialCreditCode('12350100488099231E')).toBe(true);
  });

  it('refuses a wrong check character or a character outside the code set', () => {
    expect(isValidUnifiedSocialCreditCode('91350102MA8RB2K5WX')).toBe(false);
    expect(isValidUnifiedSocialCreditCode('91350102MA8RB2K5IY')).toBe(false);
  });
});
