// Vector tile and OGC items benchmark.
//
//   node --import tsx scripts/bench/tiles.ts --driver native --database-url postgres://postgres@127.0.0.1:54329/postgres \
//        --residential 1000000 [--clusters 2000] [--seed 1] [--port 3471] [--tiles 200]
//   node --import tsx scripts/bench/tiles.ts --driver embedded --residential 100000
//
// Native: builds (once, then reuses) a database `cluster_atlas_bench_tiles_<N>` next to the given URL, fills it with
// the analysis area's synthetic generator, starts the real server as a child process, and measures for a fixed list
// of tiles around Hà Nội and Bắc Ninh at z8, z11 and z14:
//   - the bare tile SQL (the same statement the server runs, in this process, on its own pool),
//   - the same tiles over HTTP: cold (first fetch after start), warm (second fetch) and revalidation (304),
//   - the same warm and revalidation requests from Debian's `wrk` (one connection, cycling through the list; a C
//     client, so the figure is the server's and not undici's), when wrk is installed,
//   - autocannon throughput over the warm list, and the OGC items page of 1,000 features.
// Embedded: an in-memory PGlite, the JavaScript encoder, the app in-process.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import pg from 'pg';
import autocannon from 'autocannon';
import { openNativeDatabase } from '../../server/db/native.ts';
import { openEmbeddedDatabase } from '../../server/db/embedded.ts';
import { detectCapabilities, ensurePostgis } from '../../server/db/capabilities.ts';
import { migrate } from '../../server/db/migrate.ts';
import { seed } from '../../server/db/seed.ts';
import type { Database } from '../../server/db/database.ts';
import { generateSynthetic } from '../../server/analysis/synthetic.ts';
import { TilesService } from '../../server/tiles/tiles.service.ts';
import { TilesRepository } from '../../server/tiles/tiles.repository.ts';
import { TILE_LAYERS } from '../../server/tiles/tile-layers.ts';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { projectRoot } from '../../server/paths.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const driver = arg('driver', 'native') as 'native' | 'embedded';
const residential = Number(arg('residential', driver === 'native' ? '1000000' : '100000'));
const clusters = Number(arg('clusters', '2000'));
const seedNo = Number(arg('seed', '1'));
const port = Number(arg('port', '3471'));
const tilesPerZoom = Number(arg('tiles', '200'));
const baseUrlArg = arg('database-url', process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:54329/postgres');

const CENTRES = [
  [105.85, 21.03], // Hà Nội
  [106.07, 21.18], // Bắc Ninh
] as const;
const ZOOMS = [8, 11, 14];

function tileOf(lon: number, lat: number, z: number) {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return { x: Math.floor(((lon + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n) };
}

/** A fixed list: the tiles nearest each centre, spiralling out, alternating centres, deduplicated. */
function tileList(z: number, count: number): Array<[number, number, number]> {
  const seen = new Set<string>();
  const out: Array<[number, number, number]> = [];
  const rings = CENTRES.map(([lon, lat]) => {
    const c = tileOf(lon, lat, z);
    const list: Array<[number, number]> = [];
    for (let r = 0; r < 40; r++) {
      for (let dx = -r; dx <= r; dx++) for (let dy = -r; dy <= r; dy++) if (Math.max(Math.abs(dx), Math.abs(dy)) === r) list.push([c.x + dx, c.y + dy]);
    }
    return list;
  });
  for (let i = 0; out.length < count && i < rings[0].length; i++) {
    for (const ring of rings) {
      const [x, y] = ring[i];
      const k = `${x}/${y}`;
      if (!seen.has(k) && out.length < count) {
        seen.add(k);
        out.push([z, x, y]);
      }
    }
  }
  return out;
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
const ms = (n: number) => n.toFixed(2);

async function prepareNative(): Promise<{ db: Database; url: string }> {
  const name = `cluster_atlas_bench_tiles_${residential}`;
  const admin = new pg.Client({ connectionString: baseUrlArg });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!exists.rowCount) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  await admin.end();
  const url = new URL(baseUrlArg);
  url.pathname = `/${name}`;
  const db = await openNativeDatabase({ connectionString: url.toString() });
  await ensurePostgis(db);
  await migrate(db);
  await seed(db, { demoUsers: false, demoPassword: 'unused' });
  db.capabilities = await detectCapabilities(db);
  return { db, url: url.toString() };
}

async function prepareEmbedded(): Promise<Database> {
  const db = await openEmbeddedDatabase();
  await ensurePostgis(db);
  await migrate(db);
  await seed(db, { demoUsers: false, demoPassword: 'unused' });
  db.capabilities = await detectCapabilities(db);
  return db;
}

async function fill(db: Database) {
  const started = Date.now();
  let last = 0;
  const result = await generateSynthetic(db, {
    clusters,
    residential,
    seed: seedNo,
    onProgress: ({ stage, done, total }) => {
      if (Date.now() - last > 5000 || done === total) {
        last = Date.now();
        console.error(`  ${stage}: ${done}/${total}`);
      }
    },
  });
  console.error(`data: ${result.reused ? 'reused' : 'generated'} ${result.clusters} clusters, ${result.residential} residential zones (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  if (!result.reused) await db.query('ANALYZE');
  // the z11 cells of collected residential geometry (sql/044): the server builds stale cells lazily after
  // serving them from the features; after a bulk load they are built at once
  if (db.capabilities.mvt) {
    const t0 = Date.now();
    const built = await new TilesService(db).buildStaleCells();
    console.error(`z11 cells: built ${built} stale cells (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
}

const hasWrk = spawnSync('wrk', ['--version']).error === undefined;
const execFileAsync = promisify(execFile);

// wrk's summary hook: latency percentiles in ms and the request count on one line
const WRK_DONE = `done = function(summary, latency, requests)
  io.write(string.format("WRK %f %f %d\\n", latency:percentile(50) / 1000, latency:percentile(95) / 1000, summary.requests))
end
`;

/** Runs wrk on one connection with a Lua script whose done() is WRK_DONE (asynchronously: the embedded server runs in this process). */
async function runWrk(base: string, script: string, seconds: number): Promise<{ p50: number; p95: number; requests: number }> {
  const run = await execFileAsync('wrk', ['-t1', '-c1', `-d${seconds}s`, '-s', script, base], { encoding: 'utf8' });
  const m = /WRK ([\d.]+) ([\d.]+) (\d+)/.exec(run.stdout);
  if (!m || Number(m[3]) === 0) throw new Error(`wrk failed: ${run.stderr || run.stdout}`);
  return { p50: Number(m[1]), p95: Number(m[2]), requests: Number(m[3]) };
}

/** The real server as a child process on the native database. */
async function startNativeServer(url: string, listenPort: number): Promise<{ base: string; close: () => Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: url, PORT: String(listenPort), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${listenPort}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {
      /* not yet */
    }
    if (i > 300) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    close: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** wrk, one connection, each path once in order (a cold pass on a server that never built these tiles). */
function wrkOnePass(base: string, paths: string[]): Promise<{ p50: number; p95: number; requests: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tiles-wrk-'));
  const script = path.join(dir, 'cold.lua');
  writeFileSync(
    script,
    `local paths = {\n${paths.map((p) => JSON.stringify(p)).join(',\n')}\n}
local sent = 0
local received = 0
request = function()
  sent = math.min(sent + 1, #paths)
  return wrk.format("GET", paths[sent], { ["Accept-Encoding"] = "gzip" })
end
response = function(status, headers, body)
  received = received + 1
  if received >= #paths then wrk.thread:stop() end
end
${WRK_DONE}`,
  );
  return runWrk(base, script, 120);
}

/**
 * Latency percentiles from wrk over one connection, cycling through the paths for `seconds` (every tile is warm
 * after its first round); with `etags`, each request revalidates with the tile's ETag.
 */
function wrkLatency(base: string, paths: string[], etags?: Map<string, string>, seconds = 5): Promise<{ p50: number; p95: number; requests: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tiles-wrk-'));
  const script = path.join(dir, 'tiles.lua');
  const list = paths.map((p) => `{${JSON.stringify(p)}, ${JSON.stringify(etags?.get(p) ?? '')}}`).join(',\n');
  writeFileSync(
    script,
    `local paths = {\n${list}\n}
local i = 0
request = function()
  i = i % #paths + 1
  local headers = { ["Accept-Encoding"] = "gzip" }
  if paths[i][2] ~= "" then headers["If-None-Match"] = paths[i][2] end
  return wrk.format("GET", paths[i][1], headers)
end
${WRK_DONE}`,
  );
  return runWrk(base, script, seconds);
}

async function timeHttp(base: string, paths: string[], headers?: (p: string) => Record<string, string>) {
  const times: number[] = [];
  const sizes: number[] = [];
  const statuses: Record<number, number> = {};
  const etags = new Map<string, string>();
  for (const p of paths) {
    const t0 = performance.now();
    // a keep-alive socket idle past the server's timeout (after wrk) may be closed under us: retry once
    const res = await fetch(base + p, { headers: headers?.(p) }).catch(() => fetch(base + p, { headers: headers?.(p) }));
    const body = new Uint8Array(await res.arrayBuffer());
    times.push(performance.now() - t0);
    sizes.push(body.length);
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    const etag = res.headers.get('etag');
    if (etag) etags.set(p, etag);
  }
  return { times, sizes, statuses, etags };
}

async function main() {
  console.error(`tiles benchmark: driver=${driver} residential=${residential} clusters=${clusters} tiles/zoom=${tilesPerZoom}`);
  let db: Database;
  let base: string;
  let closeServer: () => Promise<void>;
  // a second server with an empty tile cache, for the wrk cold pass (native only)
  let startFreshServer: (() => Promise<{ base: string; close: () => Promise<void> }>) | undefined;
  if (driver === 'native') {
    const prepared = await prepareNative();
    db = prepared.db;
    await fill(db);
    const started = await startNativeServer(prepared.url, port);
    base = started.base;
    closeServer = started.close;
    startFreshServer = () => startNativeServer(prepared.url, port + 1);
  } else {
    db = await prepareEmbedded();
    await fill(db);
    const config = { ...loadConfig({ LOG_LEVEL: 'silent' }) };
    const app = createApp({ db, config, logger: createLogger('silent') });
    const server = await new Promise<import('node:http').Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    closeServer = async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    };
  }

  const service = new TilesService(db);
  const repo = new TilesRepository(db);
  const layer = TILE_LAYERS['residential-zones'];
  const report: string[] = [];
  const line = (s: string) => {
    report.push(s);
    console.log(s);
  };
  line(`## ${new Date().toISOString().slice(0, 10)} — ${driver}, ${residential.toLocaleString('en')} residential polygons, ${clusters} clusters`);
  line(`machine: ${os.cpus().length} CPU (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM; encoder: ${service.encoder}`);
  line('');
  line('| zoom | tiles | non-empty | max KB | mean KB | SQL p50 / p95 ms | HTTP cold p50 / p95 ms | HTTP warm p50 / p95 ms | 304 p50 / p95 ms | warm p95 ≤ 1.3×SQL+2 |');
  line('|---|---|---|---|---|---|---|---|---|---|');
  const wrkRows: string[] = [];

  const allPaths: string[] = [];
  for (const z of ZOOMS) {
    const list = tileList(z, tilesPerZoom);
    const paths = list.map(([zz, x, y]) => `/tiles/residential-zones/${zz}/${x}/${y}.pbf`);
    allPaths.push(...paths);
    // HTTP cold: first fetch of each tile since the server started (no tile cache exists anywhere)
    const cold = await timeHttp(base, paths);
    // bare SQL: the exact statement the server runs (the JS encoder's query + encoding on embedded)
    const sql: number[] = [];
    for (const [zz, x, y] of list) {
      const t0 = performance.now();
      if (service.encoder === 'native') await repo.mvt(layer, layer.where, { z: zz, x, y });
      else await service.tile('residential-zones', String(zz), String(x), String(y));
      sql.push(performance.now() - t0);
    }
    const warm = await timeHttp(base, paths);
    const revalidate = await timeHttp(base, paths, (p) => ({ 'If-None-Match': warm.etags.get(p) ?? '' }));
    const nonEmpty = warm.sizes.filter((s) => s > 0).length;
    const ok = pct(warm.times, 95) <= 1.3 * pct(sql, 95) + 2;
    line(
      `| z${z} | ${list.length} | ${nonEmpty} | ${(Math.max(...warm.sizes) / 1024).toFixed(0)} | ${(warm.sizes.reduce((a, b) => a + b, 0) / Math.max(1, nonEmpty) / 1024).toFixed(1)} | ` +
        `${ms(pct(sql, 50))} / ${ms(pct(sql, 95))} | ${ms(pct(cold.times, 50))} / ${ms(pct(cold.times, 95))} | ${ms(pct(warm.times, 50))} / ${ms(pct(warm.times, 95))} | ` +
        `${ms(pct(revalidate.times, 50))} / ${ms(pct(revalidate.times, 95))} | ${ok ? 'yes' : 'no'} |`,
    );
    if (revalidate.statuses[304] !== paths.length - (revalidate.statuses[204] ?? 0)) line(`  (revalidation statuses: ${JSON.stringify(revalidate.statuses)})`);
    if (hasWrk) {
      const w = await wrkLatency(base, paths);
      const w304 = await wrkLatency(base, paths, warm.etags);
      wrkRows.push(`| z${z} | ${ms(w.p50)} / ${ms(w.p95)} (${w.requests} requests) | ${ms(w304.p50)} / ${ms(w304.p95)} (${w304.requests} requests) | ${w.p95 <= 1.3 * pct(sql, 95) + 2 ? 'yes' : 'no'} |`);
    }
  }
  if (wrkRows.length) {
    // cold again, from a C client: a second server process whose tile cache is empty
    const coldRows = new Map<number, string>();
    if (startFreshServer) {
      const fresh = await startFreshServer();
      try {
        for (const z of ZOOMS) {
          const w = await wrkOnePass(fresh.base, tileList(z, tilesPerZoom).map(([zz, x, y]) => `/tiles/residential-zones/${zz}/${x}/${y}.pbf`));
          coldRows.set(z, `${ms(w.p50)} / ${ms(w.p95)} (${w.requests} requests)`);
        }
      } finally {
        await fresh.close();
      }
    }
    line('');
    line('wrk (a C client), one connection, gzip accepted. Cold: each tile once, in order, from a second server process that never built them; warm and 304: cycling through the same tiles for 5 s on the first server:');
    line('');
    line('| zoom | cold p50 / p95 ms | warm p50 / p95 ms | 304 p50 / p95 ms | warm p95 ≤ 1.3×SQL+2 |');
    line('|---|---|---|---|---|');
    wrkRows.forEach((row, i) => line(row.replace(/^\| (z\d+) \|/, `| $1 | ${coldRows.get(ZOOMS[i]) ?? '—'} |`)));
  }

  if (service.encoder === 'native' && layer.tileGrid) {
    // what the stored z11 grid saves: the same z11 tiles projected and validated per feature (ST_AsMVTGeom)
    const exact = { ...layer, tileGrid: undefined };
    const times: number[] = [];
    for (const [z, x, y] of tileList(11, tilesPerZoom)) {
      const t0 = performance.now();
      await repo.mvt(exact, exact.where, { z, x, y });
      times.push(performance.now() - t0);
    }
    line('');
    line(`reference, z11 without the stored grid (ST_Transform + ST_AsMVTGeom per feature, same tiles): SQL p50 ${ms(pct(times, 50))} ms, p95 ${ms(pct(times, 95))} ms`);
  }

  if (service.encoder === 'native') {
    // the reference: bare ST_AsMVT over every polygon (no size filter) at z8 around the centres
    const z8 = tileList(8, 4);
    const times: number[] = [];
    let maxBytes = 0;
    for (const [z, x, y] of z8) {
      const t0 = performance.now();
      const r = await db.query<{ tile: Buffer }>(
        `WITH b AS (SELECT ST_TileEnvelope($1, $2, $3) AS env)
         SELECT ST_AsMVT(q, 'r', 4096, 'geom') AS tile FROM (
           SELECT t.id, ST_AsMVTGeom(ST_Transform(t.geom, 3857), b.env, 4096, 64, true) AS geom
           FROM residential_zones t, b WHERE t.geom && ST_Transform(b.env, 4326)) q`,
        [z, x, y],
      );
      times.push(performance.now() - t0);
      maxBytes = Math.max(maxBytes, r.rows[0].tile?.length ?? 0);
    }
    line('');
    line(`reference, bare ST_AsMVT without generalisation at z8 (4 central tiles): p50 ${ms(pct(times, 50))} ms, max ${ms(Math.max(...times))} ms, largest tile ${(maxBytes / 1024).toFixed(0)} KB`);
  }

  // throughput over the warm list
  const ac = await autocannon({
    url: base,
    connections: 8,
    duration: 10,
    requests: allPaths.map((p) => ({ method: 'GET', path: p })),
  });
  line('');
  line(`autocannon, 8 connections, 10 s over the ${allPaths.length} tiles: ${ac.requests.average.toFixed(0)} req/s, latency p50 ${ac.latency.p50} ms, p97.5 ${ac.latency.p97_5} ms, p99 ${ac.latency.p99} ms, errors ${ac.errors}, non-2xx ${ac.non2xx}`);

  // OGC items pages of 1,000 features
  const ogc: number[] = [];
  let returned = 0;
  for (let i = 0; i < 40; i++) {
    const [lon, lat] = CENTRES[i % 2];
    const d = 0.05 + (i % 5) * 0.02;
    const t0 = performance.now();
    const res = await fetch(`${base}/ogc/collections/residential-zones/items?limit=1000&offset=${(i % 4) * 1000}&bbox=${lon - d},${lat - d},${lon + d},${lat + d}`);
    const body = (await res.json()) as { numberReturned: number };
    ogc.push(performance.now() - t0);
    returned += body.numberReturned;
  }
  const clustersPage: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await (await fetch(`${base}/ogc/collections/clusters/items?limit=1000&offset=${(i % 2) * 1000}`)).arrayBuffer();
    clustersPage.push(performance.now() - t0);
  }
  line('');
  line(`OGC items, residential-zones pages of limit=1000 within a bbox (40 requests, ${(returned / 40).toFixed(0)} features per page on average): p50 ${ms(pct(ogc, 50))} ms, p95 ${ms(pct(ogc, 95))} ms`);
  line(`OGC items, clusters pages of limit=1000 (20 requests): p50 ${ms(pct(clustersPage, 50))} ms, p95 ${ms(pct(clustersPage, 95))} ms`);
  await closeServer();
  await db.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
