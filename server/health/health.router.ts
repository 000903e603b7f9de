import { Router } from 'express';
import type { AppContext } from '../context.ts';

export function createHealthRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    // a live round trip, so a load balancer takes an instance out when its database is gone
    await ctx.db.query('SELECT 1');
    // the standby being down is not this instance's failure: its reads run on the primary meanwhile
    const replica = await ctx.reads.replicaHealth();
    res.set('Cache-Control', 'no-store').json({
      status: 'ok',
      db: {
        driver: ctx.db.driver,
        postgis: ctx.db.capabilities.postgis,
        mvt: ctx.db.capabilities.mvt,
        ...(replica ? { replica } : {}),
        pools: ctx.reads.poolStats(),
        ...(ctx.reads.replica ? { reads: ctx.reads.counts } : {}),
      },
    });
  });
  return router;
}
