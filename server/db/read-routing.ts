/**
 * Read routing between the primary and an optional hot standby (DATABASE_READ_URL).
 *
 * Public reads (tiles, OGC API, the public API, downloads) may run on the standby; writes, and every read of a
 * signed-in user, run on the primary. Freshness: a public read goes to the standby only when the standby has
 * replayed every public-layer change the primary had committed when the request arrived — compared per layer
 * on `layer_versions`, whose counters move in commit order (sql/040, sql/043: each change takes the layer's
 * row lock until it commits). Otherwise that request reads the primary. See docs/architecture.md.
 */
import type pg from 'pg';
import type { Logger } from '../logger.ts';
import type { Database, PostgisCapabilities, Queryable, QueryResult, TransactionClient } from './database.ts';
import { createReadPools, describeTarget, type NativeDatabase, type PoolStats, poolStats } from './native.ts';

export type ReadSource = 'primary' | 'replica';

/** Why a read went where it went (counted per instance, reported by GET /api/health). */
export interface ReadCounts {
  /** public reads served by the standby */
  replica: number;
  /** reads of signed-in users (always the primary) */
  staff: number;
  /** public reads sent to the primary because the standby had not replayed the latest change yet */
  behind: number;
  /** public reads sent to the primary because the standby was unreachable */
  unavailable: number;
  /** standby statements that failed and were rerun on the primary */
  failover: number;
}

export interface ReplicaHealth {
  connected: boolean;
  /** 0 when the standby has replayed all the primary has written; null when unknown (down, or not a standby) */
  lag_ms: number | null;
}

// a standby that went away is retried this often; the first answer sends reads back to it
const PROBE_INTERVAL_MS = 250;
// how long a connection attempt to the standby may take before the read goes to the primary instead
const REPLICA_CONNECT_TIMEOUT_MS = 1000;

/**
 * Coalesces concurrent reads of one value, with the guarantee a freshness check needs: every caller gets the
 * result of a run that *started after it called*, so the value includes every commit made before the call.
 * At most one run is in flight and one queued, so a burst of requests costs about one query per round trip.
 */
export class FreshRead<T> {
  private inflight?: Promise<T>;
  private queued?: Promise<T>;

  constructor(private readonly fetch: () => Promise<T>) {}

  get(): Promise<T> {
    if (!this.inflight) return this.start();
    // the run in flight may have started before this call: wait for the next one
    this.queued ??= this.inflight.then(
      () => this.startQueued(),
      () => this.startQueued(),
    );
    return this.queued;
  }

  private startQueued(): Promise<T> {
    this.queued = undefined;
    return this.start();
  }

  private start(): Promise<T> {
    const run = this.fetch();
    this.inflight = run;
    const clear = () => {
      if (this.inflight === run) this.inflight = undefined;
    };
    run.then(clear, clear);
    return run;
  }
}

type Versions = Map<string, number>;

const VERSIONS_SQL = 'SELECT layer, version FROM layer_versions';

async function readVersions(q: Queryable): Promise<Versions> {
  const r = await q.query<{ layer: string; version: number }>(VERSIONS_SQL);
  return new Map(r.rows.map((row) => [row.layer, row.version]));
}

/** Whether the standby's versions include the primary's, for the given layers (all when none are given). */
export function coversVersions(replica: Versions, primary: Versions, layers?: readonly string[]): boolean {
  for (const layer of layers ?? primary.keys()) {
    const needed = primary.get(layer);
    if (needed !== undefined && (replica.get(layer) ?? -1) < needed) return false;
  }
  return true;
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/** The standby cannot be reached or is shutting down / starting up (as opposed to an error in the statement). */
export function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string') return code.startsWith('08') || code.startsWith('57P') || UNAVAILABLE_CODES.has(code);
  return /Connection terminated|timeout exceeded when trying to connect|connection error|not queryable/i.test((err as Error)?.message ?? '');
}

/** Errors the primary would not raise for the same statement: rerun it there. */
function primaryMayAnswer(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  // 40001: canceled by a conflict with recovery; 25006: a write reached the read-only standby; 53xxx: the
  // standby is out of connections, memory or disk
  return isUnavailable(err) || code === '40001' || code === '25006' || (typeof code === 'string' && code.startsWith('53'));
}

