import type { Database, Queryable } from '../db/database.ts';

/**
 * Where a short public read (a tile, an OGC page) runs: on native PostgreSQL, the driver's second pool, whose
 * sessions have
 * - no JIT: over a million polygons the planner's estimates trigger JIT, which then spends 1–2 s compiling a
 *   statement that runs in milliseconds;
 * - no parallel workers: starting them took 70–80 ms on a 2-core host for queries whose work is 2–10 ms, and
 *   they return rows in varying order, so the same tile would come out as different bytes.
 * The embedded driver has neither, and a transaction keeps its own connection.
 */
export function shortReads(db: Queryable): Queryable {
  return (db as Partial<Database>).shortReads ?? db;
}
