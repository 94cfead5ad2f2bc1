// Threat: a statement sent with the COMMIT (db/after-commit.ts `sendWithCommit`, the audit
// entries' INSERT) fails, PostgreSQL quietly rolls the transaction back (its COMMIT answers
// ROLLBACK, not an error), and the caller is told it worked: a login hands out tokens for a
// session that does not exist, with no audit entry, and after-commit work (mail, alerts) runs for
// a change that never happened. On both databases the transaction must fail with the statement's
// error, keep nothing, and run no after-commit callback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterCommit, sendWithCommit } from '../../src/db/after-commit';
import { createDatabase, type Database } from '../../src/db/client';
import { runStatement } from '../../src/db/statements';
import { startTestApp, type TestApp } from '../support/app';
import { Login } from '../support/operations';
import { createTestDatabase } from '../support/pg';
import { signUp } from '../support/users';

const kinds = [
  ['PostgreSQL', 'postgres'],
  ['PGlite', 'pglite'],
] as const;

describe.each(kinds)('a statement sent with the COMMIT, on %s', (_name, kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    if (kind === 'postgres') {
      const made = await createTestDatabase();
      database = await createDatabase({ databaseUrl: made.url, dataDir: '' });
      cleanup = async () => {
        await database.close();
        await made.drop();
      };
    } else {
      const dir = mkdtempSync(path.join(tmpdir(), 'idp-pipelined-'));
      database = await createDatabase({ dataDir: dir });
      cleanup = async () => {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      };
    }
    await database.db.execute(sql`create table probe (n int primary key)`);
  }, 60_000);
  afterAll(() => cleanup());

  const rows = async () => ((await database.db.execute(sql`select n from probe order by n`)) as unknown as { rows?: { n: number }[] } & { n: number }[]);
  const values = async () => {
    const r = await rows();
    return (r.rows ?? r).map((x) => Number(x.n));
  };

  it('commits, with the statement, and then runs the callbacks', async () => {
    const ran: string[] = [];
    const result = await database.db.transaction(async (tx) => {
      await runStatement(tx, 'insert into probe (n) values ($1::int)', [1]);
      const last = runStatement(tx, 'insert into probe (n) values ($1::int)', [2]);
      if (!sendWithCommit(tx, last)) await last;
      afterCommit(tx, () => ran.push('callback'));
      ran.push('body done');
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(ran).toEqual(['body done', 'callback']);
    expect(await values()).toEqual([1, 2]);
  });

  it('fails the transaction with the statement’s own error, keeps nothing and runs no callback', async () => {
    const ran: string[] = [];
    const outcome = database.db.transaction(async (tx) => {
      await runStatement(tx, 'insert into probe (n) values ($1::int)', [10]);
      // A duplicate key: fails only once it reaches the database.
      const last = runStatement(tx, 'insert into probe (n) values ($1::int)', [10]);
      const deferred = sendWithCommit(tx, last);
      afterCommit(tx, () => ran.push('callback'));
      if (!deferred) await last;
      return 'told it worked';
    });
    await expect(outcome).rejects.toThrow(/duplicate key/);
    expect(ran).toEqual([]);
    expect(await values()).toEqual([1, 2]);
    // The connection is usable afterwards (no transaction left open on it).
    expect(await database.db.transaction(async (tx) => (await runStatement<{ one: number }>(tx, 'select 1 as one', []))[0]!.one)).toBe(1);
  });

  it('is sent with the COMMIT on PostgreSQL only (PGlite runs in-process: nothing to save)', async () => {
    const deferred = await database.db.transaction(async (tx) => {
      const last = runStatement(tx, 'select 1', []);
      const d = sendWithCommit(tx, last);
      if (!d) await last;
      return d;
    });
    expect(deferred).toBe(kind === 'postgres');
    // Outside a transaction there is no COMMIT to ride with: the caller must wait itself.
    expect(sendWithCommit(database.db, runStatement(database.db, 'select 1', []))).toBe(false);
  });
});

describe('a login whose audit entry cannot be written', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('fails as a whole: no session, no entry, no tokens, and the chain stays valid', async () => {
    const user = await signUp(app);
    const db = app.deps.database.db;
    const count = async (table: string) =>
      ((await db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as { n: number }[])[0]!.n;
    const [sessionsBefore, entriesBefore] = [await count('sessions'), await count('audit_logs')];
    // The INSERT of the entries (sent with the COMMIT) fails inside PostgreSQL.
    await db.execute(
      sql.raw(`create function refuse_login_entry() returns trigger language plpgsql as $$
        begin if new.action = 'LOGIN_SUCCEEDED' then raise exception 'refused by the test'; end if; return new; end $$;
        create trigger refuse_login_entry before insert on audit_logs for each row execute function refuse_login_entry();`),
    );
    try {
      const res = await app.gql(Login, { input: { email: user.email, password: user.password } });
      expect(res.data?.login ?? null).toBeNull();
      expect(res.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(res)).not.toMatch(/eyJ/);
    } finally {
      await db.execute(sql.raw('drop trigger refuse_login_entry on audit_logs; drop function refuse_login_entry();'));
    }
    expect(await count('sessions')).toBe(sessionsBefore);
    expect(await count('audit_logs')).toBe(entriesBefore);
    expect(await app.services.audit.verifyChain()).toMatchObject({ valid: true });
    // And the next login works.
    const again = await app.gql(Login, { input: { email: user.email, password: user.password } });
    expect(again.data?.login?.__typename).toBe('AuthPayload');
    expect(await count('sessions')).toBe(sessionsBefore + 1);
  });
});
