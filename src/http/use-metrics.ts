/**
 * Request metrics and the `/metrics` endpoint, over prom-client.
 *
 * Threats: labels that carry the URL put credentials sent in a query string (`?api_key=`) on
 * the metrics page, and labels that carry client-chosen text (operation names, unknown fields,
 * paths) grow one series per request until memory and scrapes blow up. So every label value is
 * one of a set fixed at start: the routes we serve, the root fields of the schema, the methods
 * we answer, the status we chose. The page itself needs METRICS_TOKEN (compared as SHA-256
 * digests, constant-time) when one is set, and does not exist in production without one.
 *
 * Cost on the request path: one small record per request, label objects built once at start.
 */
import { getOperationAST, Kind, type DocumentNode, type GraphQLSchema } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { safeEqual, sha256 } from '../lib/tokens';
import type { Metrics } from '../metrics';

/** The paths we serve; any other path is labelled "other". */
const ROUTES = new Set([
  '/graphql',
  '/healthz',
  '/readyz',
  '/metrics',
  '/.well-known/jwks.json',
  '/.well-known/oauth-authorization-server',
  '/audit/export',
]);
const METHODS = new Set(['GET', 'HEAD', 'POST', 'OPTIONS']);

interface OperationLabels {
  operation: string;
  type: string;
}
/** Not a GraphQL request, or one refused before execution (parse, validation, limits). */
const NONE: OperationLabels = { operation: 'none', type: 'none' };

type OperationType = 'query' | 'mutation' | 'subscription';
interface Catalogue {
  fields: Map<string, OperationLabels>;
  other: OperationLabels;
  multiple: OperationLabels;
}

/** The label of every root field, per operation type, built once from the schema. */
export function catalogueOf(schema: GraphQLSchema): Record<OperationType, Catalogue> {
  const build = (type: OperationType, root: { getFields(): Record<string, unknown> } | null | undefined): Catalogue => ({
    fields: new Map(Object.keys(root?.getFields() ?? {}).map((name) => [name, { operation: name, type }])),
    other: { operation: 'other', type },
    multiple: { operation: 'multiple', type },
  });
  return {
    query: build('query', schema.getQueryType()),
    mutation: build('mutation', schema.getMutationType()),
    subscription: build('subscription', schema.getSubscriptionType()),
  };
}

/** The operation's root field when it selects one (aliases and `__typename` aside); never a name the client chose. */
export function operationLabels(catalogue: Record<OperationType, Catalogue>, document: DocumentNode, operationName: string | null | undefined): OperationLabels {
  const op = getOperationAST(document, operationName);
  if (!op) return NONE;
  const entry = catalogue[op.operation];
  let found: OperationLabels | undefined;
  for (const selection of op.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) return entry.other;
    if (selection.name.value === '__typename') continue;
    const labels = entry.fields.get(selection.name.value) ?? entry.other;
    if (found && found !== labels) return entry.multiple;
    found = labels;
  }
  return found ?? entry.other;
}

interface Observed {
  start: number;
  route: string;
  method: string;
  labels: OperationLabels;
}

export function useMetrics(opts: { metrics: Metrics; schema: GraphQLSchema; token: string | undefined; production: boolean }): Plugin {
  const { metrics } = opts;
  const catalogue = catalogueOf(opts.schema);
  const observed = new WeakMap<Request, Observed>();
  const expected = opts.token === undefined ? undefined : sha256(opts.token);
  const served = expected !== undefined || !opts.production;

  const authorized = (header: string | null): boolean => {
    if (expected === undefined) return true;
    const given = header !== null && /^bearer /i.test(header) ? header.slice(7).trim() : '';
    return safeEqual(sha256(given), expected);
  };

  // Over WebSocket there is no HTTP record: the operation is counted, not timed.
  const started = (context: unknown, document: DocumentNode, operationName: string | null | undefined) => {
    const labels = operationLabels(catalogue, document, operationName);
    metrics.operations.inc(labels);
    const record = observed.get((context as { request: Request }).request);
    if (record) record.labels = labels;
  };

  return {
    onRequest({ request, url, endResponse }) {
      const path = url.pathname;
      observed.set(request, {
        start: performance.now(),
        route: ROUTES.has(path) ? path : 'other',
        method: METHODS.has(request.method) ? request.method : 'other',
        labels: NONE,
      });
      // Without a token in production the page does not exist: yoga answers 404 like any unknown path.
      if (path !== '/metrics' || !served) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return endResponse(new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
      }
      if (!authorized(request.headers.get('authorization'))) {
        return endResponse(new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer realm="metrics"', 'cache-control': 'no-store' } }));
      }
      return metrics.registry.metrics().then((text) => {
        endResponse(new Response(text, { status: 200, headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' } }));
      });
    },
    onExecute({ args }) {
      started(args.contextValue, args.document, args.operationName);
    },
    onSubscribe({ args }) {
      started(args.contextValue, args.document, args.operationName);
    },
    onExecutionResult({ request, result }) {
      if (result === undefined || isAsyncIterable(result) || !result.errors?.length) return;
      metrics.operationErrors.inc(observed.get(request)?.labels ?? NONE);
    },
    onResponse({ request, response }) {
      const record = observed.get(request);
      if (!record) return;
      const seconds = (performance.now() - record.start) / 1000;
      metrics.httpDuration.observe({ route: record.route, method: record.method, status: response.status }, seconds);
      if (record.labels !== NONE) metrics.operationDuration.observe(record.labels, seconds);
    },
  };
}
