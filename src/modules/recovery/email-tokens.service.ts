/**
 * The tokens in mailed links. Threat: a reset link is as good as the password while it lives, and
 * it sits in a mailbox, maybe in a forwarded copy or a proxy log.
 *
 * - 256 bits from the CSPRNG; the database keeps only their SHA-256 (enough for a value nobody
 *   can guess), so a copy of the table opens no account. Looking one up is an index lookup on the
 *   hash of the presented value, which leaks nothing about stored tokens through timing.
 * - Single use: `consume` is one conditional UPDATE (unused, unexpired, of the expected purpose)
 *   RETURNING the row, so of two concurrent uses exactly one gets it.
 * - Newest only: issuing ends the user's earlier live tokens of that purpose (their expiry moves
 *   to now), under a per-user advisory lock, so two concurrent requests leave one working link.
 * - Short-lived: PASSWORD_RESET_TTL (30m), EMAIL_VERIFICATION_TTL (24h) for the others.
 * - Purpose is checked in the query: a reset token does not verify an address, nor the reverse.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { addSeconds } from '../../lib/clock';
import { randomToken, sha256 } from '../../lib/tokens';
import { emailTokens, type EmailTokenPurpose, type EmailTokenRow } from './email-tokens.table';

export type { EmailTokenPurpose, EmailTokenRow };

export interface EmailTokenService {
  /** A new token; earlier live ones of the same user and purpose stop working. In the caller's transaction. */
  issue(tx: Tx, input: { userId: string; purpose: EmailTokenPurpose; newEmail?: string | null; now: Date }): Promise<{ token: string; expiresAt: Date }>;
  /** The live token (unused, unexpired, one of `purposes`) without using it. */
  find(token: string, purposes: readonly EmailTokenPurpose[], now: Date): Promise<EmailTokenRow | undefined>;
  /** Uses the token; undefined when it is not live (used by a concurrent call included). */
  consume(tx: Tx, token: string, purposes: readonly EmailTokenPurpose[], now: Date): Promise<EmailTokenRow | undefined>;
  /** Ends every live token of these purposes for the user; returns how many. */
  revokeAll(tx: Tx, userId: string, purposes: readonly EmailTokenPurpose[], now: Date): Promise<number>;
  /**
   * The statements of `issue` for nobody (a lock, the revocation, a write that changes nothing):
   * for an address without an account, so that the work a request leaves behind is the same.
   */
  rehearse(tx: Tx, now: Date): Promise<void>;
  /** Deletes tokens that expired or were used more than a day before `now`; returns how many. */
  purge(now: Date): Promise<number>;
}

const PREFIX: Record<EmailTokenPurpose, string> = { password_reset: 'pr_', email_verification: 'ev_', email_change: 'ev_' };
// randomToken(32): 43 base64url characters. Anything else is refused before hashing or querying.
const SHAPE = /^(pr|ev)_[A-Za-z0-9_-]{43}$/;
// Any constant: it only namespaces the per-user advisory locks taken while issuing.
const ISSUE_LOCK_ID = 727_300;

export function createEmailTokenService(deps: { db: Db; ttl: Record<EmailTokenPurpose, number> }): EmailTokenService {
  const { db } = deps;
  const live = (now: Date) => and(isNull(emailTokens.usedAt), gt(emailTokens.expiresAt, now));

  async function revokeAll(tx: Tx, userId: string, purposes: readonly EmailTokenPurpose[], now: Date) {
    const rows = await tx
      .update(emailTokens)
      .set({ expiresAt: now })
      .where(and(eq(emailTokens.userId, userId), inArray(emailTokens.purpose, [...purposes]), live(now)))
      .returning({ id: emailTokens.id });
    return rows.length;
  }

  return {
    revokeAll,

    async purge(now) {
      const before = addSeconds(now, -86400);
      const gone = await deps.db
        .delete(emailTokens)
        .where(or(lt(emailTokens.expiresAt, before), lt(emailTokens.usedAt, before)))
        .returning({ id: emailTokens.id });
      return gone.length;
    },

    async rehearse(tx, now) {
      const nobody = randomUUID();
      await tx.execute(sql`select pg_advisory_xact_lock(${ISSUE_LOCK_ID}, hashtext(${nobody}))`);
      await revokeAll(tx, nobody, ['password_reset'], now);
      await tx.update(emailTokens).set({ usedAt: now }).where(eq(emailTokens.id, nobody));
    },

    async issue(tx, { userId, purpose, newEmail, now }) {
      await tx.execute(sql`select pg_advisory_xact_lock(${ISSUE_LOCK_ID}, hashtext(${userId}))`);
      await revokeAll(tx, userId, [purpose], now);
      const token = PREFIX[purpose] + randomToken(32);
      const expiresAt = addSeconds(now, deps.ttl[purpose]);
      await tx.insert(emailTokens).values({
        id: randomUUID(),
        userId,
        purpose,
        tokenHash: sha256(token),
        newEmail: purpose === 'email_change' ? newEmail : null,
        expiresAt,
        createdAt: now,
      });
      return { token, expiresAt };
    },

    async find(token, purposes, now) {
      if (!SHAPE.test(token)) return undefined;
      const [row] = await db
        .select()
        .from(emailTokens)
        .where(and(eq(emailTokens.tokenHash, sha256(token)), inArray(emailTokens.purpose, [...purposes]), live(now)));
      return row;
    },

    async consume(tx, token, purposes, now) {
      if (!SHAPE.test(token)) return undefined;
      const [row] = await tx
        .update(emailTokens)
        .set({ usedAt: now })
        .where(and(eq(emailTokens.tokenHash, sha256(token)), inArray(emailTokens.purpose, [...purposes]), live(now)))
        .returning();
      return row;
    },
  };
}
