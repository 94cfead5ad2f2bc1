/**
 * Alert latency across two instances: run in the load process (load-child.ts), so the client's
 * clock readings are not delayed by the servers' work.
 *
 * Server B gets a `securityAlerts` subscription over WebSocket (graphql-ws, admin token). For
 * every user of the pool, server A gets `rotateRefresh(token)` and then the same, now spent,
 * token again: that second call raises REFRESH_TOKEN_REUSE, which A stores, commits and
 * publishes through Redis; B's subscriber receives it. The latency is
 *
 *   (B's alert for that userId received)  −  (A's answer to the second call fully received)
 *
 * both read with performance.now() in this thread. It can be negative: A publishes right after
 * COMMIT, before it writes its HTTP answer, so the alert may overtake the answer.
 *
 * Bounded: one user at a time, each wait at most `timeoutMs`, every HTTP call at most 10 s, a
 * deadline for the whole probe, and an early stop after `maxConsecutiveMisses` misses in a row.
 */
import { performance } from 'node:perf_hooks';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const ROTATE =
  'mutation Rotate($input: RotateRefreshInput) { rotateRefresh(input: $input) { __typename ... on AuthPayload { refreshToken } ... on Error { code message } } }';
const SUBSCRIPTION = 'subscription Alerts { securityAlerts(filter: { types: [REFRESH_TOKEN_REUSE] }) { id type userId } }';
const HEADERS = {
  'content-type': 'application/json',
  accept: 'application/graphql-response+json, application/json',
  'user-agent': 'identity-api-bench',
};
const HTTP_TIMEOUT_MS = 10_000;

export interface AlertProbeRequest {
  /** Server A (http://127.0.0.1:<port>): the rotations and the reuses go here. */
  triggerUrl: string;
  /** Server B: the subscription is opened here. */
  subscribeUrl: string;
  /** An access token with the alerts:read scope. */
  adminAccessToken: string;
  /** One fresh session per user; the first `warmup` are used before measuring. */
  users: { userId: string; refreshToken: string }[];
  warmup: number;
  /** The longest wait for one alert. */
  timeoutMs: number;
  maxConsecutiveMisses: number;
  /** The whole probe stops (what is left counts as not attempted) after this long. */
  deadlineMs: number;
}

export interface Stats {
  median: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

export interface AlertProbeSummary {
  /** Measured (after the warm-up). */
  attempted: number;
  received: number;
  /** No alert for the user within timeoutMs. */
  missed: number;
  /** Of the missed: arrived later after all, before the probe ended. */
  late: number;
  /** The second call did not answer RefreshTokenReusedError (or the first one failed). */
  badTriggers: number;
  badSamples: string[];
  /** Not measured because the probe stopped early (see `stopped`). */
  notAttempted: number;
  stopped?: string;
  warmup: { attempted: number; received: number; firstReceivedAfter: number };
  /** Alerts that reached B before A's answer had been fully read (negative latency). */
  beforeResponse: number;
  /** Alert received − answer to the triggering call fully received, ms. */
  latencyMs: Stats;
  /** Alert received − triggering call started, ms (always ≥ the above). */
  fromRequestStartMs: Stats;
  /** Every measured latency (from the answer), in order, ms rounded to µs. */
  samplesMs: number[];
  /** Alerts for users we did not trigger, or a second alert for the same user. */
  unexpectedAlerts: number;
  elapsedSec: number;
}

/** Nearest-rank percentile of a sorted list. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function stats(values: number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const r = (n: number) => Math.round(n * 1000) / 1000;
  return {
    median: r(s.length === 0 ? Number.NaN : s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2),
    p90: r(percentile(s, 90)),
    p99: r(percentile(s, 99)),
    min: r(s[0] ?? Number.NaN),
    max: r(s[s.length - 1] ?? Number.NaN),
    mean: r(s.length === 0 ? Number.NaN : s.reduce((a, b) => a + b, 0) / s.length),
  };
}

async function post(url: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: HEADERS, body: JSON.stringify(body), signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  return { status: res.status, text: await res.text() };
}

function typename(text: string): string | undefined {
  try {
    return (JSON.parse(text) as { data?: { rotateRefresh?: { __typename?: string } } }).data?.rotateRefresh?.__typename;
  } catch {
    return undefined;
  }
}

export async function runAlertProbe(req: AlertProbeRequest): Promise<AlertProbeSummary> {
  for (const u of [req.triggerUrl, req.subscribeUrl]) {
    if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(u)) throw new Error(`alert probe: expected a loopback URL, got ${u}`);
  }
  const startedAt = performance.now();
  const deadline = startedAt + req.deadlineMs;

  // --- Arrivals on B, by userId: the first one counts.
  const expected = new Set(req.users.map((u) => u.userId));
  const arrivals = new Map<string, number>();
  const waiters = new Map<string, (t: number | undefined) => void>();
  let unexpectedAlerts = 0;
  let ended: string | undefined;
  const end = (reason: string) => {
    ended ??= reason;
    for (const w of [...waiters.values()]) w(undefined);
  };

  const client = createClient({
    url: `${req.subscribeUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${req.adminAccessToken}` },
    lazy: false,
    retryAttempts: 0,
    // Reported through `end` (below) instead of graphql-ws' default console.error.
    onNonLazyError: () => {},
    on: { closed: () => end('the WebSocket closed') },
  });
  const unsubscribe = client.subscribe<{ securityAlerts?: { userId?: string | null } }>(
    { query: SUBSCRIPTION },
    {
      next: (message) => {
        const at = performance.now();
        const userId = message.data?.securityAlerts?.userId;
        if (!userId || !expected.has(userId) || arrivals.has(userId)) {
          unexpectedAlerts++;
          if (message.errors?.length) end(`subscription error: ${JSON.stringify(message.errors).slice(0, 300)}`);
          return;
        }
        arrivals.set(userId, at);
        waiters.get(userId)?.(at);
      },
      error: (error) => end(`subscription error: ${JSON.stringify(Array.isArray(error) ? error : String((error as Error)?.message ?? error)).slice(0, 300)}`),
      complete: () => end('the subscription completed'),
    },
  );

  const waitFor = (userId: string, timeoutMs: number): Promise<number | undefined> => {
    const seen = arrivals.get(userId);
    if (seen !== undefined || ended) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(undefined), timeoutMs);
      const settle = (t: number | undefined) => {
        clearTimeout(timer);
        waiters.delete(userId);
        resolve(t);
      };
      waiters.set(userId, settle);
    });
  };

  const badSamples: string[] = [];
  /** rotate once, present the spent token again; the time the second answer was fully read. */
  async function trigger(user: { refreshToken: string }): Promise<{ start: number; answered: number } | undefined> {
    const first = await post(req.triggerUrl, { query: ROTATE, variables: { input: { refreshToken: user.refreshToken } } });
    if (first.status !== 200 || typename(first.text) !== 'AuthPayload') {
      if (badSamples.length < 5) badSamples.push(`rotate: ${first.status} ${first.text.slice(0, 300)}`);
      return undefined;
    }
    const start = performance.now();
    const second = await post(req.triggerUrl, { query: ROTATE, variables: { input: { refreshToken: user.refreshToken } } });
    const answered = performance.now();
    if (second.status !== 200 || typename(second.text) !== 'RefreshTokenReusedError') {
      if (badSamples.length < 5) badSamples.push(`reuse: ${second.status} ${second.text.slice(0, 300)}`);
      return undefined;
    }
    return { start, answered };
  }

