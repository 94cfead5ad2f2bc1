/**
 * API keys, exercised over HTTP as a client would: what each kind of caller may do (scope
 * matrix), what the key looks like and what is stored (only a SHA-256), the limits (scopes,
 * expiry, IP allowlist, per-minute rate limit across instances), rotation with grace and
 * revocation everywhere at once, why a key can never manage credentials, and how a key follows
 * its owner's roles.
 */
import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql';
import { startTestApp, type GqlOptions, type GqlResponse, type TestApp } from '../support/app';
import { alertProbe, firstMessage, sse, whenSubscribed } from '../support/subscriptions';
import { PASSWORD, signIn, signUp } from '../support/users';

const ADMIN = { BOOTSTRAP_ADMIN_EMAIL: 'keys.admin@example.com', BOOTSTRAP_ADMIN_PASSWORD: 'Rb7k-Wm3q-Xv9t-Jd5p' };
const USER_SCOPES = ['apikeys:read', 'apikeys:write', 'audit:read', 'mfa:write', 'profile:read', 'profile:write', 'sessions:read', 'sessions:write'];
const KEY_SHAPE = /^idp_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

const KeysCreate = graphql(`
  mutation KeysCreate($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      __typename
      ... on CreateApiKeyPayload {
        secret
        apiKey { id name prefix lastFour scopes allowedIps rateLimitPerMinute createdAt expiresAt lastUsedAt lastUsedIp useCount revokedAt }
      }
      ... on InvalidScopeError { invalidScopes }
      ... on Error { code message }
    }
  }
`);
const KeysList = graphql(`
  query KeysList {
    apiKeys { id name prefix lastFour scopes allowedIps rateLimitPerMinute createdAt expiresAt lastUsedAt lastUsedIp useCount revokedAt }
  }
`);
const KeysRotate = graphql(`
  mutation KeysRotate($input: RotateApiKeyInput!) {
    rotateApiKey(input: $input) {
      __typename
      ... on CreateApiKeyPayload { secret apiKey { id prefix lastFour scopes revokedAt } }
      ... on Error { code message }
    }
  }
`);
const KeysRevoke = graphql(`
  mutation KeysRevoke($id: ID!) {
    revokeApiKey(id: $id) {
      __typename
      ... on RevokeApiKeySuccess { apiKey { id revokedAt } }
      ... on Error { code message }
    }
  }
`);
const KeysMe = graphql(`
  query KeysMe {
    me { id email roles scopes }
  }
`);
const KeysAuditLogs = graphql(`
  query KeysAuditLogs($filter: AuditLogFilter, $first: Int) {
    auditLogs(filter: $filter, first: $first) {
      edges { node { action success userId actorUserId apiKeyId sessionId ipAddress details } }
    }
  }
`);
const KeysOverview = graphql(`
  query KeysOverview {
    securityOverview { activeSessions }
  }
`);
const KeysSetRoles = graphql(`
  mutation KeysSetRoles($input: SetUserRolesInput!) {
    setUserRoles(input: $input) {
      __typename
      ... on SetUserRolesSuccess { user { id roles } }
      ... on Error { code message }
    }
  }
`);
const KeysSessions = graphql(`
  query KeysSessions {
    sessions { id current }
  }
`);
const KeysRevokeAll = graphql(`
  mutation KeysRevokeAll {
    revokeAllSessions
  }
`);
const KeysChangePassword = graphql(`
  mutation KeysChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input) {
      __typename
      ... on Error { code message }
    }
  }
`);
const KeysEnrollMfa = graphql(`
  mutation KeysEnrollMfa {
    enrollMfa {
      __typename
      ... on MfaEnrollment { secret }
      ... on Error { code message }
    }
  }
`);
const KeysLogout = graphql(`
  mutation KeysLogout {
    logout
  }
`);
const KeysAlerts = graphql(`
  subscription KeysAlerts($filter: SecurityAlertFilter) {
    securityAlerts(filter: $filter) { id type severity userId ipAddress details }
  }
`);

type Auth = GqlOptions;
const asKey = (key: string, headers: Record<string, string> = {}): Auth => ({ headers: { 'x-api-key': key, ...headers } });
const asSession = (token: string): Auth => ({ token });
const ANONYMOUS: Auth = {};

type Errors = GqlResponse<unknown>['errors'];
const ext = (res: { errors?: Errors }) => res.errors?.[0]?.extensions;

/** One word for what happened: OK, UNAUTHENTICATED <reason>, FORBIDDEN <reason | missing scopes>, ... */
function outcome(res: { errors?: Errors }, succeeded: boolean): string {
  const e = ext(res);
  if (!e) return succeeded ? 'OK' : `UNEXPECTED ${JSON.stringify(res)}`;
  if (e.code === 'FORBIDDEN' && Array.isArray(e.missingScopes)) return `FORBIDDEN missing ${(e.missingScopes as string[]).join(' ')}`;
  return [e.code, e.reason].filter(Boolean).join(' ');
}

let app: TestApp;
let other: TestApp; // a second instance on the same database, Redis and clock

beforeAll(async () => {
  app = await startTestApp(ADMIN);
  other = await startTestApp({}, app.backing);
});
afterAll(async () => {
  await other?.close();
  await app?.close();
});

/** A fresh admin sign-in (tests move the clock; earlier access tokens may have expired). */
const adminSignIn = () => signIn(app, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD);

async function createKey(a: TestApp, token: string, input: { name?: string; scopes: string[]; expiresAt?: string; allowedIps?: string[]; rateLimitPerMinute?: number }) {
  const res = await a.gql(KeysCreate, { input: { name: input.name ?? 'test key', ...input } }, asSession(token));
  const r = res.data?.createApiKey;
  if (r?.__typename !== 'CreateApiKeyPayload') throw new Error(`createApiKey failed: ${JSON.stringify(res)}`);
  return r;
}

const listKeys = async (a: TestApp, token: string) => (await a.gql(KeysList, undefined, asSession(token))).data.apiKeys;

/** What `me` answers for this key on this instance. */
async function meWith(a: TestApp, key: string) {
  const res = await a.gql(KeysMe, undefined, asKey(key));
  return { outcome: outcome(res, !!res.data?.me), me: res.data?.me ?? null, res };
}

