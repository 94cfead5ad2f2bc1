/**
 * Threat: passwords an attacker guesses first (short, listed, breached, built from the victim's
 * own e-mail address or name, keyboard patterns) or one that leaked before and is simply reused.
 * The policy (NIST SP 800-63B rev. 4) refuses them at register and changePassword, telling the
 * user every reason in plain words; these tests go through GraphQL over HTTP as a client would.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql';
import { createBacking, startTestApp, type TestApp } from '../support/app';
import { LoginMfa, signUpWithMfa } from '../support/mfa';
import { Login, Register } from '../support/operations';
import { signUp } from '../support/users';
import { passwordHistory } from '../../src/modules/auth/password-history.table';

const run = promisify(execFile);

const PolicyChangePassword = graphql(`
  mutation PolicyChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input) {
      __typename
      ... on WeakPasswordError { reasons }
      ... on Error { code message }
    }
  }
`);

const PolicyRules = graphql(`
  query PolicyRules {
    passwordPolicy { minLength minLengthWithMfa maxLength historySize breachCheck rules }
  }
`);

const TOO_SHORT = (n: number, min = 15) => `Use at least ${min} characters (this one has ${n}).`;
const COMMON = 'This password is on a list of commonly used passwords.';
const PERSONAL = 'Don’t use parts of your e-mail address or name.';
const REPETITIVE = 'Avoid repeated or sequential characters such as aaaa or 1234.';
const BREACHED = 'This password has appeared in a data breach; choose another.';
const REUSED = 'You used this password recently; choose a new one.';
const STRONG = 'trombone lantern quietly marsh';

/** Letters only, so no digits of an address can turn up inside a test password by chance. */
const letters = (n: number) => Array.from(randomBytes(n), (b) => String.fromCharCode(97 + (b % 26))).join('');
const address = (label: string) => `${label}.${letters(10)}@example.org`;
const strong = () => randomBytes(12).toString('base64url');

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

async function register(a: TestApp, password: string, opts: { email?: string; displayName?: string } = {}) {
  const res = await a.gql(Register, { input: { email: opts.email ?? address('policy'), password, displayName: opts.displayName ?? 'Pat' } });
  return res.data.register;
}
const reasonsFor = async (password: string, opts: { email?: string; displayName?: string } = {}) => {
  const r = await register(app, password, opts);
  return r.__typename === 'WeakPasswordError' ? r.reasons : r.__typename;
};
async function change(a: TestApp, token: string, currentPassword: string, newPassword: string) {
  const r = (await a.gql(PolicyChangePassword, { input: { currentPassword, newPassword } }, { token })).data.changePassword;
  return r.__typename === 'WeakPasswordError' ? r.reasons : r.__typename;
}

describe('length', () => {
  it('refuses fewer than 15 characters without MFA, saying how many there are', async () => {
    expect(await reasonsFor('lantern gravel')).toEqual([TOO_SHORT(14)]);
    expect(await reasonsFor('Gx7#mQ2v')).toEqual([TOO_SHORT(8)]);
  });

  it('accepts 8 characters for a new password once MFA is on, and no fewer', async () => {
    const u = await signUpWithMfa(app);
    expect(await change(app, u.accessToken, u.password, 'Gx7#mQ2')).toEqual([TOO_SHORT(7, 8)]);
    expect(await change(app, u.accessToken, u.password, 'Gx7#mQ2v')).toBe('ChangePasswordSuccess');
    const login = await app.gql(LoginMfa, { input: { email: u.email, password: 'Gx7#mQ2v' } });
    expect(login.data.login.__typename).toBe('MfaChallenge');
  });

  it('without MFA a change needs 15 characters too', async () => {
    const u = await signUp(app);
    expect(await change(app, u.accessToken, u.password, 'Gx7#mQ2v')).toEqual([TOO_SHORT(8)]);
  });

  it('refuses more than 1,024 characters and accepts exactly 1,024 (nothing is cut off)', async () => {
    const long = Array.from(randomBytes(1025), (b) => String.fromCharCode(97 + (b % 26))).join('');
    expect(await reasonsFor(long)).toEqual(['Use at most 1024 characters (this one has 1025).']);
    const email = address('long');
    expect(await reasonsFor(long.slice(0, 1024), { email })).toBe('AuthPayload');
    // The whole 1,024 characters are the password: the first 1,023 are not.
    expect((await app.gql(Login, { input: { email, password: long.slice(0, 1023) } })).data.login.__typename).toBe('InvalidCredentialsError');
    expect((await app.gql(Login, { input: { email, password: long.slice(0, 1024) } })).data.login.__typename).toBe('AuthPayload');
  });

  it('counts code points: emoji and spaces are allowed and each emoji is one character', async () => {
    const emoji = '🦊🌵🎺🐙🍉🚲🧭🪁🎻🦉🌋🧩🥨🛶🪐';
    expect(await reasonsFor([...emoji].slice(0, 14).join(''))).toEqual([TOO_SHORT(14)]);
    const email = address('emoji');
    expect(await reasonsFor(emoji, { email })).toBe('AuthPayload');
    expect(await reasonsFor('lantern 🦊 marsh 🌵 quietly')).toBe('AuthPayload');
    expect((await app.gql(Login, { input: { email, password: emoji } })).data.login.__typename).toBe('AuthPayload');
  });
});

