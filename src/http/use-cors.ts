/**
 * CORS from an allow-list (CORS_ORIGINS), replacing yoga's default, which reflected any origin
 * with credentials: every web page could call the API as its visitor and read the answers.
 *
 * An allowed origin gets its own origin back with credentials; any other gets no CORS header at
 * all (never `*`, never `null`: sandboxed frames of any site send `Origin: null`), and its
 * preflight is refused, so a browser does not even send the request. With no list (the
 * default) nothing is cross-origin. Responses vary by Origin when a list is set, so a cache
 * cannot hand one origin's answer to another.
 */
import type { Plugin } from 'graphql-yoga';

/** What our clients send: bearer tokens, API keys, the cookie-mode CSRF header, request ids. */
const ALLOWED_HEADERS = 'authorization, content-type, accept, x-api-key, x-graphql-csrf, x-request-id';
const EXPOSED_HEADERS = 'x-request-id, retry-after, www-authenticate';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

export function useCors(origins: readonly string[]): Plugin {
  const allowed = new Set(origins);
  return {
    onRequest({ request, endResponse }) {
      if (request.method !== 'OPTIONS') return;
      const origin = request.headers.get('origin');
      if (origin === null || !allowed.has(origin)) {
        return endResponse(new Response(null, { status: 403, headers: { vary: 'Origin' } }));
      }
      return endResponse(
        new Response(null, {
          status: 204,
          headers: {
            'access-control-allow-origin': origin,
            'access-control-allow-credentials': 'true',
            'access-control-allow-methods': 'GET, POST',
            'access-control-allow-headers': ALLOWED_HEADERS,
            'access-control-max-age': PREFLIGHT_MAX_AGE_SECONDS,
            vary: 'Origin',
          },
        }),
      );
    },
    onResponse({ request, response }) {
      if (allowed.size === 0 || request.method === 'OPTIONS') return;
      response.headers.append('vary', 'Origin');
      const origin = request.headers.get('origin');
      if (origin === null || !allowed.has(origin)) return;
      response.headers.set('access-control-allow-origin', origin);
      response.headers.set('access-control-allow-credentials', 'true');
      response.headers.set('access-control-expose-headers', EXPOSED_HEADERS);
    },
  };
}
