/**
 * The environment, parsed and validated once at start. This is the only module that reads
 * process.env; everything else receives a Config. A bad value throws a ConfigError that names
 * the variable and what is wrong, and main.ts exits before anything listens or connects.
 */
import { parseDuration } from './lib/duration';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface Argon2Params {
  /** KiB */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicUrl: string;
  /** Where e-mailed links (reset, verification, address change) point, e.g. an SPA on another host; defaults to the public URL. The token issuer stays the public URL. */
  linkBaseUrl: string;
  /** `aud` of access tokens; defaults to the public URL. */
  tokenAudience: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** Prepended to every Redis key and channel, so several deployments can share one Redis. */
  redisKeyPrefix: string;
  dataDir: string;
  /** 32 bytes, or undefined when it must be generated into DATA_DIR (never in production). */
  encryptionKey: Buffer | undefined;
  smtpUrl: string | undefined;
  /** The From of every mail; default `no-reply@<PUBLIC_URL host>`. */
  mailFrom: string;
  /** seconds: how long a password-reset link works */
  passwordResetTtl: number;
  /** seconds: how long a link that confirms an e-mail address (verification, change) works */
  emailVerificationTtl: number;
  /** How many proxies in front of us append to X-Forwarded-For (0: ignore the header). */
  trustProxy: number;
  bootstrapAdmin: { email: string; password: string } | undefined;
  /** seconds */
  accessTokenTtl: number;
  /** seconds: the idle lifetime of a session, extended by every refresh */
  refreshTokenTtl: number;
  /** seconds: the absolute lifetime of a session */
  sessionMaxAge: number;
  maxSessionsPerUser: number;
  /** seconds */
  refreshReuseGrace: number;
  requireAdminMfa: boolean;
  auditRetentionDays: number;
  hibpUrl: string | undefined;
  argon2: Argon2Params;
  /** How many argon2 computations may run at once (each holds one libuv pool thread). */
  argon2Concurrency: number;
  /** The nice value of libuv's pool threads (argon2 runs there); 0 leaves them at the event loop's priority. */
  threadPoolNice: number;
  /** NIST SP 800-63B: the minimum for accounts without MFA. */
  passwordMinLength: number;
  /** The minimum once MFA is on (the password is then not the only factor). */
  passwordMinLengthWithMfa: number;
  /** How many earlier passwords a change or reset may not reuse. */
  passwordHistory: number;
  /** milliseconds: how long to wait for HIBP_URL before giving up on that one check */
  hibpTimeoutMs: number;
  /** WEBHOOK_ALLOW_PRIVATE: webhooks may deliver to loopback and private addresses (development only). */
  webhookAllowPrivate: boolean;
  /** Per rule name (`login`, `login.account`, ...): overrides of the @rateLimit defaults. */
  rateLimits: Record<string, RateLimitOverride>;
  lockout: LockoutPolicy;
  /** GraphQL hardening (graphql-armor and the request size). */
  limits: GraphQLLimits;
  /** seconds: a client must send its headers, and its whole request, within these (slow-body attacks). */
  http: { headersTimeout: number; requestTimeout: number };
  mfa: {
    /** Shown in authenticator apps. */
    issuer: string;
    maxAttempts: number;
    /** seconds */
    lockDuration: number;
    /** seconds */
    challengeTtl: number;
    /** seconds */
    trustedDeviceTtl: number;
  };
  /** seconds: how recent an authentication sensitive mutations require */
  reauthWindow: number;
  alerts: { failedLoginsPerAccount: number; failedLoginsPerIp: number; window: number };
  /** Origins (scheme://host[:port]) that may call the API from a browser, with credentials. Empty: none. */
  corsOrigins: string[];
  /** `/metrics` requires `Authorization: Bearer <token>` when set; without it, not served in production. */
  metricsToken: string | undefined;
  introspection: boolean;
  /** "Did you mean …" suggestions in validation errors (off in production). */
  fieldSuggestions: boolean;
  logLevel: string;
}

export interface RateLimitOverride {
  max: number;
  /** seconds */
  window: number;
}

export interface LockoutPolicy {
  /** Ascending by failures: from `failures` consecutive failures on, each failure locks for `seconds`. */
  levels: { failures: number; seconds: number }[];
  /** The account-wide lock (every IP) applies only from this many consecutive failures. */
  accountFrom: number;
  /** After this many consecutive failures the account stays locked until an admin unlocks it. */
  maxFailures: number;
  /** seconds: failures are forgotten this long after the last one (when no success reset them) */
  memory: number;
  /**
   * The account-wide lock needs failures from at least this many distinct networks (see
   * `groupPrefix`): a stranger on one network can lock only that network out, never the owner.
   */
  accountMinGroups: number;
  /** The networks counted for `accountMinGroups`: IPv4 by /v4, IPv6 by /v6. */
  groupPrefix: { v4: number; v6: number };
}

