/**
 * The load generator: autocannon, run in a worker thread so that building requests and parsing
 * responses does not compete with the server for the main thread's event loop.
 *
 * run.ts starts it (see startLoadWorker there) and sends one LoadRequest per measurement; the
 * worker answers with a LoadSummary carrying the same id. Everything goes to the URL it is
 * given (always http://127.0.0.1:<port>), for a fixed duration: no unbounded loops here.
 * The same worker also runs the alert-latency probe (alert-probe.ts) when asked.
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import autocannon from 'autocannon';
import { runAlertProbe, type AlertProbeRequest, type AlertProbeSummary } from './alert-probe';

export const ME_QUERY = '{ me { id email } }';
export const LOGIN_MUTATION =
  'mutation Login($input: LoginInput!) { login(input: $input) { __typename ... on AuthPayload { accessToken refreshToken } ... on Error { code message } } }';
export const ROTATE_MUTATION =
  'mutation Rotate($input: RotateRefreshInput) { rotateRefresh(input: $input) { __typename ... on AuthPayload { accessToken refreshToken } ... on Error { code message } } }';
export const CREATE_API_KEY_MUTATION =
  'mutation CreateKey($input: CreateApiKeyInput!) { createApiKey(input: $input) { __typename ... on CreateApiKeyPayload { secret apiKey { id scopes rateLimitPerMinute } } ... on Error { code message } } }';
export const REGISTER_MUTATION =
  'mutation Register($input: RegisterInput!) { register(input: $input) { __typename ... on AuthPayload { accessToken refreshToken } ... on Error { code message } } }';

export type LoadTask =
  /**
   * `bearer` goes into `Authorization: Bearer …`: an access token, or an API key (`idp_…`), which
   * the server accepts in the same header. Both variants send the same request otherwise.
   */
  | { kind: 'me'; bearer: string }
  /** Live refresh tokens; each is spent once and its successor goes back into the pool. */
  | { kind: 'rotateRefresh'; pool: string[] }
  | { kind: 'login'; users: { email: string; password: string }[] };

export interface LoadRequest {
  id: number;
  /** Base URL of the server, e.g. http://127.0.0.1:43210 */
  url: string;
  connections: number;
  durationSec: number;
  task: LoadTask;
}

export interface LoadSummary {
  id: number;
  /** Completed responses per second (all of them, good or bad). */
  rps: number;
  /** Responses that were the expected answer, per second. */
  okRps: number;
  completed: number;
  sent: number;
  durationSec: number;
  ok: number;
  /** 2xx or not: answers that were not the expected result (for mutations: not an AuthPayload). */
  bad: number;
  badSamples: string[];
  non2xx: number;
  connectionErrors: number;
  timeouts: number;
  latencyMs: { avg: number; p50: number; p90: number; p99: number; max: number };
  /** rotateRefresh: the live tokens left at the end (to be reused by the next run). */
  pool?: string[];
  /** rotateRefresh: tokens sent whose answer never arrived (in flight when the run ended). */
  abandoned?: number;
  /** rotateRefresh: requests that had to be sent without a live token (pool ran dry). */
  starved?: number;
}

/** The alert-latency probe (alert-probe.ts), run here for the same reason as autocannon. */
export interface AlertProbeJob {
  id: number;
  alertProbe: AlertProbeRequest;
}

export type WorkerRequest = LoadRequest | AlertProbeJob;

export type WorkerMessage =
  | { ready: true }
  | { ok: true; summary: LoadSummary }
  | { ok: true; id: number; alerts: AlertProbeSummary }
  | { ok: false; id: number; error: string };

const HEADERS = {
  'content-type': 'application/json',
  accept: 'application/graphql-response+json, application/json',
  'user-agent': 'identity-api-bench',
};

interface GqlBody {
  data?: Record<string, { __typename?: string; accessToken?: string; refreshToken?: string | null; code?: string; email?: string } | null>;
  errors?: { message: string }[];
}

function parse(body: string): GqlBody | undefined {
  try {
    return JSON.parse(body) as GqlBody;
  } catch {
    return undefined;
  }
}

type Aggregate = (results: unknown[], opts: autocannon.Options) => autocannon.Result;

