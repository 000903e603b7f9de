import type { Queryable } from '../db/database.ts';
import type { FacilityViewer } from '../facilities/facilities.repository.ts';

export interface ScreeningFacility {
  id: string;
  version: number;
  name: string;
  properties: Record<string, unknown>;
  hazard_class: string | null;
  industry: string | null;
  land_need_ha: number | null;
  province_code: string;
  region_code: string;
  lon: number;
  lat: number;
}

export interface CandidateRow {
  cluster_id: string;
  code: string | null;
  name: string;
  status: string;
  /** 2025 unit */
  province_code: string;
  /** pre-2025 province */
  province_code_2009: string;
  region_code: string;
  properties: Record<string, unknown>;
  area_ha: number | null;
  geometry_valid: boolean;
  planned: boolean;
  site_distance_m: number;
  /** null when no zone lies within the search radius, or when not measured (out of scope) */
  nearest_residential_m: number | null;
  nearest_residential_id: string | null;
  nearest_residential_name: string | null;
  nearest_residential_kind: string | null;
  /** whether the residential search ran for this row */
  measured: boolean;
  lon: number;
  lat: number;
}

/**
 * The nearest residential zone to `cand.geom` within `radius` metres. Exact geodesic distances are dear
 * (polygon to polygon on the spheroid), so the index box (radius + 5 %, in degrees at the latitude) is
 * ranked first by a cheap planar distance in a local equirectangular scale (cand.kx/ky metres per degree,
 * error ≈ 0.1 % over a few km) and only the 8 nearest are measured on the spheroid. Out-of-scope clusters
 * (`measured` false) skip the search entirely.
 */
const NEAREST_ZONE = `
  SELECT z.id, z.name, z.kind, ST_Distance(z.geom::geography, cand.geom::geography) AS distance_m
  FROM (
    SELECT r.id::text AS id, r.name, r.kind, r.geom
    FROM residential_zones r
    WHERE cand.measured
      AND r.geom && ST_Expand(cand.geom, $4::float8 * 1.05 / cand.kx, $4::float8 * 1.05 / cand.ky)
    ORDER BY ST_Distance(ST_Scale(r.geom, cand.kx, cand.ky), cand.scaled), r.id
    LIMIT 8
  ) z
  ORDER BY 4, 1 LIMIT 1`;

/** Adds kx/ky (metres per degree of longitude/latitude at the centroid), the scaled geometry and `measured`. */
const SCALED = (source: string) => `
  SELECT s.*, ST_Scale(s.geom, s.kx, s.ky) AS scaled
  FROM (
    SELECT c0.*, 111412.84 * cos(c0.phi) - 93.5 * cos(3 * c0.phi) AS kx, 111132.92 - 559.82 * cos(2 * c0.phi) AS ky,
           ($3::text IS NULL OR c0.province_code = $3) AS measured
    FROM (SELECT b.*, radians(ST_Y(ST_Centroid(b.geom))) AS phi FROM ${source} b) c0
  ) s`;

// Published (approved) cluster versions in the search scope; removed clusters never qualify.
const CLUSTERS_SQL = `
  WITH fac AS (
    SELECT v.geom FROM facility_versions v WHERE v.facility_id = $1 AND v.version = $5
  ),
  base AS (
    SELECT c.id::text AS cluster_id, c.code, v.name, v.status, v.province_code, coalesce(c.province_code_2009, v.province_code_2009) AS province_code_2009,
           p.region_code, v.properties || jsonb_build_object('boundary_status', v.boundary_status) AS properties, v.area_ha, v.geom
    FROM clusters c
    JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.published_version
    JOIN provinces p ON p.code = coalesce(c.province_code_2009, v.province_code_2009)
    WHERE v.status <> 'removed' AND ($2::text IS NULL OR p.region_code = $2)
  ),
  cand AS (${SCALED('base')})
  SELECT cand.cluster_id, cand.code, cand.name, cand.status, cand.province_code, cand.province_code_2009, cand.region_code, cand.properties, cand.area_ha,
         ST_IsValid(cand.geom) AS geometry_valid, false AS planned,
         ST_Distance(cand.geom::geography, fac.geom::geography) AS site_distance_m,
         rz.distance_m AS nearest_residential_m, rz.id AS nearest_residential_id, rz.name AS nearest_residential_name,
         rz.kind AS nearest_residential_kind, cand.measured,
         ST_X(ST_PointOnSurface(cand.geom)) AS lon, ST_Y(ST_PointOnSurface(cand.geom)) AS lat
  FROM cand CROSS JOIN fac
  LEFT JOIN LATERAL (${NEAREST_ZONE}) rz ON true
  ORDER BY cand.cluster_id`;