async function useCountOf(token: string, keyId: string) {
  await app.services.apiKeys.flushUsage();
  await other.services.apiKeys.flushUsage();
  return (await listKeys(app, token)).find((k) => k.id === keyId)!.useCount;
}

async function rows<T>(a: TestApp, query: SQL): Promise<T[]> {
  return (await a.deps.database.db.execute(query as never)) as unknown as T[];
}

describe('scope matrix: sessions and API keys against guarded fields', () => {
  it('answers UNAUTHENTICATED without identity, FORBIDDEN with missingScopes without the scope, and SESSION_REQUIRED for keys on the subscription', async () => {
    const admin = await adminSignIn();
    const user = await signUp(app);
    const target = await signUp(app);

    // The admin watches alerts while its privileged keys are created below: proof the subscription is live.
    const adminStream = sse<{ securityAlerts: { id: string; type: string; userId: string | null; details: Record<string, unknown> } }>(
      app.url,
      KeysAlerts.toString(),
      { filter: { types: ['PRIVILEGED_API_KEY_CREATED'] } },
      admin.accessToken,
    );
    const { probe: adminProbe, isProbe } = alertProbe(app.deps.pubsub, 'PRIVILEGED_API_KEY_CREATED');
    const adminAlerts = await whenSubscribed(adminStream, adminProbe, isProbe);

    const userAuditKey = (await createKey(app, user.accessToken, { scopes: ['audit:read'] })).secret;
    const adminSecurityKey = await createKey(app, admin.accessToken, { scopes: ['security:read'] });
    const adminUsersKey = (await createKey(app, admin.accessToken, { scopes: ['users:write'] })).secret;
    const adminAlertsKey = (await createKey(app, admin.accessToken, { scopes: ['alerts:read', 'security:read', 'audit:read', 'users:write'] })).secret;

    const callers: Record<string, { auth: Auth; bearer?: string }> = {
      anonymous: { auth: ANONYMOUS },
      'USER session': { auth: asSession(user.accessToken), bearer: user.accessToken },
      'ADMIN session': { auth: asSession(admin.accessToken), bearer: admin.accessToken },
      'USER key [audit:read]': { auth: asKey(userAuditKey), bearer: userAuditKey },
      'ADMIN key [security:read]': { auth: asKey(adminSecurityKey.secret), bearer: adminSecurityKey.secret },
      'ADMIN key [users:write]': { auth: asKey(adminUsersKey), bearer: adminUsersKey },
      'ADMIN key [alerts:read security:read audit:read users:write]': { auth: asKey(adminAlertsKey), bearer: adminAlertsKey },
    };

    async function subscriptionOutcome(bearer?: string): Promise<string> {
      const stream = sse<{ securityAlerts: { id: string } }>(app.url, KeysAlerts.toString(), {}, bearer);
      try {
        // A live subscription receives the probe; a refused one answers with its error first.
        const { probe, isProbe } = alertProbe(app.deps.pubsub);
        const r = await firstMessage(stream, probe).catch(() => 'complete' as const);
        if (r === 'complete') return 'COMPLETE';
        if (isProbe(r)) return 'OK';
        return outcome(r, false);
      } finally {
        stream.close();
      }
    }

    const matrix: Record<string, Record<string, string>> = {};
    for (const [name, { auth, bearer }] of Object.entries(callers)) {
      const audit = await app.gql(KeysAuditLogs, { first: 1 }, auth);
      const overview = await app.gql(KeysOverview, undefined, auth);
      const roles = await app.gql(KeysSetRoles, { input: { userId: target.user.id, roles: ['USER'] } }, auth);
      matrix[name] = {
        'auditLogs (audit:read)': outcome(audit, Array.isArray(audit.data?.auditLogs?.edges)),
        'securityOverview (security:read)': outcome(overview, typeof overview.data?.securityOverview?.activeSessions === 'number'),
        'setUserRoles (users:write)': outcome(roles, roles.data?.setUserRoles?.__typename === 'SetUserRolesSuccess'),
        'securityAlerts (alerts:read)': await subscriptionOutcome(bearer),
      };
    }

    expect(matrix).toEqual({
      anonymous: {
        'auditLogs (audit:read)': 'UNAUTHENTICATED',
        'securityOverview (security:read)': 'UNAUTHENTICATED',
        'setUserRoles (users:write)': 'UNAUTHENTICATED',
        'securityAlerts (alerts:read)': 'UNAUTHENTICATED',
      },
      'USER session': {
        'auditLogs (audit:read)': 'OK',
        'securityOverview (security:read)': 'FORBIDDEN missing security:read',
        'setUserRoles (users:write)': 'FORBIDDEN missing users:write',
        'securityAlerts (alerts:read)': 'FORBIDDEN missing alerts:read',
      },
      'ADMIN session': {
        'auditLogs (audit:read)': 'OK',
        'securityOverview (security:read)': 'OK',
        'setUserRoles (users:write)': 'OK',
        'securityAlerts (alerts:read)': 'OK',
      },
      'USER key [audit:read]': {
        'auditLogs (audit:read)': 'OK',
        'securityOverview (security:read)': 'FORBIDDEN missing security:read',
        'setUserRoles (users:write)': 'FORBIDDEN missing users:write',
        'securityAlerts (alerts:read)': 'FORBIDDEN SESSION_REQUIRED',
      },
      'ADMIN key [security:read]': {
        'auditLogs (audit:read)': 'FORBIDDEN missing audit:read',
        'securityOverview (security:read)': 'OK',
        'setUserRoles (users:write)': 'FORBIDDEN missing users:write',
        'securityAlerts (alerts:read)': 'FORBIDDEN SESSION_REQUIRED',
      },
      'ADMIN key [users:write]': {
        'auditLogs (audit:read)': 'FORBIDDEN missing audit:read',
        'securityOverview (security:read)': 'FORBIDDEN missing security:read',
        'setUserRoles (users:write)': 'OK',
        'securityAlerts (alerts:read)': 'FORBIDDEN SESSION_REQUIRED',
      },
      // Holding alerts:read does not help: the subscription is for signed-in sessions only.
      'ADMIN key [alerts:read security:read audit:read users:write]': {
        'auditLogs (audit:read)': 'OK',
        'securityOverview (security:read)': 'OK',
        'setUserRoles (users:write)': 'OK',
        'securityAlerts (alerts:read)': 'FORBIDDEN SESSION_REQUIRED',
      },
    });

    // A forbidden mutation changed nothing: the target is still a plain user.
    expect((await app.gql(KeysMe, undefined, asSession(target.accessToken))).data.me?.roles).toEqual(['USER']);

    // The admin's subscription was open and received the alert for its first privileged key.
    const alert = await adminAlerts.next();
    adminAlerts.close();
    expect(alert).not.toBe('complete');
    expect(alert !== 'complete' && alert.data?.securityAlerts).toMatchObject({
      type: 'PRIVILEGED_API_KEY_CREATED',
      details: { apiKeyId: adminSecurityKey.apiKey.id, scopes: ['security:read'] },
    });
  });
});

