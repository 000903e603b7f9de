import type { Feature, Geometry, MultiPolygon, Point, Polygon } from 'geojson';
import type { Queryable } from '../db/database.ts';
import type { ClusterAttributes } from '../domain/cluster-attributes.ts';
import type { BoundaryStatus } from '../domain/boundary.ts';
import type { EdgeMeasure } from '../domain/province-edge.ts';
import type { ReviewState, WorkflowActor } from '../versioning/review-workflow.ts';
import type { CommentRecord, EntityHead, VersionedRepository } from '../versioning/versioned.repository.ts';

/** One version to store: validated attributes and the cleaned boundary. */
export interface ClusterDraft {
  code: string;
  province_code: string;
  attributes: ClusterAttributes;
  /** the boundary, or the location Point of a cluster without one (boundary_status none) */
  geometry: Polygon | MultiPolygon | Point;
}

export interface ClusterRow {
  id: string;
  code: string;
  /** the 2025 unit */
  province_code: string;
  /** the pre-2025 province, derived from the boundary */
  province_code_2009: string | null;
  /** 5-digit 2025 commune codes, derived from the boundary (or the point) */
  commune_codes: string[];
  head_version: number;
  published_version: number | null;
  version: number;
  properties: Record<string, unknown>;
  area_ha: number;
  area_ha_vn2000: number | null;
  vn2000_epsg: number | null;
  boundary_status: BoundaryStatus;
  created_at: Date;
  author_id: number | null;
  author_username: string | null;
  author_display_name: string | null;
  review_state: ReviewState;
  geometry: Geometry;
  total?: number;
}

/** What the database derives from a boundary for its 2025 unit (see divisionChecks). */
export interface DivisionChecks {
  area_ha: number;
  area_ha_vn2000: number | null;
  vn2000_epsg: number | null;
  province_code_2009: string | null;
  commune_codes: string[];
  /** null when the boundary lies inside the unit */
  edge: (EdgeMeasure & { outside: Geometry | null; outside_location: Geometry | null }) | null;
}

export interface ListFilter {
  /** ministry/admin: every cluster at its head version */
  seeAllUnpublished: boolean;
  /** planner/reviewer: head versions of this province, published elsewhere */
  ownProvince: string | null;
  /** 2025 units */
  provinces: string[] | null;
  /** 63-province codes (the cluster's province_code_2009) */
  provinces2009?: string[] | null;
  statuses: string[] | null;
  bbox: [number, number, number, number] | null;
  /** normalised, LIKE-escaped */
  q: string | null;
  /** none / provisional / surveyed (the worklist of clusters without a boundary) */
  boundaryStatuses?: string[] | null;
  limit: number;
  offset: number;
}

export interface VersionSummaryRow {
  version: number;
  created_at: Date;
  author_id: number | null;
  author_username: string | null;
  author_display_name: string | null;
  comment: string | null;
  name: string;
  status: string;
  area_ha: number;
  review_state: ReviewState;
  approved_at: Date | null;
  events: { state: ReviewState; at: string; actor_id: number | null; actor_username: string | null; comment: string | null }[];
}

export interface DiffRow {
  from_properties: Record<string, unknown>;
  to_properties: Record<string, unknown>;
  from_area_ha: number;
  to_area_ha: number;
  same_geometry: boolean;
  added: Geometry | null;
  removed: Geometry | null;
  added_ha: number;
  removed_ha: number;
  from_geometry: Geometry;
  to_geometry: Geometry;
}

const FEATURE_COLUMNS = `
  c.id, c.code, c.province_code, coalesce(c.province_code_2009, v.province_code_2009) AS province_code_2009,
  coalesce(v.commune_codes, '{}'::text[]) AS commune_codes, c.head_version, c.published_version, v.version, v.properties,
  v.area_ha, v.area_ha_vn2000, v.vn2000_epsg, v.boundary_status, v.created_at, v.author_id,
  u.username AS author_username, u.display_name AS author_display_name,
  (SELECT e.state FROM cluster_review_events e WHERE e.cluster_id = c.id AND e.version = v.version ORDER BY e.id DESC LIMIT 1) AS review_state,
  ST_AsGeoJSON(v.geom)::json AS geometry`;

