import type { User } from '../auth/AuthContext.tsx';
import type { RouteDef } from './route-types.ts';
import { routes } from './routes.ts';
import { matchPath } from './router.tsx';

export function canAccess(route: RouteDef, user: User | null): boolean {
  const access = route.access ?? 'public';
  if (access === 'public') return true;
  if (!user) return false;
  if (access === 'user') return true;
  return access.includes(user.role);
}

export function resolveRoute(pathname: string): { route: RouteDef; params: Record<string, string> } | null {
  for (const route of routes) {
    const params = matchPath(route.path, pathname);
    if (params) return { route, params };
  }
  return null;
}
