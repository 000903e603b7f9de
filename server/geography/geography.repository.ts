import type { Queryable } from '../db/database.ts';
import type { Era } from '../domain/admin-division.ts';

export type { Era };

export interface RegionRow {
  code: string;
  name_vi: string;
  name_en: string;
  province_codes: string[];
}

/** SQL for regions, provinces (both eras) and districts. GeoJSON is built in the database and passed through as text. */
export class GeographyRepository {
  constructor(private readonly db: Queryable) {}

  async listRegions(): Promise<RegionRow[]> {
    const result = await this.db.query<RegionRow>(
      `SELECT r.code, r.name_vi, r.name_en,
              coalesce(array_agg(p.code ORDER BY p.code) FILTER (WHERE p.code IS NOT NULL), '{}') AS province_codes
       FROM regions r LEFT JOIN provinces p ON p.region_code = r.code
       GROUP BY r.code, r.name_vi, r.name_en, r.sort_order
       ORDER BY r.sort_order`,
    );
    return result.rows;
  }

  /** Display geometry (simplified) at 5 decimals (~1 m), enough for drawing at any zoom of the national map. */
  async provincesFeatureCollection(era: Era): Promise<string> {
    const sql =
      era === '2009'
        ? `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
              'type', 'Feature', 'id', p.code,
              'properties', json_build_object('code', p.code, 'era', '2009', 'name', p.name, 'short_name', p.short_name, 'region', p.region_code,
                 'province_code_2009', p.code, 'unit_2025', province_unit_2025(p.code)),
              'geometry', ST_AsGeoJSON(p.geom_display, 5)::json) ORDER BY p.code), '[]'::json), 'era', '2009')::text AS body
           FROM provinces p`
        : `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
              'type', 'Feature', 'id', p.code,
              'properties', json_build_object('code', p.code, 'era', '2025', 'name', p.name, 'short_name', p.short_name, 'province_code', p.code,
                 'region', (SELECT CASE WHEN count(DISTINCT o.region_code) = 1 THEN min(o.region_code) END
                            FROM provinces o WHERE o.code = ANY (p.merged_from)),
                 'regions', (SELECT json_agg(DISTINCT o.region_code) FROM provinces o WHERE o.code = ANY (p.merged_from)),
                 'merged_from', p.merged_from, 'commune_count', (SELECT count(*) FROM communes_2025 k WHERE k.province_code = p.code)),
              'geometry', ST_AsGeoJSON(p.geom_display, 5)::json) ORDER BY p.code), '[]'::json), 'era', '2025')::text AS body
           FROM provinces_2025 p`;
    const result = await this.db.query<{ body: string }>(sql);
    return result.rows[0].body;
  }

  async provinceFeature(era: Era, code: string, fullGeometry: boolean): Promise<string | null> {
    const sql =
      era === '2009'
        ? `SELECT json_build_object('type', 'Feature', 'id', p.code,
             'properties', json_build_object('code', p.code, 'era', '2009', 'name', p.name, 'short_name', p.short_name, 'region', p.region_code,
               'province_code_2009', p.code, 'unit_2025', province_unit_2025(p.code),
               'region_name_vi', r.name_vi, 'region_name_en', r.name_en,
               'area_km2', round((ST_Area(p.geom::geography) / 1e6)::numeric, 1),
               'district_count', (SELECT count(*) FROM districts d WHERE d.province_code = p.code),
               'vn2000_epsg', z.epsg, 'vn2000_central_meridian', z.central_meridian,
               'bbox', json_build_array(ST_XMin(p.geom), ST_YMin(p.geom), ST_XMax(p.geom), ST_YMax(p.geom))),
             'geometry', ST_AsGeoJSON(CASE WHEN $2 THEN p.geom ELSE p.geom_display END, 6)::json)::text AS body
           FROM provinces p JOIN regions r ON r.code = p.region_code
           LEFT JOIN province_vn2000_zones z ON z.province_code = p.code
           WHERE p.code = $1`
        : `SELECT json_build_object('type', 'Feature', 'id', p.code,
             'properties', json_build_object('code', p.code, 'era', '2025', 'name', p.name, 'short_name', p.short_name, 'province_code', p.code,
               'merged_from', p.merged_from,
               'commune_count', (SELECT count(*) FROM communes_2025 k WHERE k.province_code = p.code),
               'regions', (SELECT json_agg(DISTINCT o.region_code) FROM provinces o WHERE o.code = ANY (p.merged_from)),
               'area_km2', round((ST_Area(p.geom::geography) / 1e6)::numeric, 1),
               'bbox', json_build_array(ST_XMin(p.geom), ST_YMin(p.geom), ST_XMax(p.geom), ST_YMax(p.geom))),
             'geometry', ST_AsGeoJSON(CASE WHEN $2 THEN p.geom ELSE p.geom_display END, 6)::json)::text AS body
           FROM provinces_2025 p WHERE p.code = $1`;
    const result = await this.db.query<{ body: string }>(sql, [code, fullGeometry]);
    return result.rows[0]?.body ?? null;
  }

  async listDistricts(provinceCode: string) {
    const result = await this.db.query<{ code: string; name: string; province_code: string; has_geometry: boolean }>(
      `SELECT code, name, province_code, geom IS NOT NULL AS has_geometry FROM districts WHERE province_code = $1 ORDER BY code`,
      [provinceCode],
    );
    return result.rows;
  }

  async unitExists(code: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM provinces_2025 WHERE code = $1', [code])).rowCount > 0;
  }

  async listCommunes(unit: string) {
    const result = await this.db.query<{ code: string; name: string; short_name: string; type: string; province_code: string }>(
      `SELECT code, name, short_name, type, province_code FROM communes_2025 WHERE province_code = $1 ORDER BY code`,
      [unit],
    );
    return result.rows;
  }

  async communesFeatureCollection(bbox: [number, number, number, number]): Promise<string> {
    const result = await this.db.query<{ body: string }>(
      `SELECT json_build_object('type', 'FeatureCollection', 'era', '2025', 'features', coalesce(json_agg(json_build_object(
           'type', 'Feature', 'id', c.code,
           'properties', json_build_object('code', c.code, 'era', '2025', 'name', c.name, 'short_name', c.short_name, 'type', c.type, 'province_code', c.province_code),
           'geometry', ST_AsGeoJSON(c.geom, 5)::json) ORDER BY c.code), '[]'::json))::text AS body
       FROM communes_2025 c WHERE c.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)`,
      bbox,
    );
    return result.rows[0].body;
  }

  async provinceExists(code: string): Promise<boolean> {
    const result = await this.db.query('SELECT 1 FROM provinces WHERE code = $1', [code]);
    return result.rowCount > 0;
  }
}
