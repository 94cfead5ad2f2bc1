/**
 * The small set of Redis operations this service relies on, with an in-process equivalent for
 * single-instance deployments without REDIS_URL. Every key is prefixed (REDIS_KEY_PREFIX), so
 * deployments and test files can share one Redis.
 *
 * Hot-path rule: a request makes at most one round trip here, so lookups are batched (`mget`).
 */
import { Redis } from 'ioredis';
import type { Clock } from '../lib/clock';

export interface Kv {
  readonly kind: 'redis' | 'memory';
  mget(keys: string[]): Promise<(string | null)[]>;
  /**
   * One round trip, atomic: read `keys`, and add one to `counter` (which expires after `ttl`
   * seconds from its first increment). For a per-key rate limit beside the revocation check.
   */
  mgetAndCount(keys: string[], counter: { key: string; ttl: number }): Promise<{ values: (string | null)[]; count: number }>;
  /** Sets with an expiry in seconds (whole seconds, at least 1). */
  setex(key: string, ttlSeconds: number, value: string): Promise<void>;
  del(key: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createRedisKv(redis: Redis): Kv {
  return {
    kind: 'redis',
    mget: (keys) => (keys.length === 0 ? Promise.resolve([]) : redis.mget(...keys)),
    mgetAndCount: async (keys, counter) => {
      const tx = redis.multi();
      if (keys.length > 0) tx.mget(...keys);
      tx.incr(counter.key);
      tx.expire(counter.key, Math.max(1, Math.ceil(counter.ttl)), 'NX');
      const results = (await tx.exec()) ?? [];
      for (const [error] of results) if (error) throw error;
      const values = keys.length > 0 ? (results[0]![1] as (string | null)[]) : [];
      return { values, count: Number(results[keys.length > 0 ? 1 : 0]![1]) };
    },
    setex: async (key, ttl, value) => {
      await redis.set(key, value, 'EX', Math.max(1, Math.ceil(ttl)));
    },
    del: async (key) => {
      await redis.del(key);
    },
    ping: async () => {
      await redis.ping();
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Expiry follows the injected clock, so tests move time instead of sleeping. */
export function createMemoryKv(clock: Clock, prefix = ''): Kv {
  const store = new Map<string, { value: string; expiresAt: number }>();
  const live = (key: string) => {
    const entry = store.get(prefix + key);
    if (!entry) return null;
    if (entry.expiresAt <= clock.now().getTime()) {
      store.delete(prefix + key);
      return null;
    }
    return entry.value;
  };
  // Bound memory: drop expired entries once a minute without keeping the process alive.
  const sweep = setInterval(() => {
    const now = clock.now().getTime();
    for (const [k, v] of store) if (v.expiresAt <= now) store.delete(k);
  }, 60_000);
  sweep.unref();
  return {
    kind: 'memory',
    mget: async (keys) => keys.map(live),
    mgetAndCount: async (keys, counter) => {
      const current = Number(live(counter.key) ?? 0) + 1;
      const entry = store.get(prefix + counter.key);
      const expiresAt = entry && current > 1 ? entry.expiresAt : clock.now().getTime() + Math.max(1, Math.ceil(counter.ttl)) * 1000;
      store.set(prefix + counter.key, { value: String(current), expiresAt });
      return { values: keys.map(live), count: current };
    },
    setex: async (key, ttl, value) => {
      store.set(prefix + key, { value, expiresAt: clock.now().getTime() + Math.max(1, Math.ceil(ttl)) * 1000 });
    },
    del: async (key) => {
      store.delete(prefix + key);
    },
    ping: async () => {},
    close: async () => {
      clearInterval(sweep);
      store.clear();
    },
  };
}

export function createRedisClient(url: string, keyPrefix: string): Redis {
  return new Redis(url, {
    keyPrefix,
    // Fail fast rather than queue forever: a credential check must not hang on a dead Redis.
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 5000,
    lazyConnect: false,
  });
}
