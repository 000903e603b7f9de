import type { Queryable } from '../db/database.ts';
import type { Geometry } from 'geojson';
import type { PlanPhase } from '../domain/cluster-attributes.ts';
import type { ReviewState, WorkflowActor } from '../versioning/review-workflow.ts';
import type { CommentRecord, EntityHead, VersionedRepository } from '../versioning/versioned.repository.ts';

export const PLAN_LEVELS = ['national', 'region', 'province'] as const;
export type PlanLevel = (typeof PLAN_LEVELS)[number];
export const PLAN_STATUSES = ['draft', 'approved', 'superseded'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export const PLAN_ITEM_STATUSES = ['proposed', 'in-plan', 'established', 'removed-from-plan'] as const;
export type PlanItemStatus = (typeof PLAN_ITEM_STATUSES)[number];

export interface PlanRow {
  id: number;
  name: string;
  level: PlanLevel;
  region_code: string | null;
  province_code: string | null;
  horizon_year: number;
  vision_year: number | null;
  decision_no: string | null;
  decision_date: string | null;
  decision_authority: string | null;
  status: PlanStatus;
  supersedes_id: number | null;
  created_at: Date;
  created_by: number | null;
  approved_at: Date | null;
  superseded_at: Date | null;
  item_count?: number;
}

export interface NewPlan {
  name: string;
  level: PlanLevel;
  region_code: string | null;
  province_code: string | null;
  horizon_year: number;
  vision_year: number | null;
  decision_no: string | null;
  decision_date: string | null;
  decision_authority: string | null;
  supersedes_id: number | null;
}

export interface PlanEventRow {
  id: number;
  plan_id: number;
  action: string;
  actor_id: number | null;
  actor_username: string | null;
  at: Date;
  details: unknown;
}

/** One saved state of a planned cluster (what an amendment proposes). */
export interface PlanItemDraft {
  plan_id: number;
  name: string;
  province_code: string;
  district_code: string | null;
  phase: PlanPhase;
  planned_area_ha: number;
  /** A point or a polygon; null when the location is not known yet. */
  geometry: Geometry | null;
  cluster_id: string | null;
  status: PlanItemStatus;
}

export interface PlanItemVersionRow {
  item_id: string;
  plan_id: number;
  version: number;
  created_at: Date;
  author_id: number | null;
  comment: string | null;
  name: string;
  province_code: string;
  district_code: string | null;
  phase: PlanPhase;
  planned_area_ha: number;
  geometry: Geometry | null;
  cluster_id: string | null;
  cluster_code: string | null;
  cluster_status: string | null;
  status: PlanItemStatus;
  review_state: ReviewState;
  head_version: number;
  published_version: number | null;
}

const PLAN_COLUMNS = `p.id, p.name, p.level, p.region_code, p.province_code, p.horizon_year, p.vision_year, p.decision_no,
  p.decision_date, p.decision_authority, p.status, p.supersedes_id, p.created_at, p.created_by, p.approved_at, p.superseded_at`;

/** Plans (the documents) and their history. */
export class PlansRepository {
  constructor(private readonly db: Queryable) {}

  async list(): Promise<PlanRow[]> {
    const result = await this.db.query<PlanRow>(
      `SELECT ${PLAN_COLUMNS}, (SELECT count(*)::int FROM plan_items i WHERE i.plan_id = p.id) AS item_count
       FROM plans p ORDER BY p.status = 'superseded', p.level, p.id DESC`,
    );
    return result.rows;
  }

  async find(id: number, options: { forUpdate?: boolean } = {}): Promise<PlanRow | null> {
    const result = await this.db.query<PlanRow>(
      `SELECT ${PLAN_COLUMNS}, (SELECT count(*)::int FROM plan_items i WHERE i.plan_id = p.id) AS item_count
       FROM plans p WHERE p.id = $1`,
      [id],
    );
    if (options.forUpdate && result.rows[0]) await this.db.query('SELECT id FROM plans WHERE id = $1 FOR UPDATE', [id]);
    return result.rows[0] ?? null;
  }

  async insert(plan: NewPlan, actorId: number | null): Promise<number> {
    const result = await this.db.query<{ id: number }>(
      `INSERT INTO plans (name, level, region_code, province_code, horizon_year, vision_year, decision_no, decision_date,
                          decision_authority, supersedes_id, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [plan.name, plan.level, plan.region_code, plan.province_code, plan.horizon_year, plan.vision_year, plan.decision_no,
        plan.decision_date, plan.decision_authority, plan.supersedes_id, actorId],
    );
    return result.rows[0]!.id;
  }

  async approve(id: number, decision: { decision_no: string; decision_date: string; decision_authority: string }): Promise<void> {
    await this.db.query(
      `UPDATE plans SET status = 'approved', approved_at = now(), decision_no = $2, decision_date = $3, decision_authority = $4 WHERE id = $1`,
      [id, decision.decision_no, decision.decision_date, decision.decision_authority],
    );
  }

  async supersede(id: number): Promise<void> {
    await this.db.query(`UPDATE plans SET status = 'superseded', superseded_at = now() WHERE id = $1`, [id]);
  }

  async recordEvent(planId: number, action: string, actorId: number | null, details: unknown = null): Promise<void> {
    await this.db.query(`INSERT INTO plan_events (plan_id, action, actor_id, details) VALUES ($1, $2, $3, $4)`, [
      planId,
      action,
      actorId,
      details === null ? null : JSON.stringify(details),
    ]);
  }

  async events(planId: number): Promise<PlanEventRow[]> {
    const result = await this.db.query<PlanEventRow>(
      `SELECT e.id, e.plan_id, e.action, e.actor_id, u.username AS actor_username, e.at, e.details
       FROM plan_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.plan_id = $1 ORDER BY e.id`,
      [planId],
    );
    return result.rows;
  }

  async regionExists(code: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM regions WHERE code = $1', [code])).rowCount > 0;
  }

  async provinceCodes(): Promise<Set<string>> {
    const result = await this.db.query<{ code: string }>('SELECT code FROM provinces');
    return new Set(result.rows.map((r) => r.code));
  }

  async districtProvince(code: string): Promise<string | null> {
    const result = await this.db.query<{ province_code: string }>('SELECT province_code FROM districts WHERE code = $1', [code]);
    return result.rows[0]?.province_code ?? null;
  }

  async clusterIdsByCode(codes: readonly string[]): Promise<Map<string, string>> {
    if (codes.length === 0) return new Map();
    const result = await this.db.query<{ id: string; code: string }>('SELECT id, code FROM clusters WHERE code = ANY ($1::text[])', [codes]);
    return new Map(result.rows.map((r) => [r.code, r.id]));
  }

  async clusterExists(id: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM clusters WHERE id = $1', [id])).rowCount > 0;
  }
}

/**
 * Plan items as a versioned entity for the shared review workflow (server/versioning): the identity row in
 * plan_items, immutable plan_item_versions and plan_item_review_events, and plan_item_comments.
 */
export class PlanItemsRepository implements VersionedRepository<PlanItemDraft> {
  constructor(private readonly db: Queryable) {}

  async getHead(id: string, options: { forUpdate?: boolean } = {}): Promise<EntityHead | null> {
    const result = await this.db.query<{ id: string; province_code: string; head_version: number; published_version: number | null }>(
      `SELECT id, province_code, head_version, published_version FROM plan_items WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    const row = result.rows[0];
    if (!row) return null;
    const head = await this.db.query<{ state: ReviewState; author_id: number | null }>(
      `SELECT (SELECT e.state FROM plan_item_review_events e WHERE e.item_id = v.item_id AND e.version = v.version ORDER BY e.id DESC LIMIT 1) AS state,
              v.author_id
       FROM plan_item_versions v WHERE v.item_id = $1 AND v.version = $2`,
      [id, row.head_version],
    );
    return { ...row, head_state: head.rows[0]?.state ?? 'draft', head_author_id: head.rows[0]?.author_id ?? null };
  }

  async createEntity(draft: PlanItemDraft, actor: WorkflowActor, source = 'user'): Promise<string> {
    return this.createWithSource(draft, actor.id, source);
  }

  async createWithSource(draft: PlanItemDraft, actorId: number | null, source: string): Promise<string> {
    const result = await this.db.query<{ id: string }>(
      `INSERT INTO plan_items (plan_id, province_code, created_by, head_version, published_version, source)
       VALUES ($1, $2, $3, 1, NULL, $4) RETURNING id`,
      [draft.plan_id, draft.province_code, actorId, source],
    );
    return result.rows[0]!.id;
  }

  async insertVersion(id: string, version: number, draft: PlanItemDraft, authorId: number | null, comment: string | null): Promise<void> {
    await this.db.query(
      `INSERT INTO plan_item_versions (item_id, version, author_id, comment, name, province_code, district_code, phase,
                                       planned_area_ha, geom, cluster_id, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
               CASE WHEN $10::text IS NULL THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON($10::text), 4326) END, $11, $12)`,
      [id, version, authorId, comment, draft.name, draft.province_code, draft.district_code, draft.phase, draft.planned_area_ha,
        draft.geometry ? JSON.stringify(draft.geometry) : null, draft.cluster_id, draft.status],
    );
  }

  async setHead(id: string, version: number): Promise<void> {
    await this.db.query('UPDATE plan_items SET head_version = $2 WHERE id = $1', [id, version]);
  }

  async setPublished(id: string, version: number): Promise<void> {
    await this.db.query('UPDATE plan_items SET published_version = $2 WHERE id = $1', [id, version]);
  }

  async insertReviewEvent(id: string, version: number, state: ReviewState, actorId: number | null, comment: string | null): Promise<void> {
    await this.db.query('INSERT INTO plan_item_review_events (item_id, version, state, actor_id, comment) VALUES ($1, $2, $3, $4, $5)', [
      id,
      version,
      state,
      actorId,
      comment,
    ]);
  }

  async insertComment(id: string, version: number | null, authorId: number, body: string): Promise<CommentRecord> {
    const inserted = await this.db.query<{ id: number }>(
      'INSERT INTO plan_item_comments (item_id, version, author_id, body) VALUES ($1, $2, $3, $4) RETURNING id',
      [id, version, authorId, body],
    );
    return (await this.commentsWhere('k.id = $1', [inserted.rows[0]!.id]))[0]!;
  }

  listComments(id: string): Promise<CommentRecord[]> {
    return this.commentsWhere('k.item_id = $1', [id]);
  }

  private async commentsWhere(where: 'k.id = $1' | 'k.item_id = $1', params: unknown[]): Promise<CommentRecord[]> {
    const result = await this.db.query<CommentRecord>(
      `SELECT k.id, k.item_id AS entity_id, k.version, k.author_id, u.username AS author_username,
              u.display_name AS author_display_name, k.body, k.created_at
       FROM plan_item_comments k LEFT JOIN users u ON u.id = k.author_id
       WHERE ${where} ORDER BY k.id`,
      params,
    );
    return result.rows;
  }

  /**
   * Items of a plan, each at the version a viewer sees: `head` (staff) or `published`. Includes the linked
   * cluster's code and the status of its current published version.
   */
  async listVersions(planId: number, which: 'head' | 'published', phase: PlanPhase | null): Promise<PlanItemVersionRow[]> {
    const result = await this.db.query<PlanItemVersionRow>(
      `SELECT v.item_id, i.plan_id, v.version, v.created_at, v.author_id, v.comment, v.name, v.province_code, v.district_code, v.phase,
              v.planned_area_ha, ST_AsGeoJSON(v.geom, 6)::json AS geometry, v.cluster_id, c.code AS cluster_code, cv.status AS cluster_status,
              v.status, s.state AS review_state, i.head_version, i.published_version
       FROM plan_items i
       JOIN plan_item_versions v ON v.item_id = i.id AND v.version = CASE WHEN $2 = 'head' THEN i.head_version ELSE i.published_version END
       LEFT JOIN plan_item_version_states s ON s.item_id = v.item_id AND s.version = v.version
       LEFT JOIN clusters c ON c.id = v.cluster_id
       LEFT JOIN cluster_versions cv ON cv.cluster_id = c.id AND cv.version = c.published_version
       WHERE i.plan_id = $1 AND ($3::text IS NULL OR v.phase = $3)
       ORDER BY v.province_code, v.phase, v.name`,
      [planId, which, phase],
    );
    return result.rows;
  }

  async version(id: string, version: number): Promise<PlanItemVersionRow | null> {
    const result = await this.db.query<PlanItemVersionRow>(
      `SELECT v.item_id, i.plan_id, v.version, v.created_at, v.author_id, v.comment, v.name, v.province_code, v.district_code, v.phase,
              v.planned_area_ha, ST_AsGeoJSON(v.geom, 6)::json AS geometry, v.cluster_id, c.code AS cluster_code, cv.status AS cluster_status,
              v.status, s.state AS review_state, i.head_version, i.published_version
       FROM plan_items i
       JOIN plan_item_versions v ON v.item_id = i.id AND v.version = $2
       LEFT JOIN plan_item_version_states s ON s.item_id = v.item_id AND s.version = v.version
       LEFT JOIN clusters c ON c.id = v.cluster_id
       LEFT JOIN cluster_versions cv ON cv.cluster_id = c.id AND cv.version = c.published_version
       WHERE i.id = $1`,
      [id, version],
    );
    return result.rows[0] ?? null;
  }

  async history(id: string): Promise<{ version: number; created_at: Date; author_id: number | null; comment: string | null; state: ReviewState; events: { state: ReviewState; actor_id: number | null; at: Date; comment: string | null }[] }[]> {
    const result = await this.db.query<{ version: number; created_at: Date; author_id: number | null; comment: string | null; state: ReviewState; events: { state: ReviewState; actor_id: number | null; at: string; comment: string | null }[] }>(
      `SELECT v.version, v.created_at, v.author_id, v.comment, s.state,
              (SELECT json_agg(json_build_object('state', e.state, 'actor_id', e.actor_id, 'at', e.at, 'comment', e.comment) ORDER BY e.id)
               FROM plan_item_review_events e WHERE e.item_id = v.item_id AND e.version = v.version) AS events
       FROM plan_item_versions v
       LEFT JOIN plan_item_version_states s ON s.item_id = v.item_id AND s.version = v.version
       WHERE v.item_id = $1 ORDER BY v.version`,
      [id],
    );
    return result.rows.map((r) => ({ ...r, events: (r.events ?? []).map((e) => ({ ...e, at: new Date(e.at) })) }));
  }

  /** Approved item versions valid at an instant (for the plan summary as of a date). */
  async publishedAt(planId: number, instant: Date): Promise<{ item_id: string; phase: PlanPhase; planned_area_ha: number; status: PlanItemStatus; cluster_id: string | null; province_code: string }[]> {
    const result = await this.db.query<{ item_id: string; phase: PlanPhase; planned_area_ha: number; status: PlanItemStatus; cluster_id: string | null; province_code: string }>(
      `SELECT v.item_id, v.phase, v.planned_area_ha, v.status, v.cluster_id, v.province_code
       FROM plan_item_published_history h
       JOIN plan_items i ON i.id = h.item_id
       JOIN plan_item_versions v ON v.item_id = h.item_id AND v.version = h.version
       WHERE i.plan_id = $1 AND h.valid_from <= $2 AND (h.valid_to IS NULL OR h.valid_to > $2)`,
      [planId, instant],
    );
    return result.rows;
  }
}
