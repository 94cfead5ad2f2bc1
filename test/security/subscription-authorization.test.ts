/**
 * Threat: a subscription is authorized once, when it starts, and then outlives that
 * authorization: a demoted admin and an expired token kept receiving security alerts over SSE
 * and WebSocket. A stream must end, with a last error the client can act on, when its access
 * token expires (UNAUTHENTICATED TOKEN_EXPIRED), its session ends (UNAUTHENTICATED
 * SESSION_REVOKED) or its caller loses the scope (FORBIDDEN), on whichever instance it runs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { graphql } from '../gql';
import { startTestApp, type TestApp } from '../support/app';
import { RevokeSession } from '../support/operations';
import { sse, ws, type Stream } from '../support/subscriptions';
import { signIn, signUp } from '../support/users';

const ADMIN = { BOOTSTRAP_ADMIN_EMAIL: 'stream.admin@example.com', BOOTSTRAP_ADMIN_PASSWORD: 'Jm5t-Xc8q-Wv2n-Kr7b' };
const SUBSCRIPTION = `subscription StreamAlerts { securityAlerts { id type } }`;

const StreamSetRoles = graphql(`
  mutation StreamSetRoles($input: SetUserRolesInput!) {
    setUserRoles(input: $input) {
      __typename
      ... on Error { code message }
    }
  }
`);

let app: TestApp;
let other: TestApp;
let adminToken: string;
beforeAll(async () => {
  app = await startTestApp(ADMIN);
  other = await startTestApp({}, app.backing);
});
afterAll(async () => {
  await other.close();
  await app.close();
});
// Tests move the shared clock: every test signs the admin in afresh.
beforeEach(async () => {
  adminToken = (await signIn(app, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD)).accessToken;
});

type Open = (url: string, query: string, variables: Record<string, unknown>, token?: string) => Stream<unknown>;

/** Opens a stream and waits until the server watches it (the subscription is live). */
async function subscribed(a: TestApp, open: Open, session: { id: string }, token: string): Promise<Stream<unknown>> {
  const stream = open(a.url, SUBSCRIPTION, {}, token);
  await vi.waitFor(() => expect(a.services.sessionWatch.watching(session.id)).toBe(1), { timeout: 10_000 });
  return stream;
}

async function expectEndsWith(stream: Stream<unknown>, extensions: Record<string, unknown>) {
  expect(await stream.next()).toMatchObject({ errors: [{ extensions }] });
  expect(await stream.next()).toBe('complete');
}

/** A second admin, signed in: their token carries admin scopes. */
async function promotedAdmin() {
  const u = await signUp(app);
  await app.gql(StreamSetRoles, { input: { userId: u.user.id, roles: ['ADMIN'] } }, { token: adminToken });
  return { ...(await signIn(app, u.email)), user: u.user };
}

describe.each([
  ['SSE', sse as Open],
  ['WebSocket', ws as Open],
])('securityAlerts over %s', (_transport, open) => {
  it('ends with TOKEN_EXPIRED when the access token expires', async () => {
    const watcher = await signIn(app, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD);
    const stream = await subscribed(app, open, watcher.session, watcher.accessToken);
    try {
      app.clock.advance(app.config.accessTokenTtl + 1);
      await expectEndsWith(stream, { code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' });
      expect(app.services.sessionWatch.watching(watcher.session.id)).toBe(0);
    } finally {
      stream.close();
    }
  });

  it('ends with FORBIDDEN when the admin is demoted, on another instance too', async () => {
    const admin = await promotedAdmin();
    const here = await subscribed(app, open, admin.session, admin.accessToken);
    const there = await subscribed(other, open, admin.session, admin.accessToken);
    try {
      const res = await app.gql(StreamSetRoles, { input: { userId: admin.user.id, roles: ['USER'] } }, { token: adminToken });
      expect(res.data.setUserRoles.__typename).toBe('SetUserRolesSuccess');
      await expectEndsWith(here, { code: 'FORBIDDEN', missingScopes: ['alerts:read'] });
      await expectEndsWith(there, { code: 'FORBIDDEN', missingScopes: ['alerts:read'] });
    } finally {
      here.close();
      there.close();
    }
  });

  it('ends with SESSION_REVOKED when its session is revoked, on another instance too', async () => {
    const watcher = await signIn(app, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD);
    const stream = await subscribed(other, open, watcher.session, watcher.accessToken);
    try {
      await app.gql(RevokeSession, { id: watcher.session.id }, { token: adminToken });
      await expectEndsWith(stream, { code: 'UNAUTHENTICATED', reason: 'SESSION_REVOKED' });
    } finally {
      stream.close();
    }
  });
});
