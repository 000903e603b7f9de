/**
 * Generic save / review / comment service over any VersionedRepository. It owns optimistic concurrency
 * (If-Match → 428/409), the review state machine and permission rules (review-workflow.ts), and audits every
 * write in the same transaction; refusals (403/404/409/428) are audited outside it, so a failed write leaves
 * only its audit entry.
 *
 * How another entity plugs in (e.g. facilities, plan-item amendments):
 *   1. migrations: identity table + immutable versions + review events (+ comments), like sql/004_clusters.sql;
 *   2. `class FacilitiesRepository implements VersionedRepository<FacilityDraft>` with parameterised SQL;
 *   3. `const versioning = new VersioningService(db, { entityType: 'facility', repository: (q) => new FacilitiesRepository(q) })`;
 *   4. in the entity service: validate the input, then call versioning.create / save / transition / addComment;
 *      read paths use `decide(user, 'read-unpublished', province)` and `visibleVersion()` to pick the version.
 */
import type { Database, Queryable } from '../db/database.ts';
import type { Era, ProvinceScope } from '../domain/admin-division.ts';
import { AuditRepository } from '../audit/audit.repository.ts';
import { ConflictException, ForbiddenException, HttpException, NotFoundException, UnauthorizedException } from '../errors.ts';
import { canSaveOver, decide, nextState, type Permission, type ReviewAction, type WorkflowActor } from './review-workflow.ts';
import type { CommentRecord, EntityHead, VersionedRepository } from './versioned.repository.ts';

/** Refusals already written to the audit log, so nested audited() calls record each once. */
const AUDITED = new WeakSet<Error>();

export class PreconditionRequiredException extends HttpException {
  constructor(message = 'This write needs an If-Match header with the version you edited', details?: unknown) {
    super(428, 'precondition-required', message, details);
  }
}

/** Who is acting and from where, for permissions and the audit trail. */
export interface ActionContext {
  actor: (WorkflowActor & { username: string }) | null | undefined;
  ip: string | null;
}

export interface VersioningOptions<TDraft> {
  /** audit entity_type and action prefix, e.g. 'cluster' → 'cluster.update' */
  entityType: string;
  repository: (q: Queryable) => VersionedRepository<TDraft>;
  /**
   * Runs inside the writing transaction before a version is stored: checks that must see concurrent writes
   * (a cluster boundary overlapping another) belong here, under a lock they take themselves.
   */
  guardWrite?: (tx: Queryable, draft: TDraft, id: string | null) => Promise<void>;
  /** the division the entity's `province_code` is recorded in: '2025' (clusters) or '2009' (plan items, facilities) */
  era: Era;
}

export interface WriteResult {
  id: string;
  version_before: number | null;
  version: number;
  review_state: string;
  published_version: number | null;
}

export class VersioningService<TDraft> {
  constructor(
    private readonly db: Database,
    private readonly options: VersioningOptions<TDraft>,
  ) {}

  get entityType() {
    return this.options.entityType;
  }

  repository(q: Queryable = this.db) {
    return this.options.repository(q);
  }

  /** The entity's province code with the era it is recorded in. */
  scope(provinceCode: string | null): ProvinceScope | null {
    return provinceCode === null ? null : { era: this.options.era, code: provinceCode };
  }

  /** Throws 401/403 unless the actor may do `permission` on an entity of `provinceCode` (in this entity's era). */
  assertAllowed(ctx: ActionContext, permission: Permission, provinceCode: string | null, versionAuthorId?: number | null): WorkflowActor {
    if (!ctx.actor) throw new UnauthorizedException();
    const decision = decide(ctx.actor, permission, this.scope(provinceCode), versionAuthorId);
    if (!decision.allowed) {
      const where = this.options.era === '2025' ? { province_code: provinceCode } : { province_code_2009: provinceCode };
      throw new ForbiddenException(decision.reason, { permission, ...where, actor_province_code: ctx.actor.province_code, reason: decision.code }, decision.code === 'own-version' ? 'own-version' : 'forbidden');
    }
    return ctx.actor;
  }