  const latencies: number[] = [];
  const fromStart: number[] = [];
  const missedUsers: string[] = [];
  let badTriggers = 0;
  let beforeResponse = 0;
  let attempted = 0;
  let stopped: string | undefined;
  const warmup = { attempted: 0, received: 0, firstReceivedAfter: -1 };
  try {
    // --- Warm-up: until B's subscription demonstrably delivers (its Redis SUBSCRIBE is sent
    // asynchronously), then the rest of the warm-up users to warm the code paths.
    const warmupUsers = req.users.slice(0, req.warmup);
    for (const user of warmupUsers) {
      if (ended) break;
      warmup.attempted++;
      const t = await trigger(user);
      if (!t) continue;
      // Until the first alert, wait longer: the subscription may still be starting.
      const at = await waitFor(user.userId, warmup.received === 0 ? Math.max(req.timeoutMs, 5000) : req.timeoutMs);
      if (at !== undefined) {
        if (warmup.received === 0) warmup.firstReceivedAfter = warmup.attempted;
        warmup.received++;
      }
    }
    if (ended) throw new Error(`alert probe: ${ended}`);
    if (warmupUsers.length > 0 && warmup.received === 0) {
      throw new Error(`alert probe: no alert reached the subscriber during ${warmup.attempted} warm-up triggers; ${badSamples.join(' | ')}`);
    }

    // --- Measured.
    let consecutiveMisses = 0;
    for (const user of req.users.slice(req.warmup)) {
      if (ended) {
        stopped = ended;
        break;
      }
      if (performance.now() > deadline) {
        stopped = `the probe's time limit (${req.deadlineMs} ms) was reached`;
        break;
      }
      if (consecutiveMisses >= req.maxConsecutiveMisses) {
        stopped = `${consecutiveMisses} alerts in a row were missed`;
        break;
      }
      attempted++;
      const t = await trigger(user);
      if (!t) {
        badTriggers++;
        continue;
      }
      const at = await waitFor(user.userId, req.timeoutMs);
      if (at === undefined) {
        missedUsers.push(user.userId);
        consecutiveMisses++;
        continue;
      }
      consecutiveMisses = 0;
      latencies.push(at - t.answered);
      fromStart.push(at - t.start);
      if (at < t.answered) beforeResponse++;
    }
  } finally {
    unsubscribe();
    await client.dispose();
  }
  const measured = req.users.length - req.warmup;
  return {
    attempted,
    received: latencies.length,
    missed: missedUsers.length,
    late: missedUsers.filter((id) => arrivals.has(id)).length,
    badTriggers,
    badSamples,
    notAttempted: measured - attempted,
    ...(stopped ? { stopped } : {}),
    warmup,
    beforeResponse,
    latencyMs: stats(latencies),
    fromRequestStartMs: stats(fromStart),
    samplesMs: latencies.map((v) => Math.round(v * 1000) / 1000),
    unexpectedAlerts,
    elapsedSec: (performance.now() - startedAt) / 1000,
  };
}
