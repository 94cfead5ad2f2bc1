import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { recentFailedLogins } from '../../src/modules/alerts/alerts.service';
import { startTestApp, type TestApp } from '../support/app';
import { LoginMfa, signUpWithMfa, VerifyMfaLogin } from '../support/mfa';
import { Login, RevokeSession, Rotate } from '../support/operations';
import { alertProbe, sse, whenSubscribed, ws, type Stream } from '../support/subscriptions';
import type { AlertPayload } from '../../src/modules/alerts/alerts.service';
import { codeFor } from '../support/totp';
import { signIn, signUp, uniqueEmail } from '../support/users';

const ADMIN = { BOOTSTRAP_ADMIN_EMAIL: 'watcher@example.com', BOOTSTRAP_ADMIN_PASSWORD: 'Zc6n-Qf2w-Ht8y-Km4s' };
const SUBSCRIPTION = `subscription Alerts($filter: SecurityAlertFilter) {
  securityAlerts(filter: $filter) { id type severity userId ipAddress message occurredAt details }
}`;
interface Alert {
  securityAlerts: { id: string; type: string; severity: string; userId: string | null; ipAddress: string | null; message: string; occurredAt: string; details: Record<string, unknown> };
}

let app: TestApp;
let adminToken: string;
beforeAll(async () => {
  app = await startTestApp({ ...ADMIN, ALERT_FAILED_LOGINS_PER_ACCOUNT: '3', ALERT_FAILED_LOGINS_PER_IP: '1000' });
  adminToken = (await signIn(app, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD)).accessToken;
});
afterAll(() => app.close());

const alertsOf = async (userId: string) =>
  (await app.deps.database.db.execute(`select type, severity, details from security_alerts where user_id = '${userId}' order by occurred_at` as never)) as unknown as {
    type: string;
    severity: string;
    details: Record<string, unknown>;
  }[];

/**
 * Subscribes and waits until the subscription is live: a probe alert published through the
 * shared pub/sub (so it also reaches another instance) must come back first. The probe has the
 * type and severity given, so a filtered subscription lets it through too.
 */
async function subscribed(open: () => Stream<Alert>, probeAs: { type?: AlertPayload['type']; severity?: AlertPayload['severity'] } = {}): Promise<Stream<Alert>> {
  const { probe, isProbe } = alertProbe(app.deps.pubsub, probeAs.type, probeAs.severity);
  return whenSubscribed(open(), probe, isProbe);
}

async function reuseRefreshToken(a: TestApp) {
  const s = await signUp(a);
  await a.gql(Rotate, { input: { refreshToken: s.refreshToken } });
  await a.gql(Rotate, { input: { refreshToken: s.refreshToken } });
  return s;
}

describe('alert rules', () => {
  it('FAILED_LOGIN_BURST once when an account reaches the threshold', async () => {
    const s = await signUp(app);
    for (let i = 0; i < 5; i++) await app.gql(Login, { input: { email: s.email, password: 'wrong password here' } });
    const alerts = (await alertsOf(s.user.id)).filter((a) => a.type === 'FAILED_LOGIN_BURST');
    expect(alerts).toEqual([{ type: 'FAILED_LOGIN_BURST', severity: 'HIGH', details: { scope: 'account', count: 3 } }]);
  });

  it('FAILED_LOGIN_BURST for an address across accounts', async () => {
    const byIp = await startTestApp({ ALERT_FAILED_LOGINS_PER_IP: '4' });
    try {
      for (let i = 0; i < 4; i++) await byIp.gql(Login, { input: { email: uniqueEmail('nobody'), password: 'wrong password here' } });
      const rows = (await byIp.deps.database.db.execute(`select type, severity, ip_address, details from security_alerts` as never)) as unknown as Record<string, unknown>[];
      expect(rows).toEqual([{ type: 'FAILED_LOGIN_BURST', severity: 'MEDIUM', ip_address: '127.0.0.1', details: { scope: 'ip', count: 4 } }]);
    } finally {
      await byIp.close();
    }
  });

  it('REFRESH_TOKEN_REUSE when a spent refresh token comes back', async () => {
    const s = await reuseRefreshToken(app);
    expect((await alertsOf(s.user.id)).map((a) => [a.type, a.severity])).toEqual([['REFRESH_TOKEN_REUSE', 'HIGH']]);
  });

  it('NEW_DEVICE_LOGIN for a user agent not seen before, but not for the first login or a known device', async () => {
    const s = await signUp(app, { userAgent: 'Device A' });
    await signIn(app, s.email, undefined, 'Device A');
    expect(await alertsOf(s.user.id)).toEqual([]);
    await signIn(app, s.email, undefined, 'Device B');
    expect((await alertsOf(s.user.id)).map((a) => [a.type, a.severity])).toEqual([['NEW_DEVICE_LOGIN', 'LOW']]);
  });

  it('ACCOUNT_LOCKED, BACKUP_CODE_USED and MFA_DISABLED from the MFA flows', async () => {
    const s = await signUpWithMfa(app);
    const challenge = async () => {
      const r = (await app.gql(LoginMfa, { input: { email: s.email, password: s.password } })).data.login;
      if (r.__typename !== 'MfaChallenge') throw new Error('expected a challenge');
      return r.challengeToken;
    };
    await app.gql(VerifyMfaLogin, { input: { challengeToken: await challenge(), code: s.backupCodes[0]! } });
    for (let i = 0; i < 5; i++) await app.gql(VerifyMfaLogin, { input: { challengeToken: await challenge(), code: codeFor(s.secret, app.clock.now(), 20) } });
    const types = (await alertsOf(s.user.id)).map((a) => a.type);
    expect(types).toContain('BACKUP_CODE_USED');
    expect(types.filter((t) => t === 'ACCOUNT_LOCKED')).toHaveLength(1);
    app.clock.advance(16 * 60);
    await app.services.mfa.disable(s.user.id);
    expect((await alertsOf(s.user.id)).map((a) => a.type)).toContain('MFA_DISABLED');
  });
});

