import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedDatabaseInThread, type EmbeddedThreadDatabase } from '../../server/db/embedded-thread.ts';
import { describeEachServer } from '../support/server.ts';

const HEAVY = 'SELECT count(*)::int AS n FROM generate_series(1, 4000000) g, LATERAL (SELECT md5(g::text)) x';

describe('embedded database in a worker thread', () => {
  let db: EmbeddedThreadDatabase;
  beforeAll(async () => {
    db = await openEmbeddedDatabaseInThread();
  }, 120_000);
  afterAll(() => db.close());

  it('keeps the calling thread free while a heavy query runs', async () => {
    let longestGapMs = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      longestGapMs = Math.max(longestGapMs, now - last);
      last = now;
    }, 5);
    const started = performance.now();
    const result = await db.query<{ n: number }>(HEAVY);
    const tookMs = performance.now() - started;
    clearInterval(timer);
    expect(result.rows[0]!.n).toBe(4_000_000);
    // in-process, the whole query would be one gap
    expect(longestGapMs).toBeLessThan(Math.max(250, tookMs / 3));
  }, 120_000);

  it('says it is alive while its thread runs, and not after it stopped', async () => {
    const other = await openEmbeddedDatabaseInThread();
    expect(other.alive()).toBe(true);
    await other.close();
    expect(other.alive()).toBe(false);
  }, 120_000);

  it('carries database errors with their SQLSTATE and the fields callers read', async () => {
    await db.exec('CREATE TABLE thread_t (id int PRIMARY KEY)');
    await db.query('INSERT INTO thread_t VALUES (1)');
    const dup = await db.query('INSERT INTO thread_t VALUES (1)').catch((e: unknown) => e as { code: string; constraint: string; message: string });
    expect(dup).toMatchObject({ code: '23505', constraint: 'thread_t_pkey' });
    const bad = (await db.query('SELECT $1::int', ['x']).catch((e: unknown) => e)) as { code: string };
    expect(bad.code).toBe('22P02');
  });

  it('commits a transaction, rolls one back on a throw, and makes outside queries wait for the open one', async () => {
    await db.exec('CREATE TABLE thread_tx (id int)');
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO thread_tx VALUES (1)');
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO thread_tx VALUES (2)');
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = db.transaction(async (t) => {
      await t.query('INSERT INTO thread_tx VALUES (3)');
      await held;
      order.push('commit');
    });
    await new Promise((r) => setTimeout(r, 50));
    const outside = db.query<{ n: number }>('SELECT count(*)::int AS n FROM thread_tx').then((r) => {
      order.push('outside');
      return r.rows[0]!.n;
    });
    await new Promise((r) => setTimeout(r, 100));
    release();
    await tx;
    expect(await outside).toBe(2);
    expect(order).toEqual(['commit', 'outside']);
  });
});

describeEachServer('the server answers while the embedded database works', (t) => {
  it('the HTTP thread answers within a second while a heavy query runs', async () => {
    let heavyDone = false;
    const heavy = t.server.db.query(HEAVY).then(() => (heavyDone = true));
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    // an answer that needs no SQL: PGlite has one connection, so SQL waits for the heavy query, but HTTP must not
    const res = await t.server.client().get('/api/basemap/config').catch(() => null);
    const tookMs = Date.now() - started;
    expect(res?.status).toBe(200);
    if (t.driver === 'embedded') expect(heavyDone).toBe(false);
    expect(tookMs).toBeLessThan(1000);
    // the health probe too: the embedded thread answers for itself instead of queueing SELECT 1 behind the work
    const healthStarted = Date.now();
    const health = await t.server.client().get('/api/health');
    expect(health.status).toBe(200);
    if (t.driver === 'embedded') {
      expect(heavyDone).toBe(false);
      expect(Date.now() - healthStarted).toBeLessThan(1000);
    }
    await heavy;
  }, 120_000);
});