// a boundary is stored as a MultiPolygon, a cluster without one as its location Point (sql/090)
const GEOM_FROM_JSON = `(SELECT CASE WHEN GeometryType(r.g) = 'POINT' THEN r.g ELSE ST_Multi(r.g) END
                         FROM (SELECT ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)) AS g) r)`;

/** All SQL of the cluster registry; the VersionedRepository part plugs clusters into the generic workflow. */
export class ClustersRepository implements VersionedRepository<ClusterDraft> {
  constructor(private readonly db: Queryable) {}

  /* ------------------------------------------------------------ VersionedRepository */

  async getHead(id: string, options: { forUpdate?: boolean } = {}): Promise<EntityHead | null> {
    // lock the identity row first (FOR UPDATE cannot be combined with the aggregate-free subquery on every PG)
    const result = await this.db.query<{ id: string; province_code: string; head_version: number; published_version: number | null }>(
      `SELECT id, province_code, head_version, published_version FROM clusters WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    const row = result.rows[0];
    if (!row) return null;
    const head = await this.db.query<{ state: ReviewState; author_id: number | null }>(
      `SELECT (SELECT e.state FROM cluster_review_events e WHERE e.cluster_id = v.cluster_id AND e.version = v.version ORDER BY e.id DESC LIMIT 1) AS state,
              v.author_id
       FROM cluster_versions v WHERE v.cluster_id = $1 AND v.version = $2`,
      [id, row.head_version],
    );
    return { ...row, head_state: head.rows[0]?.state ?? 'draft', head_author_id: head.rows[0]?.author_id ?? null };
  }

  async createEntity(draft: ClusterDraft, actor: WorkflowActor): Promise<string> {
    const result = await this.db.query<{ id: string }>(
      `INSERT INTO clusters (code, province_code, created_by, head_version, published_version) VALUES ($1, $2, $3, 1, NULL) RETURNING id`,
      [draft.code, draft.province_code, actor.id],
    );
    return result.rows[0].id;
  }

  async insertVersion(id: string, version: number, draft: ClusterDraft, authorId: number, comment: string | null): Promise<void> {
    const a = draft.attributes;
    await this.db.query(
      `WITH g AS (SELECT ${GEOM_FROM_JSON} AS geom),
            o AS (SELECT province_2009_of(g.geom, $5) AS code FROM g),
            z AS (SELECT z.epsg FROM province_vn2000_zones z, o WHERE z.province_code = o.code)
       INSERT INTO cluster_versions (cluster_id, version, author_id, comment, properties, name, status, province_code, district_code,
                                     geom, area_ha, area_ha_vn2000, vn2000_epsg, boundary_status, province_code_2009)
       SELECT $2, $3, $4, $6, $7, $8, $9, $5, $10, g.geom, ST_Area(g.geom::geography) / 10000,
              ST_Area(ST_Transform(g.geom, z.epsg)) / 10000, z.epsg, $11, o.code
       FROM g CROSS JOIN o LEFT JOIN z ON true`,
      [JSON.stringify(draft.geometry), id, version, authorId, draft.province_code, comment, JSON.stringify(a), a.name, a.status, a.district_code,
        a.boundary_status ?? (draft.geometry.type === 'Point' ? 'none' : 'surveyed')],
    );
  }

  async setHead(id: string, version: number): Promise<void> {
    await this.db.query('UPDATE clusters SET head_version = $2 WHERE id = $1', [id, version]);
  }

  async setPublished(id: string, version: number): Promise<void> {
    await this.db.query('UPDATE clusters SET published_version = $2 WHERE id = $1', [id, version]);
  }

  async insertReviewEvent(id: string, version: number, state: ReviewState, actorId: number | null, comment: string | null): Promise<void> {
    await this.db.query(
      'INSERT INTO cluster_review_events (cluster_id, version, state, actor_id, comment) VALUES ($1, $2, $3, $4, $5)',
      [id, version, state, actorId, comment],
    );
  }

  async insertComment(id: string, version: number | null, authorId: number, body: string): Promise<CommentRecord> {
    const inserted = await this.db.query<{ id: number }>(
      'INSERT INTO cluster_comments (cluster_id, version, author_id, body) VALUES ($1, $2, $3, $4) RETURNING id',
      [id, version, authorId, body],
    );
    const rows = await this.commentsWhere('k.id = $1', [inserted.rows[0].id]);
    return rows[0];
  }

  listComments(id: string): Promise<CommentRecord[]> {
    return this.commentsWhere('k.cluster_id = $1', [id]);
  }

  private async commentsWhere(where: string, params: unknown[]): Promise<CommentRecord[]> {
    const result = await this.db.query<CommentRecord>(
      `SELECT k.id, k.cluster_id AS entity_id, k.version, k.author_id, u.username AS author_username,
              u.display_name AS author_display_name, k.body, k.created_at
       FROM cluster_comments k LEFT JOIN users u ON u.id = k.author_id
       WHERE ${where} ORDER BY k.id`,
      params,
    );
    return result.rows;
  }

  /* ------------------------------------------------------------------------ reads */

  async findIdByCode(code: string): Promise<string | null> {
    const result = await this.db.query<{ id: string }>('SELECT id FROM clusters WHERE code = $1', [code]);
    return result.rows[0]?.id ?? null;
  }

  async codeExists(code: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM clusters WHERE code = $1', [code])).rowCount > 0;
  }

  /** The next free "<province>-<nnn>" code. */
  async nextCode(provinceCode: string): Promise<string> {
    const result = await this.db.query<{ n: number }>(
      `SELECT coalesce(max(substring(code from '^[0-9]{2}-([0-9]+)$')::int), 0) + 1 AS n
       FROM clusters WHERE province_code = $1 AND code ~ '^[0-9]{2}-[0-9]+$'`,
      [provinceCode],
    );
    return `${provinceCode}-${String(result.rows[0].n).padStart(3, '0')}`;
  }

  async getVersion(id: string, version: number): Promise<ClusterRow | null> {
    const result = await this.db.query<ClusterRow>(
      `SELECT ${FEATURE_COLUMNS}
       FROM clusters c JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = $2
       LEFT JOIN users u ON u.id = v.author_id
       WHERE c.id = $1`,
      [id, version],
    );
    return result.rows[0] ?? null;
  }

  /** One round trip for GET: the head version for staff of the province (or national staff), else the published one. */
  async getVisible(id: string, seeAllUnpublished: boolean, ownProvince: string | null): Promise<ClusterRow | null> {
    const result = await this.db.query<ClusterRow>(
      `SELECT ${FEATURE_COLUMNS}
       FROM clusters c
       JOIN cluster_versions v ON v.cluster_id = c.id
         AND v.version = CASE WHEN $2::boolean OR c.province_code = $3::text THEN c.head_version ELSE c.published_version END
       LEFT JOIN users u ON u.id = v.author_id
       WHERE c.id = $1`,
      [id, seeAllUnpublished, ownProvince],
    );
    return result.rows[0] ?? null;
  }

  async list(f: ListFilter): Promise<ClusterRow[]> {
    const result = await this.db.query<ClusterRow>(
      `WITH visible AS (
         SELECT c.*, CASE WHEN $1::boolean OR c.province_code = $2::text THEN c.head_version ELSE c.published_version END AS visible_version
         FROM clusters c
         WHERE ($3::text[] IS NULL OR c.province_code = ANY($3::text[]))
           AND ($13::text[] IS NULL OR c.province_code_2009 = ANY($13::text[]))
       )
       SELECT ${FEATURE_COLUMNS}, count(*) OVER ()::int AS total
       FROM visible c
       JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.visible_version
       LEFT JOIN users u ON u.id = v.author_id
       WHERE ($4::text[] IS NULL AND v.status <> 'removed' OR v.status = ANY($4::text[]))
         AND ($5::float8 IS NULL OR v.geom && ST_MakeEnvelope($5, $6, $7, $8, 4326))
         AND ($9::text IS NULL OR v.name_search LIKE '%' || $9 || '%' OR lower(c.code) LIKE '%' || $9 || '%')
         AND ($12::text[] IS NULL OR v.boundary_status = ANY($12::text[]))
       ORDER BY c.province_code, v.name, c.id
       LIMIT $10 OFFSET $11`,
      [
        f.seeAllUnpublished,
        f.ownProvince,
        f.provinces,
        f.statuses,
        f.bbox?.[0] ?? null,
        f.bbox?.[1] ?? null,
        f.bbox?.[2] ?? null,
        f.bbox?.[3] ?? null,
        f.q,
        f.limit,
        f.offset,
        f.boundaryStatuses ?? null,
        f.provinces2009 ?? null,
      ],
    );
    return result.rows;
  }

  async count(f: ListFilter): Promise<number> {
    const result = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n
       FROM clusters c
       JOIN cluster_versions v ON v.cluster_id = c.id
         AND v.version = CASE WHEN $1::boolean OR c.province_code = $2::text THEN c.head_version ELSE c.published_version END
       WHERE ($3::text[] IS NULL OR c.province_code = ANY($3::text[]))
         AND ($4::text[] IS NULL AND v.status <> 'removed' OR v.status = ANY($4::text[]))
         AND ($5::float8 IS NULL OR v.geom && ST_MakeEnvelope($5, $6, $7, $8, 4326))
         AND ($9::text IS NULL OR v.name_search LIKE '%' || $9 || '%' OR lower(c.code) LIKE '%' || $9 || '%')
         AND ($10::text[] IS NULL OR v.boundary_status = ANY($10::text[]))
         AND ($11::text[] IS NULL OR c.province_code_2009 = ANY($11::text[]))`,
      [f.seeAllUnpublished, f.ownProvince, f.provinces, f.statuses, f.bbox?.[0] ?? null, f.bbox?.[1] ?? null, f.bbox?.[2] ?? null, f.bbox?.[3] ?? null, f.q, f.boundaryStatuses ?? null, f.provinces2009 ?? null],
    );
    return result.rows[0].n;
  }

