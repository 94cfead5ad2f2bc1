/**
 * The database: PostgreSQL through postgres.js when DATABASE_URL is set, otherwise an embedded
 * PGlite under DATA_DIR (a real PostgreSQL compiled to WASM, so the same SQL, the same
 * migrations and the same row locks). Both are handed out as the same drizzle `Db` type.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import * as tables from './tables';
import { withAfterCommit } from './after-commit';

export type Db = PgDatabase<PgQueryResultHKT, typeof tables>;
/** A transaction handle; services accept `Db | Tx` where a caller may already hold one. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  ping(): Promise<void>;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

// Any constant works; it only has to be the same for every instance of this service.
const MIGRATION_LOCK_ID = 727_001;

export async function createDatabase(opts: { databaseUrl?: string; dataDir: string; poolSize?: number }): Promise<Database> {
  if (opts.databaseUrl) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    const client = postgres(opts.databaseUrl, { max: opts.poolSize ?? 10, onnotice: () => {}, connect_timeout: 10 });
    const db = withAfterCommit(drizzle(client, { schema: tables }) as unknown as Db);
    return {
      db,
      kind: 'postgres',
      ping: async () => {
        await client`select 1`;
      },
      migrate: async () => {
        // Several instances may start at once: one migrates, the others wait and find nothing to
        // do. One dedicated connection, so the advisory lock and the migration share a session.
        const conn = postgres(opts.databaseUrl!, { max: 1, onnotice: () => {} });
        try {
          await conn`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
          await migrate(drizzle(conn), { migrationsFolder });
        } finally {
          await conn.end({ timeout: 5 });
        }
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const dir = path.resolve(opts.dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  const client = await PGlite.create(dir);
  const db = withAfterCommit(drizzle(client, { schema: tables }) as unknown as Db);
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    migrate: () => migrate(drizzle(client), { migrationsFolder }),
    close: () => client.close(),
  };
}

// Not a bug in a query: the database cannot be reached, is restarting, or ended our connection.
// postgres.js reports a lost socket with its own codes; the server with SQLSTATE class 08
// (connection exception), 57P01-57P03 (shutting down, crashed, not accepting connections yet),
// 53300 (too many connections) and 3D000 (the database is gone, e.g. renamed during a restore).
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
  '57P01', '57P02', '57P03', '53300', '3D000',
]);

/** True when `error` (or an error it wraps, e.g. drizzle's DrizzleQueryError) says the database is unreachable. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    // A connection refused to every address of a host name: Node's AggregateError carries the codes.
    if (e instanceof AggregateError && e.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
  }
  return false;
}
