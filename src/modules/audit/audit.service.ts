/**
 * The tamper-evident audit log.
 *
 * - Every entry is written in the transaction of the change it describes (`record(tx, …)`).
 * - Order: one gapless chain in commit order, on every instance. An append takes a
 *   transaction-scoped advisory lock and reads the last entry (one call: audit_append_head,
 *   drizzle/0013), writes the next `seq`, and holds the lock until its transaction ends. That
 *   lock is the one serial point of every audited change, so it is held as briefly as possible:
 *   a transaction appends last, just before COMMIT; all of its entries go in one call (one lock,
 *   one INSERT); and the lookups of the alert rules (`beforeAppend`) run before the lock is taken
 *   (sent in the same round trip as the lock, executed ahead of it). Logins on every instance
 *   thus wait for each other only from the head's read to COMMIT, not for their whole transaction.
 *   Chosen over per-instance sequences merged later, or a seq from a SEQUENCE with the hash
 *   filled in afterwards: those leave gaps on rollback or a window in which an entry has no hash.
 * - Tamper evidence: hash = SHA-256 over the entry's canonical content and the previous hash.
 *   Altering, removing or reordering entries breaks the recomputation at the first affected seq.
 * - Secrets never enter: details pass a per-action allow-list; anything else is dropped.
 * - Retention deletes a prefix of the chain and keeps an anchor (the last deleted seq and hash),
 *   so what remains still verifies.
 */