describe('delivery', () => {
  // Rules tests move the shared clock: each delivery test signs the admin in afresh.
  beforeEach(async () => {
    adminToken = (await signIn(app, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD)).accessToken;
  });

  it('streams alerts over SSE to a holder of alerts:read', async () => {
    const stream = await subscribed(() => sse<Alert>(app.url, SUBSCRIPTION, {}, adminToken));
    try {
      const s = await reuseRefreshToken(app);
      const msg = await stream.next();
      expect(msg).toMatchObject({ data: { securityAlerts: { type: 'REFRESH_TOKEN_REUSE', severity: 'HIGH', userId: s.user.id, ipAddress: '127.0.0.1' } } });
    } finally {
      stream.close();
    }
  });

  it('streams alerts over WebSocket, filtered by severity and type', async () => {
    const stream = await subscribed(() => ws<Alert>(app.url, SUBSCRIPTION, { filter: { minSeverity: 'HIGH', types: ['REFRESH_TOKEN_REUSE'] } }, adminToken), {
      type: 'REFRESH_TOKEN_REUSE',
      severity: 'HIGH',
    });
    try {
      // A LOW alert first (new device), which the filter must drop, then a HIGH one.
      const s = await signUp(app, { userAgent: 'Phone' });
      await signIn(app, s.email, undefined, 'Laptop');
      await reuseRefreshToken(app);
      const msg = await stream.next();
      expect(msg).toMatchObject({ data: { securityAlerts: { type: 'REFRESH_TOKEN_REUSE' } } });
    } finally {
      stream.close();
    }
  });

  it('delivers an alert raised on one instance to a subscriber on another', async () => {
    const other = await startTestApp({}, app.backing);
    const stream = await subscribed(() => ws<Alert>(other.url, SUBSCRIPTION, {}, adminToken));
    try {
      const s = await reuseRefreshToken(app);
      expect(await stream.next()).toMatchObject({ data: { securityAlerts: { type: 'REFRESH_TOKEN_REUSE', userId: s.user.id } } });
    } finally {
      stream.close();
      await other.close();
    }
  });

  it('refuses a subscriber without alerts:read, over SSE and WebSocket', async () => {
    const user = await signUp(app);
    const overSse = sse<Alert>(app.url, SUBSCRIPTION, {}, user.accessToken);
    const first = await overSse.next();
    expect(first).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN', missingScopes: ['alerts:read'] } }] });
    overSse.close();
    const overWs = ws<Alert>(app.url, SUBSCRIPTION, {}, user.accessToken);
    const msg = await overWs.next();
    expect(JSON.stringify(msg)).toContain('alerts:read');
    overWs.close();
    const anonymous = sse<Alert>(app.url, SUBSCRIPTION, {});
    expect(await anonymous.next()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    anonymous.close();
  });

  it('ends a subscription when its session is revoked', async () => {
    const watcher = await signIn(app, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD);
    const stream = await subscribed(() => ws<Alert>(app.url, SUBSCRIPTION, {}, watcher.accessToken));
    try {
      const revoked = await app.gql(RevokeSession, { id: watcher.session.id }, { token: adminToken });
      expect(revoked.data.revokeSession.__typename).toBe('RevokeSessionSuccess');
      expect(await stream.next()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED', reason: 'SESSION_REVOKED' } }] });
      expect(await stream.next()).toBe('complete');
    } finally {
      stream.close();
    }
  });
});

describe('the failed-login rule under credential stuffing', () => {
  // It runs for every failure inside the audit append lock: a scan of the whole window there
  // serialises every sign-in behind O(n) work. It must read a bounded index range instead.
  it('counts through the (address | account, action, time) indexes, never the window', async () => {
    const plans = await app.deps.database.db.transaction(async (tx) => {
      // Small test tables would make a sequential scan look cheapest; what matters is that a usable index exists.
      await tx.execute(sql`set local enable_seqscan = off`);
      const out: string[] = [];
      for (const column of ['ip', 'user'] as const) {
        const query = recentFailedLogins(tx, column, column === 'ip' ? '192.0.2.1' : '00000000-0000-4000-8000-000000000000', new Date(), 20);
        const rows = (await tx.execute(sql`explain ${query}`)) as unknown as { 'QUERY PLAN': string }[];
        out.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
      }
      return out;
    });
    expect(plans[0]).toContain('audit_logs_ip_action_occurred_idx');
    expect(plans[1]).toContain('audit_logs_user_action_occurred_idx');
    for (const plan of plans) expect(plan).toMatch(/Limit/);
  });
});
