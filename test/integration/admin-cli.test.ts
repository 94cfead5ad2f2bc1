/**
 * `npm run admin:create`, run as an operator would (a child process beside a running server on
 * the same PostgreSQL and Redis). Threats: the password echoed to the terminal (and so to
 * scrollback, screen recordings, CI logs) or printed back; and no audited way to make an existing
 * account an admin, which pushed operators to edit the database by hand.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBacking, REDIS_URL, startTestApp, type Backing, type TestApp } from '../support/app';
import { Me } from '../support/operations';
import { signIn, signUp, uniqueEmail } from '../support/users';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN_PASSWORD = 'Vx7q-Lm3t-Rw9k-Pj2e';

let backing: Backing;
let app: TestApp;
beforeAll(async () => {
  backing = await createBacking();
  app = await startTestApp({}, backing);
});
afterAll(async () => {
  await app?.close();
  await backing?.drop();
});

/** Runs the command with `stdin` piped in (not a terminal); resolves with its exit code and output. */
function adminCreate(args: string[], stdin = '', env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/scripts/admin-create.ts', ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      DATABASE_URL: backing.databaseUrl,
      REDIS_URL,
      REDIS_KEY_PREFIX: backing.redisPrefix,
      ENCRYPTION_KEY: backing.encryptionKey,
      ARGON2_MEMORY_KIB: '8192',
      ARGON2_ITERATIONS: '1',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  proc.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
  proc.stdin.end(stdin);
  return new Promise((resolve) => proc.once('exit', (code) => resolve({ code, out })));
}

/** The command on a terminal (a pseudo-terminal from util-linux `script`), typing at each prompt. */
function adminCreateOnTerminal(email: string, typed: string[]): Promise<{ code: number | null; out: string }> {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'test',
    DATABASE_URL: backing.databaseUrl,
    REDIS_URL,
    REDIS_KEY_PREFIX: backing.redisPrefix,
    ENCRYPTION_KEY: backing.encryptionKey,
    ARGON2_MEMORY_KIB: '8192',
    ARGON2_ITERATIONS: '1',
  };
  const command = `${process.execPath} --import tsx src/scripts/admin-create.ts ${email}`;
  const proc = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let prompts = 0;
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    // Type only once the prompt is shown: the terminal is then in no-echo mode, or would be.
    const shown = (out.match(/password: |again: /g) ?? []).length;
    while (prompts < shown && prompts < typed.length) proc.stdin.write(`${typed[prompts++]}\r`);
  });
  return new Promise((resolve) => proc.once('exit', (code) => resolve({ code, out })));
}

const hasScript = spawnSync('script', ['--version']).status === 0;

const rolesOf = async (email: string) =>
  ((await app.deps.database.db.execute(`select roles from users where email = '${email}'` as never)) as unknown as { roles: string[] }[])[0]?.roles;

describe('creating an admin', () => {
  it('reads the password from standard input, never prints it, and the admin can sign in', async () => {
    const email = uniqueEmail('cli.admin');
    const run = await adminCreate([email], `${ADMIN_PASSWORD}\n`);
    expect(run).toMatchObject({ code: 0 });
    expect(run.out).toContain(`admin ${email} created`);
    expect(run.out).not.toContain(ADMIN_PASSWORD);

    const session = await signIn(app, email, ADMIN_PASSWORD);
    const me = await app.gql(Me, undefined, { token: session.accessToken });
    expect(me.data.me?.roles).toEqual(['USER', 'ADMIN']);
  }, 60_000);

  it.skipIf(!hasScript)('on a terminal: prompts twice without echoing what is typed', async () => {
    const email = uniqueEmail('cli.tty');
    const run = await adminCreateOnTerminal(email, [ADMIN_PASSWORD, ADMIN_PASSWORD]);
    expect(run.out).toContain(`admin ${email} created`);
    expect(run.out).not.toContain(ADMIN_PASSWORD);
    expect(run.out).not.toContain(ADMIN_PASSWORD.slice(0, 4));
    expect(run.code).toBe(0);
    await signIn(app, email, ADMIN_PASSWORD);
  }, 60_000);

  it.skipIf(!hasScript)('on a terminal: two different passwords create nothing', async () => {
    const email = uniqueEmail('cli.tty.differ');
    const run = await adminCreateOnTerminal(email, [ADMIN_PASSWORD, `${ADMIN_PASSWORD}x`]);
    expect(run.out).toContain('The two passwords differ');
    expect(run.out).not.toContain(ADMIN_PASSWORD.slice(0, 4));
    expect(await rolesOf(email)).toBeUndefined();
  }, 60_000);

  it('takes ADMIN_PASSWORD from the environment the same way', async () => {
    const email = uniqueEmail('cli.env');
    const run = await adminCreate([email], '', { ADMIN_PASSWORD });
    expect(run).toMatchObject({ code: 0 });
    expect(run.out).not.toContain(ADMIN_PASSWORD);
    expect(await rolesOf(email)).toEqual(['USER', 'ADMIN']);
  }, 60_000);

  it('refuses a weak password with the reasons, without printing it, and creates nothing', async () => {
    const email = uniqueEmail('cli.weak');
    const weak = 'password1234567';
    const run = await adminCreate([email], `${weak}\n`);
    expect(run.code).toBe(1);
    expect(run.out).toContain('The password is refused');
    expect(run.out).not.toContain(weak);
    expect(await rolesOf(email)).toBeUndefined();
  }, 60_000);

  it('does not touch an existing account without --promote, and says how to promote it', async () => {
    const user = await signUp(app);
    const run = await adminCreate([user.email], `${ADMIN_PASSWORD}\n`);
    expect(run.code).toBe(1);
    expect(run.out).toContain(`--promote ${user.email}`);
    expect(await rolesOf(user.email)).toEqual(['USER']);
  }, 60_000);
});

describe('promoting an existing account', () => {
  it('grants ADMIN without asking for a password, audited as ROLES_CHANGED and alerted as ADMIN_ROLE_GRANTED', async () => {
    const user = await signUp(app);
    const run = await adminCreate(['--promote', user.email]);
    expect(run).toMatchObject({ code: 0 });
    expect(run.out).toContain(`${user.email} is now an admin`);
    expect(await rolesOf(user.email)).toEqual(['USER', 'ADMIN']);

    const audit = (await app.deps.database.db.execute(
      `select action, actor_user_id, user_agent, details from audit_logs where user_id = '${user.user.id}' and action = 'ROLES_CHANGED'` as never,
    )) as unknown as Record<string, unknown>[];
    expect(audit).toEqual([
      { action: 'ROLES_CHANGED', actor_user_id: null, user_agent: 'npm run admin:create --promote', details: { roles: ['USER', 'ADMIN'], previousRoles: ['USER'] } },
    ]);
    const alerts = (await app.deps.database.db.execute(`select type from security_alerts where user_id = '${user.user.id}'` as never)) as unknown as { type: string }[];
    expect(alerts.map((a) => a.type)).toContain('ADMIN_ROLE_GRANTED');

    // A new sign-in carries the admin scopes.
    const session = await signIn(app, user.email);
    expect((await app.gql(Me, undefined, { token: session.accessToken })).data.me?.roles).toEqual(['USER', 'ADMIN']);
  }, 60_000);

  it('refuses an unknown address and changes nothing', async () => {
    const email = uniqueEmail('cli.nobody');
    const run = await adminCreate(['--promote', email]);
    expect(run.code).toBe(1);
    expect(run.out).toContain(`There is no account ${email}`);
    expect(await rolesOf(email)).toBeUndefined();
  }, 60_000);
});