describe('creating and listing keys', () => {
  it('returns the secret once (idp_<id>_<secret>), lists keys with usage but never the secret, and stores only a SHA-256', async () => {
    const owner = await signUp(app);
    const expiresAt = new Date(app.clock.now().getTime() + 30 * 86400_000).toISOString();
    const created = await createKey(app, owner.accessToken, { name: '  CI deploy  ', scopes: ['profile:read', 'audit:read'], expiresAt, rateLimitPerMinute: 100 });

    const m = KEY_SHAPE.exec(created.secret);
    expect(m).not.toBeNull();
    const [, idHex, secretPart] = m!;
    expect(idHex).toBe(created.apiKey.id.replace(/-/g, ''));
    expect(created.apiKey.prefix).toBe(`idp_${idHex}`);
    expect(created.secret.startsWith(`${created.apiKey.prefix}_`)).toBe(true);
    expect(created.apiKey.lastFour).toBe(created.secret.slice(-4));
    expect(created.apiKey).toMatchObject({
      name: 'CI deploy',
      scopes: ['audit:read', 'profile:read'],
      allowedIps: [],
      rateLimitPerMinute: 100,
      lastUsedAt: null,
      lastUsedIp: null,
      useCount: 0,
      revokedAt: null,
    });
    expect(new Date(created.apiKey.createdAt).getTime()).toBe(app.clock.now().getTime());
    expect(new Date(created.apiKey.expiresAt!).toISOString()).toBe(expiresAt);

    // Both ways of presenting a key work, on both instances.
    expect((await meWith(app, created.secret)).me?.id).toBe(owner.user.id);
    expect((await other.gql(KeysMe, undefined, { token: created.secret })).data.me).toEqual({
      id: owner.user.id,
      email: owner.email,
      roles: ['USER'],
      scopes: ['audit:read', 'profile:read'],
    });
    app.clock.advance(5);
    const lastUse = app.clock.now().toISOString();
    expect((await meWith(app, created.secret)).outcome).toBe('OK');

    await app.services.apiKeys.flushUsage();
    await other.services.apiKeys.flushUsage();
    const listRes = await app.gql(KeysList, undefined, asSession(owner.accessToken));
    expect(listRes.data.apiKeys).toEqual([
      {
        id: created.apiKey.id,
        name: 'CI deploy',
        prefix: created.apiKey.prefix,
        lastFour: created.apiKey.lastFour,
        scopes: ['audit:read', 'profile:read'],
        allowedIps: [],
        rateLimitPerMinute: 100,
        createdAt: created.apiKey.createdAt,
        expiresAt: created.apiKey.expiresAt,
        lastUsedAt: lastUse,
        lastUsedIp: '127.0.0.1',
        useCount: 3,
        revokedAt: null,
      },
    ]);
    expect(JSON.stringify(listRes)).not.toContain(secretPart);

    // Only the SHA-256 of the secret is stored; neither the key nor its secret is in any row.
    const [stored] = await rows<{ secret_hash: string; last_four: string; all: string }>(
      app,
      sql`select secret_hash, last_four, row_to_json(k)::text as all from api_keys k where id = ${created.apiKey.id}`,
    );
    expect(stored!.secret_hash).toBe(createHash('sha256').update(secretPart!).digest('base64url'));
    expect(stored!.last_four).toBe(created.apiKey.lastFour);
    expect(stored!.all).not.toContain(secretPart);
    const everywhere = await rows<{ t: string }>(
      app,
      sql`select coalesce((select string_agg(row_to_json(a)::text, '') from audit_logs a), '') || coalesce((select string_agg(row_to_json(k)::text, '') from api_keys k), '') as t`,
    );
    expect(everywhere[0]!.t).not.toContain(secretPart);
    expect(everywhere[0]!.t).toContain(created.apiKey.id);

    const audit = await rows<{ action: string; details: Record<string, unknown> }>(
      app,
      sql`select action, details from audit_logs where api_key_id = ${created.apiKey.id} order by seq`,
    );
    expect(audit).toEqual([{ action: 'API_KEY_CREATED', details: { name: 'CI deploy', scopes: ['audit:read', 'profile:read'], expiresAt } }]);
  });

  it('lists only the caller’s own keys, newest first', async () => {
    const a = await signUp(app);
    const b = await signUp(app);
    const first = await createKey(app, a.accessToken, { name: 'first', scopes: ['profile:read'] });
    app.clock.advance(1);
    const second = await createKey(app, a.accessToken, { name: 'second', scopes: ['profile:read'] });
    await createKey(app, b.accessToken, { name: 'not yours', scopes: ['profile:read'] });
    expect((await listKeys(app, a.accessToken)).map((k) => [k.id, k.name])).toEqual([
      [second.apiKey.id, 'second'],
      [first.apiKey.id, 'first'],
    ]);
  });
});

