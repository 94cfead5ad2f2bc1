/**
 * The HTTP surface around the GraphQL endpoint: health, readiness, metrics, JWKS, GET queries,
 * request ids, error masking, SSE, WebSocket (graphql-transport-ws) and graceful shutdown.
 */
import { connect, createServer } from 'node:net';
import { createClient, type ExecutionResult } from 'graphql-ws';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestApp, type TestApp } from '../support/app';
import { Login, Me, Register } from '../support/operations';
import { PASSWORD, signUp, uniqueEmail } from '../support/users';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(new URL(path, app.url), { headers });

/** A port nothing listens on: bind port 0, note the number, release it. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Rejects instead of hanging when `promise` takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]);
}

/** A promise that a test opens by hand: an event to wait for instead of a sleep. */
function latch() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Whether a TCP connection to the port is accepted ('connected') or the error code (e.g. ECONNREFUSED). */
function connectOutcome(port: number): Promise<string> {
  return new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? String(error)));
  });
}

/** The value of one Prometheus sample (0 when the labelled series does not exist yet). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.indexOf('}'));
    const got = Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

async function wsRun(query: string, connectionParams?: Record<string, unknown>): Promise<ExecutionResult[]> {
  const client = createClient({
    url: app.url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    ...(connectionParams ? { connectionParams } : {}),
  });
  try {
    const results: ExecutionResult[] = [];
    for await (const result of client.iterate({ query })) results.push(result as ExecutionResult);
    return results;
  } finally {
    await client.dispose();
  }
}

describe('health and readiness', () => {
  it('GET /healthz answers 200 while the process serves', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 with database and redis "ok" when both answer', async () => {
    const res = await get('/readyz');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; checks: Record<string, string> };
    expect(body.checks).toEqual({ database: 'ok', redis: 'ok' });
    expect(body.status).toBe('ready');
  });

  it('GET /readyz answers 503 naming redis when Redis is unreachable, and the app still starts and closes', async () => {
    const port = await closedPort();
    const broken = await within(startTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` }, app.backing), 15_000, 'startTestApp with a dead Redis');
    try {
      // How long this takes (the check's own timeout, not ioredis' retries) is measured by
      // `npm run bench:latency`, not asserted here.
      const res = await fetch(new URL('/readyz', broken.url));
      expect(res.status).toBe(503);
      const body = (await res.json()) as { status: string; checks: Record<string, string> };
      expect(body.checks).toEqual({ database: 'ok', redis: 'unavailable' });
      expect(body.status).toBe('not ready');
      // Liveness is not readiness: the process still serves.
      expect((await fetch(new URL('/healthz', broken.url))).status).toBe(200);
    } finally {
      await within(broken.close(), 15_000, 'close() of the app with a dead Redis');
    }
  }, 40_000);
});

describe('metrics', () => {
  it('GET /metrics is Prometheus text with graphql_operations_total counted per root field (not per client-chosen name)', async () => {
    const before = await (await get('/metrics')).text();
    const operationName = 'ServerMetricsProbe';
    const ran = await fetch(new URL('/graphql', app.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `query ${operationName} { passwordPolicy { minLength } }`, operationName }),
    });
    expect(ran.status).toBe(200);
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^# HELP graphql_operations_total /m);
    expect(text).toMatch(/^# TYPE graphql_operations_total counter$/m);
    const labels = { operation: 'passwordPolicy', type: 'query' };
    expect(sample(text, 'graphql_operations_total', labels) - sample(before, 'graphql_operations_total', labels)).toBe(1);
    expect(text).not.toContain(operationName);
  });

  it('counts password logins as auth_login_total{outcome="succeeded"} and {outcome="invalid_credentials"}', async () => {
    const u = await signUp(app);
    const before = await (await get('/metrics')).text();
    const good = await app.gql(Login, { input: { email: u.email, password: PASSWORD } });
    expect(good.data.login.__typename).toBe('AuthPayload');
    const bad = await app.gql(Login, { input: { email: u.email, password: 'definitely not the password' } });
    expect(bad.data.login.__typename).toBe('InvalidCredentialsError');
    const after = await (await get('/metrics')).text();
    expect(after).toMatch(/^# TYPE auth_login_total counter$/m);
    for (const outcome of ['succeeded', 'invalid_credentials']) {
      expect(sample(after, 'auth_login_total', { outcome }) - sample(before, 'auth_login_total', { outcome })).toBe(1);
    }
  });
});

describe('JWKS', () => {
  it('GET /.well-known/jwks.json serves one public Ed25519 key that verifies issued access tokens', async () => {
    const res = await get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    const jwks = (await res.json()) as { keys: JWK[] };
    expect(jwks.keys).toHaveLength(1);
    const [key] = jwks.keys;
    expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(key!.kid).toMatch(/^[\w-]{20,}$/);
    expect(key!.x).toMatch(/^[\w-]{43}$/);
    expect(key).not.toHaveProperty('d');
    expect(Object.keys(key!).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);

    const u = await signUp(app);
    const { payload, protectedHeader } = await jwtVerify(u.accessToken, createLocalJWKSet(jwks), {
      issuer: app.config.publicUrl,
      currentDate: app.clock.now(),
    });
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt', kid: key!.kid });
    expect(payload.sub).toBe(u.user.id);
  });
});

describe('GraphQL over HTTP', () => {
  it('runs a query sent as GET /graphql?query=...', async () => {
    const u = await signUp(app);
    const res = await app.gql(Me, undefined, { token: u.accessToken, method: 'GET' });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data.me?.email).toBe(u.email);

    const raw = await get(`/graphql?query=${encodeURIComponent('{ me { email } }')}`, { authorization: `Bearer ${u.accessToken}` });
    expect(raw.status).toBe(200);
    expect(await raw.json()).toEqual({ data: { me: { email: u.email } } });
  });

  it('refuses a mutation sent over GET without running it', async () => {
    const email = uniqueEmail('get-mutation');
    const u = new URL('/graphql', app.url);
    u.searchParams.set('query', Register.toString());
    u.searchParams.set('variables', JSON.stringify({ input: { email, password: PASSWORD, displayName: 'x' } }));
    const res = await fetch(u, { headers: { accept: 'application/graphql-response+json' } });
    expect(res.status).toBe(405);
    const login = await app.gql(Login, { input: { email, password: PASSWORD } });
    expect(login.data.login.__typename).toBe('InvalidCredentialsError');
  });

  it('gives every response an x-request-id, echoing a sane given one and replacing an unsafe one', async () => {
    const fresh = await get('/healthz');
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const other = await get('/healthz');
    expect(other.headers.get('x-request-id')).not.toBe(fresh.headers.get('x-request-id'));

    const echoed = await app.gql(Me, undefined, { headers: { 'x-request-id': 'client-req.42_A' } });
    expect(echoed.headers.get('x-request-id')).toBe('client-req.42_A');

    for (const unsafe of ['has spaces in it', 'x'.repeat(65), 'semi;colon']) {
      const res = await get('/healthz', { 'x-request-id': unsafe });
      expect(res.headers.get('x-request-id')).not.toBe(unsafe);
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('never puts a stacktrace into error extensions (validation, auth and bad variables)', async () => {
    const cases = [
      await app.gql({ toString: () => '{ me { noSuchField } }' }, undefined),
      await app.gql(Me, undefined, { token: 'not-a-jwt' }),
      await app.gql(Login, { input: { email: 42 } } as never),
    ];
    for (const res of cases) {
      expect(res.errors?.length).toBeGreaterThan(0);
      for (const error of res.errors!) {
        expect(error.extensions ?? {}).not.toHaveProperty('stacktrace');
        expect(error.extensions ?? {}).not.toHaveProperty('originalError');
      }
    }
    expect(cases[1]!.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('masks an unexpected failure: generic message, no stack, no SQL', async () => {
    const own = await startTestApp();
    try {
      await own.deps.database.db.execute('alter table users rename to users_gone' as never);
      const res = await own.gql(Register, { input: { email: uniqueEmail('masked'), password: PASSWORD, displayName: 'M' } });
      expect(res.errors).toHaveLength(1);
      const [error] = res.errors!;
      expect(error!.message).toBe('Unexpected error.');
      expect(error!.extensions ?? {}).not.toHaveProperty('stacktrace');
      expect(error!.extensions ?? {}).not.toHaveProperty('originalError');
      expect(JSON.stringify(res.errors)).not.toMatch(/users|relation|insert|select|postgres/i);
    } finally {
      await own.close();
    }
  });
});

describe('SSE', () => {
  it('answers POST /graphql with Accept: text/event-stream as an event stream carrying the me result', async () => {
    const u = await signUp(app);
    const res = await fetch(new URL('/graphql', app.url), {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json', authorization: `Bearer ${u.accessToken}` },
      body: JSON.stringify({ query: Me.toString() }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await within(res.text(), 10_000, 'the SSE stream');
    const events = text
      .split(/\n\n+/)
      .filter((block) => block.trim() !== '' && !block.startsWith(':'))
      .map((block) => {
        const event = /^event: ?(.*)$/m.exec(block)?.[1];
        const data = [...block.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join('\n');
        return { event, data };
      });
    const next = events.filter((e) => e.event === 'next');
    expect(next).toHaveLength(1);
    const payload = JSON.parse(next[0]!.data) as { data: { me: { email: string; id: string } | null } };
    expect(payload.data.me).toMatchObject({ email: u.email, id: u.user.id });
    expect(events.at(-1)?.event).toBe('complete');
  });
});

describe('WebSocket (graphql-transport-ws)', () => {
  it('runs me with connectionParams.authorization = "Bearer <token>" and returns the user', async () => {
    const u = await signUp(app);
    const results = await within(wsRun(Me.toString(), { authorization: `Bearer ${u.accessToken}` }), 10_000, 'ws me');
    expect(results).toHaveLength(1);
    expect(results[0]!.errors).toBeUndefined();
    expect((results[0]!.data as { me: { email: string } }).me.email).toBe(u.email);
  });

  it('treats a connection without connectionParams as anonymous: me is null', async () => {
    const results = await within(wsRun(Me.toString()), 10_000, 'ws anonymous me');
    expect(results).toHaveLength(1);
    expect(results[0]!.errors).toBeUndefined();
    expect(results[0]!.data).toEqual({ me: null });
  });

  it('answers a bad token in connectionParams with an UNAUTHENTICATED error', async () => {
    const results = await within(wsRun(Me.toString(), { authorization: 'Bearer not.a.token' }), 10_000, 'ws bad token');
    expect(results).toHaveLength(1);
    expect(results[0]!.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((results[0]!.data as { me: unknown } | null | undefined)?.me ?? null).toBeNull();
  });
});

describe('graceful shutdown', () => {
  it('lets in-flight requests finish with 200 on close(), then refuses new connections', async () => {
    const dying = await startTestApp();
    let closed = false;
    try {
      const u = await signUp(dying);
      // Each login is held at a gate until the server has stopped accepting connections, so
      // close() certainly lands while all five run.
      const gate = latch();
      const allStarted = latch();
      const original = dying.services.auth.login;
      let started = 0;
      dying.services.auth.login = async (...args) => {
        if (++started === 5) allStarted.open();
        await gate.opened;
        return original(...args);
      };
      const inFlight = Array.from({ length: 5 }, () =>
        fetch(new URL('/graphql', dying.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
          body: JSON.stringify({ query: Login.toString(), variables: { input: { email: u.email, password: PASSWORD } } }),
        }).then(async (res) => ({ status: res.status, body: (await res.json()) as { data?: { login: { __typename: string } } } })),
      );
      await within(allStarted.opened, 10_000, 'five logins starting');
      expect(started).toBe(5);

      const port = Number(new URL(dying.url).port);
      const closing = dying.close();
      // Refusing new connections is the observable sign that close() has begun: only then open the gate.
      let attempts = 0;
      while ((await connectOutcome(port)) !== 'ECONNREFUSED') expect(++attempts).toBeLessThan(1000);
      gate.open();
      const results = await within(Promise.all(inFlight), 10_000, 'in-flight logins');
      await within(closing, 10_000, 'close()');
      closed = true;

      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(results.map((r) => r.body.data?.login.__typename)).toEqual(Array(5).fill('AuthPayload'));

      expect(await connectOutcome(port)).toBe('ECONNREFUSED');
      await expect(fetch(new URL('/healthz', dying.url))).rejects.toThrow();
    } finally {
      if (!closed) await dying.close().catch(() => {});
    }
  }, 40_000);

  // Regression: a keep-alive connection whose request was in flight when close() began used to
  // idle on after its response, so close() waited for the client's keep-alive or the grace deadline.
  it('close() finishes promptly once the last in-flight request has been answered', async () => {
    // Shares the file's backing, so close() does not also drop a database.
    const dying = await startTestApp({}, app.backing);
    let closing: Promise<void> | undefined;
    try {
      const gate = latch();
      const loginStarted = latch();
      const original = dying.services.auth.login;
      dying.services.auth.login = async (...args) => {
        loginStarted.open();
        await gate.opened;
        return original(...args);
      };
      const inFlight = fetch(new URL('/graphql', dying.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: Login.toString(), variables: { input: { email: uniqueEmail('gone'), password: PASSWORD } } }),
      }).then(async (res) => {
        await res.text();
        return { status: res.status };
      });
      await within(loginStarted.opened, 10_000, 'the login starting');
      // A grace far beyond the test's timeout: close() can only finish by closing the connection
      // itself once the answer is out, never by waiting for the grace or the client's keep-alive.
      closing = dying.close({ graceMs: 3_600_000 });
      gate.open();
      const answered = await inFlight;
      expect(answered.status).toBe(200);
      await closing;
    } finally {
      await (closing ?? dying.close()).catch(() => {});
    }
  }, 20_000);
});
