/**
 * Progressive lockout at its default levels (3 → 15 min, 5 → 1 h, 10 → 24 h, 15 → 7 days; the
 * account-wide lock from the 10th failure, once failures came from 3 networks), through HTTP with
 * an injected clock. Rate limits are relaxed here so that only the lockout decides. Client
 * addresses come from X-Forwarded-For (TRUST_PROXY=1). Concurrent bursts: attempt-races.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { graphql } from '../gql';
import { DEFAULT_ABUSE_LIMITS, REDIS_URL, RELAXED_ABUSE_LIMITS, startTestApp, type TestApp } from '../support/app';
import { signUpWithMfa, VerifyMfaLogin } from '../support/mfa';
import { codeFor } from '../support/totp';
import { PASSWORD, signIn, signUp, uniqueEmail } from '../support/users';
import { auditLogs } from '../../src/modules/audit/audit.table';
import { securityAlerts } from '../../src/modules/alerts/alerts.table';
import { loginFailures } from '../../src/modules/lockout/lockout.table';
import { lockoutSubject } from '../../src/modules/lockout/lockout.service';

const LockLogin = graphql(`
  mutation LockLogin($input: LoginInput!) {
    login(input: $input) {
      __typename
      ... on AuthPayload { accessToken user { id } }
      ... on MfaChallenge { challengeToken }
      ... on AccountLockedError { lockedUntil }
      ... on Error { code message }
    }
  }
`);

const UnlockUser = graphql(`
  mutation UnlockUser($id: ID!) {
    unlockUser(id: $id) {
      __typename
      ... on UnlockUserSuccess { wasLocked user { id email } }
      ... on Error { code message }
    }
  }
`);

const LockReauthenticate = graphql(`
  mutation LockReauthenticate($input: ReauthenticateInput!) {
    reauthenticate(input: $input) {
      __typename
      ... on AccountLockedError { lockedUntil }
      ... on Error { code message }
    }
  }
`);

const ADMIN = { BOOTSTRAP_ADMIN_EMAIL: 'lock.admin@example.com', BOOTSTRAP_ADMIN_PASSWORD: 'vR7#kQ2!mZ9@pL4$wX8^ quartz' };
const LOCKOUT = {
  ...RELAXED_ABUSE_LIMITS,
  LOCKOUT_LEVELS: DEFAULT_ABUSE_LIMITS.LOCKOUT_LEVELS!,
  LOCKOUT_ACCOUNT_FROM: DEFAULT_ABUSE_LIMITS.LOCKOUT_ACCOUNT_FROM!,
  LOCKOUT_ACCOUNT_MIN_GROUPS: DEFAULT_ABUSE_LIMITS.LOCKOUT_ACCOUNT_MIN_GROUPS!,
  TRUST_PROXY: '1',
  ...ADMIN,
};
const WRONG = 'definitely not the password';
const MIN = 60;
const HOUR = 3600;
const DAY = 86400;

let app: TestApp;
let n = 1;
/** A fresh address, all in one /24 (one network, as far as the account-wide lock is concerned). */
const address = () => `192.0.2.${n++}`;
let net = 1;
/** A fresh address in a network of its own. */
const elsewhereNet = () => `10.${net++}.0.1`;

beforeAll(async () => {
  app = await startTestApp(LOCKOUT);
});
afterAll(() => app.close());

function attempt(email: string, ip: string, password = WRONG, extra: { trustedDeviceToken?: string } = {}) {
  return app.gql(LockLogin, { input: { email, password, ...extra } }, { headers: { 'x-forwarded-for': ip } });
}
type Answer = Awaited<ReturnType<typeof attempt>>['data']['login'];
const lockedFor = (r: Answer) => (r.__typename === 'AccountLockedError' ? (new Date(r.lockedUntil!).getTime() - app.clock.now().getTime()) / 1000 : null);

async function auditOf(userId: string, action: string) {
  return app.deps.database.db.select().from(auditLogs).where(and(eq(auditLogs.userId, userId), eq(auditLogs.action, action))).orderBy(auditLogs.seq);
}