describe('limits', () => {
  it('refuses scopes the owner does not hold, listing them, and creates nothing', async () => {
    const owner = await signUp(app);
    const res = await app.gql(KeysCreate, { input: { name: 'too much', scopes: ['profile:read', 'users:read', 'security:read'] } }, asSession(owner.accessToken));
    expect(res.data.createApiKey).toMatchObject({ __typename: 'InvalidScopeError', code: 'INVALID_SCOPE', invalidScopes: ['users:read', 'security:read'] });
    expect(await listKeys(app, owner.accessToken)).toEqual([]);
  });

  it('refuses unknown scopes, listing them, and creates nothing', async () => {
    const owner = await signUp(app);
    const res = await app.gql(KeysCreate, { input: { name: 'typo', scopes: ['profile:read', 'profile:raed', 'root'] } }, asSession(owner.accessToken));
    expect(res.data.createApiKey).toMatchObject({ __typename: 'InvalidScopeError', code: 'INVALID_SCOPE', invalidScopes: ['profile:raed', 'root'] });
    expect(res.data.createApiKey.__typename === 'InvalidScopeError' && res.data.createApiKey.message).toContain('profile:raed');
    expect(await listKeys(app, owner.accessToken)).toEqual([]);
  });

  it('refuses an expiresAt in the past with BAD_USER_INPUT', async () => {
    const owner = await signUp(app);
    const past = new Date(app.clock.now().getTime() - 1000).toISOString();
    const res = await app.gql(KeysCreate, { input: { name: 'stale', scopes: ['profile:read'], expiresAt: past } }, asSession(owner.accessToken));
    expect(ext(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expiresAt' });
    expect(await listKeys(app, owner.accessToken)).toEqual([]);
  });

  it('an expired key is UNAUTHENTICATED with reason API_KEY_EXPIRED, on every instance', async () => {
    const owner = await signUp(app);
    const expiresAt = new Date(app.clock.now().getTime() + 120_000).toISOString();
    const key = (await createKey(app, owner.accessToken, { scopes: ['profile:read'], expiresAt })).secret;
    expect((await meWith(app, key)).outcome).toBe('OK');
    expect((await meWith(other, key)).outcome).toBe('OK');
    app.clock.advance(121);
    const refused = await meWith(app, key);
    expect(refused.outcome).toBe('UNAUTHENTICATED API_KEY_EXPIRED');
    expect(refused.res.status).toBe(401);
    expect((await meWith(other, key)).outcome).toBe('UNAUTHENTICATED API_KEY_EXPIRED');
  });

  describe('IP allowlist (TRUST_PROXY, client address from X-Forwarded-For)', () => {
    let proxied: TestApp;
    let proxied2: TestApp; // a second instance behind the same proxy, sharing the backing
    beforeAll(async () => {
      proxied = await startTestApp({ TRUST_PROXY: 'true' });
      proxied2 = await startTestApp({ TRUST_PROXY: 'true' }, proxied.backing);
    });
    afterAll(async () => {
      await proxied2?.close();
      await proxied?.close();
    });

    it('lets addresses inside IPv4, IPv6 and CIDR entries in; outside is FORBIDDEN IP_NOT_ALLOWED, audited and alerted', async () => {
      const owner = await signUp(proxied);
      const created = await createKey(proxied, owner.accessToken, {
        scopes: ['profile:read'],
        allowedIps: ['203.0.113.7', '10.0.0.0/8', '2001:db8::/32', '::1', ' 192.0.2.0/24 '],
      });
      expect(created.apiKey.allowedIps).toEqual(['203.0.113.7', '10.0.0.0/8', '2001:db8::/32', '::1', '192.0.2.0/24']);
      const from = async (ip: string) => {
        const res = await proxied.gql(KeysMe, undefined, asKey(created.secret, { 'x-forwarded-for': ip }));
        return outcome(res, res.data?.me?.id === owner.user.id);
      };

      const inside = ['203.0.113.7', '10.255.0.1', '192.0.2.200', '2001:db8:abcd::5', '::1', '::ffff:10.1.2.3', '198.51.100.1, 10.0.0.9'];
      // With one trusted proxy the client is the right-most entry (what the proxy appended).
      const outside = ['203.0.113.8', '11.0.0.1', '192.0.3.1', '2001:db9::1', '::2', '10.0.0.9, 198.51.100.1'];
      const results: Record<string, string> = {};
      for (const ip of [...inside, ...outside]) results[ip] = await from(ip);
      expect(results).toEqual({
        ...Object.fromEntries(inside.map((ip) => [ip, 'OK'])),
        ...Object.fromEntries(outside.map((ip) => [ip, 'FORBIDDEN IP_NOT_ALLOWED'])),
      });

      const denied = await rows<{ action: string; success: boolean; ip_address: string; details: Record<string, unknown> }>(
        proxied,
        sql`select action, success, ip_address, details from audit_logs where api_key_id = ${created.apiKey.id} and action = 'API_KEY_USE_DENIED' order by seq`,
      );
      // Every outside call is refused, but recorded once per key and minute: a leaked key
      // hammered from elsewhere cannot flood the audit log and the alert stream.
      const deniedRow = (ip: string) => ({ action: 'API_KEY_USE_DENIED', success: false, ip_address: ip, details: { reason: 'ip_not_allowed' } });
      expect(denied).toEqual([deniedRow('203.0.113.8')]);
      const alertRow = (ip: string) => ({ type: 'API_KEY_IP_DENIED', severity: 'MEDIUM', user_id: owner.user.id, ip_address: ip, details: { apiKeyId: created.apiKey.id } });
      const alerts = () =>
        rows<{ type: string; severity: string; user_id: string; ip_address: string; details: Record<string, unknown> }>(
          proxied,
          sql`select type, severity, user_id, ip_address, details from security_alerts where type = 'API_KEY_IP_DENIED' order by occurred_at`,
        );
      expect(await alerts()).toEqual([alertRow('203.0.113.8')]);
      // The next minute, the next refusal is recorded (and alerted) again.
      proxied.clock.advance(60);
      expect(await from('11.0.0.1')).toBe('FORBIDDEN IP_NOT_ALLOWED');
      expect(await alerts()).toEqual([alertRow('203.0.113.8'), alertRow('11.0.0.1')]);

      // Only the allowed requests were counted as uses, from the address the proxy reported.
      await proxied.services.apiKeys.flushUsage();
      const [listed] = await listKeys(proxied, owner.accessToken);
      expect(listed!.useCount).toBe(inside.length);
      expect(listed!.lastUsedIp).toBe('10.0.0.9');
    });

    // Regression: lastUsedIp used to be overwritten by whichever instance flushed last.
    it('lastUsedIp belongs to the same (most recent) use as lastUsedAt, whatever order the instances flush in', async () => {
      const owner = await signUp(proxied);
      const created = await createKey(proxied, owner.accessToken, { scopes: ['profile:read'] });
      expect(outcome(await proxied.gql(KeysMe, undefined, asKey(created.secret, { 'x-forwarded-for': '198.51.100.1' })), true)).toBe('OK');
      proxied.clock.advance(10);
      expect(outcome(await proxied2.gql(KeysMe, undefined, asKey(created.secret, { 'x-forwarded-for': '198.51.100.2' })), true)).toBe('OK');
      const latest = proxied.clock.now().toISOString();
      await proxied2.services.apiKeys.flushUsage(); // the newer use reaches the database first
      await proxied.services.apiKeys.flushUsage();
      const [listed] = await listKeys(proxied, owner.accessToken);
      expect(listed).toMatchObject({ useCount: 2, lastUsedAt: latest, lastUsedIp: '198.51.100.2' });
    });

    it('refuses malformed entries with BAD_USER_INPUT naming them, and creates nothing', async () => {
      const owner = await signUp(proxied);
      for (const bad of ['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/8/8', '10.0.0.0/-1', '10.0.0.0/abc', '2001:db8::/129', 'not-an-ip', '300.1.1.1', '10.0.0', '']) {
        const res = await proxied.gql(KeysCreate, { input: { name: 'bad cidr', scopes: ['profile:read'], allowedIps: ['10.0.0.1', bad] } }, asSession(owner.accessToken));
        expect(ext(res), bad).toMatchObject({ code: 'BAD_USER_INPUT', field: 'allowedIps' });
        expect(res.errors?.[0]?.message, bad).toContain(`allowedIps: not addresses or CIDR ranges: ${bad}.`);
      }
      expect(await listKeys(proxied, owner.accessToken)).toEqual([]);
    });
  });

  it('rateLimitPerMinute counts across instances: the 4th request of a minute is RATE_LIMITED (HTTP 429), the next minute works again', async () => {
    const owner = await signUp(app);
    const created = await createKey(app, owner.accessToken, { scopes: ['profile:read'], rateLimitPerMinute: 3 });
    const key = created.secret;
    // Start at the top of a minute so that the 4 requests surely share it.
    app.clock.advance(60 - (Math.floor(app.clock.now().getTime() / 1000) % 60));

    expect((await meWith(app, key)).outcome).toBe('OK');
    expect((await meWith(other, key)).outcome).toBe('OK');
    expect((await meWith(app, key)).outcome).toBe('OK');
    app.clock.advance(20);
    const limited = await meWith(other, key);
    expect(limited.outcome).toBe('RATE_LIMITED');
    expect(limited.res.status).toBe(429);
    const retryAfter = ext(limited.res)!.retryAfterSeconds as number;
    expect(retryAfter).toBe(40);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.res.headers.get('retry-after')).toBe('40');
    expect((await meWith(app, key)).outcome).toBe('RATE_LIMITED');

    // A refused request is not a use.
    expect(await useCountOf(owner.accessToken, created.apiKey.id)).toBe(3);

    app.clock.advance(60); // the same clock for both instances (shared backing)
    expect((await meWith(other, key)).outcome).toBe('OK');
    expect((await meWith(app, key)).outcome).toBe('OK');
    expect(await useCountOf(owner.accessToken, created.apiKey.id)).toBe(5);
  });
});

describe('lifecycle: rotation with grace and revocation everywhere', () => {
  it('rotateApiKey issues a new secret; old and new both work on every instance until the grace ends, then only the new one', async () => {
    const owner = await signUp(app);
    const created = await createKey(app, owner.accessToken, { scopes: ['profile:read'] });
    const oldKey = created.secret;
    // The rotating instance has the key cached; the race with a warm cache elsewhere is tested below.
    expect((await meWith(app, oldKey)).outcome).toBe('OK');

    const res = await app.gql(KeysRotate, { input: { id: created.apiKey.id, gracePeriodSeconds: 60 } }, asSession(owner.accessToken));
    const rotated = res.data.rotateApiKey;
    if (rotated.__typename !== 'CreateApiKeyPayload') throw new Error(JSON.stringify(res));
    const newKey = rotated.secret;
    expect(newKey).not.toBe(oldKey);
    expect(newKey).toMatch(KEY_SHAPE);
    expect(rotated.apiKey).toEqual({ id: created.apiKey.id, prefix: created.apiKey.prefix, lastFour: newKey.slice(-4), scopes: ['profile:read'], revokedAt: null });
    expect(newKey.startsWith(`${created.apiKey.prefix}_`)).toBe(true);

    expect((await meWith(other, newKey)).outcome).toBe('OK');
    expect((await meWith(app, newKey)).outcome).toBe('OK');
    expect((await meWith(other, oldKey)).outcome).toBe('OK');
    expect((await meWith(app, oldKey)).outcome).toBe('OK');

    app.clock.advance(59);
    expect((await meWith(other, oldKey)).outcome).toBe('OK');
    app.clock.advance(2);
    expect((await meWith(app, oldKey)).outcome).toBe('UNAUTHENTICATED INVALID_API_KEY');
    expect((await meWith(other, oldKey)).outcome).toBe('UNAUTHENTICATED INVALID_API_KEY');
    expect((await meWith(app, newKey)).me?.id).toBe(owner.user.id);
    expect((await meWith(other, newKey)).me?.id).toBe(owner.user.id);
    expect((await listKeys(app, owner.accessToken)).map((k) => k.lastFour)).toEqual([newKey.slice(-4)]);
  });

  // Regression: a row cached just before a rotation, with the eviction message still in flight,
  // once refused the brand-new secret (about 7% of attempts).
  it('a new secret works at once on an instance that had the key cached just before the rotation', async () => {
    const owner = await signUp(app);
    const refused: string[] = [];
    for (let attempt = 0; attempt < 150 && refused.length === 0; attempt++) {
      const created = await createKey(app, owner.accessToken, { scopes: ['profile:read'] });
      expect((await meWith(other, created.secret)).outcome).toBe('OK'); // cached on the second instance
      const res = await app.gql(KeysRotate, { input: { id: created.apiKey.id, gracePeriodSeconds: 60 } }, asSession(owner.accessToken));
      if (res.data.rotateApiKey.__typename !== 'CreateApiKeyPayload') throw new Error(JSON.stringify(res));
      const result = (await meWith(other, res.data.rotateApiKey.secret)).outcome;
      if (result !== 'OK') refused.push(`attempt ${attempt}: ${result}`);
    }
    expect(refused).toEqual([]);
  });

  it('revokeApiKey refuses the key on both instances at the very next request (API_KEY_REVOKED), and audits the lifecycle', async () => {
    const owner = await signUp(app);
    const created = await createKey(app, owner.accessToken, { name: 'lifecycle', scopes: ['profile:read'] });
    const rotatedRes = await app.gql(KeysRotate, { input: { id: created.apiKey.id, gracePeriodSeconds: 0 } }, asSession(owner.accessToken));
    if (rotatedRes.data.rotateApiKey.__typename !== 'CreateApiKeyPayload') throw new Error(JSON.stringify(rotatedRes));
    const key = rotatedRes.data.rotateApiKey.secret;
    // Warm both instances' caches.
    expect((await meWith(app, key)).outcome).toBe('OK');
    expect((await meWith(other, key)).outcome).toBe('OK');

    const revoked = await app.gql(KeysRevoke, { id: created.apiKey.id }, asSession(owner.accessToken));
    expect(revoked.data.revokeApiKey).toEqual({ __typename: 'RevokeApiKeySuccess', apiKey: { id: created.apiKey.id, revokedAt: app.clock.now().toISOString() } });

    const onOther = await meWith(other, key);
    expect(onOther.outcome).toBe('UNAUTHENTICATED API_KEY_REVOKED');
    expect(onOther.res.status).toBe(401);
    expect((await meWith(app, key)).outcome).toBe('UNAUTHENTICATED API_KEY_REVOKED');
    expect((await other.gql(KeysMe, undefined, { token: key })).errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'API_KEY_REVOKED' });

    // Revoking again, or rotating a revoked key: NotFound.
    expect((await app.gql(KeysRevoke, { id: created.apiKey.id }, asSession(owner.accessToken))).data.revokeApiKey).toMatchObject({ code: 'NOT_FOUND' });
    expect((await app.gql(KeysRotate, { input: { id: created.apiKey.id } }, asSession(owner.accessToken))).data.rotateApiKey).toMatchObject({ code: 'NOT_FOUND' });

    // Listed with revokedAt; the audit trail names each step.
    expect((await listKeys(app, owner.accessToken))[0]).toMatchObject({ id: created.apiKey.id, revokedAt: app.clock.now().toISOString() });
    const audit = await app.gql(KeysAuditLogs, { filter: { actions: ['API_KEY_CREATED', 'API_KEY_ROTATED', 'API_KEY_REVOKED'] } }, asSession(owner.accessToken));
    expect(audit.data.auditLogs.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ action: 'API_KEY_REVOKED', success: true, userId: owner.user.id, apiKeyId: created.apiKey.id, details: {} }),
      expect.objectContaining({ action: 'API_KEY_ROTATED', success: true, userId: owner.user.id, apiKeyId: created.apiKey.id, details: { gracePeriodSeconds: 0 } }),
      expect.objectContaining({ action: 'API_KEY_CREATED', success: true, userId: owner.user.id, apiKeyId: created.apiKey.id, details: { name: 'lifecycle', scopes: ['profile:read'], expiresAt: null } }),
    ]);
  });

  it('someone else’s key id answers NotFound to rotate and revoke, and the key keeps working', async () => {
    const owner = await signUp(app);
    const mallory = await signUp(app);
    const created = await createKey(app, owner.accessToken, { scopes: ['profile:read'] });
    expect((await app.gql(KeysRotate, { input: { id: created.apiKey.id } }, asSession(mallory.accessToken))).data.rotateApiKey).toMatchObject({ code: 'NOT_FOUND' });
    expect((await app.gql(KeysRevoke, { id: created.apiKey.id }, asSession(mallory.accessToken))).data.revokeApiKey).toMatchObject({ code: 'NOT_FOUND' });
    expect((await meWith(app, created.secret)).me?.id).toBe(owner.user.id);
  });
});

