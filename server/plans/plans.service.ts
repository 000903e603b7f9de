import type { Geometry } from 'geojson';
import { validateClusterGeometry } from '../domain/geometry-validation.ts';
import { actorCovers, scope2009 } from '../domain/admin-division.ts';
import { parse } from 'csv-parse/sync';
import type { Database, Queryable } from '../db/database.ts';
import type { SessionUser } from '../auth/session.ts';
import { AuditRepository } from '../audit/audit.repository.ts';
import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  HttpException,
  NotFoundException,
  UnauthorizedException,
  UnprocessableEntityException,
} from '../errors.ts';
import { isIsoDate } from '../domain/dates.ts';
import { roleMay } from '../domain/permissions.ts';
import { PLAN_PHASES, type PlanPhase } from '../domain/cluster-attributes.ts';
import { decide, type ReviewAction } from '../versioning/review-workflow.ts';
import { VersioningService, type ActionContext } from '../versioning/versioning.service.ts';
import { endOfVietnamDay, todayInVietnam } from '../reports/units.ts';
import {
  PLAN_ITEM_STATUSES,
  PLAN_LEVELS,
  PlanItemsRepository,
  PlansRepository,
  type NewPlan,
  type PlanItemDraft,
  type PlanItemStatus,
  type PlanItemVersionRow,
  type PlanRow,
} from './plans.repository.ts';

export type { ActionContext };

export const MAX_IMPORT_ROWS = 5000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Mainland Việt Nam plus the archipelagos: a location outside is a typo (swapped lon/lat). */
const VN_BBOX = { minLon: 102, maxLon: 117.5, minLat: 7.5, maxLat: 23.5 };

export interface ItemIssue {
  row?: number;
  field: string;
  message: string;
  message_en: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v.normalize('NFC').trim().replace(/\s+/g, ' ') : '');

/** Numbers as typed in Vietnamese spreadsheets too ("12,5" = 12.5). */
function parseNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  const s = str(v);
  if (!s) return null;
  const normalised = /^-?\d+,\d+$/.test(s) ? s.replace(',', '.') : s;
  const n = Number(normalised);
  return Number.isFinite(n) ? n : null;
}

function withinVietnam(lon: number, lat: number) {
  return lon >= VN_BBOX.minLon && lon <= VN_BBOX.maxLon && lat >= VN_BBOX.minLat && lat <= VN_BBOX.maxLat;
}

function validGeometry(g: unknown): g is Geometry {
  if (!g || typeof g !== 'object') return false;
  const geom = g as { type?: unknown; coordinates?: unknown };
  const pos = (p: unknown) => Array.isArray(p) && p.length >= 2 && p.every((x) => typeof x === 'number' && Number.isFinite(x)) && withinVietnam(p[0] as number, p[1] as number);
  const ring = (r: unknown) => Array.isArray(r) && r.length >= 4 && r.every(pos);
  if (geom.type === 'Point') return pos(geom.coordinates);
  if (geom.type === 'Polygon') return Array.isArray(geom.coordinates) && geom.coordinates.length > 0 && geom.coordinates.every(ring);
  if (geom.type === 'MultiPolygon') return Array.isArray(geom.coordinates) && geom.coordinates.length > 0 && geom.coordinates.every((p) => Array.isArray(p) && p.length > 0 && p.every(ring));
  return false;
}

/** Header aliases accepted by the CSV import (English names first, then common Vietnamese ones). */
const CSV_ALIASES: Record<string, string[]> = {
  name: ['name', 'ten', 'tên', 'ten_ccn', 'tên cụm công nghiệp'],
  province_code: ['province_code', 'province', 'ma_tinh', 'mã tỉnh'],
  district_code: ['district_code', 'district', 'ma_huyen', 'mã huyện'],
  phase: ['phase', 'giai_doan', 'giai đoạn'],
  area: ['area', 'area_ha', 'planned_area_ha', 'dien_tich', 'diện tích', 'diện tích (ha)'],
  lon: ['lon', 'lng', 'longitude', 'kinh_do', 'kinh độ', 'x'],
  lat: ['lat', 'latitude', 'vi_do', 'vĩ độ', 'y'],
  cluster_code: ['cluster_code', 'ma_ccn', 'mã ccn'],
  status: ['status', 'trang_thai', 'trạng thái'],
};

function canonicalHeader(h: string): string {
  const key = h.normalize('NFC').trim().toLowerCase();
  for (const [canonical, aliases] of Object.entries(CSV_ALIASES)) if (aliases.includes(key)) return canonical;
  return key;
}

export interface ItemInput {
  name: unknown;
  province_code: unknown;
  district_code?: unknown;
  phase: unknown;
  planned_area_ha: unknown;
  geometry?: unknown;
  cluster_id?: unknown;
  cluster_code?: unknown;
  status?: unknown;
  comment?: unknown;
}

