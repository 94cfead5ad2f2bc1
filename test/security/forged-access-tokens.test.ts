// Threat: a caller who cannot sign with the server's Ed25519 key forges or tampers with an access
// token (alg "none", HS256 keyed with the public key, a foreign key, edited claims, a token of
// another type, audience or issuer, an expired or a refresh token) to act as somebody else.
// Every such token must be refused as UNAUTHENTICATED (HTTP 401), leak nothing and change nothing.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type GqlResponse, type TestApp } from '../support/app';
import { Me, RevokeAll, Sessions } from '../support/operations';
import { signIn, signUp } from '../support/users';

let app: TestApp;
let victim: Awaited<ReturnType<typeof signUp>>;
let attacker: Awaited<ReturnType<typeof signUp>>;
let jwk: JWK;

beforeAll(async () => {
  app = await startTestApp();
  victim = await signUp(app);
  attacker = await signUp(app);
  const res = await fetch(new URL('/.well-known/jwks.json', app.url));
  const body = (await res.json()) as { keys: JWK[] };
  jwk = body.keys[0]!;
});
afterAll(() => app.close());

const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** The header and claims of one of the victim's real tokens, to copy into forgeries. */
const realHeader = () => decodeProtectedHeader(victim.accessToken) as Record<string, unknown>;
const realClaims = () => decodeJwt(victim.accessToken) as JWTPayload & Record<string, unknown>;

/** A token signed with the server's real signing key, with the header/claims edited. */
async function signWithRealKey(opts: { header?: Record<string, unknown>; claims?: Record<string, unknown>; drop?: string[] } = {}) {
  const { kid, key } = app.services.keys.signingKey();
  const claims: Record<string, unknown> = { ...realClaims(), jti: randomUUID(), ...opts.claims };
  for (const name of opts.drop ?? []) delete claims[name];
  return new SignJWT(claims as JWTPayload).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid, ...opts.header } as never).sign(key);
}

