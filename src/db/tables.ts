// The one barrel of tables: drizzle-kit reads it, and the typed Db is built from it.
export * from '../modules/users/users.table';
export * from '../modules/sessions/sessions.table';
export * from '../modules/keys/keys.table';
export * from '../modules/mfa/mfa.table';
export * from '../modules/audit/audit.table';
export * from '../modules/alerts/alerts.table';
export * from '../modules/webhooks/webhooks.table';
export * from '../modules/apikeys/apikeys.table';
export * from '../modules/lockout/lockout.table';
export * from '../modules/auth/password-history.table';
export * from '../modules/recovery/email-tokens.table';
