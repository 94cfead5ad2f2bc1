/**
 * The real entry point (src/main.ts) as a child process, started without DATABASE_URL,
 * REDIS_URL and ENCRYPTION_KEY: embedded PGlite under DATA_DIR, in-process kv, and a generated
 * encryption key. Data, the signing key and the key file must survive a restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Login, Me, Register } from '../support/operations';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PASSWORD = 'Pk5w-Hy3r-Dz9m-Qx2v';
const EMAIL = `embedded.${process.pid}.${Date.now()}@example.com`;

interface Child {
  proc: ChildProcess;
  port: number;
  url: string;
  /** stdout and stderr so far */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();
const tempDirs: string[] = [];

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'idp-embedded-'));
  tempDirs.push(dir);
  return dir;
}

/**
 * Starts `node --import tsx src/main.ts` with only the given variables (plus PATH/HOME), so
 * DATABASE_URL, REDIS_URL, ENCRYPTION_KEY and NODE_ENV=test from the runner cannot leak in.
 */
async function spawnServer(env: Record<string, string>, command: string[] = [process.execPath, '--import', 'tsx', 'src/main.ts']): Promise<Child> {
  const port = env.PORT && /^\d+$/.test(env.PORT) ? Number(env.PORT) : 0;
  const childEnv: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), NODE_ENV: 'development', ...env };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'ENCRYPTION_KEY']) expect(childEnv).not.toHaveProperty(name);
  const proc = spawn(command[0]!, command.slice(1), { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  let out = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.once('exit', (code, signal) => {
      children.delete(proc);
      resolve({ code, signal });
    });
  });
  return { proc, port, url: `http://127.0.0.1:${port}`, output: () => out, exited };
}

