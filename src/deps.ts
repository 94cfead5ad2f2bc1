/**
 * Infrastructure, created once by main.ts (or a test) and passed down: the database, the kv
 * store (Redis or in-process), the clock, the logger and the at-rest sealer. No module creates
 * any of these itself.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Config } from './config';
import { createDatabase, type Database } from './db/client';
import { createMemoryKv, createRedisClient, createRedisKv, type Kv } from './kv/kv';
import { systemClock, type Clock } from './lib/clock';
import { createSealer, type Sealer } from './lib/crypto';
import { createLogger, type Logger } from './logger';
import { createPubsub, type Pubsub } from './pubsub';

export interface Deps {
  config: Config;
  clock: Clock;
  logger: Logger;
  database: Database;
  kv: Kv;
  redis: Redis | undefined;
  pubsub: Pubsub;
  sealer: Sealer;
  close(): Promise<void>;
}

export interface DepsOptions {
  clock?: Clock;
  logger?: Logger;
  /**
   * Embedded database only. The server waits for a crashed predecessor's DATA_DIR lock to go
   * stale; a one-shot command (false) refuses at once while a server holds it.
   */
  waitForDataDir?: boolean;
}

export async function createDeps(config: Config, overrides: DepsOptions = {}): Promise<Deps> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const sealer = createSealer(config.encryptionKey ?? loadOrCreateKey(config.dataDir, logger));
  const database = await createDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    waitForDataDir: overrides.waitForDataDir ?? true,
    // Another process took DATA_DIR over (this one stalled for seconds): writing on would corrupt it.
    onDataDirLockLost: (error) => {
      logger.fatal({ err: error, dataDir: config.dataDir }, 'lost the lock on DATA_DIR to another process: stopping to protect the data');
      process.exit(1);
    },
  });
  const redis = config.redisUrl ? createRedisClient(config.redisUrl, config.redisKeyPrefix) : undefined;
  redis?.on('error', (error) => logger.warn({ err: error.message }, 'redis error'));
  const kv = redis ? createRedisKv(redis) : createMemoryKv(clock);
  // A connection in subscriber mode can do nothing else: it gets its own.
  const redisSubscriber = config.redisUrl ? createRedisClient(config.redisUrl, '') : undefined;
  redisSubscriber?.on('error', (error) => logger.warn({ err: error.message }, 'redis subscriber error'));
  const pubsub = createPubsub({ redis: redis && redisSubscriber ? { publish: redis, subscribe: redisSubscriber } : undefined, prefix: config.redisKeyPrefix });
  return {
    config,
    clock,
    logger,
    database,
    kv,
    redis,
    pubsub,
    sealer,
    async close() {
      await Promise.allSettled([database.close(), kv.close(), redisSubscriber?.quit()]);
    },
  };
}

/** Development only (config refuses a missing key in production): a key kept beside the data. */
function loadOrCreateKey(dataDir: string, logger: Logger): Buffer {
  const file = path.resolve(dataDir, 'encryption.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600 });
  logger.warn({ file }, 'ENCRYPTION_KEY is not set: generated one into DATA_DIR. Set ENCRYPTION_KEY in production.');
  return key;
}
