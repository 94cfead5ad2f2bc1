// The audit log over HTTP, as a client sees it: which security events are recorded (and with
// exactly which fields), that no secret ever reaches the table, the auditLogs connection (order,
// cursors, filters, limits), who may read what, verifyAuditChain / securityOverview, and the
// streamed export at GET /audit/export.
// TOTP codes always come from the tests' own RFC 6238 generator at app.clock.now(); between two
// accepted codes of one user the clock moves on by one 30 s step (replay protection).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql';
import type { AuditPageQuery, AuditPageQueryVariables } from '../gql/graphql';
import { createBacking, REDIS_URL, startTestApp, type GqlOptions, type TestApp } from '../support/app';
import { ConfirmMfa, EnrollMfa, LoginMfa, MfaStatus, VerifyMfaLogin } from '../support/mfa';
import { Login, Logout, RevokeOthers, RevokeSession, Rotate } from '../support/operations';
import { codeFor } from '../support/totp';
import { PASSWORD, signIn, signUp, uniqueEmail } from '../support/users';

const AuditPage = graphql(`
  query AuditPage($filter: AuditLogFilter, $first: Int, $after: String) {
    auditLogs(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node { id occurredAt action success actorUserId userId ipAddress userAgent sessionId apiKeyId details }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const AuditVerifyChain = graphql(`
  query AuditVerifyChain {
    verifyAuditChain { valid entriesChecked firstBrokenPosition firstBrokenId problem checkedAt }
  }
`);

const AuditSecurityOverview = graphql(`
  query AuditSecurityOverview {
    securityOverview { failedLoginsLastHour failedLoginsLastDay activeLockouts activeSessions users mfaAdoptionRate }
  }
`);

const AuditReauthenticate = graphql(`
  mutation AuditReauthenticate($input: ReauthenticateInput!) {
    reauthenticate(input: $input) {
      __typename
      ... on AuthPayload { accessToken refreshToken session { id } }
      ... on Error { code message }
    }
  }
`);

const AuditChangePassword = graphql(`
  mutation AuditChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input) {
      __typename
      ... on ChangePasswordSuccess { sessionsEnded trustedDevicesRevoked }
      ... on Error { code message }
    }
  }
`);

const AuditDisableMfa = graphql(`
  mutation AuditDisableMfa($input: DisableMfaInput!) {
    disableMfa(input: $input) {
      __typename
      ... on MfaDisabled { trustedDevicesRevoked }
      ... on Error { code message }
    }
  }
`);

const AuditRegenerateBackupCodes = graphql(`
  mutation AuditRegenerateBackupCodes($input: MfaCodeInput!) {
    regenerateBackupCodes(input: $input) {
      __typename
      ... on BackupCodesRegenerated { backupCodes }
      ... on Error { code message }
    }
  }
`);

const AuditRevokeTrustedDevice = graphql(`
  mutation AuditRevokeTrustedDevice($id: ID!) {
    revokeTrustedDevice(id: $id) {
      __typename
      ... on RevokeTrustedDeviceSuccess { trustedDeviceId }
      ... on Error { code message }
    }
  }