/** Polls /healthz until it answers 200; fails early with the output when the child exits. */
async function waitUntilHealthy(child: Child, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void child.exited.then(() => (gone = true));
  while (Date.now() < deadline) {
    if (gone) throw new Error(`server exited before it was healthy:\n${child.output()}`);
    try {
      const res = await fetch(`${child.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server not healthy within ${timeoutMs} ms:\n${child.output()}`);
}

/** Resolves with the exit, or rejects when the child does not exit within `ms`. */
async function exitWithin(child: Child, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      child.exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`process did not exit within ${ms} ms:\n${child.output()}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function gqlAt<T, V>(url: string, doc: { toString(): string } & { __apiType?: (v: V) => T }, variables?: V, token?: string): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: doc.toString(), variables }),
  });
  const body = (await res.json()) as { data: T; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** A one-shot command (`npm run keys:rotate`, `admin:create`) on the same DATA_DIR, as a child process. */
async function runCommand(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', `src/scripts/${script}.ts`, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), NODE_ENV: 'development', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  return new Promise((resolve) =>
    proc.once('exit', (code) => {
      children.delete(proc);
      resolve({ code, out });
    }),
  );
}

/** Whether something accepts TCP connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

const ADMIN_EMAIL = `embedded.admin.${process.pid}.${Date.now()}@example.com`;
const ADMIN_PASSWORD = 'Tq4w-Zk8n-Bv2x-Hm6r';

const logLines = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string; [k: string]: unknown });

async function jwksOf(url: string): Promise<{ keys: JWK[] }> {
  const res = await fetch(`${url}/.well-known/jwks.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as { keys: JWK[] };
}

afterAll(async () => {
  for (const proc of children) proc.kill('SIGKILL');
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('embedded mode (no DATABASE_URL, no REDIS_URL, no ENCRYPTION_KEY)', () => {
  let dataDir: string;
  let firstKid: string | undefined;
  let keyFileContent: string | undefined;
  let first: Child | undefined;

  beforeAll(async () => {
    dataDir = await tempDir();
  });

  it('starts on embedded PGlite and in-process kv, generating the encryption key into DATA_DIR with a warning', async () => {
    first = await spawnServer({ PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    await waitUntilHealthy(first);

    const logs = logLines(first.output());
    const listening = logs.find((l) => /listening/.test(l.msg));
    expect(listening).toMatchObject({ database: 'pglite', kv: 'memory', publicUrl: first.url });

    const keyFile = path.join(dataDir, 'encryption.key');
    expect(existsSync(keyFile)).toBe(true);
    keyFileContent = readFileSync(keyFile, 'utf8');
    expect(Buffer.from(keyFileContent.trim(), 'base64')).toHaveLength(32);
    expect(statSync(keyFile).mode & 0o077).toBe(0); // readable by the owner only
    const warning = logs.find((l) => l.level === 40 && /ENCRYPTION_KEY/.test(l.msg));
    expect(warning).toBeDefined();
    expect(warning!.file).toBe(keyFile);
    expect(existsSync(path.join(dataDir, 'pglite'))).toBe(true);

    // Ready with only the database to check: no Redis is configured.
    const ready = await fetch(`${first.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: unknown }).checks).toEqual({ database: 'ok' });
  }, 90_000);

  // Threat: PGlite is one process's database. A command opening DATA_DIR beside the server said
  // success while its change (a new signing key, a new admin) never reached the server and was
  // gone after a restart. It must refuse, clearly, and change nothing.
  it('refuses keys:rotate and admin:create while the server runs on the same DATA_DIR, and they change nothing', async () => {
    expect(first, 'the first start must have succeeded').toBeDefined();
    const before = await jwksOf(first!.url);
    const [rotate, create] = await Promise.all([
      runCommand('keys-rotate', [], { DATA_DIR: dataDir }),
      runCommand('admin-create', [ADMIN_EMAIL], { DATA_DIR: dataDir, ADMIN_PASSWORD }),
    ]);
    for (const run of [rotate, create]) {
      expect(run.code).toBe(1);
      expect(run.out).toContain('the server is running on this DATA_DIR');
      expect(run.out).toContain('Stop it first, or use DATABASE_URL');
      expect(run.out).not.toMatch(/new signing key|created/);
    }
    expect(await jwksOf(first!.url)).toEqual(before);
    const login = await gqlAt(first!.url, Login, { input: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
    expect(login.login.__typename).toBe('InvalidCredentialsError');
  }, 60_000);

  it('registers a user over HTTP and exits with code 0 on SIGTERM', async () => {
    expect(first, 'the first start must have succeeded').toBeDefined();
    const child = first!;
    const registered = await gqlAt(child.url, Register, { input: { email: EMAIL, password: PASSWORD, displayName: 'Embedded' } });
    expect(registered.register.__typename).toBe('AuthPayload');
    if (registered.register.__typename !== 'AuthPayload') return;
    const me = await gqlAt(child.url, Me, undefined, registered.register.accessToken);
    expect(me.me?.email).toBe(EMAIL);

    const jwks = await jwksOf(child.url);
    expect(jwks.keys).toHaveLength(1);
    firstKid = jwks.keys[0]!.kid;
    expect(firstKid).toBeTruthy();

    child.proc.kill('SIGTERM');
    const exit = await exitWithin(child, 20_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(logLines(child.output()).map((l) => l.msg)).toContain('stopped');
  }, 60_000);

  it('with the server stopped, admin:create works on the same DATA_DIR', async () => {
    expect(firstKid, 'the first run must have stopped').toBeDefined();
    const run = await runCommand('admin-create', [ADMIN_EMAIL], { DATA_DIR: dataDir, ADMIN_PASSWORD });
    expect(run).toMatchObject({ code: 0 });
    expect(run.out).toContain(`admin ${ADMIN_EMAIL} created`);
  }, 60_000);

  it('after a restart on the same DATA_DIR the user logs in, the same signing key is served and the key file is reused', async () => {
    expect(firstKid, 'the first run must have recorded its key id').toBeDefined();
    const second = await spawnServer({ PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    try {
      await waitUntilHealthy(second);

      const login = await gqlAt(second.url, Login, { input: { email: EMAIL, password: PASSWORD } });
      expect(login.login.__typename).toBe('AuthPayload');
      if (login.login.__typename !== 'AuthPayload') return;
      expect(login.login.user.email).toBe(EMAIL);

      const jwks = await jwksOf(second.url);
      expect(jwks.keys.map((k) => k.kid)).toEqual([firstKid]);
      const { protectedHeader } = await jwtVerify(login.login.accessToken, createLocalJWKSet(jwks), { issuer: second.url });
      expect(protectedHeader.kid).toBe(firstKid);

      // The admin the command created while the server was stopped is there.
      const admin = await gqlAt(second.url, Login, { input: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
      expect(admin.login.__typename).toBe('AuthPayload');
      if (admin.login.__typename !== 'AuthPayload') return;
      expect((await gqlAt(second.url, Me, undefined, admin.login.accessToken)).me?.roles).toEqual(['USER', 'ADMIN']);

      expect(readFileSync(path.join(dataDir, 'encryption.key'), 'utf8')).toBe(keyFileContent);
      expect(logLines(second.output()).some((l) => l.level === 40 && /ENCRYPTION_KEY/.test(l.msg))).toBe(false);

      second.proc.kill('SIGTERM');
      expect(await exitWithin(second, 20_000)).toEqual({ code: 0, signal: null });
    } finally {
      if (second.proc.exitCode === null && second.proc.signalCode === null) second.proc.kill('SIGKILL');
    }
  }, 90_000);
});

describe('the DATA_DIR lock after a crash', () => {
  // A lock that outlived its process would keep the server from ever starting again.
  it('a server killed with SIGKILL leaves a stale lock that the next start takes over', async () => {
    const dir = await tempDir();
    const crashed = await spawnServer({ PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'info' });
    await waitUntilHealthy(crashed);
    crashed.proc.kill('SIGKILL');
    expect(await exitWithin(crashed, 10_000)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(existsSync(path.join(dir, 'pglite.lock'))).toBe(true);

    const next = await spawnServer({ PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'info' });
    try {
      await waitUntilHealthy(next);
      next.proc.kill('SIGTERM');
      expect(await exitWithin(next, 20_000)).toEqual({ code: 0, signal: null });
      // A clean stop releases the lock.
      expect(existsSync(path.join(dir, 'pglite.lock'))).toBe(false);
    } finally {
      if (next.proc.exitCode === null && next.proc.signalCode === null) next.proc.kill('SIGKILL');
    }
  }, 90_000);
});

describe('npm start', () => {
  // Threat: `npm start` ran `sh -c "tsx src/main.ts"`; npm passed SIGTERM to the shell, the shell
  // died, and the server lived on as an orphan, still holding the port and DATA_DIR.
  it('passes SIGTERM to the server: its subscriptions complete, it shuts down cleanly, no process is left and the port is closed', async () => {
    const port = await freePort();
    const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: await tempDir(), LOG_LEVEL: 'info', BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD };
    const child = await spawnServer(env, ['npm', 'start', '--silent']);
    let serverPid: number | undefined;
    try {
      await waitUntilHealthy(child);
      const listening_ = logLines(child.output()).find((l) => /listening/.test(l.msg));
      serverPid = listening_?.pid as number;
      expect(serverPid).toBeGreaterThan(0);
      expect(alive(serverPid)).toBe(true);

      // A live subscription over SSE (the response has begun: the server holds it).
      const login = await gqlAt(child.url, Login, { input: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
      if (login.login.__typename !== 'AuthPayload') throw new Error(`admin login: ${login.login.__typename}`);
      const stream = await fetch(`${child.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${login.login.accessToken}` },
        body: JSON.stringify({ query: 'subscription { securityAlerts { id } }' }),
      });
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const streamText = stream.text();

      child.proc.kill('SIGTERM');
      await exitWithin(child, 20_000);
      // The stream ended cleanly (no reset) with its complete event.
      expect([...(await streamText).matchAll(/^event: ?(\w+)$/gm)].map((m) => m[1]).at(-1)).toBe('complete');
      expect(logLines(child.output()).map((l) => l.msg)).toContain('stopped');
      expect(alive(serverPid)).toBe(false);
      expect(await listening(port)).toBe(false);
    } finally {
      if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
      // Killing npm does not kill the server it started: a failed check must not leave it running.
      if (serverPid && alive(serverPid)) process.kill(serverPid, 'SIGKILL');
    }
  }, 90_000);
});

describe('bad configuration', () => {
  it.each([
    ['PORT', { PORT: 'abc' }],
    ['ACCESS_TOKEN_TTL', { ACCESS_TOKEN_TTL: 'forever' }],
    ['ENCRYPTION_KEY', { NODE_ENV: 'production' }],
  ])('stops the process with a non-zero exit code and a message naming %s', async (name, env) => {
    const dataDir = await tempDir();
    const child = await spawnServer({ HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', PORT: String(await freePort()), ...env });
    try {
      const exit = await exitWithin(child, 20_000);
      expect(exit.code).not.toBe(0);
      expect(exit.code).not.toBeNull();
      expect(child.output()).toContain('Invalid configuration');
      expect(child.output()).toMatch(new RegExp(`^\\s+- ${name}: `, 'm'));
      // Refused before touching anything: no database and no key file were created.
      expect(existsSync(path.join(dataDir, 'pglite'))).toBe(false);
      expect(existsSync(path.join(dataDir, 'encryption.key'))).toBe(false);
    } finally {
      if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
    }
  }, 30_000);
});
