import type { Point, Polygon, MultiPolygon } from 'geojson';
import type { Queryable } from '../../server/db/database.ts';
import { isUnit2025, unitOf2009 } from '../../server/domain/admin-division.ts';

export interface ClusterFixture {
  code?: string;
  name?: string;
  /** the 2025 unit (default: the unit of province_code_2009, else 15 Lào Cai) */
  province_code?: string;
  /** the pre-2025 province (default: derived from the geometry by the database) */
  province_code_2009?: string;
  district_code?: string | null;
  status?: 'planned' | 'established' | 'operating' | 'expanding' | 'suspended' | 'removed';
  /** a Point is a cluster without a boundary (boundary_status none) */
  geometry: Polygon | MultiPolygon | Point;
  /** defaults to none for a Point, surveyed for a polygon */
  boundary_status?: 'none' | 'provisional' | 'surveyed';
  /** review state of the fixture's single version; 'approved' publishes it */
  review_state?: 'draft' | 'submitted' | 'approved' | 'changes_requested';
  properties?: Record<string, unknown>;
  /** when the version was created/approved (for as-of tests) */
  at?: string;
  source?: string;
}

let sequence = 0;

/** A square polygon of about `sizeM` metres a side centred on lon/lat (for hand-built geometry tests). */
export function squareAround(lon: number, lat: number, sizeM: number): Polygon {
  const dLat = sizeM / 2 / 111_320;
  const dLon = sizeM / 2 / (111_320 * Math.cos((lat * Math.PI) / 180));
  return {
    type: 'Polygon',
    coordinates: [[[lon - dLon, lat - dLat], [lon + dLon, lat - dLat], [lon + dLon, lat + dLat], [lon - dLon, lat + dLat], [lon - dLon, lat - dLat]]],
  };
}

/**
 * Inserts a cluster with one version straight into the tables (no API, no validation) so suites of other
 * domains can set up known data quickly. Areas are computed the same way the server does.
 */
export async function insertCluster(db: Queryable, fixture: ClusterFixture): Promise<{ id: string; code: string }> {
  sequence += 1;
  const province = fixture.province_code ?? (fixture.province_code_2009 ? unitOf2009(fixture.province_code_2009) : null) ?? '15';
  if (!isUnit2025(province)) throw new Error(`insertCluster: province_code ${province} is not a 2025 unit (use province_code_2009 for old codes)`);
  const code = fixture.code ?? `${province}-T${String(sequence).padStart(4, '0')}`;
  const name = fixture.name ?? `Cụm công nghiệp Thử nghiệm ${sequence}`;
  const status = fixture.status ?? 'operating';
  const boundaryStatus = fixture.boundary_status ?? (fixture.geometry.type === 'Point' ? 'none' : 'surveyed');
  const properties = {
    name,
    code,
    province_code: province,
    district_code: fixture.district_code ?? null,
    communes: [],
    status,
    decision_no: null,
    decision_date: null,
    decision_authority: null,
    plan_phase: null,
    planned_area_ha: null,
    industrial_land_ha: null,
    leased_ha: null,
    investor: null,
    tenants: null,
    workers: null,
    industries: [],
    craft_village: false,
    mountainous_district: false,
    wastewater: 'none',
    hazard_class: null,
    boundary_status: boundaryStatus,
    ...fixture.properties,
  };
  const at = fixture.at ?? new Date().toISOString();
  const inserted = await db.query<{ id: string }>(
    `INSERT INTO clusters (code, province_code, created_at, head_version, published_version, source)
     VALUES ($1, $2, $3, 1, $4, $5) RETURNING id`,
    [code, province, at, fixture.review_state === undefined || fixture.review_state === 'approved' ? 1 : null, fixture.source ?? 'test'],
  );
  const id = inserted.rows[0].id;
  await db.query(
    `WITH r AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($6), 4326) AS g),
          g AS (SELECT CASE WHEN GeometryType(r.g) = 'POINT' THEN r.g ELSE ST_Multi(r.g) END AS geom FROM r),
          o AS (SELECT coalesce($10::text, province_2009_of(g.geom, $4)) AS code FROM g),
          z AS (SELECT z.epsg FROM province_vn2000_zones z, o WHERE z.province_code = o.code)
     INSERT INTO cluster_versions (cluster_id, version, created_at, properties, name, status, province_code, district_code, geom, area_ha, area_ha_vn2000, vn2000_epsg, boundary_status, province_code_2009)
     SELECT $1, 1, $7, $2, $3, $5, $4, $8, g.geom, ST_Area(g.geom::geography) / 10000,
            ST_Area(ST_Transform(g.geom, z.epsg)) / 10000, z.epsg, $9, o.code
     FROM g CROSS JOIN o LEFT JOIN z ON true`,
    [id, JSON.stringify(properties), name, province, status, JSON.stringify(fixture.geometry), at, fixture.district_code ?? null, boundaryStatus, fixture.province_code_2009 ?? null],
  );
  const state = fixture.review_state ?? 'approved';
  await db.query(`INSERT INTO cluster_review_events (cluster_id, version, state, at) VALUES ($1, 1, 'draft', $2)`, [id, at]);
  if (state !== 'draft') {
    await db.query(`INSERT INTO cluster_review_events (cluster_id, version, state, at) VALUES ($1, 1, $2, $3)`, [id, state, at]);
  }
  return { id, code };
}