describe('guessable passwords', () => {
  it('refuses a common password, also with digits appended', async () => {
    expect(await reasonsFor('password1234567')).toEqual([COMMON]);
    expect(await reasonsFor('iloveyou12345678')).toEqual([COMMON]);
  });

  it('refuses parts of the e-mail address (local part and domain) and of the name', async () => {
    const who = { email: `marguerite.oakley.${letters(6)}@lindenhall.org`, displayName: 'Marguerite Oakley' };
    expect(await reasonsFor('oakley rides a tandem bike', who)).toEqual([PERSONAL]);
    expect(await reasonsFor('my lindenhall garden passphrase', who)).toEqual([PERSONAL]);
    expect(await reasonsFor('wolfgang hums to the cello', { email: address('pat'), displayName: 'Wolfgang Pat' })).toEqual([PERSONAL]);
    expect(await reasonsFor(STRONG, who)).toBe('AuthPayload');
  });

  it('refuses repetitive strings', async () => {
    expect(await reasonsFor('aaaaaaaaaaaaaaaaaaaa')).toEqual([REPETITIVE]);
    expect(await reasonsFor('abcabcabcabcabcabc')).toEqual([REPETITIVE]);
  });

  it('refuses sequences and keyboard walks', async () => {
    expect(await reasonsFor('abcdefghijklmnopq')).toEqual([REPETITIVE]);
    expect(await reasonsFor('123456789012345678')).toEqual([COMMON, REPETITIVE]);
    expect(await reasonsFor('zaq1xsw2cde3vfr4bgt5')).toEqual([REPETITIVE]);
  });

  it('accepts a strong passphrase of random words', async () => {
    expect(await reasonsFor(STRONG)).toBe('AuthPayload');
    expect(await reasonsFor('velvet orbit canyon plum')).toBe('AuthPayload');
  });

  it('lists every reason at once', async () => {
    expect(await reasonsFor('1234')).toEqual([TOO_SHORT(4), COMMON, REPETITIVE]);
    const who = { email: `oakley.${letters(6)}@example.org`, displayName: 'Marguerite Oakley' };
    expect(await reasonsFor('oakley1234', who)).toEqual([TOO_SHORT(10), PERSONAL]);
  });
});