export interface GraphQLLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxCost: number;
  /** bytes */
  maxBodyBytes: number;
}

/** Env names of the rate-limit rules: RATE_LIMIT_LOGIN_ACCOUNT=20/1h overrides `login.account`. */
export const RATE_LIMIT_RULES = [
  'register',
  'login',
  'login.account',
  'verifyMfaLogin',
  'confirmMfa',
  'rotateRefresh',
  'reauthenticate',
  'requestPasswordReset',
  'requestPasswordReset.account',
  'resetPassword',
  'verifyEmail',
  'requestEmailVerification',
  'changeEmail',
] as const;
const ruleEnvName = (rule: string) => 'RATE_LIMIT_' + rule.replace(/([a-z])([A-Z])/g, '$1_$2').replace(/\./g, '_').toUpperCase();

type Env = Record<string, string | undefined>;

/** The host of a URL, or '' when it is not one (PUBLIC_URL's own problem is reported separately). */
const hostOf = (url: string): string => {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
};

export function parseConfig(env: Env): Config {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: string, dflt: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return dflt;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name}: expected a whole number from ${min} to ${max}, got "${raw}"`);
      return dflt;
    }
    return Number(raw);
  };
  const bool = (name: string, dflt: boolean): boolean => {
    const raw = str(name)?.toLowerCase();
    if (raw === undefined) return dflt;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name}: expected true/false, got "${raw}"`);
    return dflt;
  };
  const duration = (name: string, dflt: string, minSeconds: number): number => {
    const raw = str(name) ?? dflt;
    const seconds = parseDuration(raw);
    if (seconds === undefined || seconds < minSeconds) {
      problems.push(`${name}: expected a duration such as 30s, 15m, 7d (at least ${minSeconds}s), got "${raw}"`);
      return parseDuration(dflt)!;
    }
    return seconds;
  };
  const url = (name: string, protocols: string[]): string | undefined => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) {
        problems.push(`${name}: expected a ${protocols.join(' or ')} URL, got protocol "${u.protocol}"`);
      }
    } catch {
      problems.push(`${name}: not a valid URL`);
    }
    return raw;
  };

  const rawEnv = str('NODE_ENV') ?? 'development';
  if (!['development', 'production', 'test'].includes(rawEnv)) {
    problems.push(`NODE_ENV: expected development, production or test, got "${rawEnv}"`);
  }
  const nodeEnv = (['development', 'production', 'test'].includes(rawEnv) ? rawEnv : 'development') as Config['nodeEnv'];
  const production = nodeEnv === 'production';

  const port = int('PORT', 4000, 0, 65535);
  const host = str('HOST') ?? '127.0.0.1';
  const publicUrl = (url('PUBLIC_URL', ['http:', 'https:']) ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');

  let encryptionKey: Buffer | undefined;
  const rawKey = str('ENCRYPTION_KEY');
  if (rawKey !== undefined) {
    const decoded = /^[A-Za-z0-9+/_-]+={0,2}$/.test(rawKey) ? Buffer.from(rawKey, 'base64') : Buffer.alloc(0);
    if (decoded.length !== 32) {
      problems.push('ENCRYPTION_KEY: expected 32 bytes encoded as base64 (e.g. `openssl rand -base64 32`)');
    } else {
      encryptionKey = decoded;
    }
  } else if (production) {
    problems.push('ENCRYPTION_KEY: required when NODE_ENV=production (32 bytes, base64)');
  }

  const adminEmail = str('BOOTSTRAP_ADMIN_EMAIL');
  const adminPassword = env.BOOTSTRAP_ADMIN_PASSWORD || undefined;
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    problems.push('BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD: set both or neither');
  }

  const accessTokenTtl = duration('ACCESS_TOKEN_TTL', '15m', 5);
  const refreshTokenTtl = duration('REFRESH_TOKEN_TTL', '7d', 60);
  const sessionMaxAge = duration('SESSION_MAX_AGE', '30d', 60);
  if (refreshTokenTtl > sessionMaxAge) {
    problems.push('REFRESH_TOKEN_TTL: must not exceed SESSION_MAX_AGE');
  }
  const refreshReuseGrace = duration('REFRESH_REUSE_GRACE', '0s', 0);
  if (refreshReuseGrace > 60) problems.push('REFRESH_REUSE_GRACE: at most 60s (it is meant for a few seconds of client races)');

  function trustedHops(): number {
    const raw = str('TRUST_PROXY');
    if (raw !== undefined && /^\d+$/.test(raw)) return int('TRUST_PROXY', 0, 0, 10);
    return bool('TRUST_PROXY', false) ? 1 : 0;
  }

  function rateLimits(): Record<string, RateLimitOverride> {
    const out: Record<string, RateLimitOverride> = {};
    for (const rule of RATE_LIMIT_RULES) {
      const name = ruleEnvName(rule);
      const raw = str(name);
      if (raw === undefined) continue;
      const m = /^(\d+)\s*\/\s*(\S+)$/.exec(raw);
      const seconds = m ? parseDuration(m[2]!) : undefined;
      if (!m || seconds === undefined || seconds < 1 || Number(m[1]) < 1 || Number(m[1]) > 1_000_000) {
        problems.push(`${name}: expected a count per duration such as 10/1m or 20/1h, got "${raw}"`);
        continue;
      }
      out[rule] = { max: Number(m[1]), window: seconds };
    }
    return out;
  }

  function lockout(): LockoutPolicy {
    const raw = str('LOCKOUT_LEVELS') ?? '3:15m,5:1h,10:24h,15:7d';
    const levels: LockoutPolicy['levels'] = [];
    for (const part of raw.split(',')) {
      const m = /^\s*(\d+)\s*:\s*(\S+)\s*$/.exec(part);
      const seconds = m ? parseDuration(m[2]!) : undefined;
      if (!m || seconds === undefined || seconds < 1 || Number(m[1]) < 1) {
        problems.push(`LOCKOUT_LEVELS: expected failures:duration pairs such as 3:15m,5:1h, got "${raw}"`);
        return { levels: [], accountFrom: 10, maxFailures: 100, memory: 30 * 86400, accountMinGroups: 3, groupPrefix: { v4: 24, v6: 64 } };
      }
      levels.push({ failures: Number(m[1]), seconds });
    }
    if (levels.some((l, i) => i > 0 && l.failures <= levels[i - 1]!.failures)) {
      problems.push('LOCKOUT_LEVELS: the failure counts must increase from one level to the next');
    }
    const maxFailures = int('LOCKOUT_MAX_FAILURES', 100, 1, 1_000_000);
    const memory = duration('LOCKOUT_MEMORY', '30d', 60);
    const longest = Math.max(0, ...levels.map((l) => l.seconds));
    if (memory < longest) problems.push('LOCKOUT_MEMORY: must be at least the longest lock in LOCKOUT_LEVELS');
    return {
      levels,
      accountFrom: int('LOCKOUT_ACCOUNT_FROM', 10, 1, 1_000_000),
      maxFailures,
      memory,
      accountMinGroups: int('LOCKOUT_ACCOUNT_MIN_GROUPS', 3, 1, 1000),
      groupPrefix: { v4: int('LOCKOUT_GROUP_PREFIX_V4', 24, 8, 32), v6: int('LOCKOUT_GROUP_PREFIX_V6', 64, 16, 128) },
    };
  }

  function corsOrigins(): string[] {
    const raw = str('CORS_ORIGINS');
    if (raw === undefined) return [];
    const origins: string[] = [];
    for (const part of raw.split(',')) {
      const entry = part.trim();
      if (entry === '') continue;
      // Origins only, kept as browsers send them (lower case, no default port): no wildcard (it
      // cannot go with credentials), no "null" (sandboxed frames of any site send it), no path.
      let u: URL | undefined;
      try {
        u = new URL(entry);
      } catch {
        u = undefined;
      }
      if (!u || !['http:', 'https:'].includes(u.protocol) || u.pathname !== '/' || u.search || u.hash || u.username || u.password) {
        problems.push(`CORS_ORIGINS: expected origins such as https://app.example.com (scheme, host, optional port; no path, no "*"), got "${entry}"`);
        continue;
      }
      origins.push(u.origin);
    }
    return [...new Set(origins)];
  }

  function metricsToken(): string | undefined {
    const raw = str('METRICS_TOKEN');
    if (raw !== undefined && (raw.length < 16 || /[\s\p{Cc}]/u.test(raw))) {
      problems.push('METRICS_TOKEN: expected at least 16 characters without spaces (e.g. `openssl rand -hex 32`)');
    }
    return raw;
  }

  function mailFrom(): string {
    const raw = str('MAIL_FROM');
    if (raw === undefined) return `no-reply@${URL.canParse(publicUrl) ? new URL(publicUrl).hostname : 'localhost'}`;
    // A header value: a line break in it would let it add headers of its own.
    if (/[\r\n\p{Cc}]/u.test(raw) || !/^[^@\s<>]+@[^@\s<>]+$|^[^<>]*<[^@\s<>]+@[^@\s<>]+>$/.test(raw)) {
      problems.push(`MAIL_FROM: expected an address such as no-reply@example.com or "Example <no-reply@example.com>", got "${raw}"`);
    }
    return raw;
  }

  const config: Config = {
    nodeEnv,
    port,
    host,
    publicUrl,
    linkBaseUrl: url('LINK_BASE_URL', ['http:', 'https:'])?.replace(/\/+$/, '') ?? publicUrl,
    tokenAudience: str('TOKEN_AUDIENCE') ?? publicUrl,
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    redisKeyPrefix: str('REDIS_KEY_PREFIX') ?? 'idp:',
    dataDir: str('DATA_DIR') ?? './data',
    encryptionKey,
    smtpUrl: url('SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: mailFrom(),
    passwordResetTtl: duration('PASSWORD_RESET_TTL', '30m', 60),
    emailVerificationTtl: duration('EMAIL_VERIFICATION_TTL', '24h', 60),
    trustProxy: trustedHops(),
    bootstrapAdmin: adminEmail && adminPassword ? { email: adminEmail, password: adminPassword } : undefined,
    accessTokenTtl,
    refreshTokenTtl,
    sessionMaxAge,
    maxSessionsPerUser: int('MAX_SESSIONS_PER_USER', 10, 1, 1000),
    refreshReuseGrace,
    requireAdminMfa: bool('REQUIRE_ADMIN_MFA', production),
    auditRetentionDays: int('AUDIT_RETENTION_DAYS', 365, 1, 36500),
    hibpUrl: url('HIBP_URL', ['http:', 'https:']),
    argon2: {
      memoryCost: int('ARGON2_MEMORY_KIB', 19456, 8192, 4 * 1024 * 1024),
      timeCost: int('ARGON2_ITERATIONS', 2, 1, 100),
      parallelism: int('ARGON2_PARALLELISM', 1, 1, 16),
    },
    argon2Concurrency: int('ARGON2_CONCURRENCY', 2, 1, 64),
    threadPoolNice: int('THREAD_POOL_NICE', 10, 0, 19),
    passwordMinLength: int('PASSWORD_MIN_LENGTH', 15, 8, 1024),
    passwordMinLengthWithMfa: int('PASSWORD_MIN_LENGTH_WITH_MFA', 8, 8, 1024),
    passwordHistory: int('PASSWORD_HISTORY', 12, 0, 100),
    hibpTimeoutMs: int('HIBP_TIMEOUT_MS', 2000, 100, 60000),
    webhookAllowPrivate: bool('WEBHOOK_ALLOW_PRIVATE', false),
    rateLimits: rateLimits(),
    lockout: lockout(),
    limits: {
      maxDepth: int('GRAPHQL_MAX_DEPTH', 8, 2, 100),
      maxAliases: int('GRAPHQL_MAX_ALIASES', 15, 1, 1000),
      maxTokens: int('GRAPHQL_MAX_TOKENS', 1000, 50, 100000),
      maxDirectives: int('GRAPHQL_MAX_DIRECTIVES', 10, 1, 1000),
      maxCost: int('GRAPHQL_MAX_COST', 5000, 10, 10_000_000),
      maxBodyBytes: int('GRAPHQL_MAX_BODY_BYTES', 100 * 1024, 1024, 100 * 1024 * 1024),
    },
    http: {
      headersTimeout: duration('HTTP_HEADERS_TIMEOUT', '10s', 1),
      requestTimeout: duration('HTTP_REQUEST_TIMEOUT', '30s', 1),
    },
    mfa: {
      issuer: str('MFA_ISSUER') ?? hostOf(publicUrl),
      maxAttempts: int('MFA_MAX_ATTEMPTS', 5, 1, 100),
      lockDuration: duration('MFA_LOCK_DURATION', '15m', 1),
      challengeTtl: duration('MFA_CHALLENGE_TTL', '5m', 30),
      trustedDeviceTtl: duration('TRUSTED_DEVICE_TTL', '30d', 60),
    },
    reauthWindow: duration('REAUTH_WINDOW', '10m', 30),
    alerts: {
      failedLoginsPerAccount: int('ALERT_FAILED_LOGINS_PER_ACCOUNT', 5, 1, 10000),
      failedLoginsPerIp: int('ALERT_FAILED_LOGINS_PER_IP', 20, 1, 100000),
      window: duration('ALERT_FAILED_LOGIN_WINDOW', '15m', 10),
    },
    corsOrigins: corsOrigins(),
    metricsToken: metricsToken(),
    introspection: bool('GRAPHQL_INTROSPECTION', !production),
    fieldSuggestions: bool('GRAPHQL_FIELD_SUGGESTIONS', !production),
    logLevel: str('LOG_LEVEL') ?? (nodeEnv === 'test' ? 'silent' : 'info'),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
