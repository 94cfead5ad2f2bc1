// The one place that wires services together. Each gets only what it uses.
import type { Deps } from './deps';
import { createPasswordHasher } from './modules/auth/password';
import { createAuthService, type LoginOutcome } from './modules/auth/auth.service';
import { createCredentialsService } from './modules/auth/credentials.service';
import { createBreachChecker } from './modules/auth/hibp';
import { createPasswordHistory } from './modules/auth/password-history.service';
import { createPasswordPolicy } from './modules/auth/password-policy';
import { createSessionIssuer } from './modules/auth/session-issuer';
import { createMfaService } from './modules/mfa/mfa.service';
import { createMfaChallengeService } from './modules/mfa/mfa-challenges.service';
import { createTrustedDeviceService } from './modules/mfa/trusted-devices.service';
import { createAccessTokenService } from './modules/keys/access-token.service';
import { createKeyService } from './modules/keys/keys.service';
import { createSessionService } from './modules/sessions/sessions.service';
import { createSessionWatch } from './modules/sessions/sessions.watch';
import { createRevocationService } from './modules/revocation/revocation.service';
import { createUserService } from './modules/users/users.service';
import { createAuditService } from './modules/audit/audit.service';
import { createApiKeyService } from './modules/apikeys/apikeys.service';
import { scopesForRoles } from './modules/authz/scopes';
import { createAlertService } from './modules/alerts/alerts.service';
import { createWebhookService } from './modules/webhooks/webhooks.service';
import { createRateLimitService } from './modules/ratelimit/rate-limit.service';
import { createLockoutService } from './modules/lockout/lockout.service';
import { memoryLockoutStore, redisLockoutStore } from './modules/lockout/lockout.store';
import { createMailer } from './modules/mail/mailer';
import { createEmailTokenService } from './modules/recovery/email-tokens.service';
import { createPasswordResetService } from './modules/recovery/password-reset.service';
import { createEmailVerificationService } from './modules/recovery/email-verification.service';

export type Services = ReturnType<typeof createServices>;

export interface ServiceOptions {
  onLogin?: (outcome: LoginOutcome) => void;
}

