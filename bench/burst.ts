/**
 * Does a burst of logins slow everyone else? For each argon2 concurrency the server is restarted
 * with ARGON2_CONCURRENCY at that value, then, round by round:
 *
 *   idle   `me` at TOKEN_CHECK.rate req/s over a few connections, nothing else → p50, p99
 *   burst  the same while a second load process runs login at 8 connections → p99, login/s
 *   raw    argon2 verify/s of the `argon2` package at that concurrency, in its own process
 *
 * The token check is timed by the rated client (load.ts), to the microsecond.
 */
import type { LoadProcess } from './load-process';
import { ours as requests } from './client';
import type { Ours } from './ours';
import { measureRawHash } from './peer/raw-hash';
import { ARGON2, BURST_SETTINGS, TOKEN_CHECK, log, median, round, settings, sleep } from './settings';

export interface BurstRow {
  argon2Concurrency: number;
  /** THREAD_POOL_NICE of the server (0: the pool threads at the event loop's priority) */
  threadPoolNice: number;
  loginPerSec: number;
  rawVerifyPerSec: number;
  loginPerRaw: number;
  idleP50Ms: number;
  idleP99Ms: number;
  burstP50Ms: number;
  burstP99Ms: number;
  /** burst p99 ÷ idle p99 (target ≤ 2) */
  p99Ratio: number;
  errors: number;
  rounds: { idleP99Ms: number; burstP99Ms: number; loginPerSec: number; rawVerifyPerSec: number }[];
}

export async function tokenCheckDuringLogins(ours: Ours, checker: LoadProcess, burster: LoadProcess): Promise<BurstRow[]> {
  const rows: BurstRow[] = [];
  for (const { concurrency, nice } of BURST_SETTINGS) {
    await ours.restart({ ARGON2_CONCURRENCY: String(concurrency), THREAD_POOL_NICE: String(nice) });
    const token = await ours.meToken();
    const login = ours.variants(burster).login;
    const check = () =>
      checker.rated({ url: ours.server.url, ...TOKEN_CHECK, durationSec: settings.durationSec, request: requests.me(token), mustHave: 'data.me.email' });
    await ours.variants(checker).me.run(settings.warmupSec);
    await login.run(settings.warmupSec);
    const rounds: BurstRow['rounds'] = [];
    const idle: { p50: number; p99: number }[] = [];
    const burst: { p50: number; p99: number }[] = [];
    let errors = 0;
    for (let r = 0; r < settings.burstRounds; r++) {
      const quiet = await check();
      const [loud, logins] = await Promise.all([check(), login.run(settings.durationSec)]);
      const raw = await measureRawHash({ impl: 'argon2', ...ARGON2, concurrency, seconds: settings.durationSec });
      errors += quiet.bad + loud.bad + logins.errors;
      idle.push(quiet.latencyMs);
      burst.push(loud.latencyMs);
      rounds.push({ idleP99Ms: quiet.latencyMs.p99, burstP99Ms: loud.latencyMs.p99, loginPerSec: logins.rate, rawVerifyPerSec: raw.perSecond });
      log(`token check, ARGON2_CONCURRENCY=${concurrency} THREAD_POOL_NICE=${nice}, round ${r + 1}: idle p99 ${quiet.latencyMs.p99} ms, during logins p99 ${loud.latencyMs.p99} ms, login ${round(logins.rate)}/s, raw argon2 ${round(raw.perSecond)}/s`);
      await sleep(250);
    }
    const loginPerSec = median(rounds.map((x) => x.loginPerSec));
    const rawVerifyPerSec = median(rounds.map((x) => x.rawVerifyPerSec));
    const idleP99Ms = median(idle.map((x) => x.p99));
    const burstP99Ms = median(burst.map((x) => x.p99));
    rows.push({
      argon2Concurrency: concurrency,
      threadPoolNice: nice,
      loginPerSec,
      rawVerifyPerSec,
      loginPerRaw: loginPerSec / rawVerifyPerSec,
      idleP50Ms: median(idle.map((x) => x.p50)),
      idleP99Ms,
      burstP50Ms: median(burst.map((x) => x.p50)),
      burstP99Ms,
      p99Ratio: burstP99Ms / idleP99Ms,
      errors,
      rounds,
    });
  }
  return rows;
}
