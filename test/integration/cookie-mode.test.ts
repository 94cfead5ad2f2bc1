/**
 * Cookie mode keeps the refresh token out of reach of page scripts (HttpOnly). The price is
 * CSRF: a cross-site request carries the cookie too, so every request that relies on it must
 * carry the x-graphql-csrf header, which a form post or an image cannot set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { Login, Logout, Me, Rotate } from '../support/operations';
import { signUp } from '../support/users';

const COOKIE = '__Secure-refresh_token';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const cookieOf = (headers: Headers) => {
  const raw = headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`));
  return raw ? { raw, value: raw.split(';')[0]!.slice(`${COOKIE}=`.length) } : undefined;
};

async function cookieLogin() {
  const { email, password } = await signUp(app);
  const res = await app.gql(Login, { input: { email, password, useCookies: true } });
  const cookie = cookieOf(res.headers);
  if (res.data.login.__typename !== 'AuthPayload' || !cookie) throw new Error('cookie login failed');
  return { payload: res.data.login, cookie };
}

describe('cookie mode', () => {
  it('puts the refresh token in an HttpOnly, Secure, SameSite=Strict __Secure- cookie on /graphql and not in the body', async () => {
    const { payload, cookie } = await cookieLogin();
    expect(payload.refreshToken).toBeNull();
    expect(cookie.value).toMatch(/^rt_/);
    expect(cookie.raw).toMatch(/; HttpOnly/i);
    expect(cookie.raw).toMatch(/; Secure/i);
    expect(cookie.raw).toMatch(/; SameSite=Strict/i);
    expect(cookie.raw).toMatch(/; Path=\/graphql/i);
    expect(cookie.raw).not.toMatch(/Domain=/i);
  });

  it('refuses a cookie-only refresh without the x-graphql-csrf header and spends nothing', async () => {
    const { cookie } = await cookieLogin();
    const res = await app.gql(Rotate, {}, { headers: { cookie: `${COOKIE}=${cookie.value}` } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'CSRF_HEADER_MISSING' });
    expect(res.data?.rotateRefresh ?? null).toBeNull();
    // Not spent: the same cookie still rotates once the header is there.
    const ok = await app.gql(Rotate, {}, { headers: { cookie: `${COOKIE}=${cookie.value}`, 'x-graphql-csrf': '1' } });
    expect(ok.data.rotateRefresh.__typename).toBe('AuthPayload');
  });

  it('rotates from the cookie with the header, answering with a new cookie and no token in the body', async () => {
    const { cookie } = await cookieLogin();
    const res = await app.gql(Rotate, {}, { headers: { cookie: `${COOKIE}=${cookie.value}`, 'x-graphql-csrf': '1' } });
    const next = cookieOf(res.headers);
    expect(res.data.rotateRefresh).toMatchObject({ __typename: 'AuthPayload', refreshToken: null });
    expect(next?.value).toMatch(/^rt_/);
    expect(next?.value).not.toBe(cookie.value);
    if (res.data.rotateRefresh.__typename !== 'AuthPayload') return;
    expect((await app.gql(Me, undefined, { token: res.data.rotateRefresh.accessToken })).data.me).not.toBeNull();
  });

  it('clears the cookie when a spent cookie token is replayed, and revokes the session', async () => {
    const { cookie, payload } = await cookieLogin();
    await app.gql(Rotate, {}, { headers: { cookie: `${COOKIE}=${cookie.value}`, 'x-graphql-csrf': '1' } });
    const replay = await app.gql(Rotate, {}, { headers: { cookie: `${COOKIE}=${cookie.value}`, 'x-graphql-csrf': '1' } });
    expect(replay.data.rotateRefresh).toMatchObject({ __typename: 'RefreshTokenReusedError' });
    const cleared = replay.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`));
    expect(cleared).toMatch(/__Secure-refresh_token=;|Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    expect((await app.gql(Me, undefined, { token: payload.accessToken })).errors?.[0]?.extensions?.reason).toBe('SESSION_REVOKED');
  });

  it('a body token still works without the header (no cookie is relied on)', async () => {
    const s = await signUp(app);
    const res = await app.gql(Rotate, { input: { refreshToken: s.refreshToken } });
    expect(res.data.rotateRefresh.__typename).toBe('AuthPayload');
  });

  it('without a token and without a cookie, rotateRefresh is InvalidRefreshTokenError', async () => {
    const res = await app.gql(Rotate, {}, { headers: { 'x-graphql-csrf': '1' } });
    expect(res.data.rotateRefresh).toMatchObject({ __typename: 'InvalidRefreshTokenError' });
  });

  it('logout clears the cookie', async () => {
    const { cookie, payload } = await cookieLogin();
    const res = await app.gql(Logout, undefined, { token: payload.accessToken, headers: { cookie: `${COOKIE}=${cookie.value}` } });
    expect(res.data.logout).toBe(true);
    expect(res.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`))).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970|__Secure-refresh_token=;/i);
  });
});
