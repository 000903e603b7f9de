/**
 * Deterministic synthetic dataset for tests, benchmarks and demos: clusters and residential zones
 * across the 63 provinces, marked `source = 'synthetic'` so they are never mixed up with real data.
 * Randomness comes from a seeded PRNG in JS (not PostGIS), so a seed gives the same data on both drivers.
 */
import { booleanPointInPolygon } from '@turf/turf';
import type { Feature, MultiPolygon } from 'geojson';
import type { Database } from '../db/database.ts';
import { ConflictException } from '../errors.ts';

export interface SyntheticOptions {
  /** Number of clusters to create (each with one approved version). */
  clusters: number;
  /** Number of residential polygons to create. */
  residential: number;
  /** Any integer; the same seed gives the same dataset. */
  seed: number;
  /** Rows per INSERT (default 5000). */
  batchSize?: number;
  /** Called after each stored batch, e.g. for a CLI progress line. */
  onProgress?: (p: { stage: 'clusters' | 'residential'; done: number; total: number }) => void;
}

export interface SyntheticResult {
  seed: number;
  clusters: number;
  residential: number;
  /** true when a dataset with this seed and these counts was already present (nothing written). */
  reused: boolean;
  ms: number;
}

/* ------------------------------------------------------------------ PRNG */

/** mulberry32: tiny, fast and good enough for test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const M_PER_DEG_LAT = 111_320;
const mPerDegLon = (lat: number) => M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180);

function offset(lon: number, lat: number, dxM: number, dyM: number): [number, number] {
  return [lon + dxM / mPerDegLon(lat), lat + dyM / M_PER_DEG_LAT];
}

const fmt = (n: number) => n.toFixed(7);
const ringWkt = (ring: [number, number][]) => `(${ring.map(([x, y]) => `${fmt(x)} ${fmt(y)}`).join(',')})`;

/** A rotated rectangle of the given area (ha) and aspect ratio, as a closed ring. */
function rectangle(lon: number, lat: number, areaHa: number, aspect: number, angle: number): [number, number][] {
  const w = Math.sqrt((areaHa * 10_000) / aspect);
  const h = w * aspect;
  const corners: [number, number][] = [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]];
  const ring = corners.map(([x, y]) => offset(lon, lat, x * Math.cos(angle) - y * Math.sin(angle), x * Math.sin(angle) + y * Math.cos(angle)));
  ring.push(ring[0]!);
  return ring;
}

/** A star-shaped (hence simple) polygon of about the given area with jittered radii. */
function blob(rand: () => number, lon: number, lat: number, areaHa: number, vertices = 8): [number, number][] {
  const r = Math.sqrt((areaHa * 10_000) / Math.PI);
  const start = rand() * Math.PI * 2;
  const ring: [number, number][] = [];
  for (let k = 0; k < vertices; k++) {
    const a = start + (k / vertices) * Math.PI * 2;
    const rr = r * (0.75 + rand() * 0.5);
    ring.push(offset(lon, lat, rr * Math.cos(a), rr * Math.sin(a)));
  }
  ring.push(ring[0]!);
  return ring;
}

/* ------------------------------------------------------------------ data */

interface Town {
  province: string;
  lon: number;
  lat: number;
  weight: number;
}

const MOUNTAINOUS = new Set(['02', '04', '06', '08', '10', '11', '12', '14', '15', '17', '20', '62', '64', '66', '67', '68']);
const PLACE_NAMES = ['Đông Sơn', 'Tây Bắc', 'Phú Lâm', 'Hòa Bình', 'Tân Phú', 'An Khánh', 'Minh Đức', 'Thanh Xuân', 'Phước Lộc', 'Vĩnh Yên', 'Quang Trung', 'Hưng Long', 'Bình Minh', 'Đồng Văn', 'Hợp Thịnh'];
const VILLAGE_NAMES = ['Thôn Đông', 'Xóm Chợ', 'Làng Gốm', 'Khu phố 3', 'Ấp Bắc', 'Thôn Trung', 'Bản Mường', 'Làng Mộc'];
const INDUSTRIES = ['cơ khí', 'chế biến nông sản', 'dệt may', 'vật liệu xây dựng', 'đồ gỗ', 'điện tử'];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

