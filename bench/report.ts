/** The printed tables and bench/results/latest.json (git-ignored). */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { AlertProbeSummary } from './alert-probe';
import type { BurstRow } from './burst';
import type { RunMode } from './processes';
import type { RowResult } from './rounds';
import { ARGON2, CONNECTIONS, TOKEN_CHECK, settings } from './settings';

export interface Report {
  rows: Map<string, RowResult>;
  peakRss: { ours: number; betterAuth?: number; ref?: number };
  burst: BurstRow[];
  apiKeyUsage: Record<'plain' | 'rateLimited', { sent: number; ok: number; useCount: number }>;
  alerts: AlertProbeSummary & { missedTotal: number };
  serverMode: RunMode;
  baselineRef?: string;
  peer: boolean;
}

interface Comparison {
  row: string;
  ours: string;
  baseline: string;
  /** null: the baseline row is absent (e.g. BENCH_PEER=0) */
  ratio: number | null;
  target: string;
  perRound: number[];
}

const fmt = (n: number | undefined, digits = 1) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits));

function comparisons(r: Report): Comparison[] {
  const get = (name: string) => r.rows.get(name);
  const perRound = (a: RowResult, b: RowResult) => a.rounds.map((m, i) => m.rate / (b.rounds[i]?.rate ?? Number.NaN));
  const ratio = (row: string, a: string, b: string, target: string): Comparison | undefined => {
    const x = get(a);
    const y = get(b);
    if (!x || !y) return undefined;
    return { row, ours: `${fmt(x.rate)} /s`, baseline: `${b}: ${fmt(y.rate)} /s`, ratio: x.rate / y.rate, target, perRound: perRound(x, y) };
  };
  const list: (Comparison | undefined)[] = [
    ratio('me vs bare yoga (constant)', 'me', 'bare yoga (constant)', '≥ 0.5'),
    ratio('me vs bare yoga (Redis GET + SELECT)', 'me', 'bare yoga (Redis GET + SELECT)', '≥ 0.8'),
    ratio('me (API key) vs me', 'me (API key)', 'me', '≈ 1'),
    ratio('me (API key, rate-limited) vs me', 'me (API key, rate-limited)', 'me', '≈ 1'),
    ratio('rotateRefresh vs bare rotation tx', 'rotateRefresh', 'bare rotation transaction', '≥ 0.7'),
    ratio(`login ÷ raw argon2 (conc. ${ARGON2.concurrency})`, 'login', 'raw argon2 verify', '≥ 0.85'),
  ];
  const signIn = get('better-auth sign-in');
  if (r.peer && signIn) {
    list.push(ratio('sign-in head to head', 'login', 'better-auth sign-in', '> 1'));
    const login = get('login')!;
    const ownRaw = get('raw argon2 verify')!;
    const theirRaw = get('raw @node-rs/argon2 verify')!;
    const oursPer = login.rate / ownRaw.rate;
    const theirsPer = signIn.rate / theirRaw.rate;
    list.push({
      row: 'sign-in ÷ own raw hash rate',
      ours: `${fmt(login.rate)} ÷ ${fmt(ownRaw.rate)} = ${fmt(oursPer, 2)}`,
      baseline: `better-auth: ${fmt(signIn.rate)} ÷ ${fmt(theirRaw.rate)} = ${fmt(theirsPer, 2)}`,
      ratio: oursPer / theirsPer,
      target: '≥ 1.0',
      perRound: login.rounds.map((m, i) => m.rate / ownRaw.rounds[i]!.rate / (signIn.rounds[i]!.rate / theirRaw.rounds[i]!.rate)),
    });
    list.push(ratio('session check (me vs get-session)', 'me', 'better-auth get-session', '≥ 2.0'));
    list.push(ratio('session list (sessions vs list-sessions)', 'sessions', 'better-auth list-sessions', '≥ 2.0'));
  }
  list.push({
    row: 'peak RSS of the server',
    ours: `${fmt(r.peakRss.ours, 0)} MiB`,
    baseline: r.peakRss.betterAuth === undefined ? '-' : `better-auth: ${fmt(r.peakRss.betterAuth, 0)} MiB`,
    ratio: r.peakRss.betterAuth === undefined ? null : r.peakRss.ours / r.peakRss.betterAuth,
    target: 'ours ≤ 300 MiB',
    perRound: [],
  });
  return list.filter((c): c is Comparison => c !== undefined);
}

