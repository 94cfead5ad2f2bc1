import { bigint, boolean, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE; only the retention purge may
 * delete, through a transaction-local setting). `seq` is the chain position: each entry's `hash`
 * covers its canonical content and the previous entry's hash. No foreign keys: the record of a
 * user outlives the user.
 */
export const auditLogs = pgTable(
  'audit_logs',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    id: uuid('id').notNull().unique(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    action: text('action').notNull(),
    success: boolean('success').notNull(),
    actorUserId: uuid('actor_user_id'),
    userId: uuid('user_id'),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    sessionId: uuid('session_id'),
    apiKeyId: uuid('api_key_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_logs_user_seq_idx').on(t.userId, t.seq),
    index('audit_logs_user_action_agent_idx').on(t.userId, t.action, t.userAgent), index('audit_logs_occurred_idx').on(t.occurredAt), index('audit_logs_action_seq_idx').on(t.action, t.seq),
    // The failed-login alert rule: a bounded range per address or account (migration 0012).
    index('audit_logs_ip_action_occurred_idx').on(t.ipAddress, t.action, t.occurredAt),
    index('audit_logs_user_action_occurred_idx').on(t.userId, t.action, t.occurredAt),
  ],
);

/** Where the chain starts after a retention purge: the last purged entry's position and hash. */
export const auditAnchors = pgTable('audit_anchors', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  hash: text('hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

export type AuditLogRow = typeof auditLogs.$inferSelect;
