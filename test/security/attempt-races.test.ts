/**
 * Threat: attempt caps raced, and a stranger locking the owner out.
 *
 * A cap read before the attempt is counted lets a concurrent burst through whole: ten wrong
 * logins reached the 24-hour lock, thirty `changePassword` guesses found the password past the
 * lock, and ten `verifyMfaLogin` codes were all evaluated with the right one clearing the lock.
 * Every credential check now reserves its attempt atomically with the lock check, so a burst
 * (Promise.all of N requests) gets exactly the evaluations the cap allows, and a right credential
 * beyond them is refused like a wrong one. And a stranger on one network cannot reach the
 * account-wide lock, nor stop the owner's password reset or trusted device.
 *
 * Default lockout levels (3 → 15 min per address; every address from 10 failures on three /24s),
 * MFA_MAX_ATTEMPTS 5, rate limits relaxed except where a test is about one. Addresses come from
 * X-Forwarded-For (TRUST_PROXY=1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import postgres from 'postgres';
import { graphql } from '../gql';
import { DEFAULT_ABUSE_LIMITS, RELAXED_ABUSE_LIMITS, startTestApp, type TestApp } from '../support/app';
import { ConfirmMfa, EnrollMfa, LoginMfa, signUpWithMfa, VerifyMfaLogin } from '../support/mfa';
import { startSmtpSink, type SmtpSink } from '../support/smtp';
import { codeFor } from '../support/totp';
import { PASSWORD, signIn, signUp } from '../support/users';
import { auditLogs } from '../../src/modules/audit/audit.table';

const RaceLogin = graphql(`
  mutation RaceLogin($input: LoginInput!) {
    login(input: $input) {
      __typename
      ... on MfaChallenge { challengeToken }
      ... on AuthPayload { trustedDeviceToken }
      ... on Error { code message }
    }
  }
`);
const RaceChangePassword = graphql(`
  mutation RaceChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input) { __typename ... on Error { code message } }
  }
`);
const RaceDisableMfa = graphql(`
  mutation RaceDisableMfa($input: DisableMfaInput!) {
    disableMfa(input: $input) { __typename ... on Error { code message } }
  }
`);
const RaceRegenerate = graphql(`
  mutation RaceRegenerate($input: MfaCodeInput!) {
    regenerateBackupCodes(input: $input) { __typename ... on Error { code message } }
  }
`);
const RaceReauthenticate = graphql(`
  mutation RaceReauthenticate($input: ReauthenticateInput!) {
    reauthenticate(input: $input) { __typename ... on AuthPayload { accessToken } ... on Error { code message } }
  }
`);
const RaceRequestReset = graphql(`
  mutation RaceRequestReset($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) }
`);
const RaceVerifyEmail = graphql(`
  mutation RaceVerifyEmail($input: VerifyEmailInput!) {
    verifyEmail(input: $input) { __typename ... on Error { code message } }
  }
`);
const RaceResetPassword = graphql(`
  mutation RaceResetPassword($input: ResetPasswordInput!) {
    resetPassword(input: $input) { __typename ... on Error { code message } }
  }
`);
const RaceUnlock = graphql(`
  mutation RaceUnlock($id: ID!) { unlockUser(id: $id) { __typename } }
`);

const ADMIN = { BOOTSTRAP_ADMIN_EMAIL: 'race.admin@example.com', BOOTSTRAP_ADMIN_PASSWORD: 'vR7#kQ2!mZ9@pL4$wX8^ basalt' };
const ENV = {
  ...RELAXED_ABUSE_LIMITS,
  LOCKOUT_LEVELS: DEFAULT_ABUSE_LIMITS.LOCKOUT_LEVELS!,
  LOCKOUT_ACCOUNT_FROM: DEFAULT_ABUSE_LIMITS.LOCKOUT_ACCOUNT_FROM!,
  LOCKOUT_ACCOUNT_MIN_GROUPS: DEFAULT_ABUSE_LIMITS.LOCKOUT_ACCOUNT_MIN_GROUPS!,
  RATE_LIMIT_REQUEST_PASSWORD_RESET_ACCOUNT: DEFAULT_ABUSE_LIMITS.RATE_LIMIT_REQUEST_PASSWORD_RESET_ACCOUNT!,
  TRUST_PROXY: '1',
  ...ADMIN,
};
const WRONG = 'definitely not the password';
const NEW_PASSWORD = 'a brand new passphrase for the race';
const MIN = 60;

let app: TestApp;
let smtp: SmtpSink;
let n = 1;
/** A fresh address; all of them in the one network 192.0.2.0/24. */
const address = () => `192.0.2.${n++}`;
let nets = 1;
/** A fresh address in a network of its own. */
const otherNetwork = () => `10.${nets++}.0.1`;
const from = (ip: string, token?: string) => ({ headers: { 'x-forwarded-for': ip }, ...(token ? { token } : {}) });

