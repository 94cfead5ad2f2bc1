/** The non-GraphQL routes, as a yoga plugin so `yoga.fetch` (tests) reaches them too. */
import type { Plugin } from 'graphql-yoga';

type Check = () => Promise<void>;

const withTimeout = (check: Check, ms: number) =>
  Promise.race([check(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

export function useRoutes(opts: { jwks: () => unknown; readiness: Record<string, Check> }): Plugin {
  const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers } });
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
          // Short cache: rotation adds a key; resource servers refetch on an unknown kid anyway.
          return endResponse(json(opts.jwks(), 200, { 'cache-control': 'public, max-age=300' }));
      }
    },
  };
}