`);

type Entry = AuditPageQuery['auditLogs']['edges'][number]['node'];
type Filter = NonNullable<AuditPageQueryVariables['filter']>;

const IP = '127.0.0.1';
const ADMIN_EMAIL = 'audit.admin@example.com';
const ADMIN_PASSWORD = 'Gt2m-Yk8v-Cw4r-Fz6h';
const ADMIN_ENV = { BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EXPORT_COLUMNS = ['id', 'occurredAt', 'action', 'success', 'actorUserId', 'userId', 'ipAddress', 'userAgent', 'sessionId', 'apiKeyId', 'details', 'hash'];

let agents = 0;
/** A user agent no other request of the run sends, so entries can be traced to one call. */
const agent = (label: string) => `AuditTest/1.0 (${label}; ${process.pid}.${agents++})`;

/** Request options: always an explicit user agent; optionally a token and an X-Forwarded-For. */
function opt(o: { token?: string; ua: string; forwardedFor?: string }): GqlOptions {
  const headers: Record<string, string> = { 'user-agent': o.ua };
  if (o.forwardedFor) headers['x-forwarded-for'] = o.forwardedFor;
  return { token: o.token, headers };
}

const iso = (a: TestApp) => a.clock.now().toISOString();

/** Everything but the id (checked to be a UUID), for whole-entry comparisons. */
function fields(e: Entry) {
  const { id, ...rest } = e;
  expect(id).toMatch(UUID);
  return rest;
}

async function page(a: TestApp, token: string, vars: AuditPageQueryVariables) {
  const res = await a.gql(AuditPage, vars, { token });
  if (!res.data?.auditLogs) throw new Error(`auditLogs failed: ${JSON.stringify(res.errors)}`);
  return res.data.auditLogs;
}

/** Every entry the caller can see under `filter`, newest first (pages of 100). */
async function entries(a: TestApp, token: string, filter?: Filter): Promise<Entry[]> {
  const out: Entry[] = [];
  let after: string | null = null;
  for (;;) {
    const p = await page(a, token, { filter, first: 100, after });
    out.push(...p.edges.map((e) => e.node));
    if (!p.pageInfo.hasNextPage) return out;
    after = p.pageInfo.endCursor;
  }
}

const only = (list: Entry[], action: string, pred: (e: Entry) => boolean = () => true) => list.filter((e) => e.action === action && pred(e));
/** The one entry of `action` (matching `pred`): fails unless there is exactly one. */
function once(list: Entry[], action: string, pred?: (e: Entry) => boolean): Entry {
  const found = only(list, action, pred);
  expect(found, `${action} entries`).toHaveLength(1);
  return found[0]!;
}
const details = (e: Entry) => e.details as Record<string, unknown>;

async function dbRows<T>(a: TestApp, query: SQL): Promise<T[]> {
  const result = (await a.deps.database.db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
const rowCount = async (a: TestApp, where: SQL = sql`true`) =>
  Number((await dbRows<{ n: number }>(a, sql`select count(*)::int as n from audit_logs where ${where}`))[0]!.n);
const idsBySeq = async (a: TestApp, where: SQL = sql`true`, dir: 'asc' | 'desc' = 'asc') =>
  (await dbRows<{ id: string }>(a, sql`select id::text as id from audit_logs where ${where} order by seq ${sql.raw(dir)}`)).map((r) => r.id);

/** A fresh admin access token when the cached one is older than 10 minutes of app time. */
function adminTokens(a: () => TestApp) {
  let cached: { token: string; at: number } | undefined;
  return async () => {
    const app = a();
    if (!cached || app.clock.now().getTime() - cached.at > 10 * 60_000) {
      cached = { token: (await signIn(app, ADMIN_EMAIL, ADMIN_PASSWORD)).accessToken, at: app.clock.now().getTime() };
    }
    return cached.token;
  };
}

/** A password login that must fail with InvalidCredentialsError. */
async function failLogin(a: TestApp, email: string, password: string, o: { ua: string; forwardedFor?: string }) {
  const res = await a.gql(Login, { input: { email, password } }, opt(o));
  expect(res.data.login.__typename).toBe('InvalidCredentialsError');
}

/** A 6-digit code that matches none of the steps the server accepts now (nor their neighbours). */
function wrongCode(a: TestApp, secret: string): string {
  const near = new Set([-2, -1, 0, 1, 2].map((s) => codeFor(secret, a.clock.now(), s)));
  for (let i = 0; ; i++) {
    const candidate = String((123456 + i * 7919) % 1_000_000).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

/** Signs up (with `ua`) and switches MFA on; the clock moves one step so the next code is fresh. */
async function mfaUser(a: TestApp, ua: string, password = PASSWORD) {
  const u = await signUp(a, { userAgent: ua, password });
  const enrolled = await a.gql(EnrollMfa, undefined, opt({ token: u.accessToken, ua }));
  if (enrolled.data.enrollMfa.__typename !== 'MfaEnrollment') throw new Error(`enrol failed: ${JSON.stringify(enrolled)}`);
  const { secret } = enrolled.data.enrollMfa;
  const confirmCode = codeFor(secret, a.clock.now());
  const confirmed = await a.gql(ConfirmMfa, { input: { code: confirmCode } }, opt({ token: u.accessToken, ua }));
  if (confirmed.data.confirmMfa.__typename !== 'MfaEnabled') throw new Error(`confirm failed: ${JSON.stringify(confirmed)}`);
  a.clock.advance(30);
  return { ...u, secret, confirmCode, backupCodes: confirmed.data.confirmMfa.backupCodes };
}

async function challenge(a: TestApp, email: string, password: string, ua: string, trustedDeviceToken?: string) {
  const res = await a.gql(LoginMfa, { input: { email, password, trustedDeviceToken } }, opt({ ua }));
  if (res.data.login.__typename !== 'MfaChallenge') throw new Error(`expected a challenge: ${JSON.stringify(res)}`);
  return res.data.login.challengeToken;
}

/** Password, then `code` (default: the current TOTP code); moves the clock one step afterwards. */
async function mfaLogin(a: TestApp, u: { email: string; password: string; secret: string }, ua: string, o: { trustDevice?: boolean; code?: string } = {}) {
  const challengeToken = await challenge(a, u.email, u.password, ua);
  const code = o.code ?? codeFor(u.secret, a.clock.now());
  const res = await a.gql(VerifyMfaLogin, { input: { challengeToken, code, trustDevice: o.trustDevice ?? false } }, opt({ ua }));
  if (res.data.verifyMfaLogin.__typename !== 'AuthPayload') throw new Error(`verify failed: ${JSON.stringify(res)}`);
  a.clock.advance(30);
  return { ...res.data.verifyMfaLogin, challengeToken, code };
}

/** RFC 4180 CSV (quoted cells, doubled quotes, CRLF rows). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

// ---------------------------------------------------------------------------------------------

describe('which events are recorded, once each, with exactly these fields', () => {
  let app: TestApp;
  const admin = adminTokens(() => app);
  beforeAll(async () => {
    app = await startTestApp(ADMIN_ENV);
  });
  afterAll(() => app.close());

  it('register records USER_REGISTERED (roles [USER], via register, no session yet) and LOGIN_SUCCEEDED(method password) for the first session', async () => {
    const ua = agent('register');
    const at = iso(app);
    const u = await signUp(app, { userAgent: ua });
    const log = await entries(app, u.accessToken);
    expect(log.map((e) => e.action)).toEqual(['LOGIN_SUCCEEDED', 'USER_REGISTERED']);
    expect(fields(once(log, 'USER_REGISTERED'))).toEqual({
      occurredAt: at,
      action: 'USER_REGISTERED',
      success: true,
      actorUserId: null,
      userId: u.user.id,
      ipAddress: IP,
      userAgent: ua,
      sessionId: null,
      apiKeyId: null,
      details: { roles: ['USER'], via: 'register' },
    });
    expect(fields(once(log, 'LOGIN_SUCCEEDED'))).toEqual({
      occurredAt: at,
      action: 'LOGIN_SUCCEEDED',
      success: true,
      actorUserId: u.user.id,
      userId: u.user.id,
      ipAddress: IP,
      userAgent: ua,
      sessionId: u.session.id,
      apiKeyId: null,
      details: { method: 'password' },
    });
  });

  it('the bootstrap admin is recorded as USER_REGISTERED with roles [USER, ADMIN] and via bootstrap, without a request IP', async () => {
    const token = await admin();
    const registered = await entries(app, token, { actions: ['USER_REGISTERED'] });
    const bootstrap = once(registered, 'USER_REGISTERED', (e) => details(e).via === 'bootstrap');
    expect(bootstrap).toMatchObject({ success: true, actorUserId: null, ipAddress: null, userAgent: null, sessionId: null, details: { roles: ['USER', 'ADMIN'], via: 'bootstrap' } });
  });

  it('a user agent longer than 512 characters is recorded cut to its first 512', async () => {
    const ua = `${agent('long')} ${'x'.repeat(700)}`;
    const u = await signUp(app, { userAgent: ua });
    const log = await entries(app, u.accessToken);
    expect(log).toHaveLength(2);
    for (const e of log) expect(e.userAgent).toBe(ua.slice(0, 512));
  });

  it('a password login records LOGIN_SUCCEEDED(method password) with the new session, the actor, IP and user agent', async () => {
    const u = await signUp(app, { userAgent: agent('pwd-login-register') });
    const ua = agent('pwd-login');
    const at = iso(app);
    const s = await signIn(app, u.email, PASSWORD, ua);
    const log = await entries(app, s.accessToken);
    expect(only(log, 'LOGIN_SUCCEEDED', (e) => details(e).method === 'password')).toHaveLength(2); // register + this login
    expect(fields(once(log, 'LOGIN_SUCCEEDED', (e) => e.sessionId === s.session.id))).toEqual({
      occurredAt: at,
      action: 'LOGIN_SUCCEEDED',
      success: true,
      actorUserId: u.user.id,
      userId: u.user.id,
      ipAddress: IP,
      userAgent: ua,
      sessionId: s.session.id,
      apiKeyId: null,
      details: { method: 'password' },
    });
  });

  it('a login for an unknown e-mail records LOGIN_FAILED with userId null and the normalised e-mail', async () => {
    const email = uniqueEmail('nobody');
    const ua = agent('unknown-email');
    const at = iso(app);
    await failLogin(app, `  ${email.toUpperCase()} `, PASSWORD, { ua });
    const failed = await entries(app, await admin(), { actions: ['LOGIN_FAILED'] });
    expect(fields(once(failed, 'LOGIN_FAILED', (e) => e.userAgent === ua))).toEqual({
      occurredAt: at,
      action: 'LOGIN_FAILED',
      success: false,
      actorUserId: null,
      userId: null,
      ipAddress: IP,
      userAgent: ua,
      sessionId: null,
      apiKeyId: null,
      details: { reason: 'invalid_credentials', method: 'password', email },
    });
  });

  it('a wrong password records LOGIN_FAILED with the account’s userId (visible to the account owner)', async () => {
    const u = await signUp(app, { userAgent: agent('wrong-pwd-register') });
    const ua = agent('wrong-pwd');
    const at = iso(app);
    await failLogin(app, u.email, 'not the password at all, sorry', { ua });
    const log = await entries(app, u.accessToken);
    expect(fields(once(log, 'LOGIN_FAILED'))).toEqual({
      occurredAt: at,
      action: 'LOGIN_FAILED',
      success: false,
      actorUserId: null,
      userId: u.user.id,
      ipAddress: IP,
      userAgent: ua,
      sessionId: null,
      apiKeyId: null,
      details: { reason: 'invalid_credentials', method: 'password', email: u.email },
    });
  });

  it('a malformed e-mail (a password typed into the e-mail field) records LOGIN_FAILED reason malformed_email and never the typed text', async () => {
    const typed = `Tr0ub4dor&3 ${randomBytes(4).toString('hex')} staple`;
    const ua = agent('malformed');
    await failLogin(app, typed, PASSWORD, { ua });
    const failed = await entries(app, await admin(), { actions: ['LOGIN_FAILED'] });
    const e = once(failed, 'LOGIN_FAILED', (x) => x.userAgent === ua);
    expect(e).toMatchObject({ success: false, userId: null, actorUserId: null, sessionId: null, ipAddress: IP });
    expect(e.details).toEqual({ reason: 'malformed_email', method: 'password' });
    expect(JSON.stringify(e)).not.toContain(typed);
    const dump = (await dbRows<{ t: string }>(app, sql`select t::text as t from audit_logs t`)).map((r) => r.t).join('\n');
    expect(dump).not.toContain(typed);
  });

  it('revokeSession, logout and revokeOtherSessions record one SESSION_REVOKED per ended session, with reason revoked / logout / revoked_others', async () => {
    const u = await signUp(app, { userAgent: agent('revoke-register') });
    const [s2, s3, s4, s5] = [
      await signIn(app, u.email, PASSWORD, agent('s2')),
      await signIn(app, u.email, PASSWORD, agent('s3')),
      await signIn(app, u.email, PASSWORD, agent('s4')),
      await signIn(app, u.email, PASSWORD, agent('s5')),
    ];
    const ua = agent('revoker');
    const atRevoke = iso(app);
    const revoked = await app.gql(RevokeSession, { id: s2!.session.id }, opt({ token: u.accessToken, ua }));
    expect(revoked.data.revokeSession).toEqual({ __typename: 'RevokeSessionSuccess', sessionId: s2!.session.id });
    app.clock.advance(1);
    const atLogout = iso(app);
    expect((await app.gql(Logout, undefined, opt({ token: s3!.accessToken, ua }))).data.logout).toBe(true);
    app.clock.advance(1);
    const atOthers = iso(app);
    expect((await app.gql(RevokeOthers, undefined, opt({ token: u.accessToken, ua }))).data.revokeOtherSessions).toBe(2);

    const log = await entries(app, u.accessToken);
    expect(only(log, 'SESSION_REVOKED')).toHaveLength(4);
    const common = { action: 'SESSION_REVOKED', success: true, actorUserId: u.user.id, userId: u.user.id, ipAddress: IP, userAgent: ua, apiKeyId: null };
    expect(fields(once(log, 'SESSION_REVOKED', (e) => e.sessionId === s2!.session.id))).toEqual({
      ...common,
      occurredAt: atRevoke,
      sessionId: s2!.session.id,
      details: { reason: 'revoked' },
    });
    expect(fields(once(log, 'SESSION_REVOKED', (e) => e.sessionId === s3!.session.id))).toEqual({
      ...common,
      occurredAt: atLogout,
      sessionId: s3!.session.id,
      details: { reason: 'logout' },
    });
    for (const s of [s4!, s5!]) {
      expect(fields(once(log, 'SESSION_REVOKED', (e) => e.sessionId === s.session.id))).toEqual({
        ...common,
        occurredAt: atOthers,
        sessionId: s.session.id,
        details: { reason: 'revoked_others' },
      });
    }
    expect(only(log, 'SESSION_REVOKED', (e) => e.sessionId === u.session.id)).toHaveLength(0);
  });

  it('presenting a spent refresh token records REFRESH_TOKEN_REUSED (success false) and the SESSION_REVOKED with reason refresh_token_reused', async () => {
    const u = await signUp(app, { userAgent: agent('reuse-register') });
    const ua = agent('reuse');
    const first = await app.gql(Rotate, { input: { refreshToken: u.refreshToken } }, opt({ ua }));
    expect(first.data.rotateRefresh.__typename).toBe('AuthPayload');
    app.clock.advance(5);
    const at = iso(app);
    const again = await app.gql(Rotate, { input: { refreshToken: u.refreshToken } }, opt({ ua }));
    expect(again.data.rotateRefresh.__typename).toBe('RefreshTokenReusedError');

    const reader = await signIn(app, u.email, PASSWORD, agent('reuse-reader'));
    const log = await entries(app, reader.accessToken);
    const common = { occurredAt: at, userId: u.user.id, actorUserId: null, ipAddress: IP, userAgent: ua, sessionId: u.session.id, apiKeyId: null };
    expect(fields(once(log, 'REFRESH_TOKEN_REUSED'))).toEqual({ ...common, action: 'REFRESH_TOKEN_REUSED', success: false, details: {} });
    expect(fields(once(log, 'SESSION_REVOKED'))).toEqual({ ...common, action: 'SESSION_REVOKED', success: true, details: { reason: 'refresh_token_reused' } });
  });

  it('reauthenticate records REAUTHENTICATED for the new session with details.previousSessionId, and ends the old one (SESSION_REVOKED reason reauthenticated)', async () => {
    const u = await signUp(app, { userAgent: agent('reauth-register') });
    const ua = agent('reauth');
    const at = iso(app);
    const res = await app.gql(AuditReauthenticate, { input: { password: PASSWORD } }, opt({ token: u.accessToken, ua }));
    if (res.data.reauthenticate.__typename !== 'AuthPayload') throw new Error(JSON.stringify(res));
    const fresh = res.data.reauthenticate;
    expect(fresh.session.id).not.toBe(u.session.id);

    const log = await entries(app, fresh.accessToken);
    const common = { occurredAt: at, success: true, actorUserId: u.user.id, userId: u.user.id, ipAddress: IP, userAgent: ua, apiKeyId: null };
    expect(fields(once(log, 'REAUTHENTICATED'))).toEqual({
      ...common,
      action: 'REAUTHENTICATED',
      sessionId: fresh.session.id,
      details: { method: 'password', previousSessionId: u.session.id },
    });
    expect(fields(once(log, 'SESSION_REVOKED'))).toEqual({ ...common, action: 'SESSION_REVOKED', sessionId: u.session.id, details: { reason: 'reauthenticated' } });
  });

  it('changePassword records PASSWORD_CHANGED (no details) for the calling session and one SESSION_REVOKED(password_changed) per other session', async () => {
    const u = await signUp(app, { userAgent: agent('pwchange-register') });
    const other = await signIn(app, u.email, PASSWORD, agent('pwchange-other'));
    const ua = agent('pwchange');
    const at = iso(app);
    const res = await app.gql(AuditChangePassword, { input: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase for audit' } }, opt({ token: u.accessToken, ua }));
    expect(res.data.changePassword).toEqual({ __typename: 'ChangePasswordSuccess', sessionsEnded: 1, trustedDevicesRevoked: 0 });

    const log = await entries(app, u.accessToken);
    const common = { occurredAt: at, success: true, actorUserId: u.user.id, userId: u.user.id, ipAddress: IP, userAgent: ua, apiKeyId: null };
    expect(fields(once(log, 'PASSWORD_CHANGED'))).toEqual({ ...common, action: 'PASSWORD_CHANGED', sessionId: u.session.id, details: {} });
    expect(fields(once(log, 'SESSION_REVOKED'))).toEqual({ ...common, action: 'SESSION_REVOKED', sessionId: other.session.id, details: { reason: 'password_changed' } });
  });

  it('MFA enrolment records MFA_ENROLLMENT_STARTED (no details) and MFA_ENABLED (method TOTP), once each, for the calling session', async () => {
    const ua = agent('enrol');
    const at = iso(app);
    const u = await mfaUser(app, ua);
    const log = await entries(app, u.accessToken);
    const common = { occurredAt: at, success: true, actorUserId: u.user.id, userId: u.user.id, ipAddress: IP, userAgent: ua, sessionId: u.session.id, apiKeyId: null };
    expect(fields(once(log, 'MFA_ENROLLMENT_STARTED'))).toEqual({ ...common, action: 'MFA_ENROLLMENT_STARTED', details: {} });
    expect(fields(once(log, 'MFA_ENABLED'))).toEqual({ ...common, action: 'MFA_ENABLED', details: { method: 'TOTP' } });
  });

  it('a TOTP login with trustDevice records LOGIN_SUCCEEDED(method totp) and TRUSTED_DEVICE_ADDED; a trusted-device login records LOGIN_SUCCEEDED(method trusted_device); revokeTrustedDevice records TRUSTED_DEVICE_REVOKED', async () => {
    const u = await mfaUser(app, agent('td-register'));
    const ua = agent('td');
    const atTotp = iso(app);
    const totp = await mfaLogin(app, u, ua, { trustDevice: true });
    expect(totp.trustedDeviceToken).toMatch(/^td_/);
    const status = (await app.gql(MfaStatus, undefined, { token: totp.accessToken })).data.mfaStatus;
    expect(status.trustedDevices).toHaveLength(1);
    const device = status.trustedDevices[0]!;

    const atTrusted = iso(app);
    const trusted = await app.gql(LoginMfa, { input: { email: u.email, password: PASSWORD, trustedDeviceToken: totp.trustedDeviceToken } }, opt({ ua }));
    if (trusted.data.login.__typename !== 'AuthPayload') throw new Error(JSON.stringify(trusted));
    const trustedSession = trusted.data.login.session.id;

    app.clock.advance(1);
    const atRevoke = iso(app);
    const revoked = await app.gql(AuditRevokeTrustedDevice, { id: device.id }, opt({ token: totp.accessToken, ua }));
    expect(revoked.data.revokeTrustedDevice).toEqual({ __typename: 'RevokeTrustedDeviceSuccess', trustedDeviceId: device.id });

    const log = await entries(app, totp.accessToken);
    const base = { success: true, userId: u.user.id, ipAddress: IP, userAgent: ua, apiKeyId: null };
    expect(fields(once(log, 'LOGIN_SUCCEEDED', (e) => details(e).method === 'totp'))).toEqual({
      ...base,
      occurredAt: atTotp,
      action: 'LOGIN_SUCCEEDED',
      actorUserId: u.user.id,
      sessionId: totp.session.id,
      details: { method: 'totp' },
    });
    expect(fields(once(log, 'TRUSTED_DEVICE_ADDED'))).toEqual({
      ...base,
      occurredAt: atTotp,
      action: 'TRUSTED_DEVICE_ADDED',
      actorUserId: null,
      sessionId: totp.session.id,
      details: { trustedDeviceId: device.id, expiresAt: device.expiresAt },
    });
    expect(fields(once(log, 'LOGIN_SUCCEEDED', (e) => details(e).method === 'trusted_device'))).toEqual({
      ...base,
      occurredAt: atTrusted,
      action: 'LOGIN_SUCCEEDED',
      actorUserId: u.user.id,
      sessionId: trustedSession,
      details: { method: 'trusted_device' },
    });
    expect(fields(once(log, 'TRUSTED_DEVICE_REVOKED'))).toEqual({
      ...base,
      occurredAt: atRevoke,
      action: 'TRUSTED_DEVICE_REVOKED',
      actorUserId: u.user.id,
      sessionId: totp.session.id,
      details: { trustedDeviceId: device.id, reason: 'revoked' },
    });
    expect(only(log, 'LOGIN_SUCCEEDED').map((e) => details(e).method).sort()).toEqual(['password', 'totp', 'trusted_device']);
  });

  it('a backup-code login records BACKUP_CODE_USED with remaining 9 and LOGIN_SUCCEEDED(method backup_code)', async () => {
    const u = await mfaUser(app, agent('backup-register'));
    const ua = agent('backup');
    const at = iso(app);
    const s = await mfaLogin(app, u, ua, { code: u.backupCodes[0]! });
    const log = await entries(app, s.accessToken);
    expect(fields(once(log, 'BACKUP_CODE_USED'))).toEqual({
      occurredAt: at,
      action: 'BACKUP_CODE_USED',
      success: true,
      actorUserId: null,
      userId: u.user.id,
      ipAddress: IP,
      userAgent: ua,
      sessionId: null,
      apiKeyId: null,
      details: { remaining: 9 },
    });
    expect(fields(once(log, 'LOGIN_SUCCEEDED', (e) => details(e).method === 'backup_code'))).toEqual({
      occurredAt: at,
      action: 'LOGIN_SUCCEEDED',
      success: true,
      actorUserId: u.user.id,
      userId: u.user.id,
      ipAddress: IP,
      userAgent: ua,
      sessionId: s.session.id,
      apiKeyId: null,
      details: { method: 'backup_code' },
    });
  });

  it('five wrong MFA codes record five MFA_CODE_FAILED (method TOTP / BACKUP_CODE) and one ACCOUNT_LOCKED with scope mfa, lockedUntil and failures 5', async () => {
    const u = await mfaUser(app, agent('lock-register'));
    const ua = agent('lock');
    const challengeToken = await challenge(app, u.email, PASSWORD, ua);
    const at = iso(app);
    let lockedUntil: string | undefined;
    for (let i = 0; i < 5; i++) {
      const code = i === 2 ? 'AAAA-BBBB-CCCC' : wrongCode(app, u.secret); // the third guess: a wrong backup code
      const r = (await app.gql(VerifyMfaLogin, { input: { challengeToken, code } }, opt({ ua }))).data.verifyMfaLogin;
      if (i < 4) expect(r.__typename).toBe('InvalidMfaCodeError');
      else if (r.__typename === 'AccountLockedError') lockedUntil = r.lockedUntil ?? undefined;
      else throw new Error(`expected AccountLockedError: ${JSON.stringify(r)}`);
    }
    const expectedUntil = new Date(app.clock.now().getTime() + app.config.mfa.lockDuration * 1000).toISOString();
    expect(lockedUntil).toBe(expectedUntil);

    const log = await entries(app, u.accessToken);
    const common = { occurredAt: at, success: false, actorUserId: null, userId: u.user.id, ipAddress: IP, userAgent: ua, sessionId: null, apiKeyId: null };
    const failures = only(log, 'MFA_CODE_FAILED');
    expect(failures).toHaveLength(5);
    expect(failures.map(fields)).toEqual(
      ['TOTP', 'TOTP', 'BACKUP_CODE', 'TOTP', 'TOTP'].reverse().map((method) => ({ ...common, action: 'MFA_CODE_FAILED', details: { method, reason: 'invalid_code' } })),
    );
    expect(fields(once(log, 'ACCOUNT_LOCKED'))).toEqual({ ...common, action: 'ACCOUNT_LOCKED', details: { scope: 'mfa', lockedUntil: expectedUntil, failures: 5 } });
    // Newest first: the lock comes after (above) the failure that caused it.
    expect(log.findIndex((e) => e.action === 'ACCOUNT_LOCKED')).toBeLessThan(log.findIndex((e) => e.action === 'MFA_CODE_FAILED'));
  });

  it('regenerateBackupCodes records BACKUP_CODES_REGENERATED with count 10', async () => {
    const u = await mfaUser(app, agent('regen-register'));
    const ua = agent('regen');
    const at = iso(app);
    const res = await app.gql(AuditRegenerateBackupCodes, { input: { code: codeFor(u.secret, app.clock.now()) } }, opt({ token: u.accessToken, ua }));
    if (res.data.regenerateBackupCodes.__typename !== 'BackupCodesRegenerated') throw new Error(JSON.stringify(res));
    expect(res.data.regenerateBackupCodes.backupCodes).toHaveLength(10);
    const log = await entries(app, u.accessToken);
    expect(fields(once(log, 'BACKUP_CODES_REGENERATED'))).toEqual({
      occurredAt: at,
      action: 'BACKUP_CODES_REGENERATED',
      success: true,
      actorUserId: u.user.id,
      userId: u.user.id,
      ipAddress: IP,
      userAgent: ua,
      sessionId: u.session.id,
      apiKeyId: null,
      details: { count: 10 },
    });
  });

  it('disableMfa records MFA_DISABLED with trustedDevicesRevoked and one TRUSTED_DEVICE_REVOKED(reason mfa_disabled) per live trusted device', async () => {
    const u = await mfaUser(app, agent('disable-register'));
    await mfaLogin(app, u, agent('disable-td'), { trustDevice: true });
    const device = (await app.gql(MfaStatus, undefined, { token: u.accessToken })).data.mfaStatus.trustedDevices[0]!;
    const ua = agent('disable');
    const at = iso(app);
    const res = await app.gql(AuditDisableMfa, { input: { password: PASSWORD, code: codeFor(u.secret, app.clock.now()) } }, opt({ token: u.accessToken, ua }));
    expect(res.data.disableMfa).toEqual({ __typename: 'MfaDisabled', trustedDevicesRevoked: 1 });
    const log = await entries(app, u.accessToken);
    const common = { occurredAt: at, success: true, actorUserId: u.user.id, userId: u.user.id, ipAddress: IP, userAgent: ua, sessionId: u.session.id, apiKeyId: null };
    expect(fields(once(log, 'MFA_DISABLED'))).toEqual({ ...common, action: 'MFA_DISABLED', details: { trustedDevicesRevoked: 1 } });
    expect(fields(once(log, 'TRUSTED_DEVICE_REVOKED'))).toEqual({
      ...common,
      action: 'TRUSTED_DEVICE_REVOKED',
      details: { trustedDeviceId: device.id, reason: 'mfa_disabled' },
    });
  });

  it('keys.rotate() records SIGNING_KEY_ROTATED once with the new kid and activatesAt, attributed to no user, request or session', async () => {
    const at = iso(app);
    const rotated = await app.services.keys.rotate();
    const token = await admin();
    const log = await entries(app, token, { actions: ['SIGNING_KEY_ROTATED'] });
    expect(log.map(fields)).toEqual([
      {
        occurredAt: at,
        action: 'SIGNING_KEY_ROTATED',
        success: true,
        actorUserId: null,
        userId: null,
        ipAddress: null,
        userAgent: null,
        sessionId: null,
        apiKeyId: null,
        details: { kid: rotated.kid, activatesAt: rotated.activatesAt.toISOString() },
      },
    ]);
    // Published in the JWKS at once (it signs only later).
    const jwks = (await (await fetch(new URL('/.well-known/jwks.json', app.url))).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toContain(rotated.kid);
  });
});

// ---------------------------------------------------------------------------------------------

describe('no secret reaches the audit table', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('after a flow with passwords, TOTP and backup codes, refresh/access/trusted-device/challenge tokens and the TOTP secret, none of them appears anywhere in audit_logs', async () => {
    const ua = agent('redaction');
    const hex = () => randomBytes(5).toString('hex');
    const password = `redaction ${hex()} passphrase one`;
    const newPassword = `redaction ${hex()} passphrase two`;
    const wrongPassword = `redaction ${hex()} wrong guess`;
    const longSecrets: string[] = [password, newPassword, wrongPassword];
    const sixDigitCodes: string[] = [];
    const tokens: string[] = [];

    const u = await mfaUser(app, ua, password);
    longSecrets.push(u.secret);
    sixDigitCodes.push(u.confirmCode);
    tokens.push(u.accessToken, u.refreshToken);

    // TOTP login that trusts the device; its refresh token is rotated, then the spent one replayed.
    const totp = await mfaLogin(app, { ...u, password }, ua, { trustDevice: true });
    sixDigitCodes.push(totp.code);
    tokens.push(totp.challengeToken, totp.accessToken, totp.refreshToken!, totp.trustedDeviceToken!);
    const rotated = await app.gql(Rotate, { input: { refreshToken: totp.refreshToken } }, opt({ ua }));
    if (rotated.data.rotateRefresh.__typename !== 'AuthPayload') throw new Error(JSON.stringify(rotated));
    tokens.push(rotated.data.rotateRefresh.accessToken, rotated.data.rotateRefresh.refreshToken!);
    expect((await app.gql(Rotate, { input: { refreshToken: totp.refreshToken } }, opt({ ua }))).data.rotateRefresh.__typename).toBe('RefreshTokenReusedError');

    // Trusted-device login, backup-code login, a wrong password, a password typed as the e-mail.
    const viaDevice = await app.gql(LoginMfa, { input: { email: u.email, password, trustedDeviceToken: totp.trustedDeviceToken } }, opt({ ua }));
    if (viaDevice.data.login.__typename !== 'AuthPayload') throw new Error(JSON.stringify(viaDevice));
    tokens.push(viaDevice.data.login.accessToken, viaDevice.data.login.refreshToken!);
    const backup = await mfaLogin(app, { ...u, password }, ua, { code: u.backupCodes[0]! });
    tokens.push(backup.challengeToken, backup.accessToken, backup.refreshToken!);
    await failLogin(app, u.email, wrongPassword, { ua });
    await failLogin(app, password, wrongPassword, { ua });

    // A wrong TOTP code (counted), then step-up with password + code, change password, new backup codes.
    const openChallenge = await challenge(app, u.email, password, ua);
    tokens.push(openChallenge);
    const wrong = wrongCode(app, u.secret);
    expect((await app.gql(VerifyMfaLogin, { input: { challengeToken: openChallenge, code: wrong } }, opt({ ua }))).data.verifyMfaLogin.__typename).toBe('InvalidMfaCodeError');
    const reauthCode = codeFor(u.secret, app.clock.now());
    sixDigitCodes.push(reauthCode);
    const reauth = await app.gql(AuditReauthenticate, { input: { password, code: reauthCode } }, opt({ token: backup.accessToken, ua }));
    if (reauth.data.reauthenticate.__typename !== 'AuthPayload') throw new Error(JSON.stringify(reauth));
    const fresh = reauth.data.reauthenticate;
    tokens.push(fresh.accessToken, fresh.refreshToken!);
    app.clock.advance(30);
    const changed = await app.gql(AuditChangePassword, { input: { currentPassword: password, newPassword } }, opt({ token: fresh.accessToken, ua }));
    expect(changed.data.changePassword.__typename).toBe('ChangePasswordSuccess');
    const regenCode = codeFor(u.secret, app.clock.now());
    sixDigitCodes.push(regenCode);
    const regen = await app.gql(AuditRegenerateBackupCodes, { input: { code: regenCode } }, opt({ token: fresh.accessToken, ua }));
    if (regen.data.regenerateBackupCodes.__typename !== 'BackupCodesRegenerated') throw new Error(JSON.stringify(regen));

    const backupCodes = [...u.backupCodes, ...regen.data.regenerateBackupCodes.backupCodes];
    const dump = (await dbRows<{ t: string }>(app, sql`select t::text as t from audit_logs t`)).map((r) => r.t).join('\n');

    // The dump is real: it holds this flow's events (so the negative checks below mean something).
    for (const action of ['LOGIN_FAILED', 'BACKUP_CODE_USED', 'TRUSTED_DEVICE_ADDED', 'REFRESH_TOKEN_REUSED', 'REAUTHENTICATED', 'PASSWORD_CHANGED', 'MFA_CODE_FAILED', 'BACKUP_CODES_REGENERATED']) {
      expect(dump).toContain(action);
    }
    expect(dump).toContain(u.user.id);
    expect(dump).toContain(ua);

    for (const s of longSecrets) expect(dump, 'a password or the TOTP secret').not.toContain(s);
    for (const t of tokens) {
      expect(dump, 'a token').not.toContain(t);
      // The random part alone too (rt_, td_, mc_ prefixes; a JWT's signature).
      const tail = t.includes('.') ? t.split('.')[2]! : t.replace(/^[a-z]{2}_/, '');
      expect(dump, 'the random part of a token').not.toContain(tail);
    }
    for (const c of backupCodes) {
      expect(dump, 'a backup code').not.toContain(c);
      expect(dump, 'a backup code without dashes').not.toContain(c.replace(/-/g, ''));
      expect(dump, 'the secret part of a backup code').not.toContain(c.replace(/-/g, '').slice(4));
    }
    // Six digits can occur by chance inside hex hashes and UUIDs; a code on its own (not within a
    // longer run of digits or hex) cannot.
    for (const c of [...sixDigitCodes, wrong]) expect(dump, 'a TOTP code').not.toMatch(new RegExp(`(?<![0-9a-f])${c}(?![0-9a-f])`));
  });
});

// ---------------------------------------------------------------------------------------------

describe('the auditLogs connection: order, cursors, limits and filters', () => {
  let app: TestApp;
  const admin = adminTokens(() => app);
  beforeAll(async () => {
    // TRUST_PROXY: the client IP comes from X-Forwarded-For, so one test can act from other addresses.
    app = await startTestApp({ ...ADMIN_ENV, TRUST_PROXY: 'true' });
  });
  afterAll(() => app.close());

  it('lists the caller’s entries newest first (chain order, occurredAt never increasing)', async () => {
    const u = await signUp(app, { userAgent: agent('order') });
    app.clock.advance(10);
    await failLogin(app, u.email, 'wrong password for ordering', { ua: agent('order') });
    app.clock.advance(10);
    await signIn(app, u.email, PASSWORD, agent('order'));
    const log = await entries(app, u.accessToken);
    expect(log.map((e) => e.action)).toEqual(['LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGIN_SUCCEEDED', 'USER_REGISTERED']);
    expect(log.map((e) => e.id)).toEqual(await idsBySeq(app, sql`user_id = ${u.user.id}`, 'desc'));
    const times = log.map((e) => Date.parse(e.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(times[0]! - times[3]!).toBe(20_000);
  });

  it('paging with first=2 and after cursors returns every entry once, in order, while new events are inserted between page fetches', async () => {
    const u = await signUp(app, { userAgent: agent('paging') });
    for (let i = 0; i < 7; i++) await failLogin(app, u.email, `wrong password number ${i}`, { ua: agent('paging') });
    const before = await entries(app, u.accessToken);
    expect(before).toHaveLength(9);

    const collected: Entry[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const p = await page(app, u.accessToken, { first: 2, after });
      pages++;
      expect(p.edges.length).toBeLessThanOrEqual(2);
      expect(p.pageInfo.endCursor).toBe(p.edges.at(-1)?.cursor ?? null);
      collected.push(...p.edges.map((e) => e.node));
      // Meanwhile, elsewhere: a new login and a new failure, both newer than anything paged so far.
      await signIn(app, u.email, PASSWORD, agent('paging-concurrent'));
      await failLogin(app, u.email, 'a concurrent wrong password', { ua: agent('paging-concurrent') });
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(pages).toBe(5);
    expect(collected.map((e) => e.id)).toEqual(before.map((e) => e.id));
    expect(new Set(collected.map((e) => e.id)).size).toBe(collected.length);

    // The events added meanwhile are there, on top, when starting over.
    const now = await entries(app, u.accessToken);
    expect(now).toHaveLength(9 + 2 * pages);
    expect(now.slice(2 * pages).map((e) => e.id)).toEqual(before.map((e) => e.id));
    expect(
      now
        .slice(0, 2 * pages)
        .map((e) => e.action)
        .sort(),
    ).toEqual([...Array(pages).fill('LOGIN_FAILED'), ...Array(pages).fill('LOGIN_SUCCEEDED')]);
  });

  it('caps first at 100: asking for 150 of 107 (a page size in a variable costs as written, so within the cost limit) entries gives 100 and hasNextPage, then the other 7', async () => {
    const u = await signUp(app, { userAgent: agent('cap') });
    const ua = agent('cap-fail');
    for (let batch = 0; batch < 15; batch++) {
      await Promise.all(Array.from({ length: 7 }, (_, i) => failLogin(app, u.email, `wrong password ${batch}-${i}`, { ua })));
    }
    expect(await rowCount(app, sql`user_id = ${u.user.id}`)).toBe(107);
    const first = await page(app, u.accessToken, { first: 150 });
    expect(first.edges).toHaveLength(100);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await page(app, u.accessToken, { first: 150, after: first.pageInfo.endCursor });
    expect(second.edges).toHaveLength(7);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(second.edges.at(-1)!.node.action).toBe('USER_REGISTERED');
    // Without `first`: 20.
    expect((await page(app, u.accessToken, {})).edges).toHaveLength(20);
  });

  it('answers BAD_USER_INPUT for first 0 (or negative) and for a garbage after cursor', async () => {
    const u = await signUp(app, { userAgent: agent('bad-input') });
    for (const first of [0, -3]) {
      const res = await app.gql(AuditPage, { first }, { token: u.accessToken });
      expect(res.data).toBeNull();
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const garbage = [
      'garbage',
      '!!!not base64!!!',
      Buffer.from('audit:abc').toString('base64url'),
      Buffer.from('audit:0').toString('base64url'),
      Buffer.from('audit:-4').toString('base64url'),
      Buffer.from('audit:1.5').toString('base64url'),
      Buffer.from('users:5').toString('base64url'),
    ];
    for (const after of garbage) {
      const res = await app.gql(AuditPage, { first: 5, after }, { token: u.accessToken });
      expect(res.data, after).toBeNull();
      expect(res.errors?.[0]?.extensions?.code, after).toBe('BAD_USER_INPUT');
    }
  });

  it('filters by actions (one or several) and by success', async () => {
    const u = await signUp(app, { userAgent: agent('filters') });
    await failLogin(app, u.email, 'first wrong password here', { ua: agent('filters') });
    await failLogin(app, u.email, 'second wrong password here', { ua: agent('filters') });
    await signIn(app, u.email, PASSWORD, agent('filters'));
    const all = await entries(app, u.accessToken);
    expect(all).toHaveLength(5);

    const failed = await entries(app, u.accessToken, { actions: ['LOGIN_FAILED'] });
    expect(failed.map((e) => e.id)).toEqual(only(all, 'LOGIN_FAILED').map((e) => e.id));
    expect(failed).toHaveLength(2);
    const two = await entries(app, u.accessToken, { actions: ['LOGIN_FAILED', 'USER_REGISTERED'] });
    expect(two.map((e) => e.action)).toEqual(['LOGIN_FAILED', 'LOGIN_FAILED', 'USER_REGISTERED']);

    const unsuccessful = await entries(app, u.accessToken, { success: false });
    expect(unsuccessful.map((e) => e.id)).toEqual(failed.map((e) => e.id));
    const successful = await entries(app, u.accessToken, { success: true });
    expect(successful.map((e) => e.action)).toEqual(['LOGIN_SUCCEEDED', 'LOGIN_SUCCEEDED', 'USER_REGISTERED']);
    expect(await entries(app, u.accessToken, { actions: ['LOGIN_FAILED'], success: true })).toEqual([]);
  });

  it('filters by time with from and to', async () => {
    const u = await signUp(app, { userAgent: agent('time') });
    const t0 = app.clock.now().getTime();
    app.clock.advance(100);
    await failLogin(app, u.email, 'wrong password at t1', { ua: agent('time') });
    app.clock.advance(100);
    await failLogin(app, u.email, 'wrong password at t2', { ua: agent('time') });
    const at = (ms: number) => new Date(ms).toISOString();
    const all = await entries(app, u.accessToken);
    expect(all.map((e) => Date.parse(e.occurredAt) - t0)).toEqual([200_000, 100_000, 0, 0]);

    const window = await entries(app, u.accessToken, { from: at(t0 + 50_000), to: at(t0 + 150_000) });
    expect(window.map((e) => e.id)).toEqual([all[1]!.id]);
    const since = await entries(app, u.accessToken, { from: at(t0 + 50_000) });
    expect(since.map((e) => e.id)).toEqual([all[0]!.id, all[1]!.id]);
    const until = await entries(app, u.accessToken, { to: at(t0 + 50_000) });
    expect(until.map((e) => e.action)).toEqual(['LOGIN_SUCCEEDED', 'USER_REGISTERED']);
    expect(await entries(app, u.accessToken, { from: at(t0 + 250_000) })).toEqual([]);
  });

  it('filters by ipAddress (the client address, from X-Forwarded-For with TRUST_PROXY)', async () => {
    const u = await signUp(app, { userAgent: agent('ip') });
    await failLogin(app, u.email, 'wrong password from far away', { ua: agent('ip'), forwardedFor: '203.0.113.77' });
    await failLogin(app, u.email, 'wrong password from elsewhere', { ua: agent('ip'), forwardedFor: '10.0.0.1, 198.51.100.23' });
    const far = await entries(app, u.accessToken, { ipAddress: '203.0.113.77' });
    expect(far).toHaveLength(1);
    expect(far[0]).toMatchObject({ action: 'LOGIN_FAILED', ipAddress: '203.0.113.77', userId: u.user.id });
    const elsewhere = await entries(app, u.accessToken, { ipAddress: '198.51.100.23' });
    expect(elsewhere.map((e) => e.ipAddress)).toEqual(['198.51.100.23']);
    const local = await entries(app, u.accessToken, { ipAddress: IP });
    expect(local.map((e) => e.action)).toEqual(['LOGIN_SUCCEEDED', 'USER_REGISTERED']);
    expect(await entries(app, u.accessToken, { ipAddress: '192.0.2.1' })).toEqual([]);
  });

  // Regression: this once reached PostgreSQL's uuid cast and came back as an internal error.
  it('an admin filtering by a userId that is not a UUID gets BAD_USER_INPUT or an empty page, not INTERNAL_SERVER_ERROR', async () => {
    const res = await app.gql(AuditPage, { filter: { userId: 'not-a-uuid' } }, { token: await admin() });
    if (res.errors) expect(res.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    else expect(res.data.auditLogs.edges).toEqual([]);
  });

  // Regression: a NUL once reached PostgreSQL, which refuses it, and came back as an internal error.
  it('filtering by an ipAddress containing NUL gives BAD_USER_INPUT or an empty page, not INTERNAL_SERVER_ERROR', async () => {
    const u = await signUp(app, { userAgent: agent('nul-ip') });
    const res = await app.gql(AuditPage, { filter: { ipAddress: '127.0.0.1\u0000' } }, { token: u.accessToken });
    if (res.errors) expect(res.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    else expect(res.data.auditLogs.edges).toEqual([]);
  });

  it('lets an admin filter by userId: exactly that user’s entries, the same the user sees', async () => {
    const a = await signUp(app, { userAgent: agent('uid-a') });
    const b = await signUp(app, { userAgent: agent('uid-b') });
    await failLogin(app, a.email, 'wrong password for a', { ua: agent('uid-a') });
    await failLogin(app, b.email, 'wrong password for b', { ua: agent('uid-b') });
    const token = await admin();
    const ofA = await entries(app, token, { userId: a.user.id });
    expect(ofA).toHaveLength(3);
    expect(ofA.every((e) => e.userId === a.user.id)).toBe(true);
    expect(ofA.map((e) => e.id)).toEqual((await entries(app, a.accessToken)).map((e) => e.id));
    const failedOfB = await entries(app, token, { userId: b.user.id, actions: ['LOGIN_FAILED'] });
    expect(failedOfB.map((e) => [e.userId, e.action])).toEqual([[b.user.id, 'LOGIN_FAILED']]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('who may read what: auditLogs scopes, verifyAuditChain, securityOverview', () => {
  let app: TestApp;
  const admin = adminTokens(() => app);
  let failedCaused = 0;
  const fail = async (email: string) => {
    await failLogin(app, email, 'a wrong password for scopes', { ua: agent('scopes-fail') });
    failedCaused++;
  };
  let a: Awaited<ReturnType<typeof signUp>>;
  let b: Awaited<ReturnType<typeof signUp>>;
  beforeAll(async () => {
    app = await startTestApp(ADMIN_ENV);
    a = await signUp(app, { userAgent: agent('scope-a') });
    b = await signUp(app, { userAgent: agent('scope-b') });
    await fail(a.email);
    await fail(b.email);
    await fail(b.email);
    await fail(uniqueEmail('scope-nobody'));
    await signIn(app, b.email, PASSWORD, agent('scope-b'));
  });
  afterAll(() => app.close());

  it('a normal user sees only their own entries without any filter, none of another user’s nor anonymous ones', async () => {
    const ofA = await entries(app, a.accessToken);
    const ofB = await entries(app, b.accessToken);
    expect(ofA.map((e) => e.action)).toEqual(['LOGIN_FAILED', 'LOGIN_SUCCEEDED', 'USER_REGISTERED']);
    expect(ofB.map((e) => e.action)).toEqual(['LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_SUCCEEDED', 'USER_REGISTERED']);
    expect(ofA.every((e) => e.userId === a.user.id)).toBe(true);
    expect(ofB.every((e) => e.userId === b.user.id)).toBe(true);
    const idsOfB = new Set(ofB.map((e) => e.id));
    expect(ofA.filter((e) => idsOfB.has(e.id))).toEqual([]);
    expect(ofA.map((e) => e.id)).toEqual(await idsBySeq(app, sql`user_id = ${a.user.id}`, 'desc'));
    // The same with a filter that does not name a user.
    expect((await entries(app, a.accessToken, { actions: ['LOGIN_FAILED'] })).map((e) => e.userId)).toEqual([a.user.id]);
    // Filtering by one's own id is allowed.
    expect((await entries(app, a.accessToken, { userId: a.user.id })).map((e) => e.id)).toEqual(ofA.map((e) => e.id));
  });

  it('a normal user filtering by another user’s id gets FORBIDDEN with missingScopes [audit:read:all]', async () => {
    const res = await app.gql(AuditPage, { filter: { userId: b.user.id } }, { token: a.accessToken });
    expect(res.data).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['audit:read:all'] });
  });

  it('anonymous callers get UNAUTHENTICATED from auditLogs', async () => {
    const res = await app.gql(AuditPage, {});
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('an admin sees everyone’s entries, including those of no user, exactly the rows of the table', async () => {
    const all = await entries(app, await admin());
    expect(all.map((e) => e.id)).toEqual(await idsBySeq(app, sql`true`, 'desc'));
    const users = new Set(all.map((e) => e.userId));
    expect(users.has(a.user.id)).toBe(true);
    expect(users.has(b.user.id)).toBe(true);
    expect(users.has(null)).toBe(true);
  });

  it('verifyAuditChain and securityOverview are FORBIDDEN for a normal user, naming the missing scope', async () => {
    const chain = await app.gql(AuditVerifyChain, undefined, { token: a.accessToken });
    expect(chain.data).toBeNull();
    expect(chain.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['audit:read:all'] });
    const overview = await app.gql(AuditSecurityOverview, undefined, { token: a.accessToken });
    expect(overview.data).toBeNull();
    expect(overview.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['security:read'] });
  });

  it('verifyAuditChain (admin) reports valid with entriesChecked equal to the number of rows in audit_logs', async () => {
    const token = await admin();
    const res = await app.gql(AuditVerifyChain, undefined, { token });
    expect(res.data.verifyAuditChain).toMatchObject({ valid: true, firstBrokenPosition: null, firstBrokenId: null, problem: null, checkedAt: iso(app) });
    expect(res.data.verifyAuditChain.entriesChecked).toBe(await rowCount(app));
  });

  it('securityOverview (admin) counts the LOGIN_FAILED of the last hour and day, active sessions, users and MFA adoption', async () => {
    const m = await mfaUser(app, agent('scope-mfa'));
    const first = (await app.gql(AuditSecurityOverview, undefined, { token: await admin() })).data.securityOverview;
    expect(first.failedLoginsLastHour).toBe(failedCaused);
    expect(first.failedLoginsLastDay).toBe(failedCaused);

    // An hour later: the earlier failures leave the hour but not the day.
    app.clock.advance(3601);
    await fail(a.email);
    await fail(uniqueEmail('scope-nobody-later'));
    await fail(m.email);
    const overview = (await app.gql(AuditSecurityOverview, undefined, { token: await admin() })).data.securityOverview;
    expect(overview.failedLoginsLastHour).toBe(3);
    expect(overview.failedLoginsLastDay).toBe(failedCaused);
    expect(failedCaused).toBe(7);
    expect(await rowCount(app, sql`action = 'LOGIN_FAILED'`)).toBe(failedCaused);

    const [live] = await dbRows<{ n: number }>(app, sql`select count(*)::int as n from sessions where revoked_at is null and idle_expires_at > ${iso(app)}::timestamptz and expires_at > ${iso(app)}::timestamptz`);
    expect(overview.activeSessions).toBeGreaterThan(0);
    expect(overview.activeSessions).toBe(Number(live!.n));
    expect(overview.users).toBe(4); // admin, a, b, m
    expect(overview.mfaAdoptionRate).toBeGreaterThanOrEqual(0);
    expect(overview.mfaAdoptionRate).toBeLessThanOrEqual(1);
    expect(overview.mfaAdoptionRate).toBe(0.25);
    expect(overview.activeLockouts).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------

describe('GET /audit/export', () => {
  let app: TestApp;
  const admin = adminTokens(() => app);
  const FORMULA_UA = '=HYPERLINK("x")';
  let formula: Awaited<ReturnType<typeof signUp>>;
  let plain: Awaited<ReturnType<typeof signUp>>;
  beforeAll(async () => {
    app = await startTestApp(ADMIN_ENV);
    formula = await signUp(app, { userAgent: FORMULA_UA });
    plain = await signUp(app, { userAgent: agent('export-plain') });
    await failLogin(app, formula.email, 'wrong password for export', { ua: FORMULA_UA });
    await failLogin(app, plain.email, 'wrong password for export', { ua: agent('export-plain') });
    await failLogin(app, uniqueEmail('export-nobody'), 'wrong password for export', { ua: agent('export-nobody') });
    app.clock.advance(60);
    await signIn(app, plain.email, PASSWORD, agent('export-plain'));
  });
  afterAll(() => app.close());

  async function exportAs(query: string, token?: string) {
    return fetch(new URL(`/audit/export?${query}`, app.url), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  }
  async function jsonl(query: string): Promise<Record<string, unknown>[]> {
    const res = await exportAs(query, await admin());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const text = await res.text();
    expect(text.endsWith('\n')).toBe(true);
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  it('format=jsonl streams one JSON object per line for every entry, oldest first', async () => {
    const records = await jsonl('format=jsonl');
    expect(records).toHaveLength(await rowCount(app));
    expect(records.map((r) => r.id)).toEqual(await idsBySeq(app, sql`true`, 'asc'));
    for (const r of records) expect(Object.keys(r)).toEqual(EXPORT_COLUMNS);
    const times = records.map((r) => Date.parse(r.occurredAt as string));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    // The same entries a client reads through GraphQL.
    const viaGraphql = await entries(app, await admin(), { userId: formula.user.id });
    const exported = records.filter((r) => r.userId === formula.user.id).reverse();
    expect(exported.map((r) => ({ ...r, hash: undefined }))).toEqual(viaGraphql.map((e) => ({ ...e, hash: undefined })));
  });

  it('format=csv has a header row and one row per entry; a user agent starting with "=" comes out prefixed with a quote', async () => {
    const res = await exportAs('format=csv', await admin());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parseCsv(await res.text());
    expect(rows[0]).toEqual(EXPORT_COLUMNS);
    const body = rows.slice(1);
    expect(body).toHaveLength(await rowCount(app));
    for (const r of body) expect(r).toHaveLength(EXPORT_COLUMNS.length);
    const col = (name: string) => EXPORT_COLUMNS.indexOf(name);
    expect(body.map((r) => r[col('id')])).toEqual(await idsBySeq(app, sql`true`, 'asc'));

    const registered = body.filter((r) => r[col('action')] === 'USER_REGISTERED' && r[col('userId')] === formula.user.id);
    expect(registered).toHaveLength(1);
    expect(registered[0]![col('userAgent')]).toBe(`'${FORMULA_UA}`);
    expect(JSON.parse(registered[0]![col('details')]!)).toEqual({ roles: ['USER'], via: 'register' });
    // No cell anywhere starts with a character a spreadsheet would run as a formula.
    for (const r of body) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(body.filter((r) => r[col('userAgent')] === `'${FORMULA_UA}`)).toHaveLength(3); // registered, first login, failed login
  });

  it('filters narrow the export: actions=LOGIN_FAILED, userId, and both together (jsonl and csv)', async () => {
    const failed = await jsonl('format=jsonl&actions=LOGIN_FAILED');
    expect(failed).toHaveLength(3);
    expect(failed.every((r) => r.action === 'LOGIN_FAILED')).toBe(true);
    expect(failed.map((r) => r.id)).toEqual(await idsBySeq(app, sql`action = 'LOGIN_FAILED'`, 'asc'));

    const ofPlain = await jsonl(`format=jsonl&userId=${plain.user.id}`);
    expect(ofPlain.map((r) => r.action)).toEqual(['USER_REGISTERED', 'LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGIN_SUCCEEDED']);
    expect(ofPlain.every((r) => r.userId === plain.user.id)).toBe(true);

    const both = await jsonl(`format=jsonl&actions=LOGIN_FAILED,USER_REGISTERED&userId=${formula.user.id}`);
    expect(both.map((r) => r.action)).toEqual(['USER_REGISTERED', 'LOGIN_FAILED']);

    const csv = await exportAs(`format=csv&actions=LOGIN_FAILED&userId=${formula.user.id}`, await admin());
    const rows = parseCsv(await csv.text());
    expect(rows).toHaveLength(2);
    expect(rows[1]![EXPORT_COLUMNS.indexOf('action')]).toBe('LOGIN_FAILED');
    expect(rows[1]![EXPORT_COLUMNS.indexOf('userId')]).toBe(formula.user.id);
  });

  it('answers 401 without a token (or with a bad one) and 403 with a normal user’s token', async () => {
    const anonymous = await exportAs('format=jsonl');
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect((await exportAs('format=jsonl', 'not-a-token')).status).toBe(401);

    const user = await signIn(app, plain.email, PASSWORD, agent('export-user'));
    const forbidden = await exportAs('format=jsonl', user.accessToken);
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('FORBIDDEN');
  });

  it('answers 400 BAD_USER_INPUT for format=xml (and an unknown action)', async () => {
    const xml = await exportAs('format=xml', await admin());
    expect(xml.status).toBe(400);
    expect(((await xml.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect((await exportAs('format=jsonl&actions=NOT_AN_ACTION', await admin())).status).toBe(400);
  });

  it('streams every entry, oldest first, when there are more than one batch (500) of them', async () => {
    // Volume only: 600 entries written in-process (through the audit service, as login failures
    // would be) instead of 600 HTTP logins.
    for (let i = 0; i < 600; i++) {
      await app.services.audit.log({ action: 'LOGIN_FAILED', success: false, ip: '192.0.2.1', details: { reason: 'invalid_credentials', method: 'password', email: `bulk${i}@example.com` } });
    }
    const token = await admin();
    const total = await rowCount(app);
    expect(total).toBeGreaterThan(600);
    const records = await jsonl('format=jsonl');
    expect(records.map((r) => r.id)).toEqual(await idsBySeq(app, sql`true`, 'asc'));
    const csv = parseCsv(await (await exportAs('format=csv', token)).text());
    expect(csv).toHaveLength(total + 1);
    const bulk = await jsonl('format=jsonl&actions=LOGIN_FAILED&ipAddress=192.0.2.1');
    expect(bulk.map((r) => (r.details as { email: string }).email)).toEqual(Array.from({ length: 600 }, (_, i) => `bulk${i}@example.com`));
  });
});

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('GET /audit/export with a filter value the database refuses (the real server, in its own process)', () => {
  // Regression: an unchecked filter value once made the stream fail after the headers, the
  // response hang, and the lost rejection end the whole process. Run out of process for that reason.
  it('answers 400 BAD_USER_INPUT to userId=not-a-uuid and keeps serving', async () => {
    const backing = await createBacking();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'ignore'],
      env: {
        ...process.env,
        NODE_ENV: 'test',
        // Only to see the "listening" line, the event the test waits for.
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: backing.databaseUrl,
        REDIS_URL,
        REDIS_KEY_PREFIX: backing.redisPrefix,
        ENCRYPTION_KEY: backing.encryptionKey,
        PUBLIC_URL: 'http://idp.test',
        ARGON2_MEMORY_KIB: '8192',
        ARGON2_ITERATIONS: '1',
        ...ADMIN_ENV,
      },
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let output = '';
    const listening = new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes(`listening on ${base}/graphql`)) resolve();
      });
      void exited.then((code) => reject(new Error(`the server exited with ${code} before listening`)));
    });
    try {
      await listening;
      const login = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: Login.toString(), variables: { input: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } } }),
      });
      const token = ((await login.json()) as { data: { login: { accessToken: string } } }).data.login.accessToken;
      expect(token).toBeTruthy();

      let outcome: { status: number; body: string } | 'no complete response within 3 s';
      try {
        const res = await fetch(`${base}/audit/export?format=csv&userId=not-a-uuid`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(3000) });
        outcome = { status: res.status, body: await res.text() };
      } catch {
        outcome = 'no complete response within 3 s';
      }
      // A rejection lost by the export would end the process when the event loop next turns; a
      // full request after it (through GraphQL) is such a turn, and more, before we look.
      const after = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ passwordPolicy { minLength } }' }),
      }).then((r) => r.status, () => 0);
      const stillUp = after === 200 && child.exitCode === null && (await fetch(`${base}/healthz`).then((r) => r.status, () => 0)) === 200;
      expect({ outcome, stillUp }).toMatchObject({ outcome: { status: 400 }, stillUp: true });
      expect(JSON.parse((outcome as { body: string }).body)).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await backing.drop();
    }
  }, 60_000);
});