  /** Creates the entity with version 1 in state draft. */
  create(ctx: ActionContext, provinceCode: string | null, draft: TDraft, comment: string | null, details?: unknown): Promise<WriteResult> {
    return this.audited(ctx, 'create', null, null, async () => {
      const actor = this.assertAllowed(ctx, 'edit', provinceCode);
      return this.db.transaction(async (tx) => {
        const repo = this.options.repository(tx);
        await this.options.guardWrite?.(tx, draft, null);
        const id = await repo.createEntity(draft, actor);
        await repo.insertVersion(id, 1, draft, actor.id, comment);
        await repo.insertReviewEvent(id, 1, 'draft', actor.id, comment);
        await this.audit(tx, ctx, 'create', id, null, 1, details);
        return { id, version_before: null, version: 1, review_state: 'draft', published_version: null };
      });
    });
  }

  /**
   * The batch entry of the importers: creates every entity (version 1, draft, its review event and audit entry, as
   * `create` does) inside the caller's transaction `tx`, so an import stays one atomic commit. Every permission is
   * checked before anything is written. Refusals are not audited here (the caller's transaction is rolled back
   * first): wrap the caller's transaction in `audited(...)`.
   */
  async createMany(
    tx: Queryable,
    ctx: ActionContext,
    entries: ReadonlyArray<{ provinceCode: string | null; draft: TDraft; details?: unknown }>,
    comment: string | null,
    source = 'import',
  ): Promise<WriteResult[]> {
    for (const e of entries) this.assertAllowed(ctx, 'edit', e.provinceCode);
    const actor = ctx.actor!;
    const repo = this.options.repository(tx);
    const out: WriteResult[] = [];
    for (const e of entries) {
      const id = await repo.createEntity(e.draft, actor, source);
      await repo.insertVersion(id, 1, e.draft, actor.id, comment);
      await repo.insertReviewEvent(id, 1, 'draft', actor.id, comment);
      await this.audit(tx, ctx, 'create', id, null, 1, e.details);
      out.push({ id, version_before: null, version: 1, review_state: 'draft', published_version: null });
    }
    return out;
  }

  /**
   * Saves a new version over the head. `expectedVersion` is the If-Match value: missing → 428; not the head → 409
   * carrying the current version; the head under review → 409. `action` names the audit entry ('update', 'remove').
   */
  save(
    ctx: ActionContext,
    id: string,
    expectedVersion: number | null,
    draft: TDraft | ((head: EntityHead) => TDraft),
    comment: string | null,
    action = 'update',
    details?: unknown,
  ): Promise<WriteResult> {
    return this.audited(ctx, action, id, expectedVersion, async () => {
      if (!ctx.actor) throw new UnauthorizedException();
      return this.db.transaction(async (tx) => {
        const repo = this.options.repository(tx);
        const head = await repo.getHead(id, { forUpdate: true });
        if (!head) throw new NotFoundException(`No ${this.entityType} ${id}`);
        const actor = this.assertAllowed(ctx, 'edit', head.province_code);
        if (expectedVersion === null) throw new PreconditionRequiredException(undefined, { current_version: head.head_version });
        this.assertCurrent(head, expectedVersion);
        if (!canSaveOver(head.head_state)) {
          throw new ConflictException(`Version ${head.head_version} is under review; ask the reviewer to request changes first`, { current_version: head.head_version, review_state: head.head_state }, 'under-review');
        }
        const version = head.head_version + 1;
        const stored = typeof draft === 'function' ? (draft as (h: EntityHead) => TDraft)(head) : draft;
        await this.options.guardWrite?.(tx, stored, id);
        await repo.insertVersion(id, version, stored, actor.id, comment);
        await repo.insertReviewEvent(id, version, 'draft', actor.id, comment);
        await repo.setHead(id, version);
        await this.audit(tx, ctx, action, id, head.head_version, version, details);
        return { id, version_before: head.head_version, version, review_state: 'draft', published_version: head.published_version };
      });
    });
  }

