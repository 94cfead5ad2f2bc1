/**
 * Threat: a demoted admin keeps admin power until their tokens expire. setUserRoles must bite on
 * the very next request, with the tokens already issued, on every instance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql';
import { startTestApp, type TestApp } from '../support/app';
import { Me } from '../support/operations';
import { signIn, signUp } from '../support/users';

const ADMIN = { BOOTSTRAP_ADMIN_EMAIL: 'chief@example.com', BOOTSTRAP_ADMIN_PASSWORD: 'Hq4v-Tz8m-Pn2x-Lw6c' };

const SetRoles = graphql(`
  mutation RolesSet($input: SetUserRolesInput!) {
    setUserRoles(input: $input) {
      __typename
      ... on SetUserRolesSuccess { user { id roles } }
      ... on Error { code message }
    }
  }
`);
const Overview = graphql(`
  query RolesOverview {
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

const overviewCode = async (a: TestApp, token: string) => (await a.gql(Overview, undefined, { token })).errors?.[0]?.extensions?.code ?? 'OK';

describe('setUserRoles', () => {
  it('a grant applies to the existing access token at its next request, on every instance', async () => {
    const u = await signUp(app);
    expect(await overviewCode(app, u.accessToken)).toBe('FORBIDDEN');
    const res = await app.gql(SetRoles, { input: { userId: u.user.id, roles: ['ADMIN'] } }, { token: adminToken });
    expect(res.data.setUserRoles).toEqual({ __typename: 'SetUserRolesSuccess', user: { id: u.user.id, roles: ['USER', 'ADMIN'] } });
    expect(await overviewCode(app, u.accessToken)).toBe('OK');
    expect(await overviewCode(other, u.accessToken)).toBe('OK');
    expect((await app.gql(Me, undefined, { token: u.accessToken })).data.me?.scopes).toContain('users:write');
  });

  it('a demotion removes admin power from existing tokens at once, on every instance', async () => {
    const u = await signUp(app);
    await app.gql(SetRoles, { input: { userId: u.user.id, roles: ['ADMIN'] } }, { token: adminToken });
    const promoted = await signIn(app, u.email); // a token issued while ADMIN
    expect(await overviewCode(other, promoted.accessToken)).toBe('OK');
    await app.gql(SetRoles, { input: { userId: u.user.id, roles: ['USER'] } }, { token: adminToken });
    expect(await overviewCode(app, promoted.accessToken)).toBe('FORBIDDEN');
    expect(await overviewCode(other, promoted.accessToken)).toBe('FORBIDDEN');
    // And the refreshed or new tokens carry the new roles by themselves.
    const fresh = await signIn(app, u.email);
    const claims = JSON.parse(Buffer.from(fresh.accessToken.split('.')[1]!, 'base64url').toString());
    expect(claims.scope).not.toContain('users:write');
  });

  it('records ROLES_CHANGED and raises ADMIN_ROLE_GRANTED for a grant only', async () => {
    const u = await signUp(app);
    await app.gql(SetRoles, { input: { userId: u.user.id, roles: ['ADMIN'] } }, { token: adminToken });
    await app.gql(SetRoles, { input: { userId: u.user.id, roles: ['USER'] } }, { token: adminToken });
    const audit = (await app.deps.database.db.execute(
      `select action, actor_user_id is not null as by_actor, details from audit_logs where user_id = '${u.user.id}' and action = 'ROLES_CHANGED' order by seq` as never,
    )) as unknown as { action: string; by_actor: boolean; details: Record<string, unknown> }[];
    expect(audit).toEqual([
      { action: 'ROLES_CHANGED', by_actor: true, details: { roles: ['USER', 'ADMIN'], previousRoles: ['USER'] } },
      { action: 'ROLES_CHANGED', by_actor: true, details: { roles: ['USER'], previousRoles: ['USER', 'ADMIN'] } },
    ]);
    const alerts = (await app.deps.database.db.execute(`select type, severity from security_alerts where user_id = '${u.user.id}'` as never)) as unknown as Record<string, unknown>[];
    expect(alerts).toEqual([{ type: 'ADMIN_ROLE_GRANTED', severity: 'HIGH' }]);
  });

  it('refuses to remove the last admin', async () => {
    const fresh = await startTestApp(ADMIN);
    try {
      const token = (await signIn(fresh, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD)).accessToken;
      const me = (await fresh.gql(Me, undefined, { token })).data.me!;
      const res = await fresh.gql(SetRoles, { input: { userId: me.id, roles: ['USER'] } }, { token });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'roles' });
      expect((await fresh.gql(Me, undefined, { token })).data.me?.roles).toEqual(['USER', 'ADMIN']);
    } finally {
      await fresh.close();
    }
  });

  it('answers an unknown or malformed id with NotFoundError, and is FORBIDDEN to non-admins', async () => {
    for (const userId of ['00000000-0000-4000-8000-000000000000', 'nope']) {
      expect((await app.gql(SetRoles, { input: { userId, roles: ['ADMIN'] } }, { token: adminToken })).data.setUserRoles).toMatchObject({ code: 'NOT_FOUND' });
    }
    const u = await signUp(app);
    const res = await app.gql(SetRoles, { input: { userId: u.user.id, roles: ['ADMIN'] } }, { token: u.accessToken });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['users:write'] });
    expect((await app.gql(Me, undefined, { token: u.accessToken })).data.me?.roles).toEqual(['USER']);
  });
});