describe('a key never manages credentials', () => {
  it('with every user scope, sessions/revokeAllSessions/changePassword/enrollMfa/createApiKey/apiKeys/logout are FORBIDDEN SESSION_REQUIRED; me works', async () => {
    const owner = await signUp(app);
    const created = await createKey(app, owner.accessToken, { scopes: USER_SCOPES });
    const auth = asKey(created.secret);

    const me = await meWith(app, created.secret);
    expect(me.me).toEqual({ id: owner.user.id, email: owner.email, roles: ['USER'], scopes: USER_SCOPES });

    const attempts = {
      sessions: await app.gql(KeysSessions, undefined, auth),
      revokeAllSessions: await app.gql(KeysRevokeAll, undefined, auth),
      changePassword: await app.gql(KeysChangePassword, { input: { currentPassword: PASSWORD, newPassword: 'a brand new password for the key' } }, auth),
      enrollMfa: await app.gql(KeysEnrollMfa, undefined, auth),
      createApiKey: await app.gql(KeysCreate, { input: { name: 'child', scopes: ['profile:read'] } }, auth),
      apiKeys: await app.gql(KeysList, undefined, auth),
      rotateApiKey: await app.gql(KeysRotate, { input: { id: created.apiKey.id } }, auth),
      revokeApiKey: await app.gql(KeysRevoke, { id: created.apiKey.id }, auth),
      logout: await app.gql(KeysLogout, undefined, auth),
    };
    const outcomes = Object.fromEntries(Object.entries(attempts).map(([op, res]) => [op, outcome(res, false)]));
    expect(outcomes).toEqual(Object.fromEntries(Object.keys(attempts).map((op) => [op, 'FORBIDDEN SESSION_REQUIRED'])));
    // Nothing changed: the session lives, the password is the same, no MFA, still one key, unrotated.
    expect((await app.gql(KeysSessions, undefined, asSession(owner.accessToken))).data.sessions).toHaveLength(1);
    expect((await signIn(app, owner.email, PASSWORD)).user.id).toBe(owner.user.id);
    const keys = await listKeys(app, owner.accessToken);
    expect(keys.map((k) => [k.id, k.lastFour, k.revokedAt])).toEqual([[created.apiKey.id, created.apiKey.lastFour, null]]);
    expect((await meWith(app, created.secret)).outcome).toBe('OK');
  });
});

