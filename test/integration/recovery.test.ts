/**
 * Password reset, e-mail verification and address change, end to end: a real server, a real
 * SMTP server on loopback receiving the mails, links parsed out of the bodies, time moved with
 * the fake clock.
 *
 * Threats covered: account enumeration through the reset request (answer and work), a reset
 * link that outlives its use, its expiry or a newer link, two concurrent uses of one link,
 * tokens accepted for the wrong purpose, links pointing at a host from the request, sessions and
 * trusted devices surviving a reset, an address change without a recent sign-in or without
 * proof of the new mailbox, and tokens or links leaking into the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { graphql } from '../gql';
import { DEFAULT_ABUSE_LIMITS, RELAXED_ABUSE_LIMITS, startTestApp, type TestApp } from '../support/app';
import { LoginMfa, MfaStatus, signInWithMfa, signUpWithMfa } from '../support/mfa';
import { Login, Me, Rotate } from '../support/operations';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../support/smtp';
import { PASSWORD, signIn, signUp, uniqueEmail } from '../support/users';
import { auditLogs } from '../../src/modules/audit/audit.table';
import { loginFailures } from '../../src/modules/lockout/lockout.table';
import { lockoutSubject } from '../../src/modules/lockout/lockout.service';
import { REASONS } from '../../src/modules/auth/password-policy';

const RequestPasswordReset = graphql(`
  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {
    requestPasswordReset(input: $input)
  }
`);

const ResetPassword = graphql(`
  mutation ResetPassword($input: ResetPasswordInput!) {
    resetPassword(input: $input) {
      __typename
      ... on ResetPasswordSuccess { sessionsEnded trustedDevicesRevoked }
      ... on WeakPasswordError { reasons }
      ... on Error { code message }
    }
  }
`);

const RequestEmailVerification = graphql(`
  mutation RequestEmailVerification {
    requestEmailVerification
  }
`);

const VerifyEmail = graphql(`
  mutation VerifyEmail($input: VerifyEmailInput!) {
    verifyEmail(input: $input) {
      __typename
      ... on VerifyEmailSuccess { emailChanged sessionsEnded user { id email emailVerified } }
      ... on Error { code message }
    }
  }
`);

const ChangeEmail = graphql(`
  mutation ChangeEmail($input: ChangeEmailInput!) {
    changeEmail(input: $input) {
      __typename
      ... on ChangeEmailRequested { newEmail expiresAt }
      ... on Error { code message }
    }
  }
`);

const LockedLogin = graphql(`
  mutation LockedLogin($input: LoginInput!) {
    login(input: $input) {
      __typename
      ... on AccountLockedError { lockedUntil }
      ... on Error { code message }
    }
  }
`);

const RecoveryChangePassword = graphql(`
  mutation RecoveryChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input) {
      __typename
      ... on Error { code message }
    }
  }
`);

const NEW_PASSWORD = 'quiet lantern orbit mosaic';
const OTHER_PASSWORD = 'amber walrus pivot shelter';
const MIN = 60;

let smtp: SmtpSink;
let app: TestApp;

beforeAll(async () => {
  smtp = await startSmtpSink();
  // Lockout at its defaults (one test needs a lock to clear); rate limits relaxed.
  app = await startTestApp({
    SMTP_URL: smtp.url,
    LOCKOUT_LEVELS: DEFAULT_ABUSE_LIMITS.LOCKOUT_LEVELS!,
    LOCKOUT_ACCOUNT_FROM: DEFAULT_ABUSE_LIMITS.LOCKOUT_ACCOUNT_FROM!,
  });
});
afterAll(async () => {
  await app.close();
  await smtp.close();
});

/** The token of the one link in a mail, checking the link's host and path on the way. */
function tokenIn(mail: ReceivedMail, path: '/reset-password' | '/verify-email'): string {
  const links = [...mail.text.matchAll(/https?:\/\/\S+/g)].map(([l]) => l);
  expect(links).toHaveLength(1);
  const url = new URL(links[0]!);
  expect(`${url.origin}${url.pathname}`).toBe(`http://idp.test${path}`);
  expect(mail.html).toContain(links[0]!.replace(/&/g, '&#38;'));
  return url.searchParams.get('token')!;
}

