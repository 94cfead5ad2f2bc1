/**
 * `npm run bench`: throughput of the identity API on loopback, against the real PostgreSQL and
 * Redis, with production settings (argon2 defaults, system clock, NODE_ENV=production).
 *
 *   me             POST /graphql { me { id email } } with a Bearer access token
 *   me (API key)   the same with an API key (scope profile:read) in the same header, without and
 *                  with a per-key rate limit; the three are measured alternately, round by round
 *   rotateRefresh  each request spends a live refresh token; the successor goes back to the pool
 *   login          round-robin over pre-registered users, alternately against the server and
 *                  against a second one composed with { withoutAuditWrites: true }
 *   argon2 verify  the server's own hasher (same parameters, same concurrency limit), no HTTP
 *   alert A → B    a refresh-token reuse on server A until B's securityAlerts subscriber has the
 *                  alert (two instances sharing the database and Redis; alert-probe.ts)
 *
 * The servers run in this process (main thread); autocannon and the alert probe run in a worker
 * thread (load.ts). A fresh database idp_bench_<random> and a fresh Redis key prefix are created
 * for the run and removed at the end, also on error or Ctrl-C.
 *
 * Knobs (optional): BENCH_RUNS (default 5), BENCH_DURATION seconds per run (5), BENCH_WARMUP
 * seconds per benchmark (5), BENCH_FIRST_WARMUP seconds for the first one (10), BENCH_ALERTS
 * measured alerts (200), BENCH_PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { compose, type Composed } from '../src/compose';
import { parseConfig, type Config } from '../src/config';
import type { Metrics } from '../src/metrics';
import { startServer, type RunningServer } from '../src/server';
import type { AlertProbeRequest, AlertProbeSummary } from './alert-probe';
import {
  CREATE_API_KEY_MUTATION,
  LOGIN_MUTATION,
  ME_QUERY,
  REGISTER_MUTATION,
  type LoadRequest,
  type LoadSummary,
  type LoadTask,
  type WorkerMessage,
  type WorkerRequest,
} from './load';

// ---------------------------------------------------------------------------------------------
// Settings

function intEnv(name: string, dflt: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}: expected a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

const RUNS = intEnv('BENCH_RUNS', 5, 1, 20);
const DURATION_SEC = intEnv('BENCH_DURATION', 5, 1, 60);
const WARMUP_SEC = intEnv('BENCH_WARMUP', 5, 0, 60);
/**
 * The first benchmark also warms up the server as a whole: V8 keeps optimizing the request path
 * (yoga, graphql-js, drizzle, jose) for well over the first 10 s of load; measured after only a
 * couple of seconds, `me` rose run after run.
 */
const FIRST_WARMUP_SEC = Math.max(WARMUP_SEC, intEnv('BENCH_FIRST_WARMUP', 10, 0, 120));
const CONNECTIONS = { me: 16, rotateRefresh: 16, login: 8 } as const;
/**
 * The per-minute limit of the rate-limited API key: high enough never to refuse a request here
 * (the largest the API accepts), so the limit's counting is measured, not its refusals.
 */
const API_KEY_RATE_LIMIT = 1_000_000;
const UNLIMITED = {
  RATE_LIMIT_REGISTER: '1000000/1m',
  RATE_LIMIT_LOGIN: '1000000/1m',
  RATE_LIMIT_LOGIN_ACCOUNT: '1000000/1m',
  RATE_LIMIT_ROTATE_REFRESH: '1000000/1m',
  RATE_LIMIT_VERIFY_MFA_LOGIN: '1000000/1m',
  RATE_LIMIT_REAUTHENTICATE: '1000000/1m',
};
/** Users logged in round-robin by the login benchmark (login locks the user's row briefly). */
const LOGIN_USERS = 16;
/** Alert latency: measured trigger → alert round trips, one at a time, after ALERT_WARMUP unmeasured ones. */
const ALERTS = intEnv('BENCH_ALERTS', 200, 1, 2000);
const ALERT_WARMUP = 10;
/** The longest wait for one alert; a longer one counts as missed. */
const ALERT_TIMEOUT_MS = 3000;

const LOOPBACK = '127.0.0.1';
const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? `postgres://postgres@${LOOPBACK}:5432/postgres`;
const REDIS_URL = `redis://${LOOPBACK}:6379`;
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

const log = (message: string) => console.error(`[bench] ${message}`);

/** Like REGISTER_MUTATION, plus the new user's id (alerts carry the userId). */
const REGISTER_WITH_ID_MUTATION =
  'mutation Register($input: RegisterInput!) { register(input: $input) { __typename ... on AuthPayload { accessToken refreshToken user { id } } ... on Error { code message } } }';

// ---------------------------------------------------------------------------------------------
// Cleanup: registered as resources are created, run once in reverse order (also on error/signal).