describe('a key follows its owner’s roles', () => {
  it('a demoted owner’s key loses the admin scopes at its next request, on every instance, without being revoked', async () => {
    const chief = await adminSignIn();
    const deputy = await signUp(app);
    const promote = await app.gql(KeysSetRoles, { input: { userId: deputy.user.id, roles: ['ADMIN'] } }, asSession(chief.accessToken));
    expect(promote.data.setUserRoles).toEqual({ __typename: 'SetUserRolesSuccess', user: { id: deputy.user.id, roles: ['USER', 'ADMIN'] } });
    const session = await signIn(app, deputy.email); // fresh sign-in: admin scopes need one within 10 minutes

    const created = await createKey(app, session.accessToken, { name: 'ops', scopes: ['users:read', 'security:read', 'audit:read'] });
    const key = created.secret;
    expect((await meWith(app, key)).me?.scopes).toEqual(['audit:read', 'security:read', 'users:read']);
    expect(outcome(await app.gql(KeysOverview, undefined, asKey(key)), true)).toBe('OK');
    expect(outcome(await other.gql(KeysOverview, undefined, asKey(key)), true)).toBe('OK');

    const demote = await app.gql(KeysSetRoles, { input: { userId: deputy.user.id, roles: ['USER'] } }, asSession(chief.accessToken));
    expect(demote.data.setUserRoles).toMatchObject({ __typename: 'SetUserRolesSuccess', user: { roles: ['USER'] } });

    expect(outcome(await app.gql(KeysOverview, undefined, asKey(key)), true)).toBe('FORBIDDEN missing security:read');
    expect(outcome(await other.gql(KeysOverview, undefined, asKey(key)), true)).toBe('FORBIDDEN missing security:read');
    expect((await meWith(other, key)).me?.scopes).toEqual(['audit:read']);
    // Still a valid key for what the owner still holds; not revoked, its stored scopes unchanged.
    const audit = await other.gql(KeysAuditLogs, { first: 1 }, asKey(key));
    expect(outcome(audit, Array.isArray(audit.data?.auditLogs?.edges))).toBe('OK');
    expect((await listKeys(app, session.accessToken))[0]).toMatchObject({ id: created.apiKey.id, revokedAt: null, scopes: ['audit:read', 'security:read', 'users:read'] });
  });

  it('creating a key with admin scopes raises PRIVILEGED_API_KEY_CREATED; a plain key does not', async () => {
    const chief = await adminSignIn();
    const me = (await app.gql(KeysMe, undefined, asSession(chief.accessToken))).data.me!;
    const privileged = await createKey(app, chief.accessToken, { name: 'privileged', scopes: ['security:read', 'profile:read'] });
    const plain = await createKey(app, chief.accessToken, { name: 'plain', scopes: ['profile:read'] });
    const alerts = await rows<{ type: string; severity: string; user_id: string; details: { apiKeyId: string } }>(
      app,
      sql`select type, severity, user_id, details from security_alerts where type = 'PRIVILEGED_API_KEY_CREATED' and details->>'apiKeyId' in (${privileged.apiKey.id}, ${plain.apiKey.id})`,
    );
    expect(alerts).toEqual([{ type: 'PRIVILEGED_API_KEY_CREATED', severity: 'HIGH', user_id: me.id, details: { apiKeyId: privileged.apiKey.id, scopes: ['profile:read', 'security:read'] } }]);
  });

  it('a key with admin scopes more than 10 minutes after sign-in is ReauthRequiredError; a plain key is still allowed', async () => {
    const chief = await adminSignIn();
    app.clock.advance(10 * 60 + 1);
    const before = (await listKeys(app, chief.accessToken)).length;
    const res = await app.gql(KeysCreate, { input: { name: 'late', scopes: ['users:read'] } }, asSession(chief.accessToken));
    expect(res.data.createApiKey).toMatchObject({ __typename: 'ReauthRequiredError', code: 'REAUTH_REQUIRED' });
    expect(await listKeys(app, chief.accessToken)).toHaveLength(before);
    const plain = await app.gql(KeysCreate, { input: { name: 'late but plain', scopes: ['profile:read'] } }, asSession(chief.accessToken));
    expect(plain.data.createApiKey.__typename).toBe('CreateApiKeyPayload');
  });
});

