/**
 * What a transaction carries besides its statements.
 *
 * - Work that must happen only once it has committed (publishing an alert, say), never for a
 *   transaction that rolls back. `db.transaction` is wrapped so every transaction carries a list
 *   of callbacks; `afterCommit(tx, cb)` adds to it, and the list runs after COMMIT returns.
 *   Outside a transaction, `cb` runs at once.
 * - A last statement whose result nobody needs before COMMIT (the audit entries' INSERT):
 *   `sendWithCommit(tx, statement)` lets the transaction end without waiting for it, so that on
 *   PostgreSQL the statement and the COMMIT go out in one round trip. PostgreSQL refuses to
 *   commit a transaction in which a statement failed (the COMMIT answers ROLLBACK, without an
 *   error), so the wrapper waits for these statements after the COMMIT and fails the transaction
 *   with the first one's error: the caller sees exactly what an awaited statement would have
 *   shown, and no callback runs.
 */
interface Carried {
  callbacks: (() => void)[];
  statements: Promise<unknown>[];
}
const carried = new WeakMap<object, Carried>();
/** Set per database: false where a statement gains nothing from being sent with the COMMIT (PGlite, in-process). */
const pipelines = new WeakSet<object>();

export function afterCommit(tx: object, callback: () => void): void {
  const own = carried.get(tx);
  if (own) own.callbacks.push(callback);
  else queueMicrotask(callback);
}

/**
 * Lets the transaction end without waiting for `statement` (already sent): true when it will be
 * checked after the COMMIT, false when the caller must await it itself (outside a transaction, or
 * on a database that runs statements in-process).
 */
export function sendWithCommit(tx: object, statement: Promise<unknown>): boolean {
  const own = carried.get(tx);
  if (!own || !pipelines.has(own)) return false;
  // Observed at once: if the transaction fails for another reason, this rejection is not unhandled.
  statement.catch(() => {});
  own.statements.push(statement);
  return true;
}

export function withAfterCommit<T extends { transaction: (...args: never[]) => Promise<unknown> }>(db: T, opts: { pipelined: boolean }): T {
  const original = db.transaction.bind(db) as unknown as (fn: (tx: object) => Promise<unknown>, config?: unknown) => Promise<unknown>;
  (db as { transaction: unknown }).transaction = async (fn: (tx: object) => Promise<unknown>, config?: unknown) => {
    const own: Carried = { callbacks: [], statements: [] };
    if (opts.pipelined) pipelines.add(own);
    const result = await original(async (tx) => {
      carried.set(tx, own);
      return fn(tx);
    }, config);
    // A statement sent with the COMMIT failed: the transaction rolled back.
    await Promise.all(own.statements);
    for (const callback of own.callbacks) {
      try {
        callback();
      } catch {
        // A failing listener must not turn a committed change into an error for the caller.
      }
    }
    return result;
  };
  return db;
}
