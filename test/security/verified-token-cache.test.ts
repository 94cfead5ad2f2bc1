/**
 * Threat: the cache of verified access tokens (a token's signature is checked once, its claims
 * kept until it expires) turns into a way around what it must not cache. A token that has been
 * seen already must still stop at once when its session is revoked, when its user's roles are
 * cut, when it expires, and when the key that signed it is withdrawn, on every instance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql';
import { startTestApp, type TestApp } from '../support/app';
import { Logout, Me } from '../support/operations';
import { signIn, signUp } from '../support/users';
import { VERIFIED_CACHE_SIZE } from '../../src/modules/keys/access-token.service';

const ADMIN = { BOOTSTRAP_ADMIN_EMAIL: 'cache.chief@example.com', BOOTSTRAP_ADMIN_PASSWORD: 'Hq4v-Tz8m-Pn2x-Lw6c' };

const SetRoles = graphql(`
  mutation CacheRolesSet($input: SetUserRolesInput!) {
    setUserRoles(input: $input) {
      __typename
    }
  }
`);
const Overview = graphql(`
  query CacheOverview {
    securityOverview { users }
  }
`);

let app: TestApp;
let other: TestApp;
let adminToken: string;
beforeAll(async () => {
  app = await startTestApp(ADMIN);
  other = await startTestApp({}, app.backing);
  adminToken = (await signIn(app, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD)).accessToken;
});
afterAll(async () => {
  await other.close();
  await app.close();
});

const reasonOf = async (a: TestApp, token: string) => {
  const res = await a.gql(Me, undefined, { token });
  return res.data?.me ? 'OK' : (res.errors?.[0]?.extensions?.reason ?? res.errors?.[0]?.extensions?.code);
};
const overviewCode = async (a: TestApp, token: string) => (await a.gql(Overview, undefined, { token })).errors?.[0]?.extensions?.code ?? 'OK';

/** The token is in both instances' caches: a second verify answers the very same claims object. */
async function expectCached(token: string) {
  for (const a of [app, other]) {
    expect(await reasonOf(a, token)).toBe('OK');
    expect(await a.services.accessTokens.verify(token)).toBe(await a.services.accessTokens.verify(token));
  }
}

describe('the cache of verified access tokens', () => {
  it('a revoked session stops at the next request, on every instance, though its token is cached', async () => {
    const u = await signUp(app);
    await expectCached(u.accessToken);
    expect((await app.gql(Logout, undefined, { token: u.accessToken })).data.logout).toBe(true);
    expect(await reasonOf(app, u.accessToken)).toBe('SESSION_REVOKED');
    expect(await reasonOf(other, u.accessToken)).toBe('SESSION_REVOKED');
  });

  it('scopes cut by a role change apply to a cached token at once, on every instance', async () => {
    const u = await signUp(app);
    await app.gql(SetRoles, { input: { userId: u.user.id, roles: ['ADMIN'] } }, { token: adminToken });
    const promoted = await signIn(app, u.email);
    await expectCached(promoted.accessToken);
    expect(await overviewCode(app, promoted.accessToken)).toBe('OK');
    expect(await overviewCode(other, promoted.accessToken)).toBe('OK');
    await app.gql(SetRoles, { input: { userId: u.user.id, roles: ['USER'] } }, { token: adminToken });
    expect(await overviewCode(app, promoted.accessToken)).toBe('FORBIDDEN');
    expect(await overviewCode(other, promoted.accessToken)).toBe('FORBIDDEN');
  });

  it('a cached token expires on time', async () => {
    const u = await signUp(app);
    await expectCached(u.accessToken);
    const exp = JSON.parse(Buffer.from(u.accessToken.split('.')[1]!, 'base64url').toString()).exp as number;
    app.clock.set(new Date((exp - 1) * 1000));
    expect(await reasonOf(app, u.accessToken)).toBe('OK');
    app.clock.set(new Date(exp * 1000));
    expect(await reasonOf(app, u.accessToken)).toBe('TOKEN_EXPIRED');
    expect(await reasonOf(other, u.accessToken)).toBe('TOKEN_EXPIRED');
  });

  it('is bounded: past its size the oldest entry goes and is verified again when it comes back', async () => {
    const { services } = app;
    const now = app.clock.now();
    const issue = () =>
      services.accessTokens.issue({ userId: crypto.randomUUID(), sessionId: crypto.randomUUID(), scopes: [], amr: ['pwd'], authTime: now, notAfter: new Date(now.getTime() + 3600_000), now });
    const first = (await issue()).token;
    const claims = await services.accessTokens.verify(first);
    expect(await services.accessTokens.verify(first)).toBe(claims);
    for (let i = 0; i < VERIFIED_CACHE_SIZE; i++) await services.accessTokens.verify((await issue()).token);
    const again = await services.accessTokens.verify(first);
    expect(again).not.toBe(claims);
    expect(again).toEqual(claims);
  });
  it('withdrawing the signing key voids the tokens it verified, cached or not', async () => {
    const u = await signUp(app);
    await expectCached(u.accessToken);
    const kid = JSON.parse(Buffer.from(u.accessToken.split('.')[0]!, 'base64url').toString()).kid as string;
    // An operator's answer to a leaked key: a new one, and the old one removed from the set.
    await app.services.keys.rotate();
    await app.deps.database.db.execute(`delete from signing_keys where kid = '${kid}'` as never);
    await app.services.keys.reload();
    await other.services.keys.reload();
    expect(await reasonOf(app, u.accessToken)).toBe('INVALID_TOKEN');
    expect(await reasonOf(other, u.accessToken)).toBe('INVALID_TOKEN');
  });

});