describe('bad input is a clear error and changes nothing', () => {
  let owner: Awaited<ReturnType<typeof signUp>>;
  let created: Awaited<ReturnType<typeof createKey>>;
  beforeAll(async () => {
    owner = await signUp(app);
    created = await createKey(app, owner.accessToken, { name: 'victim', scopes: ['profile:read'] });
  });

  it('an empty, blank, too long or control-character name is BAD_USER_INPUT', async () => {
    for (const name of ['', '   ', 'x'.repeat(101), 'line\nbreak', 'rtl\u202Eoverride']) {
      const res = await app.gql(KeysCreate, { input: { name, scopes: ['profile:read'] } }, asSession(owner.accessToken));
      expect(ext(res), JSON.stringify(name)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
      expect(res.data, JSON.stringify(name)).toBeNull();
    }
    expect((await listKeys(app, owner.accessToken)).map((k) => k.id)).toEqual([created.apiKey.id]);
  });

  it('an empty scope list is InvalidScopeError; a rateLimitPerMinute outside 1..1,000,000 is BAD_USER_INPUT', async () => {
    const empty = await app.gql(KeysCreate, { input: { name: 'no scopes', scopes: [] } }, asSession(owner.accessToken));
    expect(empty.data.createApiKey).toMatchObject({ __typename: 'InvalidScopeError', code: 'INVALID_SCOPE', invalidScopes: [] });
    for (const rateLimitPerMinute of [0, -1, 1_000_001]) {
      const res = await app.gql(KeysCreate, { input: { name: 'limits', scopes: ['profile:read'], rateLimitPerMinute } }, asSession(owner.accessToken));
      expect(ext(res), String(rateLimitPerMinute)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rateLimitPerMinute' });
    }
    expect((await listKeys(app, owner.accessToken)).map((k) => k.id)).toEqual([created.apiKey.id]);
  });

  it('rotateApiKey refuses a grace period outside 0..7 days (BAD_USER_INPUT) and a malformed id (NotFound), leaving the key as it was', async () => {
    for (const gracePeriodSeconds of [-1, 7 * 86400 + 1]) {
      const res = await app.gql(KeysRotate, { input: { id: created.apiKey.id, gracePeriodSeconds } }, asSession(owner.accessToken));
      expect(ext(res), String(gracePeriodSeconds)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'gracePeriodSeconds' });
    }
    expect((await app.gql(KeysRotate, { input: { id: 'not-a-uuid' } }, asSession(owner.accessToken))).data.rotateApiKey).toMatchObject({ code: 'NOT_FOUND' });
    expect((await app.gql(KeysRevoke, { id: 'not-a-uuid' }, asSession(owner.accessToken))).data.revokeApiKey).toMatchObject({ code: 'NOT_FOUND' });
    expect((await listKeys(app, owner.accessToken)).find((k) => k.id === created.apiKey.id)?.lastFour).toBe(created.apiKey.lastFour);
    expect((await meWith(other, created.secret)).outcome).toBe('OK');
  });

  it('a wrong prefix: as X-Api-Key INVALID_API_KEY, as Bearer it is taken for an access token and refused', async () => {
    const before = await useCountOf(owner.accessToken, created.apiKey.id);
    const wrong = created.secret.replace(/^idp_/, 'xyz_');
    const asHeader = await app.gql(KeysMe, undefined, asKey(wrong));
    expect(ext(asHeader)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'INVALID_API_KEY' });
    expect(asHeader.status).toBe(401);
    const asBearer = await app.gql(KeysMe, undefined, { token: wrong });
    expect(ext(asBearer)?.code).toBe('UNAUTHENTICATED');
    expect(ext(asBearer)?.reason).not.toBe('INVALID_API_KEY');
    expect(asBearer.data).toEqual({ me: null });
    expect(await useCountOf(owner.accessToken, created.apiKey.id)).toBe(before);
  });

  it('a truncated or altered secret is UNAUTHENTICATED INVALID_API_KEY, and not counted as a use', async () => {
    const before = await useCountOf(owner.accessToken, created.apiKey.id);
    const key = created.secret;
    const last = key.at(-1)!;
    const secretStart = created.apiKey.prefix.length + 1;
    const variants = {
      truncated: key.slice(0, -1),
      'prefix only': created.apiKey.prefix,
      'altered last char': key.slice(0, -1) + (last === 'A' ? 'B' : 'A'),
      'altered first secret char': key.slice(0, secretStart) + (key[secretStart] === 'a' ? 'b' : 'a') + key.slice(secretStart + 1),
      'another id': `idp_${'0'.repeat(32)}_${key.split('_').slice(2).join('_')}`,
      'extra char': `${key}x`,
    };
    for (const [what, variant] of Object.entries(variants)) {
      expect(variant, what).not.toBe(key);
      expect(ext(await app.gql(KeysMe, undefined, asKey(variant))), what).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'INVALID_API_KEY' });
      expect(ext(await other.gql(KeysMe, undefined, { token: variant })), what).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'INVALID_API_KEY' });
    }
    expect(await useCountOf(owner.accessToken, created.apiKey.id)).toBe(before);
    expect((await meWith(app, key)).outcome).toBe('OK');
    expect(await useCountOf(owner.accessToken, created.apiKey.id)).toBe(before + 1);
  });

  it('a key in the URL (api_key=, token=) is UNAUTHENTICATED CREDENTIAL_IN_URL and not counted as a use', async () => {
    const before = await useCountOf(owner.accessToken, created.apiKey.id);
    for (const param of ['api_key', 'token']) {
      const u = new URL('/graphql', app.url);
      u.searchParams.set('query', '{ me { id } }');
      u.searchParams.set(param, created.secret);
      const get = await fetch(u, { headers: { accept: 'application/graphql-response+json' } });
      const body = (await get.json()) as { data?: unknown; errors?: Errors };
      expect(get.status, param).toBe(401);
      expect(ext(body), param).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'CREDENTIAL_IN_URL' });
      expect(JSON.stringify(body)).not.toContain(created.secret);

      // Also when the key is in the URL of a POST whose body carries the query.
      const p = new URL('/graphql', app.url);
      p.searchParams.set(param, created.secret);
      const post = await fetch(p, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query: '{ me { id } }' }),
      });
      expect(ext((await post.json()) as { errors?: Errors }), param).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'CREDENTIAL_IN_URL' });
    }
    expect(await useCountOf(owner.accessToken, created.apiKey.id)).toBe(before);
  });

  it('a revoked key is UNAUTHENTICATED API_KEY_REVOKED, and refused attempts leave useCount alone', async () => {
    const revocable = await createKey(app, owner.accessToken, { name: 'to revoke', scopes: ['profile:read'] });
    const key = revocable.secret;
    const id = revocable.apiKey.id;
    expect((await meWith(app, key)).outcome).toBe('OK');
    await app.gql(KeysRevoke, { id }, asSession(owner.accessToken));
    for (const a of [app, other, app]) expect((await meWith(a, key)).outcome).toBe('UNAUTHENTICATED API_KEY_REVOKED');
    expect(await useCountOf(owner.accessToken, id)).toBe(1);
  });
});

