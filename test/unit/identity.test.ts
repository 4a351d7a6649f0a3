import { describe, expect, it } from 'vitest';
import { isValidResidentIdNumber, isValidUnifiedSocialCreditCode } from '#shared/domain/identity.ts';

describe('B1 identity numbers', () => {
  it('accepts a resident ID number whose check character fits (GB 11643)', () => {
    expect(isValidResidentIdNumber('11010519491231002X')).toBe(true);
    expect(isValidResidentIdNumber('350102198806123013')).toBe(true);
  });

  it('refuses a resident ID number with a wrong check character', () => {
    expect(isValidResidentIdNumber('110105194912310021')).toBe(false);
  });

  it('refuses a resident ID number with an impossible birth date', () => {
    expect(isValidResidentIdNumber('350102198802303013')).toBe(false); // 30 February
  });

  it('refuses a resident ID number of the wrong length', () => {
    expect(isValidResidentIdNumber('35010219880612301')).toBe(false);
  });

  it('accepts a unified social credit code whose check character fits (GB 32100)', () => {
    expect(isValidUnifiedSocialCreditCode('91350102MA8RB2K5WY')).toBe(true);
    expect(isValidUnifiedSocialCreditCode('12350100488099231E')).toBe(true);
  });

  it('refuses a unified social credit code with a wrong check character', () => {
    expect(isValidUnifiedSocialCreditCode('91350102MA8RB2K5WX')).toBe(false);
  });

  it('refuses a unified social credit code with a character outside the code set', () => {
    expect(isValidUnifiedSocialCreditCode('91350102MA8RB2K5IY')).toBe(false);
  });
});
