/**
 * The node HTTP server around the yoga app, with graphql-transport-ws on the same port and a
 * graceful close: stop accepting, let in-flight requests finish (bounded), then close sockets.
 */
import { createServer, IncomingMessage, ServerResponse, STATUS_CODES, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { ExecutionArgs, GraphQLError, GraphQLFormattedError } from 'graphql';
import type { App } from './app';

export interface RunningServer {
  server: Server;
  url: string;
  close(graceMs?: number): Promise<void>;
}

/** GRAPHQL_MAX_BODY_BYTES's default; pass `config.limits.maxBodyBytes` to follow the setting. */
const DEFAULT_MAX_MESSAGE_BYTES = 100 * 1024;

/**
 * The fetch Responses we hand node carry an empty statusText unless their maker set one, and
 * node then writes a status line without a reason phrase (`HTTP/1.1 200 `), which some clients
 * and proxies treat as malformed. Every response gets the standard phrase instead.
 */
class ReasonPhraseResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  override writeHead(statusCode: number, reason?: unknown, headers?: unknown): this {
    const phrase = reason === '' ? (STATUS_CODES[statusCode] ?? 'Unknown') : reason;
    return super.writeHead(statusCode, phrase as string, headers as never);
  }
}

/**
 * Yoga drops `extensions.http` (the status and headers an error asks of the HTTP response) from
 * HTTP bodies; WebSocket messages have no HTTP response, and must not show it either.
 */
function withoutHttp(error: GraphQLError | GraphQLFormattedError): GraphQLFormattedError {
  const formatted = 'toJSON' in error && typeof error.toJSON === 'function' ? error.toJSON() : (error as GraphQLFormattedError);
  if (!formatted.extensions || !('http' in formatted.extensions)) return formatted;
  const { http: _http, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}

export async function startServer(app: App, opts: { host: string; port: number; maxMessageBytes?: number }): Promise<RunningServer> {
  const server = createServer({ ServerResponse: ReasonPhraseResponse }, app as never) as Server;
  // Responses under way, so a close can tell them to end their connection instead of idling on.
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  server.on('request', (_req, res: ServerResponse) => {
    if (closing && !res.headersSent) res.setHeader('connection', 'close');
    inFlight.add(res);
    res.on('close', () => {
      inFlight.delete(res);
      // The socket is idle now: during a close, do not wait for the client's keep-alive.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  // A WebSocket message is a request body too: ws closes the connection (1009) on a bigger one
  // instead of buffering up to its own default of 100 MiB. (HTTP bodies: src/http/use-body-limit.ts.)
  const wss = new WebSocketServer({ server, path: app.graphqlEndpoint, maxPayload: opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES });
  const ws = useServer(
    {
      execute: (args) => (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args) as never,
      subscribe: (args) => (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        const upgrade = ctx.extra.request;
        const headers = new Headers();
        for (const [k, v] of Object.entries(upgrade.headers)) if (typeof v === 'string') headers.set(k, v);
        const { schema, execute, subscribe, contextFactory, parse, validate } = app.getEnveloped({
          ...ctx,
          req: upgrade,
          request: new Request(`http://localhost${app.graphqlEndpoint}`, { headers }),
          connectionParams: ctx.connectionParams ?? {},
          params,
        });
        const args = {
          schema,
          operationName: params.operationName,
          document: parse(params.query),
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        return errors.length > 0 ? errors : args;
      },
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors?.length ? { ...result, errors: result.errors.map(withoutHttp) } : undefined),
      onError: (_ctx, _id, _payload, errors) => errors.map(withoutHttp),
    },
    wss,
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  return {
    server,
    url: `http://${host}:${port}`,
    async close(graceMs = 10_000) {
      closing = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
      await ws.dispose();
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
