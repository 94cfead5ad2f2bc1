/**
 * Threat: a PostgreSQL restart (or failover, or a restore that swaps the database) answered
 * requests with INTERNAL_SERVER_ERROR, which clients treat as a bug and do not retry. While the
 * database cannot be reached, requests answer SERVICE_UNAVAILABLE (503, retryAfterSeconds) like a
 * Redis outage does, /readyz says 503, and the driver reconnects by itself afterwards.
 *
 * The outage is real: an admin connection ends the app's sessions and renames its database away,
 * so every new connection fails (3D000) until it is renamed back.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { ADMIN_URL } from '../support/pg';
import { Login, Me } from '../support/operations';
import { PASSWORD, signUp } from '../support/users';

let app: TestApp;
let admin: postgres.Sql;
let dbName: string;

beforeAll(async () => {
  app = await startTestApp();
  admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  dbName = decodeURIComponent(new URL(app.backing.databaseUrl).pathname.slice(1));
});
afterAll(async () => {
  await admin?.end();
  await app?.close();
});

const terminate = (name: string) => admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;

/** Ends the app's sessions and renames its database away; retried while a reconnect slips in between. */
async function takeDatabaseAway(): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await terminate(dbName);
    try {
      await admin.unsafe(`alter database "${dbName}" rename to "${dbName}_away"`);
      return;
    } catch (error) {
      if (attempt > 50 || !/being accessed by other users/.test(String(error))) throw error;
    }
  }
}

async function bringDatabaseBack(): Promise<void> {
  await admin.unsafe(`alter database "${dbName}_away" rename to "${dbName}"`);
}

describe('the database goes away under a running server', () => {
  it('answers SERVICE_UNAVAILABLE (503, retryAfterSeconds) instead of INTERNAL_SERVER_ERROR, /readyz says 503, and both recover', async () => {
    const u = await signUp(app);
    await takeDatabaseAway();
    try {
      const login = await app.gql(Login, { input: { email: u.email, password: PASSWORD } });
      expect(login.status).toBe(503);
      expect(login.headers.get('retry-after')).toBe('5');
      expect(login.errors).toHaveLength(1);
      expect(login.errors![0]!.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 });
      expect(login.errors![0]!.message).not.toMatch(/database|postgres|3D000|does not exist/i);

      const me = await app.gql(Me, undefined, { token: u.accessToken });
      expect(me.status).toBe(503);
      expect(me.errors![0]!.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });

      const ready = await fetch(new URL('/readyz', app.url));
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { checks: Record<string, string> }).checks).toEqual({ database: 'unavailable', redis: 'ok' });
    } finally {
      await bringDatabaseBack();
    }

    const ready = await fetch(new URL('/readyz', app.url));
    expect(ready.status).toBe(200);
    const login = await app.gql(Login, { input: { email: u.email, password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.data.login.__typename).toBe('AuthPayload');
  });

  it('after its sessions are terminated (a restart), requests answer either normally or SERVICE_UNAVAILABLE, never INTERNAL_SERVER_ERROR, and the driver reconnects', async () => {
    const u = await signUp(app);
    const codes: string[] = [];
    for (let round = 0; round < 5; round++) {
      await terminate(dbName);
      // Several at once, so some are certainly sent on connections the server has just ended.
      const answers = await Promise.all(Array.from({ length: 4 }, () => app.gql(Me, undefined, { token: u.accessToken })));
      for (const a of answers) {
        if (a.errors) {
          expect(a.status).toBe(503);
          codes.push(String(a.errors[0]!.extensions?.code));
        } else {
          expect(a.data.me?.email).toBe(u.email);
          codes.push('OK');
        }
      }
    }
    expect(codes.filter((c) => c !== 'OK' && c !== 'SERVICE_UNAVAILABLE')).toEqual([]);
    const after = await app.gql(Me, undefined, { token: u.accessToken });
    expect(after.status).toBe(200);
    expect(after.data.me?.email).toBe(u.email);
  });
});
