/**
 * Threats from other web pages, in the visitor's browser:
 * - CORS reflected every origin with credentials, so any page could call the API as its visitor
 *   and read the answers. Now only CORS_ORIGINS get CORS headers (none by default), and other
 *   origins' preflights are refused.
 * - "Simple" requests (form-urlencoded, multipart, text/plain: what an HTML form or a fetch
 *   without preflight can send) ran mutations such as `login`/`register` (login CSRF). POST
 *   needs `Content-Type: application/json` (415 otherwise); GET runs queries only.
 * - `rotateRefresh(useCookies: false)` answered a refresh read from the cookie with the token in
 *   the body, so a page able to send the cookie (a same-site sibling) could read it out. A
 *   refresh from the cookie is answered only with a cookie; the cookie is `__Secure-`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { Login, Me, Register, Rotate } from '../support/operations';
import { PASSWORD, signUp, uniqueEmail } from '../support/users';

const ALLOWED = 'https://app.example.com';
const EVIL = 'https://evil.example';
const COOKIE = '__Secure-refresh_token';

let app: TestApp;
let cors: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  cors = await startTestApp({ CORS_ORIGINS: `${ALLOWED}, https://admin.example.com:8443` }, app.backing);
});
afterAll(async () => {
  await cors?.close();
  await app?.close();
});

const ME = JSON.stringify({ query: '{ me { id } }' });

function post(a: TestApp, body: BodyInit | undefined, headers: Record<string, string> = {}) {
  return fetch(new URL('/graphql', a.url), { method: 'POST', headers, ...(body !== undefined ? { body } : {}) });
}

const preflight = (a: TestApp, origin: string) =>
  fetch(new URL('/graphql', a.url), {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization, x-graphql-csrf' },
  });

const corsHeaders = (res: Response) => [...res.headers.keys()].filter((k) => k.startsWith('access-control-'));

describe('CORS: only CORS_ORIGINS, and none by default', () => {
  it('by default answers no origin with CORS headers and refuses every preflight', async () => {
    const res = await post(app, ME, { 'content-type': 'application/json', origin: EVIL });
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual([]);
    const pre = await preflight(app, EVIL);
    expect(pre.status).toBe(403);
    expect(corsHeaders(pre)).toEqual([]);
  });

  it('answers an allowed origin (and only it) with its own origin and credentials, varying by Origin', async () => {
    const pre = await preflight(cors, ALLOWED);
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/content-type.*authorization.*x-graphql-csrf|authorization.*content-type.*x-graphql-csrf/);

    const res = await post(cors, ME, { 'content-type': 'application/json', origin: ALLOWED });
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/i);
    expect((await post(cors, ME, { 'content-type': 'application/json', origin: 'https://admin.example.com:8443' })).headers.get('access-control-allow-origin')).toBe(
      'https://admin.example.com:8443',
    );
  });

  it('gives any other origin, a look-alike, another port or scheme, or "null" no CORS header and no preflight', async () => {
    for (const origin of [EVIL, 'https://app.example.com.evil.example', 'http://app.example.com', 'https://app.example.com:444', 'https://admin.example.com', 'null']) {
      const res = await post(cors, ME, { 'content-type': 'application/json', origin });
      expect(corsHeaders(res), origin).toEqual([]);
      expect(res.headers.get('vary')).toMatch(/\bOrigin\b/i);
      const pre = await preflight(cors, origin);
      expect(pre.status, origin).toBe(403);
      expect(corsHeaders(pre), origin).toEqual([]);
    }
  });
});

describe('mutations never run from "simple" requests', () => {
  const registerQuery = (email: string) => `mutation { register(input: { email: "${email}", password: "${PASSWORD}" }) { __typename } }`;

  it('refuses form-urlencoded, multipart, text/plain and a missing Content-Type with 415 and runs nothing', async () => {
    const email = uniqueEmail('csrf');
    const form = new FormData();
    form.set('query', registerQuery(email));
    const attempts: [string, () => Promise<Response>][] = [
      ['form-urlencoded', () => post(app, new URLSearchParams({ query: registerQuery(email) }))],
      ['multipart', () => post(app, form)],
      ['text/plain', () => post(app, JSON.stringify({ query: registerQuery(email) }))],
      ['application/graphql', () => post(app, registerQuery(email), { 'content-type': 'application/graphql' })],
      ['application/graphql+json', () => post(app, JSON.stringify({ query: registerQuery(email) }), { 'content-type': 'application/graphql+json' })],
      ['text/plain naming json in a parameter', () => post(app, JSON.stringify({ query: registerQuery(email) }), { 'content-type': 'text/plain; x=application/json' })],
      ['missing', () => post(app, new TextEncoder().encode(JSON.stringify({ query: registerQuery(email) })))],
    ];
    for (const [kind, send] of attempts) {
      const res = await send();
      expect(res.status, kind).toBe(415);
      expect(res.headers.get('content-type'), kind).toMatch(/^application\/json/);
      expect(await res.json(), kind).toEqual({
        errors: [{ message: 'POST requests to /graphql must have Content-Type: application/json.', extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }],
      });
    }
    // Nothing was registered: the address is still free.
    expect((await app.gql(Register, { input: { email, password: PASSWORD } })).data.register.__typename).toBe('AuthPayload');
  });

  it('accepts application/json with or without a UTF-8 charset, and nothing that merely starts with it', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'application/json;charset=UTF-8']) {
      const res = await post(app, ME, { 'content-type': type });
      expect(res.status, type).toBe(200);
      expect(await res.json(), type).toEqual({ data: { me: null } });
    }
    for (const type of ['application/json; charset=latin1', 'application/json, text/plain', 'application/jsonx', 'application/json; boundary=x']) {
      expect((await post(app, ME, { 'content-type': type })).status, type).toBe(415);
    }
  });

  it('GET runs queries but refuses mutations (405) without running them', async () => {
    const email = uniqueEmail('get');
    const url = new URL('/graphql', app.url);
    url.searchParams.set('query', registerQuery(email));
    const res = await fetch(url, { headers: { accept: 'application/graphql-response+json' } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect((await app.gql(Register, { input: { email, password: PASSWORD } })).data.register.__typename).toBe('AuthPayload');
    expect((await app.gql(Me, undefined, { method: 'GET' })).data).toEqual({ me: null });
  });
});

describe('the refresh cookie', () => {
  async function cookieLogin() {
    const { email } = await signUp(app);
    const res = await app.gql(Login, { input: { email, password: PASSWORD, useCookies: true } });
    const raw = res.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`));
    if (!raw) throw new Error('no refresh cookie');
    return raw.split(';')[0]!.slice(COOKIE.length + 1);
  }

  it('is named with the __Secure- prefix and stays Secure, also when it is cleared', async () => {
    const value = await cookieLogin();
    await app.gql(Rotate, {}, { headers: { cookie: `${COOKIE}=${value}`, 'x-graphql-csrf': '1' } });
    const replay = await app.gql(Rotate, {}, { headers: { cookie: `${COOKIE}=${value}`, 'x-graphql-csrf': '1' } });
    const cleared = replay.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`));
    expect(cleared).toMatch(/; Secure/i);
    expect(cleared).toMatch(/; Path=\/graphql/i);
  });

  it('a refresh read from the cookie is never answered with the token in the body: useCookies false is refused and spends nothing', async () => {
    const value = await cookieLogin();
    const res = await app.gql(Rotate, { input: { useCookies: false } }, { headers: { cookie: `${COOKIE}=${value}`, 'x-graphql-csrf': '1' } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.useCookies' });
    expect(JSON.stringify(res.data ?? null)).not.toContain('rt_');
    expect(res.headers.getSetCookie()).toEqual([]);
    // Not spent: it still rotates, in cookie mode.
    const ok = await app.gql(Rotate, {}, { headers: { cookie: `${COOKIE}=${value}`, 'x-graphql-csrf': '1' } });
    expect(ok.data.rotateRefresh).toMatchObject({ __typename: 'AuthPayload', refreshToken: null });
  });

  it('the old cookie name is not read any more', async () => {
    const value = await cookieLogin();
    const res = await app.gql(Rotate, {}, { headers: { cookie: `refresh_token=${value}`, 'x-graphql-csrf': '1' } });
    expect(res.data.rotateRefresh).toMatchObject({ __typename: 'InvalidRefreshTokenError' });
  });
});
