/**
 * Progressive lockout. Consecutive failed passwords and MFA codes are counted per account and
 * per account + client address (IPv6 by /64); from the levels' thresholds on (defaults 3 → 15
 * minutes, 5 → 1 hour, 10 → 24 hours, 15 → 7 days) each further failure locks again, counted
 * from that failure. The account-wide lock, which shuts out every address, starts only at
 * LOCKOUT_ACCOUNT_FROM (10), so a stranger failing from one address locks out that address
 * long before anyone else; after LOCKOUT_MAX_FAILURES (100) the account stays locked until an
 * admin unlocks it. A success resets the account count and that address's.
 *
 * Counts are keyed by the hashed normalised e-mail, not by the account: an address nobody
 * registered locks and answers exactly like a real one, so locks reveal nothing.
 *
 * Redis holds the live counts (one round trip to read, one atomic script to count); every
 * failure is also written to PostgreSQL, which is reloaded when Redis comes back empty.
 */
import { and, eq, inArray, lt, ne, or, sql } from 'drizzle-orm';
import type { LockoutPolicy } from '../../config';
import type { Db, Tx } from '../../db/client';
import type { Clock } from '../../lib/clock';
import { ipGroup } from '../../lib/ip';
import { sha256 } from '../../lib/tokens';
import type { Logger } from '../../logger';
import type { AuditEvent, AuditMeta, AuditService } from '../audit/audit.service';
import { protectionUnavailable } from '../ratelimit/rate-limit.service';
import type { Count, LockoutStore, SubjectCounts } from './lockout.store';
import { loginFailures } from './lockout.table';

export interface Lock {
  scope: 'account' | 'ip';
  /** null: until an admin unlocks the account. */
  until: Date | null;
  failures: number;
}

export interface LockoutStatus {
  subject: string;
  group: string;
  counts: SubjectCounts;
  /** The lock that shuts out every address, if any. */
  account: Lock | undefined;
  /** The lock on this address only (a valid trusted-device token passes it). */
  ip: Lock | undefined;
}

export interface LockoutService {
  /** The counts and locks for this e-mail from this address (one Redis round trip). */
  status(email: string, ip: string | null | undefined): Promise<LockoutStatus>;
  /** The lock that refuses this attempt, if any. */
  blocking(status: LockoutStatus, trustedDevice: boolean): Lock | undefined;
  /**
   * Counts a failure; returns the lock it started, if it started one. `event` (the failed
   * attempt itself) is recorded in the same transaction as the durable count.
   */
  fail(status: LockoutStatus, meta: AuditMeta & { userId: string | null }, event?: AuditEvent): Promise<Lock | undefined>;
  /**
   * A success: forget the account-wide count and this address's. After a trusted device passed
   * this address's lock, that lock stays for everyone else at the address (`keepAddress`).
   */
  succeed(status: LockoutStatus, opts?: { keepAddress?: boolean }): Promise<void>;
  /** Deletes durable counts forgotten by now (LOCKOUT_MEMORY after their last failure); returns how many. */
  purge(): Promise<number>;
  /** Admin: forget every count of this account (all addresses). Returns whether it was locked. */
  unlock(user: { id: string; email: string }, meta: AuditMeta): Promise<boolean>;
  /**
   * Forget every count of this account, unaudited: for a flow that proved ownership some other
   * way and audits itself (a password reset). Returns whether it was locked.
   */
  clear(user: { email: string }): Promise<boolean>;
}

export const lockoutSubject = (normalizedEmail: string) => sha256(`lockout:${normalizedEmail}`);

