import type { Geometry } from 'geojson';
import type { Database, Queryable } from '../db/database.ts';
import { isProvince2009, isUnit2025, parseEraValue, scope2025 } from '../domain/admin-division.ts';
import type { SessionUser } from '../auth/session.ts';
import { canSeeUnpublished } from '../auth/auth.middleware.ts';
import { BadRequestException, ConflictException, ForbiddenException, InvalidGeometryException, NotFoundException, UnauthorizedException } from '../errors.ts';
import { CLUSTER_ATTRIBUTE_FIELDS, CLUSTER_STATUSES } from '../domain/cluster-attributes.ts';
import { BOUNDARY_STATUSES } from '../domain/boundary.ts';
import { decide, versionHistory, type ReviewAction } from '../versioning/review-workflow.ts';
import { PreconditionRequiredException, VersioningService } from '../versioning/versioning.service.ts';
import type { CommentRecord } from '../versioning/versioned.repository.ts';
import { ClustersRepository, type ClusterDraft, type ClusterRow, type ListFilter } from './clusters.repository.ts';
import { assertFeatureBody, CLUSTER_GEOMETRY_LOCK, findOverlaps, validateClusterFeature, validationException, type ClusterValidationReport } from './cluster-validation.ts';
import { escapeLike, normalizeSearchText } from './search-text.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_COMMENT = 4000;
export const LIST_MAX_LIMIT = 5000;

export interface ListQuery {
  /** province codes in `era` (default 2025) */
  province?: unknown;
  era?: unknown;
  /** explicit eras */
  province_code?: unknown;
  province_code_2009?: unknown;
  status?: unknown;
  bbox?: unknown;
  q?: unknown;
  boundary_status?: unknown;
  limit?: unknown;
  offset?: unknown;
}

/** The acting session user (undefined for the public) and the client IP. */
export interface ActionContext {
  actor: SessionUser | undefined;
  ip: string | null;
}

const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505';

function textOrNull(value: unknown, field: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw new BadRequestException(`${field} must be a string`, { field }, 'invalid-comment');
  if (value.length > MAX_COMMENT) throw new BadRequestException(`${field} is longer than ${MAX_COMMENT} characters`, { field }, 'invalid-comment');
  return value.trim() || null;
}

function csv(value: unknown): string[] | null {
  if (value === undefined || value === '') return null;
  const list = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter(Boolean);
  return list.length ? list : null;
}


/**
 * The overlap check again, inside the writing transaction and under the lock: two concurrent creates or an
 * edit and a create onto the same spot are serialised, and the second sees the first's committed boundary.
 */
async function guardClusterGeometry(tx: Queryable, draft: ClusterDraft, id: string | null): Promise<void> {
  // a location point overlaps nothing; a provisional boundary's overlaps are warnings (validateClusterFeature)
  if (draft.attributes.status === 'removed' || !draft.geometry || draft.geometry.type === 'Point' || draft.attributes.boundary_status === 'provisional') return;
  await tx.query('SELECT pg_advisory_xact_lock($1)', [CLUSTER_GEOMETRY_LOCK]);
  const found = await findOverlaps(new ClustersRepository(tx), draft.geometry, id);
  if (found.issues.length) {
    throw new InvalidGeometryException(`Invalid cluster boundary — ${found.issues[0]!.message_en}`, { ok: false, errors: found.issues, warnings: [], overlaps: found.overlaps });
  }
}

/**
 * The province filter of list, stats and export queries, era explicit: `province_code=` (2025 units),
 * `province_code_2009=` (63 provinces), or `province=` read in `era` (default 2025, `era=2009` for the old division).
 */