describe('levels', () => {
  it('locks one address at 3, 5, 10 and 15 failures for 15 min, 1 h, 24 h and 7 days; never another address from one network', async () => {
    const user = await signUp(app);
    const ip = address();
    const elsewhere = address();
    const expected = (failures: number) => (failures >= 15 ? 7 * DAY : failures >= 10 ? DAY : failures >= 5 ? HOUR : failures >= 3 ? 15 * MIN : null);
    for (let failures = 1; failures <= 16; failures++) {
      const r = (await attempt(user.email, ip)).data.login;
      expect({ failures, lockedFor: lockedFor(r) }).toEqual({ failures, lockedFor: expected(failures) });
      const wait = expected(failures);
      if (wait === null) {
        expect(r).toMatchObject({ __typename: 'InvalidCredentialsError', code: 'INVALID_CREDENTIALS' });
        continue;
      }
      // While locked: the right password gets the same answer, nothing counted.
      const right = (await attempt(user.email, ip, PASSWORD)).data.login;
      expect(right).toEqual(r);
      // Another address: never locked, since every failure came from one network (checked
      // without signing in, which would reset the counts).
      const there = await app.services.lockout.status(user.email, elsewhere);
      expect(app.services.lockout.blocking(there, false)?.scope).toBe(undefined);
      app.clock.advance(wait - 1);
      expect(lockedFor((await attempt(user.email, ip, PASSWORD)).data.login)).toBe(1);
      app.clock.advance(1);
    }
    const rows = await auditOf(user.user.id, 'ACCOUNT_LOCKED');
    expect(rows.map((r) => [r.details.scope, r.details.failures])).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16].map((f) => ['ip', f]));
    // The owner, from another address, after the last 7-day lock: the right password works again.
    expect((await attempt(user.email, elsewhere, PASSWORD)).data.login.__typename).toBe('AuthPayload');
  });

  it('forgets the counts on success: two more failures after it lock nothing', async () => {
    const user = await signUp(app);
    const ip = address();
    for (let i = 0; i < 2; i++) await attempt(user.email, ip);
    expect((await attempt(user.email, ip, PASSWORD)).data.login.__typename).toBe('AuthPayload');
    for (let i = 0; i < 2; i++) expect((await attempt(user.email, ip)).data.login.__typename).toBe('InvalidCredentialsError');
    expect((await attempt(user.email, ip)).data.login.__typename).toBe('AccountLockedError');
    app.clock.advance(15 * MIN);
  });

  it('ends each lock at its time: the right password then signs in', async () => {
    const user = await signUp(app);
    const ip = address();
    for (let i = 0; i < 3; i++) await attempt(user.email, ip);
    app.clock.advance(15 * MIN - 1);
    expect((await attempt(user.email, ip, PASSWORD)).data.login.__typename).toBe('AccountLockedError');
    app.clock.advance(1);
    expect((await attempt(user.email, ip, PASSWORD)).data.login.__typename).toBe('AuthPayload');
  });

  it('treats an address nobody registered exactly like an account: the same answers, byte for byte', async () => {
    const user = await signUp(app);
    const ghost = uniqueEmail('ghost');
    const [ipA, ipB] = [address(), address()];
    const bodies = async (email: string, ip: string) => {
      const out: string[] = [];
      for (let i = 0; i < 4; i++) out.push(JSON.stringify((await attempt(email, ip, i === 3 ? PASSWORD : WRONG)).data));
      return out;
    };
    const known = await bodies(user.email, ipA);
    const unknown = await bodies(ghost, ipB);
    expect(unknown).toEqual(known);
    expect(known[2]).toContain('"__typename":"AccountLockedError"');
    expect(known[0]).toBe(JSON.stringify({ login: { __typename: 'InvalidCredentialsError', code: 'INVALID_CREDENTIALS', message: 'The e-mail address or password is not correct.' } }));
    app.clock.advance(15 * MIN);
  });

  it('after LOCKOUT_MAX_FAILURES the account stays locked (lockedUntil null) until an admin unlocks it', async () => {
    // One network is enough here (LOCKOUT_ACCOUNT_MIN_GROUPS=1): the permanent level is what is tested.
    const strict = await startTestApp({ ...LOCKOUT, LOCKOUT_LEVELS: '1:1s', LOCKOUT_ACCOUNT_FROM: '1', LOCKOUT_MAX_FAILURES: '4', LOCKOUT_ACCOUNT_MIN_GROUPS: '1' });
    try {
      const user = await signUp(strict);
      const go = (password = WRONG) => strict.gql(LockLogin, { input: { email: user.email, password } }).then((r) => r.data.login);
      for (let i = 0; i < 3; i++) {
        expect(await go()).toMatchObject({ __typename: 'AccountLockedError' });
        strict.clock.advance(1);
      }
      expect(await go()).toEqual({ __typename: 'AccountLockedError', code: 'ACCOUNT_LOCKED', lockedUntil: null, message: 'Too many failed attempts: sign-in is locked until an administrator unlocks the account.' });
      strict.clock.advance(365 * DAY);
      expect(await go(PASSWORD)).toMatchObject({ __typename: 'AccountLockedError', lockedUntil: null });
      const admin = await signIn(strict, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD);
      const unlocked = await strict.gql(UnlockUser, { id: user.user.id }, { token: admin.accessToken });
      expect(unlocked.data.unlockUser).toMatchObject({ __typename: 'UnlockUserSuccess', wasLocked: true });
      expect(await go(PASSWORD)).toMatchObject({ __typename: 'AuthPayload' });
    } finally {
      await strict.close();
    }
  });
});

