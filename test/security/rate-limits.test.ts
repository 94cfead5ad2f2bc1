/**
 * Rate limits at their shipped defaults, through HTTP. Client addresses are set with
 * X-Forwarded-For on an app that trusts one proxy hop (TRUST_PROXY=1), so each test counts
 * from its own address; the spoofing test runs on an app that trusts none.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isObjectType } from 'graphql';
import { Redis } from 'ioredis';
import { graphql } from '../gql';
import { DEFAULT_ABUSE_LIMITS, startTestApp, type TestApp } from '../support/app';
import { Register, Rotate } from '../support/operations';
import { VerifyMfaLogin } from '../support/mfa';
import { PASSWORD, signUp, uniqueEmail } from '../support/users';
import { printedSchema } from '../../src/scripts/print-schema';
import { schema } from '../../src/graphql/schema';
import { rateLimitRulesOf } from '../../src/modules/ratelimit/rate-limit.directive';
import { memoryRateLimitBackend } from '../../src/modules/ratelimit/rate-limit.store';

const LimitedLogin = graphql(`
  mutation LimitedLogin($input: LoginInput!) {
    login(input: $input) {
      __typename
      ... on AccountLockedError { lockedUntil }
      ... on Error { code message }
    }
  }
`);

const LimitedReauthenticate = graphql(`
  mutation LimitedReauthenticate($input: ReauthenticateInput!) {
    reauthenticate(input: $input) {
      __typename
      ... on Error { code message }
    }
  }
`);

// Lockout stays out of the way here (it has its own file): only the limits are at their defaults.
const LIMITS = { ...DEFAULT_ABUSE_LIMITS, LOCKOUT_LEVELS: '90:1s', LOCKOUT_ACCOUNT_FROM: '90' };

let app: TestApp;
let nextAddress = 1;
/** A fresh client address for each test. */
const address = () => `198.51.100.${nextAddress++}`;
const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });

beforeAll(async () => {
  app = await startTestApp({ ...LIMITS, TRUST_PROXY: '1' });
});
afterAll(() => app.close());

const login = (email: string, ip: string, password = 'not the password at all') => app.gql(LimitedLogin, { input: { email, password } }, from(ip));
const outcome = (res: Awaited<ReturnType<typeof login>>) =>
  res.errors?.[0]?.extensions?.code ?? (res.data?.login && 'code' in res.data.login ? res.data.login.code : res.data?.login?.__typename);

describe('login: 10 per minute per address', () => {
  it('lets 10 through, refuses the 11th with RATE_LIMITED, 429 and Retry-After, and lets in again a minute later', async () => {
    const ip = address();
    for (let i = 0; i < 10; i++) expect(outcome(await login(uniqueEmail('rl'), ip))).toBe('INVALID_CREDENTIALS');
    const refused = await login(uniqueEmail('rl'), ip);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 60 });
    expect(refused.errors?.[0]?.message).toBe('Too many attempts. Try again in 60 seconds.');
    expect(refused.data).toBeNull();

    // Another address is not affected.
    expect(outcome(await login(uniqueEmail('rl'), address()))).toBe('INVALID_CREDENTIALS');

    app.clock.advance(45);
    const still = await login(uniqueEmail('rl'), ip);
    expect(still.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 15 });
    app.clock.advance(15);
    expect(outcome(await login(uniqueEmail('rl'), ip))).toBe('INVALID_CREDENTIALS');
  });

  it('is a sliding window: calls leave it one by one, and refused calls do not extend it', async () => {
    const ip = address();
    for (let i = 0; i < 5; i++) expect(outcome(await login(uniqueEmail('rl'), ip))).toBe('INVALID_CREDENTIALS');
    app.clock.advance(30);
    for (let i = 0; i < 5; i++) expect(outcome(await login(uniqueEmail('rl'), ip))).toBe('INVALID_CREDENTIALS');
    for (let i = 0; i < 3; i++) expect(outcome(await login(uniqueEmail('rl'), ip))).toBe('RATE_LIMITED');
    app.clock.advance(30); // the first five have left the window
    for (let i = 0; i < 5; i++) expect(outcome(await login(uniqueEmail('rl'), ip))).toBe('INVALID_CREDENTIALS');
    expect(outcome(await login(uniqueEmail('rl'), ip))).toBe('RATE_LIMITED');
    app.clock.advance(60);
  });

  it('lets at most 10 of 50 concurrent attempts through (the count is atomic)', async () => {
    const ip = address();
    const results = await Promise.all(Array.from({ length: 50 }, () => login(uniqueEmail('burst'), ip)));
    const outcomes = results.map(outcome);
    expect(outcomes.filter((o) => o === 'INVALID_CREDENTIALS')).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'RATE_LIMITED')).toHaveLength(40);
  });
});