export function createServices(deps: Deps, hooks: ServiceOptions = {}) {
  const { config, clock, sealer, kv } = deps;
  const db = deps.database.db;
  const hasher = createPasswordHasher(config.argon2, config.argon2Concurrency);
  const rateLimits = createRateLimitService({ redis: deps.redis, clock, logger: deps.logger, overrides: config.rateLimits });
  // Webhooks audit their own changes, and the audit log (through alerts) feeds webhooks: the
  // audit service is bound late to close that loop.
  const webhooks = createWebhookService({
    db,
    clock,
    sealer,
    logger: deps.logger,
    audit: { record: (tx, event) => audit.record(tx, event) },
    settings: { allowPrivate: config.webhookAllowPrivate, maxAttempts: 8, timeoutMs: 10_000 },
  });
  const alerts = createAlertService({ db, clock, pubsub: deps.pubsub, settings: config.alerts, afterStore: webhooks.enqueue });
  const audit = createAuditService({ db, clock, retentionDays: config.auditRetentionDays, beforeAppend: alerts.prepare, afterAppend: alerts.evaluate });
  const keys = createKeyService({ db, sealer, clock, audit, accessTokenTtl: config.accessTokenTtl });
  const accessTokens = createAccessTokenService({ keys, clock, issuer: config.publicUrl, audience: config.tokenAudience, ttl: config.accessTokenTtl });
  const passwordHistory = createPasswordHistory({ db, hasher, size: config.passwordHistory });
  const passwordPolicy = createPasswordPolicy({
    settings: { minLength: config.passwordMinLength, minLengthWithMfa: config.passwordMinLengthWithMfa },
    history: passwordHistory,
    breaches: config.hibpUrl ? createBreachChecker({ url: config.hibpUrl, timeoutMs: config.hibpTimeoutMs, logger: deps.logger }) : undefined,
  });
  // What Redis must hold is rebuilt from the tables that own it when Redis lost it (bound late).
  const revocation = createRevocationService({
    kv,
    clock,
    logger: deps.logger,
    sources: [(now) => sessions.revocationMarkers(now), (now) => users.liveRolesMarkers(now), (now) => apiKeys.revocationMarkers(now)],
  });
  const users = createUserService({
    db,
    clock,
    kv,
    audit,
    hasher,
    passwordPolicy,
    passwordHistory,
    liveRolesTtl: config.accessTokenTtl + 5,
    revocation,
    onRolesChanged: (userId) => deps.pubsub.publish('rolesChanged', userId),
  });
  const sessions = createSessionService({
    db,
    kv,
    clock,
    audit,
    revocation,
    onRevoked: (sessionId) => deps.pubsub.publish('sessionRevoked', sessionId),
    successorKey: sealer.derive('refresh-token-successor'),
    settings: {
      accessTokenTtl: config.accessTokenTtl,
      refreshTokenTtl: config.refreshTokenTtl,
      sessionMaxAge: config.sessionMaxAge,
      maxSessionsPerUser: config.maxSessionsPerUser,
      refreshReuseGrace: config.refreshReuseGrace,
    },
  });
  // REQUIRE_ADMIN_MFA: admin scopes only for sessions that passed MFA.
  const scopesFor = (roles: readonly string[], session: { mfaVerified: boolean }) =>
    scopesForRoles(roles, { adminAllowed: !config.requireAdminMfa || session.mfaVerified });
  const issuer = createSessionIssuer({ clock, sessions, accessTokens, scopesFor });
  const sessionWatch = createSessionWatch({ pubsub: deps.pubsub, clock, logger: deps.logger, tokenState: sessions.tokenState, scopesFor });
  const mfa = createMfaService({ db, clock, sealer, hasher, audit, settings: config.mfa });
  const trustedDevices = createTrustedDeviceService({ db, clock, audit, ttl: config.mfa.trustedDeviceTtl });
  const challenges = createMfaChallengeService({ db, clock, ttl: config.mfa.challengeTtl });
  const lockout = createLockoutService({
    db,
    clock,
    audit,
    logger: deps.logger,
    store: deps.redis ? redisLockoutStore(deps.redis) : memoryLockoutStore(),
    policy: config.lockout,
  });
  const auth = createAuthService({ users, sessions, issuer, hasher, mfa, challenges, trustedDevices, audit, lockout, onLogin: hooks.onLogin });
  const emailTokens = createEmailTokenService({
    db,
    ttl: { password_reset: config.passwordResetTtl, email_verification: config.emailVerificationTtl, email_change: config.emailVerificationTtl },
  });
  const apiKeys = createApiKeyService({ db, kv, clock, pubsub: deps.pubsub, audit, revocation, scopesFor });
  const credentials = createCredentialsService({
    apiKeys,
    clock,
    emailTokens,
    users,
    sessions,
    issuer,
    auth,
    mfa,
    trustedDevices,
    challenges,
    hasher,
    reauthWindow: config.reauthWindow,
    passwordPolicy,
  });
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, logger: deps.logger, logLinks: config.nodeEnv !== 'production' });
  const passwordReset = createPasswordResetService({
    db,
    clock,
    logger: deps.logger,
    users,
    tokens: emailTokens,
    audit,
    mailer,
    hasher,
    passwordPolicy,
    mfa,
    sessions,
    trustedDevices,
    challenges,
    lockout,
    apiKeys,
    settings: { linkBaseUrl: config.linkBaseUrl, ttl: config.passwordResetTtl },
  });
  const emailVerification = createEmailVerificationService({
    db,
    clock,
    users,
    tokens: emailTokens,
    audit,
    mailer,
    sessions,
    settings: { linkBaseUrl: config.linkBaseUrl, ttl: config.emailVerificationTtl },
  });
  return { clock, scopesFor, revocation, sessionWatch, rateLimits, lockout, apiKeys, pubsub: deps.pubsub, hasher, passwordPolicy, keys, accessTokens, audit, alerts, webhooks, users, sessions, auth, credentials, mfa, trustedDevices, mailer, emailTokens, passwordReset, emailVerification };
}
