import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../users/users.table';

export const EMAIL_TOKEN_PURPOSES = ['password_reset', 'email_verification', 'email_change'] as const;
export type EmailTokenPurpose = (typeof EMAIL_TOKEN_PURPOSES)[number];

/**
 * Links sent by e-mail (password reset, address verification, address change). Only the SHA-256
 * of each token is kept; single use (`used_at`), and superseded by the next one of the same
 * purpose (its `expires_at` is moved to that moment).
 */
export const emailTokens = pgTable(
  'email_tokens',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: EMAIL_TOKEN_PURPOSES }).notNull(),
    tokenHash: text('token_hash').notNull(),
    /** email_change only: the normalised address that becomes the account's. */
    newEmail: text('new_email'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('email_tokens_hash_key').on(t.tokenHash),
    index('email_tokens_user_purpose_idx').on(t.userId, t.purpose),
    check('email_tokens_purpose_check', sql`${t.purpose} in ('password_reset', 'email_verification', 'email_change')`),
    check('email_tokens_new_email_check', sql`(${t.purpose} = 'email_change') = (${t.newEmail} is not null)`),
  ],
);

export type EmailTokenRow = typeof emailTokens.$inferSelect;
