/**
 * Cluster registry latency: list (bbox of one province), get, and save with full validation, over HTTP on the real app.
 *   node --import tsx scripts/bench/clusters.ts [--n 2000] [--requests 200] [--saves 30]
 * Embedded (in-memory PGlite, migrated + seeded here) by default; native when BENCH_DATABASE_URL is set
 * (its clusters marked source='bench' are reused between runs). Prints JSON and a Markdown row.
 */
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import type { Database } from '../../server/db/database.ts';
import { openEmbeddedDatabase } from '../../server/db/embedded.ts';
import { openNativeDatabase } from '../../server/db/native.ts';
import { detectCapabilities, ensurePostgis } from '../../server/db/capabilities.ts';
import { migrate } from '../../server/db/migrate.ts';
import { seed } from '../../server/db/seed.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { UsersRepository } from '../../server/auth/users.repository.ts';
import { parseArgs } from '../cli.ts';

const args = parseArgs(process.argv.slice(2));
const N = Number(args.n ?? 2000);
const REQUESTS = Number(args.requests ?? 200);
const SAVES = Number(args.saves ?? 30);
const PROVINCE = '01';
const PASSWORD = 'bench-password';

function pct(samples: number[], p: number) {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
const round = (x: number) => Math.round(x * 10) / 10;

async function openDb(): Promise<Database> {
  const url = process.env.BENCH_DATABASE_URL?.trim();
  const db = url ? await openNativeDatabase({ connectionString: url }) : await openEmbeddedDatabase();
  await ensurePostgis(db);
  await migrate(db);
  await seed(db, { demoUsers: false, demoPassword: PASSWORD });
  db.capabilities = await detectCapabilities(db);
  return db;
}

/** n synthetic ~330 m square clusters spread over the 63 provinces (random points inside each), published. */
async function generate(db: Database, n: number) {
  const have = (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM clusters WHERE source = 'bench'")).rows[0]!.n;
  if (have >= n) return have;
  const provinces = (await db.query<{ code: string }>('SELECT code FROM provinces ORDER BY code')).rows.map((r) => r.code);
  const per = Math.ceil((n - have) / provinces.length);
  for (const [i, code] of provinces.entries()) {
    await db.transaction((tx) =>
      tx.query(
        `WITH pts AS (
           SELECT row_number() OVER () AS i, d.geom AS pt
           FROM provinces p, ST_Dump(ST_GeneratePoints(p.geom, $2::int, $3::int)) d WHERE p.code = $1),
         ins AS (
           INSERT INTO clusters (code, province_code, head_version, published_version, source)
           SELECT $1 || '-B' || $4::text || lpad(i::text, 4, '0'), $1, 1, 1, 'bench' FROM pts RETURNING id, code),
         v AS (
           INSERT INTO cluster_versions (cluster_id, version, properties, name, status, province_code, geom, area_ha, area_ha_vn2000, vn2000_epsg)
           SELECT ins.id, 1,
                  jsonb_build_object('name', 'Cụm công nghiệp Thử nghiệm ' || ins.code, 'code', ins.code, 'province_code', $1, 'status', 'operating',
                                     'communes', '[]'::jsonb, 'industries', '[]'::jsonb, 'craft_village', false, 'mountainous_district', false),
                  'Cụm công nghiệp Thử nghiệm ' || ins.code, 'operating', $1, sq.geom,
                  ST_Area(sq.geom::geography) / 10000, ST_Area(ST_Transform(sq.geom, z.epsg)) / 10000, z.epsg
           FROM ins JOIN pts ON ins.code = $1 || '-B' || $4::text || lpad(pts.i::text, 4, '0')
           JOIN province_vn2000_zones z ON z.province_code = $1
           CROSS JOIN LATERAL (SELECT ST_Multi(ST_Expand(pts.pt, 0.0015)) AS geom) sq
           RETURNING cluster_id)
         INSERT INTO cluster_review_events (cluster_id, version, state)
         SELECT cluster_id, 1, s FROM v, (VALUES ('draft'), ('approved')) st(s)`,
        [code, per, 1000 + i + have, String(have)],
      ),
    );
  }
  return (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM clusters WHERE source = 'bench'")).rows[0]!.n;
}

async function main() {
  const started = Date.now();
  const db = await openDb();
  const driver = db.driver;
  const t0 = Date.now();
  const total = await generate(db, N);
  const genMs = Date.now() - t0;
  const users = new UsersRepository(db);
  if (!(await users.findByUsername('bench.planner'))) {
    await users.insert({ username: 'bench.planner', passwordHash: await hashPassword(PASSWORD), role: 'planner', provinceCode: PROVINCE });
  }
  const app = createApp({ db, config: { ...loadConfig({ LOG_LEVEL: 'silent' }) }, logger: createLogger('silent') });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const bbox = (await db.query<{ b: string }>(
      "SELECT concat_ws(',', ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)) AS b FROM (SELECT ST_Envelope(geom) AS e FROM provinces WHERE code = $1) q",
      [PROVINCE],
    )).rows[0]!.b;
    const ids = (await db.query<{ id: string }>("SELECT id FROM clusters WHERE source = 'bench' ORDER BY random() LIMIT $1", [REQUESTS])).rows.map((r) => r.id);

    const time = async (fn: () => Promise<Response>) => {
      const s = performance.now();
      const res = await fn();
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return performance.now() - s;
    };
    // warm-up
    for (let i = 0; i < 5; i++) await time(() => fetch(`${base}/api/clusters?bbox=${bbox}`));
    const list: number[] = [];
    let listed = 0;
    for (let i = 0; i < REQUESTS; i++) {
      list.push(await time(() => fetch(`${base}/api/clusters?bbox=${bbox}`)));
    }
    listed = ((await (await fetch(`${base}/api/clusters?bbox=${bbox}`)).json()) as { features: unknown[] }).features.length;
    const get: number[] = [];
    for (const id of ids) get.push(await time(() => fetch(`${base}/api/clusters/${id}`)));

    // saves: the planner of province 01 edits its bench clusters (full validation: shared validator, PostGIS validity, province, overlaps)
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench.planner', password: PASSWORD }) });
    const cookies = login.headers.getSetCookie().map((c) => c.split(';')[0]!);
    const csrf = decodeURIComponent(cookies.find((c) => c.startsWith('csrf_token='))!.split('=')[1]!);
    const headers = { cookie: cookies.join('; '), 'x-csrf-token': csrf, 'content-type': 'application/json' };
    const own = (await db.query<{ id: string }>(
      `SELECT c.id FROM clusters c JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.head_version JOIN provinces p ON p.code = c.province_code
       WHERE c.source = 'bench' AND c.province_code = $1 AND ST_Covers(p.geom, v.geom)
         AND NOT EXISTS (SELECT 1 FROM cluster_versions o JOIN clusters oc ON oc.id = o.cluster_id AND o.version = oc.head_version
                         WHERE oc.id <> c.id AND o.geom && v.geom)
       LIMIT $2`,
      [PROVINCE, SAVES],
    )).rows.map((r) => r.id);
    const save: number[] = [];
    let refused = 0;
    for (const id of own) {
      const res = await fetch(`${base}/api/clusters/${id}`, { headers });
      const f = (await res.json()) as { geometry: unknown; properties: Record<string, unknown> };
      const body = JSON.stringify({ type: 'Feature', geometry: f.geometry, properties: { name: f.properties.name, province_code: PROVINCE, status: 'operating', workers: save.length } });
      const s = performance.now();
      const put = await fetch(`${base}/api/clusters/${id}`, { method: 'PUT', headers: { ...headers, 'If-Match': res.headers.get('etag')! }, body });
      await put.arrayBuffer();
      if (put.status !== 200) refused++;
      else save.push(performance.now() - s);
    }
    const result = {
      driver,
      postgis: db.capabilities.postgis,
      clusters: total,
      generate_ms: genMs,
      list: { requests: list.length, features: listed, p50: round(pct(list, 50)), p95: round(pct(list, 95)) },
      get: { requests: get.length, p50: round(pct(get, 50)), p95: round(pct(get, 95)) },
      save: { requests: save.length, refused, p50: save.length ? round(pct(save, 50)) : null, p95: save.length ? round(pct(save, 95)) : null },
      machine: { nproc: os.cpus().length, mem_gb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      date: new Date().toISOString(),
      total_s: Math.round((Date.now() - started) / 1000),
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(
      `| ${driver} | ${total} | ${result.list.p50} / ${result.list.p95} (${listed} features) | ${result.get.p50} / ${result.get.p95} | ${result.save.p50} / ${result.save.p95} (${save.length}) |`,
    );
  } finally {
    server.closeAllConnections();
    server.close();
    await db.close();
  }
}

await main();
