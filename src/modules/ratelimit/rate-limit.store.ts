/**
 * graphql-rate-limit's Store, made atomic. Its stock Redis store reads the timestamps, then
 * writes them back: 50 concurrent calls all read "9 so far" and all pass. Here the read is the
 * write: one Lua script (or, without Redis, one synchronous step) drops what left the window,
 * records this call only while under `max`, and returns what it saw before. Concurrent callers
 * therefore see 0, 1, 2, … and at most `max` of them pass. A refused call is not recorded, so a
 * client that keeps hammering is back in as soon as its oldest call leaves the window, and the
 * log never holds more than `max` entries. Each hit is O(log n) (a count, not a read of the log).
 *
 * Time is the injected clock. graphql-rate-limit filters the returned timestamps against
 * Date.now(), so they are handed back shifted onto the wall clock by the same offset.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Identity, Store } from 'graphql-rate-limit';
import type { Clock } from '../../lib/clock';
import { sha256 } from '../../lib/tokens';

const HIT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return {count, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {count, tonumber(oldest[2])}
`;

/** What one atomic hit saw: the calls already in the window, and (when refused) the oldest one's time. */
export interface Hit {
  count: number;
  allowed: boolean;
  /** ms; set when refused */
  oldest: number | undefined;
}

export interface RateLimitBackend {
  /** Atomically: forget calls older than the window, record `now` if fewer than `max`, say what was there. O(log n). */
  hit(key: string, now: number, windowMs: number, max: number): Promise<Hit>;
  /** Forgets every call of this key. */
  clear(key: string): Promise<void>;
}

export function redisRateLimitBackend(redis: Redis): RateLimitBackend {
  redis.defineCommand('idpRateLimitHit', { numberOfKeys: 1, lua: HIT });
  const run = (redis as unknown as { idpRateLimitHit(...args: (string | number)[]): Promise<[number, number]> }).idpRateLimitHit.bind(redis);
  return {
    async hit(key, now, windowMs, max) {
      const [count, oldest] = await run(key, now, windowMs, max, `${now}:${randomBytes(6).toString('hex')}`);
      const allowed = Number(count) < max;
      return { count: Number(count), allowed, oldest: allowed ? undefined : Number(oldest) };
    },
    async clear(key) {
      await redis.del(key);
    },
  };
}

/** Single instance only (no REDIS_URL). Synchronous between awaits, hence atomic. */
export function memoryRateLimitBackend(): RateLimitBackend {
  // Each log is in time order (calls are appended as they come), so expired calls sit at its front.
  const logs = new Map<string, number[]>();
  const sweep = setInterval(() => {
    for (const [key, log] of logs) if (log.length === 0) logs.delete(key);
  }, 60_000);
  sweep.unref();
  return {
    async hit(key, now, windowMs, max) {
      const log = logs.get(key) ?? [];
      let expired = 0;
      while (expired < log.length && log[expired]! <= now - windowMs) expired++;
      if (expired > 0) log.splice(0, expired);
      const count = log.length;
      const allowed = count < max;
      if (allowed) log.push(now);
      logs.set(key, log);
      return { count, allowed, oldest: allowed ? undefined : log[0] };
    },
    async clear(key) {
      logs.delete(key);
    },
  };
}

/** One store per rule, so the script knows the rule's window and maximum. */
export class AtomicRateLimitStore implements Store {
  /** When the oldest recorded call leaves the window, per identity refused last (for Retry-After). */
  private readonly retryAt = new Map<string, number>();

  constructor(
    private readonly backend: RateLimitBackend,
    private readonly clock: Clock,
    private readonly rule: { name: string; max: number; windowMs: number },
  ) {}

  /**
   * The decision is the script's; graphql-rate-limit is called with `max: 1` and gets back no
   * calls when this one may pass and one (the oldest, on the wall clock) when it may not. So the
   * limiter's verdict is the atomic one, and no call ever ships the whole window's log around.
   */
  async getForIdentity(identity: Identity): Promise<readonly number[]> {
    const now = this.clock.now().getTime();
    const hit = await this.backend.hit(this.keyOf(identity), now, this.rule.windowMs, this.rule.max);
    if (hit.allowed) return [];
    this.retryAt.set(this.keyOf(identity), hit.oldest! + this.rule.windowMs);
    return [hit.oldest! + (Date.now() - now)];
  }

  /** Recording happened in getForIdentity. */
  setForIdentity(): void {}

  /** Seconds until a refused identity may try again (and forgets it). */
  takeRetryAfter(identity: Identity): number {
    const key = this.keyOf(identity);
    const at = this.retryAt.get(key);
    this.retryAt.delete(key);
    if (at === undefined) return Math.ceil(this.rule.windowMs / 1000);
    return Math.max(1, Math.ceil((at - this.clock.now().getTime()) / 1000));
  }

  /** Forgets every call of this identity (an admin unlocked the account, its owner reset the password). */
  async forget(identity: Identity): Promise<void> {
    await this.backend.clear(this.keyOf(identity));
  }

  /** E-mail addresses and IPs never appear in Redis keys. */
  private keyOf(identity: Identity): string {
    return `rl:${this.rule.name}:${sha256(`${identity.contextIdentity}\0${identity.fieldIdentity}`).slice(0, 32)}`;
  }
}
