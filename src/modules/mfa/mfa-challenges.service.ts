/**
 * The login challenge: proof that the password was right, good for nothing but
 * verifyMfaLogin. An opaque token (stored hashed), single use, valid for a few minutes.
 * It is not a JWT and carries no scope, so it can never pass as an access token.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { Clock } from '../../lib/clock';
import { addSeconds } from '../../lib/clock';
import { randomToken, sha256 } from '../../lib/tokens';
import { MfaChallengeExpiredError } from './mfa.errors';
import { mfaChallenges } from './mfa.table';

export interface MfaChallengeService {
  create(userId: string): Promise<{ token: string; expiresAt: Date }>;
  /** The challenge behind a token that is still open, else MfaChallengeExpiredError. */
  open(token: string): Promise<{ id: string; userId: string }>;
  /** Marks it used; false when a concurrent request used it first. */
  consume(id: string): Promise<boolean>;
  /** Closes every open challenge of a user (password changed, MFA switched off). */
  closeAll(userId: string): Promise<void>;
}

export function createMfaChallengeService(deps: { db: Db; clock: Clock; ttl: number }): MfaChallengeService {
  const { db, clock } = deps;
  return {
    async create(userId) {
      const now = clock.now();
      const token = `mc_${randomToken(32)}`;
      const expiresAt = addSeconds(now, deps.ttl);
      await db.insert(mfaChallenges).values({ id: randomUUID(), userId, tokenHash: sha256(token), createdAt: now, expiresAt });
      return { token, expiresAt };
    },
    async open(token) {
      if (!token.startsWith('mc_') || token.length > 200) throw new MfaChallengeExpiredError();
      const [row] = await db
        .select({ id: mfaChallenges.id, userId: mfaChallenges.userId })
        .from(mfaChallenges)
        .where(and(eq(mfaChallenges.tokenHash, sha256(token)), isNull(mfaChallenges.consumedAt), gt(mfaChallenges.expiresAt, clock.now())));
      if (!row) throw new MfaChallengeExpiredError();
      return row;
    },
    async consume(id) {
      const now = clock.now();
      const rows = await db
        .update(mfaChallenges)
        .set({ consumedAt: now })
        .where(and(eq(mfaChallenges.id, id), isNull(mfaChallenges.consumedAt), gt(mfaChallenges.expiresAt, now)))
        .returning({ id: mfaChallenges.id });
      return rows.length > 0;
    },
    async closeAll(userId) {
      await db
        .update(mfaChallenges)
        .set({ consumedAt: clock.now() })
        .where(and(eq(mfaChallenges.userId, userId), isNull(mfaChallenges.consumedAt)));
    },
  };
}
