/**
 * The small set of Redis operations this service relies on, with an in-process equivalent for
 * single-instance deployments without REDIS_URL. Every key is prefixed (REDIS_KEY_PREFIX), so
 * deployments and test files can share one Redis.
 *
 * Hot-path rule: a request makes at most one round trip here, so lookups are batched (`mget`).
 *
 * Redis may lose its data (a restart without persistence, a flush, eviction): `tryLock`,
 * `release` and `restore` let the revocation module rebuild its markers from PostgreSQL under a
 * lock, and mark the rebuild done only if no second loss happened meanwhile.
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
  /** Takes `key` for `ttlSeconds` unless someone holds it; true when taken. */
  tryLock(key: string, token: string, ttlSeconds: number): Promise<boolean>;
  /** Frees `key` if `token` still holds it. */
  release(key: string, token: string): Promise<void>;
  /**
   * Only while `lock` is still held by its token (a flush would have removed it): sets, in order,
   * every entry that is absent (a present one is newer than what the caller read), entries
   * without `ttl` never expiring, then frees the lock. False when the lock was gone: then no
   * entry after that point was written, so the last entry marks a complete restore.
   */
  restore(lock: { key: string; token: string }, entries: { key: string; value: string; ttl?: number }[]): Promise<boolean>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end return 0`;

// KEYS: lock, entries...; ARGV: token, '1' to free the lock after, then (value, ttl or '') per entry.
const RESTORE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 2, #KEYS do
  local value, ttl = ARGV[2 * i - 1], ARGV[2 * i]
  if ttl == '' then redis.call('SET', KEYS[i], value, 'NX') else redis.call('SET', KEYS[i], value, 'EX', ttl, 'NX') end
end
if ARGV[2] == '1' then redis.call('DEL', KEYS[1]) end
return 1
`;
/** Entries per script call: bounded arguments, and Redis is not held for long by one call. */
const RESTORE_BATCH = 1000;

const wholeSeconds = (ttl: number) => Math.max(1, Math.ceil(ttl));

export function createRedisKv(redis: Redis): Kv {
  return {
    kind: 'redis',
    mget: (keys) => (keys.length === 0 ? Promise.resolve([]) : redis.mget(...keys)),
    mgetAndCount: async (keys, counter) => {
      const tx = redis.multi();
      if (keys.length > 0) tx.mget(...keys);
      tx.incr(counter.key);
      tx.expire(counter.key, wholeSeconds(counter.ttl), 'NX');
      const results = (await tx.exec()) ?? [];
      for (const [error] of results) if (error) throw error;
      const values = keys.length > 0 ? (results[0]![1] as (string | null)[]) : [];
      return { values, count: Number(results[keys.length > 0 ? 1 : 0]![1]) };
    },
    setex: async (key, ttl, value) => {
      await redis.set(key, value, 'EX', wholeSeconds(ttl));
    },
    del: async (key) => {
      await redis.del(key);
    },
    tryLock: async (key, token, ttl) => (await redis.set(key, token, 'EX', wholeSeconds(ttl), 'NX')) === 'OK',
    release: async (key, token) => {
      await redis.eval(RELEASE, 1, key, token);
    },
    restore: async (lock, entries) => {
      for (let start = 0; start === 0 || start < entries.length; start += RESTORE_BATCH) {
        const batch = entries.slice(start, start + RESTORE_BATCH);
        const last = start + RESTORE_BATCH >= entries.length ? '1' : '0';
        const args = batch.flatMap((e) => [e.value, e.ttl === undefined ? '' : String(wholeSeconds(e.ttl))]);
        if ((await redis.eval(RESTORE, 1 + batch.length, lock.key, ...batch.map((e) => e.key), lock.token, last, ...args)) !== 1) return false;
      }
      return true;
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
  const set = (key: string, value: string, ttl?: number) => {
    store.set(prefix + key, { value, expiresAt: ttl === undefined ? Infinity : clock.now().getTime() + wholeSeconds(ttl) * 1000 });
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
      const expiresAt = entry && current > 1 ? entry.expiresAt : clock.now().getTime() + wholeSeconds(counter.ttl) * 1000;
      store.set(prefix + counter.key, { value: String(current), expiresAt });
      return { values: keys.map(live), count: current };
    },
    setex: async (key, ttl, value) => set(key, value, ttl),
    del: async (key) => {
      store.delete(prefix + key);
    },
    // One process, one event loop: these need no atomicity beyond not awaiting in between.
    tryLock: async (key, token, ttl) => {
      if (live(key) != null) return false;
      set(key, token, ttl);
      return true;
    },
    release: async (key, token) => {
      if (live(key) === token) store.delete(prefix + key);
    },
    restore: async (lock, entries) => {
      if (live(lock.key) !== lock.token) return false;
      for (const e of entries) if (live(e.key) == null) set(e.key, e.value, e.ttl);
      store.delete(prefix + lock.key);
      return true;
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
