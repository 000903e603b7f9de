/**
 * Spatial facts measured in PostGIS. Every query takes a batch of inputs (one row per cluster or raw
 * geometry) so the single-cluster endpoints and the national report share one SQL text.
 * Distances and areas are geodesic (geography, WGS 84 spheroid); VN-2000 areas are planar in the
 * province's 3° zone.
 */
import type { Queryable } from '../db/database.ts';

/** One geometry to analyse: either a stored cluster version or a GeoJSON geometry. */
export interface AnalysisInput {
  key: string;
  /** GeoJSON geometry (Polygon/MultiPolygon) when not a stored cluster. */
  geojson?: string | null;
  cluster_id?: string | null;
  version?: number | null;
  /** Isolation distance to search within (m). */
  isolation_m: number;
  province_code?: string | null;
  district_code?: string | null;
}

/** Which version of other clusters the caller may see (overlaps, district statistics). */
export interface Viewer {
  /** ministry/admin: head versions everywhere. */
  all: boolean;
  /** planner/reviewer: head versions in this province, published elsewhere; null for the public. */
  province: string | null;
}

export interface ZoneHit {
  id: string;
  kind: string;
  name: string | null;
  distance_m: number;
}

export interface ProximityRow {
  key: string;
  nearest: ZoneHit | null;
  /** Zones within the isolation distance (exact geography distance ≤ isolation_m, inclusive), nearest first. */
  within: ZoneHit[];
  residential_inside_ha: number;
  inside_ids: string[];
  /** Some cluster land lies ≥ nearest distance + green_buffer_m from the nearest zone. */
  green_buffer_fits: boolean | null;
}

export interface ConformityFactsRow {
  key: string;
  province_code: string | null;
  district_code: string | null;
  valid: boolean;
  invalid_reason: string | null;
  area_ha: number;
  area_ha_vn2000: number | null;
  vn2000_epsg: number | null;
  outside_province_ha: number | null;
  overlaps: { cluster_id: string; code: string; name: string; overlap_ha: number }[];
  district_cluster_count: number | null;
  district_average_occupancy_pct: number | null;
  district_unleased_industrial_ha: number | null;
}

// Shared input: stored versions join cluster_versions; raw geometries are parsed, forced 2D and made multi.
const INPUT_CTE = `
input AS (
  SELECT t.key,
         coalesce(v.geom, ST_Multi(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(t.gj), 4326)))) AS geom,
         t.iso AS iso_m,
         coalesce(t.prov, v.province_code) AS province_code,
         coalesce(t.dist, v.district_code) AS district_code,
         t.cid AS exclude_id
  FROM unnest($1::text[], $2::text[], $3::uuid[], $4::int[], $5::float8[], $6::text[], $7::text[]) AS t(key, gj, cid, ver, iso, prov, dist)
  LEFT JOIN cluster_versions v ON v.cluster_id = t.cid AND v.version = t.ver
),
-- materialised so validity, repair and the geography cast happen once per input, not once per candidate zone
gv AS MATERIALIZED (
  SELECT v.*, v.vgeom::geography AS vgeog
  FROM (SELECT input.*, ST_IsValid(geom) AS valid,
               CASE WHEN ST_IsValid(geom) THEN geom ELSE ST_CollectionExtract(ST_MakeValid(geom), 3) END AS vgeom
        FROM input) v
)`;

function inputParams(inputs: readonly AnalysisInput[]): unknown[] {
  return [
    inputs.map((i) => i.key),
    inputs.map((i) => i.geojson ?? null),
    inputs.map((i) => i.cluster_id ?? null),
    inputs.map((i) => i.version ?? null),
    inputs.map((i) => i.isolation_m),
    inputs.map((i) => i.province_code ?? null),
    inputs.map((i) => i.district_code ?? null),
  ];
}

// A bbox prefilter (uses the GiST index) that safely contains every point within iso_m of the geometry:
// 110 km per degree of latitude is below the true minimum (110.57 km), and longitude uses the widest latitude.
const DWITHIN_BOX = `ST_Expand(gv.vgeom,
  gv.iso_m / (110000 * cos(radians(least(89, greatest(abs(ST_YMax(gv.vgeom)), abs(ST_YMin(gv.vgeom))) + 0.5)))),
  gv.iso_m / 110000)`;