  /** Head versions in state submitted, oldest submission first; provinceCode null = all provinces. */
  async reviewQueue(provinceCode: string | null): Promise<(ClusterRow & { submitted_at: Date; submitted_by: string | null })[]> {
    const result = await this.db.query<ClusterRow & { submitted_at: Date; submitted_by: string | null }>(
      `SELECT * FROM (
         SELECT ${FEATURE_COLUMNS},
           (SELECT e.at FROM cluster_review_events e WHERE e.cluster_id = c.id AND e.version = v.version AND e.state = 'submitted' ORDER BY e.id DESC LIMIT 1) AS submitted_at,
           (SELECT su.username FROM cluster_review_events e JOIN users su ON su.id = e.actor_id
             WHERE e.cluster_id = c.id AND e.version = v.version AND e.state = 'submitted' ORDER BY e.id DESC LIMIT 1) AS submitted_by
         FROM clusters c
         JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.head_version
         LEFT JOIN users u ON u.id = v.author_id
         WHERE ($1::text IS NULL OR c.province_code = $1)
       ) q WHERE q.review_state = 'submitted'
       ORDER BY q.submitted_at, q.id`,
      [provinceCode],
    );
    return result.rows;
  }

  async versions(id: string): Promise<VersionSummaryRow[]> {
    const result = await this.db.query<VersionSummaryRow>(
      `SELECT v.version, v.created_at, v.author_id, u.username AS author_username, u.display_name AS author_display_name,
              v.comment, v.name, v.status, v.area_ha,
              (SELECT e.state FROM cluster_review_events e WHERE e.cluster_id = v.cluster_id AND e.version = v.version ORDER BY e.id DESC LIMIT 1) AS review_state,
              (SELECT min(e.at) FROM cluster_review_events e WHERE e.cluster_id = v.cluster_id AND e.version = v.version AND e.state = 'approved') AS approved_at,
              coalesce((SELECT json_agg(json_build_object('state', e.state, 'at', e.at, 'actor_id', e.actor_id, 'actor_username', eu.username, 'comment', e.comment) ORDER BY e.id)
                        FROM cluster_review_events e LEFT JOIN users eu ON eu.id = e.actor_id
                        WHERE e.cluster_id = v.cluster_id AND e.version = v.version), '[]'::json) AS events
       FROM cluster_versions v LEFT JOIN users u ON u.id = v.author_id
       WHERE v.cluster_id = $1 ORDER BY v.version DESC`,
      [id],
    );
    return result.rows;
  }

