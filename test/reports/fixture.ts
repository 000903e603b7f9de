/**
 * A hand-made registry whose totals are known (see the table in stats.test.ts).
 * Squares of side s metres have s²/10⁴ ha (geodesic area, so compared to ±0.5 ha).
 */
import type { Polygon } from 'geojson';
import type { Queryable } from '../../server/db/database.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import { unitOf2009 } from '../../server/domain/admin-division.ts';

export interface ReviewStep {
  state: 'draft' | 'submitted' | 'approved' | 'changes_requested';
  at: string;
}

/** Adds version `version` of a cluster with explicit review events (times), as a later edit would. */
export async function addClusterVersion(
  db: Queryable,
  clusterId: string,
  version: number,
  /** province_code_2009: the old province of the version (its 2025 unit follows) */
  fields: { status: string; province_code_2009: string; geometry: Polygon; properties: Record<string, unknown>; name?: string },
  steps: ReviewStep[],
): Promise<void> {
  const prev = await db.query<{ properties: Record<string, unknown>; name: string }>(
    `SELECT properties, name FROM cluster_versions WHERE cluster_id = $1 ORDER BY version DESC LIMIT 1`,
    [clusterId],
  );
  const name = fields.name ?? prev.rows[0]!.name;
  const unit = unitOf2009(fields.province_code_2009)!;
  const properties = { ...prev.rows[0]!.properties, ...fields.properties, name, status: fields.status, province_code: unit };
  await db.query(
    `WITH g AS (SELECT ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($6), 4326)) AS geom),
          z AS (SELECT epsg FROM province_vn2000_zones WHERE province_code = $9)
     INSERT INTO cluster_versions (cluster_id, version, created_at, properties, name, status, province_code, geom, area_ha, area_ha_vn2000, vn2000_epsg, province_code_2009)
     SELECT $1, $8, $7, $2, $3, $5, $4, g.geom, ST_Area(g.geom::geography) / 10000, ST_Area(ST_Transform(g.geom, z.epsg)) / 10000, z.epsg, $9
     FROM g LEFT JOIN z ON true`,
    [clusterId, JSON.stringify(properties), name, unit, fields.status, JSON.stringify(fields.geometry), steps[0]!.at, version, fields.province_code_2009],
  );
  for (const step of steps) {
    await db.query(`INSERT INTO cluster_review_events (cluster_id, version, state, at) VALUES ($1, $2, $3, $4)`, [clusterId, version, step.state, step.at]);
  }
  const approved = steps.some((s) => s.state === 'approved');
  await db.query(
    `UPDATE clusters SET head_version = $2, published_version = CASE WHEN $3 THEN $2 ELSE published_version END WHERE id = $1`,
    [clusterId, version, approved],
  );
}

export interface Fixture {
  A: { id: string; code: string };
  B: { id: string; code: string };
  C: { id: string; code: string };
  D: { id: string; code: string };
  E: { id: string; code: string };
  F: { id: string; code: string };
}

const props = (p: Record<string, unknown>) => ({ tenants: null, workers: null, investment_capital_bn_vnd: null, ...p });

/**
 * A (Lào Cai 10): operating 25 ha from 2023-03-01; resized mid 2024-H1 to 64 ha (expanding), the new
 *   version drafted 2024-03-01, submitted 03-05, approved 2024-03-10 10:00 (Vietnam).
 * B (Yên Bái 15, merged with Lào Cai into the 2025 province 15): established 16 ha on 2024-01-20.
 * C (Lào Cai 10): planned 36 ha since 2022-05-01 (planned_area_ha 40).
 * D (Bắc Ninh 27): operating 49 ha since 2021-06-01; removed from the plan 2024-05-05.
 * E (Lào Cai 10): a draft only, never approved: counted nowhere.
 * F (Bắc Giang 24, merged with Bắc Ninh into the 2025 province 24): operating 9 ha since 2020-01-01
 *   with no wastewater plant: non-conforming (infrastructure rule).
 */