function hs256(header: Record<string, unknown>, claims: Record<string, unknown>, secret: Buffer | string) {
  const input = `${b64url(header)}.${b64url(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

async function signWithForeignKey(kid: string) {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  return new SignJWT({ ...realClaims(), jti: randomUUID() }).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid }).sign(privateKey);
}

/** Everything an attacker could hope to change: the victim's live sessions and account row. */
async function victimState() {
  const sessions = await app.services.sessions.listActive(victim.user.id);
  const user = await app.services.users.findById(victim.user.id);
  return JSON.stringify({ sessions, user });
}

function expectNoLeak(res: GqlResponse<unknown>) {
  expect(res.status).toBeLessThan(500);
  for (const error of res.errors ?? []) {
    expect(error.extensions?.stacktrace).toBeUndefined();
    expect(error.extensions?.originalError).toBeUndefined();
    expect(error.message).not.toMatch(/\n\s+at\s|jose|JWS|JWT[A-Z]|ERR_/);
  }
}

/** Presents the header on a query that reads (me, sessions) and one that writes (revokeAllSessions). */
async function expectRefused(authorization: string, reason: 'INVALID_TOKEN' | 'TOKEN_EXPIRED', liveToken = victim.accessToken) {
  const before = await victimState();
  const headers = { authorization };

  const me = await app.gql(Me, undefined, { headers });
  expectNoLeak(me);
  expect(me.status).toBe(401);
  expect(me.errors).toHaveLength(1);
  expect(me.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason });
  expect(me.headers.get('www-authenticate')).toBe('Bearer realm="graphql", error="invalid_token"');
  expect(me.data?.me ?? null).toBeNull();

  const sessions = await app.gql(Sessions, undefined, { headers });
  expectNoLeak(sessions);
  expect(sessions.status).toBe(401);
  expect(sessions.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason });
  expect(sessions.data?.sessions ?? null).toBeNull();

  const revoke = await app.gql(RevokeAll, undefined, { headers });
  expectNoLeak(revoke);
  expect(revoke.status).toBe(401);
  expect(revoke.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason });
  expect(revoke.data?.revokeAllSessions ?? null).toBeNull();

  expect(await victimState()).toBe(before);
  // The victim's own session was not ended by the forged revokeAllSessions.
  expect((await app.gql(Me, undefined, { token: liveToken })).data.me?.id).toBe(victim.user.id);
}

type Case = [name: string, token: () => string | Promise<string>];

const invalidTokens: Case[] = [
  ['a JWT with alg "none" and an empty signature', () => `${b64url({ ...realHeader(), alg: 'none' })}.${b64url(realClaims())}.`],
  ['a JWT with alg "none" and the real signature kept', () => {
    const [, , sig] = victim.accessToken.split('.');
    return `${b64url({ ...realHeader(), alg: 'none' })}.${b64url(realClaims())}.${sig}`;
  }],
  ['an HS256 JWT keyed with the raw bytes of the public key', () =>
    hs256({ ...realHeader(), alg: 'HS256' }, realClaims(), Buffer.from(jwk.x!, 'base64url'))],
  ['an HS256 JWT keyed with the base64url "x" string of the public key', () => hs256({ ...realHeader(), alg: 'HS256' }, realClaims(), jwk.x!)],
  ['an HS256 JWT keyed with the JSON of the public JWK', () => hs256({ ...realHeader(), alg: 'HS256' }, realClaims(), JSON.stringify(jwk))],
  ['an Ed25519 token from a foreign key naming the real kid', () => signWithForeignKey(jwk.kid!)],
  ['an Ed25519 token from a foreign key with an unknown kid', () => signWithForeignKey(randomBytes(32).toString('base64url'))],
  ['an Ed25519 token from a foreign key with no kid', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    return new SignJWT(realClaims()).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' }).sign(privateKey);
  }],
  ["a real token whose sub was changed to the victim's id, signature kept", () => {
    const [header, , sig] = attacker.accessToken.split('.');
    return `${header}.${b64url({ ...decodeJwt(attacker.accessToken), sub: victim.user.id })}.${sig}`;
  }],
  ['a real token with one payload character altered', () => {
    const [header, payload, sig] = victim.accessToken.split('.') as [string, string, string];
    const i = Math.floor(payload.length / 2);
    const altered = payload.slice(0, i) + (payload[i] === 'A' ? 'B' : 'A') + payload.slice(i + 1);
    return `${header}.${altered}.${sig}`;
  }],
  ['a real token with its signature truncated', () => victim.accessToken.slice(0, -4)],
  ['a correctly signed token for another audience', () => signWithRealKey({ claims: { aud: 'https://other-api.example' } })],
  ['a correctly signed token from another issuer', () => signWithRealKey({ claims: { iss: 'https://evil.example' } })],
  ['a correctly signed token with typ "JWT"', () => signWithRealKey({ header: { typ: 'JWT' } })],
  ['a correctly signed token with no typ', async () => {
    const { kid, key } = app.services.keys.signingKey();
    return new SignJWT(realClaims()).setProtectedHeader({ alg: 'EdDSA', kid }).sign(key);
  }],
  ['a correctly signed token without sid', () => signWithRealKey({ drop: ['sid'] })],
  ['a correctly signed token without sub', () => signWithRealKey({ drop: ['sub'] })],
  ['a correctly signed token with a non-string sid', () => signWithRealKey({ claims: { sid: 42 } })],
  ['a refresh token (rt_…) presented as an access token', () => victim.refreshToken],
  ['a random garbage string', () => randomBytes(48).toString('base64url')],
  ['three dot-separated garbage segments', () => 'eyJhbGciOi.!!!.@@@'],
  ['a token whose header decodes to JSON null', () => `${b64url('null')}.${b64url(realClaims())}.${b64url('sig')}`],
  ['a token whose payload is not JSON', () => `${b64url(realHeader())}.${b64url('not json')}.${b64url('sig')}`],
];

describe('forged and tampered access tokens', () => {
  it.each(invalidTokens)('refuses %s as UNAUTHENTICATED/INVALID_TOKEN with 401 and changes nothing', async (_name, make) => {
    await expectRefused(`Bearer ${await make()}`, 'INVALID_TOKEN');
  });

  it('refuses an empty "Bearer " header as UNAUTHENTICATED/INVALID_TOKEN', async () => {
    await expectRefused('Bearer ', 'INVALID_TOKEN');
  });

  it('refuses a header without the Bearer scheme ("Basic abc") as UNAUTHENTICATED/INVALID_TOKEN', async () => {
    await expectRefused('Basic abc', 'INVALID_TOKEN');
  });

  it('refuses a real token sent under another scheme ("Token <jwt>")', async () => {
    await expectRefused(`Token ${victim.accessToken}`, 'INVALID_TOKEN');
  });

  it('control: the same real key and claims do verify when nothing is altered', async () => {
    // Proves the forgeries above fail because of what was altered, not because the helper is broken.
    const token = await signWithRealKey();
    const me = await app.gql(Me, undefined, { token });
    expect(me.status).toBe(200);
    expect(me.errors).toBeUndefined();
    expect(me.data.me?.id).toBe(victim.user.id);
  });
});

describe('expiry', () => {
  it('refuses a real token 15 minutes and 1 second after issue as UNAUTHENTICATED/TOKEN_EXPIRED with 401', async () => {
    const s = await signIn(app, victim.email);
    expect((await app.gql(Me, undefined, { token: s.accessToken })).data.me?.id).toBe(victim.user.id);
    app.clock.advance(15 * 60 + 1);
    const live = await signIn(app, victim.email);
    await expectRefused(`Bearer ${s.accessToken}`, 'TOKEN_EXPIRED', live.accessToken);
  });
});

describe('after all the forgeries', () => {
  it('a freshly issued valid token still works for me and sessions, and the victim kept every session', async () => {
    const s = await signIn(app, victim.email);
    const me = await app.gql(Me, undefined, { token: s.accessToken });
    expect(me.status).toBe(200);
    expect(me.errors).toBeUndefined();
    expect(me.data.me).toMatchObject({ id: victim.user.id, email: victim.email });

    const sessions = await app.gql(Sessions, undefined, { token: s.accessToken });
    expect(sessions.status).toBe(200);
    expect(sessions.errors).toBeUndefined();
    const ids = sessions.data.sessions.map((x) => x.id);
    // The sign-up session, the expiry test's two sessions, and this one: none was revoked by a forgery.
    expect(ids).toHaveLength(4);
    expect(ids).toContain(victim.session.id);
    expect(sessions.data.sessions.find((x) => x.id === s.session.id)?.current).toBe(true);
  });
});
