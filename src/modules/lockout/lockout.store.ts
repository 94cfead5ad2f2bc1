/**
 * The live copy of consecutive sign-in failures, and the attempts in flight.
 *
 * Threat: a burst. If the lock is read, then the credential checked, then the failure counted,
 * every request of a concurrent burst reads "not locked yet" and is evaluated: ten guesses where
 * three were allowed, and a right one among them clears the lock. So an attempt is RESERVED
 * before its credential is checked: one atomic step reads the counts together with the attempts
 * still in flight and either refuses (a lock, counting the in-flight ones as the failures they
 * may become) or records this attempt as in flight. The attempt then ends in exactly one of
 * `fail` (counted), `succeed` (the counts reset) or `cancel` (not a guess: forgotten).
 *
 * Per subject (hashed e-mail), with Redis:
 * - `lo:{s}`   hash: `f`/`t` the account-wide count and its last failure, `f:<g>`/`t:<g>` per
 *              group: the client's address (IPv6 by /64), or the trusted device presented;
 * - `lo:{s}:n` hash: network → last failure, the distinct networks behind the account-wide count
 *              (it locks every address only when enough networks took part);
 * - `lo:{s}:p` sorted set: attempts in flight (`<group>|<network>|<id>`, scored by start), which
 *              a crashed instance cannot leave behind for longer than PENDING_MS.
 * Without Redis, an in-process map does the same for a single instance.
 *
 * `hydrated` is a marker key without expiry: when it is missing, Redis lost its data (restart,
 * flush) and the caller reloads the durable copy from PostgreSQL before trusting a count.
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
  /** Distinct networks behind the account-wide count. */
  nets: number;
}

/** What the lock decision needs, in the store's own terms (the service owns the policy). */
export interface LockRules {
  /** Ascending; ms */
  levels: { failures: number; ms: number }[];
  accountFrom: number;
  maxFailures: number;
  minGroups: number;
  memoryMs: number;
}

export interface Slot {
  subject: string;
  group: string;
  net: string;
  id: string;
}

export type ReserveResult =
  | { reserved: true }
  | { reserved: false; scope: 'account' | 'ip'; /** ms; null: permanent */ until: number | null; failures: number }
  | { reserved: false; scope: 'unhydrated' }
  /** Refused only because attempts still in flight could all fail: no lock yet, try again shortly. */
  | { reserved: false; scope: 'busy'; lock: { scope: 'account' | 'ip'; until: number | null; failures: number } };

export interface LockoutStore {
  read(subject: string, group: string, now: number, memoryMs: number, maxFailures: number): Promise<SubjectCounts & { hydrated: boolean }>;
  /**
   * Atomically: refuse while a lock holds (in-flight attempts counted as failures), else record
   * the attempt as in flight. `bypass`: the account-wide lock does not apply (the group's does).
   */
  reserve(slot: Slot, now: number, rules: LockRules, bypass: boolean): Promise<ReserveResult>;
  /** The reserved attempt failed: one more failure on the account, its group and its network. */
  fail(slot: Slot, now: number, memoryMs: number, permanentAt: number): Promise<SubjectCounts>;
  /** The reserved attempt succeeded: the account-wide count, its networks and the group's count go. Returns whether a count was there. */
  succeed(slot: Slot): Promise<boolean>;
  /** The reserved attempt was no guess (malformed, already used, refused elsewhere): forget it. */
  cancel(slot: Slot): Promise<void>;
  /** Forgets every count of the subject. */
  clear(subject: string): Promise<void>;
  /** Puts durable counts back (after Redis lost them) and marks the store hydrated. Group `n:<net>` rows are networks. */
  hydrate(rows: { subject: string; group: string; failures: number; lastFailedAt: number }[], memoryMs: number, now: number): Promise<void>;
}

/** How long an attempt may stay in flight (argon2 plus a few queries take well under this). */
export const PENDING_MS = 60_000;
export const NET_ROW_PREFIX = 'n:';