describe('refused uses are audited', () => {
  it('records each refusal of a known key with its reason, once per key, reason and minute', async () => {
    const owner = await signUp(app);
    const created = await createKey(app, owner.accessToken, { scopes: ['profile:read'], rateLimitPerMinute: 1 });
    const key = created.secret;
    const altered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect((await meWith(app, altered)).outcome).toBe('UNAUTHENTICATED INVALID_API_KEY');
    expect((await meWith(app, altered)).outcome).toBe('UNAUTHENTICATED INVALID_API_KEY'); // same minute: not recorded again
    expect((await meWith(app, key)).outcome).toBe('OK');
    expect((await meWith(app, key)).outcome).toMatch(/^RATE_LIMITED/);
    const reasons = async () =>
      (
        await rows<{ reason: string }>(
          app,
          sql`select details->>'reason' as reason from audit_logs where api_key_id = ${created.apiKey.id} and action = 'API_KEY_USE_DENIED' order by seq`,
        )
      ).map((r) => r.reason);
    expect(await reasons()).toEqual(['invalid_secret', 'rate_limited']);
    await app.gql(KeysRevoke, { id: created.apiKey.id }, asSession(owner.accessToken));
    expect((await meWith(app, key)).outcome).toBe('UNAUTHENTICATED API_KEY_REVOKED');
    expect(await reasons()).toEqual(['invalid_secret', 'rate_limited', 'revoked']);
    // Only an allowlist refusal is an alert; these are audit records only.
    const alerts = await rows<{ type: string }>(app, sql`select type from security_alerts where details->>'apiKeyId' = ${created.apiKey.id}`);
    expect(alerts).toEqual([]);
  });
});
