/** All SQL of imports: the import record, its staged features, the set-based checks and the commit inserts. */
import { randomUUID } from 'node:crypto';
import type { Geometry } from 'geojson';
import type { Queryable } from '../db/database.ts';
import type { ImportLayer } from './mapping.ts';

export type ImportState = 'checking' | 'checked' | 'committed' | 'failed';

export interface ImportRow {
  id: string;
  created_at: Date;
  updated_at: Date;
  created_by: number | null;
  created_by_username: string | null;
  layer: ImportLayer;
  filename: string | null;
  file_hash: string;
  file_size: number;
  province_code: string | null;
  plan_id: number | null;
  format: string | null;
  crs: string | null;
  crs_source: string | null;
  crs_confirmed: boolean;
  axis_swapped: boolean;
  encoding: string | null;
  state: ImportState;
  progress: number;
  feature_count: number;
  source_fields: string[];
  mapping: Record<string, string | null>;
  error: { code: string; message: string; details?: unknown } | null;
  bbox: [number, number, number, number] | null;
  committed_at: Date | null;
  created_count: number | null;
  skipped_count: number | null;
}

export interface IssueOut {
  feature: number;
  severity: 'critical' | 'warning' | 'info';
  code: string;
  message: string;
  message_en?: string;
  location?: [number, number] | null;
  [extra: string]: unknown;
}

export interface StagedFeature {
  feature: number;
  properties: Record<string, unknown>;
  geojson: string | null;
  read_issues: IssueOut[];
}

export interface ValidityRow {
  feature: number;
  gtype: string | null;
  valid: boolean;
  reason: string | null;
  location: [number, number] | null;
  repaired_ok: boolean;
  inside_extent: boolean;
}

export interface LocationRow {
  feature: number;
  loc_province: string | null;
  area_ha: number | null;
  at: [number, number] | null;
  overlap_code: string | null;
  overlap_ha: number | null;
  overlap_share: number | null;
}

export class ImportsRepository {
  constructor(private readonly db: Queryable) {}

  async create(r: { created_by: number; layer: ImportLayer; filename: string; file_hash: string; file_size: number; province_code: string | null; plan_id: number | null; crs: string | null; crs_source: string | null }): Promise<string> {
    const res = await this.db.query<{ id: string }>(
      `INSERT INTO imports (created_by, layer, filename, file_hash, file_size, province_code, plan_id, crs, crs_source, crs_confirmed)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text, $9::text IS NOT NULL) RETURNING id`,
      [r.created_by, r.layer, r.filename, r.file_hash, r.file_size, r.province_code, r.plan_id, r.crs, r.crs_source],
    );
    return res.rows[0]!.id;
  }

  async get(id: string, options: { forUpdate?: boolean } = {}): Promise<ImportRow | null> {
    const res = await this.db.query<ImportRow>(
      `SELECT i.*, u.username AS created_by_username FROM imports i LEFT JOIN users u ON u.id = i.created_by WHERE i.id = $1${options.forUpdate ? ' FOR UPDATE OF i' : ''}`,
      [id],
    );
    return res.rows[0] ?? null;
  }

  async list(userId: number | null, province: string | null, limit: number): Promise<ImportRow[]> {
    const res = await this.db.query<ImportRow>(
      `SELECT i.*, u.username AS created_by_username FROM imports i LEFT JOIN users u ON u.id = i.created_by
       WHERE ($1::bigint IS NULL OR i.created_by = $1 OR i.province_code = $2::text)
       ORDER BY i.created_at DESC LIMIT $3`,
      [userId, province, limit],
    );
    return res.rows;
  }

  /** Records progress of a running check; false when the import is no longer checking (cancelled). */
  async setProgress(id: string, progress: number): Promise<boolean> {
    const r = await this.db.query(
      "UPDATE imports SET progress = $2, updated_at = now() WHERE id = $1 AND state = 'checking' RETURNING id",
      [id, Math.max(0, Math.min(100, Math.round(progress)))],
    );
    return r.rowCount > 0;
  }