async function loadTowns(db: Database, rand: () => number, perProvince: number): Promise<Town[]> {
  const rows = await db.query<{ code: string; geojson: string }>(
    'SELECT code, ST_AsGeoJSON(geom_display, 5) AS geojson FROM provinces ORDER BY code',
  );
  const towns: Town[] = [];
  for (const row of rows.rows) {
    const geometry = JSON.parse(row.geojson) as MultiPolygon;
    const feature: Feature<MultiPolygon> = { type: 'Feature', properties: {}, geometry };
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const poly of geometry.coordinates) for (const [x, y] of poly[0]!) {
      minX = Math.min(minX, x!); maxX = Math.max(maxX, x!); minY = Math.min(minY, y!); maxY = Math.max(maxY, y!);
    }
    let placed = 0;
    for (let attempt = 0; placed < perProvince && attempt < perProvince * 200; attempt++) {
      const lon = minX + rand() * (maxX - minX);
      const lat = minY + rand() * (maxY - minY);
      if (!booleanPointInPolygon([lon, lat], feature)) continue;
      // a few big towns and many small ones
      towns.push({ province: row.code, lon, lat, weight: 0.2 + rand() ** 3 * 5 });
      placed++;
    }
  }
  return towns;
}

function weightedPicker(rand: () => number, towns: Town[]): () => Town {
  const cumulative: number[] = [];
  let sum = 0;
  for (const t of towns) cumulative.push((sum += t.weight));
  return () => {
    const x = rand() * sum;
    let lo = 0, hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return towns[lo]!;
  };
}

interface ClusterRow {
  code: string;
  province: string;
  name: string;
  status: string;
  props: Record<string, unknown>;
  wkt: string;
  centre: [number, number];
  ring: [number, number][];
}

interface ZoneRow {
  kind: string;
  name: string;
  population: number | null;
  province: string;
  wkt: string;
}

const STATUSES: [string, number][] = [['operating', 0.45], ['established', 0.2], ['planned', 0.2], ['expanding', 0.1], ['suspended', 0.05]];

function pickStatus(rand: () => number): string {
  let x = rand();
  for (const [s, p] of STATUSES) if ((x -= p) < 0) return s;
  return 'operating';
}

/** Cluster area: mostly 10–75 ha, ~15 % deliberately outside (5–10 or 75–120 ha). */
function clusterArea(rand: () => number): number {
  const x = rand();
  if (x < 0.07) return 5 + rand() * 5;
  if (x < 0.15) return 75.5 + rand() * 44.5;
  return 10 + rand() * 65;
}

