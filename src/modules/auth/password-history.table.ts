import { bigint, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../users/users.table';

/**
 * The newest PASSWORD_HISTORY passwords of each user, the current one included, as argon2id
 * hashes (each with its own salt, exactly like users.password_hash): a reused password is found
 * only by verifying it against each, never by comparing hashes. `id` grows with every insert, so
 * "newest" needs no clock (two changes within one millisecond, or under a test's frozen clock,
 * still have an order).
 */
export const passwordHistory = pgTable(
  'password_history',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    passwordHash: text('password_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('password_history_user_id_idx').on(t.userId, t.id.desc())],
);