/** Plans, their items, the CSV import, the plan-vs-reality summary and item amendments through the shared review workflow. */
export class PlansService {
  readonly versioning: VersioningService<PlanItemDraft>;
  private readonly plans: PlansRepository;
  private readonly items: PlanItemsRepository;

  constructor(private readonly db: Database) {
    this.plans = new PlansRepository(db);
    this.items = new PlanItemsRepository(db);
    this.versioning = new VersioningService<PlanItemDraft>(db, { entityType: 'plan-item', repository: (q) => new PlanItemsRepository(q), era: '2009' });
  }

  /* ------------------------------------------------------------------ plans */

  /** Who may create and approve a plan document: the ministry and admins for national/regional plans; for a province plan its planners (create) and reviewers (approve), and admins. */
  private assertPlanWrite(user: Pick<SessionUser, 'role' | 'province_code'> | null | undefined, plan: Pick<PlanRow, 'level' | 'province_code'>, what: 'create' | 'approve') {
    if (!user) throw new UnauthorizedException();
    if (user.role === 'admin') return;
    if (plan.level !== 'province') {
      if (user.role === 'ministry') return;
      throw new ForbiddenException('National and regional plans are drawn up by the ministry', { role: user.role, level: plan.level });
    }
    const role = what === 'create' ? 'planner' : 'reviewer';
    if (user.role === role && plan.province_code !== null && actorCovers(user, scope2009(plan.province_code))) return;
    throw new ForbiddenException(`Only a ${role} of province ${plan.province_code} or an admin may ${what} this plan`, { role: user.role, level: plan.level });
  }

  /**
   * The plan rules of every way in that adds items to a plan — POST /api/plans/:id/items, the plan CSV import and the
   * exchange import (POST /api/imports, layer plan-items) — in one place:
   * - a superseded plan takes no items (409 plan-superseded);
   * - a draft plan is drawn up by its authors: its items are added by those who may create the plan (the ministry and
   *   admins for national and regional plans, the province's planners and admins for a province plan) — 403 otherwise;
   * - an approved plan is amended by whoever may edit in each item's province (its planners and reviewers, admins):
   *   amendments then go through review.
   * The items themselves pass `validateItem` (422: province outside a province plan, area not in (0, 1000] ha, …).
   */
  assertMayAddItems(ctx: ActionContext, plan: Pick<PlanRow, 'status' | 'level' | 'province_code'>, itemProvinces: Iterable<string>): void {
    if (!ctx.actor) throw new UnauthorizedException();
    if (plan.status === 'superseded') throw new ConflictException('A superseded plan cannot be changed', { status: plan.status }, 'plan-superseded');
    if (plan.status === 'draft') this.assertPlanWrite(ctx.actor, plan, 'create');
    else for (const province of new Set(itemProvinces)) this.versioning.assertAllowed(ctx, 'edit', province);
  }

  /** A plan by id, for the other ways in (the exchange import); 404 when there is none. */
  planById(id: number | string, q: Queryable = this.db): Promise<PlanRow> {
    return this.findPlan(String(id), false, new PlansRepository(q));
  }

  /**
   * The batch entry for items: each validated draft becomes version 1 of a new item (draft, review event, audit
   * entry — as POST /api/plans/:id/items writes), inside the caller's transaction.
   */
  async addItemsInTransaction(tx: Queryable, ctx: ActionContext, plan: PlanRow, drafts: readonly PlanItemDraft[], comment: string | null, details?: Record<string, unknown>) {
    this.assertMayAddItems(ctx, plan, drafts.map((d) => d.province_code));
    return this.versioning.createMany(tx, ctx, drafts.map((d) => ({ provinceCode: d.province_code, draft: d, details: { plan_id: plan.id, ...details } })), comment);
  }

  /**
   * May `user` add items to `plan` in their own province (any way in)? `assertMayAddItems` answered as a flag, sent
   * with each plan so that the client shows or hides the actions by the server's rule instead of a copy of it.
   */
  mayAddItems(user: SessionUser, plan: PlanRow): boolean {
    if (plan.status === 'approved' && !roleMay(user.role, 'edit')) return false;
    const province = plan.province_code ?? user.province_code;
    try {
      this.assertMayAddItems({ actor: user, ip: null }, plan, plan.status === 'approved' && province ? [province] : []);
      return true;
    } catch (err) {
      if (err instanceof HttpException) return false;
      throw err;
    }
  }

  async listPlans(user: SessionUser | undefined) {
    if (!user) throw new UnauthorizedException();
    return { plans: (await this.plans.list()).map((p) => ({ ...p, may_add_items: this.mayAddItems(user, p) })) };
  }

