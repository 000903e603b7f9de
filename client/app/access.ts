import type { User } from '../auth/AuthContext.tsx';
import type { RouteDef } from './route-types.ts';
import { accessAllows } from './route-access.ts';
import { routes } from './routes.ts';
import { matchPath } from './router.tsx';

export function canAccess(route: RouteDef, user: User | null): boolean {
  return accessAllows(route.access, user);
}

export function resolveRoute(pathname: string): { route: RouteDef; params: Record<string, string> } | null {
  for (const route of routes) {
    const params = matchPath(route.path, pathname);
    if (params) return { route, params };
  }
  return null;
}
