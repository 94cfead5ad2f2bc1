/**
 * The node HTTP server around the yoga app, with graphql-transport-ws on the same port and a
 * graceful close: stop accepting, end every subscription with a `complete`, let in-flight
 * requests finish (bounded), then close sockets.
 *
 * Slow clients: a request must arrive whole within `requestTimeoutMs` and its headers within
 * `headersTimeoutMs` (Node answers 408 and closes), so a client trickling a body cannot hold a
 * connection and its buffers for Node's default of 300 s.
 */
import { createServer, IncomingMessage, ServerResponse, STATUS_CODES, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Context as WsContext } from 'graphql-ws';
import { GraphQLError, type ExecutionArgs, type GraphQLFormattedError } from 'graphql';
import type { App } from './app';
import type { Logger } from './logger';

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

export interface ServerOptions {
  host: string;
  port: number;
  maxMessageBytes?: number;
  /** HTTP_REQUEST_TIMEOUT: the whole request (headers and body) must arrive within this. */
  requestTimeoutMs?: number;
  /** HTTP_HEADERS_TIMEOUT */
  headersTimeoutMs?: number;
  /** Where an unexpected failure while starting a WebSocket operation is logged. */
  logger?: Logger;
}

export async function startServer(app: App, opts: ServerOptions): Promise<RunningServer> {
  const requestTimeout = opts.requestTimeoutMs ?? 30_000;
  const headersTimeout = Math.min(opts.headersTimeoutMs ?? 10_000, requestTimeout);
  const server = createServer(
    {
      ServerResponse: ReasonPhraseResponse,
      requestTimeout,
      headersTimeout,
      // Node's default for idle keep-alive connections, kept below the headers timeout.
      keepAliveTimeout: Math.min(5_000, headersTimeout),
      // How often Node looks for requests over their timeouts (30 s by default, too coarse for short limits).
      connectionsCheckingInterval: Math.max(100, Math.min(headersTimeout, requestTimeout) / 4),
    },
    app as never,
  ) as Server;
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
  // Open connections, so a close can complete their subscriptions before saying goodbye.
  const connections = new Set<WsContext<Record<string, unknown>, { socket: WebSocket }>>();
  const ws = useServer(
    {
      execute: (args) => (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args) as never,
      subscribe: (args) => (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
      onConnect: (ctx) => {
        connections.add(ctx);
      },
      onClose: (ctx) => {
        connections.delete(ctx);
      },
      // A bad document (syntax, too many tokens, validation) answers an `error` message for that
      // operation id and keeps the socket: thrown, it closed the socket with 4500 and a stack.
      onSubscribe: async (ctx, _id, params) => {
        try {
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
          const document = parse(params.query);
          const errors = validate(schema, document);
          if (errors.length > 0) return [...errors];
          return {
            schema,
            operationName: params.operationName,
            document,
            variableValues: params.variables,
            contextValue: await contextFactory(),
            rootValue: { execute, subscribe },
          };
        } catch (error) {
          return [operationError(error, opts.logger)];
        }
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
      // WebSocket: a `complete` for every subscription, then close 1001 (going away).
      await Promise.all([...connections].map(completeSubscriptions));
      await ws.dispose();
      wss.close();
      // SSE: every subscription's stream ends with its `complete` event (see use-end-on-dispose).
      await app.dispose();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}

/** Ends each subscription of one connection, telling the client first so it does not retry blindly. */
async function completeSubscriptions(ctx: WsContext<Record<string, unknown>, { socket: WebSocket }>): Promise<void> {
  const { socket } = ctx.extra;
  const subscriptions = Object.entries(ctx.subscriptions);
  // Forgotten first: graphql-ws then neither sends a second complete nor an error for them.
  for (const [id] of subscriptions) delete ctx.subscriptions[id];
  await Promise.all(
    subscriptions.map(
      ([id]) =>
        new Promise<void>((resolve) => {
          if (socket.readyState !== WebSocket.OPEN) return resolve();
          socket.send(JSON.stringify({ id, type: 'complete' }), () => resolve());
        }),
    ),
  );
  await Promise.allSettled(subscriptions.map(([, sub]) => (sub && 'return' in sub && typeof sub.return === 'function' ? sub.return(undefined) : undefined)));
}

/** What a client is told when its operation cannot start: its own mistake as is, anything else masked. */
function operationError(error: unknown, logger: Logger | undefined): GraphQLError {
  if (error instanceof GraphQLError && !(error.originalError && !(error.originalError instanceof GraphQLError))) {
    return new GraphQLError(error.message, { source: error.source, positions: error.positions, extensions: error.extensions });
  }
  logger?.error({ err: error }, 'unexpected error starting a WebSocket operation (masked)');
  return new GraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}
