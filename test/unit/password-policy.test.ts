// The password rules on their own (no server): what is refused, with which words, and what passes.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as common from '@zxcvbn-ts/language-common';
import type { Logger } from '../../src/logger';
import { createBreachChecker, rangeContains } from '../../src/modules/auth/hibp';
import type { PasswordHistory } from '../../src/modules/auth/password-history.service';
import {
  createPasswordPolicy,
  keyboardWalkShare,
  loadScorer,
  MIN_SCORE,
  MIN_SCORE_WITH_MFA,
  passwordProblems,
  personalParts,
  REASONS,
  SCORED_LENGTH,
  type PasswordOwner,
  type Scorer,
} from '../../src/modules/auth/password-policy';
import { WeakPasswordError } from '../../src/modules/users/users.errors';

let scorer: Scorer;
beforeAll(async () => {
  scorer = await loadScorer();
});

const NOBODY: PasswordOwner = { email: 'pat@example.org', displayName: 'Pat' };
const OAKLEY: PasswordOwner = { email: 'marguerite.oakley@lindenhall.org', displayName: 'Marguerite Oakley' };
const withoutMfa = (password: string, owner = NOBODY) => passwordProblems(password, { minLength: 15, minScore: MIN_SCORE, owner }, scorer);
const withMfa = (password: string, owner = NOBODY) => passwordProblems(password, { minLength: 8, minScore: MIN_SCORE_WITH_MFA, owner }, scorer);