  async getPlan(user: SessionUser | undefined, idRaw: string) {
    if (!user) throw new UnauthorizedException();
    const plan = await this.findPlan(idRaw);
    const history: PlanRow[] = [];
    for (let prev = plan.supersedes_id; prev !== null && history.length < 50; ) {
      const p = await this.plans.find(prev);
      if (!p) break;
      history.push(p);
      prev = p.supersedes_id;
    }
    return { plan, events: await this.plans.events(plan.id), supersedes: history };
  }

  private async findPlan(idRaw: string, forUpdate = false, q: PlansRepository = this.plans): Promise<PlanRow> {
    if (!/^\d{1,12}$/.test(idRaw)) throw new NotFoundException(`No plan ${idRaw}`, undefined, 'plan-not-found');
    const plan = await q.find(Number(idRaw), { forUpdate });
    if (!plan) throw new NotFoundException(`No plan ${idRaw}`, undefined, 'plan-not-found');
    return plan;
  }

  async createPlan(ctx: ActionContext & { actor: SessionUser | undefined }, body: unknown) {
    const b = (body ?? {}) as Record<string, unknown>;
    const errors: { field: string; message: string }[] = [];
    const name = str(b.name);
    if (!name) errors.push({ field: 'name', message: 'name is required' });
    const level = b.level ?? 'province';
    if (!(PLAN_LEVELS as readonly unknown[]).includes(level)) errors.push({ field: 'level', message: `level must be one of ${PLAN_LEVELS.join(', ')}` });
    const region = typeof b.region_code === 'string' && b.region_code ? b.region_code : null;
    const province = typeof b.province_code === 'string' && b.province_code ? b.province_code : null;
    if (level === 'region' && (!region || !(await this.plans.regionExists(region)))) errors.push({ field: 'region_code', message: 'a regional plan needs a known region_code' });
    if (level === 'province' && (!province || !(await this.plans.provinceCodes()).has(province))) errors.push({ field: 'province_code', message: 'a provincial plan needs a known 2-digit province_code' });
    const horizon = b.horizon_year ?? 2020;
    const vision = b.vision_year === undefined ? 2025 : b.vision_year;
    if (!Number.isInteger(horizon) || (horizon as number) < 2000 || (horizon as number) > 2100) errors.push({ field: 'horizon_year', message: 'horizon_year must be a year' });
    if (vision !== null && (!Number.isInteger(vision) || (vision as number) < (horizon as number))) errors.push({ field: 'vision_year', message: 'vision_year must be a year ≥ horizon_year, or null' });
    if (b.decision_date !== undefined && b.decision_date !== null && !isIsoDate(b.decision_date)) errors.push({ field: 'decision_date', message: 'decision_date must be YYYY-MM-DD' });
    const supersedes = b.supersedes_id === undefined || b.supersedes_id === null ? null : b.supersedes_id;
    if (supersedes !== null && !Number.isInteger(supersedes)) errors.push({ field: 'supersedes_id', message: 'supersedes_id must be a plan id' });
    if (errors.length) throw new BadRequestException('Invalid plan', { errors }, 'invalid-plan');

    const plan: NewPlan = {
      name,
      level: level as NewPlan['level'],
      region_code: level === 'region' ? region : null,
      province_code: level === 'province' ? province : null,
      horizon_year: horizon as number,
      vision_year: vision as number | null,
      decision_no: str(b.decision_no) || null,
      decision_date: (b.decision_date as string | undefined) ?? null,
      decision_authority: str(b.decision_authority) || null,
      supersedes_id: supersedes as number | null,
    };
    this.assertPlanWrite(ctx.actor, plan, 'create');
    if (plan.supersedes_id !== null) {
      const old = await this.plans.find(plan.supersedes_id);
      if (!old) throw new BadRequestException(`No plan ${plan.supersedes_id} to supersede`, { field: 'supersedes_id' }, 'invalid-plan');
      if (old.level !== plan.level || old.region_code !== plan.region_code || old.province_code !== plan.province_code) {
        throw new BadRequestException('A plan supersedes only a plan of the same level and territory', { field: 'supersedes_id' }, 'invalid-plan');
      }
    }
    const id = await this.db.transaction(async (tx) => {
      const repo = new PlansRepository(tx);
      const newId = await repo.insert(plan, ctx.actor!.id);
      await repo.recordEvent(newId, 'created', ctx.actor!.id, { supersedes_id: plan.supersedes_id });
      await new AuditRepository(tx).record({ userId: ctx.actor!.id, username: ctx.actor!.username, action: 'plan.create', entityType: 'plan', entityId: String(newId), ip: ctx.ip });
      return newId;
    });
    return (await this.plans.find(id))!;
  }