  async diff(id: string, from: number, to: number): Promise<DiffRow | null> {
    const result = await this.db.query<DiffRow>(
      `WITH a AS (SELECT geom, properties, area_ha FROM cluster_versions WHERE cluster_id = $1 AND version = $2),
            b AS (SELECT geom, properties, area_ha FROM cluster_versions WHERE cluster_id = $1 AND version = $3),
            d AS (SELECT ST_CollectionExtract(ST_Difference(b.geom, a.geom), 3) AS added,
                         ST_CollectionExtract(ST_Difference(a.geom, b.geom), 3) AS removed
                  FROM a, b)
       SELECT a.properties AS from_properties, b.properties AS to_properties, a.area_ha AS from_area_ha, b.area_ha AS to_area_ha,
              ST_Equals(a.geom, b.geom) AS same_geometry,
              CASE WHEN ST_IsEmpty(d.added) THEN NULL ELSE ST_AsGeoJSON(ST_Multi(d.added))::json END AS added,
              CASE WHEN ST_IsEmpty(d.removed) THEN NULL ELSE ST_AsGeoJSON(ST_Multi(d.removed))::json END AS removed,
              coalesce(ST_Area(d.added::geography) / 10000, 0) AS added_ha,
              coalesce(ST_Area(d.removed::geography) / 10000, 0) AS removed_ha,
              ST_AsGeoJSON(a.geom)::json AS from_geometry, ST_AsGeoJSON(b.geom)::json AS to_geometry
       FROM a, b, d`,
      [id, from, to],
    );
    return result.rows[0] ?? null;
  }