beforeAll(async () => {
  smtp = await startSmtpSink();
  app = await startTestApp({ ...ENV, SMTP_URL: smtp.url });
});
afterAll(async () => {
  await app.close();
  await smtp.close();
});

const burst = <T>(count: number, one: (i: number) => Promise<T>) => Promise.all(Array.from({ length: count }, (_, i) => one(i)));
const codeOf = (r: { __typename: string; code?: string }) => r.code ?? r.__typename;
const tally = (outcomes: string[]) => outcomes.reduce<Record<string, number>>((acc, o) => ({ ...acc, [o]: (acc[o] ?? 0) + 1 }), {});
const login = (email: string, ip: string, password = WRONG, trustedDeviceToken?: string) =>
  app.gql(RaceLogin, { input: { email, password, trustedDeviceToken } }, from(ip)).then((r) => r.data.login);
async function audited(userId: string, action: string) {
  return app.deps.database.db.select().from(auditLogs).where(and(eq(auditLogs.userId, userId), eq(auditLogs.action, action)));
}
/** A 6-digit code that is not valid now (an hour old), for wrong guesses. */
const staleCode = (secret: string) => codeFor(secret, new Date(app.clock.now().getTime() - 3600_000));

describe('login', () => {
  it('evaluates exactly 3 of 20 concurrent attempts from one address; the right password among them gets in only within those 3', async () => {
    const user = await signUp(app);
    const ip = address();
    // The right password is sent last, after 19 wrong ones.
    const answers = await burst(20, (i) => login(user.email, ip, i === 19 ? PASSWORD : WRONG));
    const failed = (await audited(user.user.id, 'LOGIN_FAILED')).map((r) => String(r.details.reason));
    const succeeded = (await audited(user.user.id, 'LOGIN_SUCCEEDED')).length - 1; // minus the registration
    expect(tally(failed).invalid_credentials! + succeeded).toBe(3);
    expect(tally(failed).account_locked).toBe(17);
    const right = answers[19]!;
    expect(right.__typename === 'AuthPayload' ? succeeded : codeOf(right)).toBe(right.__typename === 'AuthPayload' ? 1 : 'ACCOUNT_LOCKED');
    if (right.__typename !== 'AuthPayload') {
      // Past the cap, the right password is refused like any other.
      expect(codeOf(await login(user.email, ip, PASSWORD))).toBe('ACCOUNT_LOCKED');
      expect((await app.services.lockout.status(user.email, ip)).counts.ip.failures).toBe(3);
    }
    app.clock.advance(15 * MIN);
  });

  it('queues concurrent right passwords behind each other instead of answering a lock nobody earned', async () => {
    // Attempts in flight count as possible failures, so an eighth concurrent sign-in of one account
    // from one address cannot be let through at once; it waits for a slot (nothing failed yet).
    const user = await signUp(app);
    const ip = address();
    const answers = await burst(8, () => login(user.email, ip, PASSWORD));
    expect(tally(answers.map(codeOf))).toEqual({ AuthPayload: 8 });
    expect(await audited(user.user.id, 'LOGIN_FAILED')).toHaveLength(0);
    expect((await app.services.lockout.status(user.email, ip)).counts.ip.failures).toBe(0);
  });

  it('a stranger on one /24 never reaches the account-wide lock: the owner elsewhere still signs in', async () => {
    const owner = await signUp(app);
    // 40 failures, 40 addresses, one network; concurrent, as a script would send them.
    await burst(40, () => login(owner.email, address()));
    expect((await app.services.lockout.status(owner.email, '198.51.100.7')).account).toBeUndefined();
    expect(codeOf(await login(owner.email, '198.51.100.7', PASSWORD))).toBe('AuthPayload');
    // Control: ten failures from three networks do lock every address.
    for (let i = 0; i < 10; i++) await login(owner.email, otherNetwork());
    expect(codeOf(await login(owner.email, '198.51.100.7', PASSWORD))).toBe('ACCOUNT_LOCKED');
    app.clock.advance(24 * 3600);
  });
});