  async deleteFeatures(id: string): Promise<void> {
    await this.db.query('DELETE FROM import_features WHERE import_id = $1', [id]);
  }

  async setRead(id: string, r: { format: string; encoding: string; feature_count: number; source_fields: string[]; bbox: number[] | null }): Promise<void> {
    await this.db.query(
      `UPDATE imports SET format = $2, encoding = $3, feature_count = $4, source_fields = $5, bbox = $6, updated_at = now() WHERE id = $1`,
      [id, r.format, r.encoding, r.feature_count, JSON.stringify(r.source_fields), r.bbox ? JSON.stringify(r.bbox) : null],
    );
  }

  async setCrs(id: string, crs: string | null, source: string | null, confirmed: boolean, swapped: boolean): Promise<void> {
    await this.db.query('UPDATE imports SET crs = $2, crs_source = $3, crs_confirmed = $4, axis_swapped = $5, updated_at = now() WHERE id = $1', [id, crs, source, confirmed, swapped]);
  }

  async setMapping(id: string, mapping: Record<string, string | null>): Promise<void> {
    await this.db.query('UPDATE imports SET mapping = $2, updated_at = now() WHERE id = $1', [id, JSON.stringify(mapping)]);
  }

  async setState(id: string, state: ImportState, progress: number, error: unknown = null): Promise<void> {
    await this.db.query('UPDATE imports SET state = $2, progress = $3, error = $4, updated_at = now() WHERE id = $1', [id, state, progress, error === null ? null : JSON.stringify(error)]);
  }

  async setCommitted(id: string, userId: number, created: number, skipped: number): Promise<void> {
    await this.db.query(
      `UPDATE imports SET state = 'committed', progress = 100, committed_at = now(), committed_by = $2, created_count = $3, skipped_count = $4, updated_at = now() WHERE id = $1`,
      [id, userId, created, skipped],
    );
  }

  /* --------------------------------------------------------------- staged features */

  async insertFeatures(id: string, batch: StagedFeature[]): Promise<void> {
    if (!batch.length) return;
    await this.db.query(
      `INSERT INTO import_features (import_id, feature, properties, src_geojson, read_issues)
       SELECT $1, t.feature, t.props::jsonb, t.gj, t.issues::jsonb
       FROM unnest($2::int[], $3::text[], $4::text[], $5::text[]) AS t(feature, props, gj, issues)`,
      [id, batch.map((f) => f.feature), batch.map((f) => JSON.stringify(f.properties)), batch.map((f) => f.geojson), batch.map((f) => JSON.stringify(f.read_issues))],
    );
  }

  /** Source coordinates → WGS 84 through PostGIS (the datum shift is spatial_ref_sys's EPSG:6960 definition). */
  async transform(id: string, srid: number, swap: boolean): Promise<void> {
    await this.db.query(
      `WITH src AS (SELECT feature, ST_GeomFromGeoJSON(src_geojson) AS g FROM import_features WHERE import_id = $1 AND src_geojson IS NOT NULL)
       UPDATE import_features f SET geom = CASE WHEN src.g IS NULL THEN NULL
          WHEN $2::int = 4326 THEN ST_SetSRID(CASE WHEN $3::boolean THEN ST_FlipCoordinates(src.g) ELSE src.g END, 4326)
          ELSE ST_Transform(ST_SetSRID(CASE WHEN $3::boolean THEN ST_FlipCoordinates(src.g) ELSE src.g END, $2::int), 4326) END,
        target_id = NULL, skipped = NULL
       FROM import_features f2 LEFT JOIN src ON src.feature = f2.feature
       WHERE f.import_id = $1 AND f2.import_id = $1 AND f2.feature = f.feature`,
      [id, srid, swap],
    );
  }

