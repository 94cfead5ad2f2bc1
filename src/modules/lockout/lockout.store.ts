/**
 * The live copy of consecutive sign-in failures: one Redis hash per subject (hashed e-mail)
 * holding the account-wide count and one count per IP group, each with the time of its last
 * failure. Counting is one atomic script; reading is one round trip. Without Redis, an
 * in-process map does the same for a single instance.
 *
 * `hydrated` is a marker key without expiry: when it is missing, Redis lost its data (restart,
 * flush) and the caller reloads the durable copy from PostgreSQL before trusting a read.
 */
import type { Redis } from 'ioredis';

export interface Count {
  failures: number;
  /** ms since the epoch; 0 when none */
  lastFailedAt: number;
}

export interface SubjectCounts {
  account: Count;
  ip: Count;
}

export interface LockoutStore {
  read(subject: string, group: string): Promise<SubjectCounts & { hydrated: boolean }>;
  /**
   * Adds one failure to both counts (a count idle for longer than `memoryMs` starts again at 0).
   * Once the account count reaches `permanentAt` the subject no longer expires.
   */
  fail(subject: string, group: string, now: number, memoryMs: number, permanentAt: number): Promise<SubjectCounts>;
  /** Forgets the account-wide count, and this group's unless `group` is undefined. */
  reset(subject: string, group: string | undefined): Promise<boolean>;
  /** Forgets every count of the subject. */
  clear(subject: string): Promise<void>;
  /** Puts durable counts back (after Redis lost them) and marks the store hydrated. */
  hydrate(rows: { subject: string; group: string; failures: number; lastFailedAt: number }[], memoryMs: number, now: number): Promise<void>;
}

const ACCOUNT = '';
const key = (subject: string) => `lo:${subject}`;
const HYDRATED = 'lo:hydrated';
const fieldsOf = (group: string) => (group === ACCOUNT ? ['f', 't'] : [`f:${group}`, `t:${group}`]);

const FAIL = `
local now = tonumber(ARGV[1])
local memory = tonumber(ARGV[2])
local function bump(f, t)
  local failures = tonumber(redis.call('HGET', KEYS[1], f) or '0')
  local last = tonumber(redis.call('HGET', KEYS[1], t) or '0')
  if now - last > memory then failures = 0 end
  failures = failures + 1
  redis.call('HSET', KEYS[1], f, failures, t, now)
  return failures
end
local a = bump('f', 't')
local i = bump('f:' .. ARGV[3], 't:' .. ARGV[3])
if a >= tonumber(ARGV[4]) then redis.call('PERSIST', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], memory) end
return {a, i}
`;

const count = (f: unknown, t: unknown): Count => ({ failures: Number(f ?? 0) || 0, lastFailedAt: Number(t ?? 0) || 0 });

export function redisLockoutStore(redis: Redis): LockoutStore {
  redis.defineCommand('idpLockoutFail', { numberOfKeys: 1, lua: FAIL });
  const fail = (redis as unknown as { idpLockoutFail(...args: (string | number)[]): Promise<[number, number]> }).idpLockoutFail.bind(redis);
  return {
    async read(subject, group) {
      const results = (await redis.multi().hmget(key(subject), 'f', 't', ...fieldsOf(group)).exists(HYDRATED).exec()) ?? [];
      for (const [error] of results) if (error) throw error;
      const [af, at, gf, gt] = results[0]![1] as (string | null)[];
      return { account: count(af, at), ip: count(gf, gt), hydrated: results[1]![1] === 1 };
    },
    async fail(subject, group, now, memoryMs, permanentAt) {
      const [a, i] = await fail(key(subject), now, memoryMs, group, permanentAt);
      return { account: { failures: Number(a), lastFailedAt: now }, ip: { failures: Number(i), lastFailedAt: now } };
    },
    async reset(subject, group) {
      return (await redis.hdel(key(subject), 'f', 't', ...(group === undefined ? [] : fieldsOf(group)))) > 0;
    },
    async clear(subject) {
      await redis.del(key(subject));
    },
    async hydrate(rows, memoryMs, now) {
      const tx = redis.multi();
      for (const r of rows) {
        const [f, t] = fieldsOf(r.group);
        tx.hset(key(r.subject), f!, r.failures, t!, r.lastFailedAt);
        tx.pexpire(key(r.subject), Math.max(1, memoryMs - (now - r.lastFailedAt)));
      }
      tx.set(HYDRATED, String(now));
      const results = (await tx.exec()) ?? [];
      for (const [error] of results) if (error) throw error;
    },
  };
}

/** Single instance only (no REDIS_URL); expiry follows the injected clock through `memoryMs`. */
export function memoryLockoutStore(): LockoutStore {
  const subjects = new Map<string, Map<string, Count>>();
  let hydrated = false;
  return {
    async read(subject, group) {
      const s = subjects.get(subject);
      return { account: s?.get(ACCOUNT) ?? count(0, 0), ip: s?.get(group) ?? count(0, 0), hydrated };
    },
    async fail(subject, group, now, memoryMs, permanentAt) {
      const s = subjects.get(subject) ?? new Map<string, Count>();
      // Idle subjects are dropped here, so the map stays bounded by recent activity.
      for (const [name, other] of subjects) {
        if ((other.get(ACCOUNT)?.failures ?? 0) < permanentAt && [...other.values()].every((c) => now - c.lastFailedAt > memoryMs)) subjects.delete(name);
      }
      subjects.set(subject, s);
      const bump = (g: string): Count => {
        const c = s.get(g);
        const next = { failures: (c && now - c.lastFailedAt <= memoryMs ? c.failures : 0) + 1, lastFailedAt: now };
        s.set(g, next);
        return next;
      };
      return { account: bump(ACCOUNT), ip: bump(group) };
    },
    async reset(subject, group) {
      const s = subjects.get(subject);
      if (!s) return false;
      const had = s.delete(ACCOUNT);
      return (group !== undefined && s.delete(group)) || had;
    },
    async clear(subject) {
      subjects.delete(subject);
    },
    async hydrate(rows) {
      for (const r of rows) {
        const s = subjects.get(r.subject) ?? new Map<string, Count>();
        s.set(r.group, { failures: r.failures, lastFailedAt: r.lastFailedAt });
        subjects.set(r.subject, s);
      }
      hydrated = true;
    },
  };
}
