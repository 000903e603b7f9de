// Proximity benchmark (issue 4).
//   node --import tsx scripts/bench/proximity.ts --driver native --clusters 2000 --residential 1000000 [--url postgres://…/postgres] [--samples 200] [--port 3701]
//   node --import tsx scripts/bench/proximity.ts --driver embedded --clusters 2000 --residential 100000
//   --skip-naive skips the slow naive comparison, --skip-http the endpoint latencies (for iterating on the batch SQL)
// Native: creates (or reuses) the database cluster_atlas_bench_<clusters>_<residential>_<seed> on the server of --url.
// Measures: bare SQL (KNN k=8 + exact distance; all pairs within 1000 m, the issue's floor, and all pairs within each
// cluster's own isolation distance, like-for-like with the app), the app's batch for all clusters both at each
// cluster's hazard-class distance (what the app computes) and at 1000 m for every cluster (the worst case), a naive bbox-restricted ST_Distance over all pairs (ratio), p50/p95 of the two endpoints, peak RSS.
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import pg from 'pg';
import { parseArgs } from '../cli.ts';
import type { Database } from '../../server/db/database.ts';
import { openEmbeddedDatabase } from '../../server/db/embedded.ts';
import { openNativeDatabase } from '../../server/db/native.ts';
import { detectCapabilities, ensurePostgis } from '../../server/db/capabilities.ts';
import { migrate } from '../../server/db/migrate.ts';
import { seed } from '../../server/db/seed.ts';
import { generateSynthetic } from '../../server/analysis/synthetic.ts';
import { AnalysisRepository } from '../../server/analysis/analysis.repository.ts';
import { isolationDistance } from '../../server/domain/hazard.ts';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';

