/**
 * Backup codes look like `K7QD-3M9X-PA2R`: the first group (20 random bits) only finds the row,
 * the other two (40 random bits) are the secret, stored as an argon2id hash because they are
 * short. A wrong lookup still costs one dummy verify, so timing says nothing about which
 * groups exist. Attempts are capped per user, which is what makes 40 bits plenty.
 */
import { randomInt } from 'node:crypto';

export const BACKUP_CODE_COUNT = 10;
// Crockford's base32: no I, L, O, U, so codes survive being read aloud or written down.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const group = () => Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

export function newBackupCode(): { code: string; lookup: string; secret: string } {
  const lookup = group();
  const secret = group() + group();
  return { code: `${lookup}-${secret.slice(0, 4)}-${secret.slice(4)}`, lookup, secret };
}

/** Accepts what people type: any case, spaces or dashes, and the look-alikes O/I/L. */
export function parseBackupCode(raw: string): { lookup: string; secret: string } | undefined {
  const cleaned = raw
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (!/^[0-9A-HJKMNP-TV-Z]{12}$/.test(cleaned)) return undefined;
  return { lookup: cleaned.slice(0, 4), secret: cleaned.slice(4) };
}
