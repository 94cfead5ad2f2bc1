/**
 * Work that must happen only once a transaction has committed (publishing an alert, say), never
 * for a transaction that rolls back. `db.transaction` is wrapped so every transaction carries a
 * list of callbacks; `afterCommit(tx, cb)` adds to it, and the list runs after COMMIT returns.
 * Outside a transaction, `cb` runs at once.
 */
const pending = new WeakMap<object, (() => void)[]>();

export function afterCommit(tx: object, callback: () => void): void {
  const list = pending.get(tx);
  if (list) list.push(callback);
  else queueMicrotask(callback);
}

export function withAfterCommit<T extends { transaction: (...args: never[]) => Promise<unknown> }>(db: T): T {
  const original = db.transaction.bind(db) as unknown as (fn: (tx: object) => Promise<unknown>, config?: unknown) => Promise<unknown>;
  (db as { transaction: unknown }).transaction = async (fn: (tx: object) => Promise<unknown>, config?: unknown) => {
    const callbacks: (() => void)[] = [];
    const result = await original(async (tx) => {
      pending.set(tx, callbacks);
      return fn(tx);
    }, config);
    for (const callback of callbacks) {
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