  /** submit / approve / request-changes on the head version; `expectedVersion` (optional) guards against reviewing a stale view. */
  transition(ctx: ActionContext, id: string, action: ReviewAction, comment: string | null, expectedVersion: number | null = null): Promise<WriteResult> {
    return this.audited(ctx, action, id, expectedVersion, async () => {
      if (!ctx.actor) throw new UnauthorizedException();
      return this.db.transaction(async (tx) => {
        const repo = this.options.repository(tx);
        const head = await repo.getHead(id, { forUpdate: true });
        if (!head) throw new NotFoundException(`No ${this.entityType} ${id}`);
        const actor =
          action === 'submit'
            ? this.assertAllowed(ctx, 'submit', head.province_code)
            : this.assertAllowed(ctx, 'review', head.province_code, head.head_author_id);
        if (expectedVersion !== null) this.assertCurrent(head, expectedVersion);
        const to = nextState(action, head.head_state);
        if (!to) {
          throw new ConflictException(`Cannot ${action} version ${head.head_version} in state ${head.head_state}`, { current_version: head.head_version, review_state: head.head_state, action }, 'invalid-transition');
        }
        await repo.insertReviewEvent(id, head.head_version, to, actor.id, comment);
        let published = head.published_version;
        if (to === 'approved') {
          await repo.setPublished(id, head.head_version);
          published = head.head_version;
        }
        await this.audit(tx, ctx, action, id, head.head_version, head.head_version, { review_state_before: head.head_state, review_state: to, comment });
        return { id, version_before: head.head_version, version: head.head_version, review_state: to, published_version: published };
      });
    });
  }

  addComment(ctx: ActionContext, id: string, body: string, version: number | null = null): Promise<CommentRecord> {
    return this.audited(ctx, 'comment', id, null, async () => {
      if (!ctx.actor) throw new UnauthorizedException();
      return this.db.transaction(async (tx) => {
        const repo = this.options.repository(tx);
        const head = await repo.getHead(id);
        if (!head) throw new NotFoundException(`No ${this.entityType} ${id}`);
        const actor = this.assertAllowed(ctx, 'comment', head.province_code);
        const comment = await repo.insertComment(id, version ?? head.head_version, actor.id, body);
        await this.audit(tx, ctx, 'comment', id, head.head_version, head.head_version, { comment_id: comment.id });
        return comment;
      });
    });
  }

  async listComments(ctx: ActionContext, id: string): Promise<CommentRecord[]> {
    if (!ctx.actor) throw new UnauthorizedException('Comments are visible to signed-in staff only');
    const repo = this.options.repository(this.db);
    const head = await repo.getHead(id);
    if (!head) throw new NotFoundException(`No ${this.entityType} ${id}`);
    this.assertAllowed(ctx, 'read-comments', head.province_code);
    return repo.listComments(id);
  }

  private assertCurrent(head: EntityHead, expected: number) {
    if (head.head_version !== expected) {
      throw new ConflictException(`Version ${expected} is stale; the current version is ${head.head_version}`, { current_version: head.head_version, your_version: expected }, 'stale-version');
    }
  }

  private audit(q: Queryable, ctx: ActionContext, action: string, id: string | null, before: number | null, after: number | null, details?: unknown) {
    return new AuditRepository(q).record({
      userId: ctx.actor?.id ?? null,
      username: ctx.actor?.username ?? null,
      action: `${this.entityType}.${action}`,
      entityType: this.entityType,
      entityId: id,
      versionBefore: before,
      versionAfter: after,
      ip: ctx.ip,
      details,
    });
  }

  /** Runs a write; an HTTP refusal is recorded in the audit log (outside the rolled-back transaction) and rethrown. */
  async audited<T>(ctx: ActionContext, action: string, id: string | null, versionBefore: number | null, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof HttpException && err.status < 500 && !AUDITED.has(err)) await this.recordRefusal(ctx, action, id, versionBefore, err);
      throw err;
    }
  }

  async recordRefusal(ctx: ActionContext, action: string, id: string | null, versionBefore: number | null, err: HttpException) {
    AUDITED.add(err);
    await new AuditRepository(this.db)
      .record({
        userId: ctx.actor?.id ?? null,
        username: ctx.actor?.username ?? null,
        action: `${this.entityType}.${action}`,
        entityType: this.entityType,
        entityId: id,
        versionBefore,
        outcome: 'refused',
        ip: ctx.ip,
        details: { status: err.status, code: err.code, message: err.message },
      })
      .catch(() => undefined);
  }
}