function makeCluster(rand: () => number, i: number, seed: number, town: Town): ClusterRow {
  const dist = 1_500 + rand() * 10_000;
  const dir = rand() * Math.PI * 2;
  const [lon, lat] = offset(town.lon, town.lat, dist * Math.cos(dir), dist * Math.sin(dir));
  const area = clusterArea(rand);
  const angle = rand() * Math.PI;
  let wkt: string;
  const multi = rand() < 0.06;
  const ring = rectangle(lon, lat, multi ? area * 0.7 : area, 1 + rand() * 1.5, angle);
  if (multi) {
    // two separate parts (MultiPolygon), 70/30
    // far enough that the parts never overlap (an overlapping MultiPolygon would be invalid)
    const gap = Math.sqrt(area * 10_000) * 1.8 + 150;
    const [lon2, lat2] = offset(lon, lat, gap * Math.cos(angle + 1), gap * Math.sin(angle + 1));
    wkt = `MULTIPOLYGON((${ringWkt(ring)}),(${ringWkt(rectangle(lon2, lat2, area * 0.3, 1.2, angle))}))`;
  } else {
    wkt = `MULTIPOLYGON((${ringWkt(ring)}))`;
  }
  const status = pickStatus(rand);
  const place = pick(rand, PLACE_NAMES);
  // ~5 % of names miss the mandatory prefix
  const name = rand() < 0.05 ? `CCN ${place} ${i + 1}` : `Cụm công nghiệp ${place} ${i + 1}`;
  const industrial = Math.round(area * (0.6 + rand() * 0.15) * 100) / 100;
  const leased = status === 'planned' ? 0 : Math.round(industrial * rand() * 100) / 100;
  const year = 2005 + Math.floor(rand() * 20);
  const code = `${town.province}-S${seed}-${String(i + 1).padStart(5, '0')}`;
  const props: Record<string, unknown> = {
    name,
    code,
    province_code: town.province,
    district_code: null,
    communes: [],
    status,
    decision_no: `${100 + Math.floor(rand() * 900)}/QĐ-UBND`,
    decision_date: `${year}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`,
    decision_authority: 'UBND tỉnh',
    plan_phase: null,
    planned_area_ha: Math.round(area * 100) / 100,
    industrial_land_ha: industrial,
    leased_ha: leased,
    investor: null,
    tenants: Math.floor(rand() * 40),
    workers: Math.floor(rand() * 3000),
    industries: [pick(rand, INDUSTRIES)],
    craft_village: rand() < 0.08,
    mountainous_district: MOUNTAINOUS.has(town.province) && rand() < 0.7,
    wastewater: status === 'operating' || status === 'expanding' ? (rand() < 0.75 ? 'operating' : 'under-construction') : 'none',
    hazard_class: rand() < 0.1 ? null : pick(rand, ['I', 'II', 'III', 'III', 'IV', 'IV', 'V']),
    synthetic: true,
  };
  return { code, province: town.province, name, status, props, wkt, centre: [lon, lat], ring };
}

async function insertClusters(db: Database, rows: ClusterRow[]): Promise<void> {
  await db.transaction(async (tx) => {
    const ids = await tx.query<{ id: string; code: string }>(
      // towns are placed in the 63 provinces: the cluster's unit is the one that absorbed the province
      `INSERT INTO clusters (code, province_code, province_code_2009, head_version, published_version, source)
       SELECT code, province_unit_2025(province_code), province_code, 1, 1, 'synthetic' FROM unnest($1::text[], $2::text[]) AS t(code, province_code)
       RETURNING id, code`,
      [rows.map((r) => r.code), rows.map((r) => r.province)],
    );
    const idByCode = new Map(ids.rows.map((r) => [r.code, r.id]));
    await tx.query(
      `WITH input AS (
         SELECT t.id::uuid AS id, t.props::jsonb AS props, t.name, t.status, t.province_code,
                ST_SetSRID(ST_GeomFromText(t.wkt), 4326) AS geom
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(id, props, name, status, province_code, wkt)
       ), placed AS (
         SELECT i.*, (SELECT d.code FROM districts d
                      WHERE d.province_code = i.province_code AND d.geom && i.geom AND ST_Intersects(d.geom, ST_PointOnSurface(i.geom))
                      LIMIT 1) AS district_code,
                z.epsg
         FROM input i LEFT JOIN province_vn2000_zones z ON z.province_code = i.province_code
       )
       INSERT INTO cluster_versions (cluster_id, version, properties, name, status, province_code, province_code_2009, district_code, geom, area_ha, area_ha_vn2000, vn2000_epsg)
       SELECT id, 1, props || jsonb_build_object('district_code', district_code, 'province_code', province_unit_2025(province_code)), name, status,
              province_unit_2025(province_code), province_code, district_code, geom,
              ST_Area(geom::geography) / 10000, ST_Area(ST_Transform(geom, epsg)) / 10000, epsg
       FROM placed`,
      [
        rows.map((r) => idByCode.get(r.code)),
        rows.map((r) => JSON.stringify(r.props)),
        rows.map((r) => r.name),
        rows.map((r) => r.status),
        rows.map((r) => r.province),
        rows.map((r) => r.wkt),
      ],
    );
    await tx.query(
      `INSERT INTO cluster_review_events (cluster_id, version, state)
       SELECT c.id::uuid, 1, s.state
       FROM unnest($1::text[]) WITH ORDINALITY AS c(id, n) CROSS JOIN (VALUES (1, 'draft'), (2, 'approved')) AS s(o, state)
       ORDER BY s.o, c.n`,
      [rows.map((r) => idByCode.get(r.code))],
    );
  });
}

