/**
 * Threat: someone with database access rewrites history (alters an entry, deletes one, reorders
 * them) to hide what they did. The table refuses UPDATE/DELETE/TRUNCATE outright; a DBA who
 * switches that off is still caught, because verifyAuditChain recomputes every hash.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { graphql } from '../gql';
import { startTestApp, type TestApp } from '../support/app';
import { Login } from '../support/operations';
import { signIn, signUp } from '../support/users';

const ADMIN = { BOOTSTRAP_ADMIN_EMAIL: 'auditor@example.com', BOOTSTRAP_ADMIN_PASSWORD: 'Ld9r-Vx5g-Pb3j-Nq7e' };

const Verify = graphql(`
  query TamperVerifyChain {
    verifyAuditChain { valid entriesChecked firstBrokenPosition firstBrokenId problem }
  }
`);

let apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});

async function appWithHistory(events = 6) {
  const app = await startTestApp(ADMIN);
  apps.push(app);
  const admin = await signIn(app, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD);
  for (let i = 0; i < events; i++) await signUp(app);
  return { app, adminToken: admin.accessToken };
}

const sql = async (app: TestApp, text: string) => (await app.deps.database.db.execute(text as never)) as unknown as Record<string, unknown>[];
/** What a DBA can do: switch the append-only triggers off, tamper, switch them on again. */
async function asDba(app: TestApp, text: string) {
  await sql(app, 'alter table audit_logs disable trigger user');
  try {
    await sql(app, text);
  } finally {
    await sql(app, 'alter table audit_logs enable trigger user');
  }
}
/** The database's own refusal (drizzle wraps it as the cause). */
async function refusal(app: TestApp, text: string): Promise<string> {
  try {
    await sql(app, text);
    return 'accepted';
  } catch (error) {
    return String((error as { cause?: Error }).cause?.message ?? error);
  }
}
const verify = async (app: TestApp, token: string) => (await app.gql(Verify, undefined, { token })).data.verifyAuditChain;

describe('the audit table is append-only', () => {
  it('refuses UPDATE, DELETE and TRUNCATE from anyone but the retention purge', async () => {
    const { app } = await appWithHistory(1);
    expect(await refusal(app, "update audit_logs set action = 'LOGIN_FAILED'")).toMatch(/append-only \(UPDATE refused\)/);
    expect(await refusal(app, 'delete from audit_logs')).toMatch(/append-only \(DELETE refused\)/);
    expect(await refusal(app, 'truncate audit_logs')).toMatch(/append-only \(TRUNCATE refused\)/);
    expect((await sql(app, 'select count(*)::int as n from audit_logs'))[0]!.n).toBeGreaterThan(0);
  });
});

