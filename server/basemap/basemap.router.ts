import { Router, type Response } from 'express';
import type { AppContext } from '../context.ts';
import { parseEra } from '../geography/geography.service.ts';
import { BasemapRepository } from './basemap.repository.ts';
import { BasemapService, type CachedBody } from './basemap.service.ts';

// Bodies are immutable for the life of the data; the ETag lets browsers revalidate cheaply after max-age.
const CACHE_CONTROL = 'public, max-age=3600';

/** Express answers 304 itself when If-None-Match matches the ETag set here. */
function sendCached(res: Response, cached: CachedBody, type: string): void {
  res.set({ 'Cache-Control': CACHE_CONTROL, ETag: cached.etag }).type(type).send(cached.body);
}

export function createBasemapRouter(ctx: AppContext): Router {
  const service = new BasemapService(new BasemapRepository(ctx.db), ctx.config.basemapStyleUrl ?? null);
  const router = Router();

  router.get('/style.json', (_req, res) => {
    sendCached(res, service.styleJson(), 'application/json');
  });

  router.get('/land.geojson', async (_req, res) => {
    sendCached(res, await service.landGeoJson(), 'application/geo+json');
  });

  router.get('/labels.geojson', async (req, res) => {
    sendCached(res, await service.labelsGeoJson(parseEra(req.query.era)), 'application/geo+json');
  });

  router.get('/config', (_req, res) => {
    // deployment setting: revalidate on every load so a changed BASEMAP_STYLE_URL shows up at once
    res.set('Cache-Control', 'no-cache').json(service.clientConfig());
  });

  return router;
}