describe('trusted devices', () => {
  it("pass a stranger's lock on their own address, and the account-wide lock", async () => {
    const owner = await signUpWithMfa(app);
    const shared = address(); // e.g. one office behind one NAT address
    // The owner signs in once with MFA and trusts this device.
    const first = await attempt(owner.email, shared, PASSWORD);
    if (first.data.login.__typename !== 'MfaChallenge') throw new Error(JSON.stringify(first));
    const verified = await app.gql(VerifyMfaLogin, {
      input: { challengeToken: first.data.login.challengeToken, code: codeFor(owner.secret, app.clock.now()), trustDevice: true },
    }, { headers: { 'x-forwarded-for': shared } });
    if (verified.data.verifyMfaLogin.__typename !== 'AuthPayload') throw new Error(JSON.stringify(verified));
    const trustedDeviceToken = verified.data.verifyMfaLogin.trustedDeviceToken!;
    app.clock.advance(30);

    // A stranger fails three times from the same address: the address is locked for this account.
    for (let i = 0; i < 3; i++) await attempt(owner.email, shared);
    expect((await attempt(owner.email, shared, PASSWORD)).data.login.__typename).toBe('AccountLockedError');
    expect((await attempt(owner.email, shared, PASSWORD, { trustedDeviceToken: 'not-a-real-token' })).data.login.__typename).toBe('AccountLockedError');
    // The owner's trusted device gets in (no challenge either)...
    expect((await attempt(owner.email, shared, PASSWORD, { trustedDeviceToken })).data.login.__typename).toBe('AuthPayload');
    // ...and that does not lift the lock for everyone else at the address.
    expect((await attempt(owner.email, shared, PASSWORD)).data.login.__typename).toBe('AccountLockedError');
    // The token of one account opens nothing for another.
    const other = await signUp(app);
    for (let i = 0; i < 3; i++) await attempt(other.email, shared);
    expect((await attempt(other.email, shared, PASSWORD, { trustedDeviceToken })).data.login.__typename).toBe('AccountLockedError');

    // The account-wide lock (10 failures from three networks) shuts out everyone else, but not the
    // owner's trusted device, whose second factor was proven before.
    for (let i = 0; i < 10; i++) await attempt(owner.email, elsewhereNet());
    expect((await attempt(owner.email, address(), PASSWORD)).data.login.__typename).toBe('AccountLockedError');
    expect((await attempt(owner.email, shared, PASSWORD, { trustedDeviceToken })).data.login.__typename).toBe('AuthPayload');
    app.clock.advance(DAY);
  });
});

describe('MFA codes', () => {
  it('count towards the same lock as passwords, and a right password does not reset them', async () => {
    const user = await signUpWithMfa(app);
    const ip = address();
    const challenge = async () => {
      const r = (await attempt(user.email, ip, PASSWORD)).data.login;
      if (r.__typename !== 'MfaChallenge') throw new Error(JSON.stringify(r));
      return r.challengeToken;
    };
    const wrongCode = async (challengeToken: string) =>
      (await app.gql(VerifyMfaLogin, { input: { challengeToken, code: '000000' } }, { headers: { 'x-forwarded-for': ip } })).data.verifyMfaLogin;

    expect((await attempt(user.email, ip)).data.login.__typename).toBe('InvalidCredentialsError');
    expect((await wrongCode(await challenge())).__typename).toBe('InvalidMfaCodeError');
    const third = await wrongCode(await challenge());
    expect(third.__typename).toBe('AccountLockedError');
    expect(third.__typename === 'AccountLockedError' && (new Date(third.lockedUntil!).getTime() - app.clock.now().getTime()) / 1000).toBe(15 * MIN);
    expect((await attempt(user.email, ip, PASSWORD)).data.login.__typename).toBe('AccountLockedError');
    // Malformed codes are typos, not guesses: they count towards nothing.
    app.clock.advance(15 * MIN);
    const token = await challenge();
    const typo = (await app.gql(VerifyMfaLogin, { input: { challengeToken: token, code: 'abc' } }, { headers: { 'x-forwarded-for': ip } })).data.verifyMfaLogin;
    expect(typo.__typename).toBe('InvalidMfaCodeError');
    const ok = await app.gql(VerifyMfaLogin, { input: { challengeToken: token, code: codeFor(user.secret, app.clock.now()) } }, { headers: { 'x-forwarded-for': ip } });
    expect(ok.data.verifyMfaLogin.__typename).toBe('AuthPayload');
    app.clock.advance(30);
  });
});

