/**
 * The HTTP surface around GraphQL, where it told clients something false or too much:
 * - status lines without a reason phrase (`HTTP/1.1 200 `), which some clients and proxies refuse;
 * - a JWKS `max-age` (300 s) longer than the delay before a rotated key signs (120 s), so a
 *   resource server could meet tokens of a key its cached JWKS does not have;
 * - WebSocket error payloads carrying `extensions.http` (status and headers meant for HTTP);
 * - no RFC 8414 metadata, and nothing in it may claim what the service does not do.
 */
import { createClient, type ExecutionResult } from 'graphql-ws';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ACTIVATION_DELAY_SECONDS, JWKS_MAX_AGE_SECONDS, RELOAD_INTERVAL_SECONDS } from '../../src/modules/keys/keys.service';
import { startTestApp, type TestApp } from '../support/app';
import { signUp } from '../support/users';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

/** The raw status line's reason phrase, as node's client parsed it. */
function reasonPhrase(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, app.url), { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve([res.statusCode!, res.statusMessage!]));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

async function wsResults(query: string): Promise<ExecutionResult[]> {
  const client = createClient({ url: app.url.replace(/^http/, 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  try {
    const results: ExecutionResult[] = [];
    for await (const result of client.iterate({ query })) results.push(result as ExecutionResult);
    return results;
  } catch (errors) {
    return [{ errors } as ExecutionResult];
  } finally {
    await client.dispose();
  }
}

describe('status lines', () => {
  it('carry the standard reason phrase on our routes, GraphQL answers and refusals', async () => {
    expect(await reasonPhrase('/healthz')).toEqual([200, 'OK']);
    expect(await reasonPhrase('/readyz')).toEqual([200, 'OK']);
    expect(await reasonPhrase('/.well-known/jwks.json')).toEqual([200, 'OK']);
    expect(await reasonPhrase('/no-such-route')).toEqual([404, 'Not Found']);
    expect(await reasonPhrase('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })).toEqual([200, 'OK']);
    expect(await reasonPhrase('/graphql', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ __typename }"}' })).toEqual([415, 'Unsupported Media Type']);
  });
});

describe('JWKS caching', () => {
  it('max-age plus one reload interval stays within the activation delay of a rotated key (derived, so they cannot drift)', async () => {
    const res = await fetch(new URL('/.well-known/jwks.json', app.url));
    const maxAge = Number(/max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBe(JWKS_MAX_AGE_SECONDS);
    expect(maxAge).toBe(60);
    expect(maxAge + RELOAD_INTERVAL_SECONDS).toBeLessThanOrEqual(ACTIVATION_DELAY_SECONDS);
  });
});

describe('WebSocket errors', () => {
  it('an unauthenticated operation over WebSocket answers UNAUTHENTICATED without extensions.http', async () => {
    const results = await wsResults('{ sessions { id } }');
    expect(results).toHaveLength(1);
    const error = results[0]!.errors?.[0] as { extensions?: Record<string, unknown> } | undefined;
    expect(error?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(error?.extensions).not.toHaveProperty('http');
    expect(JSON.stringify(results)).not.toMatch(/"http"|www-authenticate/i);
  });

  it('a subscription refused for lack of a token does not carry extensions.http either', async () => {
    const results = await wsResults('subscription { securityAlerts { id } }');
    expect(JSON.stringify(results)).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
    expect(JSON.stringify(results)).not.toMatch(/"http"|www-authenticate/i);
  });
});

describe('RFC 8414 authorization server metadata', () => {
  it('names PUBLIC_URL as issuer (the iss of our tokens) and the JWKS, and claims no endpoint it does not have', async () => {
    const res = await fetch(new URL('/.well-known/oauth-authorization-server', app.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const metadata = (await res.json()) as Record<string, unknown>;
    expect(metadata).toEqual({ issuer: 'http://idp.test', jwks_uri: 'http://idp.test/.well-known/jwks.json', response_types_supported: [] });
    const { accessToken } = await signUp(app);
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as { iss: string };
    expect(claims.iss).toBe(metadata.issuer);
  });
});