const args = parseArgs(process.argv.slice(2));
const driver = (args.driver as string) ?? 'embedded';
const clusters = Number(args.clusters ?? 2000);
const residential = Number(args.residential ?? 100_000);
const seedValue = Number(args.seed ?? 4);
const samples = Number(args.samples ?? 200);
const port = Number(args.port ?? 3701);
const baseUrl = (args.url as string) ?? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:54329/postgres';

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function open(): Promise<Database> {
  if (driver === 'embedded') {
    const db = await openEmbeddedDatabase();
    await ensurePostgis(db);
    await migrate(db);
    await seed(db, { demoUsers: true, demoPassword: 'bench-password' });
    db.capabilities = await detectCapabilities(db);
    return db;
  }
  const name = `cluster_atlas_bench_${clusters}_${residential}_${seedValue}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!exists.rowCount) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const db = await openNativeDatabase({ connectionString: url.toString() });
  await ensurePostgis(db);
  await migrate(db);
  await seed(db, { demoUsers: true, demoPassword: 'bench-password' });
  db.capabilities = await detectCapabilities(db);
  return db;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

const db = await open();
console.log(`driver ${driver} (PostGIS ${db.capabilities.postgis}), ${os.cpus().length} CPUs, ${mb(os.totalmem())} RAM`);
const [gen, genMs] = await timed(() =>
  generateSynthetic(db, { clusters, residential, seed: seedValue, onProgress: (p) => p.done % 100_000 < 5000 && process.stdout.write(`  ${p.stage} ${p.done}/${p.total}\r`) }),
);
console.log(`\ndataset: ${gen.clusters} clusters, ${gen.residential} zones (${gen.reused ? 'reused' : `generated in ${ms(genMs)}`})`);
await db.query('ANALYZE residential_zones');

const synthetic = await db.query<{ id: string; version: number; code: string; hazard_class: string | null }>(
  `SELECT c.id, c.published_version AS version, c.code, v.properties->>'hazard_class' AS hazard_class
   FROM clusters c JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.published_version
   WHERE c.source = 'synthetic' AND c.code LIKE $1 ORDER BY c.code`,
  [`%-S${seedValue}-%`],
);
const ids = synthetic.rows;

// warm-up (caches, plans)
await db.query(`SELECT count(*) FROM residential_zones`);

const BARE_NEAREST = `
  SELECT v.cluster_id, n.id, n.d
  FROM clusters c JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.published_version
  CROSS JOIN LATERAL (
    SELECT k.id, k.d FROM (SELECT r.id, ST_Distance(r.geom::geography, v.geom::geography) AS d
                           FROM residential_zones r ORDER BY r.geom <-> v.geom LIMIT 8) k
    ORDER BY k.d LIMIT 1) n
  WHERE c.source = 'synthetic' AND c.code LIKE $1`;
const BARE_PAIRS = `
  SELECT count(*)::int AS n
  FROM clusters c JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.published_version
  JOIN residential_zones r ON r.geom && ST_Expand(v.geom, 1000 / (110000 * cos(radians(abs(ST_YMax(v.geom)) + 0.5))), 1000 / 110000.0)
   AND ST_DWithin(r.geom::geography, v.geom::geography, 1000)
  WHERE c.source = 'synthetic' AND c.code LIKE $1`;
// the same, at each cluster's own isolation distance ($2/$3: cluster ids and distances, from the hazard class as the app does)
const BARE_PAIRS_CLASS = `
  SELECT count(*)::int AS n
  FROM clusters c JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.published_version
  JOIN unnest($2::uuid[], $3::float8[]) AS t(cid, iso) ON t.cid = c.id
  JOIN residential_zones r ON r.geom && ST_Expand(v.geom, t.iso / (110000 * cos(radians(abs(ST_YMax(v.geom)) + 0.5))), t.iso / 110000.0)
   AND ST_DWithin(r.geom::geography, v.geom::geography, t.iso)
  WHERE c.source = 'synthetic' AND c.code LIKE $1`;
// naive: exact distance to every zone in a box of --naive-box degrees (default 0.02° ≈ 2.2 km) around the cluster, then the minimum
const naiveBox = Number(args['naive-box'] ?? 0.02);
const NAIVE_NEAREST = `
  SELECT v.cluster_id, min(ST_Distance(r.geom::geography, v.geom::geography)) AS d
  FROM clusters c JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.published_version
  JOIN residential_zones r ON r.geom && ST_Expand(v.geom, $2::float8)
  WHERE c.source = 'synthetic' AND c.code LIKE $1
  GROUP BY v.cluster_id`;
const like = [`%-S${seedValue}-%`];
const classIso = ids.map((c) => isolationDistance(c.hazard_class).distance_m);
const [, bareNearestMs] = await timed(() => db.query(BARE_NEAREST, like));
const [pairs, barePairsMs] = await timed(() => db.query<{ n: number }>(BARE_PAIRS, like));
const [classPairs, bareClassPairsMs] = await timed(() => db.query<{ n: number }>(BARE_PAIRS_CLASS, [...like, ids.map((c) => c.id), classIso]));
console.log(`bare SQL nearest (KNN k=8 + exact): ${ms(bareNearestMs)}; pairs within 1000 m: ${ms(barePairsMs)} (${pairs.rows[0]!.n} pairs); ` +
  `pairs within each cluster's isolation distance: ${ms(bareClassPairsMs)} (${classPairs.rows[0]!.n} pairs)`);
const repo = new AnalysisRepository(db);
const bareIssue = bareNearestMs + barePairsMs;
const bareClass = bareNearestMs + bareClassPairsMs;
// the app: nearest (KNN) + zones within the isolation distance of each cluster's hazard class, all clusters in one batch
const classInputs = ids.map((c, i) => ({ key: c.id, cluster_id: c.id, version: c.version, isolation_m: classIso[i]! }));
const [classRows, appClassMs] = await timed(() => repo.nearestAndWithin(classInputs));
const classWithin = classRows.reduce((n, r) => n + (r.within?.length ?? 0), 0);
console.log(`app nearest + violations, all clusters, hazard-class distances (${classWithin} zones within): ${ms(appClassMs)} = ` +
  `${(appClassMs / bareClass).toFixed(2)}× bare SQL at the same distances, ${(appClassMs / bareIssue).toFixed(2)}× bare SQL at 1000 m (same run)`);
// the worst case: 1000 m (the strictest distance) for every cluster, like-for-like with the issue's bare "pairs within 1000 m"
const inputs = ids.map((c) => ({ key: c.id, cluster_id: c.id, version: c.version, isolation_m: 1000 }));
const [, appCoreMs] = await timed(() => repo.nearestAndWithin(inputs));
console.log(`app nearest + violations, all clusters, 1000 m for all: ${ms(appCoreMs)} = ${(appCoreMs / bareIssue).toFixed(2)}× bare SQL at 1000 m (same run)`);
const [, appFullMs] = await timed(() => repo.proximity(classInputs, 10));
console.log(`app full proximity (hazard-class distances, with residents inside and green buffer), all clusters: ${ms(appFullMs)}`);
if (!args['skip-naive']) {
  const [, naiveMs] = await timed(() => db.query(NAIVE_NEAREST, [...like, naiveBox]));
  console.log(`naive ST_Distance over all pairs in a ${naiveBox}° box: ${ms(naiveMs)} → naive/KNN ratio ${(naiveMs / bareNearestMs).toFixed(1)}×`);
}
if (args['skip-http']) {
  clearInterval(sampler);
  await db.close();
  process.exit(0);
}

const app = createApp({ db, config: { ...loadConfig({ LOG_LEVEL: 'silent' }) }, logger: createLogger('silent') });
const server = await new Promise<import('node:http').Server>((resolve) => {
  const s = app.listen(port, '127.0.0.1', () => resolve(s));
});
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
peakRss = process.memoryUsage().rss;
const pick = Array.from({ length: Math.min(samples, ids.length) }, (_, i) => ids[(i * 7919) % ids.length]!);
const lat = { proximity: [] as number[], conformity: [] as number[] };
for (const kind of ['proximity', 'conformity'] as const) {
  await fetch(`${base}/api/clusters/${pick[0]!.id}/${kind}`).then((r) => r.text());
  for (const c of pick) {
    const t0 = performance.now();
    const res = await fetch(`${base}/api/clusters/${c.id}/${kind}`);
    await res.text();
    if (res.status !== 200) throw new Error(`${kind} ${c.code}: ${res.status}`);
    lat[kind].push(performance.now() - t0);
  }
}
server.close();
console.log(`GET /proximity p50 ${ms(pct(lat.proximity, 50))} p95 ${ms(pct(lat.proximity, 95))}; GET /conformity p50 ${ms(pct(lat.conformity, 50))} p95 ${ms(pct(lat.conformity, 95))} (${pick.length} requests each)`);
console.log(`peak RSS during the HTTP phase: ${mb(peakRss)}`);
clearInterval(sampler);
await db.close();