describe('passwords proven again while signed in', () => {
  it('count too: a stolen access token is no password oracle', async () => {
    const user = await signUp(app);
    const ip = address();
    const reauth = (password: string) =>
      app.gql(LockReauthenticate, { input: { password } }, { token: user.accessToken, headers: { 'x-forwarded-for': ip } }).then((r) => r.data.reauthenticate);
    expect((await reauth(WRONG)).__typename).toBe('InvalidCredentialsError');
    expect((await reauth(WRONG)).__typename).toBe('InvalidCredentialsError');
    const third = await reauth(WRONG);
    expect({ type: third.__typename, lockedFor: third.__typename === 'AccountLockedError' ? (new Date(third.lockedUntil!).getTime() - app.clock.now().getTime()) / 1000 : null }).toEqual({
      type: 'AccountLockedError',
      lockedFor: 15 * MIN,
    });
    // Locked for the right password too, here and at login from that address.
    expect((await reauth(PASSWORD)).__typename).toBe('AccountLockedError');
    expect((await attempt(user.email, ip, PASSWORD)).data.login.__typename).toBe('AccountLockedError');
    app.clock.advance(15 * MIN);
    expect((await attempt(user.email, ip, PASSWORD)).data.login.__typename).toBe('AuthPayload');
  });
});

describe('admin unlock, audit and alerts', () => {
  it('unlocks every address of an account, records both, and raises an alert for each', async () => {
    const user = await signUp(app);
    const ip = address();
    // Three from one address (locked there at the third), seven more from other networks: ten in all.
    for (let i = 0; i < 10; i++) await attempt(user.email, i < 3 ? ip : elsewhereNet());
    expect((await attempt(user.email, address(), PASSWORD)).data.login.__typename).toBe('AccountLockedError');

    const admin = await signIn(app, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD);
    const res = await app.gql(UnlockUser, { id: user.user.id }, { token: admin.accessToken });
    expect(res.data.unlockUser).toEqual({ __typename: 'UnlockUserSuccess', wasLocked: true, user: { id: user.user.id, email: user.email } });
    expect((await attempt(user.email, ip, PASSWORD)).data.login.__typename).toBe('AuthPayload');
    const again = await app.gql(UnlockUser, { id: user.user.id }, { token: admin.accessToken });
    expect(again.data.unlockUser).toMatchObject({ __typename: 'UnlockUserSuccess', wasLocked: false });

    const unlocks = await auditOf(user.user.id, 'ACCOUNT_UNLOCKED');
    expect(unlocks.map((r) => ({ actor: r.actorUserId, success: r.success, details: r.details }))).toEqual([
      { actor: admin.user.id, success: true, details: { wasLocked: true, failures: 10 } },
      { actor: admin.user.id, success: true, details: { wasLocked: false, failures: 0 } },
    ]);
    const alerts = await app.deps.database.db.select().from(securityAlerts).where(eq(securityAlerts.userId, user.user.id));
    const types = alerts.map((a) => a.type);
    // The first address at its 3rd failure, then the whole account at the 10th.
    expect(alerts.filter((a) => a.type === 'ACCOUNT_LOCKED').map((a) => [a.details.scope, a.details.failures]).sort()).toEqual([['account', 10], ['ip', 3]]);
    expect(types.filter((t) => t === 'ACCOUNT_UNLOCKED')).toHaveLength(2);
    expect(alerts.find((a) => a.type === 'ACCOUNT_UNLOCKED')).toMatchObject({ severity: 'MEDIUM', details: { unlockedBy: admin.user.id } });
  });

  it('ends an MFA-step lock too', async () => {
    const user = await signUpWithMfa(app);
    // Five wrong codes lock the MFA step (the MFA issue's own lock), here from five addresses.
    for (let i = 0; i < 5; i++) {
      const ip = address();
      const r = (await attempt(user.email, ip, PASSWORD)).data.login;
      if (r.__typename !== 'MfaChallenge') throw new Error(JSON.stringify(r));
      await app.gql(VerifyMfaLogin, { input: { challengeToken: r.challengeToken, code: '000000' } }, { headers: { 'x-forwarded-for': ip } });
    }
    const admin = await signIn(app, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD);
    const res = await app.gql(UnlockUser, { id: user.user.id }, { token: admin.accessToken });
    expect(res.data.unlockUser).toMatchObject({ __typename: 'UnlockUserSuccess', wasLocked: true });
    const ip = address();
    const r = (await attempt(user.email, ip, PASSWORD)).data.login;
    if (r.__typename !== 'MfaChallenge') throw new Error(JSON.stringify(r));
    const ok = await app.gql(VerifyMfaLogin, { input: { challengeToken: r.challengeToken, code: codeFor(user.secret, app.clock.now()) } }, { headers: { 'x-forwarded-for': ip } });
    expect(ok.data.verifyMfaLogin.__typename).toBe('AuthPayload');
    app.clock.advance(30);
  });

  it('is for admins only, and answers NotFoundError for unknown or malformed ids', async () => {
    const user = await signUp(app);
    const denied = await app.gql(UnlockUser, { id: user.user.id }, { token: user.accessToken });
    expect(denied.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['users:write'] });
    const admin = await signIn(app, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD);
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await app.gql(UnlockUser, { id }, { token: admin.accessToken });
      expect(res.data.unlockUser).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND', message: 'No such user.' });
    }
  });
});