describe('the bootstrap admin and admin:create go through the policy', () => {
  it('a weak BOOTSTRAP_ADMIN_PASSWORD stops the start with a clear error', async () => {
    const backing = await createBacking();
    try {
      await expect(startTestApp({ BOOTSTRAP_ADMIN_EMAIL: 'boss@example.com', BOOTSTRAP_ADMIN_PASSWORD: 'short one' }, backing)).rejects.toThrow(
        'Invalid configuration:\n  - BOOTSTRAP_ADMIN_PASSWORD: refused by the password policy: Use at least 15 characters (this one has 9).',
      );
    } finally {
      await backing.drop();
    }
  });

  it('npm run admin:create refuses a weak password, listing the reasons, and exits 1', async () => {
    const env = { ...process.env, NODE_ENV: 'test', DATABASE_URL: app.backing.databaseUrl, ENCRYPTION_KEY: app.backing.encryptionKey, REDIS_URL: '' };
    const email = address('operator');
    const failed = await run('npx', ['tsx', 'src/scripts/admin-create.ts', email], { env: { ...env, ADMIN_PASSWORD: 'aaaa' }, timeout: 60_000 }).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain(`The password is refused:\n  - ${TOO_SHORT(4)}\n  - ${REPETITIVE}`);
    expect(await reasonsFor(STRONG, { email })).toBe('AuthPayload'); // no account was created
  });
});

