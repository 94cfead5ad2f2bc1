/**
 * Alert latency across two instances: servers A and B (child processes of our checkout) share the
 * run's database and Redis prefix, with a bootstrap admin (REQUIRE_ADMIN_MFA=false: MFA enrolment
 * is not what is measured). The probe (alert-probe.ts, in the load process) subscribes on B and
 * raises REFRESH_TOKEN_REUSE on A, one user at a time.
 */
import { randomBytes } from 'node:crypto';
import type { AlertProbeSummary } from './alert-probe';
import { gql, userFactory } from './client';
import type { LoadProcess } from './load-process';
import { REGISTER_MUTATION, LOGIN_MUTATION } from './load';
import { ourEnv, type OurDeployment } from './ours';
import { startChildServer } from './processes';
import { freePort, log, settings } from './settings';

const ALERT_WARMUP = 10;
/** The longest wait for one alert; a longer one counts as missed. */
export const ALERT_TIMEOUT_MS = 3000;

export async function alertLatency(d: OurDeployment, tag: string, load: LoadProcess): Promise<AlertProbeSummary & { missedTotal: number }> {
  const adminEmail = `bench-${tag}-admin@example.com`;
  const adminPassword = randomBytes(18).toString('base64url');
  const env = ourEnv(d, { BOOTSTRAP_ADMIN_EMAIL: adminEmail, BOOTSTRAP_ADMIN_PASSWORD: adminPassword, REQUIRE_ADMIN_MFA: 'false', LOG_LEVEL: 'warn' });
  // One after the other: A bootstraps the admin, B finds it.
  const a = await startChildServer({ name: 'alert A', cwd: d.root, args: d.command.args, env, port: await freePort() });
  const b = await startChildServer({ name: 'alert B', cwd: d.root, args: d.command.args, env, port: await freePort() });
  try {
    const admin = (await gql(b.url, LOGIN_MUTATION, { input: { email: adminEmail, password: adminPassword } })).login as { accessToken?: string; __typename: string };
    if (!admin.accessToken) throw new Error(`admin login on B failed: ${admin.__typename}`);
    const newUser = userFactory(`${tag}-alert`);
    const users: { userId: string; refreshToken: string }[] = [];
    while (users.length < ALERT_WARMUP + settings.alerts) {
      const batch = Array.from({ length: Math.min(8, ALERT_WARMUP + settings.alerts - users.length) }, async () => {
        const r = (await gql(a.url, REGISTER_MUTATION, { input: newUser('alert') })).register as { refreshToken?: string; user?: { id?: string } };
        if (!r.refreshToken || !r.user?.id) throw new Error('register on A failed');
        return { userId: r.user.id, refreshToken: r.refreshToken };
      });
      users.push(...(await Promise.all(batch)));
    }
    log(`alert latency: ${ALERT_WARMUP} warm-up + ${settings.alerts} measured refresh-token reuses on A, subscriber on B`);
    const probe = await load.alertProbe({
      triggerUrl: a.url,
      subscribeUrl: b.url,
      adminAccessToken: admin.accessToken,
      users,
      warmup: ALERT_WARMUP,
      timeoutMs: ALERT_TIMEOUT_MS,
      maxConsecutiveMisses: 5,
      deadlineMs: 30_000 + settings.alerts * 50,
    });
    return { ...probe, missedTotal: probe.missed + probe.badTriggers + probe.notAttempted };
  } finally {
    await b.stop();
    await a.stop();
  }
}
