/**
 * Raw argon2id verify rate of either side's hasher, measured by one tool so that both rates
 * are comparable: `@node-rs/argon2` (better-auth's, per its docs) or `argon2` (ours).
 *
 * measureRawHash spawns this file (built, see build.ts) as a child process, so neither the
 * caller's event loop nor its memory takes part. The child hashes one password at the given
 * parameters, warms up for a second, then keeps `concurrency` verifies of that hash in flight for
 * `seconds` and prints one JSON line: completed verifies per second and how many completed.
 * Both packages run on libuv's thread pool (UV_THREADPOOL_SIZE is inherited, default 4).
 *
 * As a program: node raw-hash.mjs '<RawHashOptions as JSON>'
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildEntry } from './build';

export interface RawHashOptions {
  impl: 'node-rs' | 'argon2';
  memoryCost: number;
  timeCost: number;
  parallelism: number;
  concurrency: number;
  seconds: number;
}

export interface RawHashResult {
  perSecond: number;
  samples: number;
}

const PASSWORD = 'correct-horse-battery-staple-9x';
const WARMUP_MS = 1000;

type Verifier = () => Promise<boolean>;

async function makeVerifier(opts: RawHashOptions): Promise<Verifier> {
  const params = { memoryCost: opts.memoryCost, timeCost: opts.timeCost, parallelism: opts.parallelism };
  if (opts.impl === 'node-rs') {
    const { hash, verify } = await import('@node-rs/argon2');
    const stored = await hash(PASSWORD, params);
    return () => verify(stored, PASSWORD);
  }
  const argon2 = (await import('argon2')).default;
  const stored = await argon2.hash(PASSWORD, { ...params, type: argon2.argon2id });
  return () => argon2.verify(stored, PASSWORD);
}

/** Keeps `concurrency` verifies in flight until `untilMs`; returns how many completed. */
async function verifyLoop(verifyOnce: Verifier, concurrency: number, untilMs: number): Promise<number> {
  let done = 0;
  const lane = async () => {
    while (performance.now() < untilMs) {
      if (!(await verifyOnce())) throw new Error('raw-hash: verify returned false');
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return done;
}

async function runChild(opts: RawHashOptions): Promise<RawHashResult> {
  const verifyOnce = await makeVerifier(opts);
  await verifyLoop(verifyOnce, opts.concurrency, performance.now() + WARMUP_MS);
  const start = performance.now();
  const samples = await verifyLoop(verifyOnce, opts.concurrency, start + opts.seconds * 1000);
  return { perSecond: samples / ((performance.now() - start) / 1000), samples };
}

export async function measureRawHash(opts: RawHashOptions): Promise<RawHashResult> {
  const built = await buildEntry('raw-hash.ts');
  try {
    const child = spawn(process.execPath, [built.file, JSON.stringify(opts)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`raw-hash: child exited with code ${code}`);
    return JSON.parse(out) as RawHashResult;
  } finally {
    await built.remove();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const opts = JSON.parse(process.argv[2] ?? '') as RawHashOptions;
  process.stdout.write(`${JSON.stringify(await runChild(opts))}\n`);
}
