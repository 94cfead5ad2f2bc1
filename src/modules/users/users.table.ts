import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uuid, uniqueIndex } from 'drizzle-orm/pg-core';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    /** Normalised: trimmed, NFC, lower-cased. */
    email: text('email').notNull(),
    displayName: text('display_name'),
    passwordHash: text('password_hash').notNull(),
    roles: text('roles').array().notNull().default(sql`'{USER}'::text[]`),
    /** The last role change: tokens issued before it follow the new roles (live-roles markers). */
    rolesChangedAt: timestamp('roles_changed_at', { withTimezone: true }),
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    index('users_roles_changed_idx').on(t.rolesChangedAt).where(sql`${t.rolesChangedAt} is not null`),
  ],
);

export type UserRow = typeof users.$inferSelect;
