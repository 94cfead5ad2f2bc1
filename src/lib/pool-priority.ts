/**
 * Password hashing must not slow down everyone else's requests.
 *
 * argon2 runs on libuv's thread pool and keeps a core busy for tens of milliseconds per hash. On
 * a machine with few cores, a burst of logins leaves the event loop (which answers every token
 * check) competing for the CPU with hashes at equal priority, and its tail latency grows with the
 * burst. The pool threads are therefore lowered in CPU priority (a higher nice value): when the
 * event loop, PostgreSQL or Redis has work, it runs first, and hashes take every cycle left over.
 * Throughput is unchanged when nothing else needs the CPU.
 *
 * Linux only (a thread's nice value is per thread there). A pool thread is found by making it
 * resolve /proc/thread-self, which names the thread that does the reading. Elsewhere, or when
 * /proc is not mounted, nothing changes.
 */
import { readlink } from 'node:fs/promises';
import { setPriority } from 'node:os';

/** `nice`: the pool threads' nice value (THREAD_POOL_NICE, default 10; the event loop stays at 0). */
export async function lowerPoolPriority(opts: { nice: number; poolSize?: number }): Promise<number[]> {
  if (process.platform !== 'linux') return [];
  const poolSize = opts.poolSize ?? (Number(process.env.UV_THREADPOOL_SIZE) || 4);
  const seen = new Set<number>();
  // Jobs are taken by whichever pool thread is free: a few rounds of many small ones reach them all.
  for (let round = 0; round < 20 && seen.size < poolSize; round++) {
    const links = await Promise.all(Array.from({ length: 4 * poolSize }, () => readlink('/proc/thread-self').catch(() => '')));
    for (const link of links) {
      const tid = Number(/task\/(\d+)$/.exec(link)?.[1]);
      if (tid && tid !== process.pid) seen.add(tid);
    }
  }
  const lowered: number[] = [];
  for (const tid of seen) {
    try {
      setPriority(tid, opts.nice);
      lowered.push(tid);
    } catch {
      // Not permitted or gone: that thread keeps its priority.
    }
  }
  return lowered;
}
