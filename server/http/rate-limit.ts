import { rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import { TooManyRequestsException } from '../errors.ts';
import { ANONYMOUS_ANALYSIS_PER_MINUTE } from '../domain/limits.ts';

/**
 * Anonymous calls of the endpoints that run the geometry validator and proximity SQL, limited per address
 * (express-rate-limit, counted in each instance; behind nginx its limit_req zone applies as well). Signed-in
 * users are not limited here.
 */
export function anonymousAnalysisLimit(perMinute = ANONYMOUS_ANALYSIS_PER_MINUTE): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skip: (req) => Boolean(req.user),
    handler: (req, _res, next) => {
      const reset = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : 60;
      next(new TooManyRequestsException(`At most ${perMinute} anonymous analyses a minute; sign in or retry in ${seconds} s`, { retry_after_seconds: seconds, limit_per_minute: perMinute }));
    },
  });
}