/** Deterministic, so a sampled property fails the same way every run. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('length', () => {
  it('counts code points, so emoji are measured as typed', () => {
    const fifteen = '🦊🌵🎺🐙🍉🚲🧭🪁🎻🦉🌋🧩🥨🛶🪐';
    expect(fifteen.length).toBe(30); // UTF-16 units: not what the user typed
    expect(withoutMfa(fifteen)).toEqual([]);
    expect(withoutMfa([...fifteen].slice(0, 14).join(''))).toEqual(['Use at least 15 characters (this one has 14).']);
  });

  it('allows spaces and any script, with no composition rules', () => {
    expect(withoutMfa('trombone lantern quietly marsh')).toEqual([]);
    expect(withoutMfa('lantern 🦊 marsh 🌵 quietly')).toEqual([]);
    expect(withoutMfa('ветер тихо поёт над рекой')).toEqual([]);
  });

  it('is 15 without MFA and 8 with it', () => {
    expect(withoutMfa('Gx7#mQ2v')).toEqual(['Use at least 15 characters (this one has 8).']);
    expect(withMfa('Gx7#mQ2v')).toEqual([]);
    expect(withMfa('Gx7#mQ2')).toEqual(['Use at least 8 characters (this one has 7).']);
  });

  it('refuses more than 1,024 characters, counted in code points, and never truncates', () => {
    const rnd = mulberry32(7);
    const letters = Array.from({ length: 1025 }, () => String.fromCharCode(97 + Math.floor(rnd() * 26))).join('');
    expect(withoutMfa(letters)).toEqual(['Use at most 1024 characters (this one has 1025).']);
    expect(withoutMfa(letters.slice(0, 1024))).toEqual([]);
    expect(withoutMfa('🦊'.repeat(1025))).toContain('Use at most 1024 characters (this one has 1025).');
  });

  // zxcvbn's cost grows steeply with length (seconds for 1,024 characters): only a prefix of
  // SCORED_LENGTH code points may reach it. How long scoring takes is measured in bench/, not here.
  it('scores a 1,024-character input cheaply: only its first SCORED_LENGTH code points go through zxcvbn', () => {
    const rnd = mulberry32(11);
    const scoredInputs: string[] = [];
    const counting = { ...scorer, zxcvbn: { check: (pw: string, words?: string[]) => (scoredInputs.push(pw), scorer.zxcvbn.check(pw, words)) } } as unknown as Scorer;
    const inputs = ['0123456789', '4@8(3&6#!1|70$5+%2', 'abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*()', '🦊🌵x'].map((alphabet) => {
      const chars = [...alphabet];
      return Array.from({ length: 1024 }, () => chars[Math.floor(rnd() * chars.length)]).join('');
    });
    for (const input of inputs) passwordProblems(input, { minLength: 15, minScore: MIN_SCORE, owner: NOBODY }, counting);
    expect(scoredInputs).toEqual(inputs.map((input) => [...input].slice(0, SCORED_LENGTH).join('')));
    expect(SCORED_LENGTH).toBe(64);
  });
});

describe('guessability', () => {
  it('refuses common passwords, also with digits appended or l33t spelling', () => {
    expect(withoutMfa('password1234567')).toEqual([REASONS.common]);
    expect(withoutMfa('iloveyou12345678')).toEqual([REASONS.common]);
    expect(withMfa('P@ssw0rd')).toEqual([REASONS.common]);
    expect(withMfa('bluefish')).toEqual([REASONS.common]);
  });

  it('refuses repetitive and sequential strings', () => {
    expect(withoutMfa('aaaaaaaaaaaaaaaaaaaa')).toEqual([REASONS.repetitive]);
    expect(withoutMfa('abcabcabcabcabcabc')).toEqual([REASONS.repetitive]);
    expect(withoutMfa('abcdefghijklmnopq')).toEqual([REASONS.repetitive]);
    expect(withoutMfa('123456789012345678')).toEqual([REASONS.common, REASONS.repetitive]);
    expect(withMfa('aaaaaaaa')).toEqual([REASONS.repetitive]);
  });

  it('refuses keyboard walks, also those zxcvbn alone would score 3', () => {
    expect(withoutMfa('qwerty123456789')).toEqual([REASONS.common, REASONS.repetitive]);
    expect(withoutMfa('1qaz2wsx3edc4rfv')).toEqual([REASONS.common, REASONS.repetitive]);
    expect(scorer.zxcvbn.check('zaq1xsw2cde3vfr4bgt5').score).toBeGreaterThanOrEqual(MIN_SCORE);
    expect(withoutMfa('zaq1xsw2cde3vfr4bgt5')).toEqual([REASONS.repetitive]);
    expect(withoutMfa('mnbvcxzlkjhgfdsapoiu')).toEqual([REASONS.repetitive]);
    expect(keyboardWalkShare('zaq1xsw2cde3vfr4bgt5', scorer.layouts)).toBe(1);
    expect(keyboardWalkShare('trombone lantern quietly marsh', scorer.layouts)).toBeLessThan(0.5);
  });

  it('names "too easy to guess" only when nothing more specific explains it', () => {
    expect(withoutMfa('eight october sir')).toEqual([REASONS.guessable]);
    expect(withMfa('lantern7')).toEqual([REASONS.guessable]);
    // Too short already says what to do: no second, vaguer reason.
    expect(withoutMfa('lantern gravel')).toEqual(['Use at least 15 characters (this one has 14).']);
  });

  it('lists every reason at once', () => {
    expect(withoutMfa('1234')).toEqual(['Use at least 15 characters (this one has 4).', REASONS.common, REASONS.repetitive]);
    expect(withoutMfa('aaaa')).toEqual(['Use at least 15 characters (this one has 4).', REASONS.repetitive]);
    expect(withoutMfa('oakley1234', OAKLEY)).toEqual(['Use at least 15 characters (this one has 10).', REASONS.personal]);
  });

  it('accepts random four-word passphrases (threshold check: 150 sampled from the diceware list)', () => {
    const words = (common.dictionary as Record<string, string[]>)['diceware-common']!;
    const rnd = mulberry32(2024);
    const refused: string[] = [];
    for (let i = 0; i < 150; i++) {
      const phrase = Array.from({ length: 4 }, () => words[Math.floor(rnd() * words.length)]).join(i % 2 ? ' ' : '-');
      if ([...phrase].length >= 15 && withoutMfa(phrase, {}).length > 0) refused.push(phrase);
    }
    expect(refused).toEqual([]);
  });
});

describe('the user’s own e-mail address and name', () => {
  it('takes words of 4+ characters from the local part, the domain’s labels and the name', () => {
    expect(personalParts(OAKLEY)).toEqual(['marguerite', 'oakley', 'lindenhall']);
    expect(personalParts({ email: 'Mary.Smith1984@smith-family.example', displayName: 'Dr. Mary  Smith-Jones' })).toEqual(['mary', 'smith', '1984', 'family', 'jones']);
    expect(personalParts({ email: 'al@ex.io', displayName: 'Bo' })).toEqual([]);
  });

  it('refuses a password containing one, in any case, however strong otherwise', () => {
    expect(withoutMfa('oakley rides a tandem bike', OAKLEY)).toEqual([REASONS.personal]);
    expect(withoutMfa('my lindenhall garden passphrase', OAKLEY)).toEqual([REASONS.personal]);
    expect(withoutMfa('MARGUERITE plays the cello', OAKLEY)).toEqual([REASONS.personal]);
    expect(withoutMfa('trombone lantern quietly marsh', OAKLEY)).toEqual([]);
  });
});

describe('breached passwords (k-anonymity range API)', () => {
  const sha1 = (s: string) => createHash('sha1').update(s).digest('hex').toUpperCase();

  it('matches the suffix case-insensitively and ignores padding lines (count 0)', () => {
    const suffix = sha1('hunter2 hunter2 hunter2').slice(5);
    expect(rangeContains(`0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n${suffix.toLowerCase()}:42\r\n`, suffix)).toBe(true);
    expect(rangeContains(`${suffix}:0\r\nFFFFF45C4D1DEF81644B54AB7F969B88D65:3`, suffix)).toBe(false);
    expect(rangeContains('', suffix)).toBe(false);
  });

  it('sends only the 5-character prefix, asks for padding, and never logs the password or hash', async () => {
    const password = 'a breached passphrase, sadly';
    const hash = sha1(password);
    const fetch = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => new Response(`${hash.slice(5)}:7\n`));
    const warn = vi.fn();
    const checker = createBreachChecker({ url: 'http://hibp.test/', timeoutMs: 500, logger: { warn } as unknown as Logger, fetch: fetch as typeof globalThis.fetch });
    expect(await checker.check(password)).toBe('breached');
    expect(fetch.mock.calls[0]![0]).toBe(`http://hibp.test/range/${hash.slice(0, 5)}`);
    expect(new Headers(fetch.mock.calls[0]![1]!.headers).get('add-padding')).toBe('true');
    expect(JSON.stringify(fetch.mock.calls)).not.toContain(hash.slice(5));
    expect(warn).not.toHaveBeenCalled();
  });

  it('answers unknown (and warns, without the password) when the service fails', async () => {
    const warn = vi.fn();
    const logger = { warn } as unknown as Logger;
    const failing = createBreachChecker({ url: 'http://hibp.test', timeoutMs: 500, logger, fetch: (async () => new Response('busy', { status: 503 })) as typeof fetch });
    expect(await failing.check('some passphrase here')).toBe('unknown');
    const refused = createBreachChecker({ url: 'http://hibp.test', timeoutMs: 500, logger, fetch: (async () => Promise.reject(new TypeError('fetch failed'))) as typeof fetch });
    expect(await refused.check('some passphrase here')).toBe('unknown');
    expect(warn).toHaveBeenCalledTimes(2);
    expect(JSON.stringify(warn.mock.calls)).not.toMatch(/some passphrase|[0-9A-F]{35}/);
  });
});

describe('the policy: cheap rules first, then breaches and history', () => {
  function fakes(opts: { breached?: boolean; inHistory?: string[] } = {}) {
    const history = { size: 12, record: vi.fn(), contains: vi.fn(async (_u: string, p: string) => (opts.inHistory ?? []).includes(p)) };
    const breaches = { check: vi.fn(async () => (opts.breached ? ('breached' as const) : ('not_found' as const))) };
    const policy = createPasswordPolicy({ settings: { minLength: 15, minLengthWithMfa: 8 }, history: history as unknown as PasswordHistory, breaches });
    return { history, breaches, policy };
  }

  it('consults neither the breach service nor the history for a password the local rules refuse', async () => {
    const { policy, history, breaches } = fakes({ breached: true });
    expect(await policy.problems('aaaa', { mfa: false, userId: 'u1' })).toEqual(['Use at least 15 characters (this one has 4).', REASONS.repetitive]);
    expect(breaches.check).not.toHaveBeenCalled();
    expect(history.contains).not.toHaveBeenCalled();
  });

  it('reports breach and reuse together, and finds the current password without hashing', async () => {
    const { policy, history } = fakes({ breached: true, inHistory: ['trombone lantern quietly marsh'] });
    expect(await policy.problems('trombone lantern quietly marsh', { mfa: false, userId: 'u1' })).toEqual([REASONS.breached, REASONS.reused]);
    history.contains.mockClear();
    expect(await policy.problems('velvet orbit canyon plum', { mfa: true, userId: 'u1', currentPassword: 'velvet orbit canyon plum' })).toEqual([REASONS.breached, REASONS.reused]);
    expect(history.contains).not.toHaveBeenCalled();
  });

  it('has no history to check for a new account, and throws WeakPasswordError with every reason', async () => {
    const { policy, history } = fakes();
    await expect(policy.enforce('trombone lantern quietly marsh', { mfa: false })).resolves.toBeUndefined();
    expect(history.contains).not.toHaveBeenCalled();
    const error = await policy.enforce('1234', { mfa: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeakPasswordError);
    expect((error as WeakPasswordError).reasons).toEqual(['Use at least 15 characters (this one has 4).', REASONS.common, REASONS.repetitive]);
  });

  it('describes itself for clients', () => {
    const { policy } = fakes();
    expect(policy.rules).toMatchObject({ minLength: 15, minLengthWithMfa: 8, maxLength: 1024, historySize: 12, breachCheck: true });
    expect(policy.rules.descriptions).toContain('Not one of your last 12 passwords, the current one included.');
  });
});

describe('scoring off the event loop', () => {
  it('runs the local rules in the worker thread, not in-process', async () => {
    const { scoreInWorker } = await import('../../src/modules/auth/password-scoring');
    const inProcess = async (): Promise<string[]> => {
      throw new Error('fell back to in-process scoring');
    };
    expect(await scoreInWorker('short', { minLength: 15, minScore: 3 }, inProcess)).toContain('Use at least 15 characters (this one has 5).');
    expect(await scoreInWorker('Dolphin granite velvet seventeen', { minLength: 15, minScore: 3 }, inProcess)).toEqual([]);
  });
});