async function insertZones(db: Database, rows: ZoneRow[]): Promise<void> {
  await db.query(
    `INSERT INTO residential_zones (kind, name, population, source, province_code, geom)
     SELECT kind, name, population, 'synthetic', province_code, ST_Multi(ST_SetSRID(ST_GeomFromText(wkt), 4326))
     FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[]) AS t(kind, name, population, province_code, wkt)`,
    [rows.map((r) => r.kind), rows.map((r) => r.name), rows.map((r) => r.population), rows.map((r) => r.province), rows.map((r) => r.wkt)],
  );
}

/** Below this many generated zones the table is small enough that page locality does not matter. */
const CLUSTER_ZONES_FROM = 50_000;

/**
 * Fills the database with a deterministic synthetic dataset (the same seed gives the same rows on
 * both drivers):
 * - `clusters` clusters of 5–120 ha near towns in all 63 provinces, each with one approved version,
 *   some deliberately non-conforming (area outside 10–75 ha, name without "Cụm công nghiệp", no
 *   wastewater plant, unknown hazard class, MultiPolygons); `clusters.source = 'synthetic'`.
 * - `residential` residential polygons (urban, rural-settlement, craft-village, sensitive) clustered
 *   around towns; about 8 % of clusters get a zone touching their edge and 3 % one inside them.
 *   `residential_zones.source = 'synthetic'`.
 * Running it again with the same seed and counts is a no-op (`reused: true`); the same seed with
 * other counts is refused (ConflictException) because cluster codes embed the seed.
 * Used by `npm run gen:synthetic`, the tests and the benchmarks (import it from server/analysis/synthetic.ts).
 */
