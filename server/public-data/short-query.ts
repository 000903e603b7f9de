import type { Database, Queryable } from '../db/database.ts';

/**
 * Runs fn with the settings of a short public read (tiles, OGC pages) on native PostgreSQL: on the driver's
 * short-read pool, or else scoped to one transaction by SET LOCAL so nothing else on the connection is affected:
 * - no JIT: over a million polygons the planner's estimates trigger JIT, which then spends 1–2 s compiling a
 *   statement that runs in milliseconds;
 * - no parallel workers: starting them took 70–80 ms on a 2-core host for queries whose work is 2–10 ms, and
 *   they return rows in varying order, so the same tile would come out as different bytes.
 * The embedded driver has neither.
 */
export function withShortQuerySettings<T>(db: Queryable, fn: (q: Queryable) => Promise<T>): Promise<T> {
  // the native driver keeps a pool whose sessions have these settings already: no transaction round trips
  const shortReads = (db as { shortReads?: Queryable }).shortReads;
  if (shortReads) return fn(shortReads);
  const database = db as Partial<Database>;
  if (database.driver !== 'native' || typeof database.transaction !== 'function') return fn(db);
  return database.transaction(async (tx) => {
    await tx.exec('SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0');
    return fn(tx);
  });
}
