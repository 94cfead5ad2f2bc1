import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, type Config } from '../../src/config';

const KEY = randomBytes(32);
const KEY_B64 = KEY.toString('base64');

/** The ConfigError thrown by parseConfig(env), failing the test when none is thrown. */
function problemsOf(env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`parseConfig accepted ${JSON.stringify(env)}`);
}

describe('parseConfig defaults', () => {
  it('uses the documented defaults when the environment is empty', () => {
    const c = parseConfig({});
    expect(c).toMatchObject<Partial<Config>>({
      nodeEnv: 'development',
      port: 4000,
      host: '127.0.0.1',
      publicUrl: 'http://127.0.0.1:4000',
      tokenAudience: 'http://127.0.0.1:4000',
      databaseUrl: undefined,
      redisUrl: undefined,
      dataDir: './data',
      encryptionKey: undefined,
      smtpUrl: undefined,
      trustProxy: 0,
      bootstrapAdmin: undefined,
      accessTokenTtl: 900,
      refreshTokenTtl: 604_800,
      sessionMaxAge: 2_592_000,
      maxSessionsPerUser: 10,
      refreshReuseGrace: 0,
      requireAdminMfa: false,
      auditRetentionDays: 365,
      hibpUrl: undefined,
      introspection: true,
    });
    expect(c.argon2).toEqual({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  });

  it('treats empty and blank values as absent', () => {
    const c = parseConfig({ PORT: '', HOST: '   ', ACCESS_TOKEN_TTL: '', DATABASE_URL: ' ', ENCRYPTION_KEY: '' });
    expect(c.port).toBe(4000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.accessTokenTtl).toBe(900);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.encryptionKey).toBeUndefined();
  });

  it('derives PUBLIC_URL from HOST and PORT (bracketing IPv6) and strips a trailing slash from a given one', () => {
    expect(parseConfig({ HOST: '0.0.0.0', PORT: '8080' }).publicUrl).toBe('http://0.0.0.0:8080');
    expect(parseConfig({ HOST: '::1' }).publicUrl).toBe('http://[::1]:4000');
    const c = parseConfig({ PUBLIC_URL: 'https://id.example.com/' });
    expect(c.publicUrl).toBe('https://id.example.com');
    expect(c.tokenAudience).toBe('https://id.example.com');
  });

  it('points e-mailed links at LINK_BASE_URL (default PUBLIC_URL) while the issuer stays PUBLIC_URL', () => {
    expect(parseConfig({ PUBLIC_URL: 'https://id.example.com' }).linkBaseUrl).toBe('https://id.example.com');
    const c = parseConfig({ PUBLIC_URL: 'https://id.example.com', LINK_BASE_URL: 'https://app.example.com/account/' });
    expect(c.linkBaseUrl).toBe('https://app.example.com/account');
    expect(c.publicUrl).toBe('https://id.example.com');
  });

  it('turns admin MFA on and introspection off by default in production, both overridable', () => {
    const prod = parseConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: KEY_B64 });
    expect(prod.nodeEnv).toBe('production');
    expect(prod.requireAdminMfa).toBe(true);
    expect(prod.introspection).toBe(false);
    expect(parseConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: KEY_B64, REQUIRE_ADMIN_MFA: 'false' }).requireAdminMfa).toBe(false);
    expect(parseConfig({ REQUIRE_ADMIN_MFA: 'on' }).requireAdminMfa).toBe(true);
  });
});

