import pg from 'pg';
import type { Database, Queryable, QueryResult, TransactionClient } from './database.ts';
import { sharedTypeParsers } from './type-parsers.ts';
import { DatabaseStartupError } from './errors.ts';

for (const [oid, parse] of Object.entries(sharedTypeParsers)) {
  pg.types.setTypeParser(Number(oid), parse);
}

function wrapClient(client: pg.PoolClient): TransactionClient {
  return {
    async query<Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      const result = await client.query(sql, params as unknown[] | undefined);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  };
}

function wrapPool(pool: pg.Pool): Queryable {
  return {
    async query<Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      const result = await pool.query(sql, params as unknown[] | undefined);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
    },
  };
}

export class NativeDatabase implements Database {
  readonly driver = 'native' as const;
  capabilities = { postgis: 'unknown', mvt: false };
  /** Connections set up for short public reads (no parallel workers), see public-data/short-query.ts. */
  readonly shortReads: Queryable;

  constructor(
    readonly pool: pg.Pool,
    private readonly shortReadPool: pg.Pool,
  ) {
    this.shortReads = wrapPool(shortReadPool);
  }

  async query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
    const result = await this.pool.query(sql, params as unknown[] | undefined);
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
  }

  async exec(sql: string) {
    await this.pool.query(sql);
  }

  async transaction<T>(fn: (tx: TransactionClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(wrapClient(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close() {
    await Promise.all([this.pool.end(), this.shortReadPool.end()]);
  }

  poolStats(): Record<string, PoolStats> {
    return { primary: poolStats(this.pool), primary_short_reads: poolStats(this.shortReadPool) };
  }
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export function poolStats(pool: pg.Pool): PoolStats {
  return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

export function describeTarget(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return 'the configured DATABASE_URL';
  }
}

export interface NativeOptions {
  connectionString: string;
  /** Start-up must fail fast on an unreachable server. */
  connectTimeoutMs?: number;
  maxConnections?: number;
}

function newPool(options: NativeOptions, applicationName: string, sessionSettings: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    max: options.maxConnections ?? 10,
    application_name: applicationName,
    options: sessionSettings,
  });
  // idle clients can error when the server restarts; log-and-drop rather than crash
  pool.on('error', () => undefined);
  return pool;
}

// sessions of short public reads: no JIT, and no parallel workers (see public-data/short-query.ts)
const SHORT_READ_SETTINGS = '-c jit=off -c max_parallel_workers_per_gather=0';

/**
 * The two pools of a read standby (DATABASE_READ_URL), the same two kinds as the primary's. Connected lazily:
 * a standby that is down at start-up only sends reads to the primary until it is back (server/db/read-routing.ts).
 */
export function createReadPools(options: NativeOptions): { pool: pg.Pool; shortReadPool: pg.Pool } {
  return {
    pool: newPool(options, 'cluster-atlas-replica', '-c jit=off'),
    shortReadPool: newPool(options, 'cluster-atlas-replica-reads', SHORT_READ_SETTINGS),
  };
}

export async function openNativeDatabase(options: NativeOptions): Promise<NativeDatabase> {
  // JIT compilation costs seconds on large spatial queries and never pays back for our short ones
  const pool = newPool(options, 'cluster-atlas', '-c jit=off');
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new DatabaseStartupError(
      `Cannot connect to PostgreSQL at ${describeTarget(options.connectionString)}: ${(err as Error).message}`,
      err,
    );
  }
  // a second pool (connected lazily) whose sessions never start parallel workers: tiles and OGC pages are
  // 2–30 ms of work, and worker start-up alone took 70–80 ms on a 2-core host
  return new NativeDatabase(pool, newPool(options, 'cluster-atlas-reads', SHORT_READ_SETTINGS));
}