describe('login: 20 per hour per account, across addresses', () => {
  it('counts one e-mail address from many addresses, whatever its case or spacing', async () => {
    const email = uniqueEmail('acct');
    for (let i = 0; i < 20; i++) {
      const spelled = i % 2 === 0 ? email.toUpperCase() : `  ${email} `;
      expect(outcome(await login(spelled, address()))).toBe('INVALID_CREDENTIALS');
    }
    const refused = await login(email, address());
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 3600 });
    // Another account from the same fresh address is fine.
    expect(outcome(await login(uniqueEmail('acct'), address()))).toBe('INVALID_CREDENTIALS');
    app.clock.advance(3600);
    expect(outcome(await login(email, address()))).toBe('INVALID_CREDENTIALS');
  });

  it('refuses even the right password while the account is over its limit', async () => {
    const user = await signUp(app);
    for (let i = 0; i < 20; i++) await login(user.email, address());
    expect(outcome(await login(user.email, address(), PASSWORD))).toBe('RATE_LIMITED');
    app.clock.advance(3600);
    expect(outcome(await login(user.email, address(), PASSWORD))).toBe('AuthPayload');
  });
});

describe('the other limited operations, each at its default', () => {
  it('register: 5 per hour per address', async () => {
    const ip = address();
    for (let i = 0; i < 5; i++) {
      const res = await app.gql(Register, { input: { email: uniqueEmail('reg'), password: PASSWORD } }, from(ip));
      expect(res.data.register.__typename).toBe('AuthPayload');
    }
    const refused = await app.gql(Register, { input: { email: uniqueEmail('reg'), password: PASSWORD } }, from(ip));
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 3600 });
    app.clock.advance(3600);
    const again = await app.gql(Register, { input: { email: uniqueEmail('reg'), password: PASSWORD } }, from(ip));
    expect(again.data.register.__typename).toBe('AuthPayload');
  });

  it('verifyMfaLogin: 10 per minute per address', async () => {
    const ip = address();
    for (let i = 0; i < 10; i++) {
      const res = await app.gql(VerifyMfaLogin, { input: { challengeToken: `bogus-${i}`, code: '123456' } }, from(ip));
      expect(res.data.verifyMfaLogin.__typename).toBe('MfaChallengeExpiredError');
    }
    const refused = await app.gql(VerifyMfaLogin, { input: { challengeToken: 'bogus', code: '123456' } }, from(ip));
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 60 });
    app.clock.advance(60);
  });

  it('rotateRefresh: 30 per minute per address', async () => {
    const ip = address();
    for (let i = 0; i < 30; i++) {
      const res = await app.gql(Rotate, { input: { refreshToken: `bogus-${i}` } }, from(ip));
      expect(res.data.rotateRefresh.__typename).toBe('InvalidRefreshTokenError');
    }
    const refused = await app.gql(Rotate, { input: { refreshToken: 'bogus' } }, from(ip));
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 60 });
    app.clock.advance(60);
  });

  it('reauthenticate: 10 per minute per address', async () => {
    const ip = address();
    const user = await signUp(app);
    for (let i = 0; i < 10; i++) {
      const res = await app.gql(LimitedReauthenticate, { input: { password: 'wrong password here' } }, { token: user.accessToken, ...from(ip) });
      expect(res.data.reauthenticate.__typename).toBe('InvalidCredentialsError');
    }
    const refused = await app.gql(LimitedReauthenticate, { input: { password: PASSWORD } }, { token: user.accessToken, ...from(ip) });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    app.clock.advance(60);
  });
});