describe('without Redis (one instance, the in-process store)', () => {
  it('evaluates exactly 3 of 10 concurrent wrong logins from one address too', async () => {
    const solo = await startTestApp({ ...ENV, REDIS_URL: '' });
    try {
      expect(solo.deps.kv.kind).toBe('memory');
      const user = await signUp(solo);
      const answers = await burst(10, () => solo.gql(RaceLogin, { input: { email: user.email, password: WRONG } }, from('192.0.2.250')).then((r) => codeOf(r.data.login)));
      expect(tally(answers)).toEqual({ INVALID_CREDENTIALS: 2, ACCOUNT_LOCKED: 8 });
      expect(codeOf((await solo.gql(RaceLogin, { input: { email: user.email, password: PASSWORD } }, from('192.0.2.250'))).data.login)).toBe('ACCOUNT_LOCKED');
      expect(codeOf((await solo.gql(RaceLogin, { input: { email: user.email, password: PASSWORD } }, from('198.51.100.250'))).data.login)).toBe('AuthPayload');
    } finally {
      await solo.close();
    }
  });
});

describe('changePassword and disableMfa', () => {
  it('changePassword: 30 concurrent guesses, 3 evaluated; the right password then is refused', async () => {
    const user = await signUp(app);
    const ip = address();
    const change = (currentPassword: string) =>
      app.gql(RaceChangePassword, { input: { currentPassword, newPassword: NEW_PASSWORD } }, from(ip, user.accessToken)).then((r) => codeOf(r.data.changePassword));
    const answers = await burst(30, () => change(WRONG));
    // The third failure starts the lock and says so; the other 27 were never evaluated.
    expect(tally(answers)).toEqual({ INVALID_CREDENTIALS: 2, ACCOUNT_LOCKED: 28 });
    expect((await app.services.lockout.status(user.email, ip)).counts.ip.failures).toBe(3);
    expect(await change(PASSWORD)).toBe('ACCOUNT_LOCKED');
    app.clock.advance(15 * MIN);
  });

  it('disableMfa with MFA off checks no password: the same answer whatever it is, nothing counted', async () => {
    const user = await signUp(app);
    const ip = address();
    const disable = (password: string) =>
      app.gql(RaceDisableMfa, { input: { password, code: '123456' } }, from(ip, user.accessToken)).then((r) => r.data.disableMfa);
    const [wrong, right] = [await disable(WRONG), await disable(PASSWORD)];
    expect(wrong).toEqual(right);
    expect(codeOf(right)).toBe('MFA_NOT_ENABLED');
    expect((await app.services.lockout.status(user.email, ip)).counts.ip.failures).toBe(0);
  });

  it('disableMfa with MFA on: 10 concurrent wrong passwords, 3 evaluated', async () => {
    const user = await signUpWithMfa(app);
    const ip = address();
    const answers = await burst(10, () =>
      app.gql(RaceDisableMfa, { input: { password: WRONG, code: codeFor(user.secret, app.clock.now()) } }, from(ip, user.accessToken)).then((r) => codeOf(r.data.disableMfa)),
    );
    expect(tally(answers)).toEqual({ INVALID_CREDENTIALS: 2, ACCOUNT_LOCKED: 8 });
    app.clock.advance(15 * MIN);
  });
});

