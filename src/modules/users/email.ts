/** Trimmed, Unicode NFC, lower-cased: one account per address however it is typed. */
export const normalizeEmail = (raw: string): string => raw.trim().normalize('NFC').toLowerCase();

// Deliberately simple: one @, a dot in the domain, no spaces, control characters or lone
// surrogates (which the database would silently turn into U+FFFD), RFC 5321 lengths.
const SHAPE = /^[^\s@\p{Cc}\p{Cs}]{1,64}@[^\s@\p{Cc}\p{Cs}]+\.[^\s@\p{Cc}\p{Cs}]{2,}$/u;

export function emailProblem(normalized: string): string | undefined {
  if (normalized.length === 0) return 'The e-mail address is empty.';
  if (normalized.length > 254) return 'The e-mail address is longer than 254 characters.';
  if (!SHAPE.test(normalized)) return 'The e-mail address is not valid.';
  return undefined;
}
