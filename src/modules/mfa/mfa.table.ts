import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../users/users.table';

/** One TOTP factor per user. Secrets are sealed with ENCRYPTION_KEY, the user id bound in. */
export const mfaTotp = pgTable('mfa_totp', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secretSealed: text('secret_sealed'),
  enabledAt: timestamp('enabled_at', { withTimezone: true }),
  /** Replaced by every enrolMfa until confirmMfa makes it the secret. */
  pendingSecretSealed: text('pending_secret_sealed'),
  pendingCreatedAt: timestamp('pending_created_at', { withTimezone: true }),
  /** The last accepted time step: only later steps are accepted (replay protection). */
  lastUsedStep: bigint('last_used_step', { mode: 'number' }),
  /** Wrong codes in a row, across challenges; reaching the limit locks the MFA step. */
  failedAttempts: integer('failed_attempts').notNull().default(0),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/** Backup codes: `lookup` finds the row, `codeHash` (argon2id) checks the secret part. */
export const mfaBackupCodes = pgTable(
  'mfa_backup_codes',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    lookup: text('lookup').notNull(),
    codeHash: text('code_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('mfa_backup_codes_user_lookup_key').on(t.userId, t.lookup)],
);

/** A password that was right, waiting for its second factor. Single use, short-lived. */
export const mfaChallenges = pgTable(
  'mfa_challenges',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('mfa_challenges_hash_key').on(t.tokenHash)],
);

/** Devices that passed MFA with "trust this device": their login skips the challenge. */
export const trustedDevices = pgTable(
  'trusted_devices',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('trusted_devices_hash_key').on(t.tokenHash), index('trusted_devices_user_idx').on(t.userId)],
);

export type MfaTotpRow = typeof mfaTotp.$inferSelect;
export type TrustedDeviceRow = typeof trustedDevices.$inferSelect;