  /** Approves a draft plan with its decision; the plan it supersedes (if any) becomes superseded. */
  async approvePlan(ctx: ActionContext & { actor: SessionUser | undefined }, idRaw: string, body: unknown) {
    const b = (body ?? {}) as Record<string, unknown>;
    const plan = await this.findPlan(idRaw);
    this.assertPlanWrite(ctx.actor, plan, 'approve');
    const decision = {
      decision_no: str(b.decision_no) || plan.decision_no || '',
      decision_date: (typeof b.decision_date === 'string' ? b.decision_date : plan.decision_date) ?? '',
      decision_authority: str(b.decision_authority) || plan.decision_authority || '',
    };
    const errors = [];
    if (!decision.decision_no) errors.push({ field: 'decision_no', message: 'the approval decision number is required' });
    if (!isIsoDate(decision.decision_date)) errors.push({ field: 'decision_date', message: 'decision_date must be YYYY-MM-DD' });
    if (!decision.decision_authority) errors.push({ field: 'decision_authority', message: 'the approving authority is required' });
    if (errors.length) throw new BadRequestException('The approval decision is incomplete', { errors }, 'invalid-decision');
    await this.db.transaction(async (tx) => {
      const repo = new PlansRepository(tx);
      const locked = await this.findPlan(idRaw, true, repo);
      if (locked.status !== 'draft') throw new ConflictException(`Plan ${locked.id} is ${locked.status}, not a draft`, { status: locked.status }, 'plan-not-draft');
      await repo.approve(locked.id, decision);
      await repo.recordEvent(locked.id, 'approved', ctx.actor!.id, decision);
      if (locked.supersedes_id !== null) {
        const old = await repo.find(locked.supersedes_id, { forUpdate: true });
        if (old && old.status === 'approved') {
          await repo.supersede(old.id);
          await repo.recordEvent(old.id, 'superseded', ctx.actor!.id, { by: locked.id });
        }
      }
      await new AuditRepository(tx).record({ userId: ctx.actor!.id, username: ctx.actor!.username, action: 'plan.approve', entityType: 'plan', entityId: String(locked.id), ip: ctx.ip, details: decision });
    });
    return (await this.plans.find(plan.id))!;
  }

  /* ------------------------------------------------------------------ items */

  private itemFeature(row: PlanItemVersionRow, canSeeHead: boolean) {
    const established = row.status === 'established' || (row.cluster_id !== null && row.cluster_status !== null && row.cluster_status !== 'planned' && row.cluster_status !== 'removed');
    return {
      type: 'Feature' as const,
      id: row.item_id,
      geometry: row.geometry,
      properties: {
        id: row.item_id,
        plan_id: row.plan_id,
        version: row.version,
        name: row.name,
        province_code: row.province_code,
        district_code: row.district_code,
        phase: row.phase,
        planned_area_ha: row.planned_area_ha,
        status: row.status,
        cluster_id: row.cluster_id,
        cluster_code: row.cluster_code,
        cluster_status: row.cluster_status,
        established,
        ...(canSeeHead ? { review_state: row.review_state, head_version: row.head_version, published_version: row.published_version } : {}),
      },
    };
  }

  /**
   * Items of a plan as a FeatureCollection. Everyone sees the approved (published) version of each item; with
   * `view=head`, staff of the item's province (and the ministry, admins) see pending amendments instead.
   */
  async listItems(user: SessionUser | undefined, planIdRaw: string, query: Record<string, unknown>) {
    if (!user) throw new UnauthorizedException();
    const plan = await this.findPlan(planIdRaw);
    const phase = query.phase === undefined || query.phase === '' ? null : query.phase;
    if (phase !== null && !(PLAN_PHASES as readonly unknown[]).includes(phase)) {
      throw new BadRequestException(`phase must be one of ${PLAN_PHASES.join(', ')}`, { parameter: 'phase' }, 'invalid-phase');
    }
    const view = query.view === 'head' ? 'head' : 'published';
    const rows = await this.items.listVersions(plan.id, view, phase as PlanPhase | null);
    const visible = view === 'head' ? rows.filter((r) => decide(user, 'read-unpublished', r.province_code === null ? null : scope2009(r.province_code)).allowed || r.published_version !== null) : rows;
    return { type: 'FeatureCollection' as const, features: visible.map((r) => this.itemFeature(r, decide(user, 'read-unpublished', r.province_code === null ? null : scope2009(r.province_code)).allowed)) };
  }

