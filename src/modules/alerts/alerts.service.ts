/**
 * Security alerts: rules turn audit events into alerts with a severity. An alert is stored in
 * the transaction of the event that raised it and published (Redis pub/sub, so every instance's
 * subscribers get it) only after that transaction commits: nobody is alerted about a change
 * that rolled back. Payloads are JSON-safe and carry no secrets (they come from audit details,
 * which pass an allow-list).
 */
import { randomUUID } from 'node:crypto';
import { and, eq, gte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { afterCommit } from '../../db/after-commit';
import { runStatement } from '../../db/statements';
import type { Clock } from '../../lib/clock';
import { addSeconds } from '../../lib/clock';
import type { Pubsub } from '../../pubsub';
import type { AuditLogRow } from '../audit/audit.table';
import type { AuditDraft } from '../audit/audit.service';
import { auditLogs } from '../audit/audit.table';
import { securityAlerts } from './alerts.table';
import { ADMIN_ONLY_SCOPES } from '../authz/scopes';

export const ALERT_TYPES = [
  'FAILED_LOGIN_BURST',
  'ACCOUNT_LOCKED',
  'ACCOUNT_UNLOCKED',
  'EMAIL_CHANGED',
  'REFRESH_TOKEN_REUSE',
  'NEW_DEVICE_LOGIN',
  'MFA_DISABLED',
  'BACKUP_CODE_USED',
  'API_KEY_IP_DENIED',
  'PRIVILEGED_API_KEY_CREATED',
  'ADMIN_ROLE_GRANTED',
  'AUDIT_CHAIN_BROKEN',
] as const;
export type AlertType = (typeof ALERT_TYPES)[number];
export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface AlertPayload {
  id: string;
  type: AlertType;
  severity: Severity;
  userId: string | null;
  ipAddress: string | null;
  message: string;
  /** ISO 8601 */
  occurredAt: string;
  details: Record<string, unknown>;
}

export interface AlertSettings {
  /** Failed logins for one account within the window that raise FAILED_LOGIN_BURST. */
  failedLoginsPerAccount: number;
  /** Failed logins from one IP within the window that raise FAILED_LOGIN_BURST. */
  failedLoginsPerIp: number;
  /** seconds */
  window: number;
}

// The new-device rule's probes (a fixed statement, db/statements.ts; both use
// audit_logs_user_action_agent_idx): an earlier sign-in at all, and one from this agent.
const SEEN_BEFORE = `exists (select 1 from audit_logs where user_id = $1::uuid and action = 'LOGIN_SUCCEEDED' limit 1)`;
const SEEN_AGENT = `select ${SEEN_BEFORE} as any,
  exists (select 1 from audit_logs where user_id = $1::uuid and action = 'LOGIN_SUCCEEDED' and user_agent = $2::text limit 1) as same`;
const SEEN_AGENT_NULL = `select ${SEEN_BEFORE} as any,
  exists (select 1 from audit_logs where user_id = $1::uuid and action = 'LOGIN_SUCCEEDED' and user_agent is null limit 1) as same`;

/** What a rule looked up before the audit chain's lock was taken (see `prepare`). */
export interface AlertFacts {
  /** LOGIN_SUCCEEDED: the user signed in before, but never with this user agent. */
  newDevice?: boolean;
}

export interface AlertService {
  /**
   * The rules' lookups that do not depend on the chain's order, run before its lock is taken
   * so that they do not lengthen the one serial section of every audited change.
   */
  prepare(tx: Tx, entry: AuditDraft): Promise<AlertFacts | undefined>;
  /** Runs the rules for an audit entry inside its transaction, under the chain's lock. */
  evaluate(tx: Tx, entry: AuditLogRow, facts?: AlertFacts): Promise<void>;
  /** Raises an alert outside any other change (e.g. a broken audit chain). */
  raise(alert: Omit<AlertPayload, 'id' | 'occurredAt'>): Promise<void>;
  countBySeverity(since: Date): Promise<Record<Severity, number>>;
}

/**
 * How many LOGIN_FAILED entries one account or address has since `since`, counted up to
 * `upTo` + 1 only. The failed-login rule runs it inside the audit append lock for every failure,
 * so its cost must not grow with a credential-stuffing run: an index range on
 * (user_id | ip_address, action, occurred_at) (migration 0012) and the limit keep it
 * O(log n + upTo), where it used to scan every entry of the window.
 */
export function recentFailedLogins(executor: Db | Tx, column: 'user' | 'ip', value: string, since: Date, upTo: number) {
  const recent = executor
    .select({ one: sql`1`.as('one') })
    .from(auditLogs)
    .where(and(column === 'user' ? eq(auditLogs.userId, value) : eq(auditLogs.ipAddress, value), eq(auditLogs.action, 'LOGIN_FAILED'), gte(auditLogs.occurredAt, since)))
    .limit(upTo + 1)
    .as('recent');
  return executor.select({ n: sql<number>`count(*)::int` }).from(recent);
}

export function createAlertService(deps: {
  db: Db;
  clock: Clock;
  pubsub: Pubsub;
  settings: AlertSettings;
  /** Runs in the alert's transaction (webhook deliveries are enqueued there). */
  afterStore?: (tx: Tx, alert: AlertPayload) => Promise<void>;
}): AlertService {
  const { db, clock, pubsub, settings } = deps;

  async function store(tx: Tx, alert: Omit<AlertPayload, 'id' | 'occurredAt'>, at: Date) {
    const payload: AlertPayload = { ...alert, id: randomUUID(), occurredAt: at.toISOString() };
    await tx.insert(securityAlerts).values({ ...payload, occurredAt: at });
    await deps.afterStore?.(tx, payload);
    afterCommit(tx, () => pubsub.publish('alerts', payload));
  }

  async function failuresSince(tx: Tx, column: 'user' | 'ip', value: string, since: Date, upTo: number) {
    const [row] = await recentFailedLogins(tx, column, value, since, upTo);
    return row?.n ?? 0;
  }

  return {
    async prepare(tx, e) {
      if (e.action !== 'LOGIN_SUCCEEDED' || !e.userId) return undefined;
      // New for this user: an earlier successful login exists, but none from this user agent.
      // One statement, two LIMIT 1 probes on (user_id, action, user_agent): constant cost however
      // long the history. Two first logins from one new agent racing may both raise it (LOW).
      const [row] = await (e.userAgent === null
        ? runStatement<{ any: boolean; same: boolean }>(tx, SEEN_AGENT_NULL, [e.userId])
        : runStatement<{ any: boolean; same: boolean }>(tx, SEEN_AGENT, [e.userId, e.userAgent]));
      return { newDevice: Boolean(row?.any) && !row?.same };
    },

    async evaluate(tx, e, facts) {
      const base = { userId: e.userId, ipAddress: e.ipAddress };
      const at = e.occurredAt;
      switch (e.action) {
        case 'LOGIN_FAILED': {
          // Appends are serialised (audit lock), so "reached the threshold exactly now" fires once a burst.
          const since = addSeconds(at, -settings.window);
          if (e.userId && (await failuresSince(tx, 'user', e.userId, since, settings.failedLoginsPerAccount)) === settings.failedLoginsPerAccount) {
            await store(tx, { ...base, type: 'FAILED_LOGIN_BURST', severity: 'HIGH', message: `${settings.failedLoginsPerAccount} failed logins for one account within ${settings.window / 60} minutes.`, details: { scope: 'account', count: settings.failedLoginsPerAccount } }, at);
          }
          if (e.ipAddress && (await failuresSince(tx, 'ip', e.ipAddress, since, settings.failedLoginsPerIp)) === settings.failedLoginsPerIp) {
            await store(tx, { ...base, userId: null, type: 'FAILED_LOGIN_BURST', severity: 'MEDIUM', message: `${settings.failedLoginsPerIp} failed logins from one address within ${settings.window / 60} minutes.`, details: { scope: 'ip', count: settings.failedLoginsPerIp } }, at);
          }
          return;
        }
        case 'ACCOUNT_LOCKED':
          return store(tx, { ...base, type: 'ACCOUNT_LOCKED', severity: 'HIGH', message: e.details.scope === 'ip' ? 'Sign-in to an account was locked for one address after repeated failures.' : 'An account was locked after repeated failures.', details: { ...e.details } }, at);
        case 'EMAIL_CHANGED':
          // The address that receives reset links moved: a takeover often starts here.
          return store(tx, { ...base, type: 'EMAIL_CHANGED', severity: 'MEDIUM', message: 'The e-mail address of an account was changed.', details: {} }, at);
        case 'ACCOUNT_UNLOCKED':
          return store(tx, { ...base, type: 'ACCOUNT_UNLOCKED', severity: 'MEDIUM', message: 'An administrator unlocked an account.', details: { ...e.details, unlockedBy: e.actorUserId } }, at);
        case 'REFRESH_TOKEN_REUSED':
          return store(tx, { ...base, type: 'REFRESH_TOKEN_REUSE', severity: 'HIGH', message: 'A spent refresh token was presented again; the session was revoked.', details: { sessionId: e.sessionId } }, at);
        case 'MFA_DISABLED':
          return store(tx, { ...base, type: 'MFA_DISABLED', severity: 'MEDIUM', message: 'Two-factor authentication was switched off.', details: {} }, at);
        case 'ROLES_CHANGED': {
          const granted = (e.details.roles as string[] | undefined)?.includes('ADMIN') && !(e.details.previousRoles as string[] | undefined)?.includes('ADMIN');
          if (!granted) return;
          return store(tx, { ...base, type: 'ADMIN_ROLE_GRANTED', severity: 'HIGH', message: 'The admin role was granted to an account.', details: { grantedBy: e.actorUserId } }, at);
        }
        case 'API_KEY_CREATED': {
          const scopes = (e.details.scopes as string[] | undefined) ?? [];
          if (!scopes.some((x) => x === 'admin' || (ADMIN_ONLY_SCOPES as readonly string[]).includes(x))) return;
          return store(tx, { ...base, type: 'PRIVILEGED_API_KEY_CREATED', severity: 'HIGH', message: 'An API key with admin scopes was created.', details: { apiKeyId: e.apiKeyId, scopes } }, at);
        }
        case 'API_KEY_USE_DENIED':
          if (e.details.reason !== 'ip_not_allowed') return;
          return store(tx, { ...base, type: 'API_KEY_IP_DENIED', severity: 'MEDIUM', message: 'An API key was used from an address outside its allowlist.', details: { apiKeyId: e.apiKeyId } }, at);
        case 'BACKUP_CODE_USED':
          return store(tx, { ...base, type: 'BACKUP_CODE_USED', severity: 'MEDIUM', message: 'A backup code was used to sign in.', details: { ...e.details } }, at);
        case 'LOGIN_SUCCEEDED':
          if (!facts?.newDevice) return;
          return store(tx, { ...base, type: 'NEW_DEVICE_LOGIN', severity: 'LOW', message: 'A sign-in from a device not seen before for this account.', details: { sessionId: e.sessionId, userAgent: e.userAgent } }, at);
      }
    },

    raise: (alert) => db.transaction((tx) => store(tx, alert, clock.now())),

    async countBySeverity(since) {
      const rows = await db
        .select({ severity: securityAlerts.severity, n: sql<number>`count(*)::int` })
        .from(securityAlerts)
        .where(gte(securityAlerts.occurredAt, since))
        .groupBy(securityAlerts.severity);
      const out = { LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 } as Record<Severity, number>;
      for (const r of rows) out[r.severity as Severity] = r.n;
      return out;
    },
  };
}