describe('parseConfig durations', () => {
  it.each([
    ['30s', 30],
    ['15m', 900],
    ['7d', 604_800],
    ['1h30m', 5_400],
    ['2w', 1_209_600],
    ['600', 600],
    ['15M', 900],
  ])('reads ACCESS_TOKEN_TTL=%s as %i seconds', (raw, seconds) => {
    expect(parseConfig({ ACCESS_TOKEN_TTL: raw, REFRESH_TOKEN_TTL: '30d', SESSION_MAX_AGE: '30d' }).accessTokenTtl).toBe(seconds);
  });

  it('reads REFRESH_TOKEN_TTL, SESSION_MAX_AGE and REFRESH_REUSE_GRACE the same way', () => {
    const c = parseConfig({ REFRESH_TOKEN_TTL: '1d12h', SESSION_MAX_AGE: '90d', REFRESH_REUSE_GRACE: '5s' });
    expect(c.refreshTokenTtl).toBe(129_600);
    expect(c.sessionMaxAge).toBe(7_776_000);
    expect(c.refreshReuseGrace).toBe(5);
  });

  it.each(['forever', '15 minutes', '1.5h', '-30s', '15x', 'm15'])('refuses ACCESS_TOKEN_TTL=%s naming the variable', (raw) => {
    const error = problemsOf({ ACCESS_TOKEN_TTL: raw });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^ACCESS_TOKEN_TTL: /);
    expect(error.problems[0]).toContain(`"${raw}"`);
  });

  it('refuses durations below their minimum and a reuse grace above 60 s', () => {
    expect(problemsOf({ ACCESS_TOKEN_TTL: '4s' }).problems[0]).toMatch(/^ACCESS_TOKEN_TTL: .*at least 5s/);
    expect(problemsOf({ REFRESH_TOKEN_TTL: '59s' }).problems[0]).toMatch(/^REFRESH_TOKEN_TTL: /);
    expect(problemsOf({ REFRESH_REUSE_GRACE: '61s' }).problems[0]).toMatch(/^REFRESH_REUSE_GRACE: /);
    expect(parseConfig({ REFRESH_REUSE_GRACE: '60s' }).refreshReuseGrace).toBe(60);
  });
});

describe('HTTP timeouts (slow clients)', () => {
  it('defaults to 10 s for the headers and 30 s for the whole request, and reads both as durations', () => {
    expect(parseConfig({}).http).toEqual({ headersTimeout: 10, requestTimeout: 30 });
    expect(parseConfig({ HTTP_HEADERS_TIMEOUT: '5s', HTTP_REQUEST_TIMEOUT: '2m' }).http).toEqual({ headersTimeout: 5, requestTimeout: 120 });
  });

  it('refuses 0 and non-durations, naming the variable', () => {
    expect(problemsOf({ HTTP_REQUEST_TIMEOUT: '0s' }).problems[0]).toMatch(/^HTTP_REQUEST_TIMEOUT: /);
    expect(problemsOf({ HTTP_HEADERS_TIMEOUT: 'never' }).problems[0]).toMatch(/^HTTP_HEADERS_TIMEOUT: /);
  });
});

