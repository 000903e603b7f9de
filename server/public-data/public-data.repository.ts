import type { Queryable } from '../db/database.ts';

export interface OpportunityCluster {
  id: string;
  code: string;
  name: string;
  province_code: string;
  province_code_2009: string | null;
  province_name: string;
  district_code: string | null;
  status: string;
  area_ha: number;
  industrial_land_ha: number | null;
  leased_ha: number | null;
  free_ha: number;
  occupancy_pct: number | null;
  investor: string | null;
  industries: string[];
  wastewater: string | null;
  lon: number;
  lat: number;
}

export interface PlannedOpportunity {
  source: 'registry' | 'plan';
  id: string;
  code: string | null;
  name: string;
  province_code: string;
  province_code_2009: string | null;
  province_name: string;
  district_code: string | null;
  status: string;
  phase: string | null;
  planned_area_ha: number | null;
  lon: number | null;
  lat: number | null;
}

// only the published version, never a draft: the pointer join
const PUBLISHED = 'clusters c JOIN cluster_versions t ON t.cluster_id = c.id AND t.version = c.published_version JOIN provinces_2025 p ON p.code = t.province_code';
// the cluster's old province, named with its era
const OLD = 'coalesce(c.province_code_2009, t.province_code_2009) AS province_code_2009';
const INDUSTRY_MATCH = `($2::text IS NULL OR EXISTS (
  SELECT 1 FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(t.properties->'industries') = 'array' THEN t.properties->'industries' ELSE '[]'::jsonb END) i
  WHERE lower(i) LIKE '%' || lower($2::text) || '%'))`;
const num = (key: string) => `(CASE WHEN jsonb_typeof(t.properties->'${key}') = 'number' THEN (t.properties->>'${key}')::float8 END)`;

export class PublicDataRepository {
  constructor(private readonly db: Queryable) {}

  /** Established/operating/expanding published clusters with industrial land still free to lease. */
  async clustersWithFreeLand(province: string | null, industry: string | null): Promise<OpportunityCluster[]> {
    const r = await this.db.query<OpportunityCluster>(
      `SELECT * FROM (
         SELECT c.id::text AS id, c.code, t.name, t.province_code, ${OLD}, p.name AS province_name, t.district_code, t.status,
                round(t.area_ha::numeric, 2)::float8 AS area_ha,
                ${num('industrial_land_ha')} AS industrial_land_ha, ${num('leased_ha')} AS leased_ha,
                round((${num('industrial_land_ha')} - coalesce(${num('leased_ha')}, 0))::numeric, 2)::float8 AS free_ha,
                CASE WHEN ${num('industrial_land_ha')} > 0
                     THEN round((100 * coalesce(${num('leased_ha')}, 0) / ${num('industrial_land_ha')})::numeric, 1)::float8 END AS occupancy_pct,
                t.properties->>'investor' AS investor,
                CASE WHEN jsonb_typeof(t.properties->'industries') = 'array' THEN t.properties->'industries' ELSE '[]'::jsonb END AS industries,
                t.properties->>'wastewater' AS wastewater,
                ST_X(ST_PointOnSurface(t.geom)) AS lon, ST_Y(ST_PointOnSurface(t.geom)) AS lat
         FROM ${PUBLISHED}
         WHERE t.status IN ('established', 'operating', 'expanding')
           AND ($1::text IS NULL OR t.province_code = $1::text) AND ${INDUSTRY_MATCH}
       ) x WHERE x.free_ha > 0
       ORDER BY x.free_ha DESC, x.code`,
      [province, industry],
    );
    return r.rows;
  }

  /** Published clusters still planned or established without an infrastructure investor. */
  async registryWithoutInvestor(province: string | null, industry: string | null): Promise<PlannedOpportunity[]> {
    const r = await this.db.query<PlannedOpportunity>(
      `SELECT 'registry' AS source, c.id::text AS id, c.code, t.name, t.province_code, ${OLD}, p.name AS province_name, t.district_code,
              t.status, t.properties->>'plan_phase' AS phase, ${num('planned_area_ha')} AS planned_area_ha,
              ST_X(ST_PointOnSurface(t.geom)) AS lon, ST_Y(ST_PointOnSurface(t.geom)) AS lat
       FROM ${PUBLISHED}
       WHERE t.status IN ('planned', 'established') AND nullif(btrim(coalesce(t.properties->>'investor', '')), '') IS NULL
         AND ($1::text IS NULL OR t.province_code = $1::text) AND ${INDUSTRY_MATCH}
       ORDER BY t.province_code, c.code`,
      [province, industry],
    );
    return r.rows;
  }

  /** Published items of approved plans that are not yet a real cluster (sql/020 schema). */
  async planItemsWithoutCluster(province: string | null): Promise<PlannedOpportunity[]> {
    const r = await this.db.query<PlannedOpportunity>(
      `SELECT 'plan' AS source, i.id::text AS id, NULL AS code, t.name, province_unit_2025(t.province_code) AS province_code,
              t.province_code AS province_code_2009, p.name AS province_name, t.district_code,
              t.status, t.phase, t.planned_area_ha::float8 AS planned_area_ha,
              ST_X(ST_PointOnSurface(t.geom)) AS lon, ST_Y(ST_PointOnSurface(t.geom)) AS lat
       FROM plan_items i JOIN plan_item_versions t ON t.item_id = i.id AND t.version = i.published_version
            JOIN plans pl ON pl.id = i.plan_id LEFT JOIN provinces_2025 p ON p.code = province_unit_2025(t.province_code)
       WHERE i.published_version IS NOT NULL AND pl.status = 'approved'
         AND t.status IN ('proposed', 'in-plan') AND t.cluster_id IS NULL
         AND ($1::text IS NULL OR province_unit_2025(t.province_code) = $1::text)
       ORDER BY province_unit_2025(t.province_code), t.name`,
      [province],
    );
    return r.rows;
  }

  async provinceExists(code: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM provinces_2025 WHERE code = $1', [code])).rowCount > 0;
  }
}
