/**
 * Sessions and their refresh-token families.
 *
 * Threats and choices:
 * - A stolen refresh token. Tokens are opaque, 256-bit, single use, and stored as SHA-256 only.
 *   Spending one is a single conditional UPDATE (`spent_at IS NULL`), so of two concurrent
 *   rotations exactly one wins; the loser sees a spent token. Presenting a spent token means two
 *   parties hold the family: the whole session is revoked (every token, and its access tokens
 *   at once through the revocation list) and the caller learns RefreshTokenReusedError.
 *   The common case (a live unspent token) is one prepared statement (sessions.rotation.ts);
 *   only a token that statement did not rotate takes the transaction that tells grace from reuse.
 * - Client races (two tabs refreshing at once). With REFRESH_REUSE_GRACE > 0 the immediately
 *   previous token, presented again within the grace, gets the same successor back. Successors
 *   are derived as HMAC(server key, previous token), so the same answer can be given without
 *   storing any token in readable form; an older token, or one whose successor was already
 *   used, is still reuse.
 * - A revoked session's access tokens. Access tokens are checked without the database; the
 *   revocation list lives in Redis (in-process without it) for as long as such a token can live,
 *   and is rebuilt from `revoked_at` when Redis loses it (sessions.revocation.ts).
 */
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import type { Clock } from '../../lib/clock';
import { addSeconds } from '../../lib/clock';
import { isUuid } from '../../lib/ids';
import { hmacSha256, randomToken, sha256 } from '../../lib/tokens';
import type { Kv } from '../../kv/kv';
import type { AuditMeta, AuditService } from '../audit/audit.service';
import { users, type UserRow } from '../users/users.table';
import { refreshTokens, sessions, type SessionRow } from './sessions.table';
import { InvalidRefreshTokenError, NotFoundError, RefreshTokenReusedError } from './sessions.errors';
import type { Marker, RevocationService } from '../revocation/revocation.service';
import { createSessionRevocation, type TokenState } from './sessions.revocation';
import { prepareRotation } from './sessions.rotation';
import { runStatement } from '../../db/statements';

export type { SessionRow };

const REFRESH_PREFIX = 'rt_';

export interface SessionSettings {
  accessTokenTtl: number;
  refreshTokenTtl: number;
  sessionMaxAge: number;
  maxSessionsPerUser: number;
  refreshReuseGrace: number;
}

