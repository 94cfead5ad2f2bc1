/**
 * Rows that are compared are measured alternately: every variant of a group gets its warm-up,
 * then each round runs every variant once, in an order that rotates every round (a, b, c; then
 * b, c, a; …), so all of them see the same state of the shared machine. A row's figure is the
 * median of its rounds; a ratio's per-round values come from the same rounds.
 */
import { interrupted } from './cleanup';
import type { LoadProcess } from './load-process';
import type { LoadSummary, LoadTask } from './load';
import { measureRawHash, type RawHashOptions } from './peer/raw-hash';
import { log, median, round, settings, sleep } from './settings';

export interface Measurement {
  /** Completed requests (or verifies) per second. */
  rate: number;
  p50Ms?: number;
  p99Ms?: number;
  errors: number;
  badSample?: string;
}

export interface Variant {
  name: string;
  /** Warm-up seconds before its first round (0: none, e.g. a raw hash, which warms up itself). */
  warmupSec: number;
  run(durationSec: number): Promise<Measurement>;
}

export interface RowResult {
  name: string;
  rate: number;
  p50Ms?: number;
  p99Ms?: number;
  errors: number;
  rounds: Measurement[];
}

export function fromLoad(s: LoadSummary): Measurement {
  return {
    rate: s.rps,
    p50Ms: s.latencyMs.p50,
    p99Ms: s.latencyMs.p99,
    errors: s.bad + s.connectionErrors,
    ...(s.badSamples[0] ? { badSample: s.badSamples[0] } : {}),
  };
}

/** autocannon against `url`; `settleMs` lets requests still in flight finish before the next run. */
export function loadVariant(name: string, load: LoadProcess, url: string, connections: number, task: () => Promise<LoadTask> | LoadTask, opts: { warmupSec?: number; settleMs?: number; after?: (s: LoadSummary) => void } = {}): Variant {
  return {
    name,
    warmupSec: opts.warmupSec ?? settings.warmupSec,
    async run(durationSec) {
      const summary = await load.run({ url, connections, durationSec, task: await task() });
      opts.after?.(summary);
      if (opts.settleMs) await sleep(opts.settleMs);
      return fromLoad(summary);
    },
  };
}

export function rawHashVariant(name: string, opts: Omit<RawHashOptions, 'seconds'>): Variant {
  return {
    name,
    warmupSec: 0,
    async run(durationSec) {
      const r = await measureRawHash({ ...opts, seconds: durationSec });
      return { rate: r.perSecond, errors: 0 };
    },
  };
}

export async function alternate(group: string, variants: Variant[]): Promise<Map<string, RowResult>> {
  for (const v of variants) {
    if (v.warmupSec === 0) continue;
    const w = await v.run(v.warmupSec);
    if (w.errors > 0) log(`${v.name} warm-up: ${w.errors} errors, e.g. ${w.badSample}`);
  }
  const rounds = new Map<string, Measurement[]>(variants.map((v) => [v.name, []]));
  for (let r = 0; r < settings.runs; r++) {
    for (let i = 0; i < variants.length; i++) {
      if (interrupted()) throw new Error('interrupted');
      const v = variants[(r + i) % variants.length]!;
      rounds.get(v.name)!.push(await v.run(settings.durationSec));
    }
    log(`${group} round ${r + 1}/${settings.runs}: ${variants.map((v) => `${v.name} ${round(rounds.get(v.name)!.at(-1)!.rate)}`).join(', ')}`);
  }
  return new Map(
    variants.map((v) => {
      const ms = rounds.get(v.name)!;
      const p = (k: 'p50Ms' | 'p99Ms') => (ms.some((m) => m[k] !== undefined) ? median(ms.map((m) => m[k] ?? Number.NaN)) : undefined);
      return [v.name, { name: v.name, rate: median(ms.map((m) => m.rate)), p50Ms: p('p50Ms'), p99Ms: p('p99Ms'), errors: ms.reduce((n, m) => n + m.errors, 0), rounds: ms }];
    }),
  );
}
