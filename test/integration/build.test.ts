/**
 * What `npm start` runs: the esbuild bundle (src/scripts/build.ts), not the TypeScript the other
 * tests import. Built into a temporary directory (parallel runs never share dist/) and started
 * as `node main.js` in production mode on PostgreSQL and Redis. Threat: a path that only resolves
 * from src/ (the migrations, the password worker) works under tsx and breaks once bundled, or
 * the worker quietly falls back to scoring on the event loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/scripts/build';
import { createBacking, REDIS_URL, type Backing } from '../support/app';
import { Me, Register } from '../support/operations';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PASSWORD = 'correct-horse-battery-staple-9x';

let outdir: string;
let backing: Backing;
let proc: ChildProcess;
let output = '';
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
let url: string;

async function gql<T, V>(doc: { toString(): string } & { __apiType?: (v: V) => T }, variables?: V, token?: string): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: doc.toString(), variables }),
  });
  const body = (await res.json()) as { data: T; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** The URL from the server's "listening" log line; fails early with the output when it exits. */
async function listeningUrl(timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`server exited before listening:\n${output}`);
    const found = /"url":"(http:\/\/[^"]+)"[^\n]*listening/.exec(output);
    if (found) return found[1]!;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not listening within ${timeoutMs} ms:\n${output}`);
}

beforeAll(async () => {
  outdir = await mkdtemp(path.join(tmpdir(), 'idp-build-'));
  // Packages stay external: the bundle finds them as dist/main.js would, from a node_modules beside it.
  [, backing] = await Promise.all([buildServer(outdir), createBacking()]);
  await symlink(path.join(ROOT, 'node_modules'), path.join(outdir, 'node_modules'), 'dir');
  proc = spawn(process.execPath, [path.join(outdir, 'main.js')], {
    cwd: outdir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: backing.databaseUrl,
      REDIS_URL,
      REDIS_KEY_PREFIX: backing.redisPrefix,
      ENCRYPTION_KEY: backing.encryptionKey,
      DATA_DIR: path.join(outdir, 'data'),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  url = await listeningUrl(15_000);
}, 30_000);

afterAll(async () => {
  if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  await backing?.drop();
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

describe('the built server (npm start)', () => {
  it('builds the server, the password worker and the migrations into the output directory', () => {
    for (const file of ['main.js', 'password-worker.js', 'drizzle/meta/_journal.json']) expect(existsSync(path.join(outdir, file))).toBe(true);
  });

  it('answers /healthz', async () => {
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
  });

  it('scores passwords in the built worker: a weak one is refused with its reasons', async () => {
    const email = `weak.${randomBytes(4).toString('hex')}@example.com`;
    const { register } = await gql(Register, { input: { email, password: 'password12345678' } });
    expect(register).toMatchObject({ __typename: 'WeakPasswordError', reasons: [expect.stringMatching(/commonly used/)] });
    expect(output).not.toMatch(/password worker unavailable/);
  });

  it('registers a user whose token `me` then answers for', async () => {
    const email = `built.${randomBytes(4).toString('hex')}@example.com`;
    const { register } = await gql(Register, { input: { email, password: PASSWORD } });
    if (register.__typename !== 'AuthPayload') throw new Error(`register: ${JSON.stringify(register)}`);
    const { me } = await gql(Me, undefined, register.accessToken);
    expect(me).toMatchObject({ id: register.user.id, email });
  });

  it('stops cleanly on SIGTERM (exit code 0)', async () => {
    proc.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output).toMatch(/"msg":"stopped"/);
  });
});
