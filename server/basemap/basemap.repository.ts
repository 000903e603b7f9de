import type { Queryable } from '../db/database.ts';

export type LabelEra = '2009' | '2025';

/** Interior rings of the dissolved land kept as water: atoll lagoons are big and compact, gaps left by simplification are thin. */
const MIN_HOLE_AREA_M2 = 1e6;
const MIN_HOLE_COMPACTNESS = 0.2;

/** SQL for the offline basemap. GeoJSON is built in the database and passed through as text. */
export class BasemapRepository {
  constructor(private readonly db: Queryable) {}

  /** All provinces dissolved into one land MultiPolygon (display geometry, 4 decimals ≈ 11 m). */
  async landFeatureCollection(): Promise<string> {
    const result = await this.db.query<{ body: string }>(
      `WITH dissolved AS (SELECT ST_Union(geom_display) AS geom FROM provinces),
            parts AS (SELECT (ST_Dump(geom)).geom AS poly FROM dissolved),
            cleaned AS (
              SELECT ST_MakePolygon(ST_ExteriorRing(poly), ARRAY(
                       SELECT ST_ExteriorRing(h.geom) FROM ST_DumpRings(poly) h
                       WHERE h.path[1] > 0
                         AND ST_Area(h.geom::geography) >= $1
                         AND 4 * pi() * ST_Area(h.geom::geography) / power(ST_Perimeter(h.geom::geography), 2) >= $2)) AS poly
              FROM parts)
       SELECT json_build_object('type', 'FeatureCollection', 'features', json_build_array(json_build_object(
                'type', 'Feature', 'properties', json_build_object('kind', 'land'),
                'geometry', ST_AsGeoJSON(ST_Collect(poly), 4)::json)))::text AS body
       FROM cleaned`,
      [MIN_HOLE_AREA_M2, MIN_HOLE_COMPACTNESS],
    );
    return result.rows[0].body;
  }

  /** One label point per province, always inside its polygon. */
  async labelsFeatureCollection(era: LabelEra): Promise<string> {
    const table = era === '2009' ? 'provinces' : 'provinces_2025';
    const result = await this.db.query<{ body: string }>(
      `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
                'type', 'Feature', 'id', p.code,
                'properties', json_build_object('code', p.code, 'name', p.name, 'short_name', p.short_name),
                'geometry', ST_AsGeoJSON(ST_PointOnSurface(p.geom_display), 5)::json) ORDER BY p.code), '[]'::json))::text AS body
       FROM ${table} p`,
    );
    return result.rows[0].body;
  }
}