  /* ------------------------------------------------------------------- validation */

  /** Whether `code` is one of the 34 units of 2025 (the era of a cluster's province_code), and its name. */
  async unitInfo(code: string): Promise<{ exists: boolean; name: string | null }> {
    const result = await this.db.query<{ name: string }>('SELECT name FROM provinces_2025 WHERE code = $1', [code]);
    return { exists: result.rowCount > 0, name: result.rows[0]?.name ?? null };
  }

  async districtProvince(code: string): Promise<string | null> {
    const result = await this.db.query<{ province_code: string }>('SELECT province_code FROM districts WHERE code = $1', [code]);
    return result.rows[0]?.province_code ?? null;
  }

  /** PostGIS validity: the reason and location of the first problem, and ST_MakeValid's repair as a preview. */
  async postgisValidity(geometry: Geometry): Promise<{ valid: boolean; reason: string; location: Geometry | null; preview: Geometry | null }> {
    const result = await this.db.query<{ valid: boolean; reason: string; location: Geometry | null; preview: Geometry | null }>(
      `WITH g AS (SELECT ${GEOM_FROM_JSON} AS geom), d AS (SELECT (ST_IsValidDetail(g.geom)).* FROM g)
       SELECT d.valid, coalesce(d.reason, 'Valid Geometry') AS reason, ST_AsGeoJSON(d.location)::json AS location,
              CASE WHEN d.valid THEN NULL ELSE ST_AsGeoJSON(ST_CollectionExtract(ST_MakeValid(g.geom), 3))::json END AS preview
       FROM g, d`,
      [JSON.stringify(geometry)],
    );
    return result.rows[0];
  }

