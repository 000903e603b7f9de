import type { Queryable } from '../db/database.ts';
import type { ReviewState, WorkflowActor } from '../versioning/review-workflow.ts';
import type { CommentRecord, EntityHead, VersionedRepository } from '../versioning/versioned.repository.ts';
import type { FacilityAttributes } from './facility-attributes.ts';

/** One version to store: validated attributes and the site as GeoJSON text (checked by PostGIS already). */
export interface FacilityDraft {
  properties: FacilityAttributes;
  geometry: string;
}

export interface FacilityRow {
  id: string;
  version: number;
  province_code: string;
  head_version: number;
  published_version: number | null;
  review_state: ReviewState;
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
  author_display_name: string | null;
  comment: string | null;
  properties: FacilityAttributes;
  geometry: GeoJSON.Geometry;
  review_state: ReviewState;
  approved_at: Date | null;
  events: { state: ReviewState; at: string; actor_id: number | null; actor_username: string | null; comment: string | null }[];
}

/**
 * Which version a reader gets: staff of the facility's province, the ministry and admins the head (drafts
 * included); staff of other provinces the published (approved) one, or nothing.
 */
export interface FacilityViewer {
  seeAllUnpublished: boolean;
  ownProvince: string | null;
}

// versions imported by other paths (exchange imports, bench) may have no review event yet: they are drafts
const STATE_OF = (alias: string) =>
  `coalesce((SELECT e.state FROM facility_review_events e WHERE e.facility_id = ${alias}.facility_id AND e.version = ${alias}.version ORDER BY e.id DESC LIMIT 1), 'draft')`;

const SELECT_COLUMNS = `
  SELECT f.id, v.version, f.province_code, f.head_version, f.published_version, ${STATE_OF('v')} AS review_state,
         f.created_at, v.created_at AS updated_at, f.created_by, v.author_id, f.source,
         v.properties, ST_AsGeoJSON(v.geom, 7)::json AS geometry,
         ST_X(ST_PointOnSurface(v.geom)) AS lon, ST_Y(ST_PointOnSurface(v.geom)) AS lat
  FROM facilities f`;

const SELECT_CURRENT = `${SELECT_COLUMNS}
  JOIN facility_versions v ON v.facility_id = f.id AND v.version = f.head_version`;

/** $2 = see all unpublished, $3 = the viewer's own 2025 unit (facilities record 63-province codes: compared through province_unit_2025). */
const SELECT_VISIBLE = `${SELECT_COLUMNS}
  JOIN facility_versions v ON v.facility_id = f.id
   AND v.version = CASE WHEN $2::boolean OR province_unit_2025(f.province_code) = $3::text THEN f.head_version ELSE f.published_version END`;

/** All SQL of the facility register; parameterised only. The VersionedRepository part plugs facilities into the generic review workflow. */
export class FacilitiesRepository implements VersionedRepository<FacilityDraft> {
  constructor(private readonly db: Queryable) {}

  /* ------------------------------------------------------------ VersionedRepository */

