// Threat: an account an operator disabled (compromised, abusive, leaving) keeps working through a
// credential it already holds: a refresh token mints new access tokens, an API key keeps calling,
// or a reset link mailed earlier sets a new password. Disabling is a database fact
// (`users.disabled_at`), set directly here, because every one of these paths must read it there
// rather than trust what the credential says.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql';
import { startTestApp, type TestApp } from '../support/app';
import { Me, Rotate } from '../support/operations';
import { startSmtpSink, type SmtpSink } from '../support/smtp';
import { signUp } from '../support/users';
import { users } from '../../src/modules/users/users.table';

const DisabledKey = graphql(`
  mutation DisabledKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      __typename
      ... on CreateApiKeyPayload { secret }
      ... on Error { code message }
    }
  }
`);

const DisabledResetRequest = graphql(`
  mutation DisabledResetRequest($input: RequestPasswordResetInput!) {
    requestPasswordReset(input: $input)
  }
`);

const DisabledReset = graphql(`
  mutation DisabledReset($input: ResetPasswordInput!) {
    resetPassword(input: $input) {
      __typename
      ... on Error { code message }
    }
  }
`);

let smtp: SmtpSink;
let app: TestApp;
let other: TestApp;
beforeAll(async () => {
  smtp = await startSmtpSink();
  app = await startTestApp({ SMTP_URL: smtp.url });
  other = await startTestApp({ SMTP_URL: smtp.url }, app.backing);
});
afterAll(async () => {
  await other?.close();
  await app?.close();
  await smtp?.close();
});

const db = () => app.deps.database.db;
const disable = (userId: string) => db().update(users).set({ disabledAt: app.clock.now() }).where(eq(users.id, userId));
const passwordHashOf = async (userId: string) => (await db().select({ h: users.passwordHash }).from(users).where(eq(users.id, userId)))[0]!.h;

async function createKey(token: string) {
  const res = await app.gql(DisabledKey, { input: { name: 'script', scopes: ['profile:read'] } }, { token });
  if (res.data.createApiKey.__typename !== 'CreateApiKeyPayload') throw new Error(JSON.stringify(res));
  return res.data.createApiKey.secret;
}

describe('a disabled account', () => {
  it('cannot refresh: the refresh token is refused and its session ends', async () => {
    const user = await signUp(app);
    await disable(user.user.id);
    const res = await app.gql(Rotate, { input: { refreshToken: user.refreshToken } });
    expect(res.data.rotateRefresh).toMatchObject({ __typename: 'InvalidRefreshTokenError', code: 'INVALID_REFRESH_TOKEN' });
    const [session] = (await db().execute(sql`select revoked_at from sessions where id = ${user.session.id}`)) as unknown as { revoked_at: Date | null }[];
    expect(session?.revoked_at).not.toBeNull();
    // Its access token is refused too, now that the session has ended.
    expect((await app.gql(Me, undefined, { token: user.accessToken })).errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SESSION_REVOKED' });
  });

  // The key's row, owner state included, is cached per instance for up to 30 s (CACHE_TTL_MS), so
  // a flag set in SQL alone reaches a key used within that time only when the cache expires:
  // whatever disables an account must also revoke its keys (marker + eviction), as revoke does.
  it('cannot use an API key, on any instance', async () => {
    const user = await signUp(app);
    const key = await createKey(user.accessToken);
    await disable(user.user.id);
    for (const a of [app, other]) {
      const res = await a.gql(Me, undefined, { headers: { 'x-api-key': key } });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'API_KEY_REVOKED' });
      expect(res.data?.me ?? null).toBeNull();
      const bearer = await a.gql(Me, undefined, { headers: { authorization: `Bearer ${key}` } });
      expect(bearer.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'API_KEY_REVOKED' });
    }
    const [refusal] = (await db().execute(
      sql`select details from audit_logs where action = 'API_KEY_USE_DENIED' and user_id = ${user.user.id} limit 1`,
    )) as unknown as { details: unknown }[];
    expect(refusal?.details).toEqual({ reason: 'revoked' });
  });

  it('cannot complete a password reset with a link mailed before it was disabled, nor get a new link', async () => {
    const user = await signUp(app);
    await app.gql(DisabledResetRequest, { input: { email: user.email } });
    const [mail] = await smtp.waitFor(user.email, 1);
    const token = new URL(/https?:\/\/\S+/.exec(mail!.text)![0]).searchParams.get('token')!;
    const before = await passwordHashOf(user.user.id);

    await disable(user.user.id);
    const res = await app.gql(DisabledReset, { input: { token, newPassword: 'quiet lantern orbit mosaic' } });
    expect(res.data.resetPassword).toMatchObject({ __typename: 'InvalidTokenError', code: 'INVALID_TOKEN' });
    expect(await passwordHashOf(user.user.id)).toBe(before);

    expect((await app.gql(DisabledResetRequest, { input: { email: user.email } })).data.requestPasswordReset).toBe(true);
    await app.services.passwordReset.idle();
    await app.services.mailer.idle();
    expect(smtp.to(user.email)).toHaveLength(1);
  });
});