/** pg's pool gives the same timeout error when every connection is busy: that is load, not a standby gone. */
function poolSaturated(pool: pg.Pool): boolean {
  return pool.totalCount >= (pool.options.max ?? 10);
}

function result<Row>(r: pg.QueryResult): QueryResult<Row> {
  return { rows: r.rows as Row[], rowCount: r.rowCount ?? r.rows.length };
}

/**
 * The standby as a Database: reads run there and, when the standby fails, are rerun on the primary (reads
 * are idempotent, so a client never sees the failure); transactions and scripts always run on the primary.
 * One object for the life of the process, so per-database caches (catalog, extents) are kept.
 */
class StandbyDatabase implements Database {
  readonly driver = 'native' as const;
  readonly shortReads: Queryable;

  constructor(
    private readonly routing: ReadRouting,
    private readonly primary: Database,
    pool: pg.Pool,
    shortReadPool: pg.Pool,
  ) {
    this.shortReads = { query: (sql, params) => this.routing.onStandby(shortReadPool, this.primary.shortReads ?? this.primary, sql, params) };
    this.query = (sql, params) => this.routing.onStandby(pool, this.primary, sql, params);
  }

  query: Database['query'];

  get capabilities(): PostgisCapabilities {
    return this.primary.capabilities;
  }

  set capabilities(value: PostgisCapabilities) {
    this.primary.capabilities = value;
  }

  transaction<T>(fn: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.primary.transaction(fn);
  }

  exec(sql: string): Promise<void> {
    return this.primary.exec(sql);
  }

  async close(): Promise<void> {
    // the routing closes the standby's pools
  }
}

export interface ReadRoutingOptions {
  logger: Logger;
  /** DATABASE_READ_URL; without it every read runs on the primary */
  replicaUrl?: string;
}

export class ReadRouting {
  /** The standby (with per-statement fallback to the primary), when DATABASE_READ_URL is set. */
  readonly replica?: Database;
  readonly counts: ReadCounts = { replica: 0, staff: 0, behind: 0, unavailable: 0, failover: 0 };
  private readonly pools?: { pool: pg.Pool; shortReadPool: pg.Pool };
  private readonly target?: string;
  private readonly logger: Logger;
  private readonly primaryVersions: FreshRead<Versions>;
  private readonly replicaVersions?: FreshRead<Versions>;
  private down = false;
  private downSince = 0;
  private probeTimer?: NodeJS.Timeout;
  private probing = false;
  private closed = false;

  constructor(
    readonly primary: Database,
    options: ReadRoutingOptions,
  ) {
    this.logger = options.logger;
    this.primaryVersions = new FreshRead(() => readVersions(primary));
    if (!options.replicaUrl) return;
    this.target = describeTarget(options.replicaUrl);
    const pools = createReadPools({ connectionString: options.replicaUrl, connectTimeoutMs: REPLICA_CONNECT_TIMEOUT_MS });
    this.pools = pools;
    // an idle connection dropped by the server: the standby stopped or restarted
    for (const pool of [pools.pool, pools.shortReadPool]) pool.on('error', (err) => this.markDown(err));
    this.replica = new StandbyDatabase(this, primary, pools.pool, pools.shortReadPool);
    // straight on the standby's pool: this check must never be answered by the primary
    this.replicaVersions = new FreshRead(() => readVersions(wrapPool(pools.pool)));
  }

  /**
   * Where a read runs. Signed-in users always read the primary. A public read goes to the standby when it is
   * reachable and has replayed the latest change of the given layers (all layers when none are given) that the
   * primary had committed when this was called; otherwise to the primary.
   */
  async forRead(options: { signedIn: boolean; layers?: readonly string[] }): Promise<{ db: Database; source: ReadSource }> {
    const pools = this.pools;
    if (!this.replica || !this.replicaVersions || !pools) return { db: this.primary, source: 'primary' };
    if (options.signedIn) {
      this.counts.staff++;
      return { db: this.primary, source: 'primary' };
    }
    if (this.down) {
      this.counts.unavailable++;
      return { db: this.primary, source: 'primary' };
    }
    const [wanted, replayed] = await Promise.all([
      this.primaryVersions.get(),
      this.replicaVersions.get().catch((err: unknown) => {
        if (!poolSaturated(pools.pool)) this.standbyFailed(err);
        return null;
      }),
    ]);
    if (!replayed) {
      this.counts.unavailable++;
      return { db: this.primary, source: 'primary' };
    }
    if (!coversVersions(replayed, wanted, options.layers)) {
      this.counts.behind++;
      this.logger.debug({ layers: options.layers ?? 'all' }, 'read replica behind the latest layer change: reading the primary');
      return { db: this.primary, source: 'primary' };
    }
    this.counts.replica++;
    return { db: this.replica, source: 'replica' };
  }

