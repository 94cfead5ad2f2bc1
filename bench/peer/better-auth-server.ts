/**
 * The peer of the benchmark: a better-auth server as its documentation sets one up, on node:http.
 *
 * Only what the comparison needs differs from the defaults: e-mail and password sign-in enabled,
 * passwords hashed with argon2id through @node-rs/argon2 (better-auth's documented recipe) at
 * our parameters, and the rate limiter off (ours is raised out of the way in the bench too).
 * Sessions live in PostgreSQL through a `pg` Pool (default size), no cookie cache (the default),
 * no secondary storage. Its schema is brought up to date by better-auth's own migrations before
 * the server listens.
 *
 * Environment: PORT, DATABASE_URL, BETTER_AUTH_SECRET, ARGON2_MEMORY_KIB, ARGON2_ITERATIONS,
 * ARGON2_PARALLELISM (run it with NODE_ENV=production). Prints `ready <url>` once listening;
 * SIGTERM or SIGINT stops accepting, lets requests in flight finish, closes the pool and exits 0.
 */
import { createServer } from 'node:http';
import { hash, verify, type Options as Argon2Options } from '@node-rs/argon2';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import pg from 'pg';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

function intEnv(name: string): number {
  const n = Number(env(name));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive whole number`);
  return n;
}

const port = intEnv('PORT');
const baseURL = `http://127.0.0.1:${port}`;
const argon2: Argon2Options = {
  memoryCost: intEnv('ARGON2_MEMORY_KIB'),
  timeCost: intEnv('ARGON2_ITERATIONS'),
  parallelism: intEnv('ARGON2_PARALLELISM'),
};

const pool = new pg.Pool({ connectionString: env('DATABASE_URL') });
const auth = betterAuth({
  baseURL,
  secret: env('BETTER_AUTH_SECRET'),
  database: pool,
  emailAndPassword: {
    enabled: true,
    password: {
      hash: (password) => hash(password, argon2),
      verify: ({ hash: stored, password }) => verify(stored, password, argon2),
    },
  },
  rateLimit: { enabled: false },
});

const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

// Requests still running when SIGTERM comes (a load generator leaves some behind when it stops)
// finish before the pool closes, so that shutdown logs no errors from queries on an ended pool.
const handler = toNodeHandler(auth);
let inFlight = 0;
let drained: (() => void) | undefined;
const server = createServer(async (req, res) => {
  inFlight++;
  try {
    await handler(req, res);
  } finally {
    if (--inFlight === 0) drained?.();
  }
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`ready ${baseURL}\n`));

async function shutdown(): Promise<void> {
  server.close();
  server.closeIdleConnections();
  if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
  await pool.end();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());
