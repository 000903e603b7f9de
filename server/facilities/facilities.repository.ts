import type { Queryable } from '../db/database.ts';
import type { FacilityAttributes } from './facility-attributes.ts';

export interface FacilityRow {
  id: string;
  version: number;
  province_code: string;
  created_at: Date;
  updated_at: Date;
  created_by: number | null;
  author_id: number | null;
  source: string;
  properties: FacilityAttributes;
  geometry: GeoJSON.Geometry;
  /** a point on the site (the point itself, or a point on the polygon's surface) */
  lon: number;
  lat: number;
}

export interface FacilityVersionRow {
  version: number;
  created_at: Date;
  author_id: number | null;
  author: string | null;
  comment: string | null;
  properties: FacilityAttributes;
  geometry: GeoJSON.Geometry;
}

const SELECT_CURRENT = `
  SELECT f.id, v.version, f.province_code, f.created_at, v.created_at AS updated_at, f.created_by, v.author_id, f.source,
         v.properties, ST_AsGeoJSON(v.geom, 7)::json AS geometry,
         ST_X(ST_PointOnSurface(v.geom)) AS lon, ST_Y(ST_PointOnSurface(v.geom)) AS lat
  FROM facilities f
  JOIN facility_versions v ON v.facility_id = f.id AND v.version = f.head_version`;

/** All SQL of the facility register; parameterised only. */
export class FacilitiesRepository {
  constructor(private readonly db: Queryable) {}

  async provinceExists(code: string): Promise<boolean> {
    const r = await this.db.query('SELECT 1 FROM provinces WHERE code = $1', [code]);
    return r.rowCount > 0;
  }

  async districtProvince(code: string): Promise<string | null> {
    const r = await this.db.query<{ province_code: string }>('SELECT province_code FROM districts WHERE code = $1', [code]);
    return r.rows[0]?.province_code ?? null;
  }

  /** PostGIS's verdict on a GeoJSON geometry (the final authority after the JS checks). */
  async checkGeometry(geojson: string): Promise<{ valid: boolean; reason: string | null }> {
    const r = await this.db.query<{ valid: boolean; reason: string | null }>(
      `WITH g AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS geom)
       SELECT ST_IsValid(geom) AS valid, CASE WHEN ST_IsValid(geom) THEN NULL ELSE ST_IsValidReason(geom) END AS reason FROM g`,
      [geojson],
    );
    return r.rows[0]!;
  }

  async insertFacility(input: { province_code: string; created_by: number | null; source?: string }): Promise<string> {
    const r = await this.db.query<{ id: string }>(
      `INSERT INTO facilities (province_code, created_by, head_version, source) VALUES ($1, $2, 1, $3) RETURNING id`,
      [input.province_code, input.created_by, input.source ?? 'user'],
    );
    return r.rows[0]!.id;
  }

  async insertVersion(input: {
    facility_id: string;
    version: number;
    author_id: number | null;
    comment: string | null;
    properties: FacilityAttributes;
    geometry: string;
  }): Promise<void> {
    const p = input.properties;
    await this.db.query(
      `INSERT INTO facility_versions (facility_id, version, author_id, comment, properties, name, status, hazard_class, industry,
                                      land_need_ha, province_code, district_code, geom)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, ST_SetSRID(ST_GeomFromGeoJSON($13), 4326))`,
      [
        input.facility_id,
        input.version,
        input.author_id,
        input.comment,
        JSON.stringify(p),
        p.name,
        p.status,
        p.hazard_class,
        p.industry,
        p.land_need_ha,
        p.province_code,
        p.district_code,
        input.geometry,
      ],
    );
  }

  /** Moves the head pointer only if nobody saved in between (optimistic lock); false when stale. */
  async moveHead(id: string, expected: number, next: number, province: string): Promise<boolean> {
    const r = await this.db.query('UPDATE facilities SET head_version = $3, province_code = $4 WHERE id = $1 AND head_version = $2', [id, expected, next, province]);
    return r.rowCount === 1;
  }

  async lockHead(id: string): Promise<{ head_version: number; province_code: string } | null> {
    const r = await this.db.query<{ head_version: number; province_code: string }>(
      'SELECT head_version, province_code FROM facilities WHERE id = $1 FOR UPDATE',
      [id],
    );
    return r.rows[0] ?? null;
  }

  async find(id: string): Promise<FacilityRow | null> {
    const r = await this.db.query<FacilityRow>(`${SELECT_CURRENT} WHERE f.id = $1`, [id]);
    return r.rows[0] ?? null;
  }

  async findMany(ids: readonly string[]): Promise<FacilityRow[]> {
    const r = await this.db.query<FacilityRow>(`${SELECT_CURRENT} WHERE f.id = ANY($1::uuid[])`, [ids]);
    return r.rows;
  }

  async list(filter: { province?: string | null; status?: string | null; limit: number; offset: number }): Promise<FacilityRow[]> {
    const r = await this.db.query<FacilityRow>(
      `${SELECT_CURRENT}
       WHERE ($1::text IS NULL OR f.province_code = $1) AND ($2::text IS NULL OR v.status = $2)
       ORDER BY v.name, f.id LIMIT $3 OFFSET $4`,
      [filter.province ?? null, filter.status ?? null, filter.limit, filter.offset],
    );
    return r.rows;
  }

  async history(id: string): Promise<FacilityVersionRow[]> {
    const r = await this.db.query<FacilityVersionRow>(
      `SELECT v.version, v.created_at, v.author_id, u.username AS author, v.comment, v.properties, ST_AsGeoJSON(v.geom, 7)::json AS geometry
       FROM facility_versions v LEFT JOIN users u ON u.id = v.author_id
       WHERE v.facility_id = $1 ORDER BY v.version`,
      [id],
    );
    return r.rows;
  }

  /** EPSG code of the province's VN-2000 3° zone. */
  async provinceZone(province: string): Promise<number | null> {
    const r = await this.db.query<{ epsg: number }>('SELECT epsg FROM province_vn2000_zones WHERE province_code = $1', [province]);
    return r.rows[0]?.epsg ?? null;
  }

  async sridExists(srid: number): Promise<boolean> {
    const r = await this.db.query('SELECT 1 FROM spatial_ref_sys WHERE srid = $1', [srid]);
    return r.rowCount > 0;
  }

  /** Projected X/Y (easting/northing) in `srid` → lon/lat WGS 84, many at once, by PostGIS (its datum shift, not ours). */
  async transformToWgs84(points: readonly { easting: number; northing: number; srid: number }[]): Promise<{ lon: number; lat: number }[]> {
    if (points.length === 0) return [];
    const r = await this.db.query<{ i: number; lon: number; lat: number }>(
      `SELECT p.i, ST_X(t.g) AS lon, ST_Y(t.g) AS lat
       FROM unnest($1::float8[], $2::float8[], $3::int[]) WITH ORDINALITY AS p(e, n, srid, i)
       CROSS JOIN LATERAL (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(p.e, p.n), p.srid), 4326) AS g) t
       ORDER BY p.i`,
      [points.map((p) => p.easting), points.map((p) => p.northing), points.map((p) => p.srid)],
    );
    return r.rows.map((row) => ({ lon: row.lon, lat: row.lat }));
  }
}
