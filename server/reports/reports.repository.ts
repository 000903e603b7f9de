import type { Queryable } from '../db/database.ts';
import type { BoundaryStatus } from '../domain/boundary.ts';

/** One cluster as it stood at an instant: its approved version valid then (cluster_published_history). */
export interface SnapshotCluster {
  cluster_id: string;
  code: string;
  version: number;
  name: string;
  status: string;
  /** the 2025 unit */
  province_code: string;
  /** the pre-2025 province (regions and the 63-province view follow it) */
  province_code_2009: string;
  district_code: string | null;
  region_code: string;
  area_ha: number;
  /** none (location point only), provisional or surveyed (sql/090) */
  boundary_status: BoundaryStatus;
  geometry_valid: boolean;
  /** Longitude/latitude of a point on the surface, for dot maps (only when asked for: province reports). */
  lon: number;
  lat: number;
  properties: Record<string, unknown>;
  valid_from: Date;
}

export interface RegionRef {
  code: string;
  name: string;
  name_en: string;
  sort_order: number;
}

export interface ProvinceRef {
  code: string;
  name: string;
  short_name: string;
  region_code: string;
}

export interface Province2025Ref {
  code: string;
  name: string;
  short_name: string;
  merged_from: string[];
}

/** All SQL of the stats and periodic reports. Every figure is read from published history, never from today's head. */
export class ReportsRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * The approved version of every cluster valid at `instant` (valid_from ≤ instant < valid_to),
   * optionally limited to some provinces (63-province codes).
   */
  /** `provinceCodes`: 63-province codes (2009 division) to keep, or null for all. */
  async clustersValidAt(instant: Date, provinceCodes: readonly string[] | null = null, options: { points?: boolean } = {}): Promise<SnapshotCluster[]> {
    // Same rows as cluster_published_history filtered on valid_from ≤ instant < valid_to: the version valid at
    // `instant` is the one with the latest first approval at or before it (ties: the higher version). Written
    // without the view's window over all history so the planner only reads approvals up to the instant.
    const result = await this.db.query<SnapshotCluster>(
      `WITH approved AS (
         SELECT cluster_id, version, min(at) AS valid_from
         FROM cluster_review_events
         WHERE state = 'approved' AND at <= $1
         GROUP BY cluster_id, version
       ), valid AS (
         SELECT DISTINCT ON (cluster_id) cluster_id, version, valid_from
         FROM approved ORDER BY cluster_id, valid_from DESC, version DESC
       )
       SELECT v.cluster_id, c.code, v.version, v.name, v.status, v.province_code, coalesce(c.province_code_2009, v.province_code_2009) AS province_code_2009,
              v.district_code, p.region_code,
              v.area_ha, ST_IsValid(v.geom) AS geometry_valid,
              CASE WHEN $3 THEN ST_X(ST_PointOnSurface(v.geom)) END AS lon,
              CASE WHEN $3 THEN ST_Y(ST_PointOnSurface(v.geom)) END AS lat,
              v.properties || jsonb_build_object('boundary_status', v.boundary_status) AS properties, v.boundary_status, h.valid_from
       FROM valid h
       JOIN cluster_versions v ON v.cluster_id = h.cluster_id AND v.version = h.version
       JOIN clusters c ON c.id = v.cluster_id
       JOIN provinces p ON p.code = coalesce(c.province_code_2009, v.province_code_2009)
       WHERE ($2::text[] IS NULL OR coalesce(c.province_code_2009, v.province_code_2009) = ANY ($2::text[]))
       ORDER BY v.province_code, c.code`,
      [instant, provinceCodes, options.points ?? provinceCodes !== null],
    );
    return result.rows;
  }

  /**
   * Established clusters at the end of each year of a range, rebuilt from version history
   * (status established/operating/expanding/suspended in the version valid at that instant).
   */
  async establishedTimeline(instants: readonly Date[]): Promise<{ at: Date; established_count: number; established_ha: number }[]> {
    const result = await this.db.query<{ at: Date; established_count: number; established_ha: number }>(
      `SELECT t.at, count(v.cluster_id)::int AS established_count, coalesce(sum(v.area_ha), 0)::float8 AS established_ha
       FROM unnest($1::timestamptz[]) WITH ORDINALITY AS t(at, n)
       LEFT JOIN cluster_published_history h
              ON h.valid_from <= t.at AND (h.valid_to IS NULL OR h.valid_to > t.at)
       LEFT JOIN cluster_versions v
              ON v.cluster_id = h.cluster_id AND v.version = h.version
             AND v.status IN ('established', 'operating', 'expanding', 'suspended')
       GROUP BY t.n, t.at ORDER BY t.n`,
      [instants],
    );
    return result.rows;
  }

  /** The earliest and latest approval instants (bounds for the dashboard's date slider). */
  async approvalRange(): Promise<{ first: Date | null; last: Date | null }> {
    const result = await this.db.query<{ first: Date | null; last: Date | null }>(
      `SELECT min(at) AS first, max(at) AS last FROM cluster_review_events WHERE state = 'approved'`,
    );
    return result.rows[0] ?? { first: null, last: null };
  }

  async regions(): Promise<RegionRef[]> {
    const result = await this.db.query<RegionRef>(
      `SELECT code, name_vi AS name, name_en, sort_order FROM regions ORDER BY sort_order`,
    );
    return result.rows;
  }

  async provinces(): Promise<ProvinceRef[]> {
    const result = await this.db.query<ProvinceRef>(`SELECT code, name, short_name, region_code FROM provinces ORDER BY code`);
    return result.rows;
  }

  async provinces2025(): Promise<Province2025Ref[]> {
    const result = await this.db.query<Province2025Ref>(`SELECT code, name, short_name, merged_from FROM provinces_2025 ORDER BY code`);
    return result.rows;
  }

  /** Simplified outlines as GeoJSON geometry objects (for the printable SVG map). */
  async provinceOutlines(era: '2009' | '2025', codes: readonly string[] | null, tolerance: number): Promise<{ code: string; geometry: string }[]> {
    const sql =
      era === '2009'
        ? `SELECT code, ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom_display, $2), 4) AS geometry
           FROM provinces WHERE ($1::text[] IS NULL OR code = ANY ($1::text[])) ORDER BY code`
        : `SELECT code, ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom_display, $2), 4) AS geometry
           FROM provinces_2025 WHERE ($1::text[] IS NULL OR code = ANY ($1::text[])) ORDER BY code`;
    const result = await this.db.query<{ code: string; geometry: string }>(sql, [codes, tolerance]);
    return result.rows;
  }
}