const ACCOUNT = '';
const keys = (subject: string) => [`lo:{${subject}}`, `lo:{${subject}}:n`, `lo:{${subject}}:p`];
const HYDRATED = 'lo:hydrated';
const member = (s: Slot) => `${s.group}|${s.net}|${s.id}`;

/** The lock decision, shared by the Lua script (as its mirror) and the in-process store. */
export function decide(
  c: { af: number; at: number; gf: number; gt: number; nets: number; pa: number; pg: number },
  now: number,
  rules: LockRules,
  opts: { bypassAccount?: boolean } = {},
): { scope: 'account' | 'ip'; until: number | null; failures: number } | undefined {
  const levelMs = (count: number) => {
    let ms: number | undefined;
    for (const l of rules.levels) if (count >= l.failures) ms = l.ms;
    return ms;
  };
  // In-flight attempts may all fail: while any is in flight, count them as failing now.
  const until = (committed: number, last: number, pending: number): number | undefined => {
    const own = committed > 0 && levelMs(committed) !== undefined ? last + levelMs(committed)! : undefined;
    const ahead = pending > 0 && levelMs(committed + pending) !== undefined ? now + levelMs(committed + pending)! : undefined;
    const u = Math.max(own ?? 0, ahead ?? 0);
    return u > now ? u : undefined;
  };
  if (!opts.bypassAccount && c.nets >= rules.minGroups) {
    if (c.af + c.pa >= rules.maxFailures) return { scope: 'account', until: c.af >= rules.maxFailures ? null : now + Math.max(...rules.levels.map((l) => l.ms)), failures: c.af };
    if (c.af + c.pa >= rules.accountFrom) {
      const u = until(c.af, c.at, c.pa);
      if (u !== undefined) return { scope: 'account', until: u, failures: c.af };
    }
  }
  const u = until(c.gf, c.gt, c.pg);
  return u === undefined ? undefined : { scope: 'ip', until: u, failures: c.gf };
}

const RESERVE = `
local now = tonumber(ARGV[1])
local memory = tonumber(ARGV[2])
local g = ARGV[3]
local net = ARGV[4]
local id = ARGV[5]
local bypass = ARGV[6] == '1'
local accountFrom = tonumber(ARGV[7])
local maxFailures = tonumber(ARGV[8])
local minGroups = tonumber(ARGV[9])
local pendingMs = tonumber(ARGV[10])
if redis.call('EXISTS', KEYS[4]) == 0 then return {-1} end
local function levelMs(count)
  local ms = nil
  for i = 11, #ARGV, 2 do
    if count >= tonumber(ARGV[i]) then ms = tonumber(ARGV[i + 1]) end
  end
  return ms
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - pendingMs)
local pending = redis.call('ZRANGE', KEYS[3], 0, -1)
local pa, pg, pnets = #pending, 0, {}
for _, m in ipairs(pending) do
  local mg, mn = string.match(m, '^(.-)|(.-)|')
  if mg == g then pg = pg + 1 end
  pnets[mn] = true
end
local af = tonumber(redis.call('HGET', KEYS[1], 'f') or '0')
local at = tonumber(redis.call('HGET', KEYS[1], 't') or '0')
if af < maxFailures and now - at > memory then af = 0 end
local gf = tonumber(redis.call('HGET', KEYS[1], 'f:' .. g) or '0')
local gt = tonumber(redis.call('HGET', KEYS[1], 't:' .. g) or '0')
if now - gt > memory then gf = 0 end
local nets = 0
if af > 0 then nets = redis.call('HLEN', KEYS[2]) end
for n in pairs(pnets) do
  if af == 0 or redis.call('HEXISTS', KEYS[2], n) == 0 then nets = nets + 1 end
end
local function untilOf(committed, last, p)
  local u = 0
  if committed > 0 and levelMs(committed) then u = last + levelMs(committed) end
  if p > 0 and levelMs(committed + p) then u = math.max(u, now + levelMs(committed + p)) end
  if u > now then return u end
  return nil
end
local function decide(nets, pa, pg)
  if not bypass and nets >= minGroups then
    if af + pa >= maxFailures then
      if af >= maxFailures then return {0, 'account', -1, af} end
      local longest = 0
      for i = 12, #ARGV, 2 do longest = math.max(longest, tonumber(ARGV[i])) end
      return {0, 'account', now + longest, af}
    end
    if af + pa >= accountFrom then
      local u = untilOf(af, at, pa)
      if u then return {0, 'account', u, af} end
    end
  end
  local u = untilOf(gf, gt, pg)
  if u then return {0, 'ip', u, gf} end
  return nil
end
local lock = decide(nets, pa, pg)
if lock then
  -- Without the attempts in flight, would there be a lock? If not, this one only has to wait.
  local committedNets = 0
  if af > 0 then committedNets = redis.call('HLEN', KEYS[2]) end
  if decide(committedNets, 0, 0) then return lock end
  lock[1] = 2
  return lock
end
redis.call('ZADD', KEYS[3], now, g .. '|' .. net .. '|' .. id)
redis.call('PEXPIRE', KEYS[3], pendingMs * 2)
return {1}
`;

