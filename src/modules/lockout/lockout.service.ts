/**
 * Progressive lockout. Consecutive failed passwords and MFA codes are counted per account and
 * per account + client address (IPv6 by /64); from the levels' thresholds on (defaults 3 → 15
 * minutes, 5 → 1 hour, 10 → 24 hours, 15 → 7 days) each further failure locks again, counted
 * from that failure. A success resets the account count and that address's.
 *
 * Threat: a stranger locking the owner out. The lock on one address shuts out only that address.
 * The account-wide lock, which shuts out every address, starts at LOCKOUT_ACCOUNT_FROM (10)
 * failures, and only when they came from at least LOCKOUT_ACCOUNT_MIN_GROUPS (3) distinct
 * networks (IPv4 /24, IPv6 /64 by default); the same holds for the permanent level
 * (LOCKOUT_MAX_FAILURES, until an admin unlocks). A stranger on one network therefore never
 * locks the owner out elsewhere. A valid trusted-device token passes the account's and its
 * address's failure locks (the owner proved a second factor on that device before); its attempts
 * are counted against the device instead, which locks by the same levels, so a stolen device
 * token is no unlimited password oracle. A completed password reset clears every count. Neither
 * passes a disabled account.
 *
 * Threat: a burst. Every credential check first reserves its attempt (lockout.store.ts): the
 * lock is decided together with the attempts already in flight, in one atomic step, so a burst
 * of N concurrent guesses gets exactly as many evaluations as the lock allows, and a right
 * credential arriving after those is refused like a wrong one.
 *
 * Counts are keyed by the hashed normalised e-mail, not by the account: an address nobody
 * registered locks and answers exactly like a real one, so locks reveal nothing. The durable
 * copy in PostgreSQL (reloaded when Redis comes back empty) is kept for accounts only: failures
 * for unknown e-mails would otherwise add rows without bound between purges (one per guessed
 * address), and they lock nothing anyone owns. So that a failure costs the same either way, an
 * unknown e-mail's failure runs the same statements on three fixed rows (UNKNOWN_SUBJECT).
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, like, lt, ne, or, sql } from 'drizzle-orm';
import type { LockoutPolicy } from '../../config';
import type { Db, Tx } from '../../db/client';
import type { Clock } from '../../lib/clock';
import { ipGroup, netGroup } from '../../lib/ip';
import { sha256 } from '../../lib/tokens';
import type { Logger } from '../../logger';
import type { AuditEvent, AuditMeta, AuditService } from '../audit/audit.service';
import { protectionUnavailable, rateLimited } from '../ratelimit/rate-limit.service';
import { decide, NET_ROW_PREFIX, type Count, type LockoutStore, type LockRules, type Slot, type SubjectCounts } from './lockout.store';
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
  /** The lock on this address only. */
  ip: Lock | undefined;
}

/** One attempt, reserved before its credential is checked. End it with fail, succeed or cancel. */
export interface Reservation {
  slot: Slot;
  /** Set when the attempt was refused (nothing reserved): the lock in force. */
  refused: Lock | undefined;
}

export interface LockoutService {
  /** The counts and locks for this e-mail from this address, without reserving (admin views, tests). */
  status(email: string, ip: string | null | undefined): Promise<LockoutStatus>;
  /** The lock that refuses an attempt in this status, if any (a trusted device passes them all). */
  blocking(status: LockoutStatus, trustedDevice: boolean): Lock | undefined;
  /**
   * Reserves one attempt for this e-mail from this address, atomically with the lock check.
   * `trustedDevice`: the token of a trusted device of the account, already checked valid. The
   * attempt then passes the account's and the address's locks and counts against the device.
   */
  /**
   * `queue`: when only attempts still in flight stand in the way (none has failed yet), wait for
   * them instead of refusing: for passwords, where an owner's tabs may sign in at once. Without it
   * (MFA codes, which come one per challenge) such an attempt is refused as the lock it could become.
   */
  reserve(email: string, ip: string | null | undefined, opts?: { trustedDevice?: string; queue?: boolean }): Promise<Reservation>;
  /**
   * The reserved attempt failed: counts it; returns the lock it started, if any. `event` (the
   * failed attempt itself) is recorded in the same transaction as the durable count.
   */
  fail(r: Reservation, meta: AuditMeta & { userId: string | null }, event?: AuditEvent): Promise<Lock | undefined>;
  /**
   * The reserved attempt succeeded: forget the account-wide count and this address's (for a
   * trusted device: the device's; the lock of the address it came from stays for everyone else).
   */
  succeed(r: Reservation): Promise<void>;
  /** The reserved attempt turned out to be no guess (malformed, a code already used, refused by another lock). */
  cancel(r: Reservation): Promise<void>;
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
/** Not a SHA-256: no e-mail address maps to it. Its rows are never loaded into Redis. */
const UNKNOWN_SUBJECT = 'unknown-emails';

/** Waiting for attempts in flight (argon2 takes tens of milliseconds): first step, largest step, bound. */
const BUSY_STEP_MS = 10;
const BUSY_MAX_STEP_MS = 200;
const BUSY_WAIT_MS = 10_000;

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
  const rules: LockRules = {
    levels: [...policy.levels].sort((a, b) => a.failures - b.failures).map((l) => ({ failures: l.failures, ms: l.seconds * 1000 })),
    accountFrom: policy.accountFrom,
    maxFailures: policy.maxFailures,
    minGroups: policy.accountMinGroups,
    memoryMs,
  };