describe('MFA codes', () => {
  async function challenge(user: { email: string }, ip: string) {
    const r = (await app.gql(LoginMfa, { input: { email: user.email, password: PASSWORD } }, from(ip))).data.login;
    if (r.__typename !== 'MfaChallenge') throw new Error(JSON.stringify(r));
    return r.challengeToken;
  }

  it('verifyMfaLogin: 10 concurrent codes from one address, 3 evaluated; the right code sent last does not clear the lock', async () => {
    const user = await signUpWithMfa(app);
    const ip = address();
    const token = await challenge(user, ip);
    const answers = await burst(10, (i) =>
      app.gql(VerifyMfaLogin, { input: { challengeToken: token, code: i === 9 ? codeFor(user.secret, app.clock.now()) : staleCode(user.secret) } }, from(ip)).then((r) => r.data.verifyMfaLogin),
    );
    const wrongEvaluated = (await audited(user.user.id, 'MFA_CODE_FAILED')).length;
    const rightGotIn = answers[9]!.__typename === 'AuthPayload';
    expect(wrongEvaluated + (rightGotIn ? 1 : 0)).toBe(3);
    if (!rightGotIn) {
      // Two wrong, the third wrong one starting the lock, seven never evaluated, the right one among them.
      expect(tally(answers.map(codeOf))).toEqual({ INVALID_MFA_CODE: 2, ACCOUNT_LOCKED: 8 });
      const later = (await app.gql(VerifyMfaLogin, { input: { challengeToken: token, code: codeFor(user.secret, app.clock.now()) } }, from(ip))).data.verifyMfaLogin;
      expect(codeOf(later)).toBe('ACCOUNT_LOCKED');
    }
    app.clock.advance(15 * MIN);
  });

  it('verifyMfaLogin from many addresses: the MFA step evaluates exactly MFA_MAX_ATTEMPTS (5) of 12', async () => {
    const user = await signUpWithMfa(app);
    const tokens = await Promise.all(Array.from({ length: 12 }, async () => {
      const ip = address();
      return { ip, token: await challenge(user, ip) };
    }));
    const answers = await burst(12, (i) =>
      app.gql(VerifyMfaLogin, { input: { challengeToken: tokens[i]!.token, code: staleCode(user.secret) } }, from(tokens[i]!.ip)).then((r) => codeOf(r.data.verifyMfaLogin)),
    );
    expect((await audited(user.user.id, 'MFA_CODE_FAILED')).length).toBe(5);
    expect(tally(answers)).toEqual({ INVALID_MFA_CODE: 4, ACCOUNT_LOCKED: 8 });
    app.clock.advance(15 * MIN);
  });

  it('regenerateBackupCodes and reauthenticate: 10 concurrent wrong codes, 5 evaluated by the MFA step, then the right code is refused', async () => {
    const user = await signUpWithMfa(app);
    const ip = address();
    const regenerate = (code: string) => app.gql(RaceRegenerate, { input: { code } }, from(ip, user.accessToken)).then((r) => codeOf(r.data.regenerateBackupCodes));
    const reauth = (code: string) => app.gql(RaceReauthenticate, { input: { password: PASSWORD, code } }, from(ip, user.accessToken)).then((r) => codeOf(r.data.reauthenticate));
    const answers = await burst(10, (i) => (i % 2 === 0 ? regenerate : reauth)(staleCode(user.secret)));
    expect((await audited(user.user.id, 'MFA_CODE_FAILED')).length).toBe(5);
    expect(tally(answers)).toEqual({ INVALID_MFA_CODE: 4, ACCOUNT_LOCKED: 6 });
    expect(await regenerate(codeFor(user.secret, app.clock.now()))).toBe('ACCOUNT_LOCKED');
    app.clock.advance(15 * MIN);
  });

  it('confirmMfa: 10 concurrent guesses, 5 evaluated, then locked even for the right code', async () => {
    const user = await signUp(app);
    const ip = address();
    const enrolled = (await app.gql(EnrollMfa, undefined, from(ip, user.accessToken))).data.enrollMfa;
    if (enrolled.__typename !== 'MfaEnrollment') throw new Error(JSON.stringify(enrolled));
    const confirm = (code: string, token = user.accessToken) => app.gql(ConfirmMfa, { input: { code } }, from(ip, token)).then((r) => r.data.confirmMfa);
    const answers = await burst(10, () => confirm(staleCode(enrolled.secret)).then(codeOf));
    expect(tally(answers)).toEqual({ INVALID_MFA_CODE: 4, ACCOUNT_LOCKED: 6 });
    expect((await audited(user.user.id, 'MFA_CODE_FAILED')).length).toBe(5);
    expect(codeOf(await confirm(codeFor(enrolled.secret, app.clock.now())))).toBe('ACCOUNT_LOCKED');
  });

  it('confirmMfa needs a recent sign-in, and the enrolment expires after 10 minutes', async () => {
    const user = await signUp(app);
    const ip = address();
    const enrolled = (await app.gql(EnrollMfa, undefined, from(ip, user.accessToken))).data.enrollMfa;
    if (enrolled.__typename !== 'MfaEnrollment') throw new Error(JSON.stringify(enrolled));
    app.clock.advance(10 * MIN + 1);
    const stale = await app.gql(ConfirmMfa, { input: { code: codeFor(enrolled.secret, app.clock.now()) } }, from(ip, user.accessToken));
    expect(codeOf(stale.data.confirmMfa)).toBe('REAUTH_REQUIRED');
    const re = (await app.gql(RaceReauthenticate, { input: { password: PASSWORD } }, from(ip, user.accessToken))).data.reauthenticate;
    if (re.__typename !== 'AuthPayload') throw new Error(JSON.stringify(re));
    const expired = (await app.gql(ConfirmMfa, { input: { code: codeFor(enrolled.secret, app.clock.now()) } }, from(ip, re.accessToken))).data.confirmMfa;
    expect(expired).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND', message: 'The enrolment expired (10 minutes): call enrollMfa again and scan the new code.' });
  });

  it('the code just used for confirmMfa, sent again, is "already used" and counts as no failure', async () => {
    const user = await signUp(app);
    const ip = address();
    const enrolled = (await app.gql(EnrollMfa, undefined, from(ip, user.accessToken))).data.enrollMfa;
    if (enrolled.__typename !== 'MfaEnrollment') throw new Error(JSON.stringify(enrolled));
    const code = codeFor(enrolled.secret, app.clock.now());
    expect((await app.gql(ConfirmMfa, { input: { code } }, from(ip, user.accessToken))).data.confirmMfa.__typename).toBe('MfaEnabled');
    const again = (await app.gql(RaceRegenerate, { input: { code } }, from(ip, user.accessToken))).data.regenerateBackupCodes;
    expect(again).toEqual({ __typename: 'InvalidMfaCodeError', code: 'INVALID_MFA_CODE', message: 'That code was already used: wait for the next code from your authenticator app.' });
    expect(await audited(user.user.id, 'MFA_CODE_FAILED')).toHaveLength(0);
    app.clock.advance(30);
    const next = (await app.gql(RaceRegenerate, { input: { code: codeFor(enrolled.secret, app.clock.now()) } }, from(ip, user.accessToken))).data.regenerateBackupCodes;
    expect(next.__typename).toBe('BackupCodesRegenerated');
  });
});