  /** Validates one item (API body or CSV row); returns the draft or the issues. */
  async validateItem(plan: PlanRow, input: ItemInput, row?: number, lookups?: { provinces: Set<string>; clusters: Map<string, string> }, q?: Queryable): Promise<{ draft: PlanItemDraft | null; issues: ItemIssue[] }> {
    // inside a caller's transaction its lookups run on it (the embedded database has one connection)
    const plans = q ? new PlansRepository(q) : this.plans;
    const issues: ItemIssue[] = [];
    const issue = (field: string, message: string, message_en: string) => issues.push({ ...(row !== undefined ? { row } : {}), field, message, message_en });
    const provinces = lookups?.provinces ?? (await plans.provinceCodes());
    const name = str(input.name);
    if (!name) issue('name', 'Thiếu tên cụm công nghiệp', 'name is required');
    const province = str(input.province_code);
    if (!/^\d{2}$/.test(province) || !provinces.has(province)) issue('province_code', `Mã tỉnh "${province}" không hợp lệ`, `unknown province code "${province}"`);
    else if (plan.level === 'province' && plan.province_code !== province) issue('province_code', `Quy hoạch của tỉnh ${plan.province_code} không chứa cụm của tỉnh ${province}`, `the plan covers province ${plan.province_code} only`);
    const district = str(input.district_code) || null;
    if (district !== null) {
      const dp = await plans.districtProvince(district);
      if (dp === null || dp !== province) issue('district_code', `Mã huyện "${district}" không thuộc tỉnh ${province}`, `district ${district} is not in province ${province}`);
    }
    const phase = str(input.phase);
    if (!(PLAN_PHASES as readonly string[]).includes(phase)) issue('phase', `Giai đoạn phải là một trong: ${PLAN_PHASES.join(', ')}`, `phase must be one of ${PLAN_PHASES.join(', ')}`);
    const area = parseNumber(input.planned_area_ha);
    if (area === null) issue('planned_area_ha', 'Diện tích quy hoạch phải là số', 'planned area must be a number');
    else if (area <= 0 || area > 1000) issue('planned_area_ha', 'Diện tích quy hoạch phải trong khoảng 0–1000 ha', 'planned area must be in (0, 1000] ha');
    let geometry: Geometry | null = null;
    if (input.geometry !== undefined && input.geometry !== null) {
      const g = input.geometry as { type?: unknown };
      if (g && typeof g === 'object' && (g.type === 'Polygon' || g.type === 'MultiPolygon')) {
        // an area goes through the one boundary validator clusters use: no bow-ties, unclosed rings or spikes
        const checked = validateClusterGeometry(input.geometry);
        if (checked.ok) geometry = checked.geometry!;
        else issue('geometry', `Vùng quy hoạch không hợp lệ: ${checked.errors[0]!.message}`, `invalid planned area: ${checked.errors[0]!.message_en}`);
      } else if (validGeometry(input.geometry)) geometry = input.geometry;
      else issue('geometry', 'Vị trí phải là điểm hoặc vùng GeoJSON trong lãnh thổ Việt Nam', 'geometry must be a GeoJSON Point or (Multi)Polygon inside Viet Nam');
    }
    let clusterId: string | null = null;
    if (typeof input.cluster_id === 'string' && input.cluster_id) {
      if (!UUID.test(input.cluster_id) || !(await plans.clusterExists(input.cluster_id))) issue('cluster_id', 'Không tìm thấy cụm công nghiệp liên kết', 'unknown cluster_id');
      else clusterId = input.cluster_id;
    } else if (str(input.cluster_code)) {
      const code = str(input.cluster_code);
      const id = lookups?.clusters.get(code) ?? (await plans.clusterIdsByCode([code])).get(code);
      if (!id) issue('cluster_code', `Không tìm thấy cụm công nghiệp mã ${code}`, `unknown cluster code ${code}`);
      else clusterId = id;
    }
    let status = str(input.status) || (clusterId ? 'established' : 'in-plan');
    if (!(PLAN_ITEM_STATUSES as readonly string[]).includes(status)) {
      issue('status', `Trạng thái phải là một trong: ${PLAN_ITEM_STATUSES.join(', ')}`, `status must be one of ${PLAN_ITEM_STATUSES.join(', ')}`);
      status = 'in-plan';
    }
    if (status === 'established' && !clusterId) issue('cluster_code', 'Cụm đã thành lập cần liên kết với cụm công nghiệp thực tế', 'an established item needs its cluster');
    if (issues.length) return { draft: null, issues };
    return {
      draft: { plan_id: plan.id, name, province_code: province, district_code: district, phase: phase as PlanPhase, planned_area_ha: area!, geometry, cluster_id: clusterId, status: status as PlanItemStatus },
      issues,
    };
  }