const cleanups: { name: string; fn: () => Promise<unknown> }[] = [];
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const { name, fn } of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (error) {
        console.error(`[bench] cleanup "${name}" failed:`, error);
      }
    }
  })();
  return cleaning;
}
// Ctrl-C reaches us twice (from the terminal and relayed by tsx): the first starts the cleanup,
// repeats are ignored, a third one gives up on cleaning.
let interrupted = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted++;
    if (interrupted === 1) {
      log(`${signal}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    } else if (interrupted >= 3) {
      process.exit(130);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

interface LoadWorker {
  run(req: Omit<LoadRequest, 'id'>): Promise<LoadSummary>;
  alertProbe(req: AlertProbeRequest): Promise<AlertProbeSummary>;
  terminate(): Promise<number>;
}

/** The worker runs load.ts through tsx (Node 20 workers do not inherit tsx's loader). */
async function startLoadWorker(): Promise<LoadWorker> {
  const api = import.meta.resolve('tsx/esm/api');
  const target = new URL('./load.ts', import.meta.url).href;
  const source = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(target)}, ${JSON.stringify(target)}))`;
  const worker = new Worker(source, { eval: true });
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (e: Error) => void }>();
  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  let ready!: () => void;
  let notReady!: (e: Error) => void;
  const readyPromise = new Promise<void>((resolve, reject) => {
    ready = resolve;
    notReady = reject;
  });
  worker.on('message', (message: WorkerMessage) => {
    if ('ready' in message) return ready();
    const id = message.ok && 'summary' in message ? message.summary.id : message.id;
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (!message.ok) p.reject(new Error(`load worker: ${message.error}`));
    else p.resolve('summary' in message ? message.summary : message.alerts);
  });
  worker.on('error', (error) => {
    notReady(error);
    failAll(error);
  });
  worker.on('exit', (code) => {
    const error = new Error(`load worker exited (code ${code})`);
    notReady(error);
    failAll(error);
  });
  await readyPromise;
  let nextId = 1;
  const call = <T>(message: (id: number) => WorkerRequest) => {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      worker.postMessage(message(id));
    });
  };
  return {
    run: (req) => call<LoadSummary>((id) => ({ ...req, id })),
    alertProbe: (alertProbe) => call<AlertProbeSummary>((id) => ({ id, alertProbe })),
    terminate: () => worker.terminate(),
  };
}

/** One in-process server: compose + HTTP on a random loopback port; stopped once (also by cleanup). */
interface Instance {
  name: string;
  service: Composed;
  url: string;
  stop(): Promise<void>;
}
async function startInstance(name: string, config: Config, overrides: Parameters<typeof compose>[1] = {}): Promise<Instance> {
  const service = await compose(config, overrides); // real system clock; migrates the database if needed
  let server: RunningServer | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      try {
        await server?.close(1000);
      } finally {
        await service.close();
      }
    })());
  cleanups.push({ name: `stop server ${name}`, fn: stop });
  server = await startServer(service.app, { host: LOOPBACK, port: 0 });
  if (!server.url.startsWith(`http://${LOOPBACK}:`)) throw new Error(`${name}: expected a loopback URL, got ${server.url}`);
  return { name, service, url: server.url, stop };
}

interface AuthAnswer {
  __typename: string;
  accessToken?: string;
  refreshToken?: string | null;
  code?: string;
  message?: string;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const tag = randomBytes(6).toString('hex');
  const dbName = `idp_bench_${tag}`;
  const redisPrefix = `bench:${tag}:`;

  // --- PostgreSQL: a fresh database for this run.
  const databaseUrl = (() => {
    const u = new URL(PG_ADMIN_URL);
    u.pathname = `/${dbName}`;
    return u.toString();
  })();
  {
    const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database "${dbName}"`);
    } finally {
      await admin.end();
    }
  }
  cleanups.push({
    name: 'drop database',
    fn: async () => {
      const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
        log(`dropped database ${dbName}`);
      } finally {
        await admin.end();
      }
    },
  });
  cleanups.push({
    name: 'delete redis keys',
    fn: async () => {
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2, connectTimeout: 5000 });
      try {
        let deleted = 0;
        let cursor = '0';
        // SCAN walks the keyspace once: bounded by the number of keys.
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
          if (keys.length > 0) deleted += await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
        log(`deleted ${deleted} redis keys under ${redisPrefix}`);
      } finally {
        redis.disconnect();
      }
    },
  });

  // --- The app, built like test/support/app.ts but with production settings.
  const env = {
    NODE_ENV: 'production',
    HOST: LOOPBACK,
    PORT: '0',
    PUBLIC_URL: `http://${LOOPBACK}`,
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_KEY_PREFIX: redisPrefix,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'silent',
    // All load comes from one address: the limits are raised so that their counting (one atomic
    // Redis script per rule) is measured, never their refusals.
    ...UNLIMITED,
  };
  const config = parseConfig(env);
  const primary = await startInstance('main', config);
  const { services, metrics } = primary.service;
  const url = primary.url;
  // The same database and config with audit writes switched off (benchmarks only): login with
  // and without the audit write, measured alternately.
  const noAudit = await startInstance('without audit', config, { withoutAuditWrites: true });
  log(`server on ${url} (without audit writes: ${noAudit.url}), database ${dbName}, redis prefix ${redisPrefix}`);
  log(
    `argon2 m=${config.argon2.memoryCost}KiB t=${config.argon2.timeCost} p=${config.argon2.parallelism}, concurrency ${config.argon2Concurrency}; ` +
      `${RUNS} runs x ${DURATION_SEC}s after a ${WARMUP_SEC}s warm-up (${FIRST_WARMUP_SEC}s for the first benchmark)`,
  );

  const worker = await startLoadWorker();
  cleanups.push({ name: 'stop load worker', fn: () => worker.terminate() });