  async getHead(id: string, options: { forUpdate?: boolean } = {}): Promise<EntityHead | null> {
    // lock the identity row alone (FOR UPDATE does not combine with the subquery on every PG)
    const r = await this.db.query<{ id: string; province_code: string; head_version: number; published_version: number | null }>(
      `SELECT id, province_code, head_version, published_version FROM facilities WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    const row = r.rows[0];
    if (!row) return null;
    const head = await this.db.query<{ state: ReviewState; author_id: number | null }>(
      `SELECT ${STATE_OF('v')} AS state, v.author_id FROM facility_versions v WHERE v.facility_id = $1 AND v.version = $2`,
      [id, row.head_version],
    );
    return { ...row, head_state: head.rows[0]?.state ?? 'draft', head_author_id: head.rows[0]?.author_id ?? null };
  }

  createEntity(draft: FacilityDraft, actor: WorkflowActor): Promise<string> {
    return this.insertFacility({ province_code: draft.properties.province_code, created_by: actor.id });
  }

  insertVersion(id: string, version: number, draft: FacilityDraft, authorId: number, comment: string | null): Promise<void> {
    return this.insertVersionRow({ facility_id: id, version, author_id: authorId, comment, properties: draft.properties, geometry: draft.geometry });
  }

  /** The identity row follows the head's province: an admin may move a facility to another province. */
  async setHead(id: string, version: number): Promise<void> {
    await this.db.query(
      `UPDATE facilities f SET head_version = v.version, province_code = v.province_code
       FROM facility_versions v WHERE f.id = $1 AND v.facility_id = f.id AND v.version = $2`,
      [id, version],
    );
  }

  async setPublished(id: string, version: number): Promise<void> {
    await this.db.query('UPDATE facilities SET published_version = $2 WHERE id = $1', [id, version]);
  }

  async insertReviewEvent(id: string, version: number, state: ReviewState, actorId: number | null, comment: string | null): Promise<void> {
    await this.db.query('INSERT INTO facility_review_events (facility_id, version, state, actor_id, comment) VALUES ($1, $2, $3, $4, $5)', [
      id,
      version,
      state,
      actorId,
      comment,
    ]);
  }

  /** The same event for many versions at once (CSV import). */
  async insertReviewEvents(ids: readonly string[], version: number, state: ReviewState, actorId: number | null, comment: string | null): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(
      `INSERT INTO facility_review_events (facility_id, version, state, actor_id, comment)
       SELECT t.id, $2, $3, $4, $5 FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, i) ORDER BY t.i`,
      [ids, version, state, actorId, comment],
    );
  }

  async insertComment(id: string, version: number | null, authorId: number, body: string): Promise<CommentRecord> {
    const inserted = await this.db.query<{ id: number }>('INSERT INTO facility_comments (facility_id, version, author_id, body) VALUES ($1, $2, $3, $4) RETURNING id', [
      id,
      version,
      authorId,
      body,
    ]);
    return (await this.commentsWhere('k.id = $1', [inserted.rows[0]!.id]))[0]!;
  }

  listComments(id: string): Promise<CommentRecord[]> {
    return this.commentsWhere('k.facility_id = $1', [id]);
  }

  private async commentsWhere(where: string, params: unknown[]): Promise<CommentRecord[]> {
    const r = await this.db.query<CommentRecord>(
      `SELECT k.id, k.facility_id AS entity_id, k.version, k.author_id, u.username AS author_username,
              u.display_name AS author_display_name, k.body, k.created_at
       FROM facility_comments k LEFT JOIN users u ON u.id = k.author_id
       WHERE ${where} ORDER BY k.id`,
      params,
    );
    return r.rows;
  }

  /* ------------------------------------------------------------------- validation */

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

  /* ------------------------------------------------------------------------ writes */

  async insertFacility(input: { province_code: string; created_by: number | null; source?: string }): Promise<string> {
    const r = await this.db.query<{ id: string }>(
      `INSERT INTO facilities (province_code, created_by, head_version, published_version, source) VALUES ($1, $2, 1, NULL, $3) RETURNING id`,
      [input.province_code, input.created_by, input.source ?? 'user'],
    );
    return r.rows[0]!.id;
  }

  async insertVersionRow(input: {
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

  /* ------------------------------------------------------------------------ reads */

  /** The head version, whoever asks: internal use only (readers go through findVisible). */
  async find(id: string): Promise<FacilityRow | null> {
    const r = await this.db.query<FacilityRow>(`${SELECT_CURRENT} WHERE f.id = $1`, [id]);
    return r.rows[0] ?? null;
  }

  async findVisible(id: string, viewer: FacilityViewer): Promise<FacilityRow | null> {
    const r = await this.db.query<FacilityRow>(`${SELECT_VISIBLE} WHERE f.id = $1`, [id, viewer.seeAllUnpublished, viewer.ownProvince]);
    return r.rows[0] ?? null;
  }

  async findVersion(id: string, version: number): Promise<FacilityRow | null> {
    const r = await this.db.query<FacilityRow>(`${SELECT_COLUMNS} JOIN facility_versions v ON v.facility_id = f.id AND v.version = $2 WHERE f.id = $1`, [id, version]);
    return r.rows[0] ?? null;
  }

  /**
   * The version of each facility the viewer may see (absent: none visible). Meant for other readers of the
   * register, e.g. screening, so they use the same rule as GET /api/facilities/:id.
   */
  async visibleVersions(ids: readonly string[], viewer: FacilityViewer): Promise<Map<string, number>> {
    const r = await this.db.query<{ id: string; version: number | null }>(
      `SELECT f.id, CASE WHEN $2::boolean OR province_unit_2025(f.province_code) = $3::text THEN f.head_version ELSE f.published_version END AS version
       FROM facilities f WHERE f.id = ANY($1::uuid[])`,
      [ids, viewer.seeAllUnpublished, viewer.ownProvince],
    );
    return new Map(r.rows.filter((x) => x.version !== null).map((x) => [x.id, x.version!]));
  }

  async list(filter: { province?: string | null; status?: string | null; limit: number; offset: number }, viewer: FacilityViewer): Promise<FacilityRow[]> {
    const r = await this.db.query<FacilityRow>(
      `${SELECT_VISIBLE}
       WHERE ($1::text IS NULL OR province_unit_2025(f.province_code) = $1) AND ($4::text IS NULL OR v.status = $4)
       ORDER BY v.name, f.id LIMIT $5 OFFSET $6`,
      [filter.province ?? null, viewer.seeAllUnpublished, viewer.ownProvince, filter.status ?? null, filter.limit, filter.offset],
    );
    return r.rows;
  }

  /** Every version, oldest first, with its review state and events. */
  async history(id: string): Promise<FacilityVersionRow[]> {
    const r = await this.db.query<FacilityVersionRow>(
      `SELECT v.version, v.created_at, v.author_id, u.username AS author, u.display_name AS author_display_name, v.comment, v.properties,
              ST_AsGeoJSON(v.geom, 7)::json AS geometry, ${STATE_OF('v')} AS review_state,
              (SELECT min(e.at) FROM facility_review_events e WHERE e.facility_id = v.facility_id AND e.version = v.version AND e.state = 'approved') AS approved_at,
              coalesce((SELECT json_agg(json_build_object('state', e.state, 'at', e.at, 'actor_id', e.actor_id, 'actor_username', eu.username, 'comment', e.comment) ORDER BY e.id)
                        FROM facility_review_events e LEFT JOIN users eu ON eu.id = e.actor_id
                        WHERE e.facility_id = v.facility_id AND e.version = v.version), '[]'::json) AS events
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
