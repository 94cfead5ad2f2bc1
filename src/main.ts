/** Composition root: config → compose → listen; graceful shutdown on signals. */
import { compose } from './compose';
import { ConfigError, parseConfig, type Config } from './config';
import { DataDirLockedError } from './db/client';
import { startServer } from './server';
import { warmPasswordScoring } from './modules/auth/password-scoring';
import { lowerPoolPriority } from './lib/pool-priority';

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

// Start-up can find configuration problems too (a bootstrap admin password the policy refuses).
const service = await compose(config).catch((error: unknown) => {
  if (!(error instanceof ConfigError || error instanceof DataDirLockedError)) throw error;
  console.error(error.message);
  process.exit(1);
});
const { logger } = service.deps;
service.startJobs();
warmPasswordScoring();
// Hashes (libuv's pool) yield the CPU to the event loop: a burst of logins must not slow token checks.
if (config.threadPoolNice > 0) {
  const lowered = await lowerPoolPriority({ nice: config.threadPoolNice });
  logger.debug({ threads: lowered.length, nice: config.threadPoolNice }, 'thread pool priority lowered');
}
const server = await startServer(service.app, {
  host: config.host,
  port: config.port,
  maxMessageBytes: config.limits.maxBodyBytes,
  requestTimeoutMs: config.http.requestTimeout * 1000,
  headersTimeoutMs: config.http.headersTimeout * 1000,
  logger,
});
logger.info(
  { url: server.url, pid: process.pid, database: service.deps.database.kind, kv: service.deps.kv.kind, publicUrl: config.publicUrl },
  `identity API listening on ${server.url}/graphql`,
);
// Log lines are buffered: this one is what supervisors and operators wait for.
logger.flush();

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: finishing in-flight requests');
  await server.close();
  await service.close();
  logger.info('stopped');
  process.exit(0);
}
// A bug that loses a promise must not take every user's sign-in down with it: log it loudly.
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
