import type { Database } from '../db/database.ts';
import { scope2009 } from '../domain/admin-division.ts';
import type { SessionUser } from '../auth/session.ts';
import { canSeeUnpublished } from '../auth/auth.middleware.ts';
import { BadRequestException, InvalidGeometryException, NotFoundException, UnprocessableEntityException } from '../errors.ts';
import { VIETNAM_EXTENT, validateClusterGeometry } from '../domain/geometry-validation.ts';
import { HAZARD_CLASSES, DEFAULT_ISOLATION_TABLE, strictestDistanceM } from '../domain/hazard.ts';
import { versionHistory, type ReviewAction, type ReviewState } from '../versioning/review-workflow.ts';
import { PreconditionRequiredException, VersioningService, type ActionContext } from '../versioning/versioning.service.ts';
import type { CommentRecord } from '../versioning/versioned.repository.ts';
import { FacilitiesRepository, type FacilityDraft, type FacilityRow, type FacilityViewer } from './facilities.repository.ts';
import { AmongResidentialRepository, type AmongResidentialRow } from './among-residential.repository.ts';
import { validateFacilityAttributes, type FacilityAttributes } from './facility-attributes.ts';

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface FacilityFeature {
  type: 'Feature';
  id: string;
  geometry: GeoJSON.Geometry;
  properties: FacilityAttributes;
  /** foreign member: register and review metadata, kept out of the contract's properties */
  meta: {
    version: number;
    created_at: string;
    updated_at: string;
    source: string;
    lon: number;
    lat: number;
    review_state: ReviewState;
    published_version: number | null;
    /** staff of the province (and ministry/admin) only: the latest version in any state */
    head_version?: number;
  };
}

/** `staff`: the viewer may see unpublished versions of this facility (then head_version is shown too). */
export function toFeature(row: FacilityRow, staff = true): FacilityFeature {
  return {
    type: 'Feature',
    id: row.id,
    geometry: row.geometry,
    properties: row.properties,
    meta: {
      version: row.version,
      created_at: new Date(row.created_at).toISOString(),
      updated_at: new Date(row.updated_at).toISOString(),
      source: row.source,
      lon: row.lon,
      lat: row.lat,
      review_state: row.review_state,
      published_version: row.published_version,
      ...(staff ? { head_version: row.head_version } : {}),
    },
  };
}

/** Which facility versions a user may read (see FacilityViewer); facilities are never public. */
export function facilityViewer(user: SessionUser): FacilityViewer {
  const national = user.role === 'ministry' || user.role === 'admin';
  return { seeAllUnpublished: national, ownProvince: national ? null : user.province_code };
}

const MAX_COMMENT = 4000;

function commentOf(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw new BadRequestException('comment must be a string', { field: 'comment' }, 'invalid-comment');
  if (value.length > MAX_COMMENT) throw new BadRequestException(`comment is longer than ${MAX_COMMENT} characters`, { field: 'comment' }, 'invalid-comment');
  return value.trim() || null;
}

interface Actor {
  user: SessionUser;
  ip: string | null;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JS checks on the site geometry (a Point, or a Polygon/MultiPolygon like a cluster boundary). */
export function checkFacilityGeometry(geometry: unknown): { ok: true; geometry: GeoJSON.Geometry } | { ok: false; errors: unknown[] } {
  if (!isObj(geometry) || typeof geometry.type !== 'string') return { ok: false, errors: [{ code: 'missing-geometry', message: 'geometry must be a GeoJSON Point, Polygon or MultiPolygon' }] };
  if (geometry.type === 'Point') {
    const c = geometry.coordinates;
    if (!Array.isArray(c) || c.length < 2 || !c.slice(0, 2).every((n) => typeof n === 'number' && Number.isFinite(n))) {
      return { ok: false, errors: [{ code: 'invalid-coordinate', message: 'a Point needs [lon, lat] numbers' }] };
    }
    const [lon, lat] = c as number[];
    const inside = (x: number, y: number) => x >= VIETNAM_EXTENT.minLon && x <= VIETNAM_EXTENT.maxLon && y >= VIETNAM_EXTENT.minLat && y <= VIETNAM_EXTENT.maxLat;
    if (!inside(lon!, lat!)) {
      const swapped = inside(lat!, lon!);
      return {
        ok: false,
        errors: [{ code: swapped ? 'swapped-coordinates' : 'outside-vietnam', message: swapped ? 'coordinates look like [lat, lon]; GeoJSON is [lon, lat]' : `point [${lon}, ${lat}] is outside Vietnam`, location: [lon, lat] }],
      };
    }
    return { ok: true, geometry: { type: 'Point', coordinates: [lon!, lat!] } };
  }
  if (geometry.type === 'Polygon' || geometry.type === 'MultiPolygon') {
    const r = validateClusterGeometry(geometry);
    if (!r.ok || !r.geometry) return { ok: false, errors: r.errors };
    return { ok: true, geometry: r.geometry };
  }
  return { ok: false, errors: [{ code: 'unsupported-geometry-type', message: `a facility site is a Point, Polygon or MultiPolygon, not ${geometry.type}` }] };
}

/**
 * The facility register. Writes go through the generic VersioningService (server/versioning/): every save is a
 * new immutable draft version, reviewed draft → submitted → approved like clusters, province-scoped, audited.
 * Reads pick the version the viewer may see (facilityViewer); the router keeps the public out (401).
 */
export class FacilitiesService {
  readonly versioning: VersioningService<FacilityDraft>;
  private readonly repo: FacilitiesRepository;