/**
 * Zones near each input, set-based for the whole batch, with the exact geography distance computed ONCE per pair.
 * A geography ST_Distance between two small polygons costs ~75 µs (PostGIS computes it brute force on the spheroid),
 * ten times a planar test, so the cheap planar tests go first:
 *  1. the GiST bbox prefilter (DWITHIN_BOX, in degrees);
 *  2. a planar ST_DWithin in degrees, which drops the corners of that box. Its threshold is a safe upper bound:
 *     a metre is at least 1 / (110000 · cos(lat + 0.5°)) degrees in any direction near the geometry, plus 1% and
 *     20 m for the gap between geodesic and planar edges (only edges of tens of km would need more);
 *  3. the exact ST_Distance on geography; the caller keeps d <= iso_m (the service and the rules engine then
 *     apply their own rounding, so this is the same set ST_DWithin on geography gave, with the same distances).
 * The nearest zone is the KNN (k = 8) candidate with the smallest exact distance; candidates already measured in
 * step 3 reuse that distance (same function, same arguments), the others are measured here.
 */
const NEAR_CTES = `
pw AS MATERIALIZED (
  SELECT gv.key, gv.vgeom, gv.vgeog, gv.iso_m, ${DWITHIN_BOX} AS box,
         (gv.iso_m * 1.01 + 20) / (110000 * cos(radians(least(89, greatest(abs(ST_YMax(gv.vgeom)), abs(ST_YMin(gv.vgeom))) + 0.5)))) AS thr
  FROM gv
),
nd AS MATERIALIZED (
  SELECT pw.key, r.id, r.kind, r.name, pw.iso_m, ST_Distance(r.geom::geography, pw.vgeog) AS d
  FROM pw JOIN residential_zones r ON r.geom && pw.box AND ST_DWithin(r.geom, pw.vgeom, pw.thr)
),
knn AS (
  SELECT pw.key, pw.vgeog, k.id, k.kind, k.name, k.zgeom
  FROM pw CROSS JOIN LATERAL (SELECT r.id, r.kind, r.name, r.geom AS zgeom FROM residential_zones r ORDER BY r.geom <-> pw.vgeom LIMIT 8) k
),
nn AS (
  SELECT DISTINCT ON (knn.key) knn.key, knn.id, knn.kind, knn.name, knn.zgeom,
         coalesce(nd.d, ST_Distance(knn.zgeom::geography, knn.vgeog)) AS d
  FROM knn LEFT JOIN nd ON nd.key = knn.key AND nd.id = knn.id
  ORDER BY knn.key, d, knn.id
)`;

/** The visible version of another cluster c for the viewer ($8 all, $9 province). */
const VISIBLE_VERSION = `CASE WHEN $8::boolean OR c.province_code = $9::text THEN c.head_version ELSE c.published_version END`;

