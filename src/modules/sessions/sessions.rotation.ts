/**
 * The common case of a refresh: a live, unspent token of a live session, rotated in one
 * statement (one round trip, no BEGIN/COMMIT), prepared once per connection.
 *
 * Threats and choices (the same as the transaction in sessions.service it replaces):
 * - Two concurrent rotations of one token. The session row is locked first (`for update`), then
 *   the token is spent only if still unspent: the second statement waits for the first to commit,
 *   re-reads the token, finds it spent and changes nothing. Exactly one rotation wins.
 * - A token of an ended session (revoked, idle or past its absolute expiry). The session is
 *   checked while locked, so a revocation committed just before wins, and then nothing is spent:
 *   the statement returns no row and the caller looks closer (sessions.service: reuse, grace).
 * - The session's idle expiry slides forward but never past its absolute expiry; the successor
 *   lives no longer than the session.
 * - Every step hangs off the previous one's rows, so the statement changes all or nothing.
 * The user row comes back with the session, for the access token and the disabled check.
 */
import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { users, type UserRow } from '../users/users.table';
import { sessions, refreshTokens, type SessionRow } from './sessions.table';

export interface RotationInput {
  /** SHA-256 of the presented token. */
  tokenHash: string;
  successorId: string;
  successorHash: string;
  now: Date;
  /** now + the refresh-token TTL: the new idle expiry and the successor's expiry (both capped by the session's). */
  idleUntil: Date;
  ip: string | null;
  userAgent: string | null;
}

export interface Rotated {
  session: SessionRow;
  user: UserRow;
  successorExpiresAt: Date;
}

const p = (name: keyof RotationInput, type: string) => sql`${sql.placeholder(name)}::${sql.raw(type)}`;

/** Rotates in one statement; undefined when the token is not a live unspent one of a live session. */
export function prepareRotation(db: Db): (input: RotationInput) => Promise<Rotated | undefined> {
  const now = p('now', 'timestamptz');
  const live = db.$with('live', { id: sessions.id }).as(sql`
    select s.id from sessions s join refresh_tokens t on t.session_id = s.id
    where t.token_hash = ${p('tokenHash', 'text')} and t.spent_at is null and t.expires_at > ${now}
      and s.revoked_at is null and s.idle_expires_at > ${now} and s.expires_at > ${now}
    for update of s`);
  const spent = db.$with('spent', { sessionId: refreshTokens.sessionId }).as(sql`
    update refresh_tokens t set spent_at = ${now}, replaced_by_id = ${p('successorId', 'uuid')}
    from live
    where t.token_hash = ${p('tokenHash', 'text')} and t.session_id = live.id and t.spent_at is null and t.expires_at > ${now}
    returning t.session_id`);
  const touched = db.$with('touched', getTableColumns(sessions)).as(sql`
    update sessions s set
      last_active_at = ${now},
      idle_expires_at = least(${p('idleUntil', 'timestamptz')}, s.expires_at),
      ip_address = coalesce(${p('ip', 'text')}, s.ip_address),
      user_agent = coalesce(${p('userAgent', 'text')}, s.user_agent)
    from spent where s.id = spent.session_id
    returning s.*`);
  const successor = db.$with('successor', { expiresAt: refreshTokens.expiresAt }).as(sql`
    insert into refresh_tokens (id, session_id, token_hash, created_at, expires_at)
    select ${p('successorId', 'uuid')}, touched.id, ${p('successorHash', 'text')}, ${now}, least(${p('idleUntil', 'timestamptz')}, touched.expires_at)
    from touched
    returning expires_at`);
  const statement = db
    .with(live, spent, touched, successor)
    .select({ session: touched._.selectedFields, user: users, successorExpiresAt: successor.expiresAt })
    .from(touched)
    .innerJoin(successor, sql`true`)
    .innerJoin(users, eq(users.id, touched.userId))
    .prepare('rotate_refresh');

  return async (input) => {
    // Placeholders skip the columns' Date encoders: timestamps go in as ISO strings.
    const [row] = await statement.execute({
      ...input,
      now: input.now.toISOString(),
      idleUntil: input.idleUntil.toISOString(),
    });
    return row;
  };
}