  constructor(private readonly db: Database) {
    this.repo = new FacilitiesRepository(db);
    this.versioning = new VersioningService<FacilityDraft>(db, { entityType: 'facility', repository: (q) => new FacilitiesRepository(q), era: '2009' });
  }

  private ctx(actor: Actor): ActionContext {
    return { actor: actor.user, ip: actor.ip };
  }

  /** Validates a Feature body; throws 400/422 with every problem listed. */
  async parseFeature(body: unknown, repo: FacilitiesRepository): Promise<{ properties: FacilityAttributes; geometry: string; warnings: unknown[] }> {
    if (!isObj(body) || body.type !== 'Feature') throw new BadRequestException('Body must be a GeoJSON Feature', { expected: 'Feature' }, 'invalid-feature');
    const attrs = validateFacilityAttributes(body.properties);
    if (!attrs.ok) throw new UnprocessableEntityException('Invalid facility attributes', { errors: attrs.errors }, 'invalid-attributes');
    const geom = checkFacilityGeometry(body.geometry);
    if (!geom.ok) throw new InvalidGeometryException('Invalid facility geometry', { errors: geom.errors });
    const p = attrs.value;
    if (!(await repo.provinceExists(p.province_code))) {
      throw new UnprocessableEntityException(`Unknown province ${p.province_code}`, { errors: [{ field: 'province_code', code: 'unknown-province' }] }, 'invalid-attributes');
    }
    if (p.district_code) {
      const dp = await repo.districtProvince(p.district_code);
      if (dp !== p.province_code) {
        throw new UnprocessableEntityException(`District ${p.district_code} is not in province ${p.province_code}`, { errors: [{ field: 'district_code', code: dp ? 'district-not-in-province' : 'unknown-district' }] }, 'invalid-attributes');
      }
    }
    const geojson = JSON.stringify(geom.geometry);
    const pg = await repo.checkGeometry(geojson);
    if (!pg.valid) throw new InvalidGeometryException(`Invalid facility geometry: ${pg.reason}`, { errors: [{ code: 'self-intersection', message: pg.reason }] });
    return { properties: p, geometry: geojson, warnings: attrs.warnings };
  }

  /** Version 1 in state draft. */
  async create(actor: Actor, body: unknown): Promise<FacilityFeature & { warnings?: unknown[] }> {
    const ctx = this.ctx(actor);
    return this.versioning.audited(ctx, 'create', null, null, async () => {
      const parsed = await this.parseFeature(body, this.repo);
      const comment = commentOf(isObj(body) ? body.comment : undefined);
      const draft: FacilityDraft = { properties: parsed.properties, geometry: parsed.geometry };
      const saved = await this.versioning.create(ctx, parsed.properties.province_code, draft, comment);
      const feature = await this.get(actor.user, saved.id);
      return parsed.warnings.length ? { ...feature, warnings: parsed.warnings } : feature;
    });
  }

  /**
   * A new immutable draft version over the head. `expectedVersion` (If-Match or body.version) is required:
   * missing → 428, stale → 409 stale-version, head under review → 409 under-review.
   */
  async update(actor: Actor, id: string, body: unknown, expectedVersion: number | null): Promise<FacilityFeature> {
    if (!UUID_RE.test(id)) throw new NotFoundException(`No facility ${id}`);
    const ctx = this.ctx(actor);
    return this.versioning.audited(ctx, 'update', id, expectedVersion, async () => {
      // 404/403/428 before validation work; all rechecked under the row lock by VersioningService.save
      const head = await this.repo.getHead(id);
      if (!head) throw new NotFoundException(`No facility ${id}`);
      this.versioning.assertAllowed(ctx, 'edit', head.province_code);
      if (expectedVersion === null) {
        throw new PreconditionRequiredException('This write needs an If-Match header with the version you edited (the ETag of GET /api/facilities/:id)', { current_version: head.head_version });
      }
      const parsed = await this.parseFeature(body, this.repo);
      // moving a facility to another province needs edit rights there too
      if (parsed.properties.province_code !== head.province_code) this.versioning.assertAllowed(ctx, 'edit', parsed.properties.province_code);
      const comment = commentOf(isObj(body) ? body.comment : undefined);
      await this.versioning.save(ctx, id, expectedVersion, { properties: parsed.properties, geometry: parsed.geometry }, comment, 'update');
      return this.get(actor.user, id);
    });
  }

