/**
 * What the generic versioning service needs from an entity's repository. Implement this for a new entity
 * (see ClustersRepository for the first implementation) and reuse VersioningService for saves, review
 * transitions, comments, optimistic concurrency, permissions and audit.
 *
 * Expected storage (one set per entity, names are yours):
 * - an identity table `<entity>s` with `head_version int NOT NULL` and `published_version int` pointers and a
 *   scope column (a province code, or null for national entities);
 * - an immutable versions table keyed by (entity_id, version) with the author and a comment;
 * - an immutable review-events table (entity_id, version, state, actor_id, comment, at); the state of a
 *   version is its latest event (a view like `cluster_version_states`);
 * - optionally a comments table.
 * All methods run on the Queryable the repository was built with; the service builds one per transaction.
 */
import type { ReviewState, WorkflowActor } from './review-workflow.ts';

export interface EntityHead {
  id: string;
  /** scope of the permission rules; null for a national entity */
  province_code: string | null;
  head_version: number;
  published_version: number | null;
  head_state: ReviewState;
  head_author_id: number | null;
}

export interface CommentRecord {
  id: number;
  entity_id: string;
  version: number | null;
  author_id: number | null;
  author_username: string | null;
  author_display_name: string | null;
  body: string;
  created_at: Date;
}

export interface VersionedRepository<TDraft> {
  /** The identity row plus the head version's review state; `forUpdate` locks the identity row (SELECT … FOR UPDATE). */
  getHead(id: string, options?: { forUpdate?: boolean }): Promise<EntityHead | null>;
  /** Inserts the identity row with head_version = 1 and no published version; returns the new id. `source` is the way in
   *  ('user' for the forms and the API, 'import' for the importers) where the entity records it. */
  createEntity(draft: TDraft, actor: WorkflowActor, source?: string): Promise<string>;
  /** Inserts one immutable version. */
  insertVersion(id: string, version: number, draft: TDraft, authorId: number, comment: string | null): Promise<void>;
  setHead(id: string, version: number): Promise<void>;
  setPublished(id: string, version: number): Promise<void>;
  insertReviewEvent(id: string, version: number, state: ReviewState, actorId: number | null, comment: string | null): Promise<void>;
  insertComment(id: string, version: number | null, authorId: number, body: string): Promise<CommentRecord>;
  listComments(id: string): Promise<CommentRecord[]>;
}
