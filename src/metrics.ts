import { collectDefaultMetrics, Counter, Registry } from 'prom-client';

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
  return { registry, loginOutcomes };
}
export type Metrics = ReturnType<typeof createMetrics>;
