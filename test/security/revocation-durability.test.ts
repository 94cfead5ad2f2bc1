/**
 * Threat: revocation and role changes lived only in Redis. After Redis lost its data (a restart
 * without persistence, a flush, eviction), a revoked session's access token worked again, a
 * demoted admin's token had admin scopes again, and a revoked API key could pass on an instance
 * whose cache still held it. PostgreSQL is the source of truth: a lost kv is detected in the same
 * round trip as the revocation check (the epoch is gone), nothing is trusted meanwhile
 * (SERVICE_UNAVAILABLE, retryable), and one rebuild across instances puts the markers back
 * before any token is trusted again. An instance starting after the loss cannot hide it.
 *
 * "Losing Redis" here deletes this test's own keys (its prefix): other files share the Redis.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql';
import { REDIS_URL, startTestApp, type GqlResponse, type TestApp } from '../support/app';
import { Me, RevokeSession } from '../support/operations';
import { signIn, signUp } from '../support/users';

const ADMIN = { BOOTSTRAP_ADMIN_EMAIL: 'durable.admin@example.com', BOOTSTRAP_ADMIN_PASSWORD: 'Tw8c-Np3k-Rz6v-Hq2m' };

const DurableSetRoles = graphql(`
  mutation DurableSetRoles($input: SetUserRolesInput!) {
    setUserRoles(input: $input) {
      __typename
      ... on Error { code message }
    }
  }
`);
const DurableOverview = graphql(`
  query DurableOverview {
    securityOverview { users }
  }
`);
const DurableCreateKey = graphql(`
  mutation DurableCreateKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      __typename
      ... on CreateApiKeyPayload { secret apiKey { id } }
      ... on Error { code message }
    }
  }
`);
const DurableRevokeKey = graphql(`
  mutation DurableRevokeKey($id: ID!) {
    revokeApiKey(id: $id) {
      __typename
      ... on Error { code message }
    }
  }
`);

let app: TestApp;
let other: TestApp | undefined;
let redis: Redis;
let adminToken: string;

beforeAll(async () => {
  app = await startTestApp(ADMIN);
  redis = new Redis(REDIS_URL);
  adminToken = (await signIn(app, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD)).accessToken;
});
afterAll(async () => {
  await other?.close();
  await app.close();
  await redis.quit();
});

const prefix = () => app.backing.redisPrefix;

/** What a Redis restart without persistence leaves: none of this test's keys. */
async function loseRedisData() {
  const keys = await redis.keys(`${prefix()}*`);
  if (keys.length > 0) await redis.del(...keys);
}

const outcome = (res: GqlResponse<unknown>) => {
  const e = res.errors?.[0]?.extensions;
  return e ? `${String(e.code)}${e.reason ? ` ${String(e.reason)}` : ''}` : 'OK';
};

/** The first request after the loss is refused, retryably, and starts the rebuild; then it is done. */
async function expectRefusedUntilRebuilt(a: TestApp, send: () => Promise<GqlResponse<unknown>>) {
  const during = await send();
  expect(during.status).toBe(503);
  expect(during.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: expect.any(Number) });
  expect(Object.values(during.data ?? {}).every((value) => value === null)).toBe(true);
  await a.services.revocation.idle();
}