const FAIL = `
local now = tonumber(ARGV[1])
local memory = tonumber(ARGV[2])
local g = ARGV[3]
local net = ARGV[4]
local permanentAt = tonumber(ARGV[6])
redis.call('ZREM', KEYS[3], g .. '|' .. net .. '|' .. ARGV[5])
local af = tonumber(redis.call('HGET', KEYS[1], 'f') or '0')
local at = tonumber(redis.call('HGET', KEYS[1], 't') or '0')
if af < permanentAt and now - at > memory then
  af = 0
  redis.call('DEL', KEYS[2])
end
af = af + 1
local gf = tonumber(redis.call('HGET', KEYS[1], 'f:' .. g) or '0')
local gt = tonumber(redis.call('HGET', KEYS[1], 't:' .. g) or '0')
if now - gt > memory then gf = 0 end
gf = gf + 1
redis.call('HSET', KEYS[1], 'f', af, 't', now, 'f:' .. g, gf, 't:' .. g, now)
redis.call('HSET', KEYS[2], net, now)
if af >= permanentAt then
  redis.call('PERSIST', KEYS[1])
  redis.call('PERSIST', KEYS[2])
else
  redis.call('PEXPIRE', KEYS[1], memory)
  redis.call('PEXPIRE', KEYS[2], memory)
end
return {af, gf, redis.call('HLEN', KEYS[2])}
`;

const SUCCEED = `
redis.call('ZREM', KEYS[3], ARGV[1] .. '|' .. ARGV[2] .. '|' .. ARGV[3])
return redis.call('HDEL', KEYS[1], 'f', 't', 'f:' .. ARGV[1], 't:' .. ARGV[1]) + redis.call('DEL', KEYS[2])
`;

const count = (f: unknown, t: unknown): Count => ({ failures: Number(f ?? 0) || 0, lastFailedAt: Number(t ?? 0) || 0 });
const levelArgs = (rules: LockRules) => rules.levels.flatMap((l) => [l.failures, l.ms]);

type Script = (...args: (string | number)[]) => Promise<unknown>;

