/**
 * Stats and periodic-report benchmark: N clusters × V versions (default 2,000 × 10), then times
 *   - national stats (GET /api/stats by province and by region, today),
 *   - the as-of query for random dates 2010–2025,
 *   - the national periodic report (JSON and XLSX) for random periods,
 * through the real services (the SQL and aggregation the routers run).
 *
 *   node --import tsx scripts/bench/reports.ts [--driver native|embedded] [--clusters 2000] [--versions 10] [--runs 30]
 * native: uses BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:54329/postgres to create (and drop) a scratch database.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../server/db/database.ts';
import { openNativeDatabase } from '../../server/db/native.ts';
import { openEmbeddedDatabase } from '../../server/db/embedded.ts';
import { ensurePostgis, detectCapabilities } from '../../server/db/capabilities.ts';
import { migrate } from '../../server/db/migrate.ts';
import { seedAdminGeography } from '../../server/geography/admin-seed.ts';
import { ReportsRepository } from '../../server/reports/reports.repository.ts';
import { StatsService } from '../../server/reports/stats.service.ts';
import { ReportsService } from '../../server/reports/reports.service.ts';
import { renderXlsx } from '../../server/reports/report-render.ts';
import { parsePeriod } from '../../server/domain/reporting-periods.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const driver = arg('driver', 'native');
const CLUSTERS = Number(arg('clusters', '2000'));
const VERSIONS = Number(arg('versions', '10'));
const RUNS = Number(arg('runs', '30'));

async function openScratch(): Promise<{ db: Database; drop: () => Promise<void> }> {
  if (driver === 'embedded') {
    const db = await openEmbeddedDatabase({});
    return { db, drop: () => db.close() };
  }
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:54329/postgres';
  const name = `bench_reports_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openNativeDatabase({ connectionString: url.toString() });
  return {
    db,
    async drop() {
      await db.close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Clusters spread over the 63 provinces, each with V versions approved over 2010–2025 (growing area, changing status). */
async function generate(db: Database) {
  await db.query(
    `INSERT INTO clusters (code, province_code, created_at, head_version, published_version, source)
     SELECT 'BENCH-' || lpad(g::text, 5, '0'), p.code, timestamptz '2010-01-01' + (g % 97) * interval '1 day', $2, $2, 'bench'
     FROM generate_series(1, $1) g
     JOIN LATERAL (SELECT code FROM provinces ORDER BY code OFFSET (g % 63) LIMIT 1) p ON true`,
    [CLUSTERS, VERSIONS],
  );
  await db.query(
    `WITH base AS (
       SELECT c.id, c.code, c.province_code, ST_PointOnSurface(p.geom) AS pt, row_number() OVER (ORDER BY c.code) AS n
       FROM clusters c JOIN provinces p ON p.code = c.province_code WHERE c.source = 'bench'
     ), v AS (
       SELECT b.*, s AS version,
              timestamptz '2010-01-01' + ((b.n * 37 + s * 500) % 5600) * interval '1 day' AS at,
              0.002 + 0.0004 * s AS half,
              (ARRAY['planned','established','operating','operating','expanding','operating','suspended','operating','operating','removed'])[1 + least(s - 1 + (b.n % 3), 9)] AS status
       FROM base b, generate_series(1, $1) s
     ), g AS (
       SELECT v.*, ST_Multi(ST_MakeEnvelope(ST_X(pt) + (n % 20) * 0.01 - half, ST_Y(pt) - half, ST_X(pt) + (n % 20) * 0.01 + half, ST_Y(pt) + half, 4326)) AS geom FROM v
     )
     INSERT INTO cluster_versions (cluster_id, version, created_at, properties, name, status, province_code, geom, area_ha)
     SELECT id, version, at,
            jsonb_build_object('name', 'Cụm công nghiệp ' || code, 'status', status, 'province_code', province_code,
              'planned_area_ha', 20 + version * 3, 'industrial_land_ha', 14 + version * 2, 'leased_ha', 5 + version,
              'wastewater', CASE WHEN n % 2 = 0 THEN 'operating' ELSE 'none' END, 'tenants', version, 'workers', version * 40,
              'investment_capital_bn_vnd', version * 12.5, 'plan_phase', (ARRAY['to-2015','2016-2020','vision-2025'])[1 + n % 3]),
            'Cụm công nghiệp ' || code, status, province_code, geom, ST_Area(geom::geography) / 10000
     FROM g`,
    [VERSIONS],
  );
  // each version: draft at creation, submitted a day later, approved a week later (monotonic per cluster)
  await db.query(
    `INSERT INTO cluster_review_events (cluster_id, version, state, at)
     SELECT v.cluster_id, v.version, e.state, v.created_at + e.delay
     FROM cluster_versions v
     CROSS JOIN (VALUES ('draft', interval '0'), ('submitted', interval '1 day'), ('approved', interval '7 days')) AS e(state, delay)
     ORDER BY v.cluster_id, v.version, e.delay`,
  );
  await db.query('ANALYZE');
}

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  return { n: s.length, p50: +q(0.5).toFixed(1), p95: +q(0.95).toFixed(1), max: +s[s.length - 1]!.toFixed(1) };
}

