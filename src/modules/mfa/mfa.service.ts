/**
 * The TOTP factor and its backup codes.
 *
 * - Secrets are sealed (AES-256-GCM) with the user id as associated data: a sealed secret
 *   copied to another user's row does not open.
 * - A code is accepted once: the accepted time step is recorded with a conditional UPDATE
 *   (`last_used_step < step`), so even two instances racing with the same code accept it once.
 * - Wrong codes are counted per user, across challenges; at `maxAttempts` the MFA step locks
 *   for `lockDuration`, and while locked even the right code is refused. Malformed input (wrong
 *   length, letters in a TOTP) is refused without counting: it is not a guess.
 */
import { randomUUID } from 'node:crypto';
import QRCode from 'qrcode';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { Clock } from '../../lib/clock';
import { addSeconds } from '../../lib/clock';
import type { Sealer } from '../../lib/crypto';
import { NotFoundError } from '../../lib/errors';
import type { PasswordHasher } from '../auth/password';
import type { AuditMeta, AuditService } from '../audit/audit.service';
import { AccountLockedError } from '../auth/auth.errors';
import { BACKUP_CODE_COUNT, newBackupCode, parseBackupCode } from './backup-codes';
import { InvalidMfaCodeError, MfaAlreadyEnabledError, MfaNotEnabledError } from './mfa.errors';
import { mfaBackupCodes, mfaTotp } from './mfa.table';
import { looksLikeTotp, matchTotp, newTotpSecret, totpUri } from './totp';

export interface MfaSettings {
  issuer: string;
  maxAttempts: number;
  lockDuration: number;
}

export type SecondFactor = 'TOTP' | 'BACKUP_CODE';

export interface MfaStatusShape {
  enabled: boolean;
  pendingEnrollment: boolean;
  methods: SecondFactor[];
  backupCodesRemaining: number;
}

export interface MfaService {
  isEnabled(userId: string): Promise<boolean>;
  status(userId: string): Promise<MfaStatusShape>;
  enroll(userId: string, account: string, meta?: AuditMeta): Promise<{ secret: string; otpauthUri: string; qrCodeSvg: string }>;
  confirm(userId: string, code: string, meta?: AuditMeta): Promise<string[]>;
  /** Checks a TOTP or backup code, counting wrong ones. Throws InvalidMfaCodeError or AccountLockedError. */
  checkCode(userId: string, code: string, meta?: AuditMeta): Promise<SecondFactor>;
  regenerateBackupCodes(userId: string, meta?: AuditMeta): Promise<string[]>;
  disable(userId: string, meta?: AuditMeta & { trustedDevicesRevoked?: number }): Promise<void>;
  /** For the security overview: accounts with MFA on, and MFA steps locked right now. */
  counts(): Promise<{ enabled: number; locked: number }>;
  /** Admin unlock: ends a lock of the MFA step and its count of wrong codes. True when it was locked. */
  clearLock(userId: string): Promise<boolean>;
}

