/**
 * The worker thread that owns the embedded PGlite database. PGlite runs WebAssembly synchronously, so in
 * the HTTP thread one heavy query stops every request; here it stops only this thread. Protocol: see
 * embedded-thread.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openEmbeddedDatabase, type EmbeddedDatabase } from './embedded.ts';
import type { TransactionClient } from './database.ts';
import type { WorkerReply, WorkerRequest, WorkerStartOptions } from './embedded-thread.ts';

const port = parentPort!;
const start = workerData as WorkerStartOptions;

function serialiseError(err: unknown): WorkerReply['error'] {
  const e = err as Record<string, unknown> & Error;
  const out: NonNullable<WorkerReply['error']> = { message: e?.message ?? String(err), name: e?.name ?? 'Error' };
  // the fields pg and PGlite put on a database error, which callers read (code 23505, 22P02 …)
  for (const key of ['code', 'detail', 'hint', 'position', 'schema', 'table', 'column', 'constraint', 'severity', 'where'] as const) {
    if (e && e[key] !== undefined) out[key] = String(e[key]);
  }
  return out;
}

let db: EmbeddedDatabase;
const transactions = new Map<number, { tx: TransactionClient; finish: (commit: boolean) => void; settled: Promise<unknown> }>();

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'query':
      return db.query(req.sql!, req.params);
    case 'exec':
      return db.exec(req.sql!);
    case 'begin': {
      let began!: () => void;
      const ready = new Promise<void>((resolve) => (began = resolve));
      let finish!: (commit: boolean) => void;
      const decided = new Promise<boolean>((resolve) => (finish = resolve));
      const settled = db.transaction(async (tx) => {
        transactions.set(req.txId!, { tx, finish, settled });
        began();
        if (!(await decided)) throw new RollbackRequested();
      });
      // BEGIN itself failed: nothing was registered
      await Promise.race([ready, settled]);
      if (!transactions.has(req.txId!)) await settled;
      return null;
    }
    case 'txQuery':
      return txOf(req).tx.query(req.sql!, req.params);
    case 'txExec':
      return txOf(req).tx.exec(req.sql!);
    case 'commit':
    case 'rollback': {
      const t = txOf(req);
      transactions.delete(req.txId!);
      t.finish(req.op === 'commit');
      try {
        await t.settled;
      } catch (err) {
        if (!(err instanceof RollbackRequested)) throw err;
      }
      return null;
    }
    case 'dump': {
      const blob = await db.dumpDataDir();
      return new Uint8Array(await blob.arrayBuffer());
    }
    case 'close':
      await db.close();
      return null;
  }
}

class RollbackRequested extends Error {}

function txOf(req: WorkerRequest) {
  const t = transactions.get(req.txId!);
  if (!t) throw new Error(`transaction ${req.txId} is not open`);
  return t;
}

try {
  db = await openEmbeddedDatabase({
    dataDir: start.dataDir,
    owner: start.owner,
    loadDataDir: start.loadDataDir ? new Blob([start.loadDataDir as Uint8Array<ArrayBuffer>]) : undefined,
  });
  port.postMessage({ id: 0, ok: true } satisfies WorkerReply);
} catch (err) {
  port.postMessage({ id: 0, ok: false, error: serialiseError(err) } satisfies WorkerReply);
}

port.on('message', (req: WorkerRequest) => {
  handle(req).then(
    (result) => port.postMessage({ id: req.id, ok: true, result } satisfies WorkerReply),
    (err: unknown) => port.postMessage({ id: req.id, ok: false, error: serialiseError(err) } satisfies WorkerReply),
  );
});