  // --- Setup over HTTP, as a client would.
  async function gql(query: string, variables: Record<string, unknown>, token?: string, base = url): Promise<Record<string, unknown>> {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const json = (await res.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
    if (!res.ok || json.errors?.length || !json.data) {
      throw new Error(`GraphQL ${res.status}: ${JSON.stringify(json.errors ?? json).slice(0, 500)}`);
    }
    return json.data;
  }
  async function authCall(field: 'register' | 'login', query: string, input: Record<string, unknown>) {
    const answer = (await gql(query, { input }))[field] as AuthAnswer;
    if (answer.__typename !== 'AuthPayload' || !answer.accessToken || !answer.refreshToken) {
      throw new Error(`${field} failed: ${answer.__typename} ${answer.code ?? ''} ${answer.message ?? ''}`);
    }
    return { accessToken: answer.accessToken, refreshToken: answer.refreshToken };
  }
  let userSeq = 0;
  const newUser = (kind: string) => {
    const n = userSeq++;
    // Random: the password policy refuses words of the user's own e-mail address and name.
    return { email: `bench-${tag}-${kind}-${n}@example.com`, password: randomBytes(12).toString('base64url'), displayName: `Bench ${kind} ${n}` };
  };
  const register = (user: { email: string; password: string; displayName: string }) => authCall('register', REGISTER_MUTATION, user);
  const login = (user: { email: string; password: string }) =>
    authCall('login', LOGIN_MUTATION, { email: user.email, password: user.password });

  log('setting up users and sessions');
  const meUser = newUser('me');
  const { accessToken } = await register(meUser);
  const me = (await gql(ME_QUERY, {}, accessToken)).me as { email?: string } | null;
  if (me?.email !== meUser.email) throw new Error(`me returned ${JSON.stringify(me)}`);

  // Two API keys of the same user, created over HTTP with its access token: one without a rate
  // limit, one with a limit too high to be reached (every request takes the counting path).
  interface BenchApiKey {
    id: string;
    secret: string;
    /** Requests sent with the key, and those answered with the user; setup included (checked against use_count). */
    sent: number;
    ok: number;
  }
  async function createApiKey(input: { name: string; scopes: string[]; rateLimitPerMinute?: number }): Promise<BenchApiKey> {
    const answer = (await gql(CREATE_API_KEY_MUTATION, { input }, accessToken)).createApiKey as {
      __typename: string;
      secret?: string;
      apiKey?: { id: string; rateLimitPerMinute: number | null };
      code?: string;
      message?: string;
    };
    if (answer.__typename !== 'CreateApiKeyPayload' || !answer.secret || !answer.apiKey) {
      throw new Error(`createApiKey failed: ${answer.__typename} ${answer.code ?? ''} ${answer.message ?? ''}`);
    }
    if ((answer.apiKey.rateLimitPerMinute ?? undefined) !== input.rateLimitPerMinute) {
      throw new Error(`createApiKey: rateLimitPerMinute ${answer.apiKey.rateLimitPerMinute}, asked for ${input.rateLimitPerMinute}`);
    }
    const check = (await gql(ME_QUERY, {}, answer.secret)).me as { email?: string } | null;
    if (check?.email !== meUser.email) throw new Error(`me with API key "${input.name}" returned ${JSON.stringify(check)}`);
    return { id: answer.apiKey.id, secret: answer.secret, sent: 1, ok: 1 };
  }
  const apiKey = await createApiKey({ name: 'bench', scopes: ['profile:read'] });
  const rateLimitedApiKey = await createApiKey({ name: 'bench (rate-limited)', scopes: ['profile:read'], rateLimitPerMinute: API_KEY_RATE_LIMIT });
  // As in production (compose's startJobs), the batched usage counters are written every few
  // seconds; stopped (with a last write) right after the me benchmarks, and by the cleanup.
  services.apiKeys.start();
  cleanups.push({ name: 'stop api-key usage writes', fn: () => services.apiKeys.stop() });

  const loginUsers = Array.from({ length: LOGIN_USERS }, () => newUser('login'));
  await Promise.all(loginUsers.map(register));
  const loginCredentials = loginUsers.map(({ email, password }) => ({ email, password }));

  // Refresh pool. A user holds at most maxSessionsPerUser live sessions (beyond that the oldest is
  // revoked, which would kill a pooled token), so sessions are spread over as many users as needed.
  // Every session we ever created is counted, including ones whose token was lost.
  const refreshUsers: { user: ReturnType<typeof newUser>; sessions: number }[] = [];
  const maxPerUser = config.maxSessionsPerUser;
  const poolTarget = CONNECTIONS.rotateRefresh * 2 + 8;
  let pool: string[] = [];
  let sessionsCreated = 0;
  /**
   * The two servers the login benchmark alternates between. `requested` counts every login
   * mutation sent to that server (setup and load), to know when it has finished them.
   */
  interface LoginTarget {
    label: string;
    url: string;
    metrics: Metrics;
    requested: number;
  }
  const withAudit: LoginTarget = { label: 'login', url, metrics, requested: 0 };
  const withoutAudit: LoginTarget = { label: 'login (no audit)', url: noAudit.url, metrics: noAudit.service.metrics, requested: 0 };
  async function topUpPool() {
    let need = poolTarget - pool.length;
    if (need <= 0) return;
    const toRegister: (typeof refreshUsers)[number][] = [];
    const toLogin: (typeof refreshUsers)[number][] = [];
    for (const u of refreshUsers) {
      while (need > 0 && u.sessions < maxPerUser) {
        toLogin.push(u);
        u.sessions++;
        need--;
      }
    }
    while (need > 0) {
      const u = { user: newUser('refresh'), sessions: 1 };
      refreshUsers.push(u);
      toRegister.push(u);
      need--;
      while (need > 0 && u.sessions < maxPerUser) {
        toLogin.push(u);
        u.sessions++;
        need--;
      }
    }
    const registered = await Promise.all(toRegister.map((u) => register(u.user)));
    const loggedIn = await Promise.all(toLogin.map((u) => login(u.user)));
    for (const t of [...registered, ...loggedIn]) pool.push(t.refreshToken);
    sessionsCreated += registered.length + loggedIn.length;
    withAudit.requested += loggedIn.length;
  }
  await topUpPool();

  const argon2Password = 'argon2 benchmark password, long enough';
  const argon2Hash = await services.hasher.hash(argon2Password);
  log(`setup done: ${1 + LOGIN_USERS + refreshUsers.length} users, 2 API keys, ${pool.length} pooled refresh tokens`);

  // --- Measurements
  const load = (task: LoadTask, connections: number, durationSec: number, target = url) => worker.run({ url: target, connections, durationSec, task });

  async function rotateOnce(durationSec: number): Promise<LoadSummary> {
    await topUpPool();
    const summary = await load({ kind: 'rotateRefresh', pool }, CONNECTIONS.rotateRefresh, durationSec);
    pool = summary.pool ?? [];
    // Let requests that were in flight when autocannon stopped finish before the next run.
    await new Promise((r) => setTimeout(r, 250));
    return summary;
  }

  /** `concurrency` loops of back-to-back verifies through the server's own hasher (and limiter). */
  async function argon2Once(durationSec: number) {
    const deadline = performance.now() + durationSec * 1000;
    const maxPerLoop = 100_000; // a hard bound in addition to the deadline
    let verifies = 0;
    let failures = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: config.argon2Concurrency }, async () => {
        for (let i = 0; i < maxPerLoop && performance.now() < deadline; i++) {
          const { ok, rehash } = await services.hasher.verify(argon2Hash, argon2Password);
          if (ok && !rehash) verifies++;
          else failures++;
        }
      }),
    );
    const elapsedSec = (performance.now() - started) / 1000;
    return { verifiesPerSec: verifies / elapsedSec, verifies, failures, elapsedSec };
  }

  /**
   * autocannon stops with requests still in flight, and the server finishes them (queued behind
   * the argon2 limiter) after the client has gone. Wait until every login sent has been answered,
   * so the next argon2 measurement runs on an idle server. Bounded: at most 3 s.
   */
  async function loginsSettled(target: LoginTarget) {
    const deadline = Date.now() + 3000;
    const done = async () => {
      const { values } = await target.metrics.loginOutcomes.get();
      return values.reduce((n, v) => n + v.value, 0);
    };
    while (Date.now() < deadline && (await done()) < target.requested) await new Promise((r) => setTimeout(r, 20));
    const finished = await done();
    if (finished < target.requested) log(`${target.label}: ${target.requested - finished} logins still unfinished after 3 s; continuing`);
  }
  const loginLoad = async (target: LoginTarget, durationSec: number) => {
    const summary = await load({ kind: 'login', users: loginCredentials }, CONNECTIONS.login, durationSec, target.url);
    target.requested += summary.sent;
    await loginsSettled(target);
    return summary;
  };

  const forReport = ({ pool: _pool, id: _id, ...rest }: LoadSummary) => rest;
  const checkWarmup = (name: string, s: LoadSummary) => {
    if (s.ok === 0) throw new Error(`${name}: no successful answer during warm-up; samples: ${s.badSamples.join(' | ')}`);
    if (s.bad > 0) log(`${name} warm-up: ${s.bad} bad answers, e.g. ${s.badSamples[0]}`);
  };

  // me with an access token, with an API key, and with a rate-limited API key: the same request
  // (only the Bearer value differs), the same connections and runs. Each round runs all
  // three, in an order that rotates from round to round, so they see the same machine state.
  interface MeVariant {
    name: string;
    bearer: string;
    warmupSec: number;
    key?: BenchApiKey;
    runs: LoadSummary[];
  }
  // The first warm-up also warms the server as a whole (see FIRST_WARMUP_SEC); the API-key variants
  // share all of the request path but the authentication and get the usual warm-up for theirs, so
  // every variant's first run comes after FIRST_WARMUP_SEC + 2 x WARMUP_SEC of load.
  const meToken: MeVariant = { name: 'me', bearer: accessToken, warmupSec: FIRST_WARMUP_SEC, runs: [] };
  const meKey: MeVariant = { name: 'me (API key)', bearer: apiKey.secret, warmupSec: WARMUP_SEC, key: apiKey, runs: [] };
  const meKeyLimited: MeVariant = {
    name: 'me (API key, rate-limited)',
    bearer: rateLimitedApiKey.secret,
    warmupSec: WARMUP_SEC,
    key: rateLimitedApiKey,
    runs: [],
  };
  const meVariants = [meToken, meKey, meKeyLimited];
  const meLoad = async (v: MeVariant, durationSec: number) => {
    const summary = await load({ kind: 'me', bearer: v.bearer }, CONNECTIONS.me, durationSec);
    if (v.key) {
      v.key.sent += summary.sent;
      v.key.ok += summary.ok;
    }
    return summary;
  };
  log(`me, me (API key), me (API key, rate-limited): warm-up ${meVariants.map((v) => `${v.warmupSec}s`).join(' + ')}`);
  for (const v of meVariants) if (v.warmupSec > 0) checkWarmup(v.name, await meLoad(v, v.warmupSec));
  for (let i = 0; i < RUNS; i++) {
    const order = meVariants.map((_, j) => meVariants[(i + j) % meVariants.length]!);
    for (const v of order) v.runs.push(await meLoad(v, DURATION_SEC));
    log(
      `me run ${i + 1}/${RUNS}: ${round(meToken.runs[i]!.rps)} req/s with an access token, ${round(meKey.runs[i]!.rps)} with an API key, ` +
        `${round(meKeyLimited.runs[i]!.rps)} with a rate-limited API key (order: ${order.map((v) => v.name).join(', ')})`,
    );
  }
  const meRuns = meToken.runs;
  // The last batched usage write; then the counters must hold every key-authenticated request.
  await services.apiKeys.stop();
  const apiKeyUsage = await (async () => {
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ id: string; use_count: string }[]>`select id, use_count::text from api_keys where id in ${sql([apiKey.id, rateLimitedApiKey.id])}`;
      return [apiKey, rateLimitedApiKey].map((k) => ({
        useCount: Number(rows.find((r) => r.id === k.id)?.use_count ?? Number.NaN),
        answeredOk: k.ok,
        sent: k.sent,
      }));
    } finally {
      await sql.end();
    }
  })();
  // The rate-limited key must have taken the counting path (per-minute counters in Redis, each
  // expiring 60 s after its first request), the other one must not have.
  const rateCounters = await (async () => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2, connectTimeout: 5000 });
    try {
      const counters = async (id: string) => {
        let keys = 0;
        let requests = 0;
        let cursor = '0';
        do {
          const [next, found] = await redis.scan(cursor, 'MATCH', `${redisPrefix}rate:apikey:${id}:*`, 'COUNT', 1000);
          for (const key of found) {
            keys++;
            requests += Number((await redis.get(key)) ?? 0);
          }
          cursor = next;
        } while (cursor !== '0');
        return { keys, requests };
      };
      return { apiKey: await counters(apiKey.id), rateLimitedApiKey: await counters(rateLimitedApiKey.id) };
    } finally {
      redis.disconnect();
    }
  })();
  if (rateCounters.rateLimitedApiKey.keys === 0 || rateCounters.apiKey.keys > 0) {
    log(`rate-limit counters in Redis: ${JSON.stringify(rateCounters)}; expected some for the rate-limited key only`);
  }
  for (const [i, u] of apiKeyUsage.entries()) {
    // Requests still in flight when a run ends are counted by the server but never answered.
    if (!(u.useCount >= u.answeredOk && u.useCount <= u.sent)) {
      log(`API key ${i + 1}: use_count ${u.useCount} is outside [${u.answeredOk} answered, ${u.sent} sent]: batched usage counting lost or invented requests`);
    }
  }

  // rotateRefresh
  log(`rotateRefresh: warm-up ${WARMUP_SEC}s`);
  if (WARMUP_SEC > 0) checkWarmup('rotateRefresh', await rotateOnce(WARMUP_SEC));
  const rotateRuns: LoadSummary[] = [];
  for (let i = 0; i < RUNS; i++) {
    rotateRuns.push(await rotateOnce(DURATION_SEC));
    log(`rotateRefresh run ${i + 1}/${RUNS}: ${round(rotateRuns[i]!.rps)} req/s, ${rotateRuns[i]!.bad} bad`);
  }

  // login with audit, login without audit, and raw argon2, interleaved so all three see the same
  // machine state. The two logins swap places every round (ABBA...) so neither always goes first.
  log(`login + login without audit + argon2 verify: warm-up ${WARMUP_SEC}s each`);
  if (WARMUP_SEC > 0) {
    checkWarmup('login', await loginLoad(withAudit, WARMUP_SEC));
    checkWarmup('login (no audit)', await loginLoad(withoutAudit, WARMUP_SEC));
    await argon2Once(Math.min(WARMUP_SEC, 2)); // native code: nothing to optimize, only caches
  }
  const loginRuns: LoadSummary[] = [];
  const noAuditRuns: LoadSummary[] = [];
  const argon2Runs: Awaited<ReturnType<typeof argon2Once>>[] = [];
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 === 0 ? [withAudit, withoutAudit] : [withoutAudit, withAudit];
    for (const target of order) (target === withAudit ? loginRuns : noAuditRuns).push(await loginLoad(target, DURATION_SEC));
    argon2Runs.push(await argon2Once(DURATION_SEC));
    log(
      `login run ${i + 1}/${RUNS}: ${round(loginRuns[i]!.rps)} req/s with audit, ${round(noAuditRuns[i]!.rps)} without; ` +
        `argon2 ${round(argon2Runs[i]!.verifiesPerSec)} verifies/s`,
    );
  }
  await noAudit.stop();

  // Alert latency across two instances A and B: the same database, the same Redis and key prefix,
  // each its own HTTP port. The config is the main one plus a bootstrap admin, with
  // REQUIRE_ADMIN_MFA off so that a password sign-in carries the admin's alerts:read scope (MFA
  // enrolment is not what is measured here).
  const adminEmail = `bench-${tag}-admin@example.com`;
  const adminPassword = randomBytes(18).toString('base64url');
  const alertConfig = parseConfig({ ...env, BOOTSTRAP_ADMIN_EMAIL: adminEmail, BOOTSTRAP_ADMIN_PASSWORD: adminPassword, REQUIRE_ADMIN_MFA: 'false' });
  const serverA = await startInstance('A', alertConfig);
  const serverB = await startInstance('B', alertConfig);
  const admin = (await gql(LOGIN_MUTATION, { input: { email: adminEmail, password: adminPassword } }, undefined, serverB.url)).login as AuthAnswer;
  if (admin.__typename !== 'AuthPayload' || !admin.accessToken) throw new Error(`admin login on B failed: ${admin.__typename} ${admin.code ?? ''} ${admin.message ?? ''}`);
  // One fresh user (one session) per trigger, registered on A before anything is timed.
  const alertUsers: { userId: string; refreshToken: string }[] = [];
  const alertUsersNeeded = ALERT_WARMUP + ALERTS;
  while (alertUsers.length < alertUsersNeeded) {
    const batch = Array.from({ length: Math.min(8, alertUsersNeeded - alertUsers.length) }, async () => {
      const answer = (await gql(REGISTER_WITH_ID_MUTATION, { input: newUser('alert') }, undefined, serverA.url)).register as AuthAnswer & { user?: { id?: string } };
      if (answer.__typename !== 'AuthPayload' || !answer.refreshToken || !answer.user?.id) {
        throw new Error(`register on A failed: ${answer.__typename} ${answer.code ?? ''} ${answer.message ?? ''}`);
      }
      return { userId: answer.user.id, refreshToken: answer.refreshToken };
    });
    alertUsers.push(...(await Promise.all(batch)));
  }
  log(`alert latency: ${ALERT_WARMUP} warm-up + ${ALERTS} measured refresh-token reuses on A (${serverA.url}), subscriber on B (${serverB.url})`);
  const alertProbe = await worker.alertProbe({
    triggerUrl: serverA.url,
    subscribeUrl: serverB.url,
    adminAccessToken: admin.accessToken,
    users: alertUsers,
    warmup: ALERT_WARMUP,
    timeoutMs: ALERT_TIMEOUT_MS,
    maxConsecutiveMisses: 5,
    deadlineMs: 30_000 + ALERTS * 50,
  });
  log(
    `alert latency: ${alertProbe.received}/${alertProbe.attempted} received, median ${alertProbe.latencyMs.median} ms, p99 ${alertProbe.latencyMs.p99} ms, ` +
      `${alertProbe.missed} missed${alertProbe.stopped ? `; stopped early: ${alertProbe.stopped}` : ''}`,
  );
  await serverB.stop();
  await serverA.stop();
  // Ctrl-C during the probe closes the servers under it: no report from a half-torn-down run.
  if (interrupted) throw new Error('interrupted');

  // Rows written to api_keys over the whole run: all of them by the batched usage writes (nothing
  // else in the bench changes a key), so far fewer than key-authenticated requests. Read once the
  // main server is stopped: a backend publishes its table statistics at exit (otherwise up to
  // ~10 s late). Polled until two reads agree.
  await primary.stop();
  const apiKeyRowWrites = await (async () => {
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      let previous = Number.NaN;
      for (let i = 0; i < 12; i++) {
        await new Promise((r) => setTimeout(r, 250));
        const [row] = await sql<{ n: string }[]>`select (n_tup_upd + n_tup_del)::text as n from pg_stat_user_tables where relname = 'api_keys'`;
        const n = Number(row?.n ?? Number.NaN);
        if (n === previous) return n;
        previous = n;
      }
      return previous;
    } finally {
      await sql.end();
    }
  })();

  // --- Report
  const summarize = (runs: LoadSummary[], connections: number) => ({
    connections,
    medianRps: median(runs.map((r) => r.rps)),
    medianOkRps: median(runs.map((r) => r.okRps)),
    medianLatencyP50Ms: median(runs.map((r) => r.latencyMs.p50)),
    medianLatencyP99Ms: median(runs.map((r) => r.latencyMs.p99)),
    errors: runs.reduce((n, r) => n + r.bad + r.connectionErrors, 0),
    runs: runs.map(forReport),
  });
  const meResult = summarize(meRuns, CONNECTIONS.me);
  const meKeyResult = summarize(meKey.runs, CONNECTIONS.me);
  const meKeyLimitedResult = summarize(meKeyLimited.runs, CONNECTIONS.me);
  const keyRatio = meKeyResult.medianRps / meResult.medianRps;
  const keyRatioPerRun = meKey.runs.map((r, i) => r.rps / meRuns[i]!.rps);
  const keyLimitedRatio = meKeyLimitedResult.medianRps / meResult.medianRps;
  const keyLimitedRatioPerRun = meKeyLimited.runs.map((r, i) => r.rps / meRuns[i]!.rps);
  const keyRequests = apiKeyUsage.reduce((n, u) => n + u.useCount, 0);
  const rotateResult = {
    ...summarize(rotateRuns, CONNECTIONS.rotateRefresh),
    poolSize: poolTarget,
    sessionsCreated,
    usersForPool: refreshUsers.length,
    abandonedTokens: rotateRuns.reduce((n, r) => n + (r.abandoned ?? 0), 0),
  };
  const loginResult = { ...summarize(loginRuns, CONNECTIONS.login), users: LOGIN_USERS };
  const noAuditResult = { ...summarize(noAuditRuns, CONNECTIONS.login), users: LOGIN_USERS };
  const auditRatio = loginResult.medianRps / noAuditResult.medianRps;
  const auditRatioPerRun = loginRuns.map((r, i) => r.rps / noAuditRuns[i]!.rps);
  const alertsMissed = alertProbe.missed + alertProbe.badTriggers + alertProbe.notAttempted;
  const argon2Result = {
    concurrency: config.argon2Concurrency,
    params: config.argon2,
    medianVerifiesPerSec: median(argon2Runs.map((r) => r.verifiesPerSec)),
    failures: argon2Runs.reduce((n, r) => n + r.failures, 0),
    runs: argon2Runs,
  };
  const perRunRatios = loginRuns.map((r, i) => r.rps / argon2Runs[i]!.verifiesPerSec);
  const ratio = loginResult.medianRps / argon2Result.medianVerifiesPerSec;

  const rows: [string, string, string, string, string, string, string][] = [
    ['benchmark', 'conns', 'median', 'unit', 'p50 ms', 'p99 ms', 'errors'],
    ['me', String(meResult.connections), round(meResult.medianRps).toFixed(1), 'req/s', String(meResult.medianLatencyP50Ms), String(meResult.medianLatencyP99Ms), String(meResult.errors)],
    ['me (API key)', String(meKeyResult.connections), round(meKeyResult.medianRps).toFixed(1), 'req/s', String(meKeyResult.medianLatencyP50Ms), String(meKeyResult.medianLatencyP99Ms), String(meKeyResult.errors)],
    ['me (API key, rate-limited)', String(meKeyLimitedResult.connections), round(meKeyLimitedResult.medianRps).toFixed(1), 'req/s', String(meKeyLimitedResult.medianLatencyP50Ms), String(meKeyLimitedResult.medianLatencyP99Ms), String(meKeyLimitedResult.errors)],
    ['rotateRefresh', String(rotateResult.connections), round(rotateResult.medianRps).toFixed(1), 'req/s', String(rotateResult.medianLatencyP50Ms), String(rotateResult.medianLatencyP99Ms), String(rotateResult.errors)],
    ['login', String(loginResult.connections), round(loginResult.medianRps).toFixed(1), 'req/s', String(loginResult.medianLatencyP50Ms), String(loginResult.medianLatencyP99Ms), String(loginResult.errors)],
    ['login (no audit)', String(noAuditResult.connections), round(noAuditResult.medianRps).toFixed(1), 'req/s', String(noAuditResult.medianLatencyP50Ms), String(noAuditResult.medianLatencyP99Ms), String(noAuditResult.errors)],
    ['argon2 verify', `${argon2Result.concurrency} (conc.)`, round(argon2Result.medianVerifiesPerSec).toFixed(1), 'verify/s', '-', '-', String(argon2Result.failures)],
    ['alert A → B', '1 (ws)', alertProbe.latencyMs.median.toFixed(2), 'ms', alertProbe.latencyMs.median.toFixed(2), alertProbe.latencyMs.p99.toFixed(2), String(alertsMissed)],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 || c === 3 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const perRun = (values: number[]) => values.map((v) => round(v).toFixed(1)).join(', ');

  console.log('');
  console.log(`identity-api bench — node ${process.version}, ${os.cpus().length} CPUs, ${new Date().toISOString()}`);
  console.log(`argon2id m=${config.argon2.memoryCost}KiB t=${config.argon2.timeCost} p=${config.argon2.parallelism}, ARGON2_CONCURRENCY=${config.argon2Concurrency}; median of ${RUNS} x ${DURATION_SEC}s runs`);
  console.log('');
  console.log(line(rows[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
  console.log('');
  const perRound = (ratios: number[]) => ratios.map((r) => r.toFixed(3)).join(', ');
  console.log(`me/s API key ÷ access token = ${keyRatio.toFixed(3)}  (per round: ${perRound(keyRatioPerRun)})`);
  console.log(`me/s API key, rate-limited ÷ access token = ${keyLimitedRatio.toFixed(3)}  (per round: ${perRound(keyLimitedRatioPerRun)})`);
  console.log(
    `API key usage: use_count ${apiKeyUsage.map((u) => u.useCount).join(' + ')} = ${keyRequests} key-authenticated requests, ` +
      `${Number.isFinite(apiKeyRowWrites) ? apiKeyRowWrites : '?'} api_keys rows written (batched usage writes)`,
  );
  console.log(`login/s ÷ argon2 verify/s = ${ratio.toFixed(3)}`);
  console.log(`login/s with audit ÷ without audit = ${auditRatio.toFixed(3)}  (per round: ${auditRatioPerRun.map((r) => r.toFixed(3)).join(', ')})`);
  console.log(
    `alerts: ${alertProbe.received} of ${ALERTS} received on B, ${alertsMissed} missed (waited at most ${ALERT_TIMEOUT_MS} ms each); ` +
      `${alertProbe.beforeResponse} arrived before A's answer was read (negative latency); from the request's start: median ${alertProbe.fromRequestStartMs.median.toFixed(2)} ms, p99 ${alertProbe.fromRequestStartMs.p99.toFixed(2)} ms`,
  );
  if (alertProbe.stopped) console.log(`alerts: stopped early: ${alertProbe.stopped}`);
  if (alertProbe.badSamples.length > 0) console.log(`alerts: e.g. bad trigger answer: ${alertProbe.badSamples[0]}`);
  console.log('');
  console.log('per run:');
  console.log(`  me             ${perRun(meRuns.map((r) => r.rps))}`);
  console.log(`  me API key     ${perRun(meKey.runs.map((r) => r.rps))}`);
  console.log(`  me API key RL  ${perRun(meKeyLimited.runs.map((r) => r.rps))}`);
  console.log(`  rotateRefresh  ${perRun(rotateRuns.map((r) => r.rps))}  (abandoned in-flight tokens: ${rotateResult.abandonedTokens})`);
  console.log(`  login          ${perRun(loginRuns.map((r) => r.rps))}`);
  console.log(`  login no audit ${perRun(noAuditRuns.map((r) => r.rps))}`);
  console.log(`  argon2 verify  ${perRun(argon2Runs.map((r) => r.verifiesPerSec))}`);
  for (const [name, runs] of [['me', meRuns], ['me (API key)', meKey.runs], ['me (API key, rate-limited)', meKeyLimited.runs], ['rotateRefresh', rotateRuns], ['login', loginRuns], ['login (no audit)', noAuditRuns]] as const) {
    const sample = runs.find((r) => r.badSamples.length > 0)?.badSamples[0];
    if (sample) console.log(`  ${name}: e.g. bad answer: ${sample}`);
  }

  const report = {
    node: process.version,
    date: new Date().toISOString(),
    host: {
      platform: `${os.platform()} ${os.release()}`,
      arch: os.arch(),
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
    },
    settings: { warmupSec: WARMUP_SEC, firstWarmupSec: FIRST_WARMUP_SEC, durationSec: DURATION_SEC, runs: RUNS, loadGenerator: 'autocannon in a worker thread, pipelining 1' },
    config: {
      nodeEnv: config.nodeEnv,
      argon2: config.argon2,
      argon2Concurrency: config.argon2Concurrency,
      maxSessionsPerUser: config.maxSessionsPerUser,
      accessTokenTtlSec: config.accessTokenTtl,
    },
    results: {
      me: meResult,
      /** The same request with an API key (scope profile:read, no rate limit) in the same header. */
      meApiKey: meKeyResult,
      /** The same with a key whose rateLimitPerMinute (API_KEY_RATE_LIMIT) is never reached: one atomic Redis MULTI per request. */
      meApiKeyRateLimited: { ...meKeyLimitedResult, rateLimitPerMinute: API_KEY_RATE_LIMIT },
      /** median me/s with the API key ÷ median me/s with the access token */
      meApiKeyPerAccessTokenRatio: keyRatio,
      /** run i with the API key ÷ run i with the access token (same round) */
      meApiKeyPerAccessTokenRatioPerRun: keyRatioPerRun,
      meApiKeyRateLimitedPerAccessTokenRatio: keyLimitedRatio,
      meApiKeyRateLimitedPerAccessTokenRatioPerRun: keyLimitedRatioPerRun,
      /** me variants in the order run in each round */
      meOrderPerRound: Array.from({ length: RUNS }, (_, i) => meVariants.map((_, j) => meVariants[(i + j) % meVariants.length]!.name)),
      apiKeyUsage: {
        what: 'use_count after the last batched write vs. requests the bench sent with the key (setup included); answered <= use_count <= sent',
        apiKey: apiKeyUsage[0],
        rateLimitedApiKey: apiKeyUsage[1],
        /** UPDATE/DELETE rows on api_keys over the whole run (pg_stat_user_tables): the batched usage writes */
        apiKeysRowsWritten: apiKeyRowWrites,
        keyAuthenticatedRequests: keyRequests,
        /** Redis per-minute counters of each key still alive right after the me benchmarks (they expire 60 s after their first request) */
        rateLimitCounters: rateCounters,
      },
      rotateRefresh: rotateResult,
      login: loginResult,
      argon2Verify: argon2Result,
      loginPerArgon2VerifyRatio: ratio,
      /** login run i ÷ the argon2 run of the same round */
      loginPerArgon2VerifyRatioPerRun: perRunRatios,
      /** The same login benchmark against a second server composed with { withoutAuditWrites: true }. */
      loginWithoutAudit: noAuditResult,
      /** median login/s with audit ÷ median login/s without */
      loginWithPerWithoutAuditRatio: auditRatio,
      /** login run i with audit ÷ login run i without (same round) */
      loginWithPerWithoutAuditRatioPerRun: auditRatioPerRun,
      alertLatency: {
        what: 'REFRESH_TOKEN_REUSE raised on server A, received by a securityAlerts WebSocket subscriber on server B (shared Redis); ms from A\'s answer fully read to B\'s alert',
        servers: 2,
        measured: ALERTS,
        warmupTriggers: ALERT_WARMUP,
        timeoutMs: ALERT_TIMEOUT_MS,
        missedTotal: alertsMissed,
        ...alertProbe,
      },
    },
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = `${RESULTS_DIR}latest.json`;
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  console.log('');
  console.log(`written: ${file}`);
  if (alertsMissed > 0) {
    log(`${alertsMissed} alerts missed: delivery across instances is broken (or slower than ${ALERT_TIMEOUT_MS} ms)`);
    process.exitCode = 1;
  }
}

const startedAt = Date.now();
try {
  await main();
} catch (error) {
  if (!interrupted) console.error('[bench] failed:', error);
  process.exitCode = 1;
} finally {
  await cleanup();
  log(`total ${round((Date.now() - startedAt) / 1000)}s`);
  // Everything is closed; if some library still holds a handle, do not hang on it.
  setTimeout(() => {
    log('a handle is still open after cleanup; exiting anyway');
    process.exit(process.exitCode ?? 0);
  }, 5000).unref();
}