  const toLock = (d: ReturnType<typeof decide>): Lock | undefined => d && { scope: d.scope, until: d.until === null ? null : new Date(d.until), failures: d.failures };
  const fresh = (c: Count, now: number, permanentAt = Infinity) => (c.failures >= permanentAt || now - c.lastFailedAt <= memoryMs ? c : { failures: 0, lastFailedAt: 0 });

  /** The committed counts' locks (no attempt in flight): the account's and the address's, each on its own. */
  function locksOf(counts: SubjectCounts, now: number) {
    const a = fresh(counts.account, now, policy.maxFailures);
    const g = fresh(counts.ip, now);
    const none = { pa: 0, pg: 0 };
    return {
      account: toLock(decide({ af: a.failures, at: a.lastFailedAt, gf: 0, gt: 0, nets: counts.nets, ...none }, now, rules)),
      ip: toLock(decide({ af: 0, at: 0, gf: g.failures, gt: g.lastFailedAt, nets: 0, ...none }, now, rules)),
    };
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
    const rows = await db.select().from(loginFailures).where(ne(loginFailures.subject, UNKNOWN_SUBJECT));
    await store.hydrate(
      rows.map((r) => ({ subject: r.subject, group: r.ipGroup, failures: r.failures, lastFailedAt: r.lastFailedAt.getTime() })),
      memoryMs,
      now,
    );
    deps.logger.info({ subjects: new Set(rows.map((r) => r.subject)).size }, 'lockout counts reloaded from the database');
  }

  /** Whether durable counts, as stored, locked (an address, or the account) at `now`. */
  function wereLocking(rows: { ipGroup: string; failures: number; lastFailedAt: Date }[], now: number) {
    const nets = rows.filter((r) => r.ipGroup.startsWith(NET_ROW_PREFIX)).length;
    return rows.some((r) => {
      if (r.ipGroup.startsWith(NET_ROW_PREFIX)) return false;
      const c = { failures: r.failures, lastFailedAt: r.lastFailedAt.getTime() };
      const locks = locksOf(r.ipGroup === '' ? { account: c, ip: { failures: 0, lastFailedAt: 0 }, nets } : { account: { failures: 0, lastFailedAt: 0 }, ip: c, nets: 0 }, now);
      return (locks.account ?? locks.ip) !== undefined;
    });
  }

  /** Every count of the e-mail, live and durable; returns the durable rows it removed. */
  async function forget(executor: Db | Tx, email: string) {
    const subject = lockoutSubject(email);
    await guarded('clear', () => store.clear(subject));
    return executor.delete(loginFailures).where(eq(loginFailures.subject, subject)).returning();
  }

  /** The group an attempt counts against: its address, or the trusted device it came with. */
  function slotOf(email: string, ip: string | null | undefined, trustedDevice?: string): Slot {
    const address = ip ?? 'unknown';
    const group = trustedDevice === undefined ? ipGroup(address) : `td:${sha256(`lockout-device:${trustedDevice}`).slice(0, 32)}`;
    return { subject: lockoutSubject(email), group, net: netGroup(address, policy.groupPrefix), id: randomUUID() };
  }

