import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import { withoutRedaction, type Logger } from '../logger';

const ids = new WeakMap<Request, string>();
const started = new WeakMap<Request, number>();

/** A request id per request: the caller's `x-request-id` when sane, else a new one; echoed back. */
export const requestIdOf = (request: Request): string => {
  let id = ids.get(request);
  if (!id) {
    const given = request.headers.get('x-request-id');
    id = given && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    ids.set(request, id);
  }
  return id;
};

/** Echoes the request id and writes one JSON log line per request (never bodies or headers). */
export function useRequestLog(parent: Logger): Plugin {
  const logger = withoutRedaction(parent);
  return {
    onRequest({ request }) {
      started.set(request, performance.now());
    },
    onResponse({ request, response }) {
      const requestId = requestIdOf(request);
      response.headers.set('x-request-id', requestId);
      const ms = Math.round((performance.now() - (started.get(request) ?? performance.now())) * 10) / 10;
      logger.info({ requestId, method: request.method, path: new URL(request.url).pathname, status: response.status, ms }, 'request');
    },
  };
}
