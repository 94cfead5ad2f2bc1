/**
 * Threat: a burst of logins (argon2 on libuv's pool) starves the event loop that answers every
 * token check. lowerPoolPriority must find the pool's threads, all of them, and only them.
 */
import { execFileSync } from 'node:child_process';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';

const script = `
import { readFileSync } from 'node:fs';
import { lowerPoolPriority } from './src/lib/pool-priority.ts';
const lowered = await lowerPoolPriority({ nice: 7 });
const niceOf = (tid) => Number(readFileSync('/proc/self/task/' + tid + '/stat', 'utf8').split(') ')[1].split(' ')[16]);
console.log(JSON.stringify({ lowered: lowered.length, nices: lowered.map(niceOf), main: niceOf(process.pid) }));
`;

describe.runIf(process.platform === 'linux')('lowerPoolPriority', () => {
  it('lowers every thread of the pool (UV_THREADPOOL_SIZE of them) and leaves the event loop alone', () => {
    for (const size of [4, 6]) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, UV_THREADPOOL_SIZE: String(size) },
        encoding: 'utf8',
      });
      const { lowered, nices, main } = JSON.parse(out.trim().split('\n').pop()!);
      expect(lowered).toBe(size);
      expect(nices).toEqual(Array(size).fill(7));
      expect(main).toBe(getPriority());
    }
  });
});
