import { randomInt } from 'node:crypto';

/**
 * 统一服务监管码: printed on notices and certificates and checkable online.
 *
 * Layout: <6-digit administrative region code>-<YYMMDD in Shanghai>-<8 random characters>-<check>
 * e.g. 350100-261123-7K3M9QXA-R. Characters come from Crockford's base 32 (no I, L, O, U), so a
 * code read aloud or typed from paper survives. The check character is Luhn mod 32 over every
 * character before it: it catches any single wrong character and any swap of neighbours.
 * Uniqueness is enforced by the repository (a reservation item written in the case's transaction).
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const N = ALPHABET.length;

function checkCharacter(payload: string): string {
  let factor = 2;
  let sum = 0;
  for (let i = payload.length - 1; i >= 0; i--) {
    const codePoint = ALPHABET.indexOf(payload[i]!);
    if (codePoint < 0) throw new Error(`character ${payload[i]} is outside the code alphabet`);
    let addend = factor * codePoint;
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / N) + (addend % N);
    sum += addend;
  }
  return ALPHABET[(N - (sum % N)) % N]!;
}

export function makeSupervisionCode(regionCode: string, shanghaiDay: string, random = randomPart()): string {
  if (!/^\d{6}$/.test(regionCode)) throw new Error('region code must be 6 digits');
  const yymmdd = shanghaiDay.replaceAll('-', '').slice(2);
  const payload = `${regionCode}${yymmdd}${random}`;
  return `${regionCode}-${yymmdd}-${random}-${checkCharacter(payload)}`;
}

export function isValidSupervisionCode(code: string): boolean {
  const match = /^(\d{6})-(\d{6})-([0-9A-HJKMNP-TV-Z]{8})-([0-9A-HJKMNP-TV-Z])$/.exec(code);
  if (!match) return false;
  const [, region, day, random, check] = match;
  return checkCharacter(`${region}${day}${random}`) === check;
}

function randomPart(): string {
  let out = '';
  for (let i = 0; i < 8; i++) out += ALPHABET[randomInt(N)];
  return out;
}