async function time(runs: number, fn: (i: number) => Promise<unknown>) {
  const out: number[] = [];
  await fn(0); // warm-up
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return stats(out);
}

async function main() {
  const { db, drop } = await openScratch();
  try {
    await ensurePostgis(db);
    await migrate(db);
    db.capabilities = await detectCapabilities(db);
    await seedAdminGeography(db);
    const t0 = performance.now();
    await generate(db);
    const counts = await db.query<{ c: number; v: number; e: number }>(
      `SELECT (SELECT count(*) FROM clusters)::int AS c, (SELECT count(*) FROM cluster_versions)::int AS v, (SELECT count(*) FROM cluster_review_events)::int AS e`,
    );
    console.log(`driver=${driver} clusters=${counts.rows[0]!.c} versions=${counts.rows[0]!.v} events=${counts.rows[0]!.e} (generated in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

    const repo = new ReportsRepository(db);
    const statsService = new StatsService(repo);
    const reports = new ReportsService(repo, statsService);
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const dates = Array.from({ length: RUNS + 1 }, (_, i) => `${2010 + (i * 7) % 16}-${String(1 + (i * 5) % 12).padStart(2, '0')}-15`);
    const periods = Array.from({ length: RUNS + 1 }, (_, i) => (i % 2 ? `${2012 + (i % 13)}-H1` : String(2012 + (i % 13))));

    const results: Record<string, ReturnType<typeof stats>> = {};
    results['stats by province (today)'] = await time(RUNS, () => statsService.stats({ by: 'province', era: '2009', asOf: today, phase: null }));
    results['stats by region (today)'] = await time(RUNS, () => statsService.stats({ by: 'region', era: '2009', asOf: today, phase: null }));
    results['stats by province 2025 era'] = await time(RUNS, () => statsService.stats({ by: 'province', era: '2025', asOf: today, phase: null }));
    results['as-of query (random dates)'] = await time(RUNS, (i) => repo.clustersValidAt(new Date(`${dates[i]}T12:00:00Z`)));
    results['as-of stats (random dates)'] = await time(RUNS, (i) => statsService.stats({ by: 'province', era: '2009', asOf: dates[i]!, phase: null }));
    results['national report JSON (random periods)'] = await time(RUNS, (i) => reports.periodic({ period: parsePeriod(periods[i]!), province: null, era: '2009' }));
    results['national report XLSX'] = await time(Math.min(RUNS, 10), async (i) => renderXlsx(await reports.periodic({ period: parsePeriod(periods[i]!), province: null, era: '2009' })));
    results['timeline 2009–2025'] = await time(Math.min(RUNS, 10), () => statsService.timeline(2009, 2025));
    console.table(results);
  } finally {
    await drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