  /**
   * Areas, the pre-2025 province and 2025 communes the boundary lies in, and the measures of the province-edge check
   * (server/domain/province-edge.ts) against its 2025 unit: exact containment first; only near or across the edge the
   * outside part, how far it reaches and which other units it falls in.
   */
  async divisionChecks(geometry: Geometry, unit: string): Promise<DivisionChecks> {
    const result = await this.db.query<Omit<DivisionChecks, 'edge'> & { inside: boolean }>(
      `WITH g AS (SELECT ${GEOM_FROM_JSON} AS geom),
            o AS (SELECT province_2009_of(g.geom, $2) AS code FROM g)
       SELECT ST_Area(g.geom::geography) / 10000 AS area_ha,
              ST_Area(ST_Transform(g.geom, z.epsg)) / 10000 AS area_ha_vn2000, z.epsg AS vn2000_epsg,
              o.code AS province_code_2009, commune_codes_2025(g.geom) AS commune_codes,
              coalesce(ST_Covers(p.geom, g.geom), false) AS inside
       FROM g CROSS JOIN o LEFT JOIN provinces_2025 p ON p.code = $2 LEFT JOIN province_vn2000_zones z ON z.province_code = o.code`,
      [JSON.stringify(geometry), unit],
    );
    const { inside, ...row } = result.rows[0];
    if (inside) return { ...row, edge: null };
    // across the edge: clip the unit to ~2 km around the boundary, measure the part outside it
    const near = await this.db.query<EdgeMeasure & { outside: Geometry | null; outside_location: Geometry | null }>(
      `WITH g AS (SELECT ${GEOM_FROM_JSON} AS geom),
            l AS (SELECT coalesce(ST_Intersection(p.geom, ST_Expand(ST_Envelope(g.geom), 0.02)), ST_GeomFromText('POLYGON EMPTY', 4326)) AS geom
                  FROM g LEFT JOIN provinces_2025 p ON p.code = $2),
            -- a point cluster (no boundary) is outside as a whole or not at all
            o AS (SELECT CASE WHEN ST_Dimension(g.geom) = 0 THEN ST_Difference(g.geom, l.geom)
                              ELSE ST_CollectionExtract(ST_Difference(g.geom, l.geom), 3) END AS geom FROM g, l)
       SELECT ST_Area(g.geom::geography) / 10000 AS total_ha,
              ST_Dimension(g.geom) = 0 AS point, NOT ST_IsEmpty(o.geom) AS outside_any,
              coalesce(ST_Area(o.geom::geography) / 10000, 0) AS outside_ha,
              CASE WHEN ST_IsEmpty(l.geom) THEN NULL
                   ELSE (SELECT max(ST_Distance(d.geom::geography, l.geom::geography)) FROM ST_DumpPoints(o.geom) d) END AS outside_max_m,
              coalesce((SELECT json_agg(json_build_object('province_code', x.code, 'name', x.name, 'area_ha', x.ha) ORDER BY x.ha DESC, x.code)
                        FROM (SELECT q.code, q.name, ST_Area(ST_Intersection(q.geom, o.geom)::geography) / 10000 AS ha
                              FROM provinces_2025 q WHERE q.code <> $2 AND q.geom && o.geom AND ST_Intersects(q.geom, o.geom)) x
                        WHERE x.ha > 0 OR ST_Dimension(o.geom) = 0), '[]'::json) AS units,
              CASE WHEN ST_IsEmpty(o.geom) THEN NULL WHEN ST_Dimension(o.geom) = 0 THEN ST_AsGeoJSON(o.geom, 7)::json ELSE ST_AsGeoJSON(ST_Multi(o.geom), 7)::json END AS outside,
              CASE WHEN ST_IsEmpty(o.geom) THEN NULL ELSE ST_AsGeoJSON(ST_PointOnSurface(o.geom))::json END AS outside_location
       FROM g, l, o`,
      [JSON.stringify(geometry), unit],
    );
    return { ...row, edge: near.rows[0] };
  }

  /** Active clusters (head or published version not removed) whose boundary overlaps `geometry` by more than minHa. */
  async overlaps(geometry: Geometry, excludeId: string | null, minHa: number): Promise<{ cluster_id: string; code: string; overlap_ha: number; location: Geometry | null }[]> {
    const result = await this.db.query<{ cluster_id: string; code: string; overlap_ha: number; location: Geometry | null }>(
      `WITH g AS (SELECT ${GEOM_FROM_JSON} AS geom),
            x AS (
              SELECT c.id, c.code, ST_Intersection(v.geom, g.geom) AS part
              FROM clusters c
              JOIN cluster_versions v ON v.cluster_id = c.id AND v.version IN (c.head_version, c.published_version), g
              WHERE ($2::uuid IS NULL OR c.id <> $2::uuid) AND v.status <> 'removed'
                AND v.geom && g.geom AND ST_Intersects(v.geom, g.geom)
            ),
            a AS (SELECT id, code, ST_Area(part::geography) / 10000 AS ha, part FROM x)
       SELECT DISTINCT ON (id) id AS cluster_id, code, ha AS overlap_ha, ST_AsGeoJSON(ST_PointOnSurface(part))::json AS location
       FROM a WHERE ha > $3 ORDER BY id, ha DESC`,
      [JSON.stringify(geometry), excludeId, minHa],
    );
    return result.rows;
  }
}

export type ClusterFeature = Feature<Geometry, Record<string, unknown>>;