/** Waits for the `n`-th mail to `address` (1-based) and returns it. */
async function nthMail(address: string, n: number): Promise<ReceivedMail> {
  return (await smtp.waitFor(address, n))[n - 1]!;
}

/** Everything queued so far has been handed to the SMTP server (or given up on). */
async function settled(a: TestApp = app) {
  await a.services.passwordReset.idle();
  await a.services.mailer.idle();
}

async function requestReset(email: string, a: TestApp = app, headers: Record<string, string> = {}) {
  const res = await a.gql(RequestPasswordReset, { input: { email } }, { headers });
  expect(res.errors).toBeUndefined();
  return res;
}

/** Asks for a reset and returns the token of the link that arrives (the `n`-th mail to the address). */
async function resetToken(email: string, n = 1): Promise<string> {
  await requestReset(email);
  return tokenIn(await nthMail(email, n), '/reset-password');
}

const reset = (token: string, newPassword = NEW_PASSWORD) => app.gql(ResetPassword, { input: { token, newPassword } }).then((r) => r.data.resetPassword);
const verify = (token: string, accessToken?: string) => app.gql(VerifyEmail, { input: { token } }, { token: accessToken }).then((r) => r.data.verifyEmail);
const login = (email: string, password: string) => app.gql(Login, { input: { email, password } }).then((r) => r.data.login.__typename);