export interface IssuedRefresh {
  session: SessionRow;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

export interface RotatedRefresh extends IssuedRefresh {
  user: UserRow;
}

export type RevokeReason =
  | 'logout'
  | 'revoked'
  | 'revoked_others'
  | 'revoked_all'
  | 'session_limit'
  | 'refresh_token_reused'
  | 'reauthenticated'
  | 'password_changed'
  | 'password_reset'
  | 'email_changed'
  | 'admin';

/** The audit event a new session is recorded under (LOGIN_SUCCEEDED, REAUTHENTICATED, …). */
export interface SessionEvent {
  action: 'LOGIN_SUCCEEDED' | 'REAUTHENTICATED' | 'USER_REGISTERED';
  details?: Record<string, unknown>;
}

export interface SessionService {
  create(input: {
    userId: string;
    amr: string[];
    mfaVerified: boolean;
    ip: string | null;
    userAgent: string | null;
    now: Date;
    event: SessionEvent;
  }): Promise<IssuedRefresh>;
  /** The successor of a live token, with the session's user (the one query of a refresh in the common case). */
  rotate(refreshToken: string, meta: { ip: string | null; userAgent: string | null }): Promise<RotatedRefresh>;
  /**
   * The one kv round trip of every authenticated request: is the session revoked, and were the
   * user's roles changed since its tokens were issued? SERVICE_UNAVAILABLE while the kv's
   * revocation state is being rebuilt.
   */
  tokenState(sessionId: string, userId: string): Promise<TokenState>;
  /** What the kv must hold for sessions revoked recently (the revocation module's rebuild source). */
  revocationMarkers(now: Date): Promise<Marker[]>;
  get(sessionId: string): Promise<SessionRow | undefined>;
  listActive(userId: string): Promise<SessionRow[]>;
  revoke(userId: string, sessionId: string, reason: RevokeReason, meta?: AuditMeta): Promise<void>;
  revokeAllExcept(userId: string, keepSessionId: string | null, reason: RevokeReason, meta?: AuditMeta): Promise<number>;
  countActive(): Promise<number>;
  /** When the session ends if unused: the earlier of its idle and absolute limits. */
  endsAt(session: SessionRow): Date;
}

// A login's statements (sessions.create), fixed and prepared once per connection (db/statements.ts).
const LOCK_USER = 'select id from users where id = $1::uuid for update';
const EVICT_OVER_LIMIT = `update sessions set revoked_at = $2::timestamptz, revoked_reason = 'session_limit'
  where id in (
    select id from sessions
    where user_id = $1::uuid and revoked_at is null and idle_expires_at > $2::timestamptz and expires_at > $2::timestamptz
    order by last_active_at desc, created_at desc offset $3::int)
  returning id`;
const INSERT_SESSION = `with s as (
    insert into sessions (id, user_id, created_at, last_active_at, idle_expires_at, expires_at, authenticated_at, amr, mfa_verified, ip_address, user_agent)
    values ($1::uuid, $2::uuid, $3::timestamptz, $3::timestamptz, $4::timestamptz, $5::timestamptz, $3::timestamptz, $6::text[], $7::boolean, $8::text, $9::text)
    returning id)
  insert into refresh_tokens (id, session_id, token_hash, created_at, expires_at)
  select $10::uuid, s.id, $11::text, $3::timestamptz, $12::timestamptz from s`;

export function createSessionService(deps: {
  db: Db;
  kv: Kv;
  clock: Clock;
  audit: AuditService;
  revocation: Pick<RevocationService, 'epochKey' | 'assertIntact' | 'markerWriteFailed'>;
  /** Told of every revoked session, so its live subscriptions end. */
  onRevoked?: (sessionId: string) => void;
  successorKey: Buffer;
  settings: SessionSettings;
}): SessionService {
  const { db, kv, clock, audit, successorKey, settings } = deps;
  // Tokens issued before revocation expire within accessTokenTtl; the marker need not outlive them.
  const revocation = createSessionRevocation({ db, kv, revocation: deps.revocation, markerTtl: settings.accessTokenTtl + 5, onRevoked: deps.onRevoked });
  const publishRevocations = revocation.publish;
  const rotateLive = prepareRotation(db);
  const successorOf = (token: string) => REFRESH_PREFIX + hmacSha256(successorKey, token);
  const liveSession = (now: Date) =>
    and(isNull(sessions.revokedAt), gt(sessions.idleExpiresAt, now), gt(sessions.expiresAt, now));
  // Built once, prepared per connection: the session list is read on every visit to a devices page.
  // `now` goes in as an ISO string: a placeholder's value skips the column's Date encoder.
  const activeSessionsOf = db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, sql.placeholder('userId')), liveSession(sql.placeholder('now') as unknown as Date)))
    .orderBy(desc(sessions.lastActiveAt), asc(sessions.id))
    .prepare('active_sessions_of');

  /** Revokes and records one SESSION_REVOKED per session, in the caller's transaction. */
  async function revokeWhere(tx: Tx, where: ReturnType<typeof and>, now: Date, reason: RevokeReason, meta: AuditMeta = {}): Promise<string[]> {
    const rows = await tx
      .update(sessions)
      .set({ revokedAt: now, revokedReason: reason })
      .where(where)
      .returning({ id: sessions.id, userId: sessions.userId });
    for (const row of rows) {
      await audit.record(tx, { ...meta, action: 'SESSION_REVOKED', userId: row.userId, sessionId: row.id, details: { reason } });
    }
    return rows.map((r) => r.id);
  }

  const refreshExpiry = (now: Date, session: { expiresAt: Date }) => new Date(Math.min(addSeconds(now, settings.refreshTokenTtl).getTime(), session.expiresAt.getTime()));

  return {
    async create({ userId, amr, mfaVerified, ip, userAgent, now, event }) {
      const refreshToken = REFRESH_PREFIX + randomToken(32);
      const session: SessionRow = {
        id: randomUUID(),
        userId,
        createdAt: now,
        lastActiveAt: now,
        idleExpiresAt: addSeconds(now, settings.refreshTokenTtl),
        expiresAt: addSeconds(now, settings.sessionMaxAge),
        authenticatedAt: now,
        amr,
        mfaVerified,
        ipAddress: ip,
        userAgent: userAgent?.slice(0, 512) ?? null,
        revokedAt: null,
        revokedReason: null,
      };
      const expiresAt = refreshExpiry(now, session);
      const evicted = await db.transaction(async (tx) => {
        // One round trip, run in this order (fixed statements, db/statements.ts). The user's row
        // lock makes logins of one user take turns, so the session limit holds under concurrent
        // logins; the eviction is a statement of its own, so its snapshot (taken once the lock is
        // held) sees every session committed before. It keeps the newest `max - 1`, making room.
        // Then the audit chain's lock, last: it is held from there to COMMIT only, and the
        // entries' INSERT goes out with the COMMIT.
        const at = now.toISOString();
        const locked = runStatement(tx, LOCK_USER, [userId]);
        const revoked = runStatement<{ id: string }>(tx, EVICT_OVER_LIMIT, [userId, at, Math.max(0, settings.maxSessionsPerUser - 1)]).then((rows) => rows.map((r) => r.id));
        const inserted = runStatement(tx, INSERT_SESSION, [
          session.id,
          userId,
          at,
          session.idleExpiresAt.toISOString(),
          session.expiresAt.toISOString(),
          amr,
          mfaVerified,
          session.ipAddress,
          session.userAgent,
          randomUUID(),
          sha256(refreshToken),
          expiresAt.toISOString(),
        ]);
        const audited = audit.record(tx, { action: event.action, userId, actorUserId: userId, sessionId: session.id, ip, userAgent, details: event.details }, {
          before: revoked.then((ids) => ids.map((id) => ({ action: 'SESSION_REVOKED' as const, userId, sessionId: id, ip, userAgent, details: { reason: 'session_limit' } }))),
        });
        const [, ids] = await Promise.all([locked, revoked, inserted, audited]);
        return ids;
      });
      await publishRevocations(evicted);
      return { session, refreshToken, refreshTokenExpiresAt: expiresAt };
    },

    async rotate(presented, rotateMeta) {
      const now = clock.now();
      if (!presented.startsWith(REFRESH_PREFIX) || presented.length > 200) throw new InvalidRefreshTokenError();
      const hash = sha256(presented);
      const successor = successorOf(presented);
      const rotated = await rotateLive({
        tokenHash: hash,
        successorId: randomUUID(),
        successorHash: sha256(successor),
        now,
        idleUntil: addSeconds(now, settings.refreshTokenTtl),
        ip: rotateMeta.ip,
        userAgent: rotateMeta.userAgent?.slice(0, 512) ?? null,
      });
      if (rotated) return { session: rotated.session, user: rotated.user, refreshToken: successor, refreshTokenExpiresAt: rotated.successorExpiresAt };

      // Not a live unspent token: unknown, expired, of an ended session, or spent (grace or reuse).
      const outcome = await db.transaction(async (tx) => {
        const [known] = await tx
          .select({ token: refreshTokens, session: sessions, user: users })
          .from(refreshTokens)
          .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
          .innerJoin(users, eq(users.id, sessions.userId))
          .where(eq(refreshTokens.tokenHash, hash))
          .for('update', { of: sessions });
        // Unknown, expired-unspent, or belonging to a session that already ended: nothing to learn.
        if (!known || !known.token.spentAt || known.session.revokedAt) return { kind: 'invalid' as const };
        const sessionLive = known.session.idleExpiresAt > now && known.session.expiresAt > now;
        if (!sessionLive) return { kind: 'invalid' as const };

        if (settings.refreshReuseGrace > 0 && known.token.replacedById && addSeconds(known.token.spentAt, settings.refreshReuseGrace) >= now) {
          const [next] = await tx.select().from(refreshTokens).where(eq(refreshTokens.id, known.token.replacedById));
          if (next && !next.spentAt && next.tokenHash === sha256(successor)) {
            return { kind: 'rotated' as const, session: known.session, user: known.user, refreshToken: successor, expiresAt: next.expiresAt };
          }
        }
        const meta = { ip: rotateMeta.ip, userAgent: rotateMeta.userAgent };
        await audit.record(tx, { ...meta, action: 'REFRESH_TOKEN_REUSED', success: false, userId: known.session.userId, sessionId: known.session.id });
        const revoked = await revokeWhere(tx, eq(sessions.id, known.session.id), now, 'refresh_token_reused', meta);
        return { kind: 'reused' as const, revoked, sessionId: known.session.id, userId: known.session.userId };
      });

      if (outcome.kind === 'invalid') throw new InvalidRefreshTokenError();
      if (outcome.kind === 'reused') {
        await publishRevocations(outcome.revoked);
        throw new RefreshTokenReusedError(outcome.sessionId, outcome.userId);
      }
      return { session: outcome.session, user: outcome.user, refreshToken: outcome.refreshToken, refreshTokenExpiresAt: outcome.expiresAt };
    },

    tokenState: revocation.tokenState,
    revocationMarkers: revocation.markers,

    async get(sessionId) {
      const [row] = await db.select().from(sessions).where(eq(sessions.id, sessionId));
      return row;
    },

    listActive(userId) {
      return activeSessionsOf.execute({ userId, now: clock.now().toISOString() });
    },

    async revoke(userId, sessionId, reason, meta) {
      if (!isUuid(sessionId)) throw new NotFoundError('No such session.');
      const now = clock.now();
      // Someone else's id and an unknown id take the same path and give the same answer.
      const ids = await db.transaction((tx) =>
        revokeWhere(tx, and(eq(sessions.id, sessionId), eq(sessions.userId, userId), liveSession(now)), now, reason, meta),
      );
      if (ids.length === 0) throw new NotFoundError('No such session.');
      await publishRevocations(ids);
    },

    async revokeAllExcept(userId, keepSessionId, reason, meta) {
      const now = clock.now();
      const ids = await db.transaction((tx) =>
        revokeWhere(
          tx,
          and(eq(sessions.userId, userId), liveSession(now), keepSessionId ? ne(sessions.id, keepSessionId) : sql`true`),
          now,
          reason,
          meta,
        ),
      );
      await publishRevocations(ids);
      return ids.length;
    },

    async countActive() {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(sessions).where(liveSession(clock.now()));
      return row?.n ?? 0;
    },

    endsAt: (session) => (session.idleExpiresAt < session.expiresAt ? session.idleExpiresAt : session.expiresAt),
  };
}
