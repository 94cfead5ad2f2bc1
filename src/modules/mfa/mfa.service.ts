/**
 * The TOTP factor and its backup codes.
 *
 * - Secrets are sealed (AES-256-GCM) with the user id as associated data: a sealed secret
 *   copied to another user's row does not open.
 * - A code is accepted once: the accepted time step is recorded with a conditional UPDATE
 *   (`last_used_step < step`), so even two instances racing with the same code accept it once.
 * - Wrong codes are counted per user, across challenges; at `maxAttempts` the MFA step locks
 *   for `lockDuration`, and while locked even the right code is refused. Malformed input (wrong
 *   length, letters in a TOTP) is refused without counting: it is not a guess; nor is the code
 *   used last (answered "already used, wait for the next code").
 * - Against bursts, each check RESERVES its attempt before looking at the code: one conditional
 *   UPDATE counts it unless the step is locked, and the reservation that reaches `maxAttempts`
 *   sets the lock. Concurrent guesses therefore get exactly `maxAttempts` evaluations; a right
 *   code arriving after them is refused like a wrong one. A success resets the count.
 * - The same counter caps confirmMfa, and a pending enrolment expires after ENROLMENT_TTL.
 */
import { randomUUID } from 'node:crypto';
import QRCode from 'qrcode';
import { and, eq, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
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

/** seconds: how long an enrolment (enrollMfa) may wait for its confirmMfa. */
export const ENROLMENT_TTL = 600;

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

  /**
   * Reserves one code check (see the header). `stage`: the enabled factor, or a pending
   * enrolment. Throws AccountLockedError while the step is locked, MfaNotEnabledError /
   * NotFoundError when there is nothing to check against.
   */
  async function reserve(userId: string, now: Date, stage: 'enabled' | 'pending'): Promise<{ locks: Date | null }> {
    const expired = sql`${mfaTotp.lockedUntil} is not null and ${mfaTotp.lockedUntil} <= ${now.toISOString()}::timestamptz`;
    const next = sql`(case when ${expired} then 1 else ${mfaTotp.failedAttempts} + 1 end)`;
    const lockAt = addSeconds(now, settings.lockDuration).toISOString();
    const [row] = await db
      .update(mfaTotp)
      .set({
        failedAttempts: next,
        lockedUntil: sql`case when ${next} >= ${settings.maxAttempts} then ${lockAt}::timestamptz when ${expired} then null else ${mfaTotp.lockedUntil} end`,
        updatedAt: now,
      })
      .where(
        and(
          eq(mfaTotp.userId, userId),
          or(isNull(mfaTotp.lockedUntil), lte(mfaTotp.lockedUntil, now)),
          stage === 'enabled' ? isNotNull(mfaTotp.enabledAt) : and(isNull(mfaTotp.enabledAt), isNotNull(mfaTotp.pendingSecretSealed)),
        ),
      )
      .returning({ failedAttempts: mfaTotp.failedAttempts, lockedUntil: mfaTotp.lockedUntil });
    if (row) return { locks: row.failedAttempts >= settings.maxAttempts ? row.lockedUntil : null };
    const current = await factor(userId);
    if (current?.lockedUntil && current.lockedUntil > now && (stage === 'enabled' ? current.enabledAt : current.pendingSecretSealed && !current.enabledAt)) {
      throw new AccountLockedError(current.lockedUntil);
    }
    if (stage === 'enabled') throw new MfaNotEnabledError();
    if (current?.enabledAt) throw new MfaAlreadyEnabledError();
    throw new NotFoundError('No enrolment is pending: call enrollMfa first.');
  }

  /** The reserved check was no guess: it no longer counts (and lifts the lock only it set). */
  async function release(userId: string, reserved: { locks: Date | null }, now: Date) {
    await db
      .update(mfaTotp)
      .set({
        failedAttempts: sql`greatest(${mfaTotp.failedAttempts} - 1, 0)`,
        lockedUntil: reserved.locks ? sql`case when ${mfaTotp.lockedUntil} = ${reserved.locks.toISOString()}::timestamptz then null else ${mfaTotp.lockedUntil} end` : mfaTotp.lockedUntil,
        updatedAt: now,
      })
      .where(eq(mfaTotp.userId, userId));
  }

  /** The reserved check failed: it stays counted; audited, with the lock it set, if any. */
  async function failed(userId: string, reserved: { locks: Date | null }, method: SecondFactor, meta: AuditMeta, message?: string): Promise<never> {
    await db.transaction(async (tx) => {
      await audit.record(tx, { ...meta, action: 'MFA_CODE_FAILED', success: false, userId, details: { method, reason: 'invalid_code' } });
      if (reserved.locks) {
        await audit.record(tx, { ...meta, action: 'ACCOUNT_LOCKED', success: false, userId, details: { scope: 'mfa', lockedUntil: reserved.locks, failures: settings.maxAttempts } });
      }
    });
    if (reserved.locks) throw new AccountLockedError(reserved.locks);
    throw new InvalidMfaCodeError(message);
  }

  const enrolmentExpired = (row: { pendingCreatedAt: Date | null }, now: Date) =>
    row.pendingCreatedAt === null || now.getTime() - row.pendingCreatedAt.getTime() > ENROLMENT_TTL * 1000;

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
        pendingEnrollment: row?.pendingSecretSealed != null && !enrolmentExpired(row, clock.now()),
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

    async confirm(userId, rawCode, meta = {}) {
      const now = clock.now();
      const code = rawCode.trim();
      const row = await factor(userId);
      if (row?.enabledAt) throw new MfaAlreadyEnabledError();
      if (!row?.pendingSecretSealed) throw new NotFoundError('No enrolment is pending: call enrollMfa first.');
      if (enrolmentExpired(row, now)) throw new NotFoundError('The enrolment expired (10 minutes): call enrollMfa again and scan the new code.');
      if (!looksLikeTotp(code)) throw InvalidMfaCodeError.malformed('Enter the 6-digit code your authenticator app shows.');
      const reserved = await reserve(userId, now, 'pending');
      const secret = sealer.open(row.pendingSecretSealed, aad(userId)).toString('utf8');
      const step = await matchTotp(secret, code, now, null);
      if (step === undefined) return failed(userId, reserved, 'TOTP', meta, 'That code does not match: check the time on your device and try the current code.');
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
          .where(and(eq(mfaTotp.userId, userId), eq(mfaTotp.pendingSecretSealed, row.pendingSecretSealed!), isNull(mfaTotp.enabledAt)))
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
      const code = rawCode.trim();
      const totp = looksLikeTotp(code);
      const backup = totp ? undefined : parseBackupCode(code);
      if (!totp && !backup) {
        if (!(await factor(userId))?.enabledAt) throw new MfaNotEnabledError();
        throw InvalidMfaCodeError.malformed('Enter the 6-digit code from your authenticator app, or a backup code like XXXX-XXXX-XXXX.');
      }
      const reserved = await reserve(userId, now, 'enabled');
      const row = (await factor(userId))!;
      const succeeded = async () => {
        await db.update(mfaTotp).set({ failedAttempts: 0, lockedUntil: null, updatedAt: now }).where(eq(mfaTotp.userId, userId));
      };

      if (totp) {
        const secret = sealer.open(row.secretSealed!, aad(userId)).toString('utf8');
        const step = await matchTotp(secret, code, now, null);
        if (step !== undefined && row.lastUsedStep !== null && step <= row.lastUsedStep) {
          // The code the account used last (e.g. for confirmMfa a moment ago), still on the screen.
          await release(userId, reserved, now);
          throw InvalidMfaCodeError.alreadyUsed();
        }
        if (step !== undefined) {
          const [accepted] = await db
            .update(mfaTotp)
            .set({ lastUsedStep: step, failedAttempts: 0, lockedUntil: null, updatedAt: now })
            .where(and(eq(mfaTotp.userId, userId), or(isNull(mfaTotp.lastUsedStep), lt(mfaTotp.lastUsedStep, step))))
            .returning({ userId: mfaTotp.userId });
          if (accepted) return 'TOTP';
          // A concurrent request used this very code a moment ago.
          await release(userId, reserved, now);
          throw InvalidMfaCodeError.alreadyUsed();
        }
        return failed(userId, reserved, 'TOTP', meta);
      }

      const [candidate] = await db
        .select()
        .from(mfaBackupCodes)
        .where(and(eq(mfaBackupCodes.userId, userId), eq(mfaBackupCodes.lookup, backup!.lookup), isNull(mfaBackupCodes.usedAt)));
      if (!candidate) {
        await hasher.verifyDummy(backup!.secret);
        return failed(userId, reserved, 'BACKUP_CODE', meta);
      }
      const { ok } = await hasher.verify(candidate.codeHash, backup!.secret);
      if (!ok) return failed(userId, reserved, 'BACKUP_CODE', meta);
      const spent = await db.transaction(async (tx) => {
        const [used] = await tx
          .update(mfaBackupCodes)
          .set({ usedAt: now })
          .where(and(eq(mfaBackupCodes.id, candidate.id), isNull(mfaBackupCodes.usedAt)))
          .returning({ id: mfaBackupCodes.id });
        if (!used) return false;
        const [left] = await tx
          .select({ n: sql<number>`count(*)::int` })
          .from(mfaBackupCodes)
          .where(and(eq(mfaBackupCodes.userId, userId), isNull(mfaBackupCodes.usedAt)));
        await audit.record(tx, { ...meta, action: 'BACKUP_CODE_USED', userId, details: { remaining: left?.n ?? 0 } });
        return true;
      });
      if (!spent) return failed(userId, reserved, 'BACKUP_CODE', meta); // used by a concurrent request a moment ago
      await succeeded();
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