async function dbRows<T>(query: SQL): Promise<T[]> {
  const result = (await app.deps.database.db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
const auditOf = (userId: string, action: string) =>
  app.deps.database.db.select().from(auditLogs).where(and(eq(auditLogs.userId, userId), eq(auditLogs.action, action))).orderBy(auditLogs.seq);

describe('password reset', () => {
  it('mails a PUBLIC_URL link that resets the password once, ending every session, refresh token and trusted device; the new password signs in', async () => {
    const user = await signUpWithMfa(app);
    const trusted = await signInWithMfa(app, user.email, PASSWORD, user.secret, { trustDevice: true });
    expect((await app.gql(MfaStatus, undefined, { token: trusted.accessToken })).data.mfaStatus.trustedDevices).toHaveLength(1);

    await requestReset(user.email);
    const mail = await nthMail(user.email, 1);
    expect(mail.to).toEqual([user.email]);
    expect(mail.from).toBe('no-reply@idp.test');
    expect(mail.subject).toBe('Reset your password');
    expect(mail.text).toContain('30 minutes');
    const token = tokenIn(mail, '/reset-password');
    expect(token).toMatch(/^pr_[A-Za-z0-9_-]{43}$/);

    // With MFA on, the shorter minimum applies.
    expect(await reset(token, 'nimble kayak')).toEqual({ __typename: 'ResetPasswordSuccess', sessionsEnded: 2, trustedDevicesRevoked: 1 });

    // Every old session is over: access tokens refused, refresh tokens dead.
    for (const s of [user, trusted]) {
      expect((await app.gql(Me, undefined, { token: s.accessToken })).errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SESSION_REVOKED' });
      expect((await app.gql(Rotate, { input: { refreshToken: s.refreshToken! } })).data.rotateRefresh.__typename).toBe('InvalidRefreshTokenError');
    }
    // The old password is gone; the new one works, and the trusted device no longer skips MFA.
    expect(await login(user.email, PASSWORD)).toBe('InvalidCredentialsError');
    const again = await app.gql(LoginMfa, { input: { email: user.email, password: 'nimble kayak', trustedDeviceToken: trusted.trustedDeviceToken } });
    expect(again.data.login.__typename).toBe('MfaChallenge');
    // Single use.
    expect(await reset(token, OTHER_PASSWORD)).toEqual({
      __typename: 'InvalidTokenError',
      code: 'INVALID_TOKEN',
      message: 'This link is invalid or has expired. Ask for a new one.',
    });
    expect((await auditOf(user.user.id, 'PASSWORD_RESET')).length).toBe(1);
  });

  it('answers an unknown address exactly like a known one, and mails only the known one', async () => {
    const known = await signUp(app);
    const unknown = uniqueEmail('nobody');
    const a = await requestReset(known.email);
    const b = await requestReset(unknown);
    const c = await requestReset('not an address at all');
    expect(JSON.stringify(b.data)).toBe(JSON.stringify(a.data));
    expect(JSON.stringify(c.data)).toBe(JSON.stringify(a.data));
    expect(a.data).toEqual({ requestPasswordReset: true });
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    await settled();
    expect(smtp.to(known.email)).toHaveLength(1);
    expect(smtp.to(unknown)).toHaveLength(0);
    // Audited without the token: for the account as a success; for the unknown address as a
    // failure without a user (the same background work, so it slows no later request less).
    const requested = await auditOf(known.user.id, 'PASSWORD_RESET_REQUESTED');
    expect(requested.map((r) => r.details)).toEqual([{}]);
    const orphans = await dbRows<{ success: boolean; details: unknown }>(
      sql`select success, details from audit_logs where action = 'PASSWORD_RESET_REQUESTED' and user_id is null and details->>'email' = ${unknown}`,
    );
    expect(orphans).toEqual([{ success: false, details: { reason: 'no_active_account', email: unknown } }]);
  });

  it('builds the link from PUBLIC_URL whatever Host or X-Forwarded-Host the request names', async () => {
    const user = await signUp(app);
    await requestReset(user.email, app, { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', forwarded: 'host=evil.example' });
    const mail = await nthMail(user.email, 1);
    expect(mail.text).not.toContain('evil.example');
    expect(mail.html).not.toContain('evil.example');
    tokenIn(mail, '/reset-password');
  });

  it('expires after PASSWORD_RESET_TTL (30 minutes)', async () => {
    const user = await signUp(app);
    const token = await resetToken(user.email);
    app.clock.advance(30 * MIN - 1);
    // Still live: a refused password proves it without spending it.
    expect((await reset(token, 'short')).__typename).toBe('WeakPasswordError');
    app.clock.advance(1);
    expect((await reset(token)).__typename).toBe('InvalidTokenError');
    expect(await login(user.email, PASSWORD)).toBe('AuthPayload');
  });

  it('honours only the newest link', async () => {
    const user = await signUp(app);
    const first = await resetToken(user.email, 1);
    const second = await resetToken(user.email, 2);
    expect(first).not.toBe(second);
    expect((await reset(first)).__typename).toBe('InvalidTokenError');
    expect((await reset(second)).__typename).toBe('ResetPasswordSuccess');
  });

  it('keeps the token when the password is refused, so the user can try again', async () => {
    const user = await signUp(app);
    const token = await resetToken(user.email);
    const weak = await reset(token, 'password123');
    expect(weak.__typename).toBe('WeakPasswordError');
    expect(await login(user.email, PASSWORD)).toBe('AuthPayload');
    expect((await reset(token)).__typename).toBe('ResetPasswordSuccess');
    expect(await login(user.email, NEW_PASSWORD)).toBe('AuthPayload');
  });

  it('refuses the current and recent passwords (history)', async () => {
    const user = await signUp(app);
    const current = await reset(await resetToken(user.email, 1), PASSWORD);
    expect(current).toMatchObject({ __typename: 'WeakPasswordError', reasons: [REASONS.reused] });
    expect((await reset(await resetToken(user.email, 2), NEW_PASSWORD)).__typename).toBe('ResetPasswordSuccess');
    // The password before the current one.
    const earlier = await reset(await resetToken(user.email, 3), PASSWORD);
    expect(earlier).toMatchObject({ __typename: 'WeakPasswordError', reasons: [REASONS.reused] });
  });

  it('lets exactly one of two concurrent uses of a link win', async () => {
    const user = await signUp(app);
    const token = await resetToken(user.email);
    const results = await Promise.all([reset(token, NEW_PASSWORD), reset(token, OTHER_PASSWORD)]);
    expect(results.map((r) => r.__typename).sort()).toEqual(['InvalidTokenError', 'ResetPasswordSuccess']);
    const winner = results[0]!.__typename === 'ResetPasswordSuccess' ? NEW_PASSWORD : OTHER_PASSWORD;
    const loser = winner === NEW_PASSWORD ? OTHER_PASSWORD : NEW_PASSWORD;
    expect(await login(user.email, winner)).toBe('AuthPayload');
    expect(await login(user.email, loser)).toBe('InvalidCredentialsError');
    expect((await auditOf(user.user.id, 'PASSWORD_RESET')).length).toBe(1);
  });

  it('clears the progressive lockout of the account', async () => {
    const user = await signUp(app);
    for (let i = 0; i < 3; i++) await app.gql(LockedLogin, { input: { email: user.email, password: 'a wrong password, again' } });
    expect((await app.gql(LockedLogin, { input: { email: user.email, password: PASSWORD } })).data.login.__typename).toBe('AccountLockedError');
    expect((await reset(await resetToken(user.email))).__typename).toBe('ResetPasswordSuccess');
    expect(await app.deps.database.db.select().from(loginFailures).where(eq(loginFailures.subject, lockoutSubject(user.email)))).toEqual([]);
    expect(await login(user.email, NEW_PASSWORD)).toBe('AuthPayload');
    // Clearing is part of the reset: no admin unlock is recorded.
    expect(await auditOf(user.user.id, 'ACCOUNT_UNLOCKED')).toEqual([]);
  });

  it('refuses empty, garbage and verification tokens as InvalidTokenError, changing nothing', async () => {
    const user = await signUp(app);
    await app.gql(RequestEmailVerification, undefined, { token: user.accessToken });
    const verification = tokenIn(await nthMail(user.email, 1), '/verify-email');
    for (const token of ['', 'garbage', `pr_${'A'.repeat(43)}`, `pr_${'A'.repeat(5000)}`, verification, verification.replace(/^ev_/, 'pr_')]) {
      expect((await reset(token)).__typename).toBe('InvalidTokenError');
    }
    expect(await login(user.email, PASSWORD)).toBe('AuthPayload');
    // The verification token was not spent by those attempts.
    expect((await verify(verification)).__typename).toBe('VerifyEmailSuccess');
  });
});

describe('e-mail verification', () => {
  it('mails a link to the current address that verifies it, once, without needing a sign-in', async () => {
    const user = await signUp(app);
    expect((await app.gql(Me, undefined, { token: user.accessToken })).data.me?.emailVerified).toBe(false);
    expect((await app.gql(RequestEmailVerification, undefined, { token: user.accessToken })).data.requestEmailVerification).toBe(true);
    const mail = await nthMail(user.email, 1);
    expect(mail.subject).toBe('Confirm your e-mail address');
    expect(mail.text).toContain('24 hours');
    const token = tokenIn(mail, '/verify-email');

    expect(await verify(token)).toEqual({
      __typename: 'VerifyEmailSuccess',
      emailChanged: false,
      sessionsEnded: 0,
      user: { id: user.user.id, email: user.email, emailVerified: true },
    });
    expect((await app.gql(Me, undefined, { token: user.accessToken })).data.me?.emailVerified).toBe(true);
    expect((await verify(token)).__typename).toBe('InvalidTokenError');
    expect(await auditOf(user.user.id, 'EMAIL_VERIFIED')).toHaveLength(1);

    // Verified already: still true, nothing sent.
    expect((await app.gql(RequestEmailVerification, undefined, { token: user.accessToken })).data.requestEmailVerification).toBe(true);
    await settled();
    expect(smtp.to(user.email)).toHaveLength(1);
  });

  it('refuses a reset token, garbage, and an expired link (EMAIL_VERIFICATION_TTL, 24 hours)', async () => {
    const user = await signUp(app);
    const resetLink = await resetToken(user.email, 1);
    await app.gql(RequestEmailVerification, undefined, { token: user.accessToken });
    const token = tokenIn(await nthMail(user.email, 2), '/verify-email');
    for (const bad of ['', ' ', 'ev_', resetLink, resetLink.replace(/^pr_/, 'ev_'), `${token}x`]) {
      expect((await verify(bad)).__typename).toBe('InvalidTokenError');
    }
    // The reset link was not spent by being tried here: a refused password shows it is live.
    expect((await reset(resetLink, 'short')).__typename).toBe('WeakPasswordError');
    app.clock.advance(24 * 3600);
    expect((await verify(token)).__typename).toBe('InvalidTokenError');
    expect((await app.gql(Me, undefined, { token: (await signIn(app, user.email)).accessToken })).data.me?.emailVerified).toBe(false);
  });

  it('needs a signed-in session', async () => {
    const res = await app.gql(RequestEmailVerification);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

// An SPA on another host serves the pages the links open; the API stays the token issuer.
describe('LINK_BASE_URL', () => {
  const BASE = 'https://app.example.com/account';
  let spa: TestApp;
  beforeAll(async () => {
    spa = await startTestApp({ SMTP_URL: smtp.url, LINK_BASE_URL: `${BASE}/` });
  });
  afterAll(() => spa.close());

  const linkIn = (mail: ReceivedMail) => {
    const links = [...mail.text.matchAll(/https?:\/\/\S+/g)].map(([l]) => l);
    expect(links).toHaveLength(1);
    return new URL(links[0]!);
  };

  it('points reset, verification and address-change links at it, while tokens are still issued by PUBLIC_URL', async () => {
    const user = await signUp(spa);
    await spa.gql(RequestPasswordReset, { input: { email: user.email } });
    await spa.gql(RequestEmailVerification, undefined, { token: user.accessToken });
    const target = uniqueEmail('spa');
    await spa.gql(ChangeEmail, { input: { newEmail: target } }, { token: user.accessToken });

    // The reset mail is sent off the request path, so the order of arrival is not fixed.
    const mails = [...(await smtp.waitFor(user.email, 3)).filter((m) => m.subject !== 'Your e-mail address is being changed'), ...(await smtp.waitFor(target, 1))];
    const paths = mails.map((m) => {
      const url = linkIn(m);
      expect(url.searchParams.get('token')).toMatch(/^(pr|ev)_/);
      return `${url.origin}${url.pathname}`;
    });
    expect(paths.sort()).toEqual([`${BASE}/reset-password`, `${BASE}/verify-email`, `${BASE}/verify-email`]);

    const claims = JSON.parse(Buffer.from(user.accessToken.split('.')[1]!, 'base64url').toString('utf8')) as { iss: string };
    expect(claims.iss).toBe('http://idp.test');
  });
});

describe('changeEmail', () => {
  it('needs a sign-in within REAUTH_WINDOW (10 minutes): works right after sign-in, REAUTH_REQUIRED after', async () => {
    const user = await signUp(app);
    const fresh = await signIn(app, user.email);
    app.clock.advance(10 * MIN + 1);
    const stale = await app.gql(ChangeEmail, { input: { newEmail: uniqueEmail('stale') } }, { token: fresh.accessToken });
    expect(stale.data.changeEmail).toMatchObject({ __typename: 'ReauthRequiredError', code: 'REAUTH_REQUIRED' });
    const again = await signIn(app, user.email);
    const target = uniqueEmail('fresh');
    const ok = await app.gql(ChangeEmail, { input: { newEmail: target } }, { token: again.accessToken });
    expect(ok.data.changeEmail).toMatchObject({ __typename: 'ChangeEmailRequested', newEmail: target });
  });

  it('mails a link to the new address and a notice without one to the old; after verifyEmail only the new address signs in', async () => {
    const user = await signUp(app);
    const other = await signIn(app, user.email);
    const target = uniqueEmail('moved');
    const res = await app.gql(ChangeEmail, { input: { newEmail: `  ${target.toUpperCase()} ` } }, { token: user.accessToken });
    expect(res.data.changeEmail).toMatchObject({ __typename: 'ChangeEmailRequested', newEmail: target });

    const confirm = await nthMail(target, 1);
    expect(confirm.subject).toBe('Confirm your new e-mail address');
    const token = tokenIn(confirm, '/verify-email');
    const notice = await nthMail(user.email, 1);
    expect(notice.subject).toBe('Your e-mail address is being changed');
    expect(notice.text).toContain(target);
    expect(notice.text).toContain('wasn’t you');
    expect(`${notice.text}${notice.html}`).not.toMatch(/token|https?:\/\//);

    // Nothing changes until the link is opened.
    expect(await login(user.email, PASSWORD)).toBe('AuthPayload');
    expect(await login(target, PASSWORD)).toBe('InvalidCredentialsError');

    const done = await verify(token, user.accessToken);
    expect(done).toEqual({ __typename: 'VerifyEmailSuccess', emailChanged: true, sessionsEnded: 2, user: { id: user.user.id, email: target, emailVerified: true } });
    // The caller's session stays; the others (the second sign-in, the login above) ended.
    expect((await app.gql(Me, undefined, { token: user.accessToken })).data.me?.email).toBe(target);
    expect((await app.gql(Me, undefined, { token: other.accessToken })).errors?.[0]?.extensions?.reason).toBe('SESSION_REVOKED');
    expect(await login(target, PASSWORD)).toBe('AuthPayload');
    expect(await login(user.email, PASSWORD)).toBe('InvalidCredentialsError');
    expect((await verify(token)).__typename).toBe('InvalidTokenError');

    const changed = await auditOf(user.user.id, 'EMAIL_CHANGED');
    expect(changed.map((r) => r.details)).toEqual([{ previousEmail: user.email, email: target }]);
    expect((await auditOf(user.user.id, 'EMAIL_CHANGE_REQUESTED')).map((r) => r.details)).toEqual([{ email: target }]);
    // And an alert, without either address in it.
    const alerts = await dbRows<{ type: string; severity: string; details: unknown }>(
      sql`select type, severity, details from security_alerts where user_id = ${user.user.id} and type = 'EMAIL_CHANGED'`,
    );
    expect(alerts).toEqual([{ type: 'EMAIL_CHANGED', severity: 'MEDIUM', details: {} }]);
  });

  it('ends the links still out for the old address once the change is done', async () => {
    const user = await signUp(app);
    const resetLink = await resetToken(user.email, 1);
    const target = uniqueEmail('moved');
    await app.gql(ChangeEmail, { input: { newEmail: target } }, { token: user.accessToken });
    expect((await verify(tokenIn(await nthMail(target, 1), '/verify-email'))).__typename).toBe('VerifyEmailSuccess');
    expect((await reset(resetLink)).__typename).toBe('InvalidTokenError');
  });

  it('is cancelled by a password reset (the change might be an intruder’s)', async () => {
    const user = await signUp(app);
    const target = uniqueEmail('intruder');
    await app.gql(ChangeEmail, { input: { newEmail: target } }, { token: user.accessToken });
    const change = tokenIn(await nthMail(target, 1), '/verify-email');
    expect((await reset(await resetToken(user.email, 2))).__typename).toBe('ResetPasswordSuccess');
    expect((await verify(change)).__typename).toBe('InvalidTokenError');
    expect(await login(user.email, NEW_PASSWORD)).toBe('AuthPayload');
  });

  it('is cancelled, with any reset link still out, by a password change', async () => {
    const user = await signUp(app);
    const target = uniqueEmail('pending');
    await app.gql(ChangeEmail, { input: { newEmail: target } }, { token: user.accessToken });
    const change = tokenIn(await nthMail(target, 1), '/verify-email');
    const resetLink = await resetToken(user.email, 2);
    const changed = await app.gql(RecoveryChangePassword, { input: { currentPassword: user.password, newPassword: OTHER_PASSWORD } }, { token: user.accessToken });
    expect(changed.data.changePassword.__typename).toBe('ChangePasswordSuccess');
    expect((await verify(change)).__typename).toBe('InvalidTokenError');
    expect((await reset(resetLink)).__typename).toBe('InvalidTokenError');
    expect(await login(user.email, OTHER_PASSWORD)).toBe('AuthPayload');
  });

  it('purges links a day after they were used or expired (the daily job), and no sooner', async () => {
    const user = await signUp(app);
    const token = await resetToken(user.email);
    expect((await reset(token)).__typename).toBe('ResetPasswordSuccess');
    const rows = () => dbRows<{ n: number }>(sql`select count(*)::int as n from email_tokens where user_id = ${user.user.id}`);
    expect((await rows())[0]!.n).toBe(1);
    app.clock.advance(23 * 3600);
    await app.services.emailTokens.purge(app.clock.now());
    expect((await rows())[0]!.n).toBe(1);
    app.clock.advance(3600 + 1);
    expect(await app.services.emailTokens.purge(app.clock.now())).toBeGreaterThanOrEqual(1);
    expect((await rows())[0]!.n).toBe(0);
  });

  it('refuses an address that belongs to another account (EmailTakenError), mailing nobody', async () => {
    const user = await signUp(app);
    const owner = await signUp(app);
    const res = await app.gql(ChangeEmail, { input: { newEmail: owner.email.toUpperCase() } }, { token: user.accessToken });
    expect(res.data.changeEmail).toMatchObject({ __typename: 'EmailTakenError', code: 'EMAIL_TAKEN' });
    await settled();
    expect(smtp.to(owner.email)).toHaveLength(0);
    expect(smtp.to(user.email)).toHaveLength(0);
  });

  it('answers EmailTakenError when the address was taken between the request and the link, and changes nothing', async () => {
    const user = await signUp(app);
    const target = uniqueEmail('raced');
    await app.gql(ChangeEmail, { input: { newEmail: target } }, { token: user.accessToken });
    const token = tokenIn(await nthMail(target, 1), '/verify-email');
    await signUp(app, { email: target });
    expect((await verify(token)).__typename).toBe('EmailTakenError');
    expect((await app.gql(Me, undefined, { token: user.accessToken })).data.me?.email).toBe(user.email);
  });

  it('refuses a malformed or unchanged address as BAD_USER_INPUT on newEmail', async () => {
    const user = await signUp(app);
    for (const newEmail of ['not an address', '', user.email]) {
      const res = await app.gql(ChangeEmail, { input: { newEmail } }, { token: user.accessToken });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newEmail' });
    }
  });
});

describe('the audit log', () => {
  it('holds no token and no link from any mail sent in this file', async () => {
    await settled();
    const tokens = smtp.messages.flatMap((m) => [...m.text.matchAll(/token=([A-Za-z0-9_-]+)/g)].map(([, t]) => t!));
    expect(tokens.length).toBeGreaterThan(10);
    const dump = (await dbRows<{ t: string }>(sql`select t::text as t from audit_logs t`)).map((r) => r.t).join('\n');
    expect(dump).toContain('PASSWORD_RESET');
    expect(dump).not.toContain('token=');
    expect(dump).not.toContain('/reset-password');
    expect(dump).not.toContain('/verify-email');
    for (const token of tokens) expect(dump).not.toContain(token);
    // Nor the email_tokens table.
    const stored = (await dbRows<{ t: string }>(sql`select t::text as t from email_tokens t`)).map((r) => r.t).join('\n');
    for (const token of tokens) expect(stored).not.toContain(token);
  });
});

describe('rate limits at their defaults', () => {
  let limited: TestApp;
  let n = 1;
  const address = () => `203.0.113.${n++}`;
  const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
  const code = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.code;

  beforeAll(async () => {
    limited = await startTestApp({ ...RELAXED_ABUSE_LIMITS, ...DEFAULT_ABUSE_LIMITS, LOCKOUT_LEVELS: '90:1s', LOCKOUT_ACCOUNT_FROM: '90', TRUST_PROXY: '1', SMTP_URL: smtp.url });
  });
  afterAll(() => limited.close());

  it('requestPasswordReset: 5 per hour per address, and 3 mails per hour per e-mail address across addresses', async () => {
    const ip = address();
    for (let i = 0; i < 5; i++) expect(code(await limited.gql(RequestPasswordReset, { input: { email: uniqueEmail('rl') } }, from(ip)))).toBeUndefined();
    const refused = await limited.gql(RequestPasswordReset, { input: { email: uniqueEmail('rl') } }, from(ip));
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 3600 });

    const email = uniqueEmail('target');
    for (let i = 0; i < 3; i++) expect(code(await limited.gql(RequestPasswordReset, { input: { email } }, from(address())))).toBeUndefined();
    // Over the per-account limit mails stop silently (attempt-races.test.ts counts them): still true.
    const over = await limited.gql(RequestPasswordReset, { input: { email: email.toUpperCase() } }, from(address()));
    expect([code(over), over.data.requestPasswordReset]).toEqual([undefined, true]);
    limited.clock.advance(3600);
    expect(code(await limited.gql(RequestPasswordReset, { input: { email } }, from(address())))).toBeUndefined();
  });

  it('resetPassword and verifyEmail: 10 per hour per address', async () => {
    const tryReset = (ip: string) => limited.gql(ResetPassword, { input: { token: `pr_${'x'.repeat(43)}`, newPassword: NEW_PASSWORD } }, from(ip));
    const tryVerify = (ip: string) => limited.gql(VerifyEmail, { input: { token: `ev_${'x'.repeat(43)}` } }, from(ip));
    for (const call of [tryReset, tryVerify]) {
      const ip = address();
      for (let i = 0; i < 10; i++) expect(JSON.stringify((await call(ip)).data)).toContain('"code":"INVALID_TOKEN"');
      const refused = await call(ip);
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 3600 });
      expect(code(await call(address()))).toBeUndefined();
    }
  });
});