export async function loadFixture(db: Queryable): Promise<Fixture> {
  const A = await insertCluster(db, {
    code: '10-FA',
    name: 'Cụm công nghiệp Alpha',
    province_code_2009: '10',
    status: 'operating',
    geometry: squareAround(103.95, 22.40, 500),
    at: '2023-03-01T02:00:00Z',
    properties: props({ planned_area_ha: 30, industrial_land_ha: 20, leased_ha: 10, wastewater: 'operating', tenants: 5, workers: 200, investment_capital_bn_vnd: 100, plan_phase: '2016-2020' }),
  });
  await addClusterVersion(
    db,
    A.id,
    2,
    {
      status: 'expanding',
      province_code_2009: '10',
      geometry: squareAround(103.95, 22.40, 800),
      properties: { planned_area_ha: 70, industrial_land_ha: 50, leased_ha: 20, wastewater: 'operating', tenants: 8, workers: 300, investment_capital_bn_vnd: 150 },
    },
    [
      { state: 'draft', at: '2024-03-01T02:00:00Z' },
      { state: 'submitted', at: '2024-03-05T02:00:00Z' },
      { state: 'approved', at: '2024-03-10T03:00:00Z' },
    ],
  );
  const B = await insertCluster(db, {
    code: '15-FB',
    name: 'Cụm công nghiệp Beta',
    province_code_2009: '15',
    status: 'established',
    geometry: squareAround(104.80, 21.70, 400),
    at: '2024-01-20T02:00:00Z',
    properties: props({ planned_area_ha: 20, industrial_land_ha: 12, leased_ha: 6, wastewater: 'none', plan_phase: '2016-2020', tenants: 2, workers: 50, investment_capital_bn_vnd: 40 }),
  });
  const C = await insertCluster(db, {
    code: '10-FC',
    name: 'Cụm công nghiệp Gamma',
    province_code_2009: '10',
    status: 'planned',
    geometry: squareAround(104.10, 22.30, 600),
    at: '2022-05-01T02:00:00Z',
    properties: props({ planned_area_ha: 40, plan_phase: 'vision-2025', wastewater: 'none' }),
  });
  const D = await insertCluster(db, {
    code: '27-FD',
    name: 'Cụm công nghiệp Delta',
    province_code_2009: '27',
    status: 'operating',
    geometry: squareAround(106.07, 21.15, 700),
    at: '2021-06-01T02:00:00Z',
    properties: props({ planned_area_ha: 50, industrial_land_ha: 40, leased_ha: 30, wastewater: 'operating', plan_phase: 'to-2015', tenants: 10, workers: 900, investment_capital_bn_vnd: 300 }),
  });
  await addClusterVersion(
    db,
    D.id,
    2,
    { status: 'removed', province_code_2009: '27', geometry: squareAround(106.07, 21.15, 700), properties: {} },
    [
      { state: 'draft', at: '2024-04-20T02:00:00Z' },
      { state: 'submitted', at: '2024-04-21T02:00:00Z' },
      { state: 'approved', at: '2024-05-05T02:00:00Z' },
    ],
  );
  const E = await insertCluster(db, {
    code: '10-FE',
    name: 'Cụm công nghiệp Epsilon',
    province_code_2009: '10',
    status: 'operating',
    geometry: squareAround(104.20, 22.20, 900),
    at: '2023-01-01T02:00:00Z',
    review_state: 'draft',
    properties: props({ planned_area_ha: 80, industrial_land_ha: 60, leased_ha: 60, wastewater: 'operating' }),
  });
  const F = await insertCluster(db, {
    code: '24-FF',
    name: 'Cụm công nghiệp Phi',
    province_code_2009: '24',
    status: 'operating',
    geometry: squareAround(106.20, 21.30, 300),
    at: '2020-01-01T02:00:00Z',
    properties: props({ planned_area_ha: 10, industrial_land_ha: 8, leased_ha: 8, wastewater: 'none', plan_phase: 'to-2015', tenants: 3, workers: 120, investment_capital_bn_vnd: 20 }),
  });
  return { A, B, C, D, E, F };
}
