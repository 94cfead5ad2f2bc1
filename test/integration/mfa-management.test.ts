// MFA management over HTTP, as a client sees it: trusted devices, changePassword, disableMfa,
// regenerateBackupCodes, step-up (reauthenticate, REAUTH_WINDOW) and REQUIRE_ADMIN_MFA.
// TOTP codes always come from the tests' own RFC 6238 generator at app.clock.now(); between two
// accepted codes of one user the clock moves on by one 30 s step (replay protection).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql';
import { startTestApp, type TestApp } from '../support/app';
import { ConfirmMfa, EnrollMfa, LoginMfa, MfaStatus, signInWithMfa, signUpWithMfa, VerifyMfaLogin } from '../support/mfa';
import { Me, RevokeAll, Rotate, Sessions } from '../support/operations';
import { codeFor } from '../support/totp';
import { PASSWORD, signIn, signUp } from '../support/users';

const MgmtMe = graphql(`
  query MgmtMe {
    me { id email roles scopes mfaEnabled }
  }
`);

const MgmtRevokeTrustedDevice = graphql(`
  mutation MgmtRevokeTrustedDevice($id: ID!) {
    revokeTrustedDevice(id: $id) {
      __typename
      ... on RevokeTrustedDeviceSuccess { trustedDeviceId }
      ... on Error { code message }
    }
  }
`);

const MgmtChangePassword = graphql(`
  mutation MgmtChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input) {
      __typename
      ... on ChangePasswordSuccess { sessionsEnded trustedDevicesRevoked }
      ... on WeakPasswordError { reasons }
      ... on Error { code message }
    }
  }
`);

const MgmtDisableMfa = graphql(`
  mutation MgmtDisableMfa($input: DisableMfaInput!) {
    disableMfa(input: $input) {
      __typename
      ... on MfaDisabled { trustedDevicesRevoked }
      ... on Error { code message }
    }
  }
`);

const MgmtRegenerateBackupCodes = graphql(`
  mutation MgmtRegenerateBackupCodes($input: MfaCodeInput!) {
    regenerateBackupCodes(input: $input) {
      __typename
      ... on BackupCodesRegenerated { backupCodes }
      ... on Error { code message }
    }
  }
`);

const MgmtReauthenticate = graphql(`
  mutation MgmtReauthenticate($input: ReauthenticateInput!) {
    reauthenticate(input: $input) {
      __typename
      ... on AuthPayload { accessToken refreshToken session { id mfaVerified authenticatedAt current } user { id } }
      ... on Error { code message }
    }
  }
`);

const NEW_PASSWORD = 'a completely different passphrase';
const BACKUP_CODE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const ADMIN_ONLY = ['users:read', 'users:write', 'audit:read:all', 'alerts:read', 'security:read'];
const DAY = 86_400;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

/** The claims of an access token (no verification: the server did that). */
function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The UNAUTHENTICATED reason a token gets, or undefined when it is accepted. */
async function refusal(a: TestApp, token: string) {
  const res = await a.gql(Me, undefined, { token });
  return res.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED' ? res.errors[0].extensions.reason : undefined;
}