describe('verifyAuditChain', () => {
  it('reports an intact chain as valid and counts every entry', async () => {
    const { app, adminToken } = await appWithHistory();
    const n = (await sql(app, 'select count(*)::int as n from audit_logs'))[0]!.n;
    expect(await verify(app, adminToken)).toEqual({ valid: true, entriesChecked: n, firstBrokenPosition: null, firstBrokenId: null, problem: null });
  });

  it('finds an altered entry', async () => {
    const { app, adminToken } = await appWithHistory();
    const [row] = await sql(app, 'select id from audit_logs where seq = 4');
    await asDba(app, `update audit_logs set details = '{"roles":["USER","ADMIN"],"via":"register"}' where seq = 4`);
    expect(await verify(app, adminToken)).toMatchObject({ valid: false, firstBrokenPosition: '4', firstBrokenId: row!.id, problem: 'ALTERED' });
  });

  it('finds a removed entry', async () => {
    const { app, adminToken } = await appWithHistory();
    await asDba(app, 'delete from audit_logs where seq = 5');
    expect(await verify(app, adminToken)).toMatchObject({ valid: false, firstBrokenPosition: '5', problem: 'MISSING' });
    // And it raises a CRITICAL alert.
    expect(await sql(app, "select type, severity, details from security_alerts where type = 'AUDIT_CHAIN_BROKEN'")).toEqual([
      { type: 'AUDIT_CHAIN_BROKEN', severity: 'CRITICAL', details: { position: 5, problem: 'MISSING' } },
    ]);
  });

  it('finds removed entries at the end of the chain only by what is left (the head is what it is)', async () => {
    const { app, adminToken } = await appWithHistory();
    await asDba(app, 'delete from audit_logs where seq = 1');
    expect(await verify(app, adminToken)).toMatchObject({ valid: false, firstBrokenPosition: '1', problem: 'MISSING' });
  });

  it('finds two swapped entries', async () => {
    const { app, adminToken } = await appWithHistory();
    await asDba(app, 'update audit_logs set seq = -1 where seq = 3');
    await asDba(app, 'update audit_logs set seq = 3 where seq = 6');
    await asDba(app, 'update audit_logs set seq = 6 where seq = -1');
    const report = await verify(app, adminToken);
    expect(report).toMatchObject({ valid: false, firstBrokenPosition: '3' });
    expect(['ALTERED', 'OUT_OF_ORDER']).toContain(report.problem);
  });

  it('finds an entry replaced by a re-hashed forgery: its successor no longer links to it', async () => {
    const { app, adminToken } = await appWithHistory();
    const { entryHash } = await import('../../src/modules/audit/audit.service');
    const [row] = await sql(app, 'select * from audit_logs where seq = 3');
    const forged = {
      seq: Number(row!.seq),
      id: row!.id as string,
      occurredAt: new Date(row!.occurred_at as string),
      action: 'LOGIN_SUCCEEDED',
      success: true,
      actorUserId: null,
      userId: row!.user_id as string,
      ipAddress: '10.9.9.9',
      userAgent: null,
      sessionId: null,
      apiKeyId: null,
      details: {},
      prevHash: row!.prev_hash as string,
    };
    await asDba(
      app,
      `update audit_logs set action = 'LOGIN_SUCCEEDED', success = true, actor_user_id = null, ip_address = '10.9.9.9', user_agent = null, details = '{}', hash = '${entryHash(forged)}' where seq = 3`,
    );
    expect(await verify(app, adminToken)).toMatchObject({ valid: false, firstBrokenPosition: '4', problem: 'OUT_OF_ORDER' });
  });
});

describe('chain order under concurrent writers', () => {
  it('keeps one gap-free chain when many events are written at once, across two instances', async () => {
    const { app, adminToken } = await appWithHistory(1);
    const other = await startTestApp({}, app.backing);
    apps.push(other);
    const users = await Promise.all(Array.from({ length: 4 }, () => signUp(app)));
    await Promise.all(
      users.flatMap((u) => [
        app.gql(Login, { input: { email: u.email, password: 'wrong password entirely' } }),
        other.gql(Login, { input: { email: u.email, password: 'wrong password entirely' } }),
        other.gql(Login, { input: { email: u.email, password: u.password } }),
      ]),
    );
    const seqs = (await sql(app, 'select seq from audit_logs order by seq')).map((r) => Number(r.seq));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(await verify(app, adminToken)).toMatchObject({ valid: true, entriesChecked: seqs.length });
  });
});

describe('retention', () => {
  it('purges entries past AUDIT_RETENTION_DAYS and what remains still verifies, new entries included', async () => {
    const app = await startTestApp({ ...ADMIN, AUDIT_RETENTION_DAYS: '30' });
    apps.push(app);
    for (let i = 0; i < 3; i++) await signUp(app);
    const before = (await sql(app, 'select count(*)::int as n from audit_logs'))[0]!.n as number;
    app.clock.advance(31 * 86400);
    const admin = await signIn(app, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD);
    expect(await app.services.audit.purge()).toBe(before);
    const left = (await sql(app, 'select min(seq)::int as first, count(*)::int as n from audit_logs'))[0]!;
    expect(left.first).toBe(before + 1);
    await signUp(app);
    const n = (await sql(app, 'select count(*)::int as n from audit_logs'))[0]!.n;
    expect(await verify(app, admin.accessToken)).toMatchObject({ valid: true, entriesChecked: n });
    // The purge's permission does not leak: a plain DELETE is still refused.
    expect(await refusal(app, 'delete from audit_logs')).toMatch(/append-only/);
    // Purging again with nothing old enough deletes nothing.
    expect(await app.services.audit.purge()).toBe(0);
  });
});