describe('client addresses', () => {
  it('counts IPv6 clients by /64', async () => {
    for (let i = 1; i <= 10; i++) expect(outcome(await login(uniqueEmail('v6'), `2001:db8:aa:1::${i.toString(16)}`))).toBe('INVALID_CREDENTIALS');
    // Another address in the same /64, in another spelling.
    expect(outcome(await login(uniqueEmail('v6'), '2001:0DB8:00AA:0001:ffff:ffff:ffff:ffff'))).toBe('RATE_LIMITED');
    // The neighbouring /64 is someone else.
    expect(outcome(await login(uniqueEmail('v6'), '2001:db8:aa:2::1'))).toBe('INVALID_CREDENTIALS');
    app.clock.advance(60);
  });

  it('takes the address our proxy appended, not what the client put before it', async () => {
    const real = address();
    for (let i = 0; i < 10; i++) expect(outcome(await login(uniqueEmail('xff'), `10.${i}.0.1, ${real}`))).toBe('INVALID_CREDENTIALS');
    expect(outcome(await login(uniqueEmail('xff'), `10.99.0.1, ${real}`))).toBe('RATE_LIMITED');
    app.clock.advance(60);
  });

  it('ignores X-Forwarded-For entirely without TRUST_PROXY: spoofing it changes nothing', async () => {
    const direct = await startTestApp(LIMITS);
    try {
      for (let i = 0; i < 10; i++) {
        const res = await direct.gql(LimitedLogin, { input: { email: uniqueEmail('spoof'), password: 'whatever it is' } }, from(`203.0.113.${i}`));
        expect(res.data.login.__typename).toBe('InvalidCredentialsError');
      }
      const res = await direct.gql(LimitedLogin, { input: { email: uniqueEmail('spoof'), password: 'whatever it is' } }, from('203.0.113.200'));
      expect(res.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    } finally {
      await direct.close();
    }
  });
});

describe('configuration and the printed schema', () => {
  it('takes RATE_LIMIT_<RULE> overrides', async () => {
    const custom = await startTestApp({ ...LIMITS, RATE_LIMIT_LOGIN: '2/30s' });
    try {
      const go = () => custom.gql(LimitedLogin, { input: { email: uniqueEmail('cfg'), password: 'whatever it is' } });
      expect((await go()).data.login.__typename).toBe('InvalidCredentialsError');
      expect((await go()).data.login.__typename).toBe('InvalidCredentialsError');
      expect((await go()).errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 30 });
    } finally {
      await custom.close();
    }
  });

  it('prints exactly the rules it enforces, on exactly the fields that have them', () => {
    const printed = printedSchema();
    const declared: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        for (const r of rateLimitRulesOf(field)) declared.push(`${field.name}:${r.rule}:${r.max}:${r.window}:${(r.identityArgs ?? []).join(',')}${r.excess ? `:${r.excess}` : ''}`);
      }
    }
    const inSdl = [...printed.matchAll(/^\s+(\w+)[(:].*$/gm)].flatMap(([line, field]) =>
      [...line.matchAll(/@rateLimit\(rule: "([^"]+)", max: (\d+), window: "([^"]+)"(?:, identityArgs: \[([^\]]*)\])?(?:, excess: "([^"]+)")?\)/g)].map(
        ([, rule, max, window, args, excess]) => `${field}:${rule}:${max}:${window}:${(args ?? '').replace(/[" ]/g, '')}${excess ? `:${excess}` : ''}`,
      ),
    );
    expect(inSdl.sort()).toEqual(declared.sort());
    expect(declared.sort()).toEqual([
      'changeEmail:changeEmail:5:1h:',
      'confirmMfa:confirmMfa:10:1m:',
      'login:login.account:20:1h:input.email:refusedUnlessTrustedDevice',
      'login:login:10:1m:',
      'reauthenticate:reauthenticate:10:1m:',
      'register:register:5:1h:',
      'requestEmailVerification:requestEmailVerification:5:1h:',
      'requestPasswordReset:requestPasswordReset.account:3:1h:input.email:silent',
      'requestPasswordReset:requestPasswordReset:5:1h:',
      'resetPassword:resetPassword:10:1h:',
      'rotateRefresh:rotateRefresh:30:1m:',
      'verifyEmail:verifyEmail:10:1h:',
      'verifyMfaLogin:verifyMfaLogin:10:1m:',
    ]);
  });
});

