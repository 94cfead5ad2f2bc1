/**
 * "Trust this device": after a successful MFA login the device gets an opaque 256-bit token
 * (stored as SHA-256 only, bound to the user) that lets a later password login skip the
 * challenge until it expires or is revoked. Changing the password or disabling MFA revokes all.
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { Clock } from '../../lib/clock';
import { addSeconds } from '../../lib/clock';
import { NotFoundError } from '../../lib/errors';
import { isUuid } from '../../lib/ids';
import { randomToken, sha256 } from '../../lib/tokens';
import { trustedDevices, type TrustedDeviceRow } from './mfa.table';

export interface TrustedDeviceService {
  issue(userId: string, meta: { ip: string | null; userAgent: string | null }): Promise<string>;
  /** True when the token is a live trusted device of this user (and records its use). */
  check(userId: string, token: string): Promise<boolean>;
  list(userId: string): Promise<TrustedDeviceRow[]>;
  revoke(userId: string, id: string): Promise<void>;
  revokeAll(userId: string): Promise<number>;
}

export function createTrustedDeviceService(deps: { db: Db; clock: Clock; ttl: number }): TrustedDeviceService {
  const { db, clock } = deps;
  const live = (now: Date) => and(isNull(trustedDevices.revokedAt), gt(trustedDevices.expiresAt, now));
  return {
    async issue(userId, meta) {
      const now = clock.now();
      const token = `td_${randomToken(32)}`;
      await db.insert(trustedDevices).values({
        id: randomUUID(),
        userId,
        tokenHash: sha256(token),
        createdAt: now,
        expiresAt: addSeconds(now, deps.ttl),
        ipAddress: meta.ip,
        userAgent: meta.userAgent?.slice(0, 512) ?? null,
      });
      return token;
    },
    async check(userId, token) {
      if (!token.startsWith('td_') || token.length > 200) return false;
      const now = clock.now();
      const [row] = await db
        .update(trustedDevices)
        .set({ lastUsedAt: now })
        .where(and(eq(trustedDevices.tokenHash, sha256(token)), eq(trustedDevices.userId, userId), live(now)))
        .returning({ id: trustedDevices.id });
      return row !== undefined;
    },
    list(userId) {
      return db
        .select()
        .from(trustedDevices)
        .where(and(eq(trustedDevices.userId, userId), live(clock.now())))
        .orderBy(desc(trustedDevices.createdAt));
    },
    async revoke(userId, id) {
      const now = clock.now();
      const rows = isUuid(id)
        ? await db
            .update(trustedDevices)
            .set({ revokedAt: now })
            .where(and(eq(trustedDevices.id, id), eq(trustedDevices.userId, userId), live(now)))
            .returning({ id: trustedDevices.id })
        : [];
      if (rows.length === 0) throw new NotFoundError('No such trusted device.');
    },
    async revokeAll(userId) {
      const now = clock.now();
      const rows = await db
        .update(trustedDevices)
        .set({ revokedAt: now })
        .where(and(eq(trustedDevices.userId, userId), live(now)))
        .returning({ id: trustedDevices.id });
      return rows.length;
    },
  };
}