export function parseProvinceFilter(query: { province?: unknown; era?: unknown; province_code?: unknown; province_code_2009?: unknown }) {
  const era = parseEraValue(query.era);
  if (!era) throw new BadRequestException(`era must be 2025 (default) or 2009, got "${String(query.era)}"`, { parameter: 'era', allowed: ['2025', '2009'] }, 'invalid-era');
  const check = (list: string[] | null, name: string, valid: (c: string) => boolean) => {
    if (list?.some((p) => !valid(p))) {
      throw new BadRequestException(`${name} must be 2-digit codes of the ${name.endsWith('2009') || (name === 'province' && era === '2009') ? '63 provinces (2009 division)' : '34 units (2025 division)'}, comma-separated`, { [name]: list, era }, 'invalid-query');
    }
    return list;
  };
  const plain = csv(query.province);
  const current = check(csv(query.province_code), 'province_code', isUnit2025);
  const old = check(csv(query.province_code_2009), 'province_code_2009', isProvince2009);
  const provinces = era === '2025' ? merge(current, check(plain, 'province', isUnit2025)) : current;
  const provinces2009 = era === '2009' ? merge(old, check(plain, 'province', isProvince2009)) : old;
  return { era, provinces, provinces2009 };
}

function merge(a: string[] | null, b: string[] | null): string[] | null {
  if (!a) return b;
  if (!b) return a;
  return a.filter((x) => b.includes(x));
}

/** The registry: reads pick the version the viewer may see; writes go through the generic VersioningService. */
export class ClustersService {
  readonly versioning: VersioningService<ClusterDraft>;
  private readonly repo: ClustersRepository;

  constructor(private readonly db: Database) {
    this.repo = new ClustersRepository(db);
    this.versioning = new VersioningService<ClusterDraft>(db, {
      entityType: 'cluster',
      repository: (q) => new ClustersRepository(q),
      guardWrite: guardClusterGeometry,
      era: '2025',
    });
  }

  /* ----------------------------------------------------------------------- reads */