  /** submit / approve / request-changes on the head version (request-changes needs a comment). */
  async transition(actor: Actor, id: string, action: ReviewAction, body: unknown, expectedVersion: number | null): Promise<FacilityFeature> {
    if (!UUID_RE.test(id)) throw new NotFoundException(`No facility ${id}`);
    const ctx = this.ctx(actor);
    const b = isObj(body) ? body : {};
    const comment = commentOf(b.comment);
    if (action === 'request-changes' && !comment) {
      const err = new BadRequestException('Requesting changes needs a comment saying what to change', { field: 'comment' }, 'comment-required');
      await this.versioning.recordRefusal(ctx, action, id, expectedVersion, err);
      throw err;
    }
    const version = expectedVersion ?? (Number.isInteger(b.version) ? (b.version as number) : null);
    await this.versioning.transition(ctx, id, action, comment, version);
    return this.get(actor.user, id);
  }

  /** The version the user may see (head for staff of the province, ministry, admin; else the published one), or a given version. */
  async get(user: SessionUser, id: string, versionRaw?: unknown): Promise<FacilityFeature> {
    if (!UUID_RE.test(id)) throw new NotFoundException(`No facility ${id}`);
    if (versionRaw === undefined || versionRaw === '') {
      const row = await this.repo.findVisible(id, facilityViewer(user));
      if (!row) throw new NotFoundException(`No facility ${id}`);
      return toFeature(row, canSeeUnpublished(user, scope2009(row.province_code)));
    }
    const version = Number(versionRaw);
    if (!Number.isInteger(version) || version < 1) throw new BadRequestException('version must be a positive integer', { version: versionRaw }, 'invalid-query');
    const head = await this.repo.getHead(id);
    if (!head) throw new NotFoundException(`No facility ${id}`);
    const staff = canSeeUnpublished(user, scope2009(head.province_code!));
    const row = await this.repo.findVersion(id, version);
    // other provinces see approved versions only (approval is final for a version); others "do not exist" for them
    if (!row || (!staff && row.review_state !== 'approved')) throw new NotFoundException(`No version ${version} of facility ${id}`);
    return toFeature(row, staff);
  }

  /**
   * Every version with attributes and site (kept for the register's history panel). Staff of the province,
   * ministry, admin: all versions with authors, comments and review events; other provinces: approved ones only.
   */
  async history(user: SessionUser, id: string) {
    if (!UUID_RE.test(id)) throw new NotFoundException(`No facility ${id}`);
    const head = await this.repo.getHead(id);
    if (!head) throw new NotFoundException(`No facility ${id}`);
    const versions = await this.repo.history(id);
    if (canSeeUnpublished(user, scope2009(head.province_code!))) return { id, head_version: head.head_version, published_version: head.published_version, versions };
    const approved = versions.filter((v) => v.approved_at !== null);
    if (!approved.length) throw new NotFoundException(`No facility ${id}`);
    return {
      id,
      published_version: head.published_version,
      versions: approved.map((v) => ({ version: v.version, created_at: v.created_at, approved_at: v.approved_at, review_state: 'approved' as const, properties: v.properties, geometry: v.geometry })),
    };
  }

  /** Like GET /api/clusters/:id/versions: newest first, without geometry; other provinces see approved versions only. */
  async versions(user: SessionUser, id: string) {
    if (!UUID_RE.test(id)) throw new NotFoundException(`No facility ${id}`);
    const head = await this.repo.getHead(id);
    if (!head) throw new NotFoundException(`No facility ${id}`);
    const all = (await this.repo.history(id)).reverse().map((v) => ({ ...v, author_username: v.author }));
    const history = versionHistory(id, head, all, canSeeUnpublished(user, scope2009(head.province_code!)), (v) => ({ name: v.properties.name, status: v.properties.status }));
    if (!history) throw new NotFoundException(`No facility ${id}`);
    return history;
  }

