/**
 * Fixed SQL for the hottest transactions (a login's): written once, run with positional
 * parameters on whatever executes it (the pool, or the connection holding a transaction).
 *
 * Why not drizzle's builder here: inside a transaction drizzle builds every statement again on
 * every call (walking the table's columns, quoting, collecting parameters) and sends it unnamed,
 * so PostgreSQL parses and plans it again too. A login spent more CPU on that than on the work.
 * Here the text is a constant; postgres.js prepares it by name once per connection, and the
 * statements a caller issues without waiting go out together (one round trip).
 *
 * Parameters are strings, numbers, booleans, null, or arrays of strings; the SQL casts them
 * (`$1::uuid`, `$2::timestamptz`, `$3::text[]`), so both drivers send them as text alike.
 */
import type { Db, Tx } from './client';

type Param = string | number | boolean | null | readonly (string | null)[];

interface PostgresJsQuery extends PromiseLike<unknown[]> {
  execute(): unknown;
}
interface Client {
  /** postgres.js (the pool, or a transaction's `sql`). */
  unsafe?: (text: string, params: Param[], options: { prepare: boolean }) => PostgresJsQuery;
  /** PGlite (the database, or a transaction). */
  query?: (text: string, params: Param[]) => Promise<{ rows: unknown[] }>;
}

function clientOf(executor: Db | Tx): Client {
  // drizzle keeps the driver's client on its session, for the database and for a transaction alike.
  return (executor as unknown as { session: { client: Client } }).session.client;
}

/**
 * Runs `text` now (sent at once, in call order with the caller's other statements) and resolves
 * to its rows, column names as the SQL spells them.
 */
export function runStatement<Row>(executor: Db | Tx, text: string, params: Param[]): Promise<Row[]> {
  const client = clientOf(executor);
  if (client.unsafe) {
    const query = client.unsafe(text, params, { prepare: true });
    // postgres.js sends a query when it is first awaited; send it now, so that statements issued
    // together are written together and run in the order they were issued.
    query.execute();
    return Promise.resolve(query) as Promise<Row[]>;
  }
  return client.query!(text, params).then((r) => r.rows as Row[]);
}
