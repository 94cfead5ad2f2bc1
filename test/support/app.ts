/**
 * A real server per test (its own database, its own Redis key prefix, a fake clock), reached
 * over HTTP on loopback exactly as a client would.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { compose } from '../../src/compose';
import { parseConfig, type Config } from '../../src/config';
import type { Deps } from '../../src/deps';
import type { Services } from '../../src/services';
import { FakeClock } from '../../src/lib/clock';
import { startServer } from '../../src/server';
import { createTestDatabase } from './pg';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface GqlResponse<T> {
  status: number;
  data: T;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: unknown[] }[];
  headers: Headers;
}

export interface GqlOptions {
  token?: string;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST';
}

/** Shared between instances of one test: the same database, Redis prefix and keys. */
export interface Backing {
  databaseUrl: string;
  redisPrefix: string;
  encryptionKey: string;
  clock: FakeClock;
  drop(): Promise<void>;
}

export interface TestApp {
  url: string;
  clock: FakeClock;
  config: Config;
  deps: Deps;
  services: Services;
  backing: Backing;
  gql<T, V>(doc: { toString(): string } & { __apiType?: (v: V) => T }, variables?: V, opts?: GqlOptions): Promise<GqlResponse<T>>;
  /** `graceMs` (default 1000): how long in-flight requests may run before their sockets are cut. */
  close(opts?: { graceMs?: number }): Promise<void>;
}

export async function createBacking(): Promise<Backing> {
  const database = await createTestDatabase();
  const redisPrefix = `t:${randomBytes(6).toString('hex')}:`;
  return {
    databaseUrl: database.url,
    redisPrefix,
    encryptionKey: randomBytes(32).toString('base64'),
    // Starts at real time so one-shot commands run beside the app (on the real clock) agree with it.
    clock: new FakeClock(Math.floor(Date.now() / 1000) * 1000),
    async drop() {
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${redisPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      await database.drop();
    },
  };
}

export const RELAXED_ABUSE_LIMITS: Record<string, string> = {
  RATE_LIMIT_REGISTER: '100000/1m',
  RATE_LIMIT_LOGIN: '100000/1m',
  RATE_LIMIT_LOGIN_ACCOUNT: '100000/1m',
  RATE_LIMIT_VERIFY_MFA_LOGIN: '100000/1m',
  RATE_LIMIT_CONFIRM_MFA: '100000/1m',
  RATE_LIMIT_ROTATE_REFRESH: '100000/1m',
  RATE_LIMIT_REAUTHENTICATE: '100000/1m',
  RATE_LIMIT_REQUEST_PASSWORD_RESET: '100000/1m',
  RATE_LIMIT_REQUEST_PASSWORD_RESET_ACCOUNT: '100000/1m',
  RATE_LIMIT_RESET_PASSWORD: '100000/1m',
  RATE_LIMIT_VERIFY_EMAIL: '100000/1m',
  RATE_LIMIT_REQUEST_EMAIL_VERIFICATION: '100000/1m',
  RATE_LIMIT_CHANGE_EMAIL: '100000/1m',
  LOCKOUT_LEVELS: '100000:1s',
  LOCKOUT_ACCOUNT_FROM: '100000',
  LOCKOUT_MAX_FAILURES: '100000',
};

/** The shipped defaults of rate limits and lockout, for the files that test them. */
export const DEFAULT_ABUSE_LIMITS: Record<string, string> = {
  RATE_LIMIT_REGISTER: '5/1h',
  RATE_LIMIT_LOGIN: '10/1m',
  RATE_LIMIT_LOGIN_ACCOUNT: '20/1h',
  RATE_LIMIT_VERIFY_MFA_LOGIN: '10/1m',
  RATE_LIMIT_CONFIRM_MFA: '10/1m',
  RATE_LIMIT_ROTATE_REFRESH: '30/1m',
  RATE_LIMIT_REAUTHENTICATE: '10/1m',
  RATE_LIMIT_REQUEST_PASSWORD_RESET: '5/1h',
  RATE_LIMIT_REQUEST_PASSWORD_RESET_ACCOUNT: '3/1h',
  RATE_LIMIT_RESET_PASSWORD: '10/1h',
  RATE_LIMIT_VERIFY_EMAIL: '10/1h',
  RATE_LIMIT_REQUEST_EMAIL_VERIFICATION: '5/1h',
  RATE_LIMIT_CHANGE_EMAIL: '5/1h',
  LOCKOUT_LEVELS: '3:15m,5:1h,10:24h,15:7d',
  LOCKOUT_ACCOUNT_FROM: '10',
  LOCKOUT_ACCOUNT_MIN_GROUPS: '3',
};

export async function startTestApp(env: Record<string, string> = {}, backing?: Backing): Promise<TestApp> {
  const owned = !backing;
  const b = backing ?? (await createBacking());
  const config = parseConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: b.databaseUrl,
    REDIS_URL,
    REDIS_KEY_PREFIX: b.redisPrefix,
    ENCRYPTION_KEY: b.encryptionKey,
    PUBLIC_URL: 'http://idp.test',
    // Cheaper than production argon2 so suites stay fast; the parameters themselves are tested.
    ARGON2_MEMORY_KIB: '8192',
    ARGON2_ITERATIONS: '1',
    // Suites sign in many times from 127.0.0.1: limits and lockout are relaxed here and tested
    // at their defaults in their own files (which pass these variables themselves).
    ...RELAXED_ABUSE_LIMITS,
    ...env,
  });
  const { deps, services, app, close } = await compose(config, { clock: b.clock });
  const server = await startServer(app, {
    host: '127.0.0.1',
    port: 0,
    maxMessageBytes: config.limits.maxBodyBytes,
    requestTimeoutMs: config.http.requestTimeout * 1000,
    headersTimeoutMs: config.http.headersTimeout * 1000,
  });

  return {
    url: server.url,
    clock: b.clock,
    config,
    deps,
    services,
    backing: b,
    async gql(doc, variables, opts = {}) {
      const headers: Record<string, string> = { accept: 'application/graphql-response+json', ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let res: Response;
      if (opts.method === 'GET') {
        const u = new URL('/graphql', server.url);
        u.searchParams.set('query', doc.toString());
        if (variables) u.searchParams.set('variables', JSON.stringify(variables));
        res = await fetch(u, { headers });
      } else {
        res = await fetch(new URL('/graphql', server.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query: doc.toString(), variables }),
        });
      }
      const text = await res.text();
      const json = JSON.parse(text) as { data: never; errors?: GqlResponse<never>['errors'] };
      return { status: res.status, data: json.data, errors: json.errors, headers: res.headers };
    },
    async close(opts = {}) {
      await server.close(opts.graceMs ?? 1000);
      await close();
      if (owned) await b.drop();
    },
  };
}
