/** Composition root: config → deps → services → app → listen; graceful shutdown on signals. */
import { createApp } from './app';
import { bootstrap } from './bootstrap';
import { ConfigError, parseConfig, type Config } from './config';
import { createDeps } from './deps';
import { createMetrics } from './metrics';
import { startServer } from './server';
import { createServices } from './services';

let config: Config;
try {
  config = parseConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const metrics = createMetrics();
const deps = await createDeps(config);
const { logger } = deps;
const services = createServices(deps, { onLogin: (outcome) => metrics.loginOutcomes.inc({ outcome }) });
await bootstrap(deps, services);
services.keys.start();

const app = createApp({
  config,
  services,
  logger,
  metrics,
  readiness: { database: () => deps.database.ping(), ...(deps.redis ? { redis: () => deps.kv.ping() } : {}) },
});
const server = await startServer(app, { host: config.host, port: config.port });
logger.info(
  { url: server.url, database: deps.database.kind, kv: deps.kv.kind, publicUrl: config.publicUrl },
  `identity API listening on ${server.url}/graphql`,
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: finishing in-flight requests');
  await server.close();
  services.keys.stop();
  await deps.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