function table(header: string[], body: string[][], leftColumns = 1): string[] {
  const widths = header.map((_, c) => Math.max(header[c]!.length, ...body.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (c < leftColumns ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
}

export function printReport(r: Report): void {
  const out: string[] = [];
  out.push('', `identity-api bench — node ${process.version}, ${os.cpus().length} CPUs, ${new Date().toISOString()}${settings.quick ? ' — QUICK (smoke run, numbers meaningless)' : ''}`);
  out.push(`ours: ${r.serverMode === 'dist' ? 'node dist/main.js' : 'node --import tsx src/main.ts'}; argon2id m=${ARGON2.memoryCost} KiB t=${ARGON2.timeCost} p=${ARGON2.parallelism}, concurrency ${ARGON2.concurrency}; median of ${settings.runs} alternated rounds x ${settings.durationSec} s; connections: me ${CONNECTIONS.me}, rotateRefresh ${CONNECTIONS.rotateRefresh}, login ${CONNECTIONS.login}, sessions ${CONNECTIONS.sessions}`, '');
  const cmp = comparisons(r);
  out.push(...table(['row', 'ours', 'baseline in the same run', 'ratio', 'target', 'ratio per round'], cmp.map((c) => [c.row, c.ours, c.baseline, c.ratio === null ? '-' : c.ratio.toFixed(2), c.target, c.perRound.map((x) => x.toFixed(2)).join(' ')]), 3));
  out.push('', 'every row measured:');
  out.push(...table(['row', 'median /s', 'p50 ms', 'p99 ms', 'errors', 'per round /s'], [...r.rows.values()].map((x) => [x.name, fmt(x.rate), fmt(x.p50Ms), fmt(x.p99Ms), String(x.errors), x.rounds.map((m) => fmt(m.rate)).join(' ')])));
  for (const x of r.rows.values()) {
    const sample = x.rounds.find((m) => m.badSample)?.badSample;
    if (sample) out.push(`  ${x.name}: e.g. bad answer: ${sample}`);
  }
  out.push('', `token check (me at ${TOKEN_CHECK.rate} req/s, ${TOKEN_CHECK.connections} connections) idle and during a login burst (8 connections), server restarted per setting (THREAD_POOL_NICE 0: the pool's threads at the event loop's priority):`);
  out.push(
    ...table(
      ['ARGON2_CONCURRENCY', 'THREAD_POOL_NICE', 'login /s', 'raw argon2 /s', 'login ÷ raw', 'idle p50 ms', 'idle p99 ms', 'burst p50 ms', 'burst p99 ms', 'burst ÷ idle p99 (≤ 2)', 'errors'],
      r.burst.map((b) => [String(b.argon2Concurrency), String(b.threadPoolNice), fmt(b.loginPerSec), fmt(b.rawVerifyPerSec), fmt(b.loginPerRaw, 2), fmt(b.idleP50Ms, 2), fmt(b.idleP99Ms, 2), fmt(b.burstP50Ms, 2), fmt(b.burstP99Ms, 2), fmt(b.p99Ratio, 2), String(b.errors)]),
    ),
  );
  if (r.baselineRef) {
    out.push('', `before (${r.baselineRef}) / after (this checkout), same run, alternated rounds:`);
    out.push(
      ...table(
        ['row', 'before /s', 'after /s', 'after ÷ before', 'p99 before → after ms', 'per round'],
        ['me', 'rotateRefresh', 'login', 'sessions'].flatMap((name) => {
          const after = r.rows.get(name);
          const before = r.rows.get(`${name} @ ${r.baselineRef}`);
          if (!after || !before) return [];
          return [[name, fmt(before.rate), fmt(after.rate), fmt(after.rate / before.rate, 2), `${fmt(before.p99Ms)} → ${fmt(after.p99Ms)}`, after.rounds.map((m, i) => fmt(m.rate / before.rounds[i]!.rate, 2)).join(' ')]];
        }),
      ),
    );
    out.push(`peak RSS before ${fmt(r.peakRss.ref, 0)} MiB, after ${fmt(r.peakRss.ours, 0)} MiB`);
  }
  const u = r.apiKeyUsage;
  const usageOk = (k: { sent: number; ok: number; useCount: number }) => k.ok <= k.useCount && k.useCount <= k.sent;
  out.push('', `API key usage (batched writes): use_count ${u.plain.useCount} for ${u.plain.ok}..${u.plain.sent} requests${usageOk(u.plain) ? '' : ' MISMATCH'}; rate-limited key ${u.rateLimited.useCount} for ${u.rateLimited.ok}..${u.rateLimited.sent}${usageOk(u.rateLimited) ? '' : ' MISMATCH'}`);
  const a = r.alerts;
  out.push(
    `alert A → B: median ${fmt(a.latencyMs.median, 2)} ms, p99 ${fmt(a.latencyMs.p99, 2)} ms; ${a.received} of ${settings.alerts} received, ${a.missedTotal} missed; ${a.beforeResponse} before A's answer was read; from the request's start median ${fmt(a.fromRequestStartMs.median, 2)} ms`,
  );
  if (a.stopped) out.push(`alerts: stopped early: ${a.stopped}`);
  console.log(out.join('\n'));
}

export function writeReport(r: Report): void {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const json = {
    node: process.version,
    date: new Date().toISOString(),
    host: { platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown' },
    settings: { ...settings, connections: CONNECTIONS, tokenCheck: TOKEN_CHECK, argon2: ARGON2, serverMode: r.serverMode, loadGenerator: 'autocannon in two load processes of their own (load-child.ts), pipelining 1' },
    comparisons: comparisons(r),
    rows: Object.fromEntries(r.rows),
    peakRssMiB: r.peakRss,
    tokenCheckDuringLogins: r.burst,
    apiKeyUsage: r.apiKeyUsage,
    alertLatency: r.alerts,
  };
  writeFileSync(`${dir}latest.json`, JSON.stringify(json, null, 2) + '\n');
  console.log(`\nwritten: ${dir}latest.json`);
}
