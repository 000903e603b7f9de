import type { Queryable } from '../db/database.ts';

export interface ImportJob {
  id: number;
  created_at: Date;
  finished_at: Date | null;
  created_by: number | null;
  filename: string | null;
  format: string | null;
  status: 'running' | 'done' | 'rejected' | 'failed';
  phase: 'parsing' | 'validating' | 'storing' | 'finished';
  total: number;
  processed: number;
  stored: number;
  errors: unknown[];
}

export interface ZoneToStore {
  kind: string;
  name: string | null;
  population: number | null;
  properties: Record<string, unknown>;
  geojson: string;
}

export class ResidentialRepository {
  constructor(private readonly db: Queryable) {}

  /** Zones whose geometry intersects the bbox, as one GeoJSON FeatureCollection built in SQL. */
  async listGeoJson(filter: { bbox: [number, number, number, number] | null; kind: string | null; source: string | null; limit: number }): Promise<{ json: string; count: number }> {
    const b = filter.bbox;
    const result = await this.db.query<{ fc: string; n: number }>(
      `WITH z AS (
         SELECT id, kind, name, population, source, province_code, geom
         FROM residential_zones
         WHERE ($1::float8 IS NULL OR geom && ST_MakeEnvelope($1, $2, $3, $4, 4326))
           AND ($5::text IS NULL OR kind = $5) AND ($6::text IS NULL OR source = $6)
         ORDER BY id
         LIMIT $7
       )
       SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
                'type', 'Feature', 'id', z.id,
                'properties', json_build_object('id', z.id, 'kind', z.kind, 'name', z.name, 'population', z.population, 'source', z.source, 'province_code', z.province_code),
                'geometry', ST_AsGeoJSON(z.geom, 6)::json)), '[]'::json))::text AS fc,
              count(*)::int AS n
       FROM z`,
      [b ? b[0] : null, b ? b[1] : null, b ? b[2] : null, b ? b[3] : null, filter.kind, filter.source, filter.limit],
    );
    return { json: result.rows[0]!.fc, count: result.rows[0]!.n };
  }

  async createJob(userId: number, filename: string | null, format: string | null): Promise<number> {
    const r = await this.db.query<{ id: number }>(
      'INSERT INTO residential_imports (created_by, filename, format) VALUES ($1, $2, $3) RETURNING id',
      [userId, filename, format],
    );
    return r.rows[0]!.id;
  }

  async progress(id: number, fields: { phase?: string; total?: number; processed?: number }): Promise<void> {
    await this.db.query(
      `UPDATE residential_imports SET phase = coalesce($2, phase), total = coalesce($3, total), processed = coalesce($4, processed) WHERE id = $1`,
      [id, fields.phase ?? null, fields.total ?? null, fields.processed ?? null],
    );
  }

  async finish(id: number, status: 'done' | 'rejected' | 'failed', stored: number, errors: unknown[]): Promise<void> {
    await this.db.query(
      `UPDATE residential_imports SET status = $2, phase = 'finished', stored = $3, errors = $4::jsonb, finished_at = now(),
              processed = CASE WHEN $2 = 'done' THEN total ELSE processed END
       WHERE id = $1`,
      [id, status, stored, JSON.stringify(errors)],
    );
  }

  async getJob(id: number): Promise<ImportJob | null> {
    const r = await this.db.query<ImportJob>('SELECT * FROM residential_imports WHERE id = $1', [id]);
    return r.rows[0] ?? null;
  }

  /** The province of the account that started an import: its scope for other staff. */
  async jobCreatorProvince(id: number): Promise<string | null> {
    const r = await this.db.query<{ province_code: string | null }>(
      'SELECT u.province_code FROM residential_imports j JOIN users u ON u.id = j.created_by WHERE j.id = $1',
      [id],
    );
    return r.rows[0]?.province_code ?? null;
  }

  /**
   * PostGIS checks of a batch of geometries that passed the JS validator: validity (the final authority),
   * the province of a point on the surface, and whether it intersects a given province.
   */
  /** `province`: the user's 2025 unit; the zone's own province_code is recorded in the 63-province division. */
  async checkGeometries(geojson: string[], province: string | null): Promise<{ i: number; valid: boolean; reason: string | null; province_code: string | null; in_province: boolean | null }[]> {
    const r = await this.db.query<{ i: number; valid: boolean; reason: string | null; province_code: string | null; in_province: boolean | null }>(
      `WITH g AS (
         SELECT t.i::int AS i, ST_Multi(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(t.gj), 4326))) AS geom
         FROM unnest($1::text[]) WITH ORDINALITY AS t(gj, i)
       )
       SELECT g.i, ST_IsValid(g.geom) AS valid,
              CASE WHEN ST_IsValid(g.geom) THEN NULL ELSE ST_IsValidReason(g.geom) END AS reason,
              (SELECT p.code FROM provinces p WHERE p.geom && g.geom AND ST_Intersects(p.geom, ST_PointOnSurface(g.geom)) LIMIT 1) AS province_code,
              CASE WHEN $2::text IS NULL THEN NULL
                   ELSE EXISTS (SELECT 1 FROM provinces_2025 p WHERE p.code = $2 AND p.geom && g.geom AND ST_Intersects(p.geom, g.geom)) END AS in_province
       FROM g ORDER BY g.i`,
      [geojson, province],
    );
    return r.rows;
  }

  async insertZones(importId: number, zones: (ZoneToStore & { province_code: string | null })[]): Promise<number> {
    const r = await this.db.query(
      `INSERT INTO residential_zones (kind, name, population, source, import_id, province_code, properties, geom)
       SELECT t.kind, t.name, t.population, 'import', $1, t.province_code, t.props::jsonb, ST_Multi(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(t.gj), 4326)))
       FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[]) AS t(kind, name, population, province_code, props, gj)`,
      [
        importId,
        zones.map((z) => z.kind),
        zones.map((z) => z.name),
        zones.map((z) => z.population),
        zones.map((z) => z.province_code),
        zones.map((z) => JSON.stringify(z.properties)),
        zones.map((z) => z.geojson),
      ],
    );
    return r.rowCount;
  }

  async findZone(id: number): Promise<{ id: number; kind: string; name: string | null; source: string; province_code: string | null } | null> {
    const r = await this.db.query<{ id: number; kind: string; name: string | null; source: string; province_code: string | null }>(
      'SELECT id, kind, name, source, province_code FROM residential_zones WHERE id = $1',
      [id],
    );
    return r.rows[0] ?? null;
  }

  async deleteZone(id: number): Promise<boolean> {
    return (await this.db.query('DELETE FROM residential_zones WHERE id = $1', [id])).rowCount > 0;
  }
}
