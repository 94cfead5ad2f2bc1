/**
 * The load generator: autocannon, run in a process of its own (load-child.ts), so building
 * requests and parsing answers never competes with a server for its event loop or its heap.
 *
 * Two kinds of task:
 *   http           a list of requests sent round-robin (one user after another for login); an
 *                  answer is good when it is a 200 whose JSON has a value at `mustHave`
 *   rotateRefresh  each connection carries its own refresh-token chain: its first request takes
 *                  a live token from the pool, every next one sends the successor it got back
 *
 * and, for the token check during a login burst, a rated client (runRated): requests sent on a
 * fixed schedule whatever the answers do (open loop, so a slow answer cannot hide the ones that
 * would have queued behind it), each timed to the microsecond (autocannon's are whole ms).
 *
 * Everything goes to the URL it is given (always http://127.0.0.1:<port>), for a fixed duration.
 */
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

export const ME_QUERY = '{ me { id email } }';
export const SESSIONS_QUERY = '{ sessions { id lastActiveAt } }';
export const LOGIN_MUTATION =
  'mutation Login($input: LoginInput!) { login(input: $input) { __typename ... on AuthPayload { accessToken refreshToken } ... on Error { code message } } }';
export const ROTATE_MUTATION =
  'mutation Rotate($input: RotateRefreshInput) { rotateRefresh(input: $input) { __typename ... on AuthPayload { accessToken refreshToken } ... on Error { code message } } }';
export const CREATE_API_KEY_MUTATION =
  'mutation CreateKey($input: CreateApiKeyInput!) { createApiKey(input: $input) { __typename ... on CreateApiKeyPayload { secret apiKey { id scopes rateLimitPerMinute } } ... on Error { code message } } }';
export const REGISTER_MUTATION =
  'mutation Register($input: RegisterInput!) { register(input: $input) { __typename ... on AuthPayload { accessToken refreshToken user { id } } ... on Error { code message } } }';

export const GRAPHQL_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/graphql-response+json, application/json',
  'user-agent': 'identity-api-bench',
};

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export type LoadTask =
  /** `mustHave`: a dotted path into the answer's JSON (`data.me.email`, `0.id`) that must hold a value. */
  | { kind: 'http'; requests: HttpRequest[]; mustHave: string }
  /** Live refresh tokens: one chain per connection; the tokens left at the end come back in `pool`. */
  | { kind: 'rotateRefresh'; pool: string[] };

export interface LoadRequest {
  /** Base URL of the server, e.g. http://127.0.0.1:43210 */
  url: string;
  connections: number;
  durationSec: number;
  task: LoadTask;
}

export interface LoadSummary {
  /** Completed responses per second (all of them, good or bad). */
  rps: number;
  /** Responses that were the expected answer, per second. */
  okRps: number;
  completed: number;
  sent: number;
  durationSec: number;
  ok: number;
  /** Answers that were not the expected result (a non-2xx included). */
  bad: number;
  badSamples: string[];
  non2xx: number;
  connectionErrors: number;
  timeouts: number;
  latencyMs: { avg: number; p50: number; p90: number; p99: number; max: number };
  /** rotateRefresh: the live tokens left at the end (for the next run). */
  pool?: string[];
  /** rotateRefresh: tokens sent whose answer never arrived (in flight when the run ended). */
  abandoned?: number;
  /** rotateRefresh: requests that had to be sent without a live token (pool ran dry). */
  starved?: number;
}

