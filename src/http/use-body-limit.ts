/**
 * Threat: a request body large enough to hold memory and parser time, or one sent chunked,
 * without a Content-Length, so no header gives it away.
 *
 * A declared length over the limit is refused before a byte of the body is read. A body without
 * one is counted as it streams and refused as soon as it passes the limit, so at most the limit
 * (plus one chunk) is ever held. Both answer 413 with a GraphQL-style error that, like the
 * query limits, does not say what the limit is, and `Connection: close`: otherwise node would
 * read and discard the rest of a declared body to keep the connection, or leave a half-read
 * chunked one open.
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { QUERY_TOO_COMPLEX } from '../graphql/armor';

const tooLarge = () =>
  new GraphQLError('The request body is too large.', { extensions: { code: QUERY_TOO_COMPLEX, http: { status: 413, headers: { connection: 'close' } } } });

export function useBodyLimit(maxBytes: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get('content-length');
      // Node's HTTP parser never hands on more bytes than a Content-Length declares (a malformed
      // one is refused there), so only bodies without one need counting.
      if (declared !== null) {
        if (Number(declared) > maxBytes) throw tooLarge();
        return;
      }
      if (!requestParser || !request.body) return;
      setRequestParser((req) => requestParser(counted(req, maxBytes, fetchAPI)));
    },
  };
}

function counted(request: Request, maxBytes: number, fetchAPI: { Request: typeof Request; TransformStream: typeof TransformStream }): Request {
  const body = request.body!;
  // The node adapter's body may be a native stream or whatwg-node's ponyfill: pipe through the same kind.
  const Transform = body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  let seen = 0;
  const limited = body.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body: limited,
    duplex: 'half',
  } as RequestInit);
}
