/**
 * The password policy, after NIST SP 800-63B rev. 4.
 *
 * Length is what matters: at least PASSWORD_MIN_LENGTH (15) characters, or
 * PASSWORD_MIN_LENGTH_WITH_MFA (8) once the password is not the only factor; at most 1,024.
 * Length is counted in code points (an emoji is one character to the person typing it), any
 * character is allowed, nothing is truncated, and there are no composition rules.
 *
 * Instead of composition rules, a blocklist, as the guideline asks: common passwords, words from
 * the user's own e-mail address and name (parts of 4+ characters), repetitive and sequential
 * strings and keyboard walks, breached passwords (HIBP_URL) and the user's recent passwords. The
 * dictionaries and pattern matchers are zxcvbn-ts's, plus a walk rule of our own
 * (keyboardWalkShare) and a plain substring check for the e-mail/name parts.
 *
 * Threshold: zxcvbn score 3 or more, i.e. at least 10^8 guesses. With 15 characters required,
 * what still falls below it is what a blocklist is for (a listed password with digits appended, a
 * repeated word, a walk), while random four-word passphrases pass (sampled in the unit tests).
 * With MFA on, score 2 (10^6 guesses): zxcvbn prices no 8-character string above 10^8, so score 3
 * would quietly raise the MFA minimum to 9; there the second factor, rate limits and lockout
 * carry the rest, as SP 800-63B's 8-character minimum for multi-factor use assumes. A refused
 * password gets every reason that applies, in words for the user, never the score.
 *
 * Cost: zxcvbn's matching grows faster than linearly with length (l33t variants above all), so
 * only the first SCORED_LENGTH code points are scored, with at most L33T_MAX_SUBSTITUTIONS l33t
 * substitutions: a few tens of milliseconds even for a 1,024-character input. Guessing a password
 * means guessing its prefix too, so a strong prefix means a strong password; the price is that a
 * long password whose first 64 characters are weak by themselves is refused. The e-mail/name
 * check looks at the whole password (a substring search, cheap at any length).
 *
 * Order: the local rules run first, and only a password that passes them is sent on to the
 * breach check and compared with the history (a network request and up to 12 argon2 hashes).
 * So the reasons listed are every reason among the local rules, or the remote ones after them.
 */
import type { ZxcvbnFactory, ZxcvbnResult } from '@zxcvbn-ts/core';
import { WeakPasswordError } from '../users/users.errors';
import type { BreachChecker } from './hibp';
import type { PasswordHistory } from './password-history.service';
import { scoreInWorker } from './password-scoring';

export const PASSWORD_MAX_LENGTH = 1024;
/** zxcvbn scores at least this (at least 10^8 guesses); lower is "too guessable". */
export const MIN_SCORE = 3;
/** With MFA on (at least 10^6 guesses): the password is not the only factor, see above. */
export const MIN_SCORE_WITH_MFA = 2;
/** How many code points zxcvbn scores (see the cost note above). */
export const SCORED_LENGTH = 64;
const L33T_MAX_SUBSTITUTIONS = 4;
/** Parts of the e-mail address and name this long or longer may not appear in the password. */
export const PERSONAL_PART_MIN = 4;
/** A repeat, sequence or keyboard walk this long is worth naming as the reason. */
const PATTERN_MIN = 4;
const WALK_RUN = 4;
/** Passwords mostly made of walks (keyboardWalkShare) are refused whatever zxcvbn's score. */
const WALK_SHARE_MAX = 0.8;

export const REASONS = {
  tooShort: (minLength: number, length: number) => `Use at least ${minLength} characters (this one has ${length}).`,
  tooLong: (length: number) => `Use at most ${PASSWORD_MAX_LENGTH} characters (this one has ${length}).`,
  common: 'This password is on a list of commonly used passwords.',
  personal: 'Don’t use parts of your e-mail address or name.',
  repetitive: 'Avoid repeated or sequential characters such as aaaa or 1234.',
  guessable: 'This password is too easy to guess: a few unrelated words make a strong one.',
  breached: 'This password has appeared in a data breach; choose another.',
  reused: 'You used this password recently; choose a new one.',
} as const;