export class AnalysisRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Nearest zone by KNN (`<->`, k = 8 candidates, then the exact geography distance), zones within the
   * isolation distance (bbox + planar prefilters, then the exact geography distance once per pair: NEAR_CTES), residential land inside the boundary
   * (union of intersections, so overlapping zones are not counted twice) and the green-buffer test.
   */
  async proximity(inputs: readonly AnalysisInput[], greenBufferM: number): Promise<ProximityRow[]> {
    if (inputs.length === 0) return [];
    const result = await this.db.query<{
      key: string;
      nearest_id: string | null;
      nearest_kind: string | null;
      nearest_name: string | null;
      nearest_m: number | null;
      green_fits: boolean | null;
      within: ZoneHit[] | null;
      inside_ha: number | null;
      inside_ids: string[] | null;
    }>(
      `WITH ${INPUT_CTE}, ${NEAR_CTES},
       w AS (
         SELECT nd.key, json_agg(json_build_object('id', nd.id::text, 'kind', nd.kind, 'name', nd.name, 'distance_m', nd.d) ORDER BY nd.d, nd.id) AS list
         FROM nd WHERE nd.d <= nd.iso_m GROUP BY nd.key
       )
       SELECT gv.key,
              n.id::text AS nearest_id, n.kind AS nearest_kind, n.name AS nearest_name, n.d AS nearest_m,
              CASE WHEN n.id IS NULL THEN NULL
                   WHEN n.d <= 0 THEN false
                   ELSE NOT ST_IsEmpty(ST_Difference(gv.vgeom, ST_Buffer(n.zgeom::geography, n.d + $8)::geometry))
              END AS green_fits,
              w.list AS within, i.ha AS inside_ha, i.ids AS inside_ids
       FROM gv
       LEFT JOIN nn n ON n.key = gv.key
       LEFT JOIN w ON w.key = gv.key
       LEFT JOIN LATERAL (
         -- fixed-precision union (1e-9°, ~0.1 mm): overlapping zones made the floating-point union fail
         -- (on PGlite the failure even came back as an empty result instead of an error)
         SELECT ST_Area(ST_Union(ST_Intersection(r.geom, gv.vgeom), 1e-9)::geography) / 10000 AS ha, array_agg(r.id::text ORDER BY r.id) AS ids
         FROM residential_zones r
         WHERE r.geom && gv.vgeom AND ST_Intersects(r.geom, gv.vgeom) AND NOT ST_Touches(r.geom, gv.vgeom)
       ) i ON true`,
      [...inputParams(inputs), greenBufferM],
    );
    // one row per input, always (LEFT JOINs): anything else means the driver lost an error
    if (result.rows.length !== inputs.length) throw new Error(`proximity query returned ${result.rows.length} rows for ${inputs.length} inputs`);
    return result.rows.map((r) => ({
      key: r.key,
      nearest: r.nearest_id === null ? null : { id: r.nearest_id, kind: r.nearest_kind!, name: r.nearest_name, distance_m: r.nearest_m! },
      within: r.within ?? [],
      residential_inside_ha: r.inside_ha ?? 0,
      inside_ids: r.inside_ids ?? [],
      green_buffer_fits: r.green_fits,
    }));
  }

  /** Only the nearest zone (KNN) and the zones within the isolation distance: the national batch and the benchmark. */
  async nearestAndWithin(inputs: readonly AnalysisInput[]): Promise<{ key: string; nearest_id: string | null; nearest_m: number | null; within: ZoneHit[] | null }[]> {
    if (inputs.length === 0) return [];
    const result = await this.db.query<{ key: string; nearest_id: string | null; nearest_m: number | null; within: ZoneHit[] | null }>(
      `WITH ${INPUT_CTE}, ${NEAR_CTES},
       w AS (
         SELECT nd.key, json_agg(json_build_object('id', nd.id::text, 'kind', nd.kind, 'distance_m', nd.d) ORDER BY nd.d, nd.id) AS list
         FROM nd WHERE nd.d <= nd.iso_m GROUP BY nd.key
       )
       SELECT gv.key, n.id::text AS nearest_id, n.d AS nearest_m, w.list AS within
       FROM gv
       LEFT JOIN nn n ON n.key = gv.key
       LEFT JOIN w ON w.key = gv.key`,
      inputParams(inputs),
    );
    return result.rows;
  }

  /** Validity, areas, the part outside the (buffered) province, overlaps with other clusters and district statistics. */
  async conformityFacts(inputs: readonly AnalysisInput[], viewer: Viewer, provinceBufferM: number): Promise<ConformityFactsRow[]> {
    if (inputs.length === 0) return [];
    const result = await this.db.query<ConformityFactsRow>(
      `WITH ${INPUT_CTE},
       placed AS (
         SELECT gv.*,
                -- the 2025 unit (named by the input or the stored version, else where the boundary lies)
                coalesce(gv.province_code,
                  (SELECT p.code FROM provinces_2025 p WHERE p.geom && ST_PointOnSurface(gv.vgeom) AND ST_Intersects(p.geom, ST_PointOnSurface(gv.vgeom)) LIMIT 1)) AS prov,
                coalesce(gv.district_code,
                  (SELECT d.code FROM districts d WHERE d.geom && ST_PointOnSurface(gv.vgeom) AND ST_Intersects(d.geom, ST_PointOnSurface(gv.vgeom)) LIMIT 1)) AS dist
         FROM gv
       )
       SELECT g.key, g.prov AS province_code, g.dist AS district_code, g.valid,
              CASE WHEN g.valid THEN NULL ELSE ST_IsValidReason(g.geom) END AS invalid_reason,
              ST_Area(g.vgeom::geography) / 10000 AS area_ha,
              ST_Area(ST_Transform(g.vgeom, z.epsg)) / 10000 AS area_ha_vn2000,
              z.epsg AS vn2000_epsg,
              po.outside_ha AS outside_province_ha,
              coalesce(ov.list, '[]'::json) AS overlaps,
              ds.n AS district_cluster_count, ds.avg_occ AS district_average_occupancy_pct, ds.unleased AS district_unleased_industrial_ha
       FROM placed g
       LEFT JOIN province_vn2000_zones z ON z.province_code = province_2009_of(g.vgeom, g.prov)
       LEFT JOIN LATERAL (
         -- only the province near the cluster is buffered (clip first): buffering a whole province is slow
         SELECT ST_Area(ST_Difference(g.vgeom,
                  ST_Buffer(ST_ClipByBox2D(p.geom, ST_Expand(g.vgeom, 0.05)::box2d)::geography, $10)::geometry)::geography) / 10000 AS outside_ha
         FROM provinces_2025 p WHERE p.code = g.prov
       ) po ON true
       LEFT JOIN LATERAL (
         SELECT json_agg(json_build_object('cluster_id', o.id, 'code', o.code, 'name', o.name, 'overlap_ha', o.ha) ORDER BY o.ha DESC) AS list
         FROM (SELECT b.id, b.code, b.name, ST_Area(ST_Intersection(g.vgeom, b.vg)::geography) / 10000 AS ha
               -- other boundaries are repaired before GEOS sees them: one invalid stored version must not break the check
               FROM (SELECT c.id, c.code, v.name, CASE WHEN ST_IsValid(v.geom) THEN v.geom ELSE ST_CollectionExtract(ST_MakeValid(v.geom), 3) END AS vg
                     FROM cluster_versions v
                     JOIN clusters c ON c.id = v.cluster_id AND v.version = ${VISIBLE_VERSION}
                     WHERE v.geom && g.vgeom AND c.id IS DISTINCT FROM g.exclude_id AND v.status <> 'removed' OFFSET 0) b
               WHERE ST_Intersects(b.vg, g.vgeom) AND NOT ST_Touches(b.vg, g.vgeom)) o
         WHERE o.ha > 0
       ) ov ON true
       LEFT JOIN LATERAL (
         SELECT count(*)::int AS n,
                avg(CASE WHEN s.ind > 0 AND s.leased IS NOT NULL THEN least(100, s.leased / s.ind * 100) ELSE s.occ END) AS avg_occ,
                sum(CASE WHEN s.ind IS NOT NULL THEN greatest(0, s.ind - coalesce(s.leased, 0)) END) AS unleased
         FROM (SELECT (v.properties->>'industrial_land_ha')::float8 AS ind, (v.properties->>'leased_ha')::float8 AS leased,
                      (v.properties->>'occupancy_pct')::float8 AS occ
               FROM cluster_versions v
               JOIN clusters c ON c.id = v.cluster_id AND v.version = ${VISIBLE_VERSION}
               WHERE g.dist IS NOT NULL AND v.district_code = g.dist AND c.id IS DISTINCT FROM g.exclude_id
                 AND v.status IN ('established', 'operating', 'expanding')) s
       ) ds ON g.dist IS NOT NULL`,
      [...inputParams(inputs), viewer.all, viewer.province, provinceBufferM],
    );
    if (result.rows.length !== inputs.length) throw new Error(`conformity facts query returned ${result.rows.length} rows for ${inputs.length} inputs`);
    return result.rows;
  }

  /** A cluster's identity and the version this viewer sees (null when it does not exist or is hidden). */
  async findCluster(idOrCode: string): Promise<{ id: string; code: string; province_code: string; head_version: number; published_version: number | null } | null> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrCode);
    const result = await this.db.query<{ id: string; code: string; province_code: string; head_version: number; published_version: number | null }>(
      isUuid
        ? 'SELECT id, code, province_code, head_version, published_version FROM clusters WHERE id = $1::uuid'
        : 'SELECT id, code, province_code, head_version, published_version FROM clusters WHERE code = $1',
      [idOrCode],
    );
    return result.rows[0] ?? null;
  }

  async clusterVersion(id: string, version: number): Promise<{ properties: Record<string, unknown>; name: string; status: string; province_code: string; district_code: string | null; geometry: unknown } | null> {
    const result = await this.db.query<{ properties: Record<string, unknown>; name: string; status: string; province_code: string; district_code: string | null; geometry: unknown }>(
      `SELECT properties || jsonb_build_object('boundary_status', boundary_status) AS properties, name, status, province_code, district_code,
              ST_AsGeoJSON(geom, 7)::json AS geometry
       FROM cluster_versions WHERE cluster_id = $1 AND version = $2`,
      [id, version],
    );
    return result.rows[0] ?? null;
  }

  /** Every cluster's visible version (for the national report), optionally in one province. */
  async visibleClusters(viewer: Viewer, province: string | null): Promise<{ id: string; code: string; version: number; province_code: string; name: string; status: string; properties: Record<string, unknown> }[]> {
    const result = await this.db.query<{ id: string; code: string; version: number; province_code: string; name: string; status: string; properties: Record<string, unknown> }>(
      `SELECT c.id, c.code, v.version, v.province_code, v.name, v.status, v.properties || jsonb_build_object('boundary_status', v.boundary_status) AS properties
       FROM clusters c JOIN cluster_versions v ON v.cluster_id = c.id
        AND v.version = CASE WHEN $1::boolean OR c.province_code = $2::text THEN c.head_version ELSE c.published_version END
       WHERE ($3::text IS NULL OR c.province_code = $3)
       ORDER BY c.province_code, c.code`,
      [viewer.all, viewer.province, province],
    );
    return result.rows;
  }

  async provinceExists(code: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM provinces_2025 WHERE code = $1', [code])).rowCount > 0;
  }
}
