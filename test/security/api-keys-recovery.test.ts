// Threat: an intruder who knew the old password made an API key; the owner recovers the account
// with resetPassword, and the key kept working. A reset must revoke every API key of the account
// in its own transaction (audited with the reason), refused at the very next request on every
// instance (including one that had the key cached), and the mail and the result say so.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql';
import { auditLogs } from '../../src/modules/audit/audit.table';
import { startTestApp, type TestApp } from '../support/app';
import { startSmtpSink, type SmtpSink } from '../support/smtp';
import { signIn, signUp } from '../support/users';

const RecoveryKeyCreate = graphql(`
  mutation RecoveryKeyCreate($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      __typename
      ... on CreateApiKeyPayload { secret apiKey { id } }
      ... on Error { code message }
    }
  }
`);

const RecoveryKeyMe = graphql(`
  query RecoveryKeyMe {
    me { id }
  }
`);

const RecoveryRequestReset = graphql(`
  mutation RecoveryRequestReset($input: RequestPasswordResetInput!) {
    requestPasswordReset(input: $input)
  }
`);

const RecoveryReset = graphql(`
  mutation RecoveryReset($input: ResetPasswordInput!) {
    resetPassword(input: $input) {
      __typename
      ... on ResetPasswordSuccess { sessionsEnded trustedDevicesRevoked apiKeysRevoked }
      ... on Error { code message }
    }
  }
`);

const NEW_PASSWORD = 'quartz lantern meadow orbit';

let smtp: SmtpSink;
let app: TestApp;
let other: TestApp;

beforeAll(async () => {
  smtp = await startSmtpSink();
  app = await startTestApp({ SMTP_URL: smtp.url });
  // A second instance on the same database and Redis: revocation must reach it too.
  other = await startTestApp({ SMTP_URL: smtp.url }, app.backing);
});
afterAll(async () => {
  await other.close();
  await app.close();
  await smtp.close();
});

async function createKey(accessToken: string, name: string) {
  const res = await app.gql(RecoveryKeyCreate, { input: { name, scopes: ['profile:read'] } }, { token: accessToken });
  const r = res.data.createApiKey;
  if (r.__typename !== 'CreateApiKeyPayload') throw new Error(`createApiKey failed: ${JSON.stringify(res)}`);
  return r;
}

const useKey = (a: TestApp, key: string) => a.gql(RecoveryKeyMe, undefined, { headers: { 'x-api-key': key } });

/** Asks for a reset and returns the mail with its link's token. */
async function resetMail(email: string) {
  const before = smtp.to(email).filter((m) => m.subject === 'Reset your password').length;
  expect((await app.gql(RecoveryRequestReset, { input: { email } })).data.requestPasswordReset).toBe(true);
  await app.services.passwordReset.idle();
  let mails = smtp.to(email).filter((m) => m.subject === 'Reset your password');
  for (let n = smtp.to(email).length + 1; mails.length <= before; n++) {
    await smtp.waitFor(email, n);
    mails = smtp.to(email).filter((m) => m.subject === 'Reset your password');
  }
  const mail = mails[mails.length - 1]!;
  const token = new URL(mail.text.match(/https?:\/\/\S+/)![0]).searchParams.get('token')!;
  return { mail, token };
}

describe('resetPassword revokes every API key of the account', () => {
  it('a key made before the reset is refused at the next request, on this instance and on another that had it cached', async () => {
    const user = await signUp(app);
    const first = await createKey(user.accessToken, 'made by an intruder');
    const second = await createKey(user.accessToken, 'ci');
    const stranger = await signUp(app);
    const unrelated = await createKey(stranger.accessToken, 'someone else');
    // Both instances have the keys cached and working.
    for (const a of [app, other]) {
      expect((await useKey(a, first.secret)).data.me).toEqual({ id: user.user.id });
      expect((await useKey(a, second.secret)).data.me).toEqual({ id: user.user.id });
    }

    const { mail, token } = await resetMail(user.email);
    expect(mail.text).toContain('revokes the account’s API keys');
    const result = await app.gql(RecoveryReset, { input: { token, newPassword: NEW_PASSWORD } });
    expect(result.data.resetPassword).toEqual({ __typename: 'ResetPasswordSuccess', sessionsEnded: 1, trustedDevicesRevoked: 0, apiKeysRevoked: 2 });

    for (const a of [app, other]) {
      for (const key of [first.secret, second.secret]) {
        const res = await useKey(a, key);
        expect(res.data?.me ?? null).toBeNull();
        expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      }
    }
    // Another account's key is untouched.
    expect((await useKey(other, unrelated.secret)).data.me).toEqual({ id: stranger.user.id });
  });

  it('records one API_KEY_REVOKED entry per key, with the reason password_reset', async () => {
    const user = await signUp(app);
    const keys = [await createKey(user.accessToken, 'a'), await createKey(user.accessToken, 'b')];
    const { token } = await resetMail(user.email);
    expect((await app.gql(RecoveryReset, { input: { token, newPassword: NEW_PASSWORD } })).data.resetPassword).toMatchObject({ apiKeysRevoked: 2 });
    const entries = await app.deps.database.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.userId, user.user.id), eq(auditLogs.action, 'API_KEY_REVOKED')));
    expect(entries.map((e) => ({ apiKeyId: e.apiKeyId, success: e.success, details: e.details })).sort((x, y) => x.apiKeyId!.localeCompare(y.apiKeyId!))).toEqual(
      keys.map((k) => ({ apiKeyId: k.apiKey.id, success: true, details: { reason: 'password_reset' } })).sort((x, y) => x.apiKeyId.localeCompare(y.apiKeyId)),
    );
  });

  it('a reset refused for a weak password revokes nothing: the key keeps working', async () => {
    const user = await signUp(app);
    const key = await createKey(user.accessToken, 'kept');
    const { token } = await resetMail(user.email);
    expect((await app.gql(RecoveryReset, { input: { token, newPassword: 'short' } })).data.resetPassword.__typename).toBe('WeakPasswordError');
    expect((await useKey(other, key.secret)).data.me).toEqual({ id: user.user.id });
  });

  it('a reset with a spent link revokes nothing (the revocation shares the token’s transaction)', async () => {
    const user = await signUp(app);
    const { token } = await resetMail(user.email);
    expect((await app.gql(RecoveryReset, { input: { token, newPassword: NEW_PASSWORD } })).data.resetPassword).toMatchObject({ apiKeysRevoked: 0 });
    // The owner signs in with the new password and makes a key; replaying the spent link fails
    // and must not take that key with it.
    const signedIn = await signIn(app, user.email, NEW_PASSWORD);
    const key = await createKey(signedIn.accessToken, 'after');
    expect((await app.gql(RecoveryReset, { input: { token, newPassword: 'another long passphrase here' } })).data.resetPassword.__typename).toBe('InvalidTokenError');
    expect((await useKey(other, key.secret)).data.me).toEqual({ id: user.user.id });
  });
});
