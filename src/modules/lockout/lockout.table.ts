import { integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The durable record of consecutive sign-in failures (Redis holds the live copy). `subject` is
 * the SHA-256 of the normalised e-mail, so unknown addresses are tracked exactly like accounts
 * without storing them; `ipGroup` is '' for the account-wide count, otherwise the client's
 * address (IPv6 by /64).
 */
export const loginFailures = pgTable(
  'login_failures',
  {
    subject: text('subject').notNull(),
    ipGroup: text('ip_group').notNull(),
    failures: integer('failures').notNull(),
    lastFailedAt: timestamp('last_failed_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.subject, t.ipGroup] })],
);
