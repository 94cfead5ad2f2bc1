/**
 * Password history (NIST SP 800-63B: a verifier may refuse recently used passwords). The newest
 * `size` passwords of each user are kept as argon2id hashes, the current one included, so with
 * the default 12 a change must differ from the current password and the 11 before it.
 *
 * Cost: every entry has its own salt, so "was this used?" is up to `size` argon2 verifications,
 * the slowest thing this service does. They run newest first (a reuse is most likely the latest
 * password), stop at the first match, and at most VERIFY_CONCURRENCY of them wait on the shared
 * hasher at once, so one password change cannot queue a dozen hashes ahead of everyone's sign-in.
 * Callers check the cheap rules first and come here only for a password that passed them.
 *
 * Reusable by any flow that sets a new password (change, and reset once it exists): `record`
 * joins the caller's transaction, so the new hash, its history entry and the trimming of older
 * entries commit together.
 */
import { and, desc, eq, notInArray } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import type { PasswordHasher } from './password';
import { passwordHistory } from './password-history.table';

const VERIFY_CONCURRENCY = 2;

export interface PasswordHistory {
  /** How many passwords (the current one included) a new password may not repeat. */
  readonly size: number;
  /** Remembers `hash` as the user's newest password and forgets all but the newest `size`. */
  record(tx: Tx, userId: string, hash: string, now: Date): Promise<void>;
  /** Whether `password` is one of the user's newest `size` passwords. */
  contains(userId: string, password: string): Promise<boolean>;
}

export function createPasswordHistory(deps: { db: Db; hasher: PasswordHasher; size: number }): PasswordHistory {
  const { db, hasher, size } = deps;
  return {
    size,
    async record(tx, userId, hash, now) {
      if (size > 0) await tx.insert(passwordHistory).values({ userId, passwordHash: hash, createdAt: now });
      const keep = tx
        .select({ id: passwordHistory.id })
        .from(passwordHistory)
        .where(eq(passwordHistory.userId, userId))
        .orderBy(desc(passwordHistory.id))
        .limit(size);
      await tx.delete(passwordHistory).where(and(eq(passwordHistory.userId, userId), notInArray(passwordHistory.id, keep)));
    },
    async contains(userId, password) {
      if (size === 0) return false;
      const rows = await db
        .select({ hash: passwordHistory.passwordHash })
        .from(passwordHistory)
        .where(eq(passwordHistory.userId, userId))
        .orderBy(desc(passwordHistory.id))
        .limit(size);
      let next = 0;
      let found = false;
      const worker = async () => {
        while (!found && next < rows.length) {
          const { hash } = rows[next++]!;
          if ((await hasher.verify(hash, password)).ok) found = true;
        }
      };
      await Promise.all(Array.from({ length: Math.min(VERIFY_CONCURRENCY, rows.length) }, worker));
      return found;
    },
  };
}