export function createMfaService(deps: {
  db: Db;
  clock: Clock;
  sealer: Sealer;
  hasher: PasswordHasher;
  audit: AuditService;
  settings: MfaSettings;
}): MfaService {
  const { db, clock, sealer, hasher, audit, settings } = deps;
  const aad = (userId: string) => `totp:${userId}`;

  async function factor(userId: string) {
    const [row] = await db.select().from(mfaTotp).where(eq(mfaTotp.userId, userId));
    return row;
  }

  async function newBackupCodes(userId: string, now: Date) {
    const codes = Array.from({ length: BACKUP_CODE_COUNT }, newBackupCode);
    const rows = await Promise.all(
      codes.map(async (c) => ({ id: randomUUID(), userId, lookup: c.lookup, codeHash: await hasher.hash(c.secret), createdAt: now })),
    );
    return { codes: codes.map((c) => c.code), rows };
  }

  async function recordFailure(userId: string, now: Date, method: SecondFactor, meta: AuditMeta): Promise<never> {
    // Atomic: concurrent wrong guesses each count, and exactly one of them sets the lock.
    const row = await db.transaction(async (tx) => {
      const [updated] = await tx
      .update(mfaTotp)
      .set({
        failedAttempts: sql`case when ${mfaTotp.failedAttempts} + 1 >= ${settings.maxAttempts} then 0 else ${mfaTotp.failedAttempts} + 1 end`,
        lockedUntil: sql`case when ${mfaTotp.failedAttempts} + 1 >= ${settings.maxAttempts} then ${addSeconds(now, settings.lockDuration).toISOString()}::timestamptz else ${mfaTotp.lockedUntil} end`,
        updatedAt: now,
      })
      .where(eq(mfaTotp.userId, userId))
      .returning({ lockedUntil: mfaTotp.lockedUntil, failedAttempts: mfaTotp.failedAttempts });
      // The failure that reached the limit reset the count and set a lock that lies ahead.
      const lockedNow = updated?.failedAttempts === 0 && updated.lockedUntil !== null && updated.lockedUntil > now;
      await audit.record(tx, { ...meta, action: 'MFA_CODE_FAILED', success: false, userId, details: { method, reason: 'invalid_code' } });
      if (lockedNow) {
        await audit.record(tx, { ...meta, action: 'ACCOUNT_LOCKED', success: false, userId, details: { scope: 'mfa', lockedUntil: updated!.lockedUntil, failures: settings.maxAttempts } });
      }
      return updated;
    });
    if (row?.lockedUntil && row.lockedUntil > now) throw new AccountLockedError(row.lockedUntil);
    throw new InvalidMfaCodeError();
  }


  return {
    async isEnabled(userId) {
      return (await factor(userId))?.enabledAt != null;
    },

    async status(userId) {
      const row = await factor(userId);
      const enabled = row?.enabledAt != null;
      const [left] = enabled
        ? await db
            .select({ n: sql<number>`count(*)::int` })
            .from(mfaBackupCodes)
            .where(and(eq(mfaBackupCodes.userId, userId), isNull(mfaBackupCodes.usedAt)))
        : [{ n: 0 }];
      return {
        enabled,
        pendingEnrollment: row?.pendingSecretSealed != null,
        methods: enabled ? ['TOTP', 'BACKUP_CODE'] : [],
        backupCodesRemaining: left?.n ?? 0,
      };
    },

    async enroll(userId, account, meta = {}) {
      const now = clock.now();
      if ((await factor(userId))?.enabledAt) throw new MfaAlreadyEnabledError();
      const secret = newTotpSecret();
      const pendingSecretSealed = sealer.seal(secret, aad(userId));
      await db.transaction(async (tx) => {
        await tx
          .insert(mfaTotp)
          .values({ userId, pendingSecretSealed, pendingCreatedAt: now, updatedAt: now })
          .onConflictDoUpdate({ target: mfaTotp.userId, set: { pendingSecretSealed, pendingCreatedAt: now, updatedAt: now } });
        await audit.record(tx, { ...meta, action: 'MFA_ENROLLMENT_STARTED', userId });
      });
      const otpauthUri = totpUri({ issuer: settings.issuer, account, secret });
      const qrCodeSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return { secret, otpauthUri, qrCodeSvg };
    },

    async confirm(userId, code, meta = {}) {
      const now = clock.now();
      const row = await factor(userId);
      if (row?.enabledAt) throw new MfaAlreadyEnabledError();
      if (!row?.pendingSecretSealed) throw new NotFoundError('No enrolment is pending: call enrollMfa first.');
      if (!looksLikeTotp(code.trim())) throw new InvalidMfaCodeError('Enter the 6-digit code your authenticator app shows.');
      const secret = sealer.open(row.pendingSecretSealed, aad(userId)).toString('utf8');
      const step = await matchTotp(secret, code.trim(), now, null);
      if (step === undefined) throw new InvalidMfaCodeError('That code does not match: check the time on your device and try the current code.');
      const { codes, rows } = await newBackupCodes(userId, now);
      await db.transaction(async (tx) => {
        const [enabled] = await tx
          .update(mfaTotp)
          .set({
            secretSealed: row.pendingSecretSealed,
            enabledAt: now,
            pendingSecretSealed: null,
            pendingCreatedAt: null,
            lastUsedStep: step,
            failedAttempts: 0,
            lockedUntil: null,
            updatedAt: now,
          })
          // Only the enrolment this code was checked against (enrolMfa may have replaced it since).
          .where(and(eq(mfaTotp.userId, userId), eq(mfaTotp.pendingSecretSealed, row.pendingSecretSealed!)))
          .returning({ userId: mfaTotp.userId });
        if (!enabled) throw new NotFoundError('The enrolment changed meanwhile: scan the new code and confirm again.');
        await tx.delete(mfaBackupCodes).where(eq(mfaBackupCodes.userId, userId));
        await tx.insert(mfaBackupCodes).values(rows);
        await audit.record(tx, { ...meta, action: 'MFA_ENABLED', userId, details: { method: 'TOTP' } });
      });
      return codes;
    },

    async checkCode(userId, rawCode, meta = {}) {
      const now = clock.now();
      const row = await factor(userId);
      if (!row?.enabledAt || !row.secretSealed) throw new MfaNotEnabledError();
      if (row.lockedUntil && row.lockedUntil > now) throw new AccountLockedError(row.lockedUntil);
      const code = rawCode.trim();

      if (looksLikeTotp(code)) {
        const secret = sealer.open(row.secretSealed, aad(userId)).toString('utf8');
        const step = await matchTotp(secret, code, now, row.lastUsedStep);
        if (step !== undefined) {
          const [accepted] = await db
            .update(mfaTotp)
            .set({ lastUsedStep: step, failedAttempts: 0, lockedUntil: null, updatedAt: now })
            .where(and(eq(mfaTotp.userId, userId), or(isNull(mfaTotp.lastUsedStep), lt(mfaTotp.lastUsedStep, step))))
            .returning({ userId: mfaTotp.userId });
          if (accepted) return 'TOTP';
        }
        return recordFailure(userId, now, 'TOTP', meta);
      }

      const backup = parseBackupCode(code);
      if (!backup) throw new InvalidMfaCodeError('Enter the 6-digit code from your authenticator app, or a backup code like XXXX-XXXX-XXXX.', true);
      const [candidate] = await db
        .select()
        .from(mfaBackupCodes)
        .where(and(eq(mfaBackupCodes.userId, userId), eq(mfaBackupCodes.lookup, backup.lookup), isNull(mfaBackupCodes.usedAt)));
      if (!candidate) {
        await hasher.verifyDummy(backup.secret);
        return recordFailure(userId, now, 'BACKUP_CODE', meta);
      }
      const { ok } = await hasher.verify(candidate.codeHash, backup.secret);
      if (!ok) return recordFailure(userId, now, 'BACKUP_CODE', meta);
      const spent = await db.transaction(async (tx) => {
        const [used] = await tx
          .update(mfaBackupCodes)
          .set({ usedAt: now })
          .where(and(eq(mfaBackupCodes.id, candidate.id), isNull(mfaBackupCodes.usedAt)))
          .returning({ id: mfaBackupCodes.id });
        if (!used) return false;
        await tx.update(mfaTotp).set({ failedAttempts: 0, lockedUntil: null, updatedAt: now }).where(eq(mfaTotp.userId, userId));
        const [left] = await tx
          .select({ n: sql<number>`count(*)::int` })
          .from(mfaBackupCodes)
          .where(and(eq(mfaBackupCodes.userId, userId), isNull(mfaBackupCodes.usedAt)));
        await audit.record(tx, { ...meta, action: 'BACKUP_CODE_USED', userId, details: { remaining: left?.n ?? 0 } });
        return true;
      });
      if (!spent) return recordFailure(userId, now, 'BACKUP_CODE', meta); // used by a concurrent request a moment ago
      return 'BACKUP_CODE';
    },

    async regenerateBackupCodes(userId, meta = {}) {
      const now = clock.now();
      if (!(await factor(userId))?.enabledAt) throw new MfaNotEnabledError();
      const { codes, rows } = await newBackupCodes(userId, now);
      await db.transaction(async (tx) => {
        await tx.delete(mfaBackupCodes).where(eq(mfaBackupCodes.userId, userId));
        await tx.insert(mfaBackupCodes).values(rows);
        await audit.record(tx, { ...meta, action: 'BACKUP_CODES_REGENERATED', userId, details: { count: rows.length } });
      });
      return codes;
    },

    async clearLock(userId) {
      const now = clock.now();
      const [before] = await db.select({ lockedUntil: mfaTotp.lockedUntil }).from(mfaTotp).where(eq(mfaTotp.userId, userId));
      if (!before) return false;
      await db.update(mfaTotp).set({ failedAttempts: 0, lockedUntil: null, updatedAt: now }).where(eq(mfaTotp.userId, userId));
      return before.lockedUntil !== null && before.lockedUntil > now;
    },

    async counts() {
      const now = clock.now();
      const [row] = await db
        .select({
          enabled: sql<number>`count(*) filter (where ${mfaTotp.enabledAt} is not null)::int`,
          locked: sql<number>`count(*) filter (where ${mfaTotp.lockedUntil} > ${now.toISOString()}::timestamptz)::int`,
        })
        .from(mfaTotp);
      return { enabled: row?.enabled ?? 0, locked: row?.locked ?? 0 };
    },

    async disable(userId, meta = {}) {
      const { trustedDevicesRevoked, ...who } = meta;
      await db.transaction(async (tx) => {
        await tx.delete(mfaBackupCodes).where(eq(mfaBackupCodes.userId, userId));
        await tx.delete(mfaTotp).where(eq(mfaTotp.userId, userId));
        await audit.record(tx, { ...who, action: 'MFA_DISABLED', userId, details: { trustedDevicesRevoked } });
      });
    },
  };
}