function valueAt(body: string, path: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export async function runLoad(req: LoadRequest): Promise<LoadSummary> {
  let ok = 0;
  let bad = 0;
  const badSamples: string[] = [];
  const noteBad = (status: number, body: string) => {
    bad++;
    if (badSamples.length < 5) badSamples.push(`${status} ${body.slice(0, 300)}`);
  };
  const task = req.task;
  if (task.kind === 'http' && task.requests.length === 0) throw new Error('http task: no requests');
  const pool = task.kind === 'rotateRefresh' ? [...task.pool] : [];
  let handoff: string | undefined;
  let taken = 0;
  let answered = 0;
  let starved = 0;
  let next = 0;

  const request: autocannon.Request =
    task.kind === 'http'
      ? {
          method: 'POST',
          path: '/graphql',
          setupRequest: (r) => ({ ...r, ...task.requests[next++ % task.requests.length]! }),
          onResponse: (status, body) => {
            const value = valueAt(body, task.mustHave);
            if (status === 200 && value !== undefined && value !== null) ok++;
            else noteBad(status, body);
          },
        }
      : {
          method: 'POST',
          path: '/graphql',
          headers: GRAPHQL_HEADERS,
          // autocannon calls a connection's onResponse and then, synchronously, the setupRequest of
          // that connection's next request: the successor handed over between the two keeps the
          // connection on its own chain. A connection without one takes a live token from the pool.
          setupRequest: (r) => {
            let token = handoff ?? pool.shift();
            handoff = undefined;
            if (token === undefined) {
              // Never return a falsy request (autocannon would throw): a token that cannot work
              // counts as a bad answer.
              starved++;
              token = 'rt_pool_ran_dry';
            }
            taken++;
            return { ...r, body: JSON.stringify({ query: ROTATE_MUTATION, variables: { input: { refreshToken: token } } }) };
          },
          onResponse: (status, body) => {
            answered++;
            // A successor not taken (its connection had stopped) goes back to the pool.
            if (handoff !== undefined) pool.push(handoff);
            handoff = undefined;
            const token = valueAt(body, 'data.rotateRefresh.refreshToken');
            if (status === 200 && typeof token === 'string') {
              ok++;
              handoff = token;
            } else {
              noteBad(status, body);
            }
          },
        };

  const result = await autocannon({
    url: req.url,
    connections: req.connections,
    pipelining: 1,
    duration: req.durationSec,
    timeout: 30,
    requests: [request],
  });
  const completed = result.requests.total;
  const durationSec = result.duration > 0 ? result.duration : req.durationSec;
  return {
    rps: completed / durationSec,
    okRps: ok / durationSec,
    completed,
    sent: result.requests.sent,
    durationSec,
    ok,
    bad,
    badSamples,
    non2xx: result.non2xx,
    connectionErrors: result.errors,
    timeouts: result.timeouts,
    latencyMs: { avg: result.latency.average, p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    ...(task.kind === 'rotateRefresh'
      ? {
          pool: handoff === undefined ? pool : [...pool, handoff],
          abandoned: taken - answered,
          starved,
        }
      : {}),
  };
}

export interface RatedRequest {
  url: string;
  /** Requests per second, sent on a fixed schedule. */
  rate: number;
  /** Keep-alive sockets at most (a request waits for a free one, and that wait is counted). */
  connections: number;
  durationSec: number;
  request: HttpRequest;
  mustHave: string;
}

export interface RatedSummary {
  sent: number;
  ok: number;
  bad: number;
  badSamples: string[];
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Latency from the scheduled send time to the last byte of the answer, nearest-rank percentiles. */
export async function runRated(req: RatedRequest): Promise<RatedSummary> {
  const agent = new Agent({ keepAlive: true, maxSockets: req.connections });
  const target = new URL(req.url);
  const latencies: number[] = [];
  const badSamples: string[] = [];
  let bad = 0;
  const one = (scheduled: number) =>
    new Promise<void>((resolve) => {
      const r = httpRequest(
        { agent, host: target.hostname, port: target.port, method: req.request.method, path: req.request.path, headers: req.request.headers, timeout: 30_000 },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => {
            const value = valueAt(body, req.mustHave);
            if (res.statusCode === 200 && value !== undefined && value !== null) latencies.push(performance.now() - scheduled);
            else if (++bad <= 5) badSamples.push(`${res.statusCode} ${body.slice(0, 300)}`);
            resolve();
          });
        },
      );
      r.on('error', (error) => {
        if (++bad <= 5) badSamples.push(String(error));
        resolve();
      });
      r.end(req.request.body);
    });
  const interval = 1000 / req.rate;
  const total = Math.round(req.rate * req.durationSec);
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const scheduled = start + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(one(scheduled));
  }
  await Promise.all(inFlight);
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  const ms = (n: number) => Math.round(n * 1000) / 1000;
  return {
    sent: total,
    ok: sorted.length,
    bad,
    badSamples,
    latencyMs: { p50: ms(percentile(sorted, 50)), p90: ms(percentile(sorted, 90)), p99: ms(percentile(sorted, 99)), max: ms(sorted.at(-1) ?? Number.NaN) },
  };
}
