import { mkdir, access, writeFile, readFile, rm, constants } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import type { Database, QueryResult, TransactionClient } from './database.ts';
import { sharedTypeParsers } from './type-parsers.ts';
import { DatabaseStartupError } from './errors.ts';

function wrapQueryable(target: Pick<PGlite, 'query' | 'exec'>): TransactionClient {
  return {
    async query<Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      const result = await target.query<Row>(sql, params as unknown[] | undefined);
      // PGlite reports affectedRows = 0 for SELECT; pg reports the row count
      return { rows: result.rows, rowCount: result.rows.length || result.affectedRows || 0 };
    },
    async exec(sql: string) {
      await target.exec(sql);
    },
  };
}

export class EmbeddedDatabase implements Database {
  readonly driver = 'embedded' as const;
  capabilities = { postgis: 'unknown', mvt: false };
  private readonly queryable: TransactionClient;

  constructor(
    private readonly pg: PGlite,
    private readonly lockFile?: string,
  ) {
    this.queryable = wrapQueryable(pg);
  }

  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]) {
    return this.queryable.query<Row>(sql, params);
  }

  exec(sql: string) {
    return this.queryable.exec(sql);
  }

  transaction<T>(fn: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.pg.transaction((tx) => fn(wrapQueryable(tx)));
  }

  /** A gzip tarball of the data directory, used to clone test databases quickly. */
  dumpDataDir(): Promise<File | Blob> {
    return this.pg.dumpDataDir('gzip');
  }

  async close() {
    await this.pg.close();
    if (this.lockFile) await rm(this.lockFile, { force: true });
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is single-process: two processes on one data folder would corrupt it, so a pid lock
 * file guards the folder (the CLI scripts and the server both take it).
 */
async function acquireLock(dataDir: string, owner: string): Promise<string> {
  const lockFile = path.join(dataDir, 'cluster-atlas.lock');
  try {
    const existing = JSON.parse(await readFile(lockFile, 'utf8')) as { pid: number; owner: string };
    if (existing.pid !== process.pid && isProcessAlive(existing.pid)) {
      throw new DatabaseStartupError(
        `The data folder ${dataDir} is in use by another process (pid ${existing.pid}, ${existing.owner}). ` +
          'The embedded database allows one process at a time: stop it first, or point DATA_DIR elsewhere.',
      );
    }
  } catch (err) {
    if (err instanceof DatabaseStartupError) throw err;
    // no lock file, or a stale unreadable one: take it
  }
  await writeFile(lockFile, JSON.stringify({ pid: process.pid, owner, at: new Date().toISOString() }));
  return lockFile;
}

export async function ensureWritableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    const probe = path.join(dir, `.write-test-${process.pid}`);
    await writeFile(probe, 'ok');
    await rm(probe, { force: true });
  } catch (err) {
    throw new DatabaseStartupError(
      `DATA_DIR ${dir} is not writable (${(err as Error).message}). Set DATA_DIR to a folder this user can write, or fix its permissions.`,
      err,
    );
  }
}

export interface EmbeddedOptions {
  /** Folder holding the PGlite files; omitted = in-memory. */
  dataDir?: string;
  /** A dumpDataDir() tarball to start from (test template clones). */
  loadDataDir?: Blob | File;
  /** Who holds the lock, for the message another process sees. */
  owner?: string;
}

export async function openEmbeddedDatabase(options: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  let lockFile: string | undefined;
  let pgDir: string | undefined;
  if (options.dataDir) {
    await ensureWritableDir(options.dataDir);
    lockFile = await acquireLock(options.dataDir, options.owner ?? 'cluster-atlas');
    pgDir = path.join(options.dataDir, 'pglite');
  }
  try {
    const pg = await PGlite.create({
      dataDir: pgDir,
      loadDataDir: options.loadDataDir,
      extensions: { postgis },
      parsers: sharedTypeParsers,
    });
    return new EmbeddedDatabase(pg, lockFile);
  } catch (err) {
    if (lockFile) await rm(lockFile, { force: true });
    throw new DatabaseStartupError(`Could not open the embedded database in ${pgDir ?? 'memory'}: ${(err as Error).message}`, err);
  }
}