  /** Runs a statement on the standby; if the standby fails, runs it on the primary (see StandbyDatabase). */
  async onStandby<Row>(pool: pg.Pool, fallback: Queryable, sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
    if (this.down) return fallback.query<Row>(sql, params);
    try {
      return result<Row>(await pool.query(sql, params as unknown[] | undefined));
    } catch (err) {
      if (!primaryMayAnswer(err)) throw err;
      if (!poolSaturated(pool)) this.standbyFailed(err);
      this.counts.failover++;
      return fallback.query<Row>(sql, params);
    }
  }

  private standbyFailed(err: unknown): void {
    if (isUnavailable(err)) this.markDown(err);
    else this.logger.warn({ err: (err as Error).message, code: (err as { code?: string }).code, replica: this.target }, 'read replica statement failed: rerun on the primary');
  }

  private markDown(err: unknown): void {
    if (this.down || this.closed || !this.pools) return;
    this.down = true;
    this.downSince = Date.now();
    this.logger.warn({ err: (err as Error)?.message, replica: this.target }, 'read replica unavailable: public reads fall back to the primary');
    this.probeTimer = setInterval(() => void this.probe(), PROBE_INTERVAL_MS);
    this.probeTimer.unref();
  }

  private async probe(): Promise<void> {
    if (this.probing || !this.down || !this.pools) return;
    this.probing = true;
    try {
      await this.pools.pool.query('SELECT 1');
      if (this.closed) return;
      this.down = false;
      clearInterval(this.probeTimer);
      this.probeTimer = undefined;
      this.logger.info({ replica: this.target, down_ms: Date.now() - this.downSince }, 'read replica is back: public reads return to it');
    } catch {
      // still down; the next probe tries again
    } finally {
      this.probing = false;
    }
  }

  /** The standby's state for GET /api/health (undefined without DATABASE_READ_URL). */
  async replicaHealth(): Promise<ReplicaHealth | undefined> {
    if (!this.pools) return undefined;
    if (this.down) return { connected: false, lag_ms: null };
    try {
      const primaryLsn = await this.primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      const r = await this.pools.pool.query<{ standby: boolean; caught_up: boolean | null; since_ms: number | null }>(
        `SELECT pg_is_in_recovery() AS standby,
                pg_last_wal_replay_lsn() >= $1::pg_lsn AS caught_up,
                (extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::float8 AS since_ms`,
        [primaryLsn.rows[0].lsn],
      );
      const row = r.rows[0];
      // behind: the time since the last transaction it replayed was committed on the primary
      const lag = !row.standby ? null : row.caught_up ? 0 : row.since_ms === null ? null : Math.max(0, Math.round(row.since_ms));
      return { connected: true, lag_ms: lag };
    } catch (err) {
      if (isUnavailable(err)) {
        this.markDown(err);
        return { connected: false, lag_ms: null };
      }
      throw err;
    }
  }

  /** Connections of each pool (primary and standby), for GET /api/health. */
  poolStats(): Record<string, PoolStats> {
    const primary = this.primary as Partial<NativeDatabase>;
    const stats: Record<string, PoolStats> = primary.poolStats ? primary.poolStats() : {};
    if (this.pools) {
      stats.replica = poolStats(this.pools.pool);
      stats.replica_short_reads = poolStats(this.pools.shortReadPool);
    }
    return stats;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.probeTimer);
    if (this.pools) await Promise.all([this.pools.pool.end(), this.pools.shortReadPool.end()]).catch(() => undefined);
  }
}

function wrapPool(pool: pg.Pool): Queryable {
  return { query: async <Row>(sql: string, params?: readonly unknown[]) => result<Row>(await pool.query(sql, params as unknown[] | undefined)) };
}
