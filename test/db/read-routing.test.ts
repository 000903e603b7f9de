import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pg from 'pg';
import pino from 'pino';
import { createApp } from '../../server/app.ts';
import { ConfigError, loadConfig } from '../../server/config.ts';
import type { Database } from '../../server/db/database.ts';
import { FreshRead, ReadRouting, coversVersions, isUnavailable } from '../../server/db/read-routing.ts';
import { createTestDatabase, testDrivers, type TestDatabase } from '../support/db.ts';
import { TestClient } from '../support/client.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import { decodeTile, tileOf } from '../tiles/decode.ts';

const BN = [106.07, 21.18] as const;

function capturingLogger() {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('read routing: freshness primitives', () => {
  it('FreshRead hands every caller a run that started after it called, one run at a time', async () => {
    let runs = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const started: number[] = [];
    const read = new FreshRead(async () => {
      const n = ++runs;
      started.push(Date.now());
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(20);
      inFlight--;
      return n;
    });
    const first = read.get();
    await sleep(5);
    // these arrive while run 1 is in flight: run 1 may miss what they need, so they share run 2
    const asked = Date.now();
    const late = await Promise.all([read.get(), read.get(), read.get()]);
    expect(await first).toBe(1);
    expect(late).toEqual([2, 2, 2]);
    expect(started[1]).toBeGreaterThanOrEqual(asked);
    expect(maxInFlight).toBe(1);
    // idle: a new call starts a new run at once
    expect(await read.get()).toBe(3);
  });

  it('FreshRead passes a failure to the callers of that run only', async () => {
    let n = 0;
    const read = new FreshRead(async () => {
      n++;
      if (n === 1) throw new Error('down');
      return n;
    });
    await expect(read.get()).rejects.toThrow('down');
    expect(await read.get()).toBe(2);
  });

  it('compares layer versions: the standby must have every change of the layers asked for', () => {
    const primary = new Map([['clusters', 5], ['provinces', 2]]);
    expect(coversVersions(new Map([['clusters', 5], ['provinces', 2]]), primary)).toBe(true);
    expect(coversVersions(new Map([['clusters', 4], ['provinces', 2]]), primary)).toBe(false);
    expect(coversVersions(new Map([['clusters', 4], ['provinces', 2]]), primary, ['provinces'])).toBe(true);
    expect(coversVersions(new Map([['provinces', 2]]), primary, ['clusters'])).toBe(false);
    // a layer the primary does not know (e.g. an unknown tile layer) asks nothing
    expect(coversVersions(new Map(), primary, ['nope'])).toBe(true);
  });

  it('tells an unreachable standby from an error in the statement', () => {
    expect(isUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe(true);
    expect(isUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('syntax error'), { code: '42601' }))).toBe(false);
    expect(isUnavailable(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }))).toBe(false);
  });

  it('without DATABASE_READ_URL every read runs on the primary and costs no query', async () => {
    const calls: string[] = [];
    const primary = { query: async (sql: string) => (calls.push(sql), { rows: [], rowCount: 0 }) } as unknown as Database;
    const routing = new ReadRouting(primary, { logger: pino({ level: 'silent' }) });
    expect(await routing.forRead({ signedIn: false, layers: ['clusters'] })).toEqual({ db: primary, source: 'primary' });
    expect(await routing.replicaHealth()).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('DATABASE_READ_URL must be a postgres URL and needs DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://a/b', DATABASE_READ_URL: 'postgres://c/b' }).databaseReadUrl).toBe('postgres://c/b');
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://c/b' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://a/b', DATABASE_READ_URL: 'mysql://c/b' })).toThrow(/DATABASE_READ_URL must start/);
  });
});