  return {
    async status(email, ip) {
      const { subject, group } = slotOf(email, ip);
      const now = clock.now().getTime();
      let read = await guarded('read', () => store.read(subject, group, now, memoryMs, policy.maxFailures));
      if (!read.hydrated) {
        await guarded('hydrate', () => hydrate(now));
        read = await guarded('read', () => store.read(subject, group, now, memoryMs, policy.maxFailures));
      }
      return { subject, group, counts: read, ...locksOf(read, now) };
    },

    purge: () => purgeForgotten(clock.now().getTime()),

    blocking(status, trustedDevice) {
      return trustedDevice ? undefined : (status.account ?? status.ip);
    },

    async reserve(email, ip, opts = {}) {
      const slot = slotOf(email, ip, opts.trustedDevice);
      const bypass = opts.trustedDevice !== undefined;
      const now = clock.now().getTime();
      let r = await guarded('reserve', () => store.reserve(slot, now, rules, bypass));
      if (!r.reserved && r.scope === 'unhydrated') {
        await guarded('hydrate', () => hydrate(now));
        r = await guarded('reserve', () => store.reserve(slot, now, rules, bypass));
      }
      // Refused only because attempts in flight could all fail: nobody failed yet, so this is no
      // lock to report. Queue behind them (their outcome decides this one's), within a bound.
      for (let waited = 0, step = BUSY_STEP_MS; opts.queue && !r.reserved && r.scope === 'busy'; waited += step, step = Math.min(step * 2, BUSY_MAX_STEP_MS)) {
        if (waited >= BUSY_WAIT_MS) throw rateLimited(1, 'Other sign-in attempts for this account are still being checked. Try again in a second.');
        await new Promise((resolve) => setTimeout(resolve, step * (0.5 + Math.random())));
        r = await guarded('reserve', () => store.reserve(slot, clock.now().getTime(), rules, bypass));
      }
      if (r.reserved) return { slot, refused: undefined };
      if (r.scope === 'unhydrated') throw protectionUnavailable();
      return { slot, refused: toLock(r.scope === 'busy' ? r.lock : r) };
    },

    async fail(r, meta, event) {
      const now = clock.now().getTime();
      const { slot } = r;
      const counts = await guarded('count', () => store.fail(slot, now, memoryMs, policy.maxFailures));
      const after = locksOf(counts, now);
      const started = after.account ?? after.ip;
      const at = new Date(now);
      await db.transaction(async (tx) => {
        // Unknown e-mails live in Redis only (see the header): the same writes, to fixed rows.
        const known = meta.userId !== null;
        const subject = known ? slot.subject : UNKNOWN_SUBJECT;
        const durable: [string, number][] = [
          ['', counts.account.failures],
          [known ? slot.group : 'group', counts.ip.failures],
          [NET_ROW_PREFIX + (known ? slot.net : 'network'), 1],
        ];
        await tx
          .insert(loginFailures)
          .values(durable.map(([group, failures]) => ({ subject, ipGroup: group, failures, lastFailedAt: at })))
          .onConflictDoUpdate({
            target: [loginFailures.subject, loginFailures.ipGroup],
            set: { failures: sql`greatest(${loginFailures.failures}, excluded.failures)`, lastFailedAt: at },
          });
        // Last, in one call: the audit chain's lock is held from here to COMMIT only.
        const locked: AuditEvent | undefined = started && {
          ...meta,
          action: 'ACCOUNT_LOCKED',
          success: false,
          details: { scope: started.scope, lockedUntil: started.until?.toISOString() ?? null, failures: started.failures },
        };
        await audit.record(tx, [event, locked].filter((e): e is AuditEvent => e !== undefined));
      });
      return started;
    },

    async succeed(r) {
      const had = await guarded('reset', () => store.succeed(r.slot));
      if (!had) return;
      const gone = or(inArray(loginFailures.ipGroup, ['', r.slot.group]), like(loginFailures.ipGroup, `${NET_ROW_PREFIX}%`));
      await db.delete(loginFailures).where(and(eq(loginFailures.subject, r.slot.subject), gone));
    },

    async cancel(r) {
      if (r.refused) return;
      await guarded('cancel', () => store.cancel(r.slot));
    },

    async clear(user) {
      const now = clock.now().getTime();
      return wereLocking(await forget(db, user.email), now);
    },

    async unlock(user, meta) {
      const now = clock.now().getTime();
      return db.transaction(async (tx) => {
        const removed = await forget(tx, user.email);
        const locked = wereLocking(removed, now);
        await audit.record(tx, {
          ...meta,
          action: 'ACCOUNT_UNLOCKED',
          success: true,
          userId: user.id,
          details: { wasLocked: locked, failures: Math.max(0, ...removed.filter((r) => !r.ipGroup.startsWith(NET_ROW_PREFIX)).map((r) => r.failures)) },
        });
        return locked;
      });
    },
  };
}
