/**
 * The review workflow shared by every versioned entity (clusters, plan-item amendments, facilities…):
 * review states, allowed transitions and who may do what. Pure: no database, no Express.
 *
 *   draft ──submit──▶ submitted ──approve──▶ approved (published)
 *     ▲                    │
 *     └──(new edit)── changes_requested ◀──request-changes
 *
 * Rules
 * - Every save creates a new immutable version in state `draft`; saving is refused while the head version
 *   is `submitted` (the reviewer must see a stable version: request changes first).
 * - Only an approved version is published; until then the public keeps seeing the previous approved one.
 * - Editors of a province: its planners and reviewers, and admins. Reviewers (own province) and admins review.
 * - Four eyes: nobody approves or rejects a version they authored, whatever their role.
 * - The ministry reads everything and writes nothing. The public reads only published versions.
 */
import type { Role } from '../auth/users.repository.ts';
import { roleMay } from '../domain/permissions.ts';
import { actorCovers, type ProvinceScope } from '../domain/admin-division.ts';

export const REVIEW_STATES = ['draft', 'submitted', 'approved', 'changes_requested'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

export const REVIEW_ACTIONS = ['submit', 'approve', 'request-changes'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

/** From which states each action may start, and the state it leads to. */
export const REVIEW_TRANSITIONS: Record<ReviewAction, { from: readonly ReviewState[]; to: ReviewState }> = {
  submit: { from: ['draft', 'changes_requested'], to: 'submitted' },
  approve: { from: ['submitted'], to: 'approved' },
  'request-changes': { from: ['submitted'], to: 'changes_requested' },
};

/** Head states over which a new version may be saved. */
export const EDITABLE_HEAD_STATES: readonly ReviewState[] = ['draft', 'changes_requested', 'approved'];

/** Who acts: the session user (or null for the public). `province_code` is the user's 2025 unit. */
export interface WorkflowActor {
  id: number;
  role: Role;
  province_code: string | null;
}

export type Permission =
  /** see the head (unpublished) version, authors, review events */
  | 'read-unpublished'
  /** read and write the comment thread */
  | 'read-comments'
  | 'comment'
  /** create or save a new version, including "remove" */
  | 'edit'
  | 'submit'
  /** approve or request changes */
  | 'review'
  /** list submitted versions waiting for review */
  | 'read-queue';

export interface Decision {
  allowed: boolean;
  /** machine-readable refusal reason, e.g. 'not-in-province', 'own-version' */
  code?: string;
  reason?: string;
}

const ALLOW: Decision = { allowed: true };
const deny = (code: string, reason: string): Decision => ({ allowed: false, code, reason });

/**
 * May `actor` do `permission` on an entity lying in `scope` (its province with its era: `scope2025(code)` or
 * `scope2009(code)`)? For 'review', pass the author of the version under review so the four-eyes rule applies.
 * A null scope means a national entity (admin/ministry scope). Province coverage is `actorCovers` (server/domain).
 */
export function decide(
  actor: WorkflowActor | null | undefined,
  permission: Permission,
  scope: ProvinceScope | null,
  versionAuthorId?: number | null,
): Decision {
  if (!actor) return deny('anonymous', 'Sign in first');
  const inProvince = actorCovers(actor, scope);
  const provinceCode = scope ? `${scope.code} (${scope.era} division)` : null;
  switch (permission) {
    case 'read-unpublished':
    case 'read-comments':
      return inProvince ? ALLOW : deny('not-in-province', `Only staff of province ${provinceCode} see unpublished data`);
    case 'read-queue':
      if (!roleMay(actor.role, 'read-queue')) return deny('role', 'The review queue is for reviewers, the ministry and admins');
      return inProvince ? ALLOW : deny('not-in-province', `Not your province`);
    case 'comment':
    case 'edit':
    case 'submit':
      if (!roleMay(actor.role, 'edit')) return deny('read-only-role', 'The ministry reads but does not edit');
      if (actor.role === 'admin') return ALLOW;
      return inProvince ? ALLOW : deny('not-in-province', `You may edit only in provincial unit ${actor.province_code} (2025 division)`);
    case 'review':
      if (!roleMay(actor.role, 'review')) return deny('role', 'Only reviewers and admins review');
      if (!inProvince) return deny('not-in-province', `You may review only in provincial unit ${actor.province_code} (2025 division)`);
      if (versionAuthorId != null && versionAuthorId === actor.id) return deny('own-version', 'Nobody reviews a version they authored');
      return ALLOW;
  }
}

/** The state an action leads to from `current`, or null when the transition is not allowed. */
export function nextState(action: ReviewAction, current: ReviewState): ReviewState | null {
  const t = REVIEW_TRANSITIONS[action];
  return t.from.includes(current) ? t.to : null;
}

export function canSaveOver(headState: ReviewState): boolean {
  return EDITABLE_HEAD_STATES.includes(headState);
}

/** The version a viewer sees: staff of the province the head, everyone else the published one (maybe none). */
export function visibleVersion(
  canSeeUnpublished: boolean,
  entity: { head_version: number; published_version: number | null },
): number | null {
  return canSeeUnpublished ? entity.head_version : entity.published_version;
}

/** Parses an If-Match / ETag value ("3", W/"3" or 3) into a version number, or null. */
export function parseVersionTag(value: string | undefined | null): number | null {
  if (!value) return null;
  const m = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(value);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n >= 1 ? n : null;
}

export const versionTag = (version: number) => `"${version}"`;

/** One version as the history lists need it, whatever the entity. */
export interface VersionHistoryRow {
  version: number;
  created_at: Date;
  author_id: number | null;
  author_username: string | null;
  author_display_name: string | null;
  comment: string | null;
  review_state: ReviewState;
  approved_at: Date | null;
  events: unknown;
}

/**
 * The version list a viewer may see: staff get every version with its author, comment and review events;
 * everyone else only the approved versions, without them (null when none is approved).
 * `summary` adds the entity's own fields (name, status, area…).
 */
export function versionHistory<R extends VersionHistoryRow>(
  id: string,
  head: { head_version: number; published_version: number | null },
  rows: readonly R[],
  staff: boolean,
  summary: (row: R) => Record<string, unknown>,
) {
  if (staff) {
    return {
      id,
      head_version: head.head_version,
      published_version: head.published_version,
      versions: rows.map((v) => ({
        version: v.version,
        created_at: v.created_at,
        author: v.author_id === null ? null : { id: v.author_id, username: v.author_username, display_name: v.author_display_name },
        comment: v.comment,
        ...summary(v),
        review_state: v.review_state,
        approved_at: v.approved_at,
        published: v.version === head.published_version,
        events: v.events,
      })),
    };
  }
  const approved = rows.filter((v) => v.approved_at !== null);
  if (!approved.length) return null;
  return {
    id,
    published_version: head.published_version,
    versions: approved.map((v) => ({
      version: v.version,
      created_at: v.created_at,
      approved_at: v.approved_at,
      ...summary(v),
      review_state: 'approved' as const,
      published: v.version === head.published_version,
    })),
  };
}