describe('the in-process store (no REDIS_URL)', () => {
  it('records at most max calls however many arrive at once, and frees places as calls leave the window', async () => {
    const backend = memoryRateLimitBackend();
    const hits = await Promise.all(Array.from({ length: 50 }, (_, i) => backend.hit('k', 1_000 + i, 60_000, 10)));
    expect(hits.filter((h) => h.allowed).map((h) => h.count)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(hits.filter((h) => !h.allowed).every((h) => h.count === 10 && h.oldest === 1_000)).toBe(true);
    // The first call leaves the window at 61,000: one place frees up, and only one.
    expect(await backend.hit('k', 61_000, 60_000, 10)).toEqual({ count: 9, allowed: true, oldest: undefined });
    expect(await backend.hit('k', 61_000, 60_000, 10)).toEqual({ count: 10, allowed: false, oldest: 1_001 });
  });

  it('limits an app without Redis too', async () => {
    const solo = await startTestApp({ ...LIMITS, REDIS_URL: '', RATE_LIMIT_LOGIN: '3/1m' });
    try {
      expect(solo.deps.kv.kind).toBe('memory');
      const results = await Promise.all(
        Array.from({ length: 8 }, () => solo.gql(LimitedLogin, { input: { email: uniqueEmail('mem'), password: 'whatever it is' } })),
      );
      expect(results.filter((r) => r.errors?.[0]?.extensions?.code === 'RATE_LIMITED')).toHaveLength(5);
    } finally {
      await solo.close();
    }
  });
});

describe('when Redis is configured but unreachable', () => {
  let redis: ChildProcess | undefined;
  let port: number;

  async function startRedis() {
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    for (let i = 0; i < 100; i++) {
      try {
        await probe.connect();
        await probe.ping();
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    probe.disconnect();
  }
  async function stopRedis() {
    const child = redis!;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  beforeAll(async () => {
    port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    await startRedis();
  });
  afterAll(async () => {
    if (redis && redis.exitCode === null) await stopRedis();
  });

  it('refuses credential checks with SERVICE_UNAVAILABLE (never unlimited), and recovers with the locks intact', async () => {
    const own = await startTestApp({
      ...DEFAULT_ABUSE_LIMITS,
      TRUST_PROXY: '1',
      REDIS_URL: `redis://127.0.0.1:${port}`,
    });
    try {
      const user = await signUp(own);
      const ip = '192.0.2.77';
      // Three failures lock this address (the durable copy goes to PostgreSQL too).
      for (let i = 0; i < 3; i++) await own.gql(LimitedLogin, { input: { email: user.email, password: 'wrong guess number x' } }, from(ip));
      const locked = await own.gql(LimitedLogin, { input: { email: user.email, password: PASSWORD } }, from(ip));
      expect(locked.data.login.__typename).toBe('AccountLockedError');

      await stopRedis();
      for (const password of [PASSWORD, 'wrong guess number y']) {
        const res = await own.gql(LimitedLogin, { input: { email: user.email, password } }, from('192.0.2.78'));
        expect(res.status).toBe(503);
        expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 });
        expect(res.errors?.[0]?.message).toBe('Sign-in is briefly unavailable. Please try again in a few seconds.');
        expect(res.data).toBeNull();
      }
      const reg = await own.gql(Register, { input: { email: uniqueEmail('down'), password: PASSWORD } });
      expect(reg.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      // An access token cannot be checked for revocation either: refused, not trusted unchecked.
      const me = await own.gql(graphql(`query DownMe { me { id } }`), undefined, { token: user.accessToken });
      expect(me.status).toBe(503);
      expect(me.errors?.[0]).toMatchObject({ message: 'Credentials cannot be checked right now. Please try again in a few seconds.', extensions: { code: 'SERVICE_UNAVAILABLE' } });

      // Redis comes back empty: the lock of that address is reloaded from the database.
      await startRedis();
      let answer: string | undefined;
      for (let i = 0; i < 100 && !answer; i++) {
        const again = await own.gql(LimitedLogin, { input: { email: user.email, password: PASSWORD } }, from(ip));
        if (again.errors) await new Promise((r) => setTimeout(r, 100));
        else answer = again.data.login.__typename;
      }
      expect(answer).toBe('AccountLockedError');
      const elsewhere = await own.gql(LimitedLogin, { input: { email: user.email, password: PASSWORD } }, from('192.0.2.79'));
      expect(elsewhere.data.login.__typename).toBe('AuthPayload');
    } finally {
      await own.close();
    }
  });
});
