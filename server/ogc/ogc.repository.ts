/**
 * SQL of the OGC API beyond the shared public-layer reads: client geometries (filter literals, bboxes in another CRS)
 * brought into CRS84, and the regions collection (dissolved once, in memory) filtered and reprojected.
 */
import type { Queryable } from '../db/database.ts';
import type { FilterTarget } from '../public-data/layers.ts';
import type { GeometryOutput } from '../public-data/features.repository.ts';

export class OgcRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * A client geometry (GeoJSON, x/y in the CRS's GIS order) in CRS84, made valid; null when PostGIS cannot read or
   * transform it, which the caller reports as a 400 rather than letting the feature query fail.
   */
  async toCrs84(geojson: string, srid: number): Promise<string | null> {
    try {
      const r = await this.db.query<{ g: string | null }>(
        `SELECT ST_AsGeoJSON(CASE WHEN ST_IsValid(g) THEN g ELSE ST_MakeValid(g) END, 9) AS g
         FROM (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($1::text), $2::int), 4326) AS g) x`,
        [geojson, srid],
      );
      const g = r.rows[0]?.g ?? null;
      return g && !/null|NaN|Infinity/i.test(g) ? g : null;
    } catch {
      return null;
    }
  }

  /** A bbox in another CRS as a CRS84 polygon: edges densified first, so the box stays a box after the transform. */
  async bboxToCrs84(bbox: [number, number, number, number], srid: number): Promise<string | null> {
    try {
      const r = await this.db.query<{ g: string | null }>(
        `SELECT ST_AsGeoJSON(ST_Transform(CASE WHEN s > 0 THEN ST_Segmentize(e, s) ELSE e END, 4326), 9) AS g
         FROM (SELECT ST_MakeEnvelope($1, $2, $3, $4, $5::int) AS e, greatest($3::float8 - $1::float8, $4::float8 - $2::float8) / 32 AS s) x`,
        [...bbox, srid],
      );
      const g = r.rows[0]?.g ?? null;
      return g && !/null|NaN|Infinity/i.test(g) ? g : null;
    } catch {
      return null;
    }
  }

  /** Region codes matching the conditions, in the requested order (then the regions' own order). */
  async regionCodes(target: FilterTarget, q: { envelope?: [number, number, number, number]; area?: string; condition?: (params: unknown[]) => string; sortby?: Array<{ expr: string; desc: boolean }> }): Promise<string[]> {
    const params: unknown[] = [];
    const conditions: string[] = [];
    if (q.envelope) {
      params.push(...q.envelope);
      conditions.push(target.spatial(`ST_MakeEnvelope($1, $2, $3, $4, 4326)`));
    }
    if (q.area) {
      params.push(q.area);
      conditions.push(target.spatial(`ST_SetSRID(ST_GeomFromGeoJSON($${params.length}::text), 4326)`));
    }
    if (q.condition) conditions.push(q.condition(params));
    const order = [...(q.sortby ?? []).map((k) => `${k.expr} ${k.desc ? 'DESC' : 'ASC'}`), 'r.sort_order'].join(', ');
    const r = await this.db.query<{ code: string }>(
      `SELECT r.code FROM regions r ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY ${order}`,
      params,
    );
    return r.rows.map((x) => x.code);
  }

  /** CRS84 GeoJSON geometries in another CRS (the region dissolves, which live in memory). */
  async reproject(geometries: string[], out: GeometryOutput): Promise<string[]> {
    if (!geometries.length) return [];
    const r = await this.db.query<{ g: string }>(
      `SELECT ST_AsGeoJSON(CASE WHEN $3::boolean THEN ST_FlipCoordinates(t) ELSE t END, $4::int) AS g
       FROM (SELECT n, ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326), $2::int) AS t
             FROM unnest($1::text[]) WITH ORDINALITY AS u(g, n)) x ORDER BY n`,
      [geometries, out.srid, out.flip, out.digits],
    );
    return r.rows.map((x) => x.g);
  }
}
