/** The run's own PostgreSQL databases and Redis key prefixes, removed by the cleanup. */
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { onCleanup } from './cleanup';
import { log, settings } from './settings';

async function withAdmin<T>(run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const admin = postgres(settings.pgAdminUrl, { max: 1, onnotice: () => {} });
  try {
    return await run(admin);
  } finally {
    await admin.end();
  }
}

/** Creates database `name` (dropped by the cleanup) and returns its URL. */
export async function createDatabase(name: string): Promise<string> {
  await withAdmin((sql) => sql.unsafe(`create database "${name}"`));
  onCleanup(`drop database ${name}`, async () => {
    await withAdmin((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
    log(`dropped database ${name}`);
  });
  const url = new URL(settings.pgAdminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Every key under `prefix` is deleted by the cleanup. */
export function ownRedisPrefix(prefix: string): void {
  onCleanup(`delete redis keys ${prefix}*`, async () => {
    const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: 2, connectTimeout: 5000 });
    try {
      let deleted = 0;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        if (keys.length > 0) deleted += await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      log(`deleted ${deleted} redis keys under ${prefix}`);
    } finally {
      redis.disconnect();
    }
  });
}

/** One query on a database of the run (e.g. reading use_count after the server stopped). */
export async function query<T extends object>(databaseUrl: string, run: (sql: postgres.Sql) => Promise<T[]>): Promise<T[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return await run(sql);
  } finally {
    await sql.end();
  }
}