/** A 6-digit code that matches none of the steps the server accepts now (nor their neighbours). */
function wrongCode(secret: string): string {
  const near = new Set([-2, -1, 0, 1, 2].map((s) => codeFor(secret, app.clock.now(), s)));
  for (let i = 0; ; i++) {
    const candidate = String((123456 + i * 7919) % 1_000_000).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

async function login(a: TestApp, email: string, password: string, trustedDeviceToken?: string | null) {
  return (await a.gql(LoginMfa, { input: { email, password, trustedDeviceToken } })).data.login;
}

async function challenge(a: TestApp, email: string, password: string) {
  const r = await login(a, email, password);
  if (r.__typename !== 'MfaChallenge') throw new Error(`expected a challenge: ${JSON.stringify(r)}`);
  return r.challengeToken;
}

async function mfaStatus(a: TestApp, token: string) {
  const res = await a.gql(MfaStatus, undefined, { token });
  if (!res.data?.mfaStatus) throw new Error(`mfaStatus failed: ${JSON.stringify(res)}`);
  return res.data.mfaStatus;
}

describe('trusted devices', () => {
  it('verifyMfaLogin(trustDevice: true) returns a td_ token that mfaStatus lists, not yet used', async () => {
    const u = await signUpWithMfa(app);
    const issuedAt = app.clock.now();
    const s = await signInWithMfa(app, u.email, u.password, u.secret, { trustDevice: true });
    expect(s.trustedDeviceToken).toMatch(/^td_[A-Za-z0-9_-]{20,}$/);
    expect(s.session.mfaVerified).toBe(true);
    const devices = (await mfaStatus(app, s.accessToken)).trustedDevices;
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({ lastUsedAt: null, ipAddress: '127.0.0.1' });
    expect(new Date(devices[0]!.createdAt).getTime()).toBe(issuedAt.getTime());
    expect(new Date(devices[0]!.expiresAt).getTime()).toBe(issuedAt.getTime() + 30 * DAY * 1000);
  });

  it('without trustDevice no token is issued and no device is listed', async () => {
    const u = await signUpWithMfa(app);
    const s = await signInWithMfa(app, u.email, u.password, u.secret);
    expect(s.trustedDeviceToken).toBeNull();
    expect((await mfaStatus(app, s.accessToken)).trustedDevices).toEqual([]);
  });

  it('a login with the trusted device token skips the challenge: AuthPayload with mfaVerified false, and lastUsedAt is recorded', async () => {
    const u = await signUpWithMfa(app);
    const s = await signInWithMfa(app, u.email, u.password, u.secret, { trustDevice: true });
    app.clock.advance(120);
    const usedAt = app.clock.now();
    const r = await login(app, u.email, u.password, s.trustedDeviceToken);
    expect(r.__typename).toBe('AuthPayload');
    if (r.__typename !== 'AuthPayload') return;
    expect(r.session.mfaVerified).toBe(false);
    expect(r.session.id).not.toBe(s.session.id);
    expect(claims(r.accessToken).amr).toEqual(['pwd']);
    const listed = await app.gql(Sessions, undefined, { token: r.accessToken });
    expect(listed.data.sessions.find((x) => x.id === r.session.id)).toMatchObject({ current: true, mfaVerified: false });
    const devices = (await mfaStatus(app, r.accessToken)).trustedDevices;
    expect(devices).toHaveLength(1);
    expect(new Date(devices[0]!.lastUsedAt!).getTime()).toBe(usedAt.getTime());
  });

  it('the trusted device token does not replace the password', async () => {
    const u = await signUpWithMfa(app);
    const s = await signInWithMfa(app, u.email, u.password, u.secret, { trustDevice: true });
    const r = await login(app, u.email, 'not the password at all', s.trustedDeviceToken);
    expect(r).toMatchObject({ __typename: 'InvalidCredentialsError', code: 'INVALID_CREDENTIALS' });
  });

  it('revokeTrustedDevice(id) answers RevokeTrustedDeviceSuccess, and the token then gets a challenge again', async () => {
    const u = await signUpWithMfa(app);
    const s = await signInWithMfa(app, u.email, u.password, u.secret, { trustDevice: true });
    const [device] = (await mfaStatus(app, s.accessToken)).trustedDevices;
    const res = await app.gql(MgmtRevokeTrustedDevice, { id: device!.id }, { token: s.accessToken });
    expect(res.data.revokeTrustedDevice).toEqual({ __typename: 'RevokeTrustedDeviceSuccess', trustedDeviceId: device!.id });
    expect((await mfaStatus(app, s.accessToken)).trustedDevices).toEqual([]);
    const r = await login(app, u.email, u.password, s.trustedDeviceToken);
    expect(r.__typename).toBe('MfaChallenge');
    // Revoking it again: it is no longer a live device.
    const again = await app.gql(MgmtRevokeTrustedDevice, { id: device!.id }, { token: s.accessToken });
    expect(again.data.revokeTrustedDevice).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
  });

  it('revoking another user’s device id answers exactly like an unknown id, and leaves the device working', async () => {
    const owner = await signUpWithMfa(app);
    const s = await signInWithMfa(app, owner.email, owner.password, owner.secret, { trustDevice: true });
    const [device] = (await mfaStatus(app, s.accessToken)).trustedDevices;
    const mallory = await signUp(app);
    const foreign = await app.gql(MgmtRevokeTrustedDevice, { id: device!.id }, { token: mallory.accessToken });
    const unknown = await app.gql(MgmtRevokeTrustedDevice, { id: UNKNOWN_ID }, { token: mallory.accessToken });
    const malformed = await app.gql(MgmtRevokeTrustedDevice, { id: 'not-a-uuid' }, { token: mallory.accessToken });
    expect(foreign.data.revokeTrustedDevice).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND', message: 'No such trusted device.' });
    expect(unknown.data.revokeTrustedDevice).toEqual(foreign.data.revokeTrustedDevice);
    expect(malformed.data.revokeTrustedDevice).toEqual(foreign.data.revokeTrustedDevice);
    expect((await login(app, owner.email, owner.password, s.trustedDeviceToken)).__typename).toBe('AuthPayload');
  });

  // Regression: a loose pre-check once let 36 dashes reach PostgreSQL's uuid cast (an internal error).
  it('a 36-character id that is not a UUID answers NotFoundError, not an internal error', async () => {
    const u = await signUp(app);
    for (const id of ['-'.repeat(36), 'a'.repeat(36)]) {
      const res = await app.gql(MgmtRevokeTrustedDevice, { id }, { token: u.accessToken });
      expect(res.errors).toBeUndefined();
      expect(res.data?.revokeTrustedDevice).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND', message: 'No such trusted device.' });
    }
  });

  it('a trusted device token of user A does not skip user B’s challenge', async () => {
    const a = await signUpWithMfa(app);
    const b = await signUpWithMfa(app);
    const sa = await signInWithMfa(app, a.email, a.password, a.secret, { trustDevice: true });
    const r = await login(app, b.email, b.password, sa.trustedDeviceToken);
    expect(r.__typename).toBe('MfaChallenge');
    // Presenting it at B's login neither used nor spent it for A.
    expect((await login(app, a.email, a.password, sa.trustedDeviceToken)).__typename).toBe('AuthPayload');
  });

  it('a malformed or made-up device token just gets the challenge', async () => {
    const u = await signUpWithMfa(app);
    expect((await login(app, u.email, u.password, 'td_madeup')).__typename).toBe('MfaChallenge');
    expect((await login(app, u.email, u.password, 'x'.repeat(500))).__typename).toBe('MfaChallenge');
  });

  it('a device still skips the challenge on day 29, no longer after 30 days, and is no longer listed', async () => {
    const u = await signUpWithMfa(app);
    const s = await signInWithMfa(app, u.email, u.password, u.secret, { trustDevice: true });
    app.clock.advance(29 * DAY);
    expect((await login(app, u.email, u.password, s.trustedDeviceToken)).__typename).toBe('AuthPayload');
    app.clock.advance(DAY + 60);
    expect((await login(app, u.email, u.password, s.trustedDeviceToken)).__typename).toBe('MfaChallenge');
    // A fresh sign-in (the old access token is long expired) no longer lists it.
    const fresh = await signInWithMfa(app, u.email, u.password, u.secret);
    expect((await mfaStatus(app, fresh.accessToken)).trustedDevices).toEqual([]);
  });
});

describe('changePassword', () => {
  it('revokes every trusted device and ends the other sessions, keeping the caller’s', async () => {
    const u = await signUpWithMfa(app); // session 1 (register)
    const trusted = await signInWithMfa(app, u.email, u.password, u.secret, { trustDevice: true }); // session 2
    const caller = await signInWithMfa(app, u.email, u.password, u.secret); // session 3
    const res = await app.gql(MgmtChangePassword, { input: { currentPassword: u.password, newPassword: NEW_PASSWORD } }, { token: caller.accessToken });
    expect(res.data.changePassword).toEqual({ __typename: 'ChangePasswordSuccess', sessionsEnded: 2, trustedDevicesRevoked: 1 });

    expect(await refusal(app, u.accessToken)).toBe('SESSION_REVOKED');
    expect(await refusal(app, trusted.accessToken)).toBe('SESSION_REVOKED');
    expect(await refusal(app, caller.accessToken)).toBeUndefined();
    const left = await app.gql(Sessions, undefined, { token: caller.accessToken });
    expect(left.data.sessions.map((x) => x.id)).toEqual([caller.session.id]);
    expect((await mfaStatus(app, caller.accessToken)).trustedDevices).toEqual([]);
    // The ended sessions' refresh tokens are dead too; the caller's still rotates.
    expect((await app.gql(Rotate, { input: { refreshToken: trusted.refreshToken! } })).data.rotateRefresh.__typename).toBe('InvalidRefreshTokenError');
    expect((await app.gql(Rotate, { input: { refreshToken: caller.refreshToken! } })).data.rotateRefresh.__typename).toBe('AuthPayload');

    // The old password is refused; the new one works, and the old device token no longer skips MFA.
    expect(await login(app, u.email, u.password)).toMatchObject({ __typename: 'InvalidCredentialsError' });
    expect((await login(app, u.email, NEW_PASSWORD, trusted.trustedDeviceToken)).__typename).toBe('MfaChallenge');
  });

  it('a wrong current password answers InvalidCredentialsError and changes nothing', async () => {
    const u = await signUpWithMfa(app);
    const trusted = await signInWithMfa(app, u.email, u.password, u.secret, { trustDevice: true });
    const caller = await signInWithMfa(app, u.email, u.password, u.secret);
    const res = await app.gql(
      MgmtChangePassword,
      { input: { currentPassword: 'not the current password', newPassword: NEW_PASSWORD } },
      { token: caller.accessToken },
    );
    expect(res.data.changePassword).toMatchObject({ __typename: 'InvalidCredentialsError', code: 'INVALID_CREDENTIALS' });
    expect(await refusal(app, u.accessToken)).toBeUndefined();
    expect(await refusal(app, trusted.accessToken)).toBeUndefined();
    expect((await mfaStatus(app, caller.accessToken)).trustedDevices).toHaveLength(1);
    // The old password (with the still trusted device) signs in; the proposed one does not.
    expect((await login(app, u.email, u.password, trusted.trustedDeviceToken)).__typename).toBe('AuthPayload');
    expect((await login(app, u.email, NEW_PASSWORD)).__typename).toBe('InvalidCredentialsError');
  });

  it('a too short new password answers WeakPasswordError and changes nothing', async () => {
    const u = await signUp(app);
    const other = await signIn(app, u.email);
    const res = await app.gql(MgmtChangePassword, { input: { currentPassword: u.password, newPassword: 'short1!' } }, { token: u.accessToken });
    expect(res.data.changePassword).toMatchObject({ __typename: 'WeakPasswordError', code: 'WEAK_PASSWORD' });
    if (res.data.changePassword.__typename === 'WeakPasswordError') expect(res.data.changePassword.reasons.length).toBeGreaterThan(0);
    expect(await refusal(app, other.accessToken)).toBeUndefined();
    expect((await login(app, u.email, u.password)).__typename).toBe('AuthPayload');
    expect((await login(app, u.email, 'short1!')).__typename).toBe('InvalidCredentialsError');
  });

  it('the current password again as the new one answers WeakPasswordError', async () => {
    const u = await signUp(app);
    const res = await app.gql(MgmtChangePassword, { input: { currentPassword: u.password, newPassword: u.password } }, { token: u.accessToken });
    expect(res.data.changePassword).toMatchObject({ __typename: 'WeakPasswordError', code: 'WEAK_PASSWORD' });
  });

  it('more than 10 minutes after sign-in answers ReauthRequiredError and changes nothing', async () => {
    const u = await signUp(app);
    const other = await signIn(app, u.email);
    app.clock.advance(11 * 60);
    const res = await app.gql(MgmtChangePassword, { input: { currentPassword: u.password, newPassword: NEW_PASSWORD } }, { token: u.accessToken });
    expect(res.data.changePassword).toMatchObject({ __typename: 'ReauthRequiredError', code: 'REAUTH_REQUIRED' });
    expect(await refusal(app, other.accessToken)).toBeUndefined();
    expect((await login(app, u.email, u.password)).__typename).toBe('AuthPayload');
  });

  it('9 minutes after sign-in is still recent enough', async () => {
    const u = await signUp(app);
    app.clock.advance(9 * 60);
    const res = await app.gql(MgmtChangePassword, { input: { currentPassword: u.password, newPassword: NEW_PASSWORD } }, { token: u.accessToken });
    expect(res.data.changePassword).toEqual({ __typename: 'ChangePasswordSuccess', sessionsEnded: 0, trustedDevicesRevoked: 0 });
  });
});

describe('open challenges after a credential change', () => {
  it('a challenge opened before the password changed can no longer be completed', async () => {
    const u = await signUpWithMfa(app);
    const pending = await challenge(app, u.email, u.password);
    const res = await app.gql(MgmtChangePassword, { input: { currentPassword: u.password, newPassword: NEW_PASSWORD } }, { token: u.accessToken });
    expect(res.data.changePassword.__typename).toBe('ChangePasswordSuccess');
    const late = await app.gql(VerifyMfaLogin, { input: { challengeToken: pending, code: codeFor(u.secret, app.clock.now()) } });
    expect(late.data.verifyMfaLogin).toMatchObject({ __typename: 'MfaChallengeExpiredError', code: 'MFA_CHALLENGE_EXPIRED' });
  });
});

describe('disableMfa', () => {
  it('a wrong password answers InvalidCredentialsError and MFA stays on', async () => {
    const u = await signUpWithMfa(app);
    const res = await app.gql(
      MgmtDisableMfa,
      { input: { password: 'not the password at all', code: codeFor(u.secret, app.clock.now()) } },
      { token: u.accessToken },
    );
    expect(res.data.disableMfa).toMatchObject({ __typename: 'InvalidCredentialsError', code: 'INVALID_CREDENTIALS' });
    expect((await app.gql(MgmtMe, undefined, { token: u.accessToken })).data.me?.mfaEnabled).toBe(true);
    expect((await login(app, u.email, u.password)).__typename).toBe('MfaChallenge');
  });

  it('a wrong code answers InvalidMfaCodeError and MFA stays on', async () => {
    const u = await signUpWithMfa(app);
    const res = await app.gql(MgmtDisableMfa, { input: { password: u.password, code: wrongCode(u.secret) } }, { token: u.accessToken });
    expect(res.data.disableMfa).toMatchObject({ __typename: 'InvalidMfaCodeError', code: 'INVALID_MFA_CODE' });
    expect((await mfaStatus(app, u.accessToken)).enabled).toBe(true);
  });

  it('password and current code switch MFA off: MfaDisabled counts the revoked devices, and login needs no challenge', async () => {
    const u = await signUpWithMfa(app);
    await signInWithMfa(app, u.email, u.password, u.secret, { trustDevice: true });
    const caller = await signInWithMfa(app, u.email, u.password, u.secret, { trustDevice: true });
    expect((await mfaStatus(app, caller.accessToken)).trustedDevices).toHaveLength(2);

    const res = await app.gql(MgmtDisableMfa, { input: { password: u.password, code: codeFor(u.secret, app.clock.now()) } }, { token: caller.accessToken });
    expect(res.data.disableMfa).toEqual({ __typename: 'MfaDisabled', trustedDevicesRevoked: 2 });
    app.clock.advance(30);

    expect((await app.gql(MgmtMe, undefined, { token: caller.accessToken })).data.me?.mfaEnabled).toBe(false);
    expect(await mfaStatus(app, caller.accessToken)).toMatchObject({ enabled: false, methods: [], backupCodesRemaining: 0, trustedDevices: [] });
    const r = await login(app, u.email, u.password);
    expect(r).toMatchObject({ __typename: 'AuthPayload', session: { mfaVerified: false } });
  });

  it('after disabling, the old backup codes and trusted device tokens are useless once MFA is back on', async () => {
    const u = await signUpWithMfa(app);
    const trusted = await signInWithMfa(app, u.email, u.password, u.secret, { trustDevice: true });
    const disabled = await app.gql(
      MgmtDisableMfa,
      { input: { password: u.password, code: codeFor(u.secret, app.clock.now()) } },
      { token: trusted.accessToken },
    );
    expect(disabled.data.disableMfa).toEqual({ __typename: 'MfaDisabled', trustedDevicesRevoked: 1 });
    app.clock.advance(30);

    // Switch MFA on again with a new authenticator.
    const enrol = await app.gql(EnrollMfa, undefined, { token: trusted.accessToken });
    if (enrol.data.enrollMfa.__typename !== 'MfaEnrollment') throw new Error(`enrol failed: ${JSON.stringify(enrol)}`);
    const secret = enrol.data.enrollMfa.secret;
    expect(secret).not.toBe(u.secret);
    const confirmed = await app.gql(ConfirmMfa, { input: { code: codeFor(secret, app.clock.now()) } }, { token: trusted.accessToken });
    if (confirmed.data.confirmMfa.__typename !== 'MfaEnabled') throw new Error(`confirm failed: ${JSON.stringify(confirmed)}`);
    const newCodes = confirmed.data.confirmMfa.backupCodes;
    app.clock.advance(30);

    // The old device token no longer skips the challenge.
    const r = await login(app, u.email, u.password, trusted.trustedDeviceToken);
    expect(r.__typename).toBe('MfaChallenge');
    if (r.__typename !== 'MfaChallenge') return;
    // An old backup code is refused; the old TOTP secret too; a new backup code is accepted.
    const old = await app.gql(VerifyMfaLogin, { input: { challengeToken: r.challengeToken, code: u.backupCodes[0]! } });
    expect(old.data.verifyMfaLogin).toMatchObject({ __typename: 'InvalidMfaCodeError', code: 'INVALID_MFA_CODE' });
    const oldTotp = await app.gql(VerifyMfaLogin, { input: { challengeToken: r.challengeToken, code: codeFor(u.secret, app.clock.now()) } });
    expect(oldTotp.data.verifyMfaLogin).toMatchObject({ __typename: 'InvalidMfaCodeError' });
    const fresh = await app.gql(VerifyMfaLogin, { input: { challengeToken: r.challengeToken, code: newCodes[0]! } });
    expect(fresh.data.verifyMfaLogin).toMatchObject({ __typename: 'AuthPayload', session: { mfaVerified: true } });
  });

  // Regression: this used to escape the result union as a top-level MFA_NOT_ENABLED error.
  it('a challenge opened before MFA was switched off answers MfaChallengeExpiredError (a union member)', async () => {
    const u = await signUpWithMfa(app);
    const pending = await challenge(app, u.email, u.password);
    const off = await app.gql(MgmtDisableMfa, { input: { password: u.password, code: codeFor(u.secret, app.clock.now()) } }, { token: u.accessToken });
    expect(off.data.disableMfa.__typename).toBe('MfaDisabled');
    app.clock.advance(30);
    const res = await app.gql(VerifyMfaLogin, { input: { challengeToken: pending, code: codeFor(u.secret, app.clock.now()) } });
    expect(res.errors).toBeUndefined();
    expect(res.data.verifyMfaLogin).toMatchObject({ __typename: 'MfaChallengeExpiredError', code: 'MFA_CHALLENGE_EXPIRED' });
  });

  it('without a recent sign-in answers ReauthRequiredError and MFA stays on', async () => {
    const u = await signUpWithMfa(app);
    app.clock.advance(11 * 60);
    const res = await app.gql(MgmtDisableMfa, { input: { password: u.password, code: codeFor(u.secret, app.clock.now()) } }, { token: u.accessToken });
    expect(res.data.disableMfa).toMatchObject({ __typename: 'ReauthRequiredError', code: 'REAUTH_REQUIRED' });
    expect((await mfaStatus(app, u.accessToken)).enabled).toBe(true);
    expect((await login(app, u.email, u.password)).__typename).toBe('MfaChallenge');
  });

  it('for a user without MFA answers MfaNotEnabledError', async () => {
    const u = await signUp(app);
    const res = await app.gql(MgmtDisableMfa, { input: { password: u.password, code: '123456' } }, { token: u.accessToken });
    expect(res.data.disableMfa).toMatchObject({ __typename: 'MfaNotEnabledError', code: 'MFA_NOT_ENABLED' });
  });
});

describe('regenerateBackupCodes', () => {
  it('returns 10 new distinct codes in the XXXX-XXXX-XXXX format, and backupCodesRemaining is 10', async () => {
    const u = await signUpWithMfa(app);
    expect(u.backupCodes).toHaveLength(10);
    const res = await app.gql(MgmtRegenerateBackupCodes, { input: { code: codeFor(u.secret, app.clock.now()) } }, { token: u.accessToken });
    if (res.data.regenerateBackupCodes.__typename !== 'BackupCodesRegenerated') throw new Error(JSON.stringify(res));
    const codes = res.data.regenerateBackupCodes.backupCodes;
    expect(codes).toHaveLength(10);
    for (const c of codes) expect(c).toMatch(BACKUP_CODE);
    expect(new Set(codes).size).toBe(10);
    expect(codes.filter((c) => u.backupCodes.includes(c))).toEqual([]);
    expect((await mfaStatus(app, u.accessToken)).backupCodesRemaining).toBe(10);
  });

  it('the old codes then fail at verifyMfaLogin, a new one works, and 9 remain', async () => {
    const u = await signUpWithMfa(app);
    const res = await app.gql(MgmtRegenerateBackupCodes, { input: { code: codeFor(u.secret, app.clock.now()) } }, { token: u.accessToken });
    if (res.data.regenerateBackupCodes.__typename !== 'BackupCodesRegenerated') throw new Error(JSON.stringify(res));
    const codes = res.data.regenerateBackupCodes.backupCodes;
    app.clock.advance(30);

    const token = await challenge(app, u.email, u.password);
    for (const old of u.backupCodes.slice(0, 2)) {
      const r = await app.gql(VerifyMfaLogin, { input: { challengeToken: token, code: old } });
      expect(r.data.verifyMfaLogin).toMatchObject({ __typename: 'InvalidMfaCodeError', code: 'INVALID_MFA_CODE' });
    }
    const ok = await app.gql(VerifyMfaLogin, { input: { challengeToken: token, code: codes[3]! } });
    expect(ok.data.verifyMfaLogin).toMatchObject({ __typename: 'AuthPayload', session: { mfaVerified: true } });
    if (ok.data.verifyMfaLogin.__typename !== 'AuthPayload') return;
    expect((await mfaStatus(app, ok.data.verifyMfaLogin.accessToken)).backupCodesRemaining).toBe(9);

    // The used code is single use.
    const again = await app.gql(VerifyMfaLogin, { input: { challengeToken: await challenge(app, u.email, u.password), code: codes[3]! } });
    expect(again.data.verifyMfaLogin).toMatchObject({ __typename: 'InvalidMfaCodeError' });
  });

  it('a wrong code answers InvalidMfaCodeError and keeps the old codes', async () => {
    const u = await signUpWithMfa(app);
    const res = await app.gql(MgmtRegenerateBackupCodes, { input: { code: wrongCode(u.secret) } }, { token: u.accessToken });
    expect(res.data.regenerateBackupCodes).toMatchObject({ __typename: 'InvalidMfaCodeError', code: 'INVALID_MFA_CODE' });
    expect((await mfaStatus(app, u.accessToken)).backupCodesRemaining).toBe(10);
    const r = await app.gql(VerifyMfaLogin, { input: { challengeToken: await challenge(app, u.email, u.password), code: u.backupCodes[0]! } });
    expect(r.data.verifyMfaLogin.__typename).toBe('AuthPayload');
  });

  it('without a recent sign-in answers ReauthRequiredError', async () => {
    const u = await signUpWithMfa(app);
    app.clock.advance(11 * 60);
    const res = await app.gql(MgmtRegenerateBackupCodes, { input: { code: codeFor(u.secret, app.clock.now()) } }, { token: u.accessToken });
    expect(res.data.regenerateBackupCodes).toMatchObject({ __typename: 'ReauthRequiredError', code: 'REAUTH_REQUIRED' });
  });
});

describe('wrong codes across MFA management', () => {
  it('5 wrong codes in a row (regenerateBackupCodes, disableMfa) lock the MFA step for 15 minutes, even for the right code', async () => {
    const u = await signUpWithMfa(app);
    for (let i = 0; i < 3; i++) {
      const r = await app.gql(MgmtRegenerateBackupCodes, { input: { code: wrongCode(u.secret) } }, { token: u.accessToken });
      expect(r.data.regenerateBackupCodes).toMatchObject({ __typename: 'InvalidMfaCodeError' });
    }
    const fourth = await app.gql(MgmtDisableMfa, { input: { password: u.password, code: wrongCode(u.secret) } }, { token: u.accessToken });
    expect(fourth.data.disableMfa).toMatchObject({ __typename: 'InvalidMfaCodeError' });
    const lockedAt = app.clock.now();
    const fifth = await app.gql(MgmtRegenerateBackupCodes, { input: { code: wrongCode(u.secret) } }, { token: u.accessToken });
    expect(fifth.data.regenerateBackupCodes).toMatchObject({ __typename: 'AccountLockedError', code: 'ACCOUNT_LOCKED' });

    const right = await app.gql(VerifyMfaLogin, { input: { challengeToken: await challenge(app, u.email, u.password), code: codeFor(u.secret, app.clock.now()) } });
    expect(right.data.verifyMfaLogin.__typename).toBe('AccountLockedError');
    if (right.data.verifyMfaLogin.__typename === 'AccountLockedError') {
      expect(new Date(right.data.verifyMfaLogin.lockedUntil!).getTime()).toBe(lockedAt.getTime() + 15 * 60_000);
    }
    app.clock.advance(15 * 60 + 1);
    const s = await signInWithMfa(app, u.email, u.password, u.secret);
    expect(s.session.mfaVerified).toBe(true);
  });
});

describe('step-up: REAUTH_WINDOW and reauthenticate', () => {
  it('after 11 minutes revokeAllSessions answers REAUTH_REQUIRED and ends nothing; enrollMfa answers ReauthRequiredError', async () => {
    const a = await signUp(app);
    const b = await signIn(app, a.email);
    app.clock.advance(11 * 60);
    const res = await app.gql(RevokeAll, undefined, { token: a.accessToken });
    expect(res.errors?.[0]?.extensions?.code).toBe('REAUTH_REQUIRED');
    expect(res.data).toBeNull();
    expect(await refusal(app, a.accessToken)).toBeUndefined();
    expect(await refusal(app, b.accessToken)).toBeUndefined();
    const enrol = await app.gql(EnrollMfa, undefined, { token: a.accessToken });
    expect(enrol.data.enrollMfa).toMatchObject({ __typename: 'ReauthRequiredError', code: 'REAUTH_REQUIRED' });
    expect((await mfaStatus(app, a.accessToken)).pendingEnrollment).toBe(false);
  });

  it('a refreshed access token keeps the original sign-in time: rotateRefresh is no step-up', async () => {
    const a = await signUp(app);
    app.clock.advance(11 * 60);
    const rotated = await app.gql(Rotate, { input: { refreshToken: a.refreshToken } });
    if (rotated.data.rotateRefresh.__typename !== 'AuthPayload') throw new Error(JSON.stringify(rotated));
    const res = await app.gql(RevokeAll, undefined, { token: rotated.data.rotateRefresh.accessToken });
    expect(res.errors?.[0]?.extensions?.code).toBe('REAUTH_REQUIRED');
    expect(await refusal(app, rotated.data.rotateRefresh.accessToken)).toBeUndefined();
  });

  it('reauthenticate(password) without MFA moves to a new session id; the old token is refused and revokeAllSessions works with the new one', async () => {
    const a = await signUp(app);
    const b = await signIn(app, a.email);
    app.clock.advance(11 * 60);
    const before = app.clock.now();
    const res = await app.gql(MgmtReauthenticate, { input: { password: a.password } }, { token: a.accessToken });
    const r = res.data.reauthenticate;
    if (r.__typename !== 'AuthPayload') throw new Error(JSON.stringify(res));
    expect(r.session.id).not.toBe(a.session.id);
    expect(r.session.id).not.toBe(b.session.id);
    expect(r.session).toMatchObject({ mfaVerified: false, current: true });
    expect(new Date(r.session.authenticatedAt).getTime()).toBe(before.getTime());
    expect(r.user.id).toBe(a.user.id);
    expect(r.refreshToken).toMatch(/^rt_/);
    expect(claims(r.accessToken)).toMatchObject({ sid: r.session.id, sub: a.user.id, amr: ['pwd'], auth_time: before.getTime() / 1000 });

    expect(await refusal(app, a.accessToken)).toBe('SESSION_REVOKED');
    expect((await app.gql(Rotate, { input: { refreshToken: a.refreshToken } })).data.rotateRefresh.__typename).toBe('InvalidRefreshTokenError');
    const all = await app.gql(RevokeAll, undefined, { token: r.accessToken });
    expect(all.errors).toBeUndefined();
    expect(all.data.revokeAllSessions).toBe(2); // the new session and b
    expect(await refusal(app, r.accessToken)).toBe('SESSION_REVOKED');
    expect(await refusal(app, b.accessToken)).toBe('SESSION_REVOKED');
  });

  it('reauthenticate with a wrong password answers InvalidCredentialsError and keeps the session', async () => {
    const a = await signUp(app);
    const res = await app.gql(MgmtReauthenticate, { input: { password: 'not the password at all' } }, { token: a.accessToken });
    expect(res.data.reauthenticate).toMatchObject({ __typename: 'InvalidCredentialsError', code: 'INVALID_CREDENTIALS' });
    expect(await refusal(app, a.accessToken)).toBeUndefined();
  });

  it('reauthenticate needs a signed-in caller', async () => {
    const res = await app.gql(MgmtReauthenticate, { input: { password: PASSWORD } });
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('with MFA on, reauthenticate without a code or with a wrong password is refused, with password + code gives an mfaVerified session', async () => {
    const u = await signUpWithMfa(app);
    app.clock.advance(11 * 60);

    const noCode = await app.gql(MgmtReauthenticate, { input: { password: u.password } }, { token: u.accessToken });
    expect(noCode.data.reauthenticate).toMatchObject({ __typename: 'InvalidMfaCodeError', code: 'INVALID_MFA_CODE' });
    const badPassword = await app.gql(
      MgmtReauthenticate,
      { input: { password: 'not the password at all', code: codeFor(u.secret, app.clock.now()) } },
      { token: u.accessToken },
    );
    expect(badPassword.data.reauthenticate).toMatchObject({ __typename: 'InvalidCredentialsError', code: 'INVALID_CREDENTIALS' });
    const badCode = await app.gql(MgmtReauthenticate, { input: { password: u.password, code: wrongCode(u.secret) } }, { token: u.accessToken });
    expect(badCode.data.reauthenticate).toMatchObject({ __typename: 'InvalidMfaCodeError' });
    // None of the refusals ended the session.
    expect(await refusal(app, u.accessToken)).toBeUndefined();

    const ok = await app.gql(MgmtReauthenticate, { input: { password: u.password, code: codeFor(u.secret, app.clock.now()) } }, { token: u.accessToken });
    const r = ok.data.reauthenticate;
    if (r.__typename !== 'AuthPayload') throw new Error(JSON.stringify(ok));
    expect(r.session.id).not.toBe(u.session.id);
    expect(r.session.mfaVerified).toBe(true);
    expect(claims(r.accessToken).amr).toEqual(['pwd', 'otp']);
    expect(await refusal(app, u.accessToken)).toBe('SESSION_REVOKED');
    app.clock.advance(30);
    // The renewed proof unlocks sensitive mutations again.
    const regen = await app.gql(MgmtRegenerateBackupCodes, { input: { code: codeFor(u.secret, app.clock.now()) } }, { token: r.accessToken });
    expect(regen.data.regenerateBackupCodes.__typename).toBe('BackupCodesRegenerated');
  });

  it('with MFA on, reauthenticate accepts a backup code as the second factor', async () => {
    const u = await signUpWithMfa(app);
    const res = await app.gql(MgmtReauthenticate, { input: { password: u.password, code: u.backupCodes[5]! } }, { token: u.accessToken });
    expect(res.data.reauthenticate).toMatchObject({ __typename: 'AuthPayload', session: { mfaVerified: true } });
  });
});

describe('REQUIRE_ADMIN_MFA', () => {
  const ADMIN_EMAIL = 'root.admin@example.com';
  const ADMIN_PASSWORD = 'Sx8d-Np4t-Wg6q-Hm2z';
  let admin: TestApp;
  beforeAll(async () => {
    admin = await startTestApp({ REQUIRE_ADMIN_MFA: 'true', BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD });
  });
  afterAll(() => admin?.close());

  let passwordOnlyToken: string;
  let secret: string;

  it('an admin signed in with the password only gets no admin scopes in the access token', async () => {
    const s = await signIn(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
    passwordOnlyToken = s.accessToken;
    const scope = String(claims(s.accessToken).scope).split(' ');
    for (const x of ['profile:read', 'sessions:write', 'mfa:write']) expect(scope).toContain(x);
    for (const x of [...ADMIN_ONLY, 'admin']) expect(scope).not.toContain(x);
    expect(s.session.mfaVerified).toBe(false);
    const me = await admin.gql(MgmtMe, undefined, { token: s.accessToken });
    expect(me.data.me?.roles).toContain('ADMIN');
  });

  // Regression: me { scopes } once listed what the roles grant, not what this session holds.
  it('an admin signed in with the password only does not see admin scopes in me { scopes }', async () => {
    const me = await admin.gql(MgmtMe, undefined, { token: passwordOnlyToken });
    const scopes = me.data.me!.scopes;
    expect(scopes).toContain('profile:read');
    for (const x of ADMIN_ONLY) expect(scopes).not.toContain(x);
  });

  it('after enrolling and confirming MFA, an admin signing in through the challenge gets the admin scopes', async () => {
    const enrol = await admin.gql(EnrollMfa, undefined, { token: passwordOnlyToken });
    if (enrol.data.enrollMfa.__typename !== 'MfaEnrollment') throw new Error(JSON.stringify(enrol));
    secret = enrol.data.enrollMfa.secret;
    const confirmed = await admin.gql(ConfirmMfa, { input: { code: codeFor(secret, admin.clock.now()) } }, { token: passwordOnlyToken });
    expect(confirmed.data.confirmMfa.__typename).toBe('MfaEnabled');
    admin.clock.advance(30);

    // Confirming does not upgrade the password-only session.
    expect(String(claims(passwordOnlyToken).scope).split(' ')).not.toContain('users:read');

    const s = await signInWithMfa(admin, ADMIN_EMAIL, ADMIN_PASSWORD, secret);
    expect(s.session.mfaVerified).toBe(true);
    const scope = String(claims(s.accessToken).scope).split(' ');
    for (const x of ADMIN_ONLY) expect(scope).toContain(x);
    expect(claims(s.accessToken).amr).toEqual(['pwd', 'otp']);
    const me = await admin.gql(MgmtMe, undefined, { token: s.accessToken });
    for (const x of ADMIN_ONLY) expect(me.data.me!.scopes).toContain(x);
  });

  it('a trusted-device login of the admin (no MFA in that session) gets no admin scopes', async () => {
    const trusted = await signInWithMfa(admin, ADMIN_EMAIL, ADMIN_PASSWORD, secret, { trustDevice: true });
    const r = await login(admin, ADMIN_EMAIL, ADMIN_PASSWORD, trusted.trustedDeviceToken);
    if (r.__typename !== 'AuthPayload') throw new Error(JSON.stringify(r));
    expect(r.session.mfaVerified).toBe(false);
    const scope = String(claims(r.accessToken).scope).split(' ');
    for (const x of ADMIN_ONLY) expect(scope).not.toContain(x);
  });
});
