/**
 * `npm run bench`: every row of issue 11's table as a ratio to its baseline measured in the same
 * run, on loopback, against the real PostgreSQL and Redis, with production settings.
 *
 * Every server is a child process (ours: `node dist/main.js` after `npm run build`, or tsx when
 * the checkout has no build; the baselines and better-auth alike); the load comes from two load
 * processes of their own (load-child.ts). A run has its own databases and Redis key prefix, and
 * removes them, its processes and any temporary worktree at the end, also on error or Ctrl-C.
 *
 *   1. rows, alternated round by round (rounds.ts) within each group:
 *        me: ours (access token, API key, rate-limited API key), bare yoga constant, bare yoga
 *            Redis GET + SELECT, better-auth get-session
 *        rotateRefresh: ours, the bare rotation transaction
 *        login: ours, raw argon2 verify, better-auth sign-in, raw @node-rs/argon2 verify
 *        sessions: ours, better-auth list-sessions
 *      (with BENCH_BASELINE_REF, that commit's server joins the groups of our rows)
 *   2. peak RSS of every server, after its rows
 *   3. token check idle and during a login burst at ARGON2_CONCURRENCY 1, 2, 4, and 2 without the pool's lower priority (burst.ts)
 *   4. alert latency across two instances (alert.ts)
 *
 * Knobs: see settings.ts.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { alertLatency } from './alert';
import { startBaselines } from './baselines';
import { tokenCheckDuringLogins } from './burst';
import { cleanup, interrupted } from './cleanup';
import { ours as requests, register, userFactory } from './client';
import { createDatabase, ownRedisPrefix, query } from './infra';
import { startLoadProcess } from './load-process';
import { startOurs, type OurDeployment, type Ours } from './ours';
import { startPeer } from './peer';
import { peakRssMiB, serverCommand } from './processes';
import { printReport, writeReport, type Report } from './report';
import { alternate, loadVariant, rawHashVariant, type Variant } from './rounds';
import { ARGON2, CONNECTIONS, log, round, settings } from './settings';
import { refWorktree } from './worktree';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function deployment(label: string, root: string, tag: string): Promise<OurDeployment> {
  const redisPrefix = `bench:${tag}:`;
  ownRedisPrefix(redisPrefix);
  return {
    label,
    root,
    command: serverCommand(root),
    databaseUrl: await createDatabase(`idp_bench_${tag}`),
    redisPrefix,
    encryptionKey: randomBytes(32).toString('base64'),
  };
}

/** Counts what the API-key rows sent, to check use_count against at the end. */
function keyVariant(name: string, ours: Ours, secret: string, counts: { sent: number; ok: number }, load: Parameters<Ours['variants']>[0]): Variant {
  return loadVariant(name, load, ours.server.url, CONNECTIONS.me, () => ({ kind: 'http', requests: [requests.me(secret)], mustHave: 'data.me.email' }), {
    after: (s) => {
      counts.sent += s.sent;
      counts.ok += s.ok;
    },
  });
}

