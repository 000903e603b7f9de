import type { Database, Queryable } from '../db/database.ts';

/**
 * Runs fn with PostgreSQL's JIT compiler off. Queries over a million polygons get cost estimates that trigger
 * JIT, which then spends 1–2 s compiling a statement that runs in milliseconds. SET LOCAL scopes it to one
 * transaction, so nothing else on the pooled connection is affected. The embedded driver has no JIT.
 */
export function withoutJit<T>(db: Queryable, fn: (q: Queryable) => Promise<T>, options: { serial?: boolean } = {}): Promise<T> {
  const database = db as Partial<Database>;
  if (database.driver !== 'native' || typeof database.transaction !== 'function') return fn(db);
  return database.transaction(async (tx) => {
    // serial: no parallel workers. Starting them costs more than a tile query saves, and they hand rows
    // back in varying order, so the same tile would come out as different bytes.
    await tx.exec(options.serial ? 'SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0' : 'SET LOCAL jit = off');
    return fn(tx);
  });
}
