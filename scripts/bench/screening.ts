/**
 * Relocation screening benchmark (issue 6): on a database with `--clusters` synthetic clusters and `--residential`
 * synthetic residential polygons (server/analysis/synthetic.ts, deterministic by --seed), it measures
 *  1. screening one facility (ScreeningService.run, i.e. the full request: constraints, scoring, sensitivity, storing) — p50/p95 over --runs;
 *  2. one batch screening of --batch facilities;
 *  3. among-homes detection over --facilities facilities (the SQL behind GET /api/facilities/among-residential, nationwide).
 * Facilities are synthetic points near the generated clusters (source='bench'), class I–V and land needs at random.
 *
 *   BENCH_DATABASE_URL=postgres://…/cluster_atlas_bench node --import tsx scripts/bench/screening.ts \
 *     [--clusters 2000] [--residential 1000000] [--facilities 10000] [--batch 500] [--runs 50] [--seed 606]
 * Without BENCH_DATABASE_URL it runs on in-memory PGlite (use small scales there). Prints JSON and a Markdown row.
 */
import os from 'node:os';
import type { Database } from '../../server/db/database.ts';
import { openEmbeddedDatabase } from '../../server/db/embedded.ts';
import { openNativeDatabase } from '../../server/db/native.ts';
import { detectCapabilities, ensurePostgis } from '../../server/db/capabilities.ts';
import { migrate } from '../../server/db/migrate.ts';
import { seed } from '../../server/db/seed.ts';
import { generateSynthetic, seededRandom } from '../../server/analysis/synthetic.ts';
import { ScreeningService } from '../../server/screening/screening.service.ts';
import { FacilitiesService } from '../../server/facilities/facilities.service.ts';
import type { SessionUser } from '../../server/auth/session.ts';
import { parseArgs } from '../cli.ts';

const args = parseArgs(process.argv.slice(2));
const CLUSTERS = Number(args.clusters ?? 2000);
const RESIDENTIAL = Number(args.residential ?? 1_000_000);
const FACILITIES = Number(args.facilities ?? 10_000);
const BATCH = Number(args.batch ?? 500);
const RUNS = Number(args.runs ?? 50);
const SEED = Number(args.seed ?? 606);

const pct = (samples: number[], p: number) => {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const r1 = (x: number) => Math.round(x * 10) / 10;

async function openDb(): Promise<Database> {
  const url = process.env.BENCH_DATABASE_URL?.trim();
  const db = url ? await openNativeDatabase({ connectionString: url }) : await openEmbeddedDatabase();
  await ensurePostgis(db);
  await migrate(db);
  await seed(db, { demoUsers: false, demoPassword: 'bench-password' });
  db.capabilities = await detectCapabilities(db);
  return db;
}

/** Facilities 1–8 km from random synthetic clusters, so screenings find real candidates and homes. */
async function makeFacilities(db: Database, n: number): Promise<string[]> {
  const have = await db.query<{ id: string }>("SELECT id FROM facilities WHERE source = 'bench' ORDER BY created_at, id");
  if (have.rows.length >= n) return have.rows.slice(0, n).map((r) => r.id);
  const rand = seededRandom(SEED + 1);
  const clusters = (
    await db.query<{ province_code: string; lon: number; lat: number }>(
      `SELECT v.province_code, ST_X(ST_PointOnSurface(v.geom)) AS lon, ST_Y(ST_PointOnSurface(v.geom)) AS lat
       FROM clusters c JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.published_version ORDER BY c.code`,
    )
  ).rows;
  const classes = ['I', 'II', 'III', 'IV', 'V'];
  const need = n - have.rows.length;
  const rows = Array.from({ length: need }, (_, i) => {
    const c = clusters[Math.floor(rand() * clusters.length)]!;
    const d = 1000 + rand() * 7000;
    const a = rand() * 2 * Math.PI;
    const lon = c.lon + (d * Math.cos(a)) / (111_320 * Math.cos((c.lat * Math.PI) / 180));
    const lat = c.lat + (d * Math.sin(a)) / 111_320;
    const hazard = classes[Math.floor(rand() * 5)]!;
    const props = {
      name: `Cơ sở thử nghiệm ${have.rows.length + i + 1}`,
      owner: null,
      industry: null,
      hazard_class: hazard,
      pollution_types: rand() < 0.5 ? ['wastewater'] : ['noise'],
      land_need_ha: Math.round((0.5 + rand() * 6) * 10) / 10,
      workers: 50,
      province_code: c.province_code,
      district_code: null,
      commune: null,
      status: 'in-place',
    };
    return { props, lon, lat };
  });
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000);
    await db.transaction(async (tx) => {
      await tx.query(
        `WITH src AS (SELECT * FROM unnest($1::jsonb[], $2::float8[], $3::float8[]) WITH ORDINALITY AS s(props, lon, lat, i)),
         ins AS (
           INSERT INTO facilities (province_code, head_version, source)
           SELECT props->>'province_code', 1, 'bench' FROM src ORDER BY i RETURNING id),
         paired AS (SELECT id, row_number() OVER () AS i FROM ins)
         INSERT INTO facility_versions (facility_id, version, properties, name, status, hazard_class, land_need_ha, province_code, geom)
         SELECT p.id, 1, s.props, s.props->>'name', 'in-place', s.props->>'hazard_class', (s.props->>'land_need_ha')::float8,
                s.props->>'province_code', ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)
         FROM paired p JOIN src s ON s.i = p.i`,
        [chunk.map((r) => JSON.stringify(r.props)), chunk.map((r) => r.lon), chunk.map((r) => r.lat)],
      );
    });
  }
  return (await db.query<{ id: string }>("SELECT id FROM facilities WHERE source = 'bench' ORDER BY created_at, id LIMIT $1", [n])).rows.map((r) => r.id);
}

