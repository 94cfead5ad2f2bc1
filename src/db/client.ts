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

// From src/db/ under tsx, or from the bundle in dist/, beside which the build copies them.
export const migrationsFolder = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../drizzle' : './drizzle', import.meta.url));

// Any constant works; it only has to be the same for every instance of this service.
const MIGRATION_LOCK_ID = 727_001;

/**
 * PGlite is one process's database: a second process opening the same directory (a one-shot
 * command beside the running server) works on its own copy in memory, says success, and its
 * writes are lost or corrupt the files. So the directory is locked while open.
 */
export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `DATA_DIR ${dataDir} is in use: the server is running on this DATA_DIR (or stopped less than ${LOCK_STALE_MS / 1000} s ago). ` +
        'Stop it first, or use DATABASE_URL (PostgreSQL), which many processes can share.',
    );
    this.name = 'DataDirLockedError';
  }
}

// The owner refreshes the lock's mtime every LOCK_UPDATE_MS; one older than LOCK_STALE_MS is a
// crashed owner's and may be taken over, so a crash never blocks a restart for longer than that.
const LOCK_STALE_MS = 10_000;
const LOCK_UPDATE_MS = 2_000;

export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  poolSize?: number;
  /** Embedded only: wait for a crashed owner's lock to go stale (the server) instead of refusing at once (commands). */
  waitForDataDir?: boolean;
  /** Embedded only: the lock was taken over (the process stalled past LOCK_STALE_MS): stop writing. Default: throw. */
  onDataDirLockLost?: (error: Error) => void;
}

export async function createDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    const client = postgres(opts.databaseUrl, { max: opts.poolSize ?? 10, onnotice: () => {}, connect_timeout: 10 });
    const db = withAfterCommit(drizzle(client, { schema: tables }) as unknown as Db, { pipelined: true });
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
  const release = await lockDataDir(dir, opts);
  let client: Awaited<ReturnType<typeof PGlite.create>>;
  try {
    client = await PGlite.create(dir);
  } catch (error) {
    await release();
    throw error;
  }
  const db = withAfterCommit(drizzle(client, { schema: tables }) as unknown as Db, { pipelined: false });
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    migrate: () => migrate(drizzle(client), { migrationsFolder }),
    close: async () => {
      try {
        await client.close();
      } finally {
        await release();
      }
    },
  };
}

/** Takes DATA_DIR/pglite.lock (a directory, created atomically) or throws DataDirLockedError. */
async function lockDataDir(dir: string, opts: DatabaseOptions): Promise<() => Promise<void>> {
  const { lock } = await import('proper-lockfile');
  try {
    const release = await lock(dir, {
      stale: LOCK_STALE_MS,
      update: LOCK_UPDATE_MS,
      realpath: false,
      // Enough tries to outlast a stale lock (a crashed server) and no more.
      retries: opts.waitForDataDir ? { retries: Math.ceil((LOCK_STALE_MS + 2_000) / 500), factor: 1, minTimeout: 500, maxTimeout: 500 } : 0,
      onCompromised: opts.onDataDirLockLost,
    });
    return () => release().catch(() => {});
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED') throw new DataDirLockedError(path.dirname(dir));
    throw error;
  }
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