// Planned clusters of an approved 2020/2025 plan that are not established yet (published item versions).
const PLANNED_SQL = `
  WITH fac AS (
    SELECT v.geom FROM facility_versions v WHERE v.facility_id = $1 AND v.version = $5
  ),
  base AS (
    SELECT i.id::text AS cluster_id, NULL::text AS code, v.name, 'planned'::text AS status,
           province_unit_2025(v.province_code) AS province_code, v.province_code AS province_code_2009, p.region_code,
           jsonb_build_object('planned_area_ha', v.planned_area_ha, 'plan_id', pl.id, 'plan_name', pl.name, 'phase', v.phase,
                              'plan_status', v.status, 'industries', '[]'::jsonb) AS properties,
           v.planned_area_ha AS area_ha, v.geom
    FROM plan_items i
    JOIN plan_item_versions v ON v.item_id = i.id AND v.version = i.published_version
    JOIN plans pl ON pl.id = i.plan_id AND pl.status = 'approved'
    JOIN provinces p ON p.code = v.province_code
    WHERE v.status IN ('proposed', 'in-plan') AND v.cluster_id IS NULL AND v.geom IS NOT NULL
      AND ($2::text IS NULL OR p.region_code = $2)
  ),
  cand AS (${SCALED('base')})
  SELECT cand.cluster_id, cand.code, cand.name, cand.status, cand.province_code, cand.province_code_2009, cand.region_code, cand.properties, cand.area_ha,
         ST_IsValid(cand.geom) AS geometry_valid, true AS planned,
         ST_Distance(cand.geom::geography, fac.geom::geography) AS site_distance_m,
         rz.distance_m AS nearest_residential_m, rz.id AS nearest_residential_id, rz.name AS nearest_residential_name,
         rz.kind AS nearest_residential_kind, cand.measured,
         ST_X(ST_PointOnSurface(cand.geom)) AS lon, ST_Y(ST_PointOnSurface(cand.geom)) AS lat
  FROM cand CROSS JOIN fac
  LEFT JOIN LATERAL (${NEAREST_ZONE}) rz ON true
  ORDER BY cand.cluster_id`;

export interface StoredScreening {
  id: string;
  created_at: Date;
  created_by: number | null;
  created_by_username: string | null;
  inputs: unknown;
  data_version: unknown;
  result: { results: unknown[] };
}

/**
 * A stored screening shows the facility versions it screened, so a viewer may read it only if they may read every one
 * of them: staff of the facility's province, the ministry and admins any version; other provinces approved versions
 * only (as GET /api/facilities/:id?version=N). A version not recorded counts as unapproved. $2 = see all unpublished,
 * $3 = the viewer's own province.
 */
const READABLE = `NOT EXISTS (
  SELECT 1 FROM unnest(s.facility_ids) AS sf(id)
  JOIN facilities f ON f.id = sf.id
  WHERE NOT ($2::boolean OR province_unit_2025(f.province_code) = $3::text)
    AND coalesce((SELECT e.state FROM facility_review_events e
                  WHERE e.facility_id = f.id AND e.version = (s.data_version->'facilities'->>(sf.id::text))::int
                  ORDER BY e.id DESC LIMIT 1), 'draft') <> 'approved'
)`;

