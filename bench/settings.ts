/**
 * The knobs of `npm run bench` and the small helpers every part of it shares.
 *
 * BENCH_RUNS (default 5) rounds of BENCH_DURATION (5) seconds per row after a BENCH_WARMUP (5) s
 * warm-up (BENCH_FIRST_WARMUP, 10 s, for the first row of a fresh server); BENCH_ALERTS (200)
 * measured alerts; BENCH_PG_ADMIN_URL; BENCH_PORT_BASE (ports from there up, else any free one);
 * BENCH_BURST_ROUNDS (3) rounds per argon2 concurrency of the token-check table and
 * BENCH_TOKEN_CHECK_RATE (100) its req/s; BENCH_PEER=0 leaves better-auth out; BENCH_BASELINE_REF=<git ref> adds that commit's server;
 * BENCH_QUICK=1 is a smoke run (1 short round of everything, a few seconds per row).
 */
import { createServer } from 'node:net';

function intEnv(name: string, dflt: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}: expected a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

const QUICK = process.env.BENCH_QUICK === '1';

export const settings = {
  quick: QUICK,
  runs: intEnv('BENCH_RUNS', QUICK ? 1 : 5, 1, 20),
  durationSec: intEnv('BENCH_DURATION', QUICK ? 2 : 5, 1, 60),
  warmupSec: intEnv('BENCH_WARMUP', QUICK ? 1 : 5, 0, 60),
  /**
   * The first row of a fresh server also warms it up as a whole: V8 keeps optimizing the request
   * path (yoga, graphql-js, drizzle, jose) for well over the first 10 s of load.
   */
  firstWarmupSec: intEnv('BENCH_FIRST_WARMUP', QUICK ? 2 : 10, 0, 120),
  /** Rounds of idle-then-burst per argon2 concurrency in the token-check table. */
  burstRounds: intEnv('BENCH_BURST_ROUNDS', QUICK ? 1 : 3, 1, 20),
  alerts: intEnv('BENCH_ALERTS', QUICK ? 20 : 200, 1, 2000),
  peer: process.env.BENCH_PEER !== '0',
  baselineRef: process.env.BENCH_BASELINE_REF?.trim() || undefined,
  pgAdminUrl: process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: 'redis://127.0.0.1:6379',
  portBase: intEnv('BENCH_PORT_BASE', 0, 0, 65000),
};

export const CONNECTIONS = { me: 16, rotateRefresh: 16, login: 8, sessions: 16 } as const;
/** argon2 concurrencies of the token-check-during-logins table (the server is restarted for each). */
/** Server settings the token check is measured under: argon2 concurrency, and the pool's nice value (0: off). */
export const BURST_SETTINGS = [
  { concurrency: 1, nice: 10 },
  { concurrency: 2, nice: 10 },
  { concurrency: 4, nice: 10 },
  { concurrency: 2, nice: 0 },
] as const;
/**
 * The token check under a login burst: `me` at a fixed, moderate rate (BENCH_TOKEN_CHECK_RATE,
 * req/s; well under what the server answers at full load) over a few connections.
 */
export const TOKEN_CHECK = { rate: intEnv('BENCH_TOKEN_CHECK_RATE', 100, 1, 10_000), connections: 4 } as const;
/** The server's default argon2 (src/config.ts) and what the raw rates are measured at. */
export const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1, concurrency: 2 } as const;

export const log = (message: string) => console.error(`[bench] ${message}`);

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let nextPort = settings.portBase;
/** A port for a child to listen on: from BENCH_PORT_BASE up if set, else one the kernel has free. */
export async function freePort(): Promise<number> {
  if (nextPort > 0) return nextPort++;
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