describe('durable record', () => {
  it('keeps the counts in PostgreSQL, hashed, and reloads them when Redis loses them', async () => {
    const user = await signUp(app);
    const ip = address();
    for (let i = 0; i < 3; i++) await attempt(user.email, ip);
    const rows = await app.deps.database.db.select().from(loginFailures).where(eq(loginFailures.subject, lockoutSubject(user.email)));
    // The account, the address, and its network (one row per network, for the account-wide rule).
    expect(rows.map((r) => [r.ipGroup, r.failures]).sort()).toEqual([['', 3], [ip, 3], ['n:192.0.2.0/24', 1]]);
    expect(JSON.stringify(rows)).not.toContain(user.email);

    // Redis restarted empty (this test file's keys only).
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${app.backing.redisPrefix}lo:*`);
    expect(keys.length).toBeGreaterThan(1);
    await redis.del(...keys);
    await redis.quit();

    expect((await attempt(user.email, ip, PASSWORD)).data.login.__typename).toBe('AccountLockedError');
    app.clock.advance(15 * MIN);
    expect((await attempt(user.email, ip, PASSWORD)).data.login.__typename).toBe('AuthPayload');
    const after = await app.deps.database.db.select().from(loginFailures).where(eq(loginFailures.subject, lockoutSubject(user.email)));
    expect(after).toEqual([]);
  });

  it('keeps no durable rows for e-mails without an account (they would grow without bound), yet locks them alike', async () => {
    const ghost = uniqueEmail('ghost-rows');
    const ip = address();
    for (let i = 0; i < 3; i++) await attempt(ghost, ip);
    expect((await attempt(ghost, ip)).data.login.__typename).toBe('AccountLockedError');
    expect(await app.deps.database.db.select().from(loginFailures).where(eq(loginFailures.subject, lockoutSubject(ghost)))).toEqual([]);
    // The same writes went to three fixed rows instead (the same work as for an account), whatever the e-mail.
    const fixed = await app.deps.database.db.select().from(loginFailures).where(eq(loginFailures.subject, 'unknown-emails'));
    expect(fixed.map((r) => r.ipGroup).sort()).toEqual(['', 'group', 'n:network']);
    app.clock.advance(15 * MIN);
  });

  it('purges counts LOCKOUT_MEMORY (30 days) after their last failure, in the daily job', async () => {
    const user = await signUp(app);
    for (let i = 0; i < 2; i++) await attempt(user.email, address());
    const rows = () => app.deps.database.db.select().from(loginFailures).where(eq(loginFailures.subject, lockoutSubject(user.email)));
    expect(await rows()).toHaveLength(4); // the account, two addresses, their one network
    app.clock.advance(30 * DAY);
    await app.services.lockout.purge();
    expect(await rows()).toHaveLength(4);
    app.clock.advance(1);
    expect(await app.services.lockout.purge()).toBeGreaterThanOrEqual(3);
    expect(await rows()).toEqual([]);
  });

  it('survives a restart of the app (a second instance on the same backing sees the lock)', async () => {
    const user = await signUp(app);
    const ip = address();
    for (let i = 0; i < 3; i++) await attempt(user.email, ip);
    const second = await startTestApp(LOCKOUT, app.backing);
    try {
      const r = await second.gql(LockLogin, { input: { email: user.email, password: PASSWORD } }, { headers: { 'x-forwarded-for': ip } });
      expect(r.data.login.__typename).toBe('AccountLockedError');
    } finally {
      await second.close();
    }
    app.clock.advance(15 * MIN);
  });
});
