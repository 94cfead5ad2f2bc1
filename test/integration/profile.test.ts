/**
 * updateProfile: a user changes their own display name.
 *
 * Threats covered: a name that hides control or text-direction characters (it is shown to
 * admins and in mails), an oversized name, a change by a caller without `profile:write` (an API
 * key made for reading), and the name itself entering the audit chain (personal data that an
 * erasure could not remove from a hash-chained log).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { graphql } from '../gql';
import { startTestApp, type TestApp } from '../support/app';
import { Me } from '../support/operations';
import { signUp } from '../support/users';
import { auditLogs } from '../../src/modules/audit/audit.table';

const UpdateProfile = graphql(`
  mutation UpdateProfile($input: UpdateProfileInput!) {
    updateProfile(input: $input) {
      __typename
      ... on UpdateProfileSuccess { user { id displayName } }
    }
  }
`);

const ProfileKey = graphql(`
  mutation ProfileKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      __typename
      ... on CreateApiKeyPayload { secret }
      ... on Error { code message }
    }
  }
`);

const ProfileMe = graphql(`
  query ProfileMe {
    me { id displayName }
  }
`);

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const audited = (userId: string) =>
  app.deps.database.db.select().from(auditLogs).where(and(eq(auditLogs.userId, userId), eq(auditLogs.action, 'PROFILE_UPDATED')));

async function apiKey(token: string, scopes: string[]) {
  const res = await app.gql(ProfileKey, { input: { name: 'profile', scopes } }, { token });
  if (res.data?.createApiKey.__typename !== 'CreateApiKeyPayload') throw new Error(JSON.stringify(res));
  return res.data.createApiKey.secret;
}

describe('updateProfile', () => {
  it('stores the trimmed display name, shows it in me, and audits which field changed but not the name', async () => {
    const user = await signUp(app);
    const res = await app.gql(UpdateProfile, { input: { displayName: '  Ada Lovelace  ' } }, { token: user.accessToken });
    expect(res.data.updateProfile).toEqual({ __typename: 'UpdateProfileSuccess', user: { id: user.user.id, displayName: 'Ada Lovelace' } });
    expect((await app.gql(ProfileMe, undefined, { token: user.accessToken })).data.me).toEqual({ id: user.user.id, displayName: 'Ada Lovelace' });

    const rows = await audited(user.user.id);
    expect(rows.map((r) => ({ details: r.details, actor: r.actorUserId, success: r.success }))).toEqual([
      { details: { fields: ['displayName'] }, actor: user.user.id, success: true },
    ]);
    expect(JSON.stringify(rows)).not.toContain('Ada');
  });

  it('clears the name when given a blank one', async () => {
    const user = await signUp(app);
    const res = await app.gql(UpdateProfile, { input: { displayName: '   ' } }, { token: user.accessToken });
    expect(res.data.updateProfile).toEqual({ __typename: 'UpdateProfileSuccess', user: { id: user.user.id, displayName: null } });
  });

  it.each([
    ['longer than 100 characters', 'x'.repeat(101)],
    ['a control character', 'Ada\u0000Lovelace'],
    ['a right-to-left override', 'Ada \u202Eecalevol'],
  ])('refuses a name with %s as BAD_USER_INPUT and changes nothing', async (_what, displayName) => {
    const user = await signUp(app);
    const res = await app.gql(UpdateProfile, { input: { displayName } }, { token: user.accessToken });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'displayName' });
    expect((await app.gql(ProfileMe, undefined, { token: user.accessToken })).data.me?.displayName).toBe('Test User');
    expect(await audited(user.user.id)).toEqual([]);
  });

  it('accepts exactly 100 characters, counted as code points', async () => {
    const user = await signUp(app);
    const name = '😀'.repeat(100);
    const res = await app.gql(UpdateProfile, { input: { displayName: name } }, { token: user.accessToken });
    expect(res.data.updateProfile).toMatchObject({ user: { displayName: name } });
  });

  it('needs profile:write: anonymous is UNAUTHENTICATED, a read-only API key FORBIDDEN, a profile:write key works', async () => {
    const user = await signUp(app);
    const anonymous = await app.gql(UpdateProfile, { input: { displayName: 'Nobody' } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const reader = await apiKey(user.accessToken, ['profile:read']);
    const refused = await app.gql(UpdateProfile, { input: { displayName: 'Reader' } }, { headers: { 'x-api-key': reader } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['profile:write'] });

    const writer = await apiKey(user.accessToken, ['profile:write']);
    const done = await app.gql(UpdateProfile, { input: { displayName: 'Writer' } }, { headers: { 'x-api-key': writer } });
    expect(done.data.updateProfile).toMatchObject({ __typename: 'UpdateProfileSuccess', user: { displayName: 'Writer' } });
    expect((await app.gql(Me, undefined, { token: user.accessToken })).data.me?.id).toBe(user.user.id);
    const [row] = await audited(user.user.id);
    expect(row?.apiKeyId).not.toBeNull();
  });
});
