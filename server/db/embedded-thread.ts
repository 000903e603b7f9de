/**
 * The embedded database behind the same `Database` interface, with PGlite in a worker thread, so that
 * `/api/health` and public reads keep answering while an import or a big geometry is processed.
 * Transactions keep their meaning: PGlite holds one connection, and a query outside a transaction waits
 * for the open one to end, exactly as in-process.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Database, PostgisCapabilities, QueryResult, TransactionClient } from './database.ts';
import { DatabaseStartupError } from './errors.ts';
import type { EmbeddedOptions } from './embedded.ts';

export interface WorkerStartOptions {
  dataDir?: string;
  owner?: string;
  /** a dumpDataDir() tarball, as bytes (a Blob does not cross threads everywhere) */
  loadDataDir?: Uint8Array;
}

export interface WorkerRequest {
  id: number;
  op: 'query' | 'exec' | 'begin' | 'txQuery' | 'txExec' | 'commit' | 'rollback' | 'dump' | 'close';
  sql?: string;
  params?: readonly unknown[];
  txId?: number;
}

export interface WorkerReply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: { message: string; name: string; code?: string; [field: string]: string | undefined };
}

function rebuildError(e: NonNullable<WorkerReply['error']>): Error {
  const err = e.name === 'DatabaseStartupError' ? new DatabaseStartupError(e.message) : new Error(e.message);
  for (const [k, v] of Object.entries(e)) if (k !== 'message' && k !== 'name') (err as unknown as Record<string, unknown>)[k] = v;
  return err;
}

export class EmbeddedThreadDatabase implements Database {
  readonly driver = 'embedded' as const;
  capabilities: PostgisCapabilities = { postgis: 'unknown', mvt: false };
  private nextId = 1;
  private nextTx = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: WorkerReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.result);
      else p.reject(rebuildError(reply.error!));
    });
    const fail = (err: Error) => {
      this.exited = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the embedded database thread exited (code ${code})`)));
  }

  static async open(options: EmbeddedOptions = {}): Promise<EmbeddedThreadDatabase> {
    const workerData: WorkerStartOptions = {
      dataDir: options.dataDir,
      owner: options.owner,
      loadDataDir: options.loadDataDir ? new Uint8Array(await options.loadDataDir.arrayBuffer()) : undefined,
    };
    // The worker is TypeScript like the server: register tsx's loader in it first (Node 20 does not apply
    // an --import hook to a worker's entry module).
    const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
    const entry = new URL('./embedded-worker.ts', import.meta.url).href;
    const bootstrap = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
    const worker = new Worker(bootstrap, { eval: true, workerData });
    const db = new EmbeddedThreadDatabase(worker);
    await new Promise<void>((resolve, reject) => {
      db.pending.set(0, { resolve: () => resolve(), reject });
    }).catch(async (err: Error) => {
      await worker.terminate();
      throw err instanceof DatabaseStartupError ? err : new DatabaseStartupError(`Could not start the embedded database thread: ${err.message}`, err);
    });
    return db;
  }

  private call<T>(req: Omit<WorkerRequest, 'id'>): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...req, id });
    });
  }

  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
    return this.call<QueryResult<Row>>({ op: 'query', sql, params });
  }

  async exec(sql: string): Promise<void> {
    await this.call({ op: 'exec', sql });
  }

  async transaction<T>(fn: (tx: TransactionClient) => Promise<T>): Promise<T> {
    const txId = this.nextTx++;
    await this.call({ op: 'begin', txId });
    const tx: TransactionClient = {
      query: <Row>(sql: string, params?: readonly unknown[]) => this.call<QueryResult<Row>>({ op: 'txQuery', sql, params, txId }),
      exec: async (sql: string) => {
        await this.call({ op: 'txExec', sql, txId });
      },
    };
    let result: T;
    try {
      result = await fn(tx);
    } catch (err) {
      await this.call({ op: 'rollback', txId }).catch(() => undefined);
      throw err;
    }
    await this.call({ op: 'commit', txId });
    return result;
  }

  alive(): boolean {
    return this.exited === null;
  }

  /** A gzip tarball of the data directory (test template clones). */
  async dumpDataDir(): Promise<Blob> {
    return new Blob([(await this.call<Uint8Array<ArrayBuffer>>({ op: 'dump' }))]);
  }

  async close(): Promise<void> {
    if (!this.exited) await this.call({ op: 'close' }).catch(() => undefined);
    await this.worker.terminate();
  }
}

export function openEmbeddedDatabaseInThread(options: EmbeddedOptions = {}): Promise<EmbeddedThreadDatabase> {
  return EmbeddedThreadDatabase.open(options);
}
