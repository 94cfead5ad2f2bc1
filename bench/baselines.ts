/**
 * The baselines of our rows, each a child process run the same way as our server (built
 * JavaScript when ours is, else tsx): (a) bare yoga, `me` from a constant; (b) bare yoga, `me` by
 * one Redis GET and one prepared SELECT of a real users row; (c) the bare rotation transaction
 * over plain node:http. (d), raw argon2 verify, is peer/raw-hash.ts's `argon2` mode (rounds.ts).
 */
import { fileURLToPath } from 'node:url';
import type { LoadProcess } from './load-process';
import type { LoadTask } from './load';
import { ours as requests } from './client';
import { startProgram, type RunMode } from './processes';
import { loadVariant, type Variant } from './rounds';
import { CONNECTIONS, freePort, settings } from './settings';

const file = (name: string) => fileURLToPath(new URL(`./baselines/${name}`, import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Baselines {
  meConstant: Variant;
  meRedisPg: Variant;
  rotation: Variant;
}

export async function startBaselines(opts: { mode: RunMode; databaseUrl: string; redisPrefix: string; meUserId: string; rotationUserId: string; load: LoadProcess }): Promise<Baselines> {
  const start = async (name: string, program: string, env: Record<string, string>) =>
    startProgram({ name, file: file(program), mode: opts.mode, cwd: ROOT, port: await freePort(), env: { NODE_ENV: 'production', ...env } });
  const constant = await start('baseline yoga constant', 'yoga-me.ts', { BASELINE: 'constant' });
  const redisPg = await start('baseline yoga redis+pg', 'yoga-me.ts', {
    BASELINE: 'redis-pg',
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: settings.redisUrl,
    REDIS_KEY_PREFIX: opts.redisPrefix,
    USER_ID: opts.meUserId,
  });
  const rotation = await start('baseline rotation', 'rotation.ts', { DATABASE_URL: opts.databaseUrl, USER_ID: opts.rotationUserId });

  // The baselines do not check the bearer: the request is ours byte for byte all the same.
  const me: LoadTask = { kind: 'http', requests: [requests.me('baseline')], mustHave: 'data.me.email' };
  let pool: string[] = [];
  const topUp = async () => {
    const need = CONNECTIONS.rotateRefresh + 8 - pool.length;
    if (need > 0) pool.push(...((await (await fetch(`${rotation.url}/pool?n=${need}`)).json()) as string[]));
    return { kind: 'rotateRefresh', pool } satisfies LoadTask;
  };
  return {
    meConstant: loadVariant('bare yoga (constant)', opts.load, constant.url, CONNECTIONS.me, () => me),
    meRedisPg: loadVariant('bare yoga (Redis GET + SELECT)', opts.load, redisPg.url, CONNECTIONS.me, () => me),
    rotation: loadVariant('bare rotation transaction', opts.load, rotation.url, CONNECTIONS.rotateRefresh, topUp, { settleMs: 250, after: (s) => (pool = s.pool ?? []) }),
  };
}