describe('breached passwords (HIBP_URL)', () => {
  const BREACHED_PW = 'gravel mitten oxygen fjord';
  const PADDED_PW = 'quietly folded paper lantern';
  const sha1 = (s: string) => createHash('sha1').update(s).digest('hex').toUpperCase();
  let stub: Server;
  let mode: 'answer' | 'fail' | 'hang' = 'answer';
  const requests: { url: string; headers: IncomingHttpHeaders }[] = [];
  const hanging: ServerResponse[] = [];
  let hibp: TestApp;

  beforeAll(async () => {
    const padding = (n: number) => Array.from({ length: n }, () => `${randomBytes(18).toString('hex').slice(0, 35).toUpperCase()}:0`);
    stub = createServer((req, res) => {
      requests.push({ url: req.url ?? '', headers: req.headers });
      if (mode === 'hang') return void hanging.push(res);
      if (mode === 'fail') return void res.writeHead(503).end('unavailable');
      const prefix = (req.url ?? '').replace('/range/', '');
      const lines = [...padding(3), '003D68EB55068C33ACE09247EE4C639306B:3'];
      // The breached one in lower case with a count; the other only as a padding line (count 0).
      if (sha1(BREACHED_PW).startsWith(prefix)) lines.push(`${sha1(BREACHED_PW).slice(5).toLowerCase()}:2713`);
      if (sha1(PADDED_PW).startsWith(prefix)) lines.push(`${sha1(PADDED_PW).slice(5)}:0`);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(lines.join('\r\n'));
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    const { port } = stub.address() as AddressInfo;
    hibp = await startTestApp({ HIBP_URL: `http://127.0.0.1:${port}`, HIBP_TIMEOUT_MS: '300' });
  });
  afterAll(async () => {
    await hibp?.close();
    for (const res of hanging) res.destroy();
    stub.closeAllConnections();
    await new Promise((resolve) => stub.close(resolve));
  });

  it('refuses a password whose hash suffix is listed with a count, sending only the 5-character prefix', async () => {
    mode = 'answer';
    requests.length = 0;
    const r = await register(hibp, BREACHED_PW);
    expect(r).toMatchObject({ __typename: 'WeakPasswordError', reasons: [BREACHED] });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe(`/range/${sha1(BREACHED_PW).slice(0, 5)}`);
    expect(requests[0]!.headers['add-padding']).toBe('true');
    expect(JSON.stringify(requests)).not.toContain(sha1(BREACHED_PW).slice(5));
    expect(JSON.stringify(requests)).not.toContain('gravel');
  });

  it('ignores padding lines (count 0)', async () => {
    mode = 'answer';
    expect((await register(hibp, PADDED_PW)).__typename).toBe('AuthPayload');
  });

  it('refuses a breached password on change too', async () => {
    mode = 'answer';
    const u = await signUp(hibp, { password: STRONG });
    expect(await change(hibp, u.accessToken, STRONG, BREACHED_PW)).toEqual([BREACHED]);
  });

  it('does not ask for a password the local rules refuse already', async () => {
    mode = 'answer';
    requests.length = 0;
    expect((await register(hibp, 'password1234567')).__typename).toBe('WeakPasswordError');
    expect(requests).toEqual([]);
  });

  it('lets the user through when the service fails', async () => {
    mode = 'fail';
    expect((await register(hibp, BREACHED_PW)).__typename).toBe('AuthPayload');
  });

  it('lets the user through when the service does not answer within HIBP_TIMEOUT_MS', async () => {
    mode = 'hang';
    requests.length = 0;
    hanging.length = 0;
    expect((await register(hibp, BREACHED_PW)).__typename).toBe('AuthPayload');
    // The range was asked for and never answered: the server gave up on it (its timeout aborted
    // the request, closing the connection), rather than skipping the check.
    expect(requests.map((r) => r.url)).toEqual([`/range/${sha1(BREACHED_PW).slice(0, 5)}`]);
    const [stalled] = hanging;
    if (!stalled!.destroyed) await new Promise((resolve) => stalled!.once('close', resolve));
    expect(stalled!.writableEnded).toBe(false);
  });
});

describe('password history', () => {
  const rows = (userId: string) =>
    app.deps.database.db.select().from(passwordHistory).where(eq(passwordHistory.userId, userId));

  it('counts the password given at register', async () => {
    const first = strong();
    const u = await signUp(app, { password: first });
    const second = strong();
    expect(await change(app, u.accessToken, first, second)).toBe('ChangePasswordSuccess');
    expect(await change(app, u.accessToken, second, first)).toEqual([REUSED]);
    expect(await change(app, u.accessToken, second, second)).toEqual([REUSED]);
  });

  it('refuses the last 12 passwords (the current one included) and accepts the 13th-newest again', async () => {
    const passwords = Array.from({ length: 13 }, strong); // [0] at register, then 12 changes
    const u = await signUp(app, { password: passwords[0] });
    for (let i = 1; i <= 12; i++) expect(await change(app, u.accessToken, passwords[i - 1]!, passwords[i]!)).toBe('ChangePasswordSuccess');
    const current = passwords[12]!;
    for (const recent of passwords.slice(1)) expect(await change(app, u.accessToken, current, recent)).toEqual([REUSED]);

    const stored = await rows(u.user.id);
    expect(stored).toHaveLength(12);
    for (const row of stored) expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(stored)).not.toContain(passwords[5]!);

    expect(await change(app, u.accessToken, current, passwords[0]!)).toBe('ChangePasswordSuccess');
    expect(await rows(u.user.id)).toHaveLength(12);
    // passwords[1] is now the 13th-newest: allowed again.
    expect(await change(app, u.accessToken, passwords[0]!, passwords[1]!)).toBe('ChangePasswordSuccess');
  });
});

describe('passwordPolicy', () => {
  it('answers anyone, with the configured values and the rules in words', async () => {
    const res = await app.gql(PolicyRules);
    expect(res.errors).toBeUndefined();
    expect(res.data.passwordPolicy).toEqual({
      minLength: 15,
      minLengthWithMfa: 8,
      maxLength: 1024,
      historySize: 12,
      breachCheck: false,
      rules: [
        'At least 15 characters, or 8 once two-factor authentication is on; at most 1024.',
        'Every character counts: spaces, accents and emoji too (an emoji is one character). Nothing is cut off.',
        'No rules about capitals, digits or symbols: a few unrelated words make a strong password.',
        'Not a commonly used password, and nothing easy to guess such as repeated or sequential characters (aaaa, 1234) or keyboard patterns (qwerty).',
        'No parts of your e-mail address or name.',
        'Not one of your last 12 passwords, the current one included.',
      ],
    });
  });

  it('follows the configuration (breach check on, other lengths and history)', async () => {
    const other = await startTestApp({ HIBP_URL: 'http://127.0.0.1:9', PASSWORD_MIN_LENGTH: '20', PASSWORD_MIN_LENGTH_WITH_MFA: '10', PASSWORD_HISTORY: '5' }, app.backing);
    try {
      const policy = (await other.gql(PolicyRules)).data.passwordPolicy;
      expect(policy).toMatchObject({ minLength: 20, minLengthWithMfa: 10, historySize: 5, breachCheck: true });
      expect(policy.rules).toContain('Not a password that has appeared in a known data breach.');
      expect(await register(other, 'lantern gravel')).toMatchObject({ reasons: [TOO_SHORT(14, 20)] });
    } finally {
      await other.close();
    }
  });
});
