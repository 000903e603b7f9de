/**
 * Who may open the guarded pages — the server's rule (server/domain/permissions.ts), not a copy: a page that needs
 * an action names it (`{ may: 'edit' }`) and `roleMay` decides. Kept apart from routes.ts (which loads the pages) so
 * the rule can be checked without a browser (test/auth/permissions.test.ts).
 */
import { roleMay, type Role, type RoleAction } from '@domain/permissions.ts';

export type RouteAccess = 'public' | 'user' | { may: RoleAction } | readonly Role[];

export const ROUTE_ACCESS = {
  '/editor': { may: 'edit' },
  '/review': { may: 'read-queue' },
  '/plan': 'user',
  '/dashboard': 'user',
  '/reports': 'user',
  '/screening': 'user',
  // GET /api/clusters/without-boundary: any signed-in account (staff see their province, national roles all)
  '/worklist/no-boundary': 'user',
  '/imports': { may: 'import' },
  '/admin/users': { may: 'administer' },
} as const satisfies Record<string, RouteAccess>;

export function accessAllows(access: RouteAccess | undefined, user: { role: string } | null): boolean {
  const a = access ?? 'public';
  if (a === 'public') return true;
  if (!user) return false;
  if (a === 'user') return true;
  if ('may' in a) return roleMay(user.role, a.may);
  return (a as readonly string[]).includes(user.role);
}

/** May `user` open the guarded page at `path` (one of ROUTE_ACCESS)? */
export function routeAccess(path: keyof typeof ROUTE_ACCESS, user: { role: string } | null): boolean {
  return accessAllows(ROUTE_ACCESS[path], user);
}
