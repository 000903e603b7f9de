/**
 * One database interface over two drivers: embedded PGlite+PostGIS and native PostgreSQL+PostGIS (pg Pool).
 * Repositories only see `Queryable`; the same parameterised SQL runs on both.
 */
export type DriverName = 'embedded' | 'native';

export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
}

/** A connection inside a transaction; also runs multi-statement scripts (migrations). */
export interface TransactionClient extends Queryable {
  exec(sql: string): Promise<void>;
}

export interface PostgisCapabilities {
  /** e.g. "3.6.2" */
  postgis: string;
  /** ST_AsMVT works (the embedded build ships the function but lacks protobuf support). */
  mvt: boolean;
}

export interface Database extends Queryable {
  readonly driver: DriverName;
  /** Runs fn inside BEGIN/COMMIT on one connection; rolls back if fn throws. */
  transaction<T>(fn: (tx: TransactionClient) => Promise<T>): Promise<T>;
  /** Runs a multi-statement script without parameters (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
  /** Filled in by detectCapabilities at start-up. */
  capabilities: PostgisCapabilities;
  /**
   * Liveness without SQL, where the driver can tell (embedded: the database thread is running). PGlite has one
   * connection, so a health probe's SELECT 1 would wait behind any long query and report a busy database as down.
   */
  alive?(): boolean;
  /** Native only: connections for short public reads, see public-data/short-query.ts. */
  readonly shortReads?: Queryable;
}