// A real standby is exercised by scripts/cluster/check.ts (streaming replication, nginx). Here the "standby" is a
// second clone of the test template behind a TCP proxy: it never replays anything, so it is the worst case of
// lag, and the proxy lets the test cut it off and bring it back.
describe.runIf(testDrivers().includes('native'))('read routing to a standby [native]', () => {
  let primary: TestDatabase;
  let standby: TestDatabase;
  let proxy: TcpProxy;
  let routing: ReadRouting;
  let server: Server;
  let baseUrl = '';
  let lines: Array<{ level: number; msg: string }> = [];
  const z12 = tileOf(BN[0], BN[1], 12);
  const clusterTile = `/tiles/clusters/${z12.z}/${z12.x}/${z12.y}.pbf`;

  /** Runs SQL on the standby's database directly, with triggers off: its data then differs without a version bump. */
  async function onStandbyQuietly(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: standby.url });
    await client.connect();
    try {
      await client.query("SET session_replication_role = 'replica'");
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  async function get(path: string, headers: Record<string, string> = {}) {
    const res = await fetch(baseUrl + path, { headers });
    return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
  }

  beforeAll(async () => {
    primary = await createTestDatabase('native');
    standby = await createTestDatabase('native');
    const target = new URL(standby.url!);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const replicaUrl = new URL(standby.url!);
    replicaUrl.hostname = '127.0.0.1';
    replicaUrl.port = String(proxy.port);
    const captured = capturingLogger();
    lines = captured.lines;
    const config = { ...loadConfig({ LOG_LEVEL: 'silent' }), databaseUrl: primary.url, databaseReadUrl: replicaUrl.toString() };
    routing = new ReadRouting(primary.db, { logger: captured.logger, replicaUrl: config.databaseReadUrl });
    const app = createApp({ db: primary.db, config, logger: captured.logger, reads: routing });
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await routing?.close();
    await proxy?.stop();
    await primary?.drop();
    await standby?.drop();
  });

  it('reports both pools and the standby in GET /api/health (db.replica: {connected, lag_ms})', async () => {
    const health = await new TestClient(baseUrl).get('/api/health');
    expect(health.status).toBe(200);
    expect(health.body.db.replica).toEqual({ connected: true, lag_ms: null }); // connected, but not in recovery: lag unknown
    expect(Object.keys(health.body.db.pools)).toEqual(expect.arrayContaining(['primary', 'primary_short_reads', 'replica', 'replica_short_reads']));
    expect(health.body.db.reads).toMatchObject({ replica: expect.any(Number), behind: expect.any(Number), unavailable: expect.any(Number) });
  });

  it('serves public reads from the standby while it has every change: tiles, OGC items, the public API, downloads', async () => {
    for (const path of [clusterTile, '/ogc/collections/clusters/items?limit=5', '/api/public/opportunities', '/api/public/downloads/clusters.csv', '/api/clusters?limit=3', '/api/provinces?era=2025', '/tiles/versions.json']) {
      const res = await get(path);
      expect(res.status, path).toBeLessThan(300);
      expect(res.headers.get('x-read-source'), path).toBe('replica');
    }
    // the answers really come from there: a name only the standby has
    await onStandbyQuietly("UPDATE provinces SET name = name || ' (standby)' WHERE code = '27'");
    const item = await new TestClient(baseUrl).get('/ogc/collections/provinces/items/27');
    expect(item.body.properties.name).toBe('Tỉnh Bắc Ninh (standby)');
    const csv = new TextDecoder().decode((await get('/api/public/downloads/provinces.csv')).bytes);
    expect(csv).toContain('Tỉnh Bắc Ninh (standby)');
    expect((await new TestClient(baseUrl).get('/api/provinces/27?era=2009')).body.properties.name).toBe('Tỉnh Bắc Ninh (standby)');
    // signed in, the same reads come from the primary
    const ministry = await new TestClient(baseUrl).login('ministry');
    expect((await ministry.get('/ogc/collections/provinces/items/27')).body.properties.name).toBe('Tỉnh Bắc Ninh');
  });

  it('sends every read of a signed-in user to the primary, tiles included', async () => {
    const planner = await new TestClient(baseUrl).login('planner.laocai');
    const list = await planner.get('/api/clusters?limit=3');
    expect(list.status).toBe(200);
    expect(list.headers.get('x-read-source')).toBe('primary');
    const tile = await planner.get(clusterTile);
    expect(tile.headers.get('x-read-source')).toBe('primary');
    const ogc = await planner.get('/ogc/collections/clusters/items?limit=1');
    expect(ogc.headers.get('x-read-source')).toBe('primary');
  });

  it('an approval shows at once although the standby lags: the behind layer reads the primary, the ETag moves forward only', async () => {
    const first = await get(clusterTile);
    expect(first.headers.get('x-read-source')).toBe('replica');
    const oldEtag = first.headers.get('etag')!;
    const behindBefore = routing.counts.behind;

    // published on the primary only: the standby never gets it
    const { id } = await insertCluster(primary.db, { name: 'Cụm công nghiệp Mới Duyệt', province_code_2009: '27', geometry: squareAround(BN[0], BN[1], 600) });

    for (let i = 0; i < 5; i++) {
      const res = await get(clusterTile, { 'If-None-Match': oldEtag });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-read-source')).toBe('primary');
      expect(res.headers.get('etag')).not.toBe(oldEtag);
      expect(decodeTile(res.bytes).clusters.features.map((f) => f.properties.id)).toContain(id);
    }
    const items = await new TestClient(baseUrl).get('/ogc/collections/clusters/items?limit=1000');
    expect(items.headers.get('x-read-source')).toBe('primary');
    expect(items.body.features.map((f: { id: string }) => f.id)).toContain(id);
    expect(routing.counts.behind).toBeGreaterThan(behindBefore);
    // other layers are unaffected by the lag of this one
    const provinces = await get('/tiles/provinces/6/50/28.pbf');
    expect(provinces.headers.get('x-read-source')).toBe('replica');
  });

  it('falls back to the primary at once when the standby goes away, with a warning, and returns to it when it is back', async () => {
    const provinces = '/tiles/provinces/6/50/28.pbf';
    expect((await get(provinces)).headers.get('x-read-source')).toBe('replica');
    await proxy.stop();
    const cutAt = Date.now();
    // every read keeps answering; the first may find the cut itself (and be rerun on the primary)
    for (let i = 0; i < 5; i++) {
      const res = await get(provinces);
      expect(res.status).toBe(200);
      if (i > 0) expect(res.headers.get('x-read-source')).toBe('primary');
    }
    expect(Date.now() - cutAt).toBeLessThan(1000);
    const health = await new TestClient(baseUrl).get('/api/health');
    expect(health.body.db.replica).toEqual({ connected: false, lag_ms: null });
    expect(lines.some((l) => l.level === 40 && /read replica unavailable/.test(l.msg))).toBe(true);

    await proxy.start();
    const deadline = Date.now() + 3000;
    let source = '';
    while (Date.now() < deadline && source !== 'replica') {
      await sleep(100);
      source = (await get(provinces)).headers.get('x-read-source') ?? '';
    }
    expect(source).toBe('replica');
    expect(lines.some((l) => /read replica is back/.test(l.msg))).toBe(true);
    expect((await new TestClient(baseUrl).get('/api/health')).body.db.replica.connected).toBe(true);
  });

  it('reruns a statement on the primary when the standby drops its connections mid-way', async () => {
    const name = new URL(standby.url!).pathname.slice(1);
    const admin = new pg.Client({ connectionString: primary.url });
    await admin.connect();
    try {
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'cluster-atlas-replica%'",
        [name],
      );
    } finally {
      await admin.end();
    }
    const results = await Promise.all(Array.from({ length: 8 }, () => get('/ogc/collections/provinces/items?limit=2')));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
  });
});
