import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { Login, Me, RevokeAll, RevokeOthers, RevokeSession, Rotate, Sessions } from '../support/operations';
import { PASSWORD, signIn, signUp } from '../support/users';

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ MAX_SESSIONS_PER_USER: '3' });
});
afterAll(() => app.close());

const refused = async (token: string) => (await app.gql(Me, undefined, { token })).errors?.[0]?.extensions?.reason;

describe('sessions', () => {
  it('lists the caller’s sessions with device, address and which one is current', async () => {
    const a = await signUp(app, { userAgent: FIREFOX });
    app.clock.advance(10);
    const b = await signIn(app, a.email, undefined, IPHONE);
    const res = await app.gql(Sessions, undefined, { token: b.accessToken });
    expect(res.data.sessions.map((s) => s.id)).toEqual([b.session.id, a.session.id]); // most recent first
    const [phone, desktop] = res.data.sessions;
    expect(phone).toMatchObject({ current: true, mfaVerified: false, ipAddress: '127.0.0.1', device: { browser: 'Mobile Safari 18', os: 'iOS 18', type: 'mobile' } });
    expect(desktop).toMatchObject({ current: false, userAgent: FIREFOX, device: { browser: 'Firefox 133', os: 'Windows 10', type: 'desktop' } });
    expect(new Date(desktop!.expiresAt).getTime()).toBe(new Date(desktop!.lastActiveAt).getTime() + 7 * 86400_000);
  });

  it('needs a signed-in caller', async () => {
    const res = await app.gql(Sessions);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.data).toBeNull();
  });

  it('revokeSession ends one session at once: its access and refresh tokens stop working', async () => {
    const a = await signUp(app);
    const b = await signIn(app, a.email);
    const res = await app.gql(RevokeSession, { id: b.session.id }, { token: a.accessToken });
    expect(res.data.revokeSession).toEqual({ __typename: 'RevokeSessionSuccess', sessionId: b.session.id });
    expect(await refused(b.accessToken)).toBe('SESSION_REVOKED');
    expect((await app.gql(Rotate, { input: { refreshToken: b.refreshToken } })).data.rotateRefresh.__typename).toBe('InvalidRefreshTokenError');
    // The caller's own session is untouched.
    expect((await app.gql(Me, undefined, { token: a.accessToken })).data.me?.id).toBe(a.user.id);
    // Revoking it twice answers NotFound: it no longer exists as an active session.
    expect((await app.gql(RevokeSession, { id: b.session.id }, { token: a.accessToken })).data.revokeSession).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers someone else’s session id exactly like an unknown id, and leaves it alone', async () => {
    const mallory = await signUp(app);
    const victim = await signUp(app);
    const foreign = await app.gql(RevokeSession, { id: victim.session.id }, { token: mallory.accessToken });
    const unknown = await app.gql(RevokeSession, { id: '00000000-0000-4000-8000-000000000000' }, { token: mallory.accessToken });
    expect(foreign.data.revokeSession).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND', message: 'No such session.' });
    expect(unknown.data.revokeSession).toEqual(foreign.data.revokeSession);
    expect((await app.gql(Me, undefined, { token: victim.accessToken })).data.me?.id).toBe(victim.user.id);
  });

  it('revokeOtherSessions keeps only the calling session', async () => {
    const a = await signUp(app);
    const b = await signIn(app, a.email);
    const c = await signIn(app, a.email);
    expect((await app.gql(RevokeOthers, undefined, { token: c.accessToken })).data.revokeOtherSessions).toBe(2);
    expect(await refused(a.accessToken)).toBe('SESSION_REVOKED');
    expect(await refused(b.accessToken)).toBe('SESSION_REVOKED');
    expect((await app.gql(Sessions, undefined, { token: c.accessToken })).data.sessions.map((s) => s.id)).toEqual([c.session.id]);
  });

  it('revokeAllSessions ends every session including the caller’s', async () => {
    const a = await signUp(app);
    const b = await signIn(app, a.email);
    expect((await app.gql(RevokeAll, undefined, { token: b.accessToken })).data.revokeAllSessions).toBe(2);
    expect(await refused(a.accessToken)).toBe('SESSION_REVOKED');
    expect(await refused(b.accessToken)).toBe('SESSION_REVOKED');
  });

  it('ends the least recently used session when a login passes MAX_SESSIONS_PER_USER', async () => {
    const first = await signUp(app);
    app.clock.advance(1);
    const second = await signIn(app, first.email);
    app.clock.advance(1);
    const third = await signIn(app, first.email);
    app.clock.advance(1);
    // Using the first session makes the second the least recently used one.
    const used = await app.gql(Rotate, { input: { refreshToken: first.refreshToken } });
    if (used.data.rotateRefresh.__typename !== 'AuthPayload') throw new Error('rotation failed');
    app.clock.advance(1);
    const fourth = await signIn(app, first.email);
    expect(await refused(second.accessToken)).toBe('SESSION_REVOKED');
    const left = (await app.gql(Sessions, undefined, { token: fourth.accessToken })).data.sessions.map((s) => s.id);
    expect(left.sort()).toEqual([first.session.id, third.session.id, fourth.session.id].sort());
  });

  it('holds the session limit under concurrent logins', async () => {
    const a = await signUp(app);
    await Promise.all(Array.from({ length: 6 }, () => signIn(app, a.email)));
    const n = await app.deps.database.db.execute(
      `select count(*)::int as n from sessions where user_id = '${a.user.id}' and revoked_at is null` as never,
    );
    expect((n as unknown as { n: number }[])[0]!.n).toBe(3);
  });
});

