/**
 * Our server as the bench drives it: a child process with production settings on the run's
 * database and Redis prefix, its users and sessions made over HTTP, and the variants of our rows.
 * The same code serves the current checkout and BENCH_BASELINE_REF's (each on its own database).
 */
import { createApiKey, login, ours as requests, register, userFactory, type Credentials, type NewUser } from './client';
import { serverLogFile, startChildServer, type ChildServer, type ServerCommand } from './processes';
import type { LoadProcess } from './load-process';
import { loadVariant, type Variant } from './rounds';
import { CONNECTIONS, freePort, settings } from './settings';

/** All load comes from 127.0.0.1: each limit still counts (one atomic Redis script per rule), none refuses. */
const UNLIMITED = {
  RATE_LIMIT_REGISTER: '1000000/1m',
  RATE_LIMIT_LOGIN: '1000000/1m',
  RATE_LIMIT_LOGIN_ACCOUNT: '1000000/1m',
  RATE_LIMIT_ROTATE_REFRESH: '1000000/1m',
  RATE_LIMIT_VERIFY_MFA_LOGIN: '1000000/1m',
  RATE_LIMIT_REAUTHENTICATE: '1000000/1m',
};
/** The server's default MAX_SESSIONS_PER_USER: a user's oldest session is revoked beyond it. */
const MAX_SESSIONS_PER_USER = 10;
/** Users logged in round-robin by the login rows (a login locks its user's row briefly). */
const LOGIN_USERS = 16;
/** Live refresh tokens before each rotateRefresh run: one chain per connection, and spares for chains lost in flight. */
const POOL_TARGET = CONNECTIONS.rotateRefresh + 8;
/** The per-minute limit of the rate-limited API key: never reached, so the counting is measured, not refusals. */
export const API_KEY_RATE_LIMIT = 1_000_000;

export interface OurDeployment {
  label: string;
  root: string;
  command: ServerCommand;
  databaseUrl: string;
  redisPrefix: string;
  /** ENCRYPTION_KEY: the signing keys in the database are sealed with it, so every server of a deployment shares it. */
  encryptionKey: string;
}

export function ourEnv(d: OurDeployment, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PUBLIC_URL: 'http://127.0.0.1',
    DATABASE_URL: d.databaseUrl,
    REDIS_URL: settings.redisUrl,
    REDIS_KEY_PREFIX: d.redisPrefix,
    ENCRYPTION_KEY: d.encryptionKey,
    ...UNLIMITED,
    ...extra,
  };
}

export interface Ours {
  label: string;
  server: ChildServer;
  meUser: NewUser & { id: string };
  loginUsers: Credentials[];
  /** Restarts the server on the same database with other settings (e.g. ARGON2_CONCURRENCY). */
  restart(extra: Record<string, string>): Promise<void>;
  /** A fresh access token of the `me` user (for a restarted server, or after a long run). */
  meToken(): Promise<string>;
  apiKeys(): Promise<{ plain: { id: string; secret: string }; rateLimited: { id: string; secret: string } }>;
  variants(load: LoadProcess, suffix?: string): { me: Variant; sessions: Variant; login: Variant; rotateRefresh: Variant };
}

export async function startOurs(d: OurDeployment, tag: string): Promise<Ours> {
  // Logging at its default level (a line per request), as in production, into bench/results/<label>.log.
  const stdoutFile = serverLogFile(d.label);
  const start = async (extra: Record<string, string>) =>
    startChildServer({ name: d.label, cwd: d.root, args: d.command.args, env: ourEnv(d, extra), port: await freePort(), stdoutFile });
  let server = await start({});
  const url = () => server.url;
  const newUser = userFactory(`${tag}-${d.label.replace(/\W+/g, '')}`);

  // The me user has one session, like better-auth's viewer: `sessions` lists one row on both sides.
  const meUser = newUser('me');
  const signedUp = await register(url(), meUser);
  const loginUsers = Array.from({ length: LOGIN_USERS }, () => newUser('login'));
  await Promise.all(loginUsers.map((u) => register(url(), u)));

  // Refresh chains, spread over users so that none exceeds MAX_SESSIONS_PER_USER.
  const refreshUsers: { user: NewUser; sessions: number }[] = [];
  let pool: string[] = [];
  async function topUpPool() {
    const logins: NewUser[] = [];
    const registers: NewUser[] = [];
    for (let need = POOL_TARGET - pool.length; need > 0; need--) {
      let u = refreshUsers.find((r) => r.sessions < MAX_SESSIONS_PER_USER);
      if (!u) refreshUsers.push((u = { user: newUser('refresh'), sessions: 0 }));
      (u.sessions++ === 0 ? registers : logins).push(u.user);
    }
    await Promise.all(registers.map(async (u) => pool.push((await register(url(), u)).refreshToken)));
    await Promise.all(logins.map(async (u) => pool.push((await login(url(), u)).refreshToken)));
  }
  await topUpPool();

  let token = signedUp.accessToken;
  const ours: Ours = {
    label: d.label,
    get server() {
      return server;
    },
    meUser: { ...meUser, id: signedUp.userId! },
    loginUsers,
    async restart(extra) {
      await server.stop();
      server = await start(extra);
      token = (await login(url(), meUser)).accessToken;
    },
    meToken: async () => token,
    async apiKeys() {
      const plain = await createApiKey(url(), token, { name: 'bench', scopes: ['profile:read'] });
      const rateLimited = await createApiKey(url(), token, { name: 'bench (rate-limited)', scopes: ['profile:read'], rateLimitPerMinute: API_KEY_RATE_LIMIT });
      return { plain, rateLimited };
    },
    variants(load, suffix = '') {
      return {
        me: loadVariant(`me${suffix}`, load, url(), CONNECTIONS.me, () => ({ kind: 'http', requests: [requests.me(token)], mustHave: 'data.me.email' })),
        sessions: loadVariant(`sessions${suffix}`, load, url(), CONNECTIONS.sessions, () => ({ kind: 'http', requests: [requests.sessions(token)], mustHave: 'data.sessions.0.id' })),
        // Logins still queued behind the argon2 limiter when autocannon stops finish before the next run.
        login: loadVariant(`login${suffix}`, load, url(), CONNECTIONS.login, () => ({ kind: 'http', requests: loginUsers.map(requests.login), mustHave: 'data.login.accessToken' }), { settleMs: 500 }),
        rotateRefresh: loadVariant(
          `rotateRefresh${suffix}`,
          load,
          url(),
          CONNECTIONS.rotateRefresh,
          async () => {
            await topUpPool();
            return { kind: 'rotateRefresh', pool };
          },
          { settleMs: 250, after: (s) => (pool = s.pool ?? []) },
        ),
      };
    },
  };
  return ours;
}
