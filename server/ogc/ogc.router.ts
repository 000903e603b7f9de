import { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type { AppContext } from '../context.ts';
import { HttpException, NotFoundException } from '../errors.ts';
import { collectionHtml, collectionsHtml, itemHtml, itemsHtml, jsonHtml, landingHtml } from './ogc.html.ts';
import { contentCrsHeader } from './crs.ts';
import { MEDIA, OgcService, parseFormat, parseItemQuery, parseItemsQuery, type Format } from './ogc.service.ts';
import { perDatabase, publicReads } from '../public-data/read-source.ts';

// Public data changes when a version is approved: caches must revalidate (ETag) every time.
const CACHE_CONTROL = 'public, no-cache';

/** f=json|html wins; otherwise the Accept header (browsers get HTML, GIS clients JSON). */
function negotiate(req: Request, explicit?: Format): Format {
  if (explicit) return explicit;
  const preferred = req.accepts([MEDIA.json, MEDIA.geojson, 'application/vnd.oai.openapi+json', MEDIA.html]);
  return preferred === MEDIA.html ? 'html' : 'json';
}

function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host')}${req.baseUrl}`;
}

/** The layers (layer_versions) a collection's answer depends on; regions are dissolved from provinces. */
function layersOf(collectionId: string): string[] {
  return collectionId === 'regions' ? ['regions', 'provinces'] : [collectionId];
}

function send(res: Response, type: string, body: string) {
  res.set('Cache-Control', CACHE_CONTROL).type(type).send(body);
}

/** OGC API – Features at /ogc (mounted on the app, not under /api). Errors use the OGC exception body {code, description}. */
export function createOgcRouter(ctx: AppContext): Router {
  // landing and conformance documents read no data
  const service = new OgcService(ctx.db);
  const serviceFor = perDatabase((db) => new OgcService(db));
  const router = Router();

  router.get('/', (req, res) => {
    const doc = service.landing(baseUrl(req));
    if (negotiate(req, parseFormat(req.query.f)) === 'html') return send(res, MEDIA.html, landingHtml(doc));
    send(res, MEDIA.json, JSON.stringify(doc));
  });

  router.get('/conformance', (req, res) => {
    const doc = service.conformance(baseUrl(req));
    if (negotiate(req, parseFormat(req.query.f)) === 'html') return send(res, MEDIA.html, jsonHtml('Conformance', doc));
    send(res, MEDIA.json, JSON.stringify(doc));
  });

  router.get('/api', async (req, res) => {
    const doc = await serviceFor(await publicReads(ctx, req, res)).openapi(baseUrl(req));
    if (parseFormat(req.query.f) === 'html') return send(res, MEDIA.html, jsonHtml('API definition (OpenAPI 3.0)', doc));
    send(res, MEDIA.openapi, JSON.stringify(doc));
  });

  router.get('/collections', async (req, res) => {
    const format = negotiate(req, parseFormat(req.query.f));
    const doc = await serviceFor(await publicReads(ctx, req, res)).collections(baseUrl(req));
    if (format === 'html') return send(res, MEDIA.html, collectionsHtml(doc));
    send(res, MEDIA.json, JSON.stringify(doc));
  });

  router.get('/collections/:collectionId', async (req, res) => {
    const format = negotiate(req, parseFormat(req.query.f));
    const service = serviceFor(await publicReads(ctx, req, res, layersOf(req.params.collectionId)));
    const doc = await service.collection(baseUrl(req), req.params.collectionId);
    if (format === 'html') return send(res, MEDIA.html, collectionHtml(doc));
    send(res, MEDIA.json, JSON.stringify(doc));
  });

  router.get('/collections/:collectionId/queryables', async (req, res) => {
    const format = negotiate(req, parseFormat(req.query.f));
    const service = serviceFor(await publicReads(ctx, req, res, layersOf(req.params.collectionId)));
    const doc = await service.queryables(baseUrl(req), req.params.collectionId);
    if (format === 'html') return send(res, MEDIA.html, jsonHtml(`${req.params.collectionId} — queryables`, doc));
    send(res, MEDIA.jsonSchema, JSON.stringify(doc));
  });

  router.get('/collections/:collectionId/items', async (req, res) => {
    const id = req.params.collectionId;
    const service = serviceFor(await publicReads(ctx, req, res, layersOf(id)));
    const filters = await service.filtersOf(id);
    const query = parseItemsQuery(filters, req.query as Record<string, unknown>);
    const format = negotiate(req, query.format);
    const result = await service.items(baseUrl(req), id, query);
    res.set('Content-Crs', contentCrsHeader(result.crs));
    if (format === 'html') {
      const features = result.features.map((f) => JSON.parse(f));
      return send(res, MEDIA.html, itemsHtml(`${id} — features`, features, result.links, result.numberMatched));
    }
    send(res, MEDIA.geojson, result.body);
  });

  router.get('/collections/:collectionId/items/:featureId', async (req, res) => {
    const query = parseItemQuery(req.query as Record<string, unknown>);
    const format = negotiate(req, query.format);
    const service = serviceFor(await publicReads(ctx, req, res, layersOf(req.params.collectionId)));
    const body = await service.item(baseUrl(req), req.params.collectionId, req.params.featureId, query);
    res.set('Content-Crs', contentCrsHeader(query.crs));
    if (format === 'html') return send(res, MEDIA.html, itemHtml(req.params.collectionId, JSON.parse(body)));
    send(res, MEDIA.geojson, body);
  });

  router.use((req, _res, next) => next(new NotFoundException(`No OGC API resource at ${req.originalUrl.split('?')[0]}`, undefined, 'NotFound')));

  const ogcErrors: ErrorRequestHandler = (err, _req, res, next) => {
    if (!(err instanceof HttpException)) return next(err);
    const code = err.status === 404 ? 'NotFound' : err.code;
    res.status(err.status).type(MEDIA.json).send(JSON.stringify({ code, description: err.message }));
  };
  router.use(ogcErrors);
  return router;
}