describe('after Redis loses its data', () => {
  it('a revoked session’s access token stays refused, and live ones work again once rebuilt', async () => {
    const revoked = await signUp(app);
    const live = await signUp(app);
    await app.gql(RevokeSession, { id: revoked.session.id }, { token: revoked.accessToken });
    expect(outcome(await app.gql(Me, undefined, { token: revoked.accessToken }))).toBe('UNAUTHENTICATED SESSION_REVOKED');

    await loseRedisData();
    await expectRefusedUntilRebuilt(app, () => app.gql(Me, undefined, { token: revoked.accessToken }));

    expect(outcome(await app.gql(Me, undefined, { token: revoked.accessToken }))).toBe('UNAUTHENTICATED SESSION_REVOKED');
    expect((await app.gql(Me, undefined, { token: live.accessToken })).data.me?.email).toBe(live.email);
  });

  it('a demoted admin’s old token has no admin scopes', async () => {
    const u = await signUp(app);
    await app.gql(DurableSetRoles, { input: { userId: u.user.id, roles: ['ADMIN'] } }, { token: adminToken });
    const promoted = await signIn(app, u.email); // carries admin scopes in its claims
    expect(outcome(await app.gql(DurableOverview, undefined, { token: promoted.accessToken }))).toBe('OK');
    await app.gql(DurableSetRoles, { input: { userId: u.user.id, roles: ['USER'] } }, { token: adminToken });

    await loseRedisData();
    await expectRefusedUntilRebuilt(app, () => app.gql(DurableOverview, undefined, { token: promoted.accessToken }));

    expect(outcome(await app.gql(DurableOverview, undefined, { token: promoted.accessToken }))).toBe('FORBIDDEN');
    const me = (await app.gql(Me, undefined, { token: promoted.accessToken })).data.me;
    expect(me?.roles).toEqual(['USER']);
    expect(me?.scopes).not.toContain('users:write');
  });

  it('a revoked API key stays refused, and its marker is back for instances that cached the key', async () => {
    const u = await signUp(app);
    const created = (await app.gql(DurableCreateKey, { input: { name: 'ci', scopes: ['profile:read'] } }, { token: u.accessToken })).data.createApiKey;
    if (created.__typename !== 'CreateApiKeyPayload') throw new Error(JSON.stringify(created));
    const withKey = () => app.gql(Me, undefined, { headers: { 'x-api-key': created.secret } });
    expect((await withKey()).data.me?.email).toBe(u.email);
    await app.gql(DurableRevokeKey, { id: created.apiKey.id }, { token: u.accessToken });

    await loseRedisData();
    // This instance reads the revoked row afresh; one whose cache held the key relies on the marker.
    expect(['SERVICE_UNAVAILABLE', 'UNAUTHENTICATED API_KEY_REVOKED']).toContain(outcome(await withKey()));
    await expectRefusedUntilRebuilt(app, () => app.gql(Me, undefined, { token: u.accessToken }));

    expect(await redis.exists(`${prefix()}apikey-revoked:${created.apiKey.id}`)).toBe(1);
    expect(outcome(await withKey())).toBe('UNAUTHENTICATED API_KEY_REVOKED');
  });

  it('an instance starting after the loss does not declare it rebuilt without rebuilding', async () => {
    const revoked = await signUp(app);
    await app.gql(RevokeSession, { id: revoked.session.id }, { token: revoked.accessToken });
    await loseRedisData();
    // Another instance is rebuilding (holds the lock) while this one starts.
    await redis.set(`${prefix()}revocation:rebuild`, 'another instance', 'EX', 30);
    other = await startTestApp({}, app.backing);

    expect(await redis.exists(`${prefix()}revocation:epoch`)).toBe(0);
    for (const a of [app, other]) expect(outcome(await a.gql(Me, undefined, { token: revoked.accessToken }))).toBe('SERVICE_UNAVAILABLE');

    // That rebuild died with its instance: its lock expires, and the next request rebuilds.
    await Promise.all([app, other].map((a) => a.services.revocation.idle()));
    await redis.del(`${prefix()}revocation:rebuild`);
    await expectRefusedUntilRebuilt(other, () => other!.gql(Me, undefined, { token: revoked.accessToken }));
    for (const a of [app, other]) expect(outcome(await a.gql(Me, undefined, { token: revoked.accessToken }))).toBe('UNAUTHENTICATED SESSION_REVOKED');
  });

  it('a burst of requests on two instances during the loss causes one rebuild, and none is served unchecked', async () => {
    other ??= await startTestApp({}, app.backing);
    const instances = [app, other];
    const revoked = await signUp(app);
    await app.gql(RevokeSession, { id: revoked.session.id }, { token: revoked.accessToken });
    const rebuilds = () => app.services.revocation.rebuilds() + other!.services.revocation.rebuilds();
    const before = rebuilds();

    await loseRedisData();
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => instances[i % 2]!.gql(Me, undefined, { token: revoked.accessToken })));
    await Promise.all(instances.map((a) => a.services.revocation.idle()));

    expect(burst.map(outcome)).toContain('SERVICE_UNAVAILABLE');
    for (const res of burst) expect(['SERVICE_UNAVAILABLE', 'UNAUTHENTICATED SESSION_REVOKED']).toContain(outcome(res));
    // Requests that came after the rebuild finished found the epoch; none started another.
    const after = await Promise.all(instances.map((a) => a.gql(Me, undefined, { token: revoked.accessToken })));
    expect(after.map(outcome)).toEqual(['UNAUTHENTICATED SESSION_REVOKED', 'UNAUTHENTICATED SESSION_REVOKED']);
    expect(rebuilds() - before).toBe(1);
  });
});