const fold = (s: string) => s.normalize('NFKC').toLowerCase();
const words = (s: string) => fold(s).split(/[^\p{L}\p{N}]+/u).flatMap((w) => w.split(/(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u));
const codePoints = (s: string) => [...s].length;

/** zxcvbn plus the keyboard layouts, as adjacency sets (see keyboardWalkShare). */
export interface Scorer {
  zxcvbn: Pick<ZxcvbnFactory, 'check'>;
  layouts: Map<string, Set<string>>[];
}

let scorer: Promise<Scorer> | undefined;

/**
 * zxcvbn with the common and English dictionaries, loaded on first use and then shared: they are
 * immutable, several megabytes, and take a few hundred milliseconds to rank, so neither a process
 * that never checks a password nor a second app in the same process should pay for them again.
 */
export function loadScorer(): Promise<Scorer> {
  scorer ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ]);
    const zxcvbn = new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
      maxLength: SCORED_LENGTH,
      l33tMaxSubstitutions: L33T_MAX_SUBSTITUTIONS,
    });
    return { zxcvbn, layouts: Object.values(common.adjacencyGraphs as Record<string, Record<string, (string | null)[]>>).map(adjacency) };
  })();
  scorer.catch(() => (scorer = undefined)); // a failed load is retried by the next call
  return scorer;
}

/** key → every character on the keys around it (shifted or not), lower-cased. */
function adjacency(graph: Record<string, (string | null)[]>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [key, neighbours] of Object.entries(graph)) {
    const set = out.get(key.toLowerCase()) ?? new Set<string>();
    for (const n of neighbours) for (const c of n ?? '') set.add(c.toLowerCase());
    out.set(key.toLowerCase(), set);
  }
  return out;
}

/**
 * The share of the password's characters that sit in runs of at least WALK_RUN keystrokes where
 * each next character repeats the last, is the next or previous code point (abcd, 4321), or is a
 * neighbouring key on one keyboard layout. zxcvbn prices a walk that changes direction
 * (zaq1xsw2cde3vfr4) as several independent patterns and may score it 3; this does not. Random
 * 4-word passphrases stay below 0.8 (sampled: at most 0.74), which is the threshold.
 */
export function keyboardWalkShare(password: string, layouts: Map<string, Set<string>>[]): number {
  const chars = [...fold(password)];
  if (chars.length === 0) return 0;
  let best = 0;
  for (const layout of layouts) {
    let covered = 0;
    let start = 0;
    for (let i = 1; i <= chars.length; i++) {
      const a = chars[i - 1]!;
      const b = chars[i];
      const step = b === undefined ? NaN : b.codePointAt(0)! - a.codePointAt(0)!;
      if (b !== undefined && (Math.abs(step) <= 1 || layout.get(a)?.has(b))) continue;
      if (i - start >= WALK_RUN) covered += i - start;
      start = i;
    }
    best = Math.max(best, covered / chars.length);
  }
  return best;
}

/** Who the password is for: the source of the words it may not contain. */
export interface PasswordOwner {
  email?: string | null;
  displayName?: string | null;
}

/**
 * Words of the e-mail address (the local part and the domain's labels but the last) and of the
 * display name, folded (NFKC, lower case) and split at punctuation and between letters and digits:
 * `Mary.Smith1984@smith-family.example` gives mary, smith, 1984 and family.
 */
export function personalParts(owner: PasswordOwner): string[] {
  const parts = new Set<string>();
  const email = owner.email ?? '';
  const at = email.lastIndexOf('@');
  const local = at >= 0 ? email.slice(0, at) : email;
  const labels = at >= 0 ? email.slice(at + 1).split('.').slice(0, -1) : [];
  for (const w of [...words(local), ...labels.flatMap(words), ...words(owner.displayName ?? '')]) {
    if (codePoints(w) >= PERSONAL_PART_MIN) parts.add(w);
  }
  return [...parts];
}

/**
 * The local rules: length, then, scored by zxcvbn, guessability and why. Pure (given the loaded
 * scorer). An empty list means the password passes them.
 */
export function passwordProblems(password: string, rules: { minLength: number; minScore: number; owner?: PasswordOwner }, scorer: Scorer): string[] {
  const chars = [...password];
  const problems: string[] = [];
  const tooShort = chars.length < rules.minLength;
  if (tooShort) problems.push(REASONS.tooShort(rules.minLength, chars.length));
  if (chars.length > PASSWORD_MAX_LENGTH) problems.push(REASONS.tooLong(chars.length));

  const personal = personalParts(rules.owner ?? {});
  const folded = fold(password);
  let usesPersonal = personal.some((p) => folded.includes(p));

  // Scored by code points, so the cut never splits a surrogate pair.
  const scored = chars.slice(0, SCORED_LENGTH).join('');
  const result = scorer.zxcvbn.check(scored, [...personal, ...localPart(rules.owner?.email)]);
  const weak = result.score < rules.minScore ? explain(result, scored.length) : { common: false, repetitive: false, personal: false };
  const repetitive = weak.repetitive || keyboardWalkShare(password, scorer.layouts) >= WALK_SHARE_MAX;
  usesPersonal ||= weak.personal;

  if (weak.common) problems.push(REASONS.common);
  if (usesPersonal) problems.push(REASONS.personal);
  if (repetitive) problems.push(REASONS.repetitive);
  // Weak for no reason we can name: say so, unless "too short" already does.
  if (result.score < rules.minScore && !tooShort && !weak.common && !usesPersonal && !repetitive) problems.push(REASONS.guessable);
  return problems;
}