async function main(): Promise<Report> {
  const tag = randomBytes(6).toString('hex');
  const current = await deployment('ours', ROOT, tag);
  const [loadA, loadB] = await Promise.all([startLoadProcess('A'), startLoadProcess('B')]);
  log(`ours runs ${current.command.mode === 'dist' ? 'built JavaScript (dist/main.js)' : 'TypeScript through tsx'}; database ${current.databaseUrl.split('/').pop()}, redis prefix ${current.redisPrefix}`);
  log(`argon2id m=${ARGON2.memoryCost} KiB t=${ARGON2.timeCost} p=${ARGON2.parallelism}; ${settings.runs} rounds x ${settings.durationSec} s after ${settings.warmupSec} s warm-ups`);

  const ours = await startOurs(current, tag);
  const keys = await ours.apiKeys();
  const rotationUserId = (await register(ours.server.url, userFactory(`${tag}-rotation`)('baseline'))).userId!;
  const ref = settings.baselineRef ? await startOurs(await deployment('ref', refWorktree(ROOT, settings.baselineRef, tag), `${tag}_ref`), `${tag}ref`) : undefined;
  const baselines = await startBaselines({ mode: current.command.mode, databaseUrl: current.databaseUrl, redisPrefix: current.redisPrefix, meUserId: ours.meUser.id, rotationUserId, load: loadA });
  const peer = settings.peer ? await startPeer(loadA, peakRssMiB) : undefined;
  log('setup done');

  const v = ours.variants(loadA);
  const rv = ref?.variants(loadA, ` @ ${settings.baselineRef}`);
  v.me.warmupSec = settings.firstWarmupSec;
  if (rv) rv.me.warmupSec = settings.firstWarmupSec;
  const keyCounts = { plain: { sent: 0, ok: 0 }, rateLimited: { sent: 0, ok: 0 } };
  const rawArgon2 = rawHashVariant('raw argon2 verify', { impl: 'argon2', ...ARGON2 });
  const opt = <T>(x: T | undefined) => (x ? [x] : []);

  const rows = new Map([
    ...(await alternate('me', [
      v.me,
      keyVariant('me (API key)', ours, keys.plain.secret, keyCounts.plain, loadA),
      keyVariant('me (API key, rate-limited)', ours, keys.rateLimited.secret, keyCounts.rateLimited, loadA),
      baselines.meConstant,
      baselines.meRedisPg,
      ...opt(peer?.getSession),
      ...opt(rv?.me),
    ])),
    ...(await alternate('rotateRefresh', [v.rotateRefresh, baselines.rotation, ...opt(rv?.rotateRefresh)])),
    ...(await alternate('login', [v.login, rawArgon2, ...opt(peer?.signIn), ...opt(peer?.rawHash), ...opt(rv?.login)])),
    ...(await alternate('sessions', [v.sessions, ...opt(peer?.listSessions), ...opt(rv?.sessions)])),
  ]);
  const peakRss = { ours: ours.server.peakRssMiB(), ...(peer ? { betterAuth: peer.peakRssMiB() } : {}), ...(ref ? { ref: ref.server.peakRssMiB() } : {}) };
  log(`peak RSS: ${Object.entries(peakRss).map(([k, mib]) => `${k} ${round(mib)} MiB`).join(', ')}`);
  await peer?.stop();
  await ref?.server.stop();

  const burst = await tokenCheckDuringLogins(ours, loadA, loadB);
  await ours.server.stop();
  // After the server's last batched usage write (at its shutdown): answered ≤ use_count ≤ sent.
  const useCounts = await query<{ id: string; use_count: number }>(current.databaseUrl, (sql) => sql`select id, use_count from api_keys where id in ${sql([keys.plain.id, keys.rateLimited.id])}`);
  const useCount = (id: string) => useCounts.find((r) => r.id === id)?.use_count ?? Number.NaN;
  const apiKeyUsage = {
    plain: { ...keyCounts.plain, useCount: useCount(keys.plain.id) },
    rateLimited: { ...keyCounts.rateLimited, useCount: useCount(keys.rateLimited.id) },
  };
  if (interrupted()) throw new Error('interrupted');

  const alerts = await alertLatency(current, tag, loadA);
  return { rows, peakRss, burst, apiKeyUsage, alerts, serverMode: current.command.mode, baselineRef: settings.baselineRef, peer: Boolean(peer) };
}

const startedAt = Date.now();
try {
  const report = await main();
  printReport(report);
  writeReport(report);
  if (report.alerts.missedTotal > 0) {
    log(`${report.alerts.missedTotal} alerts missed: delivery across instances is broken (or slower than the wait)`);
    process.exitCode = 1;
  }
} catch (error) {
  if (!interrupted()) console.error('[bench] failed:', error);
  process.exitCode = 1;
} finally {
  await cleanup();
  log(`total ${round((Date.now() - startedAt) / 1000)} s`);
  // Everything is closed; if some library still holds a handle, do not hang on it.
  setTimeout(() => process.exit(process.exitCode ?? 0), 5000).unref();
}
