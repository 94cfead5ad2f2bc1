import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Access-token signing keys, shared by every instance. Private halves are sealed with ENCRYPTION_KEY. */
export const signingKeys = pgTable('signing_keys', {
  kid: text('kid').primaryKey(),
  alg: text('alg').notNull(),
  publicJwk: jsonb('public_jwk').$type<Record<string, string>>().notNull(),
  privateKeySealed: text('private_key_sealed').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  /**
   * Signs from this time on. A rotated-in key is published in the JWKS first and signs only
   * once every instance (and resource server cache) has had the chance to load it.
   */
  activatesAt: timestamp('activates_at', { withTimezone: true }).notNull(),
  /** When a newer key takes over signing. */
  retiredAt: timestamp('retired_at', { withTimezone: true }),
  /** Published in the JWKS until then: every token the key signed has expired by this time. */
  verifyUntil: timestamp('verify_until', { withTimezone: true }),
});

export type SigningKeyRow = typeof signingKeys.$inferSelect;