export function redisLockoutStore(redis: Redis): LockoutStore {
  redis.defineCommand('idpLockoutReserve', { numberOfKeys: 4, lua: RESERVE });
  redis.defineCommand('idpLockoutFail', { numberOfKeys: 3, lua: FAIL });
  redis.defineCommand('idpLockoutSucceed', { numberOfKeys: 3, lua: SUCCEED });
  const script = (name: string) => (redis as unknown as Record<string, Script>)[name]!.bind(redis);
  const [reserve, fail, succeed] = [script('idpLockoutReserve'), script('idpLockoutFail'), script('idpLockoutSucceed')];
  return {
    async read(subject, group, now, memoryMs, maxFailures) {
      const [k, n] = keys(subject);
      const results = (await redis.multi().hmget(k!, 'f', 't', `f:${group}`, `t:${group}`).hlen(n!).exists(HYDRATED).exec()) ?? [];
      for (const [error] of results) if (error) throw error;
      const [af, at, gf, gt] = results[0]![1] as (string | null)[];
      const account = count(af, at);
      const live = account.failures >= maxFailures || now - account.lastFailedAt <= memoryMs;
      return { account, ip: count(gf, gt), nets: live && account.failures > 0 ? Number(results[1]![1]) : 0, hydrated: results[2]![1] === 1 };
    },
    async reserve(slot, now, rules, bypass) {
      const r = (await reserve(...keys(slot.subject), HYDRATED, now, rules.memoryMs, slot.group, slot.net, slot.id, bypass ? 1 : 0, rules.accountFrom, rules.maxFailures, rules.minGroups, PENDING_MS, ...levelArgs(rules))) as (number | string)[];
      if (Number(r[0]) === -1) return { reserved: false, scope: 'unhydrated' };
      if (Number(r[0]) === 1) return { reserved: true };
      const until = Number(r[2]);
      const lock = { scope: r[1] as 'account' | 'ip', until: until === -1 ? null : until, failures: Number(r[3]) };
      return Number(r[0]) === 2 ? { reserved: false, scope: 'busy', lock } : { reserved: false, ...lock };
    },
    async fail(slot, now, memoryMs, permanentAt) {
      const [a, i, nets] = (await fail(...keys(slot.subject), now, memoryMs, slot.group, slot.net, slot.id, permanentAt)) as number[];
      return { account: { failures: Number(a), lastFailedAt: now }, ip: { failures: Number(i), lastFailedAt: now }, nets: Number(nets) };
    },
    async succeed(slot) {
      return Number(await succeed(...keys(slot.subject), slot.group, slot.net, slot.id)) > 0;
    },
    async cancel(slot) {
      await redis.zrem(keys(slot.subject)[2]!, member(slot));
    },
    async clear(subject) {
      await redis.del(...keys(subject));
    },
    async hydrate(rows, memoryMs, now) {
      const tx = redis.multi();
      for (const r of rows) {
        const [k, n] = keys(r.subject);
        const ttl = Math.max(1, memoryMs - (now - r.lastFailedAt));
        if (r.group.startsWith(NET_ROW_PREFIX)) {
          tx.hset(n!, r.group.slice(NET_ROW_PREFIX.length), r.lastFailedAt);
          tx.pexpire(n!, ttl);
          continue;
        }
        const [f, t] = r.group === ACCOUNT ? ['f', 't'] : [`f:${r.group}`, `t:${r.group}`];
        tx.hset(k!, f!, r.failures, t!, r.lastFailedAt);
        tx.pexpire(k!, ttl);
      }
      tx.set(HYDRATED, String(now));
      const results = (await tx.exec()) ?? [];
      for (const [error] of results) if (error) throw error;
    },
  };
}

interface MemorySubject {
  counts: Map<string, Count>;
  nets: Map<string, number>;
  pending: Map<string, number>;
}

