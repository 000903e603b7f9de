import type { ErrorRequestHandler } from 'express';
import type { AppContext } from '../context.ts';
import { clientIp } from '../auth/auth.middleware.ts';
import { AuditRepository } from './audit.repository.ts';

const BODY_REFUSALS = new Set(['entity.too.large', 'entity.parse.failed', 'charset.unsupported', 'encoding.unsupported']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Writes refused by the body parser (too large, malformed JSON) never reach a router, so they are
 * audited here: a refused write leaves exactly one trace, its audit entry.
 */
export function auditRefusedWrites(ctx: AppContext): ErrorRequestHandler {
  const audit = new AuditRepository(ctx.db);
  return async (err, req, _res, next) => {
    if (!SAFE_METHODS.has(req.method) && BODY_REFUSALS.has(err?.type)) {
      await audit
        .record({
          userId: req.user?.id ?? null,
          username: req.user?.username ?? null,
          action: 'request.refused',
          outcome: 'refused',
          ip: clientIp(req),
          details: { method: req.method, path: req.originalUrl.split('?')[0], reason: err.type },
        })
        .catch((auditError: Error) => ctx.logger.error({ err: auditError.message }, 'could not audit a refused write'));
    }
    next(err);
  };
}
