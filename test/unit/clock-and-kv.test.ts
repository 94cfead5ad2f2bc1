// The fake clock's timers (subscriptions end at their token's expiry by it) and the kv operations
// the revocation rebuild relies on, for both kv implementations.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryKv, createRedisClient, createRedisKv, type Kv } from '../../src/kv/kv';
import { FakeClock, runAt } from '../../src/lib/clock';
import { REDIS_URL } from '../support/app';

describe('clock timers', () => {
  it('a fake clock runs what is due when it moves, in order, and not what was cancelled', () => {
    const clock = new FakeClock(0);
    const ran: string[] = [];
    runAt(clock, new Date(2000), () => ran.push('b'));
    runAt(clock, new Date(1000), () => ran.push('a'));
    const cancel = runAt(clock, new Date(1500), () => ran.push('cancelled'));
    runAt(clock, new Date(5000), () => ran.push('later'));
    cancel();
    clock.advance(2);
    expect(ran).toEqual(['a', 'b']);
    clock.set(new Date(5000));
    expect(ran).toEqual(['a', 'b', 'later']);
  });

  it('what is already due runs soon, not inside the call', async () => {
    const clock = new FakeClock(10_000);
    const ran: string[] = [];
    runAt(clock, new Date(10_000), () => ran.push('due'));
    expect(ran).toEqual([]);
    await Promise.resolve();
    expect(ran).toEqual(['due']);
  });
});

const prefix = `t:${randomBytes(6).toString('hex')}:`;
const redis = createRedisClient(REDIS_URL, prefix);
afterAll(async () => {
  await redis.quit();
  const raw = new Redis(REDIS_URL);
  const keys = await raw.keys(`${prefix}*`);
  if (keys.length > 0) await raw.del(...keys);
  await raw.quit();
});

describe.each([
  ['memory', () => createMemoryKv(new FakeClock())],
  ['redis', () => createRedisKv(redis)],
] as [string, () => Kv][])('%s kv: lock and restore', (_kind, make) => {
  it('one holder at a time; only the holder releases', async () => {
    const kv = make();
    const key = `lock:${randomBytes(4).toString('hex')}`;
    expect(await kv.tryLock(key, 'a', 30)).toBe(true);
    expect(await kv.tryLock(key, 'b', 30)).toBe(false);
    await kv.release(key, 'b');
    expect(await kv.tryLock(key, 'b', 30)).toBe(false);
    await kv.release(key, 'a');
    expect(await kv.tryLock(key, 'b', 30)).toBe(true);
  });

  it('restore fills only absent entries and frees the lock; refused once the lock is gone', async () => {
    const kv = make();
    const id = randomBytes(4).toString('hex');
    const lock = { key: `lock:${id}`, token: 't' };
    await kv.setex(`newer:${id}`, 60, 'written meanwhile');
    expect(await kv.tryLock(lock.key, lock.token, 30)).toBe(true);
    expect(await kv.restore(lock, [{ key: `newer:${id}`, value: 'from the database', ttl: 60 }, { key: `epoch:${id}`, value: 'e' }])).toBe(true);
    expect(await kv.mget([`newer:${id}`, `epoch:${id}`, lock.key])).toEqual(['written meanwhile', 'e', null]);

    // A loss during the rebuild removes the lock: the rebuild must not declare itself complete.
    expect(await kv.tryLock(lock.key, lock.token, 30)).toBe(true);
    await kv.del(lock.key);
    expect(await kv.restore(lock, [{ key: `epoch2:${id}`, value: 'e' }])).toBe(false);
    expect(await kv.mget([`epoch2:${id}`])).toEqual([null]);
  });

  it('restores more entries than one script call takes, the last one (the epoch) included', async () => {
    const kv = make();
    const id = randomBytes(4).toString('hex');
    const lock = { key: `lock:${id}`, token: 't' };
    const entries = Array.from({ length: 2500 }, (_, i) => ({ key: `m:${id}:${i}`, value: String(i), ttl: 60 }));
    expect(await kv.tryLock(lock.key, lock.token, 30)).toBe(true);
    expect(await kv.restore(lock, [...entries, { key: `epoch:${id}`, value: 'e' }])).toBe(true);
    expect(await kv.mget([`m:${id}:0`, `m:${id}:1999`, `m:${id}:2499`, `epoch:${id}`, lock.key])).toEqual(['0', '1999', '2499', 'e', null]);
  });
});