  async listComments(actor: Actor, id: string) {
    if (!UUID_RE.test(id)) throw new NotFoundException(`No facility ${id}`);
    return { comments: (await this.versioning.listComments(this.ctx(actor), id)).map(commentOut) };
  }

  async addComment(actor: Actor, id: string, body: unknown) {
    if (!UUID_RE.test(id)) throw new NotFoundException(`No facility ${id}`);
    const ctx = this.ctx(actor);
    const b = isObj(body) ? body : {};
    const text = b.body ?? b.comment;
    if (typeof text !== 'string' || !text.trim() || text.length > MAX_COMMENT) {
      const err = new BadRequestException(`A comment needs a non-empty "body" of at most ${MAX_COMMENT} characters`, { field: 'body' }, 'invalid-comment');
      await this.versioning.recordRefusal(ctx, 'comment', id, null, err);
      throw err;
    }
    const version = Number.isInteger(b.version) ? (b.version as number) : null;
    return commentOut(await this.versioning.addComment(ctx, id, text.trim(), version));
  }

  async list(user: SessionUser, query: { province?: string; status?: string; limit?: string; offset?: string }) {
    if (query.province !== undefined && !/^\d{2}$/.test(query.province)) throw new BadRequestException('province must be the 2-digit code of a 2025 unit (facilities keep their 63-province province_code; the filter is the current division)');
    const limit = query.limit === undefined ? 1000 : Number(query.limit);
    const offset = query.offset === undefined ? 0 : Number(query.offset);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10000) throw new BadRequestException('limit must be an integer 1–10000');
    if (!Number.isInteger(offset) || offset < 0) throw new BadRequestException('offset must be a non-negative integer');
    const rows = await this.repo.list({ province: query.province ?? null, status: query.status ?? null, limit, offset }, facilityViewer(user));
    return { type: 'FeatureCollection' as const, features: rows.map((r) => toFeature(r, canSeeUnpublished(user, scope2009(r.province_code)))) };
  }

  /** Facilities among homes, ranked by severity: class (I first), then distance, then population. */
  /**
   * `viewer` omitted = an internal caller (benchmark, scripts) that sees every head version; the router always
   * passes the session user, so staff of other provinces see only approved versions.
   */
  async amongResidential(query: { province?: string; limit?: string }, viewer?: SessionUser): Promise<AmongResidentialResult> {
    const province = query.province === undefined || query.province === '' ? null : query.province;
    if (province !== null && !/^\d{2}$/.test(province)) throw new BadRequestException('province must be the 2-digit code of a 2025 unit', { province, era: '2025' });
    const limit = query.limit === undefined ? 100000 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new BadRequestException('limit must be a positive integer');
    const table = DEFAULT_ISOLATION_TABLE;
    // JIT compilation (PostgreSQL's default for costly plans) costs more than it saves on this index-driven query
    const rows = await this.db.transaction(async (tx) => {
      await tx.query('SET LOCAL jit = off');
      return new AmongResidentialRepository(tx).find({
        province,
        classes: [...HAZARD_CLASSES],
        distances: HAZARD_CLASSES.map((c) => table.classes[c].distance_m),
        unknownDistance: strictestDistanceM(table),
        limit,
        viewer: viewer ? facilityViewer(viewer) : { seeAllUnpublished: true, ownProvince: null },
      });
    });
    return {
      province,
      isolation_distances_m: Object.fromEntries(HAZARD_CLASSES.map((c) => [c, table.classes[c].distance_m])),
      source: table.sources.distances,
      ranking: 'hazard class (I first; unknown class counts as I), then nearest distance, then population (largest first)',
      count: rows.length,
      items: rows.map((r, i) => ({ rank: i + 1, ...r, assumed_strictest: r.hazard_class === null })),
    };
  }
}

export interface AmongResidentialResult {
  province: string | null;
  isolation_distances_m: Record<string, number>;
  source: string;
  ranking: string;
  count: number;
  items: (AmongResidentialRow & { rank: number; assumed_strictest: boolean })[];
}

export const AMONG_RESIDENTIAL_CSV_COLUMNS = [
  'rank',
  'facility_id',
  'name',
  'owner',
  'industry',
  'hazard_class',
  'required_distance_m',
  'inside',
  'zone_count',
  'nearest_distance_m',
  'population',
  'province_code',
  'district_code',
  'status',
  'lon',
  'lat',
] as const;

function commentOut(c: CommentRecord) {
  return {
    id: c.id,
    facility_id: c.entity_id,
    version: c.version,
    body: c.body,
    created_at: c.created_at,
    author: c.author_id === null ? null : { id: c.author_id, username: c.author_username, display_name: c.author_display_name },
  };
}
