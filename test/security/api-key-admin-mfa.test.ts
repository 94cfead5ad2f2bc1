/**
 * Threat: with REQUIRE_ADMIN_MFA, admin scopes belong only to sessions that passed MFA, but an
 * API key re-derived its owner's scopes from the roles alone. An admin (or whoever took over the
 * account) could switch MFA off and keep using a key with admin scopes, which no session of that
 * account can hold any more. A key's scopes follow the same rule: admin scopes only while its
 * owner has MFA on.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { graphql } from '../gql';
import { startTestApp, type TestApp } from '../support/app';
import { signInWithMfa, signUpWithMfa } from '../support/mfa';
import { Me } from '../support/operations';
import { codeFor } from '../support/totp';

const AdminKeyCreate = graphql(`
  mutation AdminKeyCreate($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      __typename
      ... on CreateApiKeyPayload { secret apiKey { scopes } }
      ... on Error { code message }
    }
  }
`);
const AdminKeyDisableMfa = graphql(`
  mutation AdminKeyDisableMfa($input: DisableMfaInput!) {
    disableMfa(input: $input) {
      __typename
      ... on Error { code message }
    }
  }
`);

let app: TestApp;
let other: TestApp;
beforeAll(async () => {
  app = await startTestApp({ REQUIRE_ADMIN_MFA: 'true' });
  other = await startTestApp({ REQUIRE_ADMIN_MFA: 'true' }, app.backing);
});
afterAll(async () => {
  await other.close();
  await app.close();
});

describe('REQUIRE_ADMIN_MFA and API keys', () => {
  it('a key loses its admin scopes when its owner switches MFA off', async () => {
    const owner = await signUpWithMfa(app);
    await app.services.users.setRoles(owner.user.id, ['ADMIN'], {});
    const session = await signInWithMfa(app, owner.email, owner.password, owner.secret);
    const created = (await app.gql(AdminKeyCreate, { input: { name: 'ops', scopes: ['profile:read', 'users:read'] } }, { token: session.accessToken })).data.createApiKey;
    if (created.__typename !== 'CreateApiKeyPayload') throw new Error(JSON.stringify(created));
    const keyScopes = async (a: TestApp) => (await a.gql(Me, undefined, { headers: { 'x-api-key': created.secret } })).data.me?.scopes;
    // Both instances have the key cached now, with the owner's MFA on.
    expect(await keyScopes(app)).toEqual(['profile:read', 'users:read']);
    expect(await keyScopes(other)).toEqual(['profile:read', 'users:read']);

    const off = await app.gql(AdminKeyDisableMfa, { input: { password: owner.password, code: codeFor(owner.secret, app.clock.now()) } }, { token: session.accessToken });
    expect(off.data.disableMfa.__typename).toBe('MfaDisabled');

    // The instance that served the change drops its cached rows at once; the other is told over
    // pub/sub (waited for here, well inside the 30 s a cached row would otherwise live).
    expect(await keyScopes(app)).toEqual(['profile:read']);
    await vi.waitFor(async () => expect(await keyScopes(other)).toEqual(['profile:read']), { timeout: 5_000, interval: 50 });
  });
});