/** All SQL of the screening; parameterised only (the SQL fragments above are constants). */
export class ScreeningRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * The given version of each facility (the one the viewer may see, resolved by FacilitiesRepository.visibleVersions):
   * never the head as such, which may be a draft the viewer must not see.
   */
  async facilities(refs: readonly { id: string; version: number }[]): Promise<ScreeningFacility[]> {
    const r = await this.db.query<ScreeningFacility>(
      `SELECT v.facility_id AS id, v.version, v.name, v.properties, v.hazard_class, v.industry, v.land_need_ha, v.province_code, p.region_code,
              ST_X(ST_PointOnSurface(v.geom)) AS lon, ST_Y(ST_PointOnSurface(v.geom)) AS lat
       FROM unnest($1::uuid[], $2::int[]) AS t(id, version)
       JOIN facility_versions v ON v.facility_id = t.id AND v.version = t.version
       JOIN provinces p ON p.code = v.province_code`,
      [refs.map((x) => x.id), refs.map((x) => x.version)],
    );
    return r.rows;
  }

  /**
   * Clusters (and, when asked, planned clusters) in the region (or nationwide when region is null),
   * with the distance to the facility and the nearest residential zone within `radiusM` — measured
   * only for clusters of `measureProvince` (all when null), since the others are out of scope anyway.
   * The site is that of `facilityVersion` (the version screened, as visible to the viewer).
   */
  async candidates(input: { facilityId: string; facilityVersion: number; region: string | null; measureProvince: string | null; radiusM: number; includePlanned: boolean }): Promise<CandidateRow[]> {
    const params = [input.facilityId, input.region, input.measureProvince, input.radiusM, input.facilityVersion];
    const clusters = await this.db.query<CandidateRow>(CLUSTERS_SQL, params);
    if (!input.includePlanned) return clusters.rows;
    const planned = await this.db.query<CandidateRow>(PLANNED_SQL, params);
    return [...clusters.rows, ...planned.rows];
  }

  async countOutsideRegion(region: string, includePlanned: boolean): Promise<number> {
    const r = await this.db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM clusters c JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.published_version
               JOIN provinces p ON p.code = coalesce(c.province_code_2009, v.province_code_2009) WHERE v.status <> 'removed' AND p.region_code <> $1)
            + CASE WHEN $2::boolean THEN
               (SELECT count(*) FROM plan_items i JOIN plan_item_versions v ON v.item_id = i.id AND v.version = i.published_version
                JOIN plans pl ON pl.id = i.plan_id AND pl.status = 'approved' JOIN provinces p ON p.code = v.province_code
                WHERE v.status IN ('proposed', 'in-plan') AND v.cluster_id IS NULL AND v.geom IS NOT NULL AND p.region_code <> $1)
              ELSE 0 END AS n`,
      [region, includePlanned],
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  /** A table named `roads` with a geometry column `geom` counts as a loaded roads layer. */
  async roadsLayer(): Promise<boolean> {
    const r = await this.db.query<{ ok: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'roads' AND column_name = 'geom') AS ok`,
    );
    if (!r.rows[0]?.ok) return false;
    const n = await this.db.query('SELECT 1 FROM roads LIMIT 1');
    return n.rowCount > 0;
  }

  /** Distance (m) from each cluster/plan item to the nearest road within radiusM; absent = none found. */
  async roadDistances(ids: { id: string; planned: boolean }[], radiusM: number): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (ids.length === 0) return out;
    const r = await this.db.query<{ id: string; d: number | null }>(
      `WITH g AS (
         SELECT c.id::text AS id, v.geom FROM clusters c JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.published_version
         WHERE c.id::text = ANY($1::text[])
         UNION ALL
         SELECT i.id::text, v.geom FROM plan_items i JOIN plan_item_versions v ON v.item_id = i.id AND v.version = i.published_version
         WHERE i.id::text = ANY($2::text[])
       )
       SELECT g.id, (SELECT min(ST_Distance(rd.geom::geography, g.geom::geography)) FROM roads rd
                     WHERE rd.geom && ST_Expand(g.geom, $3 / (111320 * cos(radians(ST_Y(ST_Centroid(g.geom))))), $3 / 110574.0)) AS d
       FROM g`,
      [ids.filter((i) => !i.planned).map((i) => i.id), ids.filter((i) => i.planned).map((i) => i.id), radiusM],
    );
    for (const row of r.rows) if (row.d !== null && row.d <= radiusM) out.set(row.id, row.d);
    return out;
  }

  /** The data a screening saw: layer versions (bumped on every change) and row counts. */
  async dataVersion(): Promise<Record<string, unknown>> {
    const hasLayers = await this.db.query<{ ok: boolean }>(`SELECT to_regclass('layer_versions') IS NOT NULL AS ok`);
    const layers = hasLayers.rows[0]?.ok
      ? await this.db.query<{ layer: string; version: number; changed_at: Date }>(
          `SELECT layer, version, changed_at FROM layer_versions WHERE layer IN ('clusters', 'residential-zones', 'plan-items') ORDER BY layer`,
        )
      : { rows: [] };
    const counts = await this.db.query<{ clusters: number; residential_zones: number }>(
      `SELECT (SELECT count(*) FROM clusters WHERE published_version IS NOT NULL)::int AS clusters,
              (SELECT count(*) FROM residential_zones)::int AS residential_zones`,
    );
    return {
      layers: Object.fromEntries(layers.rows.map((l) => [l.layer, { version: l.version, changed_at: new Date(l.changed_at).toISOString() }])),
      published_clusters: counts.rows[0]?.clusters ?? 0,
      residential_zones: counts.rows[0]?.residential_zones ?? 0,
    };
  }

  async insert(input: { created_by: number | null; facility_ids: string[]; inputs: unknown; data_version: unknown; result: unknown }): Promise<{ id: string; created_at: Date }> {
    const r = await this.db.query<{ id: string; created_at: Date }>(
      `INSERT INTO screenings (created_by, facility_ids, inputs, data_version, result) VALUES ($1, $2::uuid[], $3, $4, $5) RETURNING id, created_at`,
      [input.created_by, input.facility_ids, JSON.stringify(input.inputs), JSON.stringify(input.data_version), JSON.stringify(input.result)],
    );
    return r.rows[0]!;
  }

  async find(id: string, viewer: FacilityViewer): Promise<StoredScreening | null> {
    const r = await this.db.query<StoredScreening>(
      `SELECT s.id, s.created_at, s.created_by, u.username AS created_by_username, s.inputs, s.data_version, s.result
       FROM screenings s LEFT JOIN users u ON u.id = s.created_by WHERE s.id = $1 AND ${READABLE}`,
      [id, viewer.seeAllUnpublished, viewer.ownProvince],
    );
    return r.rows[0] ?? null;
  }

  async list(limit: number, viewer: FacilityViewer): Promise<{ id: string; created_at: Date; created_by_username: string | null; facility_ids: string[] }[]> {
    const r = await this.db.query<{ id: string; created_at: Date; created_by_username: string | null; facility_ids: string[] }>(
      `SELECT s.id, s.created_at, u.username AS created_by_username, s.facility_ids::text[] AS facility_ids
       FROM screenings s LEFT JOIN users u ON u.id = s.created_by WHERE ${READABLE} ORDER BY s.created_at DESC LIMIT $1`,
      [limit, viewer.seeAllUnpublished, viewer.ownProvince],
    );
    return r.rows;
  }
}