import { createHash, randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, gte, inArray, lt, lte, max, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { BadInputError } from '../../lib/bad-input';
import type { Clock } from '../../lib/clock';
import { isUuid } from '../../lib/ids';
import { addSeconds } from '../../lib/clock';
import { sendWithCommit } from '../../db/after-commit';
import { runStatement } from '../../db/statements';
import { auditAnchors, auditLogs, type AuditLogRow } from './audit.table';

export type { AuditLogRow };

/** An entry before it has its place in the chain. */
export type AuditDraft = Omit<AuditLogRow, 'seq' | 'prevHash' | 'hash'>;

/** What each action may carry in `details`. Nothing outside this list is stored. */
const DETAIL_KEYS = {
  USER_REGISTERED: ['roles', 'via'],
  LOGIN_SUCCEEDED: ['method'],
  LOGIN_FAILED: ['reason', 'email', 'method'],
  SESSION_REVOKED: ['reason'],
  REFRESH_TOKEN_REUSED: [],
  REAUTHENTICATED: ['method', 'previousSessionId'],
  PASSWORD_CHANGED: [],
  PASSWORD_RESET_REQUESTED: ['reason', 'email'],
  PASSWORD_RESET: [],
  EMAIL_VERIFIED: [],
  EMAIL_CHANGE_REQUESTED: ['email'],
  EMAIL_CHANGED: ['previousEmail', 'email'],
  PROFILE_UPDATED: ['fields'],
  MFA_ENROLLMENT_STARTED: [],
  MFA_ENABLED: ['method'],
  MFA_DISABLED: ['trustedDevicesRevoked'],
  MFA_CODE_FAILED: ['method', 'reason'],
  BACKUP_CODE_USED: ['remaining'],
  BACKUP_CODES_REGENERATED: ['count'],
  ACCOUNT_LOCKED: ['scope', 'lockedUntil', 'failures'],
  ACCOUNT_UNLOCKED: ['wasLocked', 'failures'],
  TRUSTED_DEVICE_ADDED: ['trustedDeviceId', 'expiresAt'],
  TRUSTED_DEVICE_REVOKED: ['trustedDeviceId', 'reason'],
  SIGNING_KEY_ROTATED: ['kid', 'activatesAt'],
  ROLES_CHANGED: ['roles', 'previousRoles'],
  API_KEY_CREATED: ['name', 'scopes', 'expiresAt'],
  API_KEY_ROTATED: ['gracePeriodSeconds'],
  API_KEY_REVOKED: ['reason'],
  API_KEY_USE_DENIED: ['reason'],
  WEBHOOK_CREATED: ['webhookId', 'host'],
  WEBHOOK_DELETED: ['webhookId', 'host'],
} as const satisfies Record<string, readonly string[]>;

export type AuditAction = keyof typeof DETAIL_KEYS;
export const AUDIT_ACTIONS = Object.keys(DETAIL_KEYS) as AuditAction[];

/** Who and where: filled from the request by the GraphQL layer, passed down to services. */
export interface AuditMeta {
  ip?: string | null;
  userAgent?: string | null;
  actorUserId?: string | null;
  sessionId?: string | null;
  apiKeyId?: string | null;
}

export interface AuditEvent extends AuditMeta {
  action: AuditAction;
  success?: boolean;
  userId?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditFilter {
  userId?: string | null;
  actions?: string[] | null;
  success?: boolean | null;
  from?: Date | null;
  to?: Date | null;
  ipAddress?: string | null;
}

/**
 * Refuses filter values the database would choke on (a non-UUID id, NUL bytes, dates outside
 * what PostgreSQL stores) as BAD_USER_INPUT, before any query runs.
 */
export function checkAuditFilter(f: AuditFilter): AuditFilter {
  if (f.userId && !isUuid(f.userId)) throw new BadInputError('userId: not a user id.', 'userId');
  if (f.ipAddress && (f.ipAddress.length > 64 || /[\p{Cc}\s]/u.test(f.ipAddress))) throw new BadInputError('ipAddress: not an address.', 'ipAddress');
  for (const [name, d] of [['from', f.from], ['to', f.to]] as const) {
    if (d && (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1 || d.getUTCFullYear() > 9999)) {
      throw new BadInputError(`${name}: expected a date between the years 1 and 9999.`, name);
    }
  }
  return f;
}

export interface ChainReport {
  valid: boolean;
  entriesChecked: number;
  firstBrokenSeq: number | null;
  /** The id of the entry at that position, when one is there. */
  firstBrokenId: string | null;
  problem: 'ALTERED' | 'MISSING' | 'OUT_OF_ORDER' | null;
}

export interface AuditService {
  /**
   * Inside the caller's transaction: the entries commit or roll back with the change. Call it
   * last, just before COMMIT, and once (with every entry, in order): it holds the chain's lock
   * until the transaction ends.
   */
  record(tx: Tx, event: AuditEvent | readonly AuditEvent[], opts?: {
    /**
     * Entries that go before `event` but are known only from statements sent in the same round
     * trip as the chain's lock (the sessions a login evicts): the lock is taken without waiting for them.
     */
    before?: Promise<readonly AuditEvent[]>;
  }): Promise<void>;
  /** An event that changes nothing else (a failed login): a transaction of its own. */
  log(event: AuditEvent): Promise<void>;
  list(filter: AuditFilter, page: { first: number; afterSeq: number | null }): Promise<{ rows: AuditLogRow[]; hasNextPage: boolean }>;
  /** Every matching entry, oldest first, in batches (for streaming exports). */
  scan(filter: AuditFilter, batchSize?: number): AsyncGenerator<AuditLogRow>;
  verifyChain(): Promise<ChainReport>;
  /** Deletes entries older than the retention period; returns how many. */
  purge(): Promise<number>;
  count(action: AuditAction, since: Date, success?: boolean): Promise<number>;
}

const GENESIS = '0'.repeat(64);
// The chain's lock and head (drizzle/0013), and every entry of one append in one INSERT whatever
// their number (arrays unnested), as fixed statements (db/statements.ts).
const APPEND_HEAD = 'select seq, hash from audit_append_head($1::bigint)';
const INSERT_ENTRIES = `insert into audit_logs
  (seq, id, occurred_at, action, success, actor_user_id, user_id, ip_address, user_agent, session_id, api_key_id, details, prev_hash, hash)
  select seq::bigint, id::uuid, occurred_at::timestamptz, action, success::boolean, actor_user_id::uuid, user_id::uuid, ip_address,
         user_agent, session_id::uuid, api_key_id::uuid, details::jsonb, prev_hash, hash
  from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
              $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
    as e(seq, id, occurred_at, action, success, actor_user_id, user_id, ip_address, user_agent, session_id, api_key_id, details, prev_hash, hash)`;

function insertParams(rows: readonly AuditLogRow[]): string[][] {
  const column = (f: (r: AuditLogRow) => string | null) => rows.map(f) as string[];
  return [
    column((r) => String(r.seq)),
    column((r) => r.id),
    column((r) => r.occurredAt.toISOString()),
    column((r) => r.action),
    column((r) => String(r.success)),
    column((r) => r.actorUserId),
    column((r) => r.userId),
    column((r) => r.ipAddress),
    column((r) => r.userAgent),
    column((r) => r.sessionId),
    column((r) => r.apiKeyId),
    column((r) => JSON.stringify(r.details)),
    column((r) => r.prevHash),
    column((r) => r.hash),
  ];
}
// Any constant: it only has to be the same for every instance.
const AUDIT_LOCK_ID = 727_200;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function entryHash(e: Omit<AuditLogRow, 'hash'>): string {
  const content = canonical([
    'v1',
    e.seq,
    e.id,
    e.occurredAt.toISOString(),
    e.action,
    e.success,
    e.actorUserId,
    e.userId,
    e.ipAddress,
    e.userAgent,
    e.sessionId,
    e.apiKeyId,
    e.details,
    e.prevHash,
  ]);
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

function allowedDetails(action: AuditAction, details: Record<string, unknown> = {}): Record<string, unknown> {
  const allowed: readonly string[] = DETAIL_KEYS[action];
  const out: Record<string, unknown> = {};
  for (const key of allowed) {
    const v = details[key];
    if (v === undefined) continue;
    out[key] = v instanceof Date ? v.toISOString() : v;
  }
  return out;
}

export function createAuditService<Facts = undefined>(deps: {
  db: Db;
  clock: Clock;
  retentionDays: number;
  /** Runs before the chain's lock is taken: lookups whose result `afterAppend` gets (the alert rules). */
  beforeAppend?: (tx: Tx, entry: AuditDraft) => Promise<Facts | undefined>;
  /** Runs inside the append's transaction, under the chain's lock, e.g. storing the alerts raised. */
  afterAppend?: (tx: Tx, entry: AuditLogRow, facts: Facts | undefined) => Promise<void>;
}): AuditService {
  const { db, clock } = deps;

  const where = (f: AuditFilter): SQL | undefined =>
    and(
      f.userId ? eq(auditLogs.userId, f.userId) : undefined,
      f.actions?.length ? inArray(auditLogs.action, f.actions) : undefined,
      f.success != null ? eq(auditLogs.success, f.success) : undefined,
      f.from ? gte(auditLogs.occurredAt, f.from) : undefined,
      f.to ? lte(auditLogs.occurredAt, f.to) : undefined,
      f.ipAddress ? eq(auditLogs.ipAddress, f.ipAddress) : undefined,
    );

  function draft(event: AuditEvent, now: Date): AuditDraft {
    return {
      id: randomUUID(),
      occurredAt: now,
      action: event.action,
      success: event.success ?? true,
      actorUserId: event.actorUserId ?? null,
      userId: event.userId ?? null,
      ipAddress: event.ip ?? null,
      userAgent: event.userAgent?.slice(0, 512) ?? null,
      sessionId: event.sessionId ?? null,
      apiKeyId: event.apiKeyId ?? null,
      details: allowedDetails(event.action, event.details),
    };
  }

  async function append(tx: Tx, events: AuditEvent | readonly AuditEvent[], opts: { before?: Promise<readonly AuditEvent[]> } = {}) {
    const now = clock.now();
    const drafts = (Array.isArray(events) ? events : [events]).map((e: AuditEvent) => draft(e, now));
    // Sent together, run in this order: the alert rules' lookups (which do not depend on the
    // chain's order) before the lock is taken, then the lock and the chain's head.
    const [facts, [head], before] = await Promise.all([
      Promise.all(drafts.map((d) => deps.beforeAppend?.(tx, d))),
      runStatement<{ seq: string; hash: string }>(tx, APPEND_HEAD, [AUDIT_LOCK_ID]),
      opts.before ?? [],
    ]);
    const earlier = before.map((e) => draft(e, now));
    // Entries known only from statements sent with the lock (the sessions a login evicts):
    // their lookups run under it, rare as they are.
    const earlierFacts = await Promise.all(earlier.map((d) => deps.beforeAppend?.(tx, d)));
    const all = [...earlier, ...drafts];
    if (all.length === 0) return;
    let seq = head ? Number(head.seq) : 0;
    let prevHash = head?.hash ?? GENESIS;
    const rows: AuditLogRow[] = all.map((d) => {
      const entry = { ...d, seq: ++seq, prevHash };
      prevHash = entryHash(entry);
      return { ...entry, hash: prevHash };
    });
    // Not waited for: on PostgreSQL it goes out with the COMMIT (one round trip), and a failure
    // still fails the transaction (db/after-commit.ts). Statements the alert rules send queue behind it.
    const inserted = runStatement(tx, INSERT_ENTRIES, insertParams(rows));
    if (!sendWithCommit(tx, inserted)) await inserted;
    const allFacts = [...earlierFacts, ...facts];
    for (const [i, row] of rows.entries()) await deps.afterAppend?.(tx, row, allFacts[i]);
  }

  return {
    record: append,
    log: (event) => db.transaction((tx) => append(tx, event)),

    async list(filter, { first, afterSeq }) {
      const rows = await db
        .select()
        .from(auditLogs)
        .where(and(where(filter), afterSeq !== null ? lt(auditLogs.seq, afterSeq) : undefined))
        .orderBy(desc(auditLogs.seq))
        .limit(first + 1);
      return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
    },

    async *scan(filter, batchSize = 500) {
      let after = 0;
      for (;;) {
        const rows = await db
          .select()
          .from(auditLogs)
          .where(and(where(filter), gt(auditLogs.seq, after)))
          .orderBy(asc(auditLogs.seq))
          .limit(batchSize);
        yield* rows;
        if (rows.length < batchSize) return;
        after = rows[rows.length - 1]!.seq;
      }
    },

    async verifyChain() {
      const [anchor] = await db.select().from(auditAnchors).orderBy(desc(auditAnchors.seq)).limit(1);
      let expectedSeq = (anchor?.seq ?? 0) + 1;
      let prev = anchor?.hash ?? GENESIS;
      let checked = 0;
      const broken = (seq: number, problem: ChainReport['problem'], id: string | null): ChainReport => ({
        valid: false,
        entriesChecked: checked,
        firstBrokenSeq: seq,
        firstBrokenId: id,
        problem,
      });
      for (let after = anchor?.seq ?? 0; ; ) {
        const rows = await db.select().from(auditLogs).where(gt(auditLogs.seq, after)).orderBy(asc(auditLogs.seq)).limit(1000);
        for (const row of rows) {
          if (row.seq !== expectedSeq) return broken(expectedSeq, 'MISSING', null);
          if (entryHash(row) !== row.hash) return broken(row.seq, 'ALTERED', row.id);
          if (row.prevHash !== prev) return broken(row.seq, 'OUT_OF_ORDER', row.id);
          prev = row.hash;
          expectedSeq++;
          checked++;
        }
        if (rows.length < 1000) break;
        after = rows[rows.length - 1]!.seq;
      }
      return { valid: true, entriesChecked: checked, firstBrokenSeq: null, firstBrokenId: null, problem: null };
    },

    async count(action, since, success) {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(auditLogs)
        .where(and(eq(auditLogs.action, action), gte(auditLogs.occurredAt, since), success != null ? eq(auditLogs.success, success) : undefined));
      return row?.n ?? 0;
    },

    async purge() {
      const cutoff = addSeconds(clock.now(), -deps.retentionDays * 86400);
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK_ID})`);
        // Only a prefix of the chain goes: everything before the first entry still within retention.
        const [keep] = await tx.select({ seq: sql<number | null>`min(${auditLogs.seq})` }).from(auditLogs).where(gte(auditLogs.occurredAt, cutoff));
        const [top] = await tx.select({ seq: max(auditLogs.seq) }).from(auditLogs);
        const lastToDelete = keep?.seq != null ? Number(keep.seq) - 1 : top?.seq ?? null;
        if (lastToDelete === null) return 0;
        const [boundary] = await tx.select().from(auditLogs).where(eq(auditLogs.seq, lastToDelete));
        if (!boundary) return 0;
        await tx.execute(sql`set local idp.audit_purge = 'on'`);
        const deleted = await tx.delete(auditLogs).where(lte(auditLogs.seq, lastToDelete)).returning({ seq: auditLogs.seq });
        await tx.insert(auditAnchors).values({ seq: boundary.seq, hash: boundary.hash, createdAt: clock.now() }).onConflictDoNothing();
        return deleted.length;
      });
    },
  };
}
