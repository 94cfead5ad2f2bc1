/** The non-GraphQL routes, as a yoga plugin so `yoga.fetch` (tests) reaches them too. */
import type { Plugin } from 'graphql-yoga';
import { JWKS_MAX_AGE_SECONDS } from '../modules/keys/keys.service';

type Check = () => Promise<void>;

const withTimeout = (check: Check, ms: number) =>
  Promise.race([check(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

/**
 * RFC 8414 metadata, claiming only what exists: we issue JWT access tokens (RFC 9068) verifiable
 * with our JWKS, but run no OAuth authorization or token endpoint (sign-in is the GraphQL API),
 * so `response_types_supported`, which the RFC requires, is empty and no endpoint is named.
 */
const authorizationServerMetadata = (issuer: string) =>
  JSON.stringify({
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    response_types_supported: [],
  });

export function useRoutes(opts: { jwks: () => unknown; readiness: Record<string, Check>; issuer: string }): Plugin {
  const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    });
  const metadata = authorizationServerMetadata(opts.issuer);
  // A resource server that cached the set just before a rotation must refetch it before the new key signs.
  const jwksCacheControl = `public, max-age=${JWKS_MAX_AGE_SECONDS}`;
  return {
    async onRequest({ url, request, endResponse }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      switch (url.pathname) {
        case '/healthz':
          return endResponse(json({ status: 'ok' }, 200));
        case '/readyz': {
          const results = await Promise.all(
            Object.entries(opts.readiness).map(async ([name, check]) => {
              try {
                await withTimeout(check, 2000);
                return [name, 'ok'] as const;
              } catch {
                return [name, 'unavailable'] as const;
              }
            }),
          );
          const ready = results.every(([, state]) => state === 'ok');
          return endResponse(json({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) }, ready ? 200 : 503));
        }
        case '/.well-known/jwks.json':
          return endResponse(json(opts.jwks(), 200, { 'cache-control': jwksCacheControl }));
        case '/.well-known/oauth-authorization-server':
          return endResponse(json(metadata, 200, { 'cache-control': 'public, max-age=3600' }));
      }
    },
  };
}
