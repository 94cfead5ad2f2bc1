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
import type { AuditMeta, AuditService } from '../audit/audit.service';

export interface TrustedDeviceService {
  issue(userId: string, meta: AuditMeta): Promise<string>;
  /** True when the token is a live trusted device of this user (and records its use). */
  check(userId: string, token: string): Promise<boolean>;
  list(userId: string): Promise<TrustedDeviceRow[]>;
  revoke(userId: string, id: string, meta?: AuditMeta): Promise<void>;
  revokeAll(userId: string, reason: 'password_changed' | 'password_reset' | 'mfa_disabled', meta?: AuditMeta): Promise<number>;
}

export function createTrustedDeviceService(deps: { db: Db; clock: Clock; audit: AuditService; ttl: number }): TrustedDeviceService {
  const { db, clock, audit } = deps;
  const live = (now: Date) => and(isNull(trustedDevices.revokedAt), gt(trustedDevices.expiresAt, now));
  return {
    async issue(userId, meta) {
      const now = clock.now();
      const token = `td_${randomToken(32)}`;
      const id = randomUUID();
      const expiresAt = addSeconds(now, deps.ttl);
      await db.transaction(async (tx) => {
        await tx.insert(trustedDevices).values({
          id,
          userId,
          tokenHash: sha256(token),
          createdAt: now,
          expiresAt,
          ipAddress: meta.ip ?? null,
          userAgent: meta.userAgent?.slice(0, 512) ?? null,
        });
        await audit.record(tx, { ...meta, action: 'TRUSTED_DEVICE_ADDED', userId, details: { trustedDeviceId: id, expiresAt } });
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
    async revoke(userId, id, meta = {}) {
      const now = clock.now();
      if (!isUuid(id)) throw new NotFoundError('No such trusted device.');
      await db.transaction(async (tx) => {
        const rows = await tx
          .update(trustedDevices)
          .set({ revokedAt: now })
          .where(and(eq(trustedDevices.id, id), eq(trustedDevices.userId, userId), live(now)))
          .returning({ id: trustedDevices.id });
        if (rows.length === 0) throw new NotFoundError('No such trusted device.');
        await audit.record(tx, { ...meta, action: 'TRUSTED_DEVICE_REVOKED', userId, details: { trustedDeviceId: id, reason: 'revoked' } });
      });
    },
    async revokeAll(userId, reason, meta = {}) {
      const now = clock.now();
      return db.transaction(async (tx) => {
        const rows = await tx
          .update(trustedDevices)
          .set({ revokedAt: now })
          .where(and(eq(trustedDevices.userId, userId), live(now)))
          .returning({ id: trustedDevices.id });
        for (const row of rows) {
          await audit.record(tx, { ...meta, action: 'TRUSTED_DEVICE_REVOKED', userId, details: { trustedDeviceId: row.id, reason } });
        }
        return rows.length;
      });
    },
  };
}