describe('client address', () => {
  it('ignores a spoofed X-Forwarded-For from an untrusted peer', async () => {
    const s = await signUp(app, { userAgent: FIREFOX });
    const res = await app.gql(Sessions, undefined, { token: s.accessToken, headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(res.data.sessions[0]?.ipAddress).toBe('127.0.0.1');
    const spoofed = await app.gql(Login, { input: { email: s.email, password: PASSWORD } }, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    if (spoofed.data.login.__typename !== 'AuthPayload') throw new Error('login failed');
    const listed = await app.gql(Sessions, undefined, { token: spoofed.data.login.accessToken });
    expect(listed.data.sessions.find((x) => x.id === (spoofed.data.login as { session: { id: string } }).session.id)?.ipAddress).toBe('127.0.0.1');
  });

  it('takes the client from X-Forwarded-For when TRUST_PROXY is set', async () => {
    const proxied = await startTestApp({ TRUST_PROXY: 'true' }, app.backing);
    try {
      const { email } = await signUp(proxied);
      const res = await proxied.gql(Login, { input: { email, password: PASSWORD } }, { headers: { 'x-forwarded-for': '10.0.0.1, 2001:db8::7' } });
      if (res.data.login.__typename !== 'AuthPayload') throw new Error('login failed');
      const listed = await proxied.gql(Sessions, undefined, { token: res.data.login.accessToken });
      expect(listed.data.sessions.find((x) => x.current)?.ipAddress).toBe('2001:db8::7');
    } finally {
      await proxied.close();
    }
  });
});

describe('revocation across instances', () => {
  it('a session revoked on one instance is refused on another at the next request', async () => {
    const other = await startTestApp({ MAX_SESSIONS_PER_USER: '3' }, app.backing);
    try {
      const a = await signUp(app);
      const b = await signIn(app, a.email);
      expect((await other.gql(Me, undefined, { token: b.accessToken })).data.me?.id).toBe(a.user.id);
      await app.gql(RevokeSession, { id: b.session.id }, { token: a.accessToken });
      const res = await other.gql(Me, undefined, { token: b.accessToken });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SESSION_REVOKED' });
    } finally {
      await other.close();
    }
  });
});
