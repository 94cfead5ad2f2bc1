/**
 * Threats: /metrics as a leak and as a memory bomb.
 * - Labels carried the full URL, so `?api_key=…` and `?access_token=…` (which the API refuses)
 *   showed up verbatim on a page anyone could read, and a key copied from it worked.
 * - Labels carried client-chosen text (operation names, URLs): 2,000 unique requests grew the
 *   page to 65 MB and the process by 350 MB. Every label value must come from a fixed set.
 * - The page was public in production. With METRICS_TOKEN it needs that bearer token; in
 *   production without one it does not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema';
import { startTestApp, type TestApp } from '../support/app';

const TOKEN = 'metrics-token-0123456789abcdef';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const scrape = async (a: TestApp, headers: Record<string, string> = {}) => {
  const res = await fetch(new URL('/metrics', a.url), { headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
};

/** Our request series (not the process's default metrics), as `name{labels}` lines without values. */
const requestSeries = (text: string) =>
  text
    .split('\n')
    .filter((line) => /^(http_|graphql_)/.test(line))
    .map((line) => line.slice(0, line.lastIndexOf(' ')));

const labelValues = (series: string[], label: string) =>
  new Set(series.flatMap((s) => [...s.matchAll(new RegExp(`[{,]${label}="([^"]*)"`, 'g'))].map((m) => m[1]!)));

/** Five kinds of request, each unique in its query string, operation name or path. */
function unique(a: TestApp, i: number): Promise<unknown> {
  const post = (search: string, body: unknown) =>
    fetch(new URL(`/graphql?${search}`, a.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.text());
  switch (i % 5) {
    case 0: // refused (credentials do not go in URLs), and must not be shown either
      return post(`api_key=idp_leak${i}&access_token=eyJleak${i}`, { query: `query Probe${i} { passwordPolicy { minLength } }`, operationName: `Probe${i}` });
    case 4:
      return post(`page=leak${i}`, { query: `query Probe${i} { passwordPolicy { minLength } }`, operationName: `Probe${i}` });
    case 1:
      return post(`cache=${i}`, { query: `mutation Bogus${i} { noSuchField${i} }`, operationName: `Bogus${i}` });
    case 2:
      return fetch(new URL(`/graphql?query=${encodeURIComponent(`query Get${i} { __typename }`)}&secret=leak${i}`, a.url)).then((r) => r.text());
    case 3:
      return fetch(new URL(`/no-such-route-${i}?token=leak${i}`, a.url)).then((r) => r.text());
    default:
      throw new Error('unreachable');
  }
}

async function run(a: TestApp, from: number, count: number) {
  for (let i = from; i < from + count; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, from + count - i) }, (_, k) => unique(a, i + k)));
  }
}

describe('metric labels come from a fixed set', () => {
  it('2,000 requests with unique query strings, operation names and paths add no series and leak nothing', async () => {
    await run(app, 0, 40); // every kind once or more: the series they need exist now
    await scrape(app); // and the scrape's own
    const before = requestSeries((await scrape(app)).text);
    await run(app, 40, 2_000);
    const after = await scrape(app);
    const series = requestSeries(after.text);

    expect(series.sort()).toEqual(before.sort());
    expect(after.text.length).toBeLessThan(100_000);
    for (const leak of ['leak', 'idp_', 'eyJ', 'Probe', 'Bogus', 'noSuchField', 'Get', 'no-such-route', '?']) {
      expect(series.filter((s) => s.includes(leak))).toEqual([]);
    }
    const rootFields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) => Object.keys(t?.getFields() ?? {}));
    for (const value of labelValues(series, 'operation')) expect([...rootFields, 'other', 'multiple', 'none']).toContain(value);
    expect([...labelValues(series, 'route')].sort()).toEqual(['/graphql', '/metrics', 'other']);
    expect(labelValues(series, 'operation')).toContain('passwordPolicy');
  }, 120_000);
});

describe('who may read /metrics', () => {
  it('is open outside production without METRICS_TOKEN (the development default)', async () => {
    expect((await scrape(app)).status).toBe(200);
  });

  it('needs Authorization: Bearer <METRICS_TOKEN> when it is set', async () => {
    const guarded = await startTestApp({ METRICS_TOKEN: TOKEN }, app.backing);
    try {
      const none = await scrape(guarded);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(none.text).not.toContain('graphql_');
      expect((await scrape(guarded, { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
      expect((await scrape(guarded, { authorization: `Bearer ${TOKEN.slice(0, -1)}` })).status).toBe(401);
      expect((await scrape(guarded, { authorization: `Basic ${TOKEN}` })).status).toBe(401);
      const ok = await scrape(guarded, { authorization: `Bearer ${TOKEN}` });
      expect(ok.status).toBe(200);
      expect(ok.text).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
    } finally {
      await guarded.close();
    }
  });

  it('does not exist in production without METRICS_TOKEN, and needs the token in production with one', async () => {
    const bare = await startTestApp({ NODE_ENV: 'production', LOG_LEVEL: 'silent' }, app.backing);
    try {
      const res = await scrape(bare);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('graphql_');
    } finally {
      await bare.close();
    }
    const guarded = await startTestApp({ NODE_ENV: 'production', LOG_LEVEL: 'silent', METRICS_TOKEN: TOKEN }, app.backing);
    try {
      expect((await scrape(guarded)).status).toBe(401);
      expect((await scrape(guarded, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