export async function generateSynthetic(db: Database, options: SyntheticOptions): Promise<SyntheticResult> {
  const started = performance.now();
  const { clusters: nClusters, residential: nResidential, seed } = options;
  if (!Number.isInteger(nClusters) || nClusters < 0 || !Number.isInteger(nResidential) || nResidential < 0 || !Number.isInteger(seed)) {
    throw new RangeError('clusters and residential must be non-negative integers and seed an integer');
  }
  const existing = await db.query<{ clusters: number; residential: number }>('SELECT clusters, residential FROM synthetic_datasets WHERE seed = $1', [seed]);
  if (existing.rowCount > 0) {
    const row = existing.rows[0]!;
    if (row.clusters === nClusters && row.residential === nResidential) {
      return { seed, clusters: nClusters, residential: nResidential, reused: true, ms: performance.now() - started };
    }
    throw new ConflictException(`A synthetic dataset with seed ${seed} already exists (${row.clusters} clusters, ${row.residential} residential zones); use another seed`);
  }
  const batch = options.batchSize ?? 5000;
  const rand = seededRandom(seed);
  const townsPerProvince = Math.min(60, Math.max(4, Math.ceil(nResidential / 63 / 300)));
  const towns = await loadTowns(db, rand, townsPerProvince);
  const pickTown = weightedPicker(rand, towns);

  const clusterRows: ClusterRow[] = [];
  for (let i = 0; i < nClusters; i++) clusterRows.push(makeCluster(rand, i, seed, pickTown()));
  for (let i = 0; i < clusterRows.length; i += batch) {
    await insertClusters(db, clusterRows.slice(i, i + batch));
    options.onProgress?.({ stage: 'clusters', done: Math.min(i + batch, clusterRows.length), total: clusterRows.length });
  }

  // zones touching or inside clusters first (bounded by the requested count), then the town zones
  const special: ZoneRow[] = [];
  for (const c of clusterRows) {
    if (special.length >= nResidential) break;
    const x = rand();
    if (x < 0.08) {
      // a settlement sharing the cluster's first edge (distance 0, touching)
      const [a, b] = [c.ring[0]!, c.ring[1]!];
      const mx = (a[0] + b[0]) / 2, my = (a[1] + b[1]) / 2;
      const dx = mx - c.centre[0], dy = my - c.centre[1];
      const far: [number, number] = [mx + dx * 0.6, my + dy * 0.6];
      const ring = [a, b, far, a];
      special.push({ kind: 'rural-settlement', name: `${pick(rand, VILLAGE_NAMES)} (giáp cụm)`, population: 100 + Math.floor(rand() * 800), province: c.province, wkt: `POLYGON(${ringWkt(ring)})` });
    } else if (x < 0.11) {
      special.push({ kind: 'rural-settlement', name: `${pick(rand, VILLAGE_NAMES)} (trong cụm)`, population: 20 + Math.floor(rand() * 200), province: c.province, wkt: `POLYGON(${ringWkt(blob(rand, c.centre[0], c.centre[1], 0.3 + rand() * 0.7, 7))})` });
    }
  }
  let stored = 0;
  for (let i = 0; i < special.length; i += batch) {
    await insertZones(db, special.slice(i, i + batch));
    stored += Math.min(batch, special.length - i);
  }
  let pending: ZoneRow[] = [];
  for (let n = special.length; n < nResidential; n++) {
    const town = pickTown();
    const sigma = 1_200 + town.weight * 900;
    const dx = gaussian(rand) * sigma, dy = gaussian(rand) * sigma;
    const [lon, lat] = offset(town.lon, town.lat, dx, dy);
    const r = Math.hypot(dx, dy);
    const k = rand();
    let kind: string, area: number, population: number | null;
    if (k < 0.05) {
      kind = 'sensitive'; area = 0.3 + rand() * 2.5; population = null;
    } else if (k < 0.1) {
      kind = 'craft-village'; area = 2 + rand() * 15; population = 200 + Math.floor(rand() * 2000);
    } else if (r < sigma) {
      kind = 'urban'; area = 1 + rand() * 20; population = 500 + Math.floor(rand() * 8000);
    } else {
      kind = 'rural-settlement'; area = 0.5 + rand() * 8; population = 50 + Math.floor(rand() * 1500);
    }
    const name = kind === 'sensitive' ? pick(rand, ['Trường tiểu học', 'Trạm y tế xã', 'Trường THCS', 'Bệnh viện huyện']) : kind === 'urban' ? `Khu dân cư ${pick(rand, PLACE_NAMES)}` : pick(rand, VILLAGE_NAMES);
    pending.push({ kind, name, population, province: town.province, wkt: `POLYGON(${ringWkt(blob(rand, lon, lat, area))})` });
    if (pending.length >= batch) {
      await insertZones(db, pending);
      stored += pending.length;
      pending = [];
      options.onProgress?.({ stage: 'residential', done: stored, total: nResidential });
    }
  }
  if (pending.length) {
    await insertZones(db, pending);
    stored += pending.length;
    options.onProgress?.({ stage: 'residential', done: stored, total: nResidential });
  }
  await db.query('INSERT INTO synthetic_datasets (seed, clusters, residential) VALUES ($1, $2, $3)', [seed, nClusters, nResidential]);
  // Zones were inserted in random town order; storing them in spatial order (as a real import of a province's
  // files roughly is) lets a dense map tile read ~1,000 table pages instead of ~7,000.
  if (stored >= CLUSTER_ZONES_FROM) await db.query('CLUSTER residential_zones USING residential_zones_geom_gix');
  // fresh statistics so the planner uses the GiST index right away
  await db.query('ANALYZE residential_zones');
  await db.query('ANALYZE cluster_versions');
  return { seed, clusters: nClusters, residential: stored, reused: false, ms: performance.now() - started };
}