  /**
   * CSV import of plan items (name, province code, phase, area, lon/lat; optional district_code, cluster_code,
   * status). All or nothing: any bad row → 422 listing every problem with its line number. Into a draft plan the
   * rows are the plan's baseline (published with the plan document); into an approved plan each row is a
   * proposed amendment (a draft version awaiting review, like any other amendment).
   */
  async importItems(ctx: ActionContext & { actor: SessionUser | undefined }, planIdRaw: string, csvText: string | undefined) {
    if (!ctx.actor) throw new UnauthorizedException();
    const plan = await this.findPlan(planIdRaw);
    this.assertMayAddItems(ctx, plan, []);
    if (typeof csvText !== 'string' || !csvText.trim()) throw new BadRequestException('Send the CSV as text/csv or as a multipart field "file"', undefined, 'empty-import');
    let records: Record<string, string>[];
    try {
      records = parse(csvText, {
        bom: true,
        columns: (header: string[]) => header.map(canonicalHeader),
        skip_empty_lines: true,
        trim: true,
        delimiter: csvText.split('\n', 1)[0]!.includes(';') && !csvText.split('\n', 1)[0]!.includes(',') ? ';' : ',',
      });
    } catch (err) {
      throw new BadRequestException(`Unreadable CSV: ${(err as Error).message}`, undefined, 'invalid-csv');
    }
    if (records.length === 0) throw new BadRequestException('The CSV has no rows', undefined, 'empty-import');
    if (records.length > MAX_IMPORT_ROWS) throw new BadRequestException(`At most ${MAX_IMPORT_ROWS} rows per import`, { rows: records.length }, 'too-many-rows');
    const missing = ['name', 'province_code', 'phase', 'area'].filter((c) => !(c in records[0]!));
    if (missing.length) throw new BadRequestException(`Missing columns: ${missing.join(', ')}`, { missing }, 'invalid-csv');

    const provinces = await this.plans.provinceCodes();
    const clusters = await this.plans.clusterIdsByCode([...new Set(records.map((r) => str(r.cluster_code)).filter(Boolean))]);
    const drafts: PlanItemDraft[] = [];
    const issues: ItemIssue[] = [];
    for (const [i, r] of records.entries()) {
      const line = i + 2; // header is line 1
      const lon = parseNumber(r.lon);
      const lat = parseNumber(r.lat);
      let geometry: Geometry | null = null;
      if ((r.lon ?? '') !== '' || (r.lat ?? '') !== '') {
        if (lon === null || lat === null || !withinVietnam(lon, lat)) {
          issues.push({ row: line, field: 'lon/lat', message: 'Kinh độ/vĩ độ không hợp lệ hoặc nằm ngoài Việt Nam', message_en: 'lon/lat missing, not numbers or outside Viet Nam' });
          continue;
        }
        geometry = { type: 'Point', coordinates: [lon, lat] };
      }
      const result = await this.validateItem(plan, { name: r.name, province_code: r.province_code, district_code: r.district_code, phase: r.phase, planned_area_ha: r.area, geometry, cluster_code: r.cluster_code, status: r.status }, line, { provinces, clusters });
      if (result.draft) drafts.push(result.draft);
      else issues.push(...result.issues);
    }
    if (issues.length) throw new UnprocessableEntityException(`${issues.length} problem(s) in the CSV; nothing was imported`, { errors: issues }, 'invalid-import');

    if (plan.status === 'approved') {
      // amendments to an approved plan: every row is a draft to be reviewed, all written in one transaction (a row
      // refused in the middle leaves nothing written); refusals are audited once the transaction is rolled back
      const created = await this.versioning.audited(ctx, 'create', null, null, async () => {
        this.assertMayAddItems(ctx, plan, drafts.map((d) => d.province_code));
        return this.db.transaction((tx) => this.addItemsInTransaction(tx, ctx, plan, drafts, 'CSV import', { import: true }));
      });
      const ids = created.map((c) => c.id);
      return { plan_id: plan.id, created: ids.length, review_state: 'draft', ids };
    }
    const ids = await this.db.transaction(async (tx) => {
      const repo = new PlanItemsRepository(tx);
      const out: string[] = [];
      for (const d of drafts) {
        const id = await repo.createWithSource(d, ctx.actor!.id, 'import');
        await repo.insertVersion(id, 1, d, ctx.actor!.id, 'CSV import');
        await repo.insertReviewEvent(id, 1, 'draft', ctx.actor!.id, 'CSV import');
        // the baseline of a draft plan is adopted with the plan document itself
        await repo.insertReviewEvent(id, 1, 'approved', ctx.actor!.id, 'Plan baseline (CSV import into a draft plan)');
        await repo.setPublished(id, 1);
        out.push(id);
      }
      await new PlansRepository(tx).recordEvent(plan.id, 'items-imported', ctx.actor!.id, { count: out.length });
      await new AuditRepository(tx).record({ userId: ctx.actor!.id, username: ctx.actor!.username, action: 'plan.import', entityType: 'plan', entityId: String(plan.id), ip: ctx.ip, details: { count: out.length } });
      return out;
    });
    return { plan_id: plan.id, created: ids.length, review_state: 'approved', ids };
  }

