/** SQL of exports: the rows a viewer may see, with geometry already in the requested CRS. */
import type { Geometry } from 'geojson';
import type { Queryable } from '../db/database.ts';

export interface ExportRow {
  properties: Record<string, unknown>;
  geometry: Geometry | null;
}

export interface ExportFilter {
  /** ministry/admin: head versions everywhere */
  seeAllUnpublished: boolean;
  /** planner/reviewer: head versions of this 2025 unit, published elsewhere */
  ownProvince: string | null;
  /** 2025 units */
  provinces: string[] | null;
  /** 63-province codes */
  provinces2009?: string[] | null;
  srid: number;
  /** decimals of the output coordinates */
  digits: number;
}

export class ExportsRepository {
  constructor(private readonly db: Queryable) {}

  async sridExists(srid: number): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM spatial_ref_sys WHERE srid = $1', [srid])).rowCount > 0;
  }

  async srtext(srid: number): Promise<string | null> {
    const r = await this.db.query<{ srtext: string | null }>('SELECT srtext FROM spatial_ref_sys WHERE srid = $1', [srid]);
    return r.rows[0]?.srtext ?? null;
  }

  /** Clusters at the version the viewer may see (published for the public; drafts for staff of the province). */
  async clusters(f: ExportFilter): Promise<ExportRow[]> {
    const r = await this.db.query<ExportRow>(
      `WITH visible AS (
         SELECT c.*, CASE WHEN $1::boolean OR c.province_code = $2::text THEN c.head_version ELSE c.published_version END AS visible_version
         FROM clusters c WHERE ($3::text[] IS NULL OR c.province_code = ANY($3::text[]))
           AND ($6::text[] IS NULL OR c.province_code_2009 = ANY($6::text[]))
       )
       SELECT v.properties || jsonb_build_object('id', c.id, 'code', c.code, 'province_code', c.province_code,
                'province_code_2009', coalesce(c.province_code_2009, v.province_code_2009), 'commune_codes', coalesce(v.commune_codes, '{}'::text[]), 'area_ha', v.area_ha,
                'area_ha_vn2000', v.area_ha_vn2000, 'vn2000_epsg', v.vn2000_epsg, 'version', v.version, 'boundary_status', v.boundary_status,
                'review_state', coalesce((SELECT e.state FROM cluster_review_events e WHERE e.cluster_id = c.id AND e.version = v.version ORDER BY e.id DESC LIMIT 1), 'draft'),
                'published', v.version = c.published_version) AS properties,
              ST_AsGeoJSON(CASE WHEN $4::int = 4326 THEN v.geom ELSE ST_Transform(v.geom, $4::int) END, $5::int)::json AS geometry
       FROM visible c
       JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.visible_version
       WHERE v.status <> 'removed'
       ORDER BY c.province_code, c.code`,
      [f.seeAllUnpublished, f.ownProvince, f.provinces, f.srid, f.digits, f.provinces2009 ?? null],
    );
    return r.rows;
  }

  async residentialZones(f: ExportFilter): Promise<ExportRow[]> {
    const r = await this.db.query<ExportRow>(
      `SELECT jsonb_build_object('id', z.id, 'name', z.name, 'kind', z.kind, 'population', z.population,
                'province_code', province_unit_2025(z.province_code), 'province_code_2009', z.province_code, 'source', z.source) AS properties,
              ST_AsGeoJSON(CASE WHEN $2::int = 4326 THEN z.geom ELSE ST_Transform(z.geom, $2::int) END, $3::int)::json AS geometry
       FROM residential_zones z
       WHERE ($1::text[] IS NULL OR province_unit_2025(z.province_code) = ANY($1::text[]))
         AND ($4::text[] IS NULL OR z.province_code = ANY($4::text[]))
       ORDER BY z.id`,
      [f.provinces, f.srid, f.digits, f.provinces2009 ?? null],
    );
    return r.rows;
  }

  /**
   * Facilities at the version the viewer may see, the rule of GET /api/facilities (FacilitiesRepository): head for
   * staff of the province, the ministry and admins; the published (approved) one for other provinces; none → not
   * exported. Never public: the service answers 401 before this runs.
   */
  async facilities(f: ExportFilter): Promise<ExportRow[]> {
    const r = await this.db.query<ExportRow>(
      `SELECT v.properties || jsonb_build_object('id', x.id, 'version', v.version) AS properties,
              ST_AsGeoJSON(CASE WHEN $4::int = 4326 THEN v.geom ELSE ST_Transform(v.geom, $4::int) END, $5::int)::json AS geometry
       FROM facilities x
       JOIN facility_versions v ON v.facility_id = x.id
        AND v.version = CASE WHEN $1::boolean OR province_unit_2025(x.province_code) = $2::text THEN x.head_version ELSE x.published_version END
       WHERE ($3::text[] IS NULL OR province_unit_2025(x.province_code) = ANY($3::text[]))
         AND ($6::text[] IS NULL OR x.province_code = ANY($6::text[]))
       ORDER BY x.province_code, v.name`,
      [f.seeAllUnpublished, f.ownProvince, f.provinces, f.srid, f.digits, f.provinces2009 ?? null],
    );
    return r.rows;
  }
}