  async list(user: SessionUser | undefined, query: ListQuery) {
    const { era, provinces, provinces2009 } = parseProvinceFilter(query);
    const statuses = csv(query.status);
    if (statuses?.some((s) => !(CLUSTER_STATUSES as readonly string[]).includes(s))) {
      throw new BadRequestException(`status must be among ${CLUSTER_STATUSES.join(', ')}`, { status: query.status }, 'invalid-query');
    }
    let bbox: [number, number, number, number] | null = null;
    if (query.bbox !== undefined && query.bbox !== '') {
      const parts = String(query.bbox).split(',').map(Number);
      if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)) || parts[0]! > parts[2]! || parts[1]! > parts[3]!) {
        throw new BadRequestException('bbox must be minLon,minLat,maxLon,maxLat', { bbox: query.bbox }, 'invalid-query');
      }
      bbox = parts as [number, number, number, number];
    }
    const limit = query.limit === undefined || query.limit === '' ? 1000 : Number(query.limit);
    const offset = query.offset === undefined || query.offset === '' ? 0 : Number(query.offset);
    if (!Number.isInteger(limit) || limit < 1 || limit > LIST_MAX_LIMIT || !Number.isInteger(offset) || offset < 0) {
      throw new BadRequestException(`limit must be 1-${LIST_MAX_LIMIT} and offset ≥ 0`, { limit: query.limit, offset: query.offset }, 'invalid-query');
    }
    const q = typeof query.q === 'string' && query.q.trim() ? escapeLike(normalizeSearchText(query.q)) : null;
    const boundaryStatuses = csv(query.boundary_status);
    if (boundaryStatuses?.some((s) => !(BOUNDARY_STATUSES as readonly string[]).includes(s))) {
      throw new BadRequestException(`boundary_status must be among ${BOUNDARY_STATUSES.join(', ')}`, { boundary_status: query.boundary_status }, 'invalid-query');
    }
    const national = user?.role === 'ministry' || user?.role === 'admin';
    const filter: ListFilter = {
      seeAllUnpublished: national,
      ownProvince: user && !national ? user.province_code : null,
      provinces,
      provinces2009,
      statuses,
      bbox,
      q,
      boundaryStatuses,
      limit,
      offset,
    };
    const rows = await this.repo.list(filter);
    const matched = rows.length ? rows[0]!.total! : offset > 0 ? await this.repo.count(filter) : 0;
    return {
      type: 'FeatureCollection' as const,
      features: rows.map((r) => this.toFeature(r, user)),
      numberMatched: matched,
      numberReturned: rows.length,
      /** the era the `province` parameter was read in */
      era,
    };
  }

  /**
   * The worklist "clusters without a boundary" (staff only): the visible version of every cluster that has only a
   * location point (or, with boundary_status=provisional, an approximate boundary), nearest to being fixed first.
   */
  async withoutBoundary(user: SessionUser | undefined, query: ListQuery) {
    if (!user) throw new UnauthorizedException('The worklist is for signed-in staff');
    const national = user.role === 'ministry' || user.role === 'admin';
    const provinces = csv(query.province) ?? (national ? null : [user.province_code!]);
    const fc = await this.list(user, { ...query, province: provinces?.join(','), boundary_status: query.boundary_status ?? 'none' });
    return fc;
  }

  /** Resolves a uuid or a cluster code to the id. */
  async resolveId(idOrCode: string): Promise<string> {
    if (UUID.test(idOrCode)) return idOrCode.toLowerCase();
    const id = await this.repo.findIdByCode(idOrCode);
    if (!id) throw new NotFoundException(`No cluster ${idOrCode}`);
    return id;
  }

  /** The Feature the viewer may see (head for staff of the province, published for everyone else), or a given version. */
  async get(user: SessionUser | undefined, idOrCode: string, version?: unknown) {
    const id = await this.resolveId(idOrCode);
    if (version === undefined || version === '') {
      const national = user?.role === 'ministry' || user?.role === 'admin';
      const visible = await this.repo.getVisible(id, national, user && !national ? user.province_code : null);
      if (!visible) throw new NotFoundException(`No cluster ${idOrCode}`);
      return this.toFeature(visible, user);
    }
    const head = await this.repo.getHead(id);
    if (!head) throw new NotFoundException(`No cluster ${idOrCode}`);
    const staff = canSeeUnpublished(user, scope2025(head.province_code!));
    let v: number | null;
    if (version !== undefined && version !== '') {
      v = Number(version);
      if (!Number.isInteger(v) || v < 1) throw new BadRequestException('version must be a positive integer', { version }, 'invalid-query');
      if (!staff && !(await this.isPublished(id, v))) throw new NotFoundException(`No published version ${v} of cluster ${idOrCode}`);
    } else v = staff ? head.head_version : head.published_version;
    if (v === null) throw new NotFoundException(`No cluster ${idOrCode}`);
    const row = await this.repo.getVersion(id, v);
    if (!row) throw new NotFoundException(`No version ${v} of cluster ${idOrCode}`);
    return this.toFeature(row, user);
  }

  private async isPublished(id: string, version: number): Promise<boolean> {
    const versions = await this.repo.versions(id);
    return versions.some((x) => x.version === version && x.approved_at !== null);
  }

  async versions(user: SessionUser | undefined, idOrCode: string) {
    const id = await this.resolveId(idOrCode);
    const head = await this.repo.getHead(id);
    if (!head) throw new NotFoundException(`No cluster ${idOrCode}`);
    const all = await this.repo.versions(id);
    const history = versionHistory(id, head, all, canSeeUnpublished(user, scope2025(head.province_code!)), (v) => ({ name: v.name, status: v.status, area_ha: v.area_ha }));
    if (!history) throw new NotFoundException(`No cluster ${idOrCode}`);
    return history;
  }

  async diff(user: SessionUser | undefined, idOrCode: string, fromRaw: unknown, toRaw: unknown) {
    const id = await this.resolveId(idOrCode);
    const head = await this.repo.getHead(id);
    if (!head) throw new NotFoundException(`No cluster ${idOrCode}`);
    const staff = canSeeUnpublished(user, scope2025(head.province_code!));
    const to = toRaw === undefined || toRaw === '' ? (staff ? head.head_version : head.published_version) : Number(toRaw);
    const from = fromRaw === undefined || fromRaw === '' ? (to !== null ? to - 1 : null) : Number(fromRaw);
    if (to === null || from === null || !Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < 1) {
      throw new BadRequestException('from and to must be version numbers ≥ 1', { from: fromRaw, to: toRaw }, 'invalid-query');
    }
    if (!staff && (!(await this.isPublished(id, from)) || !(await this.isPublished(id, to)))) {
      throw new NotFoundException('Both versions must be published');
    }
    const d = await this.repo.diff(id, from, to);
    if (!d) throw new NotFoundException(`Cluster ${idOrCode} has no version ${from} or ${to}`);
    const fields = [...new Set([...CLUSTER_ATTRIBUTE_FIELDS, ...Object.keys(d.from_properties), ...Object.keys(d.to_properties)])];
    const attributes = fields
      .filter((f) => JSON.stringify(d.from_properties[f] ?? null) !== JSON.stringify(d.to_properties[f] ?? null))
      .map((f) => ({ field: f, from: d.from_properties[f] ?? null, to: d.to_properties[f] ?? null }));
    const part = (geometry: Geometry | null, area: number, kind: string) => ({ type: 'Feature' as const, geometry, properties: { kind, area_ha: area } });
    return {
      id,
      from,
      to,
      attributes,
      geometry: {
        changed: !d.same_geometry,
        from_area_ha: d.from_area_ha,
        to_area_ha: d.to_area_ha,
        added_area_ha: d.added_ha,
        removed_area_ha: d.removed_ha,
        added: part(d.added, d.added_ha, 'added'),
        removed: part(d.removed, d.removed_ha, 'removed'),
        from: { type: 'Feature' as const, geometry: d.from_geometry, properties: { version: from, area_ha: d.from_area_ha } },
        to: { type: 'Feature' as const, geometry: d.to_geometry, properties: { version: to, area_ha: d.to_area_ha } },
      },
    };
  }

  async reviewQueue(user: SessionUser | undefined) {
    if (!user) throw new UnauthorizedException();
    const national = user.role === 'ministry' || user.role === 'admin';
    const decision = decide(user, 'read-queue', national || !user.province_code ? null : scope2025(user.province_code));
    if (!decision.allowed) throw new ForbiddenException(decision.reason, { reason: decision.code });
    const rows = await this.repo.reviewQueue(national ? null : user.province_code);
    return {
      type: 'FeatureCollection' as const,
      features: rows.map((r) => {
        const f = this.toFeature(r, user);
        f.properties.submitted_at = r.submitted_at;
        f.properties.submitted_by = r.submitted_by;
        return f;
      }),
    };
  }

  async listComments(ctx: ActionContext, idOrCode: string): Promise<{ comments: ReturnType<typeof commentOut>[] }> {
    if (!ctx.actor) throw new UnauthorizedException('Comments are visible to signed-in staff only');
    const id = await this.resolveId(idOrCode);
    return { comments: (await this.versioning.listComments(ctx, id)).map(commentOut) };
  }

  /* ---------------------------------------------------------------------- writes */

  /** POST /api/clusters/validate: the full report, nothing stored. */
  async validate(ctx: ActionContext, body: unknown, selfIdOrCode?: string): Promise<ClusterValidationReport> {
    if (!ctx.actor) throw new UnauthorizedException();
    assertFeatureBody(body);
    let options = {};
    if (selfIdOrCode) {
      const id = await this.resolveId(selfIdOrCode);
      const row = await this.db.query<{ province_code: string; code: string }>('SELECT province_code, code FROM clusters WHERE id = $1', [id]);
      if (!row.rowCount) throw new NotFoundException(`No cluster ${selfIdOrCode}`);
      options = { selfId: id, fixed: row.rows[0] };
    }
    return validateClusterFeature(this.db, body, options);
  }

  async create(ctx: ActionContext, body: unknown) {
    return this.versioning.audited(ctx, 'create', null, null, async () => {
      if (!ctx.actor) throw new UnauthorizedException();
      assertFeatureBody(body);
      const props = (body.properties ?? {}) as Record<string, unknown>;
      // permission before validation: a planner of another province learns nothing about the boundary
      if (typeof props.province_code === 'string' && isUnit2025(props.province_code)) {
        this.versioning.assertAllowed(ctx, 'edit', props.province_code);
      }
      const comment = textOrNull(body.comment, 'comment');
      const report = await validateClusterFeature(this.db, body);
      if (!report.ok) throw validationException(report);
      const province = report.attributes.province_code!;
      const requested = report.attributes.code;
      if (requested && (await this.repo.codeExists(requested))) {
        throw new ConflictException(`Cluster code ${requested} is already used`, { code: requested }, 'duplicate-code');
      }
      for (let attempt = 0; ; attempt++) {
        const code = requested ?? (await this.repo.nextCode(province));
        const draft: ClusterDraft = { code, province_code: province, attributes: { ...report.attributes, code }, geometry: report.geometry! };
        try {
          const result = await this.versioning.create(ctx, province, draft, comment, { code, warnings: report.warnings.map((w) => w.code) });
          return this.get(ctx.actor, result.id);
        } catch (err) {
          // two creates raced for the same generated code: take the next one
          if (!requested && isUniqueViolation(err) && attempt < 3) continue;
          if (isUniqueViolation(err)) throw new ConflictException(`Cluster code ${code} is already used`, { code }, 'duplicate-code');
          throw err;
        }
      }
    });
  }

  async update(ctx: ActionContext, idOrCode: string, expected: number | null, body: unknown) {
    const id = await this.resolveId(idOrCode);
    return this.versioning.audited(ctx, 'update', id, expected, async () => {
      const head = await this.preflight(ctx, id, expected);
      assertFeatureBody(body);
      const comment = textOrNull(body.comment, 'comment');
      const report = await validateClusterFeature(this.db, body, { selfId: id, fixed: head });
      if (!report.ok) throw validationException(report);
      const draft: ClusterDraft = { code: head.code, province_code: head.province_code, attributes: report.attributes, geometry: report.geometry! };
      const saved = await this.versioning.save(ctx, id, expected, draft, comment, 'update', { warnings: report.warnings.map((w) => w.code) });
      return this.get(ctx.actor, saved.id);
    });
  }

  /** "Delete": a new version with status removed (same boundary and attributes), to be reviewed like any edit. */
  async remove(ctx: ActionContext, idOrCode: string, expected: number | null, commentRaw: unknown) {
    const id = await this.resolveId(idOrCode);
    return this.versioning.audited(ctx, 'remove', id, expected, async () => {
      const head = await this.preflight(ctx, id, expected);
      const comment = textOrNull(commentRaw, 'comment');
      const current = await this.repo.getVersion(id, head.head_version);
      if (!current) throw new NotFoundException(`No cluster ${idOrCode}`);
      if (current.properties.status === 'removed') throw new ConflictException('The cluster is already removed', { current_version: head.head_version }, 'already-removed');
      const draft: ClusterDraft = {
        code: head.code,
        province_code: head.province_code,
        attributes: { ...(current.properties as unknown as ClusterDraft['attributes']), status: 'removed' },
        geometry: current.geometry as ClusterDraft['geometry'],
      };
      const saved = await this.versioning.save(ctx, id, expected, draft, comment, 'remove');
      return this.get(ctx.actor, saved.id);
    });
  }

  async transition(ctx: ActionContext, idOrCode: string, action: ReviewAction, body: unknown, expected: number | null) {
    const id = await this.resolveId(idOrCode);
    const b = (body ?? {}) as { comment?: unknown; version?: unknown };
    const comment = textOrNull(b.comment, 'comment');
    if (action === 'request-changes' && !comment) {
      const err = new BadRequestException('Requesting changes needs a comment saying what to change', { field: 'comment' }, 'comment-required');
      await this.versioning.recordRefusal(ctx, action, id, expected, err);
      throw err;
    }
    const version = expected ?? (Number.isInteger(b.version) ? (b.version as number) : null);
    await this.versioning.transition(ctx, id, action, comment, version);
    return this.get(ctx.actor, id);
  }

  async addComment(ctx: ActionContext, idOrCode: string, body: unknown) {
    const id = await this.resolveId(idOrCode);
    const b = (body ?? {}) as { body?: unknown; comment?: unknown; version?: unknown };
    const text = b.body ?? b.comment;
    if (typeof text !== 'string' || !text.trim() || text.length > MAX_COMMENT) {
      const err = new BadRequestException(`A comment needs a non-empty "body" of at most ${MAX_COMMENT} characters`, { field: 'body' }, 'invalid-comment');
      await this.versioning.recordRefusal(ctx, 'comment', id, null, err);
      throw err;
    }
    const version = Number.isInteger(b.version) ? (b.version as number) : null;
    return commentOut(await this.versioning.addComment(ctx, id, text.trim(), version));
  }

  /** Checks shared by update and remove before any validation work: 404, 403, 428, stale 409 (all rechecked under lock). */
  private async preflight(ctx: ActionContext, id: string, expected: number | null) {
    if (!ctx.actor) throw new UnauthorizedException();
    const head = await this.repo.getHead(id);
    if (!head) throw new NotFoundException(`No cluster ${id}`);
    this.versioning.assertAllowed(ctx, 'edit', head.province_code);
    if (expected === null) {
      throw new PreconditionRequiredException('This write needs an If-Match header with the version you edited (the ETag of GET /api/clusters/:id)', { current_version: head.head_version });
    }
    if (expected !== head.head_version) {
      throw new ConflictException(`Version ${expected} is stale; the current version is ${head.head_version}`, { current_version: head.head_version, your_version: expected }, 'stale-version');
    }
    const code = await this.db.query<{ code: string }>('SELECT code FROM clusters WHERE id = $1', [id]);
    return { ...head, province_code: head.province_code!, code: code.rows[0]!.code };
  }

  /* ------------------------------------------------------------------ rendering */

  toFeature(row: ClusterRow, user: SessionUser | undefined) {
    const staff = canSeeUnpublished(user, scope2025(row.province_code));
    const properties: Record<string, unknown> = {
      id: row.id,
      ...row.properties,
      code: row.code,
      // the era of each code is in its name: province_code is the 2025 unit, province_code_2009 the old province
      province_code: row.province_code,
      province_code_2009: row.province_code_2009,
      commune_codes: row.commune_codes,
      area_ha: row.area_ha,
      area_ha_vn2000: row.area_ha_vn2000,
      vn2000_epsg: row.vn2000_epsg,
      // the column is the truth (versions stored before sql/090 have it only there, as surveyed)
      boundary_status: row.boundary_status,
      declared_area_ha: row.properties.declared_area_ha ?? null,
      version: row.version,
      review_state: row.review_state,
      published_version: row.published_version,
      updated_at: row.created_at,
    };
    if (staff) {
      properties.head_version = row.head_version;
      properties.author = row.author_id === null ? null : { id: row.author_id, username: row.author_username, display_name: row.author_display_name };
    }
    return { type: 'Feature' as const, id: row.id, geometry: row.geometry, properties };
  }
}

function commentOut(c: CommentRecord) {
  return {
    id: c.id,
    cluster_id: c.entity_id,
    version: c.version,
    body: c.body,
    created_at: c.created_at,
    author: c.author_id === null ? null : { id: c.author_id, username: c.author_username, display_name: c.author_display_name },
  };
}