  /**
   * Plan against reality per phase at a date: planned items and hectares (approved item versions valid then,
   * removed ones excluded), established ones (status established or linked to a real cluster), fulfilment %.
   */
  async summary(user: SessionUser | undefined, planIdRaw: string, asOfRaw: unknown) {
    if (!user) throw new UnauthorizedException();
    const plan = await this.findPlan(planIdRaw);
    const asOf = asOfRaw === undefined || asOfRaw === '' ? todayInVietnam() : asOfRaw;
    if (!isIsoDate(asOf)) throw new BadRequestException('as_of must be a date YYYY-MM-DD', { parameter: 'as_of' }, 'invalid-as-of');
    const items = await this.items.publishedAt(plan.id, endOfVietnamDay(asOf));
    const phases = PLAN_PHASES.map((phase) => {
      const list = items.filter((i) => i.phase === phase && i.status !== 'removed-from-plan');
      const est = list.filter((i) => i.status === 'established' || i.cluster_id !== null);
      const planned_ha = list.reduce((s, i) => s + i.planned_area_ha, 0);
      return {
        phase,
        planned_count: list.length,
        planned_ha: Math.round(planned_ha * 100) / 100,
        established_count: est.length,
        established_ha: Math.round(est.reduce((s, i) => s + i.planned_area_ha, 0) * 100) / 100,
        fulfilment_pct: list.length ? Math.round((est.length / list.length) * 10000) / 100 : null,
      };
    });
    const total = phases.reduce(
      (t, p) => ({ planned_count: t.planned_count + p.planned_count, planned_ha: t.planned_ha + p.planned_ha, established_count: t.established_count + p.established_count, established_ha: t.established_ha + p.established_ha }),
      { planned_count: 0, planned_ha: 0, established_count: 0, established_ha: 0 },
    );
    return {
      plan_id: plan.id,
      as_of: asOf,
      phases,
      total: { ...total, planned_ha: Math.round(total.planned_ha * 100) / 100, established_ha: Math.round(total.established_ha * 100) / 100, fulfilment_pct: total.planned_count ? Math.round((total.established_count / total.planned_count) * 10000) / 100 : null },
    };
  }

  /* ------------------------------------------------------------- amendments */

  private async resolveItem(idRaw: string) {
    if (!UUID.test(idRaw)) throw new NotFoundException(`No plan item ${idRaw}`, undefined, 'plan-item-not-found');
    const head = await this.items.getHead(idRaw);
    if (!head) throw new NotFoundException(`No plan item ${idRaw}`, undefined, 'plan-item-not-found');
    return head;
  }

  /** One item: the version the viewer may see, its review history, and the diff of a pending amendment. */
  async getItem(user: SessionUser | undefined, idRaw: string) {
    if (!user) throw new UnauthorizedException();
    const head = await this.resolveItem(idRaw);
    const staff = decide(user, 'read-unpublished', head.province_code === null ? null : scope2009(head.province_code)).allowed;
    const shown = staff ? head.head_version : head.published_version;
    if (shown === null) throw new NotFoundException(`No plan item ${idRaw}`, undefined, 'plan-item-not-found');
    const row = (await this.items.version(idRaw, shown))!;
    const published = head.published_version === null ? null : await this.items.version(idRaw, head.published_version);
    return {
      item: this.itemFeature(row, staff),
      published: published ? this.itemFeature(published, staff) : null,
      diff: staff && published && shown !== head.published_version ? diffItems(published, row) : [],
      history: staff ? await this.items.history(idRaw) : [],
    };
  }