  /**
   * Single points (WGS 84) that lie outside Vietnam as read but whose swapped reading — latitude and longitude
   * exchanged — falls in the Vietnamese ranges and in a province: put back, and returned with the coordinates read.
   */
  async unswapPoints(id: string, r: { minLon: number; maxLon: number; minLat: number; maxLat: number }): Promise<{ feature: number; source: [number, number] }[]> {
    const res = await this.db.query<{ feature: number; source: [number, number] }>(
      `UPDATE import_features f SET geom = ST_FlipCoordinates(f.geom)
       WHERE f.import_id = $1 AND f.geom IS NOT NULL AND GeometryType(f.geom) = 'POINT'
         -- ST_XMin/ST_YMin: defined for every type, as the planner may test these before the type
         AND NOT (ST_XMin(f.geom) BETWEEN $2 AND $3 AND ST_YMin(f.geom) BETWEEN $4 AND $5)
         AND ST_YMin(f.geom) BETWEEN $2 AND $3 AND ST_XMin(f.geom) BETWEEN $4 AND $5
         AND EXISTS (SELECT 1 FROM provinces p WHERE p.geom && ST_FlipCoordinates(f.geom) AND ST_Covers(p.geom, ST_FlipCoordinates(f.geom)))
       RETURNING f.feature, json_build_array(ST_YMin(f.geom), ST_XMin(f.geom)) AS source`,
      [id, r.minLon, r.maxLon, r.minLat, r.maxLat],
    );
    return res.rows.sort((a, b) => a.feature - b.feature);
  }

