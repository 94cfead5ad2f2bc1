/**
 * E-mail addresses: one account per address however it is typed, and no address that reads as
 * another one.
 *
 * Threats: two accounts for one mailbox (`Ada@Example.com`, `ada@example.com.`, `ada@bücher.de`
 * and `ada@xn--bcher-kva.de` are each the same mailbox); an address that shows as someone else's
 * (invisible, format and text-direction characters); one that the mail layer splits into two
 * recipients (a comma, angle brackets); lone UTF-16 surrogates, which the database would silently
 * turn into U+FFFD.
 *
 * Normal form: trimmed, Unicode NFC, lower-case; the domain without a trailing dot and in its
 * ASCII (punycode) form, as `url.domainToASCII` (UTS #46) gives it. The local part keeps its
 * Unicode (SMTPUTF8 mailboxes exist), lower-cased like the rest.
 */
import { domainToASCII } from 'node:url';

// Characters no address may hold: invisible ones or ones that change how the rest reads
// (controls, format and bidi characters, separators, private use, lone surrogates, the Hangul
// fillers), and the specials only a quoted local part may hold (a comma or an angle bracket
// would make two recipients, or a header, of one address).
const FORBIDDEN = /[\s\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Z}\u115f\u1160\u3164\uffa0,;:<>()[\]\\"]/u;

export function normalizeEmail(raw: string): string {
  const text = raw.trim().normalize('NFC').toLowerCase();
  const at = text.lastIndexOf('@');
  if (at < 0) return text;
  const domain = text.slice(at + 1).replace(/\.$/, '');
  // UTS #46 would quietly drop some invisible characters (U+200B): those are refused, not
  // mapped away, so the raw domain is kept for emailProblem to refuse; likewise '' (not an IDN).
  const ascii = domain && !FORBIDDEN.test(domain) ? domainToASCII(domain) : '';
  return `${text.slice(0, at)}@${ascii || domain}`;
}

// Deliberately simple: one @, nothing FORBIDDEN, RFC 5321 lengths.
const LOCAL = new RegExp(`^(?:(?!${FORBIDDEN.source})[^@]){1,64}$`, 'u');
// After normalizeEmail the domain is ASCII: LDH labels, a dot, a top-level label.
const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/** Why a normalised address is refused, or undefined when it is fine. */
export function emailProblem(normalized: string): string | undefined {
  if (normalized.length === 0) return 'The e-mail address is empty.';
  if (normalized.length > 254) return 'The e-mail address is longer than 254 characters.';
  const at = normalized.lastIndexOf('@');
  if (at < 0) return 'The e-mail address is not valid.';
  if (!LOCAL.test(normalized.slice(0, at)) || !DOMAIN.test(normalized.slice(at + 1))) return 'The e-mail address is not valid.';
  return undefined;
}
