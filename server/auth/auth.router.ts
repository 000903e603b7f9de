import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { AuditRepository } from '../audit/audit.repository.ts';
import { BadRequestException } from '../errors.ts';
import { clientIp, currentUser, requireRole, requireUser, setCsrfCookie } from './auth.middleware.ts';
import { rolesFor } from '../domain/permissions.ts';
import { AuthService } from './auth.service.ts';
import { CSRF_COOKIE, SESSION_COOKIE, SESSION_TTL_HOURS } from './session.ts';

export function createAuthRouter(ctx: AppContext): Router {
  const service = new AuthService(ctx.db);
  const secure = ctx.config.secureCookies;
  const router = Router();

  router.post('/auth/login', async (req, res) => {
    const { user, token, csrfToken } = await service.login(req.body?.username, req.body?.password, clientIp(req));
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_TTL_HOURS * 3600_000 });
    setCsrfCookie(res, csrfToken, secure);
    res.json({ user });
  });

  router.post('/auth/logout', async (req, res) => {
    const token = req.cookies?.[SESSION_COOKIE] as string | undefined;
    if (token) await service.logout(token);
    res.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' });
    res.status(204).end();
  });

  router.get('/auth/me', requireUser(), (req, res) => {
    setCsrfCookie(res, req.csrfToken!, secure);
    res.set('Cache-Control', 'no-store').json({ user: currentUser(req) });
  });

  router.get('/users', requireRole(...rolesFor('administer')), async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ users: await service.listUsers() });
  });

  router.post('/users', requireRole(...rolesFor('administer')), async (req, res) => {
    const actor = currentUser(req);
    const user = await service.createUser(req.body ?? {}, { id: actor.id, username: actor.username, ip: clientIp(req) });
    res.status(201).json({ user });
  });

  router.get('/audit', requireRole(...rolesFor('administer')), async (req, res) => {
    const limit = Number(req.query.limit ?? 100);
    const offset = Number(req.query.offset ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000 || !Number.isInteger(offset) || offset < 0) {
      throw new BadRequestException('limit must be 1-1000 and offset ≥ 0', { limit: req.query.limit, offset: req.query.offset });
    }
    const entries = await new AuditRepository(ctx.db).list({
      entityType: typeof req.query.entity_type === 'string' ? req.query.entity_type : undefined,
      entityId: typeof req.query.entity_id === 'string' ? req.query.entity_id : undefined,
      limit,
      offset,
    });
    res.set('Cache-Control', 'no-store').json({ entries });
  });

  return router;
}