  async sridExists(srid: number): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM spatial_ref_sys WHERE srid = $1', [srid])).rowCount > 0;
  }

  async provinceZone(province: string): Promise<number | null> {
    const r = await this.db.query<{ epsg: number }>('SELECT epsg FROM province_vn2000_zones WHERE province_code = $1', [province]);
    return r.rows[0]?.epsg ?? null;
  }

  /** VN-2000 zones under which the centre of the data falls in a province that uses that very zone. */
  async zonesFittingPoint(x: number, y: number): Promise<{ epsg: number; province_code: string }[]> {
    const r = await this.db.query<{ epsg: number; province_code: string }>(
      `SELECT DISTINCT ON (z.epsg) z.epsg, z.province_code
       FROM province_vn2000_zones z JOIN provinces p ON p.code = z.province_code
       WHERE ST_Covers(p.geom, ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), z.epsg), 4326))
       ORDER BY z.epsg`,
      [x, y],
    );
    return r.rows;
  }

  async provinces(): Promise<{ code: string; name: string; short_name: string }[]> {
    return (await this.db.query<{ code: string; name: string; short_name: string }>('SELECT code, name, short_name FROM provinces')).rows;
  }

  async districts(): Promise<{ code: string; name: string; province_code: string }[]> {
    return (await this.db.query<{ code: string; name: string; province_code: string }>('SELECT code, name, province_code FROM districts')).rows;
  }

  /**
   * Validity of every staged geometry. A repair is "safe" when ST_MakeValid keeps the polygonal area within 1 %:
   * spikes, repeated points or wrong ring order; a bow-tie whose lobes cancel is not.
   */
  async validity(id: string, extent: { minLon: number; minLat: number; maxLon: number; maxLat: number }): Promise<ValidityRow[]> {
    const r = await this.db.query<ValidityRow>(
      `SELECT f.feature, GeometryType(f.geom) AS gtype, d.valid, d.reason,
              CASE WHEN d.location IS NULL THEN NULL ELSE json_build_array(ST_X(d.location), ST_Y(d.location)) END AS location,
              CASE WHEN d.valid OR GeometryType(f.geom) = 'POINT' THEN true
                   ELSE coalesce(abs(ST_Area(ST_CollectionExtract(ST_MakeValid(f.geom), 3)) - abs(ST_Area(f.geom)))
                                 <= 0.01 * ST_Area(ST_CollectionExtract(ST_MakeValid(f.geom), 3))
                                 AND NOT ST_IsEmpty(ST_CollectionExtract(ST_MakeValid(f.geom), 3)), false) END AS repaired_ok,
              (ST_XMin(f.geom) >= $2 AND ST_XMax(f.geom) <= $4 AND ST_YMin(f.geom) >= $3 AND ST_YMax(f.geom) <= $5) AS inside_extent
       FROM import_features f
       CROSS JOIN LATERAL (SELECT (ST_IsValidDetail(f.geom)).*) d
       WHERE f.import_id = $1 AND f.geom IS NOT NULL
       ORDER BY f.feature`,
      [id, extent.minLon, extent.minLat, extent.maxLon, extent.maxLat],
    );
    return r.rows;
  }

  async repair(id: string, features: number[]): Promise<void> {
    if (!features.length) return;
    await this.db.query(
      `UPDATE import_features SET geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3))
       WHERE import_id = $1 AND feature = ANY($2::int[])`,
      [id, features],
    );
  }

  /** Province by location (2009-era provinces), geodesic area and, for clusters, the most overlapped existing cluster. */
  async locations(id: string, features: number[], withClusterOverlap: boolean): Promise<LocationRow[]> {
    if (!features.length) return [];
    const r = await this.db.query<LocationRow>(
      `WITH f AS (SELECT feature, geom, ST_PointOnSurface(geom) AS pt FROM import_features WHERE import_id = $1 AND feature = ANY($2::int[]))
       SELECT f.feature,
              coalesce((SELECT p.code FROM provinces p WHERE p.geom && f.pt AND ST_Covers(p.geom, f.pt) LIMIT 1),
                       (SELECT p.code FROM provinces p WHERE p.geom && f.geom AND ST_Intersects(p.geom, f.geom)
                        ORDER BY ST_Area(ST_Intersection(p.geom, f.geom)) DESC LIMIT 1)) AS loc_province,
              CASE WHEN GeometryType(f.geom) = 'POINT' THEN NULL ELSE ST_Area(f.geom::geography) / 10000 END AS area_ha,
              json_build_array(ST_X(f.pt), ST_Y(f.pt)) AS at,
              o.code AS overlap_code, o.ha AS overlap_ha, o.share AS overlap_share
       FROM f
       LEFT JOIN LATERAL (
         SELECT c.code, ST_Area(ST_Intersection(v.geom, f.geom)::geography) / 10000 AS ha,
                ST_Area(ST_Intersection(v.geom, f.geom)) / greatest(ST_Area(v.geom), ST_Area(f.geom), 1e-18) AS share
         FROM clusters c JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.head_version
         WHERE $3::boolean AND GeometryType(f.geom) <> 'POINT' AND v.status <> 'removed' AND v.geom && f.geom AND ST_Intersects(v.geom, f.geom)
         ORDER BY 2 DESC LIMIT 1
       ) o ON true
       ORDER BY f.feature`,
      [id, features, withClusterOverlap],
    );
    return r.rows;
  }

  /** Existing clusters (head version, not removed) by normalised name per old province (`provinces`: 63-province codes). */
  async clusterNames(provinces: string[]): Promise<{ province_code_2009: string; name: string; code: string }[]> {
    if (!provinces.length) return [];
    const r = await this.db.query<{ province_code_2009: string; name: string; code: string }>(
      `SELECT c.province_code_2009, v.name, c.code FROM clusters c JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.head_version
       WHERE c.province_code_2009 = ANY($1::text[]) AND v.status <> 'removed'`,
      [provinces],
    );
    return r.rows;
  }

  async existingCodes(codes: string[]): Promise<Set<string>> {
    if (!codes.length) return new Set();
    const r = await this.db.query<{ code: string }>('SELECT code FROM clusters WHERE code = ANY($1::text[])', [codes]);
    return new Set(r.rows.map((x) => x.code));
  }

  async saveChecks(id: string, rows: { feature: number; province_code: string | null; area_ha: number | null; attributes: unknown; issues: IssueOut[]; blocked: boolean; skip: string | null }[]): Promise<void> {
    if (!rows.length) return;
    await this.db.query(
      `UPDATE import_features f SET province_code = t.province_code, area_ha = t.area_ha, attributes = t.attributes::jsonb,
              issues = t.issues::jsonb, blocked = t.blocked, skipped = t.skip
       FROM unnest($2::int[], $3::text[], $4::float8[], $5::text[], $6::text[], $7::boolean[], $8::text[]) AS t(feature, province_code, area_ha, attributes, issues, blocked, skip)
       WHERE f.import_id = $1 AND f.feature = t.feature`,
      [
        id,
        rows.map((r) => r.feature),
        rows.map((r) => r.province_code),
        rows.map((r) => r.area_ha),
        rows.map((r) => JSON.stringify(r.attributes)),
        rows.map((r) => JSON.stringify(r.issues)),
        rows.map((r) => r.blocked),
        rows.map((r) => r.skip),
      ],
    );
  }

  /** Feature numbers and source properties, in pages (keyset). */
  async page(id: string, after: number, limit: number): Promise<{ feature: number; properties: Record<string, unknown>; read_issues: IssueOut[]; has_geom: boolean }[]> {
    const r = await this.db.query<{ feature: number; properties: Record<string, unknown>; read_issues: IssueOut[]; has_geom: boolean }>(
      `SELECT feature, properties, read_issues, geom IS NOT NULL AS has_geom FROM import_features
       WHERE import_id = $1 AND feature > $2 ORDER BY feature LIMIT $3`,
      [id, after, limit],
    );
    return r.rows;
  }

  /** One page of the issues, in file order: a file of a million bad rows must not come back in one body. */
  async issuesPage(id: string, offset: number, limit: number): Promise<IssueOut[]> {
    const r = await this.db.query<{ issue: IssueOut }>(
      `SELECT i.issue FROM import_features f CROSS JOIN LATERAL jsonb_array_elements(f.issues) WITH ORDINALITY AS i(issue, n)
       WHERE f.import_id = $1 ORDER BY f.feature, i.n OFFSET $2 LIMIT $3`,
      [id, offset, limit],
    );
    return r.rows.map((x) => x.issue);
  }

  /** How many issues of each code and severity. */
  async issueCounts(id: string): Promise<{ code: string; severity: IssueOut['severity']; count: number }[]> {
    const r = await this.db.query<{ code: string; severity: IssueOut['severity']; count: number }>(
      `SELECT i.issue->>'code' AS code, i.issue->>'severity' AS severity, count(*)::int AS count
       FROM import_features f CROSS JOIN LATERAL jsonb_array_elements(f.issues) AS i(issue)
       WHERE f.import_id = $1 GROUP BY 1, 2 ORDER BY 3 DESC, 1`,
      [id],
    );
    return r.rows;
  }

  async blockedCount(id: string): Promise<number> {
    const r = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM import_features WHERE import_id = $1 AND blocked', [id]);
    return r.rows[0]!.n;
  }

  /** The staged features as a GeoJSON FeatureCollection (WGS 84) for the map preview. */
  async previewGeoJson(id: string, limit: number): Promise<string> {
    const r = await this.db.query<{ fc: string }>(
      `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
                'type', 'Feature', 'id', f.feature, 'geometry', ST_AsGeoJSON(f.geom, 7)::json,
                'properties', json_build_object('feature', f.feature, 'name', f.attributes->>'name', 'province_code', f.province_code,
                  'blocked', f.blocked, 'area_ha', f.area_ha,
                  'severity', CASE WHEN f.blocked THEN 'critical' WHEN jsonb_array_length(f.issues) > 0 THEN 'warning' ELSE 'ok' END))
              ORDER BY f.feature), '[]'::json))::text AS fc
       FROM (SELECT * FROM import_features WHERE import_id = $1 AND geom IS NOT NULL ORDER BY feature LIMIT $2) f`,
      [id, limit],
    );
    return r.rows[0]!.fc;
  }

  /** Features to commit (not blocked, not skipped, not yet created), in pages. */
  async toCommit(id: string, after: number, limit: number): Promise<{ feature: number; province_code: string; attributes: Record<string, unknown> }[]> {
    const r = await this.db.query<{ feature: number; province_code: string; attributes: Record<string, unknown> }>(
      `SELECT feature, province_code, attributes FROM import_features
       WHERE import_id = $1 AND feature > $2 AND NOT blocked AND skipped IS NULL AND target_id IS NULL AND geom IS NOT NULL
       ORDER BY feature LIMIT $3`,
      [id, after, limit],
    );
    return r.rows;
  }

  /**
   * Overlaps of the boundaries about to be committed (surveyed polygons) with active clusters and with each
   * other, as the form refuses them. Run in the commit transaction, under the cluster-geometry lock.
   */
  async commitOverlaps(id: string, minHa: number, limit = 50): Promise<{ feature: number; other: string; overlap_ha: number }[]> {
    const r = await this.db.query<{ feature: number; other: string; overlap_ha: number }>(
      `WITH s AS (
         SELECT f.feature, f.geom FROM import_features f
         WHERE f.import_id = $1 AND NOT f.blocked AND f.skipped IS NULL AND f.target_id IS NULL
           AND f.geom IS NOT NULL AND ST_Dimension(f.geom) = 2
           AND coalesce(f.attributes->>'boundary_status', 'surveyed') <> 'provisional'
           AND coalesce(f.attributes->>'status', '') <> 'removed'
       ),
       existing AS (
         SELECT s.feature, c.code AS other, ST_Area(ST_Intersection(v.geom, s.geom)::geography) / 10000 AS overlap_ha
         FROM s
         JOIN cluster_versions v ON v.geom && s.geom AND ST_Intersects(v.geom, s.geom)
         JOIN clusters c ON c.id = v.cluster_id AND v.version IN (c.head_version, c.published_version)
         WHERE v.status <> 'removed' AND ST_Dimension(v.geom) = 2
       ),
       within AS (
         SELECT b.feature, 'feature ' || a.feature AS other, ST_Area(ST_Intersection(a.geom, b.geom)::geography) / 10000 AS overlap_ha
         FROM s a JOIN s b ON a.feature < b.feature AND a.geom && b.geom AND ST_Intersects(a.geom, b.geom)
       )
       SELECT feature, other, max(overlap_ha) AS overlap_ha FROM (SELECT * FROM existing UNION ALL SELECT * FROM within) o
       WHERE overlap_ha > $2 GROUP BY feature, other ORDER BY feature, other LIMIT $3`,
      [id, minHa, limit],
    );
    return r.rows;
  }

  async skippedCount(id: string): Promise<number> {
    const r = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM import_features WHERE import_id = $1 AND skipped IS NOT NULL', [id]);
    return r.rows[0]!.n;
  }

  async markCreated(id: string, features: number[], targetIds: string[]): Promise<void> {
    await this.db.query(
      `UPDATE import_features f SET target_id = t.target FROM unnest($2::int[], $3::text[]) AS t(feature, target)
       WHERE f.import_id = $1 AND f.feature = t.feature`,
      [id, features, targetIds],
    );
  }

  /* ------------------------------------------------------------ commit inserts */

  /**
   * Cluster drafts, set-based: the same rows ClustersRepository.createEntity / insertVersion / insertReviewEvent
   * write one at a time (identity, version 1 with server-computed areas, a 'draft' review event), so the
   * clusters enter the normal review. One statement per table keeps 10,000 drafts within seconds.
   */
  async insertClusterDrafts(id: string, actorId: number, comment: string, rows: { feature: number; code: string; province_code: string; attributes: Record<string, unknown> }[]): Promise<string[]> {
    if (!rows.length) return [];
    // ids chosen here so each feature knows its cluster without relying on RETURNING order
    const ids = rows.map(() => randomUUID());
    await this.db.query(
      `INSERT INTO clusters (id, code, province_code, created_by, head_version, published_version, source)
       SELECT t.id, t.code, t.province_code, $4, 1, NULL, 'import' FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, code, province_code)`,
      [ids, rows.map((r) => r.code), rows.map((r) => r.province_code), actorId],
    );
    await this.db.query(
      `WITH t AS (SELECT * FROM unnest($2::uuid[], $3::int[], $4::text[]) AS t(cluster_id, feature, props)),
            g AS (SELECT t.cluster_id, t.props::jsonb AS props,
                         -- a point is a cluster without a boundary (sql/090)
                         ST_Force2D(CASE WHEN GeometryType(f.geom) = 'POINT' THEN f.geom ELSE ST_Multi(ST_CollectionExtract(f.geom, 3)) END) AS geom
                  FROM t JOIN import_features f ON f.import_id = $1 AND f.feature = t.feature)
       INSERT INTO cluster_versions (cluster_id, version, author_id, comment, properties, name, status, province_code, district_code,
                                     geom, area_ha, area_ha_vn2000, vn2000_epsg, boundary_status)
       SELECT g.cluster_id, 1, $5, $6, g.props, g.props->>'name', g.props->>'status', g.props->>'province_code', g.props->>'district_code',
              g.geom, ST_Area(g.geom::geography) / 10000, ST_Area(ST_Transform(g.geom, z.epsg)) / 10000, z.epsg,
              coalesce(g.props->>'boundary_status', CASE WHEN GeometryType(g.geom) = 'POINT' THEN 'none' ELSE 'surveyed' END)
       FROM g LEFT JOIN province_vn2000_zones z ON z.province_code = province_2009_of(g.geom, g.props->>'province_code')`,
      [id, ids, rows.map((r) => r.feature), rows.map((r) => JSON.stringify(r.attributes)), actorId, comment],
    );
    await this.db.query(
      `INSERT INTO cluster_review_events (cluster_id, version, state, actor_id, comment)
       SELECT t.id, 1, 'draft', $2, $3 FROM unnest($1::uuid[]) AS t(id)`,
      [ids, actorId, comment],
    );
    return ids;
  }

  async insertFacilities(id: string, actorId: number, comment: string, rows: { feature: number; province_code: string; attributes: Record<string, unknown> }[]): Promise<string[]> {
    if (!rows.length) return [];
    const ids = rows.map(() => randomUUID());
    await this.db.query(
      `INSERT INTO facilities (id, province_code, created_by, head_version, source)
       SELECT t.id, t.p, $3, 1, 'import' FROM unnest($1::uuid[], $2::text[]) AS t(id, p)`,
      [ids, rows.map((r) => r.province_code), actorId],
    );
    await this.db.query(
      `WITH t AS (SELECT * FROM unnest($2::uuid[], $3::int[], $4::text[]) AS t(fid, feature, props)),
            g AS (SELECT t.fid, t.props::jsonb AS p, ST_Force2D(CASE WHEN GeometryType(f.geom) = 'POINT' THEN f.geom ELSE ST_Multi(ST_CollectionExtract(f.geom, 3)) END) AS geom
                  FROM t JOIN import_features f ON f.import_id = $1 AND f.feature = t.feature)
       INSERT INTO facility_versions (facility_id, version, author_id, comment, properties, name, status, hazard_class, industry,
                                      land_need_ha, province_code, district_code, geom)
       SELECT g.fid, 1, $5, $6, g.p, g.p->>'name', g.p->>'status', g.p->>'hazard_class', g.p->>'industry',
              (g.p->>'land_need_ha')::float8, g.p->>'province_code', g.p->>'district_code', g.geom
       FROM g`,
      [id, ids, rows.map((r) => r.feature), rows.map((r) => JSON.stringify(r.attributes)), actorId, comment],
    );
    // version 1 is a draft awaiting review, as for a facility created through the API (the state of a version is its latest event)
    await this.db.query(
      `INSERT INTO facility_review_events (facility_id, version, state, actor_id, comment)
       SELECT t.id, 1, 'draft', $2, $3 FROM unnest($1::uuid[]) AS t(id)`,
      [ids, actorId, comment],
    );
    return ids;
  }

  /** The role and province of a user (the importer, for the province rule of the check). */
  async userScope(userId: number): Promise<{ role: string; province_code: string | null } | null> {
    const r = await this.db.query<{ role: string; province_code: string | null }>('SELECT role, province_code FROM users WHERE id = $1', [userId]);
    return r.rows[0] ?? null;
  }

  /** The provinces of the features a commit will write. */
  async commitProvinces(id: string): Promise<string[]> {
    const r = await this.db.query<{ province_code: string }>(
      `SELECT DISTINCT province_code FROM import_features
       WHERE import_id = $1 AND NOT blocked AND skipped IS NULL AND target_id IS NULL AND geom IS NOT NULL AND province_code IS NOT NULL`,
      [id],
    );
    return r.rows.map((x) => x.province_code);
  }

  /** The transformed geometries (GeoJSON, 2D, WGS 84) and their areas of some features. */
  async geometries(id: string, features: number[]): Promise<Map<number, { geometry: Geometry; area_ha: number | null }>> {
    const r = await this.db.query<{ feature: number; geojson: string; area_ha: number | null }>(
      `SELECT feature, ST_AsGeoJSON(ST_Force2D(geom), 9) AS geojson, area_ha FROM import_features
       WHERE import_id = $1 AND feature = ANY($2::int[]) AND geom IS NOT NULL`,
      [id, features],
    );
    return new Map(r.rows.map((x) => [x.feature, { geometry: JSON.parse(x.geojson) as Geometry, area_ha: x.area_ha }]));
  }

  async planExists(planId: number): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM plans WHERE id = $1', [planId])).rowCount > 0;
  }

  /** Residential zones: a residential_imports job row ties them to this import (their table's provenance). */
  async insertResidential(id: string, actorId: number, filename: string | null, rows: { feature: number; province_code: string; attributes: Record<string, unknown> }[]): Promise<string[]> {
    if (!rows.length) return [];
    const job = await this.db.query<{ id: number }>(
      `INSERT INTO residential_imports (created_by, filename, format, status, phase, total, processed, stored, finished_at)
       VALUES ($1, $2, NULL, 'done', 'finished', $3, $3, $3, now()) RETURNING id`,
      [actorId, filename, rows.length],
    );
    const jobId = job.rows[0]!.id;
    const r = await this.db.query<{ id: number }>(
      `WITH t AS (SELECT * FROM unnest($3::int[], $4::text[]) WITH ORDINALITY AS t(feature, props, n))
       INSERT INTO residential_zones (kind, name, population, source, import_id, province_code, properties, geom)
       SELECT t.props::jsonb->>'kind', t.props::jsonb->>'name', (t.props::jsonb->>'population')::int, 'import', $2, t.props::jsonb->>'province_code',
              t.props::jsonb, ST_Multi(ST_Force2D(ST_CollectionExtract(f.geom, 3)))
       FROM t JOIN import_features f ON f.import_id = $1 AND f.feature = t.feature ORDER BY t.n RETURNING id`,
      [id, jobId, rows.map((r) => r.feature), rows.map((r) => JSON.stringify(r.attributes))],
    );
    return r.rows.map((x) => String(x.id));
  }
}
