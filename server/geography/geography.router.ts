import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { GeographyRepository } from './geography.repository.ts';
import { GeographyService, parseEra } from './geography.service.ts';
import { perDatabase, publicReads } from '../public-data/read-source.ts';

// Administrative data changes only with a new seed, so clients and proxies may cache it briefly.
const CACHE_CONTROL = 'public, max-age=300';

export function createGeographyRouter(ctx: AppContext): Router {
  const serviceFor = perDatabase((db) => new GeographyService(new GeographyRepository(db)));
  const router = Router();

  router.get('/regions', async (req, res) => {
    const service = serviceFor(await publicReads(ctx, req, res, ['regions', 'provinces']));
    res.set('Cache-Control', CACHE_CONTROL).json(await service.listRegions());
  });

  router.get('/provinces', async (req, res) => {
    const service = serviceFor(await publicReads(ctx, req, res, ['provinces']));
    const era = parseEra(req.query.era);
    const provinces = await service.provinces(era);
    res.set('Cache-Control', CACHE_CONTROL).type('application/geo+json').send(provinces);
  });

  router.get('/provinces/:code', async (req, res) => {
    const service = serviceFor(await publicReads(ctx, req, res, ['provinces']));
    const era = parseEra(req.query.era);
    const body = await service.province(era, req.params.code, req.query.geometry === 'full');
    res.set('Cache-Control', CACHE_CONTROL).type('application/geo+json').send(body);
  });

  router.get('/provinces/:code/districts', async (req, res) => {
    const service = serviceFor(await publicReads(ctx, req, res, ['provinces']));
    res.set('Cache-Control', CACHE_CONTROL).json(await service.districts(parseEra(req.query.era ?? '2009'), req.params.code));
  });

  router.get('/provinces/:code/communes', async (req, res) => {
    const service = serviceFor(await publicReads(ctx, req, res, ['provinces']));
    res.set('Cache-Control', CACHE_CONTROL).json(await service.communes(req.params.code));
  });

  router.get('/communes', async (req, res) => {
    const service = serviceFor(await publicReads(ctx, req, res, ['provinces']));
    res.set('Cache-Control', CACHE_CONTROL).type('application/geo+json').send(await service.communesInBbox(req.query.bbox));
  });

  return router;
}
