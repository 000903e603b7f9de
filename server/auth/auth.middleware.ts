import type { Request, RequestHandler, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../context.ts';
import { ForbiddenException, UnauthorizedException } from '../errors.ts';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, SessionRepository, type SessionUser } from './session.ts';
import type { Role } from './users.repository.ts';
import { actorCovers, type ProvinceScope } from '../domain/admin-division.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by authenticate() when the session cookie is valid; undefined for the public. */
      user?: SessionUser;
      csrfToken?: string;
    }
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function setCsrfCookie(res: Response, token: string, secure: boolean) {
  // readable by the page script on purpose: that is the double-submit pattern
  res.cookie(CSRF_COOKIE, token, { httpOnly: false, sameSite: 'strict', secure, path: '/' });
}

/**
 * Resolves the session cookie to req.user. Every cookie-authenticated write must echo the csrf_token
 * cookie in X-CSRF-Token (double submit), else 403, whatever the route.
 */
export function authenticate(ctx: AppContext): RequestHandler {
  const sessions = new SessionRepository(ctx.db);
  return async (req, _res, next) => {
    const token = req.cookies?.[SESSION_COOKIE] as string | undefined;
    if (!token) return next();
    const session = await sessions.find(token);
    if (!session) return next();
    if (!SAFE_METHODS.has(req.method)) {
      const header = req.get(CSRF_HEADER);
      if (!header || !sameToken(header, session.csrfToken)) {
        return next(new ForbiddenException('Missing or wrong X-CSRF-Token header for a cookie-authenticated write', undefined, 'csrf-failed'));
      }
    }
    req.user = session.user;
    req.csrfToken = session.csrfToken;
    next();
  };
}

export function requireUser(): RequestHandler {
  return (req, _res, next) => next(req.user ? undefined : new UnauthorizedException());
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.user) return next(new UnauthorizedException());
    if (!roles.includes(req.user.role)) {
      return next(new ForbiddenException(`This action needs the role ${roles.join(' or ')}`, { role: req.user.role, allowed: roles }));
    }
    next();
  };
}

/** The current user, asserting a route guard already ran. */
export function currentUser(req: Request): SessionUser {
  if (!req.user) throw new UnauthorizedException();
  return req.user;
}

export function clientIp(req: Request): string | null {
  return req.ip ?? req.socket.remoteAddress ?? null;
}

/**
 * Staff who may see unpublished data lying in `scope`: the planners and reviewers of the 2025 unit that covers it,
 * the ministry and admins (the rule itself: `actorCovers` in server/domain/admin-division.ts).
 */
export function canSeeUnpublished(user: SessionUser | undefined, scope: ProvinceScope): boolean {
  return user !== undefined && actorCovers(user, scope);
}
