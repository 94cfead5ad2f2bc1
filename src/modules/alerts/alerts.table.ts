import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const securityAlerts = pgTable(
  'security_alerts',
  {
    id: uuid('id').primaryKey(),
    type: text('type').notNull(),
    severity: text('severity').notNull(),
    userId: uuid('user_id'),
    ipAddress: text('ip_address'),
    message: text('message').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('security_alerts_occurred_idx').on(t.occurredAt)],
);

export type SecurityAlertRow = typeof securityAlerts.$inferSelect;