/** Single instance only (no REDIS_URL); synchronous between awaits, hence atomic. Expiry follows the injected clock. */
export function memoryLockoutStore(): LockoutStore {
  const subjects = new Map<string, MemorySubject>();
  let hydrated = false;
  const get = (subject: string): MemorySubject => {
    let s = subjects.get(subject);
    if (!s) subjects.set(subject, (s = { counts: new Map(), nets: new Map(), pending: new Map() }));
    return s;
  };
  const live = (c: Count | undefined, now: number, memoryMs: number, permanentAt = Infinity) =>
    c && (c.failures >= permanentAt || now - c.lastFailedAt <= memoryMs) ? c : count(0, 0);
  return {
    async read(subject, group, now, memoryMs, maxFailures) {
      const s = subjects.get(subject);
      const account = s?.counts.get(ACCOUNT) ?? count(0, 0);
      const alive = live(account, now, memoryMs, maxFailures).failures > 0;
      return { account, ip: s?.counts.get(group) ?? count(0, 0), nets: alive ? (s?.nets.size ?? 0) : 0, hydrated };
    },
    async reserve(slot, now, rules, bypass) {
      if (!hydrated) return { reserved: false, scope: 'unhydrated' };
      // Idle subjects are dropped here, so the map stays bounded by recent activity.
      for (const [name, other] of subjects) {
        const idle = [...other.counts.values()].every((c) => now - c.lastFailedAt > rules.memoryMs) && (other.counts.get(ACCOUNT)?.failures ?? 0) < rules.maxFailures;
        if (idle && [...other.pending.values()].every((t) => now - t > PENDING_MS)) subjects.delete(name);
      }
      const s = get(slot.subject);
      for (const [m, t] of s.pending) if (now - t > PENDING_MS) s.pending.delete(m);
      const a = live(s.counts.get(ACCOUNT), now, rules.memoryMs, rules.maxFailures);
      const g = live(s.counts.get(slot.group), now, rules.memoryMs);
      const pendingNets = new Set<string>();
      let pg = 0;
      for (const m of s.pending.keys()) {
        const [mg, mn] = m.split('|');
        if (mg === slot.group) pg++;
        pendingNets.add(mn!);
      }
      const committedNets = a.failures > 0 ? new Set(s.nets.keys()) : new Set<string>();
      const nets = new Set([...committedNets, ...pendingNets]).size;
      const counts = { af: a.failures, at: a.lastFailedAt, gf: g.failures, gt: g.lastFailedAt };
      const lock = decide({ ...counts, nets, pa: s.pending.size, pg }, now, rules, { bypassAccount: bypass });
      if (lock) {
        // Without the attempts in flight, would there be a lock? If not, this one only has to wait.
        if (decide({ ...counts, nets: committedNets.size, pa: 0, pg: 0 }, now, rules, { bypassAccount: bypass })) return { reserved: false, ...lock };
        return { reserved: false, scope: 'busy', lock };
      }
      s.pending.set(member(slot), now);
      return { reserved: true };
    },
    async fail(slot, now, memoryMs, permanentAt) {
      const s = get(slot.subject);
      s.pending.delete(member(slot));
      const a = live(s.counts.get(ACCOUNT), now, memoryMs, permanentAt);
      if (a.failures === 0) s.nets.clear();
      const g = live(s.counts.get(slot.group), now, memoryMs);
      const account = { failures: a.failures + 1, lastFailedAt: now };
      const ip = { failures: g.failures + 1, lastFailedAt: now };
      s.counts.set(ACCOUNT, account);
      s.counts.set(slot.group, ip);
      s.nets.set(slot.net, now);
      return { account, ip, nets: s.nets.size };
    },
    async succeed(slot) {
      const s = subjects.get(slot.subject);
      if (!s) return false;
      s.pending.delete(member(slot));
      const had = [s.counts.delete(ACCOUNT), s.nets.size > 0, s.counts.delete(slot.group)].some(Boolean);
      s.nets.clear();
      return had;
    },
    async cancel(slot) {
      subjects.get(slot.subject)?.pending.delete(member(slot));
    },
    async clear(subject) {
      subjects.delete(subject);
    },
    async hydrate(rows) {
      for (const r of rows) {
        const s = get(r.subject);
        if (r.group.startsWith(NET_ROW_PREFIX)) s.nets.set(r.group.slice(NET_ROW_PREFIX.length), r.lastFailedAt);
        else s.counts.set(r.group, { failures: r.failures, lastFailedAt: r.lastFailedAt });
      }
      hydrated = true;
    },
  };
}
