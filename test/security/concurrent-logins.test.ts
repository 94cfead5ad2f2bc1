/**
 * Threat: a login's audit entries are appended last, in one call, with the chain's lock taken
 * only just before COMMIT, and its session statements are sent together. Done wrong, concurrent
 * logins (on several instances) could claim one `seq` twice, leave a gap, link an entry to the
 * wrong predecessor, or each see room under MAX_SESSIONS_PER_USER and together pass it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { Login } from '../support/operations';
import { PASSWORD, signUp } from '../support/users';

const CONFIG = { MAX_SESSIONS_PER_USER: '3', RATE_LIMIT_LOGIN: '1000/1m', RATE_LIMIT_LOGIN_ACCOUNT: '1000/1m' };

let apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});

const rows = async (app: TestApp, text: string) => (await app.deps.database.db.execute(text as never)) as unknown as Record<string, unknown>[];

async function login(app: TestApp, email: string) {
  const res = await app.gql(Login, { input: { email, password: PASSWORD } });
  expect(res.data.login.__typename).toBe('AuthPayload');
}

describe('concurrent logins across two instances', () => {
  it('form one gap-free, valid audit chain with every login in it, and keep the session limit', async () => {
    const app = await startTestApp(CONFIG);
    apps.push(app);
    const other = await startTestApp(CONFIG, app.backing);
    apps.push(other);
    const busy = await signUp(app);
    const others = await Promise.all(Array.from({ length: 4 }, () => signUp(app)));
    const before = Number((await rows(app, 'select count(*)::int as n from audit_logs'))[0]!.n);

    await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => login(i % 2 ? other : app, busy.email)),
      ...others.map((u, i) => login(i % 2 ? app : other, u.email)),
    ]);

    const seqs = (await rows(app, 'select seq from audit_logs order by seq')).map((r) => Number(r.seq));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    // 12 logins; the busy user's 9 sessions (sign-up and 8 logins) went down to 3: 6 evictions.
    const logins = await rows(app, `select count(*)::int as n from audit_logs where seq > ${before} and action = 'LOGIN_SUCCEEDED'`);
    const evictions = await rows(app, `select count(*)::int as n from audit_logs where seq > ${before} and action = 'SESSION_REVOKED' and details->>'reason' = 'session_limit'`);
    expect([logins[0]!.n, evictions[0]!.n]).toEqual([12, 6]);
    expect(await app.services.audit.verifyChain()).toMatchObject({ valid: true, entriesChecked: seqs.length });

    const active = await rows(app, `select count(*)::int as n from sessions where user_id = '${busy.user.id}' and revoked_at is null`);
    expect(active[0]!.n).toBe(3);
  });
});