  async diff(user: SessionUser | undefined, idRaw: string, fromRaw: unknown, toRaw: unknown) {
    if (!user) throw new UnauthorizedException();
    const head = await this.resolveItem(idRaw);
    if (!decide(user, 'read-unpublished', head.province_code === null ? null : scope2009(head.province_code)).allowed) throw new ForbiddenException('Only staff of the province see amendment history');
    const from = Number(fromRaw);
    const to = toRaw === undefined ? head.head_version : Number(toRaw);
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < 1 || from > head.head_version || to > head.head_version) {
      throw new BadRequestException(`from and to must be versions 1–${head.head_version}`, { from: fromRaw, to: toRaw }, 'invalid-version');
    }
    const [a, b] = await Promise.all([this.items.version(idRaw, from), this.items.version(idRaw, to)]);
    return { id: idRaw, from, to, changes: diffItems(a!, b!) };
  }

  /** Adding a planned cluster to a plan: version 1 as a draft, to be submitted and approved. */
  async addItem(ctx: ActionContext & { actor: SessionUser | undefined }, planIdRaw: string, body: unknown) {
    if (!ctx.actor) throw new UnauthorizedException();
    const plan = await this.findPlan(planIdRaw);
    const input = (body ?? {}) as ItemInput;
    this.assertMayAddItems(ctx, plan, typeof input.province_code === 'string' && /^\d{2}$/.test(input.province_code) ? [input.province_code] : []);
    const { draft, issues } = await this.validateItem(plan, input);
    if (!draft) throw new UnprocessableEntityException('Invalid plan item', { errors: issues }, 'invalid-plan-item');
    const result = await this.versioning.create(ctx, draft.province_code, draft, str(input.comment) || null, { plan_id: plan.id });
    return this.getItem(ctx.actor, result.id);
  }

  /** Resizing or moving a planned cluster (or linking it to its real cluster): a new draft version. */
  async updateItem(ctx: ActionContext & { actor: SessionUser | undefined }, idRaw: string, expected: number | null, body: unknown) {
    if (!ctx.actor) throw new UnauthorizedException();
    const head = await this.resolveItem(idRaw);
    this.versioning.assertAllowed(ctx, 'edit', head.province_code);
    const current = (await this.items.version(idRaw, head.head_version))!;
    const plan = await this.findPlan(String(current.plan_id));
    const b = (body ?? {}) as Record<string, unknown>;
    const merged: ItemInput = {
      name: b.name ?? current.name,
      province_code: current.province_code,
      district_code: b.district_code === undefined ? current.district_code : b.district_code,
      phase: b.phase ?? current.phase,
      planned_area_ha: b.planned_area_ha ?? current.planned_area_ha,
      geometry: b.geometry === undefined ? current.geometry : b.geometry,
      cluster_id: b.cluster_id === undefined ? current.cluster_id : b.cluster_id,
      cluster_code: b.cluster_code,
      status: b.status ?? current.status,
    };
    if (b.province_code !== undefined && b.province_code !== current.province_code) {
      throw new UnprocessableEntityException('A planned cluster cannot move to another province; remove it and add a new one', { field: 'province_code' }, 'invalid-plan-item');
    }
    const { draft, issues } = await this.validateItem(plan, merged);
    if (!draft) throw new UnprocessableEntityException('Invalid plan item', { errors: issues }, 'invalid-plan-item');
    await this.versioning.save(ctx, idRaw, expected, draft, str(b.comment) || null, 'update');
    return this.getItem(ctx.actor, idRaw);
  }

  /** Removing a planned cluster from the plan: a new draft version with status removed-from-plan. */
  async removeItem(ctx: ActionContext & { actor: SessionUser | undefined }, idRaw: string, expected: number | null, comment: unknown) {
    if (!ctx.actor) throw new UnauthorizedException();
    const head = await this.resolveItem(idRaw);
    this.versioning.assertAllowed(ctx, 'edit', head.province_code);
    const current = (await this.items.version(idRaw, head.head_version))!;
    if (current.status === 'removed-from-plan') throw new ConflictException('The item is already removed from the plan', { current_version: head.head_version }, 'already-removed');
    const draft: PlanItemDraft = { plan_id: current.plan_id, name: current.name, province_code: current.province_code, district_code: current.district_code, phase: current.phase, planned_area_ha: current.planned_area_ha, geometry: current.geometry, cluster_id: current.cluster_id, status: 'removed-from-plan' };
    await this.versioning.save(ctx, idRaw, expected, draft, str(comment) || null, 'remove');
    return this.getItem(ctx.actor, idRaw);
  }

  async transition(ctx: ActionContext & { actor: SessionUser | undefined }, idRaw: string, action: ReviewAction, body: unknown, expected: number | null) {
    await this.resolveItem(idRaw);
    const b = (body ?? {}) as { comment?: unknown };
    const comment = str(b.comment) || null;
    if (action === 'request-changes' && !comment) {
      const err = new BadRequestException('Requesting changes needs a comment saying what to change', { field: 'comment' }, 'comment-required');
      await this.versioning.recordRefusal(ctx, action, idRaw, expected, err);
      throw err;
    }
    await this.versioning.transition(ctx, idRaw, action, comment, expected);
    return this.getItem(ctx.actor, idRaw);
  }

  async addComment(ctx: ActionContext & { actor: SessionUser | undefined }, idRaw: string, body: unknown) {
    await this.resolveItem(idRaw);
    const text = str((body as { body?: unknown } | undefined)?.body);
    if (!text || text.length > 4000) throw new BadRequestException('A comment needs a non-empty "body" of at most 4000 characters', { field: 'body' }, 'invalid-comment');
    return this.versioning.addComment(ctx, idRaw, text);
  }

  async listComments(ctx: ActionContext, idRaw: string) {
    await this.resolveItem(idRaw);
    return { comments: await this.versioning.listComments(ctx, idRaw) };
  }
}

const DIFF_FIELDS = ['name', 'district_code', 'phase', 'planned_area_ha', 'status', 'cluster_id', 'geometry'] as const;

/** Field-level differences between two versions of an item. */
export function diffItems(a: PlanItemVersionRow, b: PlanItemVersionRow): { field: string; from: unknown; to: unknown }[] {
  const out: { field: string; from: unknown; to: unknown }[] = [];
  for (const f of DIFF_FIELDS) {
    const x = a[f];
    const y = b[f];
    if (JSON.stringify(x) !== JSON.stringify(y)) out.push({ field: f, from: x, to: y });
  }
  return out;
}