describe('what a stranger cannot deny the owner', () => {
  it('password reset: over the per-account limit (3 per hour) mails stop silently; every request still answers true', async () => {
    const owner = await signUp(app);
    const answers = await burst(6, () => app.gql(RaceRequestReset, { input: { email: owner.email } }, from(address())));
    expect(answers.map((r) => [r.status, r.errors, r.data.requestPasswordReset])).toEqual(Array.from({ length: 6 }, () => [200, undefined, true]));
    await app.services.passwordReset.idle();
    await smtp.waitFor(owner.email, 3);
    expect(smtp.to(owner.email).filter((m) => m.text.includes('/reset-password'))).toHaveLength(3);
    const reasons = (await audited(owner.user.id, 'PASSWORD_RESET_REQUESTED')).map((r) => String(r.details.reason ?? 'mailed'));
    expect(tally(reasons)).toEqual({ mailed: 3, account_rate_limited: 3 });
  });

  it('login per account (20 per hour): a stranger spending it does not stop the trusted device; unlockUser clears it', async () => {
    const limited = await startTestApp({ ...ENV, RATE_LIMIT_LOGIN_ACCOUNT: '5/1h' });
    try {
      const owner = await signUpWithMfa(limited);
      const ip = '198.51.100.20';
      const go = (password: string, at: string, trustedDeviceToken?: string) =>
        limited.gql(RaceLogin, { input: { email: owner.email, password, trustedDeviceToken } }, from(at));
      const first = (await go(PASSWORD, ip)).data.login;
      if (first.__typename !== 'MfaChallenge') throw new Error(JSON.stringify(first));
      const verified = (await limited.gql(VerifyMfaLogin, { input: { challengeToken: first.challengeToken, code: codeFor(owner.secret, limited.clock.now()), trustDevice: true } }, from(ip))).data.verifyMfaLogin;
      if (verified.__typename !== 'AuthPayload') throw new Error(JSON.stringify(verified));
      limited.clock.advance(30);
      // The stranger spends the account's budget from one network.
      for (let i = 0; i < 4; i++) await go(WRONG, `203.0.113.${i + 1}`);
      expect((await go(PASSWORD, ip)).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      expect((await go(PASSWORD, ip, verified.trustedDeviceToken!)).data.login.__typename).toBe('AuthPayload');
      const admin = await signIn(limited, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD);
      expect((await limited.gql(RaceUnlock, { id: owner.user.id }, { token: admin.accessToken })).data.unlockUser.__typename).toBe('UnlockUserSuccess');
      expect((await go(PASSWORD, ip)).data.login.__typename).toBe('MfaChallenge');

      // Spent again; this time the owner completes a password reset, which clears it too.
      for (let i = 0; i < 5; i++) await go(WRONG, `203.0.113.${i + 10}`);
      expect((await go(PASSWORD, ip)).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      const { token } = await limited.deps.database.db.transaction((tx) =>
        limited.services.emailTokens.issue(tx, { userId: owner.user.id, purpose: 'password_reset', now: limited.clock.now() }),
      );
      const reset = await limited.gql(RaceResetPassword, { input: { token, newPassword: NEW_PASSWORD } }, from(ip));
      expect(reset.data.resetPassword.__typename).toBe('ResetPasswordSuccess');
      expect((await go(NEW_PASSWORD, ip)).data.login.__typename).toBe('MfaChallenge');
    } finally {
      await limited.close();
    }
  });
});

describe('trusted devices', () => {
  it('a stolen trusted-device token is no password oracle: it passes the locks a stranger set, but its own failures lock it', async () => {
    const owner = await signUpWithMfa(app);
    const ip = address();
    const first = await login(owner.email, ip, PASSWORD);
    if (first.__typename !== 'MfaChallenge') throw new Error(JSON.stringify(first));
    const verified = (await app.gql(VerifyMfaLogin, { input: { challengeToken: first.challengeToken, code: codeFor(owner.secret, app.clock.now()), trustDevice: true } }, from(ip))).data.verifyMfaLogin;
    if (verified.__typename !== 'AuthPayload') throw new Error(JSON.stringify(verified));
    const device = verified.trustedDeviceToken!;
    app.clock.advance(30);
    // Strangers lock the account everywhere (ten failures, three networks): the device still gets in.
    for (let i = 0; i < 10; i++) await login(owner.email, otherNetwork());
    expect(codeOf(await login(owner.email, address(), PASSWORD))).toBe('ACCOUNT_LOCKED');
    expect(codeOf(await login(owner.email, ip, PASSWORD, device))).toBe('AuthPayload');
    // Whoever holds the device token but guesses the password: a burst gets three evaluations.
    const thief = otherNetwork();
    const answers = await burst(10, () => login(owner.email, thief, WRONG, device).then(codeOf));
    expect(tally(answers)).toEqual({ INVALID_CREDENTIALS: 2, ACCOUNT_LOCKED: 8 });
    expect(codeOf(await login(owner.email, thief, PASSWORD, device))).toBe('ACCOUNT_LOCKED');
    app.clock.advance(15 * MIN);
    expect(codeOf(await login(owner.email, thief, PASSWORD, device))).toBe('AuthPayload');
  });
});

describe('lock order', () => {
  // verifyEmail took its link, then the user row (then the account's other links); changePassword
  // took the links, then the row: run together, each held what the other waited for, and
  // PostgreSQL aborted one (an INTERNAL_SERVER_ERROR). Both now take the user row first.
  it('an address change confirmed while the password changes: both answer, no deadlock', async () => {
    const user = await signUp(app);
    const now = app.clock.now();
    const { token } = await app.deps.database.db.transaction(async (tx) => {
      await app.services.emailTokens.issue(tx, { userId: user.user.id, purpose: 'password_reset', now });
      return app.services.emailTokens.issue(tx, { userId: user.user.id, purpose: 'email_change', newEmail: `moved.${user.email}`, now });
    });
    // Hold the user row, so that both requests are inside their transactions before either goes on.
    const holder = postgres(app.backing.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      let both!: Promise<[Awaited<ReturnType<typeof verify>>, Awaited<ReturnType<typeof change>>]>;
      let waiting = 0;
      const verify = () => app.gql(RaceVerifyEmail, { input: { token } });
      const change = () => app.gql(RaceChangePassword, { input: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } }, { token: user.accessToken });
      await holder.begin(async (tx) => {
        await tx`select id from users where id = ${user.user.id} for update`;
        both = Promise.all([verify(), change()]);
        // Until both requests wait on a lock: the event itself, polled a bounded number of times.
        for (let i = 0; i < 2000 && waiting < 2; i++) {
          // pg_stat_activity is a snapshot per transaction: take a fresh one each time.
          await tx`select pg_stat_clear_snapshot()`;
          const [row] = await tx<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`;
          waiting = row!.n;
        }
      });
      const [verified, changed] = await both;
      expect(waiting).toBe(2);
      expect([verified.errors, changed.errors]).toEqual([undefined, undefined]);
      expect(changed.data.changePassword.__typename).toBe('ChangePasswordSuccess');
      // Whichever came second found the link already ended, or simply went on.
      expect(['VerifyEmailSuccess', 'InvalidTokenError']).toContain(verified.data.verifyEmail.__typename);
    } finally {
      await holder.end({ timeout: 5 });
    }
  });
});