const localPart = (email: string | null | undefined) => {
  const at = email?.lastIndexOf('@') ?? -1;
  return email && at > 0 ? [fold(email.slice(0, at))] : [];
};

/** What made a weak password weak, from zxcvbn's cheapest way to guess it. */
function explain(result: ZxcvbnResult, length: number) {
  let listed = 0;
  let repetitive = false;
  let personal = false;
  for (const m of result.sequence) {
    if (m.pattern === 'dictionary' && m.dictionaryName === 'passwords-common') listed += m.token.length;
    if (m.pattern === 'dictionary' && m.dictionaryName === 'userInputs') personal = true;
    if (['repeat', 'sequence', 'spatial'].includes(m.pattern) && codePoints(m.token) >= PATTERN_MIN) repetitive = true;
  }
  // "On a list" when listed passwords make up at least half of it, not when one word is listed.
  return { common: listed * 2 >= length, repetitive, personal };
}

/** The rules as data, for clients that check as the user types (the passwordPolicy query). */
export interface PasswordRules {
  minLength: number;
  minLengthWithMfa: number;
  maxLength: number;
  historySize: number;
  breachCheck: boolean;
  /** The same rules in sentences for people. */
  descriptions: string[];
}

export interface PasswordCheck extends PasswordOwner {
  /** MFA on: the shorter minimum applies. */
  mfa: boolean;
  /** Set for an existing account: its history is checked. */
  userId?: string;
  /** The current password when the caller knows it (a change): repeating it costs no argon2. */
  currentPassword?: string;
}

export interface PasswordPolicy {
  readonly rules: PasswordRules;
  /** Every reason to refuse `password`; empty when it is acceptable. */
  problems(password: string, check: PasswordCheck): Promise<string[]>;
  /** Throws WeakPasswordError with every reason. */
  enforce(password: string, check: PasswordCheck): Promise<void>;
}

export function createPasswordPolicy(deps: {
  settings: { minLength: number; minLengthWithMfa: number };
  history: PasswordHistory;
  /** Absent when HIBP_URL is not set. */
  breaches?: BreachChecker;
}): PasswordPolicy {
  const { settings, history, breaches } = deps;
  const rules: PasswordRules = {
    minLength: settings.minLength,
    minLengthWithMfa: settings.minLengthWithMfa,
    maxLength: PASSWORD_MAX_LENGTH,
    historySize: history.size,
    breachCheck: breaches !== undefined,
    descriptions: [
      `At least ${settings.minLength} characters, or ${settings.minLengthWithMfa} once two-factor authentication is on; at most ${PASSWORD_MAX_LENGTH}.`,
      'Every character counts: spaces, accents and emoji too (an emoji is one character). Nothing is cut off.',
      'No rules about capitals, digits or symbols: a few unrelated words make a strong password.',
      'Not a commonly used password, and nothing easy to guess such as repeated or sequential characters (aaaa, 1234) or keyboard patterns (qwerty).',
      'No parts of your e-mail address or name.',
      ...(breaches ? ['Not a password that has appeared in a known data breach.'] : []),
      ...(history.size > 0 ? [`Not one of your last ${history.size} passwords, the current one included.`] : []),
    ],
  };

  async function problems(password: string, check: PasswordCheck): Promise<string[]> {
    const bar = check.mfa ? { minLength: settings.minLengthWithMfa, minScore: MIN_SCORE_WITH_MFA } : { minLength: settings.minLength, minScore: MIN_SCORE };
    const rules = { ...bar, owner: { email: check.email, displayName: check.displayName } };
    // Off the event loop: zxcvbn costs tens of milliseconds of CPU (password-scoring.ts).
    const local = await scoreInWorker(password, rules, async () => passwordProblems(password, rules, await loadScorer()));
    if (local.length > 0) return local;
    const reused = async () => check.currentPassword === password || (check.userId !== undefined && (await history.contains(check.userId, password)));
    const [breach, recent] = await Promise.all([breaches?.check(password), reused()]);
    return [...(breach === 'breached' ? [REASONS.breached] : []), ...(recent ? [REASONS.reused] : [])];
  }

  return {
    rules,
    problems,
    async enforce(password, check) {
      const found = await problems(password, check);
      if (found.length > 0) throw new WeakPasswordError(found);
    },
  };
}