export function createLockoutService(deps: {
  db: Db;
  store: LockoutStore;
  clock: Clock;
  audit: AuditService;
  logger: Logger;
  policy: LockoutPolicy;
}): LockoutService {
  const { db, store, clock, audit, policy } = deps;
  const memoryMs = policy.memory * 1000;
  const levels = [...policy.levels].sort((a, b) => b.failures - a.failures);

  function lockOf(c: Count, scope: Lock['scope'], now: number): Lock | undefined {
    // The last level: locked until an admin unlocks it, however long ago the last failure was.
    if (scope === 'account' && c.failures >= policy.maxFailures) return { scope, until: null, failures: c.failures };
    if (c.failures === 0 || now - c.lastFailedAt > memoryMs) return undefined;
    if (scope === 'account' && c.failures < policy.accountFrom) return undefined;
    const level = levels.find((l) => c.failures >= l.failures);
    if (!level) return undefined;
    const until = c.lastFailedAt + level.seconds * 1000;
    return until > now ? { scope, until: new Date(until), failures: c.failures } : undefined;
  }

  /** Redis errors refuse the attempt (fail closed), never let it through uncounted. */
  async function guarded<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      deps.logger.error({ err: (error as Error).message, what }, 'lockout store unreachable: refusing');
      throw protectionUnavailable();
    }
  }

  /** Counts idle for longer than the memory, except an account-wide count at the permanent level. */
  async function purgeForgotten(now: number) {
    const since = new Date(now - memoryMs);
    const gone = await db
      .delete(loginFailures)
      .where(and(lt(loginFailures.lastFailedAt, since), or(ne(loginFailures.ipGroup, ''), lt(loginFailures.failures, policy.maxFailures))))
      .returning({ subject: loginFailures.subject });
    return gone.length;
  }

  async function hydrate(now: number) {
    await purgeForgotten(now);
    const rows = await db.select().from(loginFailures);
    await store.hydrate(
      rows.map((r) => ({ subject: r.subject, group: r.ipGroup, failures: r.failures, lastFailedAt: r.lastFailedAt.getTime() })),
      memoryMs,
      now,
    );
    deps.logger.info({ subjects: new Set(rows.map((r) => r.subject)).size }, 'lockout counts reloaded from the database');
  }

  /** Whether a durable count, as stored, locks (its address, or the account) at `now`. */
  const wasLocking = (r: { ipGroup: string; failures: number; lastFailedAt: Date }, now: number) =>
    lockOf({ failures: r.failures, lastFailedAt: r.lastFailedAt.getTime() }, r.ipGroup === '' ? 'account' : 'ip', now) !== undefined;

  /** Every count of the e-mail, live and durable; returns the durable rows it removed. */
  async function forget(executor: Db | Tx, email: string) {
    const subject = lockoutSubject(email);
    await guarded('clear', () => store.clear(subject));
    return executor.delete(loginFailures).where(eq(loginFailures.subject, subject)).returning();
  }

  function statusOf(subject: string, group: string, counts: SubjectCounts, now: number): LockoutStatus {
    return { subject, group, counts, account: lockOf(counts.account, 'account', now), ip: lockOf(counts.ip, 'ip', now) };
  }

  return {
    async status(email, ip) {
      const subject = lockoutSubject(email);
      const group = ipGroup(ip ?? 'unknown');
      const now = clock.now().getTime();
      let read = await guarded('read', () => store.read(subject, group));
      if (!read.hydrated) {
        await guarded('hydrate', () => hydrate(now));
        read = await guarded('read', () => store.read(subject, group));
      }
      return statusOf(subject, group, read, now);
    },

    purge: () => purgeForgotten(clock.now().getTime()),

    blocking(status, trustedDevice) {
      return status.account ?? (trustedDevice ? undefined : status.ip);
    },

    async fail(status, meta, event) {
      const now = clock.now().getTime();
      const counts = await guarded('count', () => store.fail(status.subject, status.group, now, memoryMs, policy.maxFailures));
      const after = statusOf(status.subject, status.group, counts, now);
      const started = after.account ?? after.ip;
      const at = new Date(now);
      await db.transaction(async (tx) => {
        if (event) await audit.record(tx, event);
        for (const [group, c] of [['', counts.account], [status.group, counts.ip]] as const) {
          await tx
            .insert(loginFailures)
            .values({ subject: status.subject, ipGroup: group, failures: c.failures, lastFailedAt: at })
            .onConflictDoUpdate({
              target: [loginFailures.subject, loginFailures.ipGroup],
              set: { failures: sql`greatest(${loginFailures.failures}, excluded.failures)`, lastFailedAt: at },
            });
        }
        if (started) {
          await audit.record(tx, {
            ...meta,
            action: 'ACCOUNT_LOCKED',
            success: false,
            details: { scope: started.scope, lockedUntil: started.until?.toISOString() ?? null, failures: started.failures },
          });
        }
      });
      return started;
    },

    async succeed(status, opts = {}) {
      const keep = opts.keepAddress === true;
      if (status.counts.account.failures === 0 && (keep || status.counts.ip.failures === 0)) return;
      await guarded('reset', () => store.reset(status.subject, keep ? undefined : status.group));
      const groups = keep ? [''] : ['', status.group];
      await db.delete(loginFailures).where(and(eq(loginFailures.subject, status.subject), inArray(loginFailures.ipGroup, groups)));
    },

    async clear(user) {
      const now = clock.now().getTime();
      const removed = await forget(db, user.email);
      return removed.some((r) => wasLocking(r, now));
    },

    async unlock(user, meta) {
      const now = clock.now().getTime();
      return db.transaction(async (tx) => {
        const removed = await forget(tx, user.email);
        const locked = removed.some((r) => wasLocking(r, now));
        await audit.record(tx, {
          ...meta,
          action: 'ACCOUNT_UNLOCKED',
          success: true,
          userId: user.id,
          details: { wasLocked: locked, failures: Math.max(0, ...removed.map((r) => r.failures)) },
        });
        return locked;
      });
    },
  };
}
