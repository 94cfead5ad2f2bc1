/**
 * `npm run bench:timing`: can a client tell, from the answer or from how long it took, whether
 * an e-mail address has an account? login is measured for four kinds of attempt, interleaved
 * run by run on one server with production settings (argon2 defaults, NODE_ENV=production):
 *
 *   unknown e-mail    an address nobody registered, a fresh one per request
 *   wrong password    a registered account (each used twice at most, so none gets locked)
 *   disabled account  a disabled account with its right password (likewise)
 *   locked account    an account locked for this address (three failures), its right password
 *
 * Checks: the first three answer byte-identical bodies, a locked account answers exactly like
 * an unknown address with the same failures, and the median latencies differ by less than 25%
 * (max / min of the four medians). Then requestPasswordReset for registered and unknown
 * addresses: identical bodies, medians within 25%. Exit code 1 when a check fails.
 *
 * The server and autocannon share this process (the four kinds share that condition equally).
 * A fresh database idp_timing_<random> and Redis key prefix are made and removed at the end.
 * Knobs: BENCH_RUNS (5), BENCH_REQUESTS per kind and run (60), BENCH_CONNECTIONS (2).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { compose } from '../src/compose';
import { parseConfig } from '../src/config';
import { users } from '../src/modules/users/users.table';
import { startServer } from '../src/server';

const intEnv = (name: string, dflt: number) => (process.env[name] ? Number(process.env[name]) : dflt);
const RUNS = intEnv('BENCH_RUNS', 5);
const REQUESTS = intEnv('BENCH_REQUESTS', 60);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 2);
const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PASSWORD = 'timing bench password, long enough 7Q!';
const WRONG = 'not the password, but just as long 7Q!';
const LOGIN =
  'mutation Login($input: LoginInput!) { login(input: $input) { __typename ... on AccountLockedError { lockedUntil } ... on Error { code message } } }';

const log = (message: string) => console.log(`[timing] ${message}`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const tag = randomBytes(6).toString('hex');
const dbName = `idp_timing_${tag}`;
const prefix = `timing:${tag}:`;
const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${dbName}"`);
const databaseUrl = Object.assign(new URL(PG_ADMIN_URL), { pathname: `/${dbName}` }).toString();

let failed = false;
const composed = await compose(
  parseConfig({
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PUBLIC_URL: 'http://127.0.0.1',
    LOG_LEVEL: 'silent',
    // One client address sends everything: only the limits are lifted, the lockout is the default.
    RATE_LIMIT_LOGIN: '1000000/1m',
    RATE_LIMIT_LOGIN_ACCOUNT: '1000000/1m',
    RATE_LIMIT_REQUEST_PASSWORD_RESET: '1000000/1m',
    RATE_LIMIT_REQUEST_PASSWORD_RESET_ACCOUNT: '1000000/1m',
  }),
);
const server = await startServer(composed.app, { host: '127.0.0.1', port: 0 });
try {
  // Accounts: one argon2 hash (today's parameters) shared by all, written directly.
  const hash = await composed.services.hasher.hash(PASSWORD);
  const perPool = Math.ceil((RUNS + 1) * REQUESTS / 2) + 4;
  const now = new Date();
  const make = (label: string, disabled: boolean) =>
    Array.from({ length: perPool }, (_, i) => ({
      id: randomUUID(),
      email: `${label}.${i}.${tag}@timing.example`,
      passwordHash: hash,
      displayName: null,
      disabledAt: disabled ? now : null,
      createdAt: now,
      updatedAt: now,
    }));
  const active = make('active', false);
  const disabled = make('disabled', true);
  const locked = make('locked', false).slice(0, 2);
  for (let i = 0; i < active.length; i += 500) await composed.deps.database.db.insert(users).values(active.slice(i, i + 500));
  for (let i = 0; i < disabled.length; i += 500) await composed.deps.database.db.insert(users).values(disabled.slice(i, i + 500));
  await composed.deps.database.db.insert(users).values(locked);

  const post = async (input: Record<string, unknown>) => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: LOGIN, variables: { input } }),
    });
    return res.text();
  };
  // Lock one account and one unknown address for this client (three failures each, same instant is not needed:
  // the bodies are compared for shape, with lockedUntil masked).
  const ghost = `ghost.${tag}@timing.example`;
  for (let i = 0; i < 3; i++) {
    await post({ email: locked[0]!.email, password: WRONG });
    await post({ email: ghost, password: WRONG });
  }

  // --- The answers.
  const bodies = {
    unknown: await post({ email: `nobody.${tag}@timing.example`, password: WRONG }),
    wrong: await post({ email: active[0]!.email, password: WRONG }),
    disabled: await post({ email: disabled[0]!.email, password: PASSWORD }),
    locked: await post({ email: locked[0]!.email, password: PASSWORD }),
    lockedUnknown: await post({ email: ghost, password: PASSWORD }),
  };
  const maskTime = (s: string) => s.replace(/"lockedUntil":"[^"]+"/, '"lockedUntil":"…"');
  const sameCredentials = bodies.unknown === bodies.wrong && bodies.wrong === bodies.disabled;
  const sameLocked = maskTime(bodies.locked) === maskTime(bodies.lockedUnknown) && bodies.locked.includes('AccountLockedError');
  log(`unknown / wrong password / disabled: ${sameCredentials ? 'byte-identical' : 'DIFFERENT'}: ${bodies.unknown}`);
  log(`locked account / locked unknown address: ${sameLocked ? 'identical' : 'DIFFERENT'}: ${bodies.locked}`);
  if (!sameCredentials || !sameLocked) failed = true;

  // --- The timing.
  let activeNext = 2; // active[0] was used once above
  let disabledNext = 2;
  let unknownNext = 0;
  const kinds = {
    'unknown e-mail': () => ({ email: `nobody.${unknownNext++}.${tag}@timing.example`, password: WRONG }),
    'wrong password': () => ({ email: active[Math.floor(activeNext++ / 2)]!.email, password: WRONG }),
    'disabled account': () => ({ email: disabled[Math.floor(disabledNext++ / 2)]!.email, password: PASSWORD }),
    'locked account': () => ({ email: locked[0]!.email, password: PASSWORD }),
  } as const;
  const p50s: Record<string, number[]> = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  const measure = async (kind: keyof typeof kinds, amount: number) => {
    const result = await autocannon({
      url: `${server.url}/graphql`,
      connections: CONNECTIONS,
      amount,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => ({ ...req, body: JSON.stringify({ query: LOGIN, variables: { input: kinds[kind]() } }) }),
        },
      ],
    });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${kind}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    return result.latency.p50;
  };
  log(`warm-up, then ${RUNS} runs x ${REQUESTS} requests per kind, ${CONNECTIONS} connections, kinds interleaved`);
  for (const kind of Object.keys(kinds) as (keyof typeof kinds)[]) await measure(kind, Math.ceil(REQUESTS / 2));
  for (let run = 0; run < RUNS; run++) {
    // Rotate the order each run, so no kind always follows the same one.
    const order = (Object.keys(kinds) as (keyof typeof kinds)[]).map((_, i, all) => all[(i + run) % all.length]!);
    for (const kind of order) p50s[kind]!.push(await measure(kind, REQUESTS));
  }
  const medians = Object.fromEntries(Object.entries(p50s).map(([k, v]) => [k, median(v)]));
  const base = medians['wrong password']!;
  for (const [kind, m] of Object.entries(medians)) {
    log(`${kind.padEnd(17)} median p50 ${m.toFixed(1)} ms  (runs: ${p50s[kind]!.map((x) => x.toFixed(0)).join(', ')})  ratio to wrong password ${(m / base).toFixed(2)}`);
  }
  const spread = Math.max(...Object.values(medians)) / Math.min(...Object.values(medians));
  log(`login spread (slowest / fastest median): ${spread.toFixed(2)} ${spread < 1.25 ? '< 1.25: ok' : '>= 1.25: TOO DIFFERENT'}`);
  if (spread >= 1.25) failed = true;

  // --- requestPasswordReset: a registered address against an unknown one.
  const RESET = 'mutation Reset($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) }';
  const resetBody = (email: string) => JSON.stringify({ query: RESET, variables: { input: { email } } });
  const resetOnce = async (email: string) =>
    (await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: resetBody(email) })).text();
  const resetBodies = { known: await resetOnce(active.at(-1)!.email), unknown: await resetOnce(`nobody.reset.${tag}@timing.example`) };
  const sameReset = resetBodies.known === resetBodies.unknown;
  log(`requestPasswordReset known / unknown: ${sameReset ? 'byte-identical' : 'DIFFERENT'}: ${resetBodies.known}`);
  if (!sameReset) failed = true;
  let resetKnown = 0;
  let resetUnknown = 0;
  const resetKinds = {
    'reset, registered': () => active[resetKnown++ % active.length]!.email,
    'reset, unknown': () => `nobody.reset.${resetUnknown++}.${tag}@timing.example`,
  } as const;
  const resetP50s: Record<string, number[]> = { 'reset, registered': [], 'reset, unknown': [] };
  const measureReset = async (kind: keyof typeof resetKinds, amount: number) => {
    const result = await autocannon({
      url: `${server.url}/graphql`,
      connections: CONNECTIONS,
      amount,
      requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: resetBody(resetKinds[kind]()) }) }],
    });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${kind}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    // Sub-millisecond answers: the mean is steadier than a p50 rounded to whole milliseconds.
    return result.latency.mean;
  };
  for (const kind of Object.keys(resetKinds) as (keyof typeof resetKinds)[]) await measureReset(kind, REQUESTS * 4);
  for (let run = 0; run < RUNS; run++) {
    const order = (Object.keys(resetKinds) as (keyof typeof resetKinds)[]).map((_, i, all) => all[(i + run) % all.length]!);
    for (const kind of order) resetP50s[kind]!.push(await measureReset(kind, REQUESTS * 4));
  }
  const resetMedians = Object.fromEntries(Object.entries(resetP50s).map(([k, v]) => [k, median(v)]));
  for (const [kind, m] of Object.entries(resetMedians)) {
    log(`${kind.padEnd(17)} median mean latency ${m.toFixed(2)} ms  (runs: ${resetP50s[kind]!.map((x) => x.toFixed(2)).join(', ')})`);
  }
  const resetSpread = Math.max(...Object.values(resetMedians)) / Math.min(...Object.values(resetMedians));
  log(`requestPasswordReset spread: ${resetSpread.toFixed(2)} ${resetSpread < 1.25 ? '< 1.25: ok' : '>= 1.25: TOO DIFFERENT'}`);
  if (resetSpread >= 1.25) failed = true;
} finally {
  await server.close(1000);
  await composed.close();
  await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
  await admin.end();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}
process.exitCode = failed ? 1 : 0;
