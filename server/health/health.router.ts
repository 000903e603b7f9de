import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { HttpException } from '../errors.ts';

export function createHealthRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    // a live round trip, so a load balancer takes an instance out when its database is gone; the embedded
    // database thread answers for itself, so a long import does not make the instance look dead
    if (ctx.db.alive) {
      if (!ctx.db.alive()) throw new HttpException(503, 'database-down', 'The embedded database thread has stopped');
    } else await ctx.db.query('SELECT 1');
    // the standby being down is not this instance's failure: its reads run on the primary meanwhile
    const replica = await ctx.reads.replicaHealth();
    const pools = ctx.reads.poolStats();
    res.set('Cache-Control', 'no-store').json({
      status: 'ok',
      db: {
        driver: ctx.db.driver,
        postgis: ctx.db.capabilities.postgis,
        mvt: ctx.db.capabilities.mvt,
        ...(replica ? { replica } : {}),
        // native only: connections of the primary's pools and, with DATABASE_READ_URL, of the standby's
        ...(Object.keys(pools).length ? { pools } : {}),
        ...(ctx.reads.replica ? { reads: ctx.reads.counts } : {}),
      },
    });
  });
  return router;
}