async function main() {
  const db = await openDb();
  const t0 = performance.now();
  const gen = await generateSynthetic(db, {
    clusters: CLUSTERS,
    residential: RESIDENTIAL,
    seed: SEED,
    onProgress: (p) => process.stderr.write(`\r${p.stage} ${p.done}/${p.total}   `),
  });
  process.stderr.write('\n');
  await db.query('ANALYZE');
  const ids = await makeFacilities(db, Math.max(FACILITIES, BATCH, RUNS));
  const setupS = (performance.now() - t0) / 1000;
  // screenings record their author: a disabled account that cannot log in
  await db.query(`INSERT INTO users (username, password_hash, role, display_name, disabled) VALUES ('bench.screening', '!', 'admin', 'bench', true) ON CONFLICT (username) DO NOTHING`);
  const admin = (await db.query<{ id: number }>("SELECT id FROM users WHERE username = 'bench.screening'")).rows[0]!;
  const user = { id: admin.id, username: 'bench.screening', role: 'admin', province_code: null, display_name: 'bench' } as SessionUser;
  const actor = { user, ip: null };
  const service = new ScreeningService(db);

  // 1. one facility at a time (first run warms caches and is not counted)
  await service.run(actor, { facility_id: ids[0] });
  const single: number[] = [];
  let candidates = 0;
  let rejected = 0;
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    const r = await service.run(actor, { facility_id: ids[(i * 7919) % ids.length] });
    single.push(performance.now() - s);
    candidates += r.results[0]!.candidates.length;
    rejected += r.results[0]!.rejected.length;
  }

  // 2. one batch
  const b0 = performance.now();
  const batch = await service.run(actor, { facility_ids: ids.slice(0, BATCH) });
  const batchS = (performance.now() - b0) / 1000;

  // 3. among homes over every facility (nationwide)
  const total = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM facilities')).rows[0]!.n;
  const a0 = performance.now();
  const among = await new FacilitiesService(db).amongResidential({});
  const amongS = (performance.now() - a0) / 1000;

  const out = {
    date: new Date().toISOString(),
    driver: db.driver,
    postgis: db.capabilities.postgis,
    machine: { nproc: os.cpus().length, mem_gb: r1(os.totalmem() / 2 ** 30) },
    data: { clusters: gen.clusters, residential: gen.residential, facilities: total, setup_s: r1(setupS), reused: gen.reused },
    single: { runs: RUNS, p50_ms: r1(pct(single, 50)), p95_ms: r1(pct(single, 95)), max_ms: r1(Math.max(...single)), mean_candidates: r1(candidates / RUNS), mean_rejected: r1(rejected / RUNS) },
    batch: { facilities: BATCH, seconds: r1(batchS), results: batch.results.length },
    among_homes: { facilities: total, seconds: r1(amongS), listed: among.count },
  };
  console.log(JSON.stringify(out, null, 2));
  console.log(
    `| ${out.date.slice(0, 10)} | ${out.driver} ${out.postgis} | ${gen.clusters} / ${gen.residential} / ${total} | ${out.single.p50_ms} / ${out.single.p95_ms} ms | ${BATCH}: ${out.batch.seconds} s | ${total}: ${out.among_homes.seconds} s (${among.count} listed) |`,
  );
  await db.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
