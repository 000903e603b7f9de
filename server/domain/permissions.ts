/**
 * Who may do what, by role — the one rule shared by the server and the client. The server enforces it
 * (`decide` in server/versioning/review-workflow.ts adds the province scope and the four-eyes rule on top, the
 * routers and services ask `roleMay`); the client uses the same functions to show or hide pages and actions
 * (client/app/routes.ts, the editor). Pure: no node:, express or pg.
 *
 * Roles: planner and reviewer act in one province; the ministry reads everything nationally and writes nothing but
 * national and regional plans; admins do everything.
 */
export const ROLES = ['planner', 'reviewer', 'ministry', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type RoleAction =
  /** create and save versions (clusters, plan-item amendments, facilities), submit them, comment */
  | 'edit'
  /** approve or request changes (never on a version one authored) */
  | 'review'
  /** list the submitted versions waiting for review */
  | 'read-queue'
  /** the import wizard (POST /api/imports: clusters, facilities, plan items, residential zones) */
  | 'import'
  /** the residential-zone upload of the analysis page */
  | 'import-residential'
  /** accounts, the audit trail, deleting residential zones */
  | 'administer';

const ROLES_FOR: Record<RoleAction, readonly Role[]> = {
  edit: ['planner', 'reviewer', 'admin'],
  review: ['reviewer', 'admin'],
  'read-queue': ['reviewer', 'ministry', 'admin'],
  import: ['planner', 'admin'],
  'import-residential': ['planner', 'reviewer', 'admin'],
  administer: ['admin'],
};

/** May a user of `role` do `action` at all (in their own province; the province scope is checked on top)? */
export function roleMay(role: string | null | undefined, action: RoleAction): boolean {
  return !!role && (ROLES_FOR[action] as readonly string[]).includes(role);
}

/** The roles that may do `action`, e.g. for a route guard. */
export function rolesFor(action: RoleAction): readonly Role[] {
  return ROLES_FOR[action];
}

/** The ministry and admins see and act on every province; planners and reviewers on their own only. */
export function isNationalRole(role: string | null | undefined): boolean {
  return role === 'ministry' || role === 'admin';
}
