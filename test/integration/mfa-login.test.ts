/**
 * TOTP MFA. Threats: a stolen password (the second factor stops it), a phished or shoulder-surfed
 * code (accepted once only), online guessing of 6 digits (a per-user cap across challenges, and
 * no multiplying guesses by aliasing in one document), a database dump (secrets sealed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql';
import { startTestApp, type TestApp } from '../support/app';
import { ConfirmMfa, EnrollMfa, LoginMfa, MfaStatus, signUpWithMfa, VerifyMfaLogin } from '../support/mfa';
import { Me } from '../support/operations';
import { codeFor } from '../support/totp';
import { PASSWORD, signUp } from '../support/users';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ MFA_ISSUER: 'Acme ID' });
});
afterAll(() => app.close());

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());

async function challenge(email: string) {
  const res = await app.gql(LoginMfa, { input: { email, password: PASSWORD } });
  if (res.data.login.__typename !== 'MfaChallenge') throw new Error(`expected a challenge: ${JSON.stringify(res)}`);
  return res.data.login;
}
const verify = (challengeToken: string, code: string) => app.gql(VerifyMfaLogin, { input: { challengeToken, code } }).then((r) => r.data.verifyMfaLogin);
const failures = async (userId: string) =>
  ((await app.deps.database.db.execute(`select failed_attempts as n from mfa_totp where user_id = '${userId}'` as never)) as unknown as { n: number }[])[0]?.n;

describe('enrolment', () => {
  it('returns a 160-bit base32 secret, an otpauth URI with issuer and account, and an SVG QR code', async () => {
    const s = await signUp(app);
    const res = await app.gql(EnrollMfa, undefined, { token: s.accessToken });
    const e = res.data.enrollMfa;
    if (e.__typename !== 'MfaEnrollment') throw new Error(JSON.stringify(res));
    expect(e.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(e.otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(decodeURIComponent(uri.pathname)).toBe(`//totp/Acme ID:${s.email}`.replace('//totp/', '/'));
    expect(uri.searchParams.get('secret')).toBe(e.secret);
    expect(uri.searchParams.get('issuer')).toBe('Acme ID');
    expect(e.qrCodeSvg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect((await app.gql(MfaStatus, undefined, { token: s.accessToken })).data.mfaStatus).toMatchObject({ enabled: false, pendingEnrollment: true, methods: [] });
  });

  it('confirms with a current code: MFA on, ten distinct backup codes shown once', async () => {
    const s = await signUp(app);
    const e = (await app.gql(EnrollMfa, undefined, { token: s.accessToken })).data.enrollMfa;
    if (e.__typename !== 'MfaEnrollment') throw new Error('enrol failed');
    const res = await app.gql(ConfirmMfa, { input: { code: codeFor(e.secret, app.clock.now()) } }, { token: s.accessToken });
    const c = res.data.confirmMfa;
    if (c.__typename !== 'MfaEnabled') throw new Error(JSON.stringify(res));
    expect(c.backupCodes).toHaveLength(10);
    expect(new Set(c.backupCodes).size).toBe(10);
    for (const code of c.backupCodes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect((await app.gql(MfaStatus, undefined, { token: s.accessToken })).data.mfaStatus).toMatchObject({
      enabled: true,
      pendingEnrollment: false,
      methods: ['TOTP', 'BACKUP_CODE'],
      backupCodesRemaining: 10,
    });
    expect((await app.gql(Me, undefined, { token: s.accessToken })).data.me).toBeTruthy();
  });

  it('replaces a pending secret when asked again: only the newest one confirms', async () => {
    const s = await signUp(app);
    const first = (await app.gql(EnrollMfa, undefined, { token: s.accessToken })).data.enrollMfa;
    const second = (await app.gql(EnrollMfa, undefined, { token: s.accessToken })).data.enrollMfa;
    if (first.__typename !== 'MfaEnrollment' || second.__typename !== 'MfaEnrollment') throw new Error('enrol failed');
    expect(second.secret).not.toBe(first.secret);
    const stale = await app.gql(ConfirmMfa, { input: { code: codeFor(first.secret, app.clock.now()) } }, { token: s.accessToken });
    expect(stale.data.confirmMfa).toMatchObject({ __typename: 'InvalidMfaCodeError', code: 'INVALID_MFA_CODE' });
    const ok = await app.gql(ConfirmMfa, { input: { code: codeFor(second.secret, app.clock.now()) } }, { token: s.accessToken });
    expect(ok.data.confirmMfa.__typename).toBe('MfaEnabled');
  });

  it('refuses confirm without a pending enrolment, malformed codes, and a second enrolment while on', async () => {
    const s = await signUp(app);
    expect((await app.gql(ConfirmMfa, { input: { code: '123456' } }, { token: s.accessToken })).data.confirmMfa).toMatchObject({ code: 'NOT_FOUND' });
    const e = (await app.gql(EnrollMfa, undefined, { token: s.accessToken })).data.enrollMfa;
    if (e.__typename !== 'MfaEnrollment') throw new Error('enrol failed');
    for (const bad of ['12345', '1234567', 'abcdef', '', '12 34 56x']) {
      expect((await app.gql(ConfirmMfa, { input: { code: bad } }, { token: s.accessToken })).data.confirmMfa).toMatchObject({ code: 'INVALID_MFA_CODE' });
    }
    expect((await app.gql(MfaStatus, undefined, { token: s.accessToken })).data.mfaStatus.enabled).toBe(false);
    await app.gql(ConfirmMfa, { input: { code: codeFor(e.secret, app.clock.now()) } }, { token: s.accessToken });
    expect((await app.gql(EnrollMfa, undefined, { token: s.accessToken })).data.enrollMfa).toMatchObject({ code: 'MFA_ALREADY_ENABLED' });
  });

  it('needs a recent sign-in to enrol', async () => {
    const s = await signUp(app);
    app.clock.advance(11 * 60);
    expect((await app.gql(EnrollMfa, undefined, { token: s.accessToken })).data.enrollMfa).toMatchObject({ __typename: 'ReauthRequiredError', code: 'REAUTH_REQUIRED' });
  });

  it('stores the secret sealed, bound to its user: not the plain secret, and useless in another row', async () => {
    const a = await signUpWithMfa(app);
    const b = await signUp(app);
    const rows = (await app.deps.database.db.execute(`select secret_sealed from mfa_totp where user_id = '${a.user.id}'` as never)) as unknown as { secret_sealed: string }[];
    const sealed = rows[0]!.secret_sealed;
    expect(sealed).not.toContain(a.secret);
    expect(Buffer.from(sealed.split('.')[2]!, 'base64url').toString('latin1')).not.toContain(a.secret);
    expect(app.deps.sealer.open(sealed, `totp:${a.user.id}`).toString()).toBe(a.secret);
    expect(() => app.deps.sealer.open(sealed, `totp:${b.user.id}`)).toThrow();
  });
});

describe('login challenge', () => {
  it('asks for a second factor after the right password, then issues an MFA session', async () => {
    const s = await signUpWithMfa(app);
    const c = await challenge(s.email);
    expect(c.methods).toEqual(['TOTP', 'BACKUP_CODE']);
    expect(new Date(c.expiresAt).getTime()).toBe(app.clock.now().getTime() + 5 * 60_000);
    expect(c.challengeToken).toMatch(/^mc_/);
    const r = await verify(c.challengeToken, codeFor(s.secret, app.clock.now()));
    if (r.__typename !== 'AuthPayload') throw new Error(JSON.stringify(r));
    expect(r.session.mfaVerified).toBe(true);
    expect(r.session.assuranceLevel).toBe(2);
    expect(r.user.mfaEnabled).toBe(true);
    expect(claimsOf(r.accessToken).amr).toEqual(['pwd', 'otp']);
    expect((await app.gql(Me, undefined, { token: r.accessToken })).data.me?.id).toBe(s.user.id);
  });

  it('a wrong password still answers InvalidCredentialsError: MFA is revealed only to the password’s holder', async () => {
    const s = await signUpWithMfa(app);
    const res = await app.gql(LoginMfa, { input: { email: s.email, password: 'not the right password' } });
    expect(res.data.login).toMatchObject({ __typename: 'InvalidCredentialsError' });
  });

  it('a challenge token is not an access token', async () => {
    const s = await signUpWithMfa(app);
    const c = await challenge(s.email);
    const res = await app.gql(Me, undefined, { token: c.challengeToken });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'INVALID_TOKEN' });
  });

  it('a challenge is single use and expires after five minutes', async () => {
    const s = await signUpWithMfa(app);
    const c = await challenge(s.email);
    expect((await verify(c.challengeToken, codeFor(s.secret, app.clock.now()))).__typename).toBe('AuthPayload');
    app.clock.advance(30);
    expect(await verify(c.challengeToken, codeFor(s.secret, app.clock.now()))).toMatchObject({ code: 'MFA_CHALLENGE_EXPIRED' });
    const late = await challenge(s.email);
    app.clock.advance(5 * 60 + 1);
    expect(await verify(late.challengeToken, codeFor(s.secret, app.clock.now()))).toMatchObject({ code: 'MFA_CHALLENGE_EXPIRED' });
    expect(await verify('mc_unknown', '123456')).toMatchObject({ code: 'MFA_CHALLENGE_EXPIRED' });
  });
});

describe('replay protection and the time window', () => {
  it('accepts a code once, even across challenges', async () => {
    const s = await signUpWithMfa(app);
    const code = codeFor(s.secret, app.clock.now());
    expect((await verify((await challenge(s.email)).challengeToken, code)).__typename).toBe('AuthPayload');
    expect(await verify((await challenge(s.email)).challengeToken, code)).toMatchObject({ code: 'INVALID_MFA_CODE' });
  });

  it('refuses a code of an earlier step once a later one was used', async () => {
    const s = await signUpWithMfa(app);
    const now = app.clock.now();
    expect((await verify((await challenge(s.email)).challengeToken, codeFor(s.secret, now, +1))).__typename).toBe('AuthPayload');
    expect(await verify((await challenge(s.email)).challengeToken, codeFor(s.secret, now))).toMatchObject({ code: 'INVALID_MFA_CODE' });
  });

  it('accepts one step either side and nothing further', async () => {
    const s = await signUpWithMfa(app);
    app.clock.advance(30); // so the step before "now" was not the one used to confirm enrolment
    const now = app.clock.now();
    const attempt = async (steps: number) => (await verify((await challenge(s.email)).challengeToken, codeFor(s.secret, now, steps))).__typename;
    // In increasing order, so replay protection does not interfere.
    expect(await attempt(-2)).toBe('InvalidMfaCodeError');
    expect(await attempt(-1)).toBe('AuthPayload');
    expect(await attempt(0)).toBe('AuthPayload');
    expect(await attempt(+1)).toBe('AuthPayload');
    expect(await attempt(+2)).toBe('InvalidMfaCodeError');
  });

  it('two instances racing with the same code accept it once', async () => {
    const s = await signUpWithMfa(app);
    const other = await startTestApp({}, app.backing);
    try {
      const [c1, c2] = [await challenge(s.email), await challenge(s.email)];
      const code = codeFor(s.secret, app.clock.now());
      const results = await Promise.all([
        verify(c1.challengeToken, code),
        other.gql(VerifyMfaLogin, { input: { challengeToken: c2.challengeToken, code } }).then((r) => r.data.verifyMfaLogin),
      ]);
      expect(results.map((r) => r.__typename).sort()).toEqual(['AuthPayload', 'InvalidMfaCodeError']);
    } finally {
      await other.close();
    }
  });
});

describe('attempt limits', () => {
  it('locks the MFA step after five wrong codes across challenges, even for the right code, for 15 minutes', async () => {
    const s = await signUpWithMfa(app);
    const wrong = codeFor(s.secret, app.clock.now(), 10); // a real code, far outside the window
    for (let i = 0; i < 4; i++) expect(await verify((await challenge(s.email)).challengeToken, wrong)).toMatchObject({ code: 'INVALID_MFA_CODE' });
    expect(await failures(s.user.id)).toBe(4);
    // The fifth wrong code, on yet another challenge, locks.
    const locked = await verify((await challenge(s.email)).challengeToken, wrong);
    expect(locked).toMatchObject({ __typename: 'AccountLockedError', code: 'ACCOUNT_LOCKED' });
    const until = new Date((locked as { lockedUntil: string }).lockedUntil).getTime();
    expect(until).toBe(app.clock.now().getTime() + 15 * 60_000);
    const right = await verify((await challenge(s.email)).challengeToken, codeFor(s.secret, app.clock.now()));
    expect(right).toMatchObject({ code: 'ACCOUNT_LOCKED' });
    app.clock.advance(15 * 60 + 1);
    expect((await verify((await challenge(s.email)).challengeToken, codeFor(s.secret, app.clock.now()))).__typename).toBe('AuthPayload');
  });

  it('does not count malformed codes as guesses', async () => {
    const s = await signUpWithMfa(app);
    const c = await challenge(s.email);
    for (const bad of ['12345', 'abcdef', '1234567', '', 'x'.repeat(500)]) expect(await verify(c.challengeToken, bad)).toMatchObject({ code: 'INVALID_MFA_CODE' });
    expect(await failures(s.user.id)).toBe(0);
  });

  it('refuses a document that aliases verifyMfaLogin several times, before any resolver runs', async () => {
    const s = await signUpWithMfa(app);
    const c = await challenge(s.email);
    const res = await app.gql(
      graphql(`
        mutation AliasedGuesses($t: String!) {
          a: verifyMfaLogin(input: { challengeToken: $t, code: "000000" }) { __typename }
          b: verifyMfaLogin(input: { challengeToken: $t, code: "000001" }) { __typename }
          c: verifyMfaLogin(input: { challengeToken: $t, code: "000002" }) { __typename }
        }
      `),
      { t: c.challengeToken },
    );
    expect(res.status).toBe(400);
    expect(res.errors?.[0]).toMatchObject({ message: '"verifyMfaLogin" may appear at most once per request.', extensions: { code: 'BAD_USER_INPUT' } });
    expect(res.data ?? null).toBeNull();
    expect(await failures(s.user.id)).toBe(0);
  });
});

describe('backup codes', () => {
  it('complete a login once each', async () => {
    const s = await signUpWithMfa(app);
    const [code] = s.backupCodes;
    const r = await verify((await challenge(s.email)).challengeToken, code!.toLowerCase().replace(/-/g, ' '));
    if (r.__typename !== 'AuthPayload') throw new Error(JSON.stringify(r));
    expect(r.session.mfaVerified).toBe(true);
    expect(await verify((await challenge(s.email)).challengeToken, code!)).toMatchObject({ code: 'INVALID_MFA_CODE' });
    expect((await app.gql(MfaStatus, undefined, { token: r.accessToken })).data.mfaStatus.backupCodesRemaining).toBe(9);
  });

  it('are stored as slow hashes, never in the clear', async () => {
    const s = await signUpWithMfa(app);
    const rows = (await app.deps.database.db.execute(`select lookup, code_hash from mfa_backup_codes where user_id = '${s.user.id}'` as never)) as unknown as {
      lookup: string;
      code_hash: string;
    }[];
    expect(rows).toHaveLength(10);
    for (const row of rows) expect(row.code_hash).toMatch(/^\$argon2id\$/);
    const secrets = s.backupCodes.map((c) => c.replace(/-/g, '').slice(4));
    expect(rows.some((r) => secrets.some((sec) => r.code_hash.includes(sec)))).toBe(false);
  });
});
