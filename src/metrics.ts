/**
 * Prometheus metrics. Every label value comes from a fixed set chosen by the server (a route we
 * serve, a root field of the schema, a status code), never from the request: a URL or a
 * client-chosen operation name in a label once put `?api_key=` values on a public page, and
 * unique names grew one series per request (memory, and a scrape that blocked the event loop).
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** One registry per app instance (not prom-client's global), so tests can run several apps. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const loginOutcomes = new Counter({
    name: 'auth_login_total',
    help: 'Password logins by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by route (the path when it is one we serve, else "other"), method and status, until the response headers.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations started, by type and root field ("multiple" for several, "other" for anything else; never the client\'s operation name).',
    labelNames: ['operation', 'type'] as const,
    registers: [registry],
  });
  const operationDuration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'GraphQL operations over HTTP, from request to response headers, labelled like graphql_operations_total.',
    labelNames: ['operation', 'type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const operationErrors = new Counter({
    name: 'graphql_errors_total',
    help: 'HTTP GraphQL results with errors, labelled like graphql_operations_total (operation and type "none": refused before execution).',
    labelNames: ['operation', 'type'] as const,
    registers: [registry],
  });
  return { registry, loginOutcomes, httpDuration, operations, operationDuration, operationErrors };
}
export type Metrics = ReturnType<typeof createMetrics>;