describe('parseConfig validation', () => {
  it('reports several bad values at once in one ConfigError naming each variable', () => {
    const error = problemsOf({
      PORT: 'abc',
      ACCESS_TOKEN_TTL: 'forever',
      MAX_SESSIONS_PER_USER: '0',
      DATABASE_URL: 'mysql://db/x',
      REDIS_URL: 'not a url',
      TRUST_PROXY: 'maybe',
      NODE_ENV: 'staging',
    });
    const names = ['PORT', 'ACCESS_TOKEN_TTL', 'MAX_SESSIONS_PER_USER', 'DATABASE_URL', 'REDIS_URL', 'TRUST_PROXY', 'NODE_ENV'];
    expect(error.problems).toHaveLength(names.length);
    expect(error.problems.map((p) => p.split(':')[0]).sort()).toEqual([...names].sort());
    for (const name of names) expect(error.message).toContain(`  - ${name}: `);
    expect(error.message.startsWith('Invalid configuration:')).toBe(true);
    expect(error.name).toBe('ConfigError');
  });

  it.each([
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['MAX_SESSIONS_PER_USER', '1001'],
    ['AUDIT_RETENTION_DAYS', '0'],
    ['ARGON2_MEMORY_KIB', '1024'],
    ['SMTP_URL', 'http://mail'],
    ['PUBLIC_URL', 'ftp://id.example.com'],
    ['LINK_BASE_URL', 'javascript:alert(1)'],
    ['LINK_BASE_URL', 'app.example.com'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    const error = problemsOf({ [name]: value });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(new RegExp(`^${name}: `));
  });

  it('accepts ENCRYPTION_KEY only when it decodes to exactly 32 bytes', () => {
    expect(parseConfig({ ENCRYPTION_KEY: KEY_B64 }).encryptionKey?.equals(KEY)).toBe(true);
    expect(parseConfig({ ENCRYPTION_KEY: KEY.toString('base64url') }).encryptionKey?.equals(KEY)).toBe(true);
    for (const bad of [randomBytes(16).toString('base64'), randomBytes(33).toString('base64'), KEY.toString('hex'), 'not base64 at all!']) {
      const error = problemsOf({ ENCRYPTION_KEY: bad });
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(/^ENCRYPTION_KEY: .*32 bytes/);
      // The refused value itself is a secret: it is not repeated in the message.
      expect(error.message).not.toContain(bad);
    }
  });

  it('requires ENCRYPTION_KEY when NODE_ENV=production, but not in development or test', () => {
    const error = problemsOf({ NODE_ENV: 'production' });
    expect(error.problems).toEqual([expect.stringMatching(/^ENCRYPTION_KEY: required when NODE_ENV=production/)]);
    expect(parseConfig({ NODE_ENV: 'development' }).encryptionKey).toBeUndefined();
    expect(parseConfig({ NODE_ENV: 'test' }).encryptionKey).toBeUndefined();
  });

  it('refuses BOOTSTRAP_ADMIN_EMAIL without BOOTSTRAP_ADMIN_PASSWORD and the reverse', () => {
    for (const env of [{ BOOTSTRAP_ADMIN_EMAIL: 'root@example.com' }, { BOOTSTRAP_ADMIN_PASSWORD: 'a long enough password' }]) {
      const error = problemsOf(env);
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(/^BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD: /);
    }
    expect(parseConfig({ BOOTSTRAP_ADMIN_EMAIL: 'root@example.com', BOOTSTRAP_ADMIN_PASSWORD: 'a long enough password' }).bootstrapAdmin).toEqual({
      email: 'root@example.com',
      password: 'a long enough password',
    });
  });

  it('refuses REFRESH_TOKEN_TTL longer than SESSION_MAX_AGE, and accepts them equal', () => {
    const error = problemsOf({ REFRESH_TOKEN_TTL: '31d' });
    expect(error.problems).toEqual([expect.stringMatching(/^REFRESH_TOKEN_TTL: must not exceed SESSION_MAX_AGE/)]);
    expect(problemsOf({ REFRESH_TOKEN_TTL: '2h', SESSION_MAX_AGE: '1h' }).problems[0]).toMatch(/^REFRESH_TOKEN_TTL: /);
    const c = parseConfig({ REFRESH_TOKEN_TTL: '30d', SESSION_MAX_AGE: '30d' });
    expect(c.refreshTokenTtl).toBe(c.sessionMaxAge);
  });

  it('parses booleans in their usual spellings and refuses anything else', () => {
    for (const yes of ['1', 'true', 'YES', 'on']) expect(parseConfig({ TRUST_PROXY: yes }).trustProxy).toBe(1);
    for (const no of ['0', 'false', 'No', 'off']) expect(parseConfig({ TRUST_PROXY: no }).trustProxy).toBe(0);
    expect(parseConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(problemsOf({ TRUST_PROXY: 'sometimes' }).problems[0]).toMatch(/^TRUST_PROXY: /);
  });

  it('allows webhooks to non-public addresses only with WEBHOOK_ALLOW_PRIVATE, in any NODE_ENV (no default from NODE_ENV)', () => {
    for (const NODE_ENV of ['development', 'test', 'production']) {
      expect(parseConfig({ NODE_ENV, ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') }).webhookAllowPrivate).toBe(false);
    }
    expect(parseConfig({ WEBHOOK_ALLOW_PRIVATE: '1' }).webhookAllowPrivate).toBe(true);
  });
});

describe('mail and recovery links', () => {
  it('needs failures from 3 networks (IPv4 /24, IPv6 /64) for the account-wide lock by default, each configurable', () => {
    expect(parseConfig({}).lockout).toMatchObject({ accountFrom: 10, accountMinGroups: 3, groupPrefix: { v4: 24, v6: 64 } });
    const c = parseConfig({ LOCKOUT_ACCOUNT_MIN_GROUPS: '5', LOCKOUT_GROUP_PREFIX_V4: '16', LOCKOUT_GROUP_PREFIX_V6: '48', RATE_LIMIT_CONFIRM_MFA: '3/1m' });
    expect(c.lockout).toMatchObject({ accountMinGroups: 5, groupPrefix: { v4: 16, v6: 48 } });
    expect(c.rateLimits.confirmMfa).toEqual({ max: 3, window: 60 });
  });

  it('defaults MAIL_FROM to no-reply@<PUBLIC_URL host>, PASSWORD_RESET_TTL to 30m and EMAIL_VERIFICATION_TTL to 24h', () => {
    expect(parseConfig({})).toMatchObject({ mailFrom: 'no-reply@127.0.0.1', passwordResetTtl: 1800, emailVerificationTtl: 86_400, smtpUrl: undefined });
    const c = parseConfig({ PUBLIC_URL: 'https://id.example.com', PASSWORD_RESET_TTL: '15m', EMAIL_VERIFICATION_TTL: '2d' });
    expect(c).toMatchObject({ mailFrom: 'no-reply@id.example.com', passwordResetTtl: 900, emailVerificationTtl: 172_800 });
    expect(parseConfig({ MAIL_FROM: 'Example <accounts@example.com>' }).mailFrom).toBe('Example <accounts@example.com>');
  });

  it.each([
    ['MAIL_FROM', 'not an address'],
    ['MAIL_FROM', 'a@example.com\nBcc: everyone@example.com'],
    ['PASSWORD_RESET_TTL', '10s'],
    ['EMAIL_VERIFICATION_TTL', 'soon'],
    ['RATE_LIMIT_REQUEST_PASSWORD_RESET_ACCOUNT', 'lots'],
    ['RATE_LIMIT_CONFIRM_MFA', '0/1m'],
    ['LOCKOUT_ACCOUNT_MIN_GROUPS', '0'],
    ['LOCKOUT_GROUP_PREFIX_V4', '33'],
    ['LOCKOUT_GROUP_PREFIX_V6', '8'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    const error = problemsOf({ [name]: value });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(new RegExp(`^${name}: `));
  });
});

describe('a PUBLIC_URL that is not a URL', () => {
  it('is reported as a configuration problem, not thrown as a TypeError by a default built from it', () => {
    let caught: unknown;
    try {
      parseConfig({ PUBLIC_URL: 'not a url' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toContain('PUBLIC_URL: not a valid URL');
  });
});

describe('CORS_ORIGINS and METRICS_TOKEN', () => {
  it('default to no cross-origin access and no metrics token', () => {
    expect(parseConfig({})).toMatchObject({ corsOrigins: [], metricsToken: undefined });
  });

  it('reads CORS_ORIGINS as a comma-separated list of origins, normalised as browsers send them', () => {
    const c = parseConfig({ CORS_ORIGINS: ' https://App.Example.com/ ,http://localhost:5173,https://app.example.com:443, ' });
    expect(c.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
  });

  it('refuses a wildcard, "null", paths, other schemes and credentials in CORS_ORIGINS', () => {
    for (const bad of ['*', 'null', 'https://app.example.com/path', 'ftp://app.example.com', 'https://user:pw@app.example.com', 'app.example.com', 'https://a.example.com?x=1']) {
      expect(problemsOf({ CORS_ORIGINS: `https://ok.example.com,${bad}` }).problems, bad).toEqual([expect.stringMatching(/^CORS_ORIGINS: .*got "/)]);
    }
  });

  it('takes METRICS_TOKEN as given, refusing a short one without echoing it', () => {
    expect(parseConfig({ METRICS_TOKEN: 'a'.repeat(32) }).metricsToken).toBe('a'.repeat(32));
    const error = problemsOf({ METRICS_TOKEN: 'short-secret' });
    expect(error.problems).toEqual([expect.stringMatching(/^METRICS_TOKEN: /)]);
    expect(error.message).not.toContain('short-secret');
  });
});
