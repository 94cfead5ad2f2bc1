/**
 * POST /graphql only with `Content-Type: application/json`.
 *
 * Threat: login CSRF and friends. A cross-site HTML form (or `fetch` without a preflight) can
 * send only "simple" content types (form-urlencoded, multipart, text/plain), and yoga parsed
 * those too, so any page could run `login`/`register` in a visitor's browser. JSON needs a CORS
 * preflight, which only CORS_ORIGINS pass. Everything else is refused with 415 before parsing,
 * with a GraphQL-over-HTTP error body; GET stays query-only (yoga refuses mutations over GET).
 */
import type { Plugin } from 'graphql-yoga';

const BODY = JSON.stringify({
  errors: [
    {
      message: 'POST requests to /graphql must have Content-Type: application/json.',
      extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' },
    },
  ],
});

/**
 * `application/json` as every client writes it (yoga's JSON parser matches exactly that),
 * optionally with `charset=utf-8` (RFC 8259: JSON between systems is UTF-8); nothing else, not
 * even a list that starts with it.
 */
export function isJsonContentType(value: string | null): boolean {
  if (value === null) return false;
  const semicolon = value.indexOf(';');
  if ((semicolon < 0 ? value : value.slice(0, semicolon)) !== 'application/json') return false;
  return semicolon < 0 || /^\s*(charset\s*=\s*(utf-8|"utf-8")\s*)?;?\s*$/i.test(value.slice(semicolon + 1));
}

export function useJsonRequests(): Plugin {
  return {
    onRequestParse({ request, endResponse }) {
      if (request.method !== 'POST' || isJsonContentType(request.headers.get('content-type'))) return;
      endResponse(new Response(BODY, { status: 415, headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' } }));
    },
  };
}
