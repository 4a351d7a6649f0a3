import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isValidSupervisionCode, makeSupervisionCode } from '#shared/domain/supervision-code.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('G2 supervision code (统一服务监管码)', () => {
  it('carries the region, the Shanghai date and a check character', () => {
    const code = makeSupervisionCode('350100', '2026-11-23', '7K3M9QXA');
    expect(code).toMatch(/^350100-261123-7K3M9QXA-[0-9A-Z]$/);
    expect(isValidSupervisionCode(code)).toBe(true);
  });

  it('catches any single mistyped character', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{8}$/), fc.nat(), fc.nat(), (random, pos, replacement) => {
        const code = makeSupervisionCode('350100', '2026-11-23', random);
        const chars = [...code];
        const editable = chars.map((c, i) => (c === '-' ? -1 : i)).filter((i) => i >= 0);
        const at = editable[pos % editable.length]!;
        const was = chars[at]!;
        const pool = /\d/.test(was) && at < 14 ? '0123456789' : ALPHABET;
        const now = pool[replacement % pool.length]!;
        if (now === was) return;
        chars[at] = now;
        expect(isValidSupervisionCode(chars.join(''))).toBe(false);
      }),
    );
  });

  it('catches swapped neighbours', () => {
    const code = makeSupervisionCode('350100', '2026-11-23', 'ABCDEFGH');
    const swapped = code.replace('ABCDEFGH', 'BACDEFGH');
    expect(isValidSupervisionCode(swapped)).toBe(false);
  });

  it('differs between cases filed the same day', () => {
    const codes = new Set(Array.from({ length: 2000 }, () => makeSupervisionCode('350100', '2026-11-23')));
    expect(codes.size).toBe(2000);
  });

  it('rejects malformed codes', () => {
    for (const bad of ['', '350100-261123-7K3M9QXA', '35010-261123-7K3M9QXA-R', '350100-261123-7K3M9QXI-R']) {
      expect(isValidSupervisionCode(bad)).toBe(false);
    }
  });
});
