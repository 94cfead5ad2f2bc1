/**
 * Drives the better-auth peer (better-auth-server.ts) for the benchmark: a database of its own on
 * the same PostgreSQL, the server in a child process running built JavaScript (see build.ts), users
 * signed up over HTTP, and the autocannon requests equivalent to ours:
 *
 *   signIn        POST /api/auth/sign-in/email    ↔  login
 *   getSession    GET  /api/auth/get-session      ↔  me { id email }
 *   listSessions  GET  /api/auth/list-sessions    ↔  sessions
 *
 * POSTs carry what a same-origin browser sends with fetch() (Origin equal to the server's base URL,
 * Sec-Fetch-Site: same-origin, Sec-Fetch-Mode: cors, Sec-Fetch-Dest: empty), so better-auth's
 * Origin/CSRF check runs and passes as it would in production rather than being skipped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { buildEntry } from './build';

export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export interface StartBetterAuthOptions {
  /** A database URL with the right to create and drop databases, e.g. …/postgres */
  adminDatabaseUrl: string;
  port: number;
  argon2: Argon2Params;
}

export interface RunningBetterAuth {
  /** Base URL, http://127.0.0.1:<port> */
  url: string;
  /** The server's own process (node itself, not a shell), e.g. for its peak RSS. */
  pid: number;
  /** Stops the server and drops its database. */
  stop(): Promise<void>;
}

export interface PeerUser {
  email: string;
  password: string;
  /** `better-auth.session_token=…` from the sign-up, ready for a Cookie header. */
  cookie: string;
  /** The server's origin, sent as Origin by signIn. */
  origin: string;
}

export interface PeerRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const SIGN_UP_CONCURRENCY = 4;
const PASSWORD = 'correct-horse-battery-staple-9x';

async function withAdmin<T>(adminDatabaseUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(adminDatabaseUrl: string, name: string): string {
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function waitForReady(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => fail(new Error('better-auth: no "ready" line in time')), READY_TIMEOUT_MS);
    const onExit = (code: number | null, signal: string | null) =>
      fail(new Error(`better-auth: exited before ready (code ${code}, signal ${signal})`));
    function fail(error: Error): void {
      clearTimeout(timer);
      lines.close();
      reject(error);
    }
    child.once('exit', onExit);
    lines.on('line', (line) => {
      const match = /^ready (\S+)$/.exec(line);
      if (!match) return void process.stderr.write(`[better-auth] ${line}\n`);
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(match[1]!);
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startBetterAuth(opts: StartBetterAuthOptions): Promise<RunningBetterAuth> {
  const dbName = `peer_bench_${randomBytes(6).toString('hex')}`;
  await withAdmin(opts.adminDatabaseUrl, (c) => c.query(`CREATE DATABASE ${dbName}`));
  const dropDatabase = () =>
    withAdmin(opts.adminDatabaseUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
  let built: Awaited<ReturnType<typeof buildEntry>> | undefined;
  let child: ChildProcess | undefined;
  const stop = async () => {
    if (child) await stopChild(child);
    await built?.remove();
    await dropDatabase();
  };
  try {
    built = await buildEntry('better-auth-server.ts');
    child = spawn(process.execPath, [built.file], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(opts.port),
        DATABASE_URL: databaseUrl(opts.adminDatabaseUrl, dbName),
        BETTER_AUTH_SECRET: randomBytes(32).toString('base64'),
        ARGON2_MEMORY_KIB: String(opts.argon2.memoryCost),
        ARGON2_ITERATIONS: String(opts.argon2.timeCost),
        ARGON2_PARALLELISM: String(opts.argon2.parallelism),
      },
    });
    const url = await waitForReady(child);
    return { url, pid: child.pid!, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function sessionCookie(res: Response): string {
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('better-auth.session_token='));
  if (!cookie) throw new Error('better-auth: sign-up set no session cookie');
  return cookie;
}

async function signUp(url: string, origin: string, index: number): Promise<PeerUser> {
  const email = `peer-${index}-${randomBytes(4).toString('hex')}@bench.example`;
  const res = await fetch(`${url}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: browserPostHeaders(origin),
    body: JSON.stringify({ email, password: PASSWORD, name: `Peer ${index}` }),
  });
  if (res.status !== 200) throw new Error(`better-auth: sign-up answered ${res.status}: ${await res.text()}`);
  const cookie = sessionCookie(res);
  await res.arrayBuffer();
  return { email, password: PASSWORD, cookie, origin };
}

/** Signs up n users (a few at a time) and keeps each one's session cookie. */
export async function seedUsers(url: string, n: number): Promise<PeerUser[]> {
  const origin = new URL(url).origin;
  const users: PeerUser[] = [];
  for (let i = 0; i < n; i += SIGN_UP_CONCURRENCY) {
    const batch = Array.from({ length: Math.min(SIGN_UP_CONCURRENCY, n - i) }, (_, j) => signUp(url, origin, i + j));
    users.push(...(await Promise.all(batch)));
  }
  return users;
}

function browserPostHeaders(origin: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    origin,
    'sec-fetch-site': 'same-origin',
    'sec-fetch-mode': 'cors',
    'sec-fetch-dest': 'empty',
  };
}

export const peerRequests = {
  signIn(user: Pick<PeerUser, 'email' | 'password' | 'origin'>): PeerRequest {
    return {
      method: 'POST',
      path: '/api/auth/sign-in/email',
      headers: browserPostHeaders(user.origin),
      body: JSON.stringify({ email: user.email, password: user.password }),
    };
  },
  getSession(cookie: string): PeerRequest {
    return { method: 'GET', path: '/api/auth/get-session', headers: { cookie } };
  },
  listSessions(cookie: string): PeerRequest {
    return { method: 'GET', path: '/api/auth/list-sessions', headers: { cookie } };
  },
};