async function runLoad(req: LoadRequest): Promise<LoadSummary> {
  let ok = 0;
  let bad = 0;
  const badSamples: string[] = [];
  const noteBad = (status: number, body: string) => {
    bad++;
    if (badSamples.length < 5) badSamples.push(`${status} ${body.slice(0, 300)}`);
  };

  // rotateRefresh state: a FIFO of live tokens (so every session takes its turn).
  const pool = req.task.kind === 'rotateRefresh' ? [...req.task.pool] : [];
  let taken = 0;
  let answered = 0;
  let starved = 0;
  let loginIndex = 0;

  let requests: autocannon.Request[];
  const task = req.task;
  switch (task.kind) {
    case 'me':
      requests = [
        {
          method: 'POST',
          path: '/graphql',
          headers: { ...HEADERS, authorization: `Bearer ${task.bearer}` },
          body: JSON.stringify({ query: ME_QUERY }),
          onResponse: (status, body) => {
            const me = parse(body)?.data?.me;
            if (status === 200 && me && typeof me.email === 'string') ok++;
            else noteBad(status, body);
          },
        },
      ];
      break;
    case 'rotateRefresh':
      requests = [
        {
          method: 'POST',
          path: '/graphql',
          headers: HEADERS,
          // Called for every request just before it is written: take a live token from the pool.
          setupRequest: (request) => {
            taken++;
            let token = pool.shift();
            if (token === undefined) {
              // Never return a falsy request (autocannon would throw for the first request):
              // send a token that cannot work and let it count as a bad answer.
              starved++;
              token = 'rt_pool_ran_dry';
            }
            return { ...request, body: JSON.stringify({ query: ROTATE_MUTATION, variables: { input: { refreshToken: token } } }) };
          },
          onResponse: (status, body) => {
            answered++;
            const result = parse(body)?.data?.rotateRefresh;
            if (status === 200 && result?.__typename === 'AuthPayload' && typeof result.refreshToken === 'string') {
              ok++;
              pool.push(result.refreshToken);
            } else {
              noteBad(status, body);
            }
          },
        },
      ];
      break;
    case 'login':
      if (task.users.length === 0) throw new Error('login: no users');
      requests = [
        {
          method: 'POST',
          path: '/graphql',
          headers: HEADERS,
          setupRequest: (request) => {
            const user = task.users[loginIndex++ % task.users.length]!;
            return { ...request, body: JSON.stringify({ query: LOGIN_MUTATION, variables: { input: user } }) };
          },
          onResponse: (status, body) => {
            const result = parse(body)?.data?.login;
            if (status === 200 && result?.__typename === 'AuthPayload') ok++;
            else noteBad(status, body);
          },
        },
      ];
      break;
  }

  const options: autocannon.Options = {
    url: req.url,
    connections: req.connections,
    pipelining: 1,
    duration: req.durationSec,
    timeout: 30,
    requests,
  };
  const raw = await autocannon(options);
  // Off the main thread autocannon hands back its raw, encoded histograms (it expects its own
  // worker pool to aggregate them); aggregate here as it would on the main thread.
  const result = isMainThread ? raw : (autocannon as unknown as { aggregateResult: Aggregate }).aggregateResult([raw], options);

  const completed = result.requests.total;
  const durationSec = result.duration > 0 ? result.duration : req.durationSec;
  return {
    id: req.id,
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
    latencyMs: {
      avg: result.latency.average,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    ...(task.kind === 'rotateRefresh' ? { pool, abandoned: taken - answered, starved } : {}),
  };
}

if (parentPort) {
  const port = parentPort;
  const fail = (id: number) => (error: unknown) =>
    port.postMessage({ ok: false, id, error: String((error as Error)?.stack ?? error) } satisfies WorkerMessage);
  port.on('message', (req: WorkerRequest) => {
    if ('alertProbe' in req) {
      runAlertProbe(req.alertProbe).then((alerts) => port.postMessage({ ok: true, id: req.id, alerts } satisfies WorkerMessage), fail(req.id));
    } else {
      runLoad(req).then((summary) => port.postMessage({ ok: true, summary } satisfies WorkerMessage), fail(req.id));
    }
  });
  port.postMessage({ ready: true } satisfies WorkerMessage);
}
