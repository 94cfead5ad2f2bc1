// Threat: someone who reads the database (a backup, a replica, an SQL injection elsewhere, a
// curious operator) replays a bearer token found there. A pending MFA challenge token lets them
// finish someone's sign-in with one guessed or phished code; a trusted-device token lets them skip
// the second factor for a month. Both must exist in the database only as their SHA-256, in any
// table, audit details included, so nothing read there can be presented back to us.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { LoginMfa, signUpWithMfa, VerifyMfaLogin } from '../support/mfa';
import { codeFor } from '../support/totp';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64url');

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await app.deps.database.db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Every table of the database whose rows, as text, contain `needle` anywhere. */
async function tablesContaining(needle: string): Promise<string[]> {
  const tables = await rows<{ name: string }>(sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`);
  expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['mfa_challenges', 'trusted_devices', 'audit_logs']));
  const found: string[] = [];
  for (const { name } of tables) {
    const [hit] = await rows<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(name)} t where position(${needle} in t::text) > 0`);
    if (hit!.n > 0) found.push(name);
  }
  return found;
}

describe('bearer tokens of the MFA step at rest', () => {
  it('keeps an MFA challenge token only as its SHA-256, before and after it is used', async () => {
    const user = await signUpWithMfa(app);
    const login = await app.gql(LoginMfa, { input: { email: user.email, password: user.password } });
    if (login.data.login.__typename !== 'MfaChallenge') throw new Error(JSON.stringify(login));
    const challengeToken = login.data.login.challengeToken;
    expect(challengeToken).toMatch(/^mc_[A-Za-z0-9_-]{43}$/);

    const stored = await rows<{ token_hash: string }>(sql`select token_hash from mfa_challenges where user_id = ${user.user.id}`);
    expect(stored).toEqual([{ token_hash: sha256(challengeToken) }]);
    expect(await tablesContaining(challengeToken)).toEqual([]);
    // Nor its random part alone, in any encoding a column might use.
    expect(await tablesContaining(challengeToken.slice(3))).toEqual([]);

    const done = await app.gql(VerifyMfaLogin, { input: { challengeToken, code: codeFor(user.secret, app.clock.now()) } });
    expect(done.data.verifyMfaLogin.__typename).toBe('AuthPayload');
    expect(await tablesContaining(challengeToken.slice(3))).toEqual([]);
  });

  it('keeps a trusted-device token only as its SHA-256, and that hash is what a later login is checked against', async () => {
    const user = await signUpWithMfa(app);
    const login = await app.gql(LoginMfa, { input: { email: user.email, password: user.password } });
    if (login.data.login.__typename !== 'MfaChallenge') throw new Error(JSON.stringify(login));
    const verified = await app.gql(VerifyMfaLogin, {
      input: { challengeToken: login.data.login.challengeToken, code: codeFor(user.secret, app.clock.now()), trustDevice: true },
    });
    if (verified.data.verifyMfaLogin.__typename !== 'AuthPayload') throw new Error(JSON.stringify(verified));
    const deviceToken = verified.data.verifyMfaLogin.trustedDeviceToken!;
    expect(deviceToken).toMatch(/^td_[A-Za-z0-9_-]{43}$/);

    const stored = await rows<{ token_hash: string }>(sql`select token_hash from trusted_devices where user_id = ${user.user.id}`);
    expect(stored).toEqual([{ token_hash: sha256(deviceToken) }]);
    expect(await tablesContaining(deviceToken.slice(3))).toEqual([]);

    // The stored hash itself is no token: presented as one, it does not skip the second factor.
    const withHash = await app.gql(LoginMfa, { input: { email: user.email, password: user.password, trustedDeviceToken: `td_${stored[0]!.token_hash}` } });
    expect(withHash.data.login.__typename).toBe('MfaChallenge');
    const withToken = await app.gql(LoginMfa, { input: { email: user.email, password: user.password, trustedDeviceToken: deviceToken } });
    expect(withToken.data.login.__typename).toBe('AuthPayload');
    expect(await tablesContaining(deviceToken.slice(3))).toEqual([]);
  });
});
