/**
 * Cluster registry API (contract of issue 3; see server/clusters/README.md):
 *   GET    /api/clusters?province=&status=&bbox=&q=&limit=&offset=   FeatureCollection
 *   POST   /api/clusters                                              Feature body → 201 Feature
 *   POST   /api/clusters/validate[?id=]                               validation report, nothing stored
 *   GET    /api/clusters/review-queue                                 submitted head versions (reviewer: own province)
 *   GET    /api/clusters/without-boundary[?boundary_status=none,provisional&province=]  worklist (staff)
 *   GET    /api/clusters/:id[?version=N]                              Feature, ETag = version
 *   PUT    /api/clusters/:id            If-Match                      new version (draft)
 *   DELETE /api/clusters/:id            If-Match                      new version with status removed
 *   POST   /api/clusters/:id/submit | approve | request-changes {comment}
 *   GET    /api/clusters/:id/versions, /diff?from=V&to=W
 *   GET|POST /api/clusters/:id/comments
 */
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.ts';
import { clientIp } from '../auth/auth.middleware.ts';
import { parseVersionTag, versionTag, type ReviewAction } from '../versioning/review-workflow.ts';
import { ClustersService, type ActionContext } from './clusters.service.ts';
import { perDatabase, publicReads } from '../public-data/read-source.ts';

const GEOJSON = 'application/geo+json';

const ctxOf = (req: Request): ActionContext => ({ actor: req.user, ip: clientIp(req) });

function sendFeature(res: Response, feature: { properties: Record<string, unknown> }, status = 200) {
  res.status(status).set('ETag', versionTag(feature.properties.version as number)).set('Vary', 'Cookie').set('Cache-Control', 'private, no-cache');
  res.type(GEOJSON).json(feature);
}

export function createClustersRouter(ctx: AppContext): Router {
  const service = new ClustersService(ctx.db);
  // the public listing and cluster cards are public reads (the standby when fresh); staff read the primary
  const serviceFor = perDatabase((db) => (db === ctx.db ? service : new ClustersService(db)));
  const router = Router();

  router.get('/clusters', async (req, res) => {
    const fc = await serviceFor(await publicReads(ctx, req, res)).list(req.user, req.query);
    res.set('Vary', 'Cookie').set('Cache-Control', 'private, no-cache').type(GEOJSON).json(fc);
  });

  router.post('/clusters', async (req, res) => {
    sendFeature(res, await service.create(ctxOf(req), req.body), 201);
  });

  router.post('/clusters/validate', async (req, res) => {
    const id = typeof req.query.id === 'string' && req.query.id ? req.query.id : undefined;
    res.set('Cache-Control', 'no-store').json(await service.validate(ctxOf(req), req.body, id));
  });

  router.get('/clusters/without-boundary', async (req, res) => {
    res.set('Cache-Control', 'no-store').type(GEOJSON).json(await service.withoutBoundary(req.user, req.query));
  });

  router.get('/clusters/review-queue', async (req, res) => {
    const queue = await service.reviewQueue(req.user); // first: a refusal is application/json, not GeoJSON
    res.set('Cache-Control', 'no-store').type(GEOJSON).json(queue);
  });

  router.get('/clusters/:id', async (req, res) => {
    sendFeature(res, await serviceFor(await publicReads(ctx, req, res)).get(req.user, req.params.id, req.query.version));
  });

  router.put('/clusters/:id', async (req, res) => {
    sendFeature(res, await service.update(ctxOf(req), req.params.id, parseVersionTag(req.get('If-Match')), req.body));
  });

  router.delete('/clusters/:id', async (req, res) => {
    const comment = req.body?.comment ?? req.query.comment;
    sendFeature(res, await service.remove(ctxOf(req), req.params.id, parseVersionTag(req.get('If-Match')), comment));
  });

  for (const action of ['submit', 'approve', 'request-changes'] as ReviewAction[]) {
    router.post(`/clusters/:id/${action}`, async (req, res) => {
      sendFeature(res, await service.transition(ctxOf(req), req.params.id as string, action, req.body, parseVersionTag(req.get('If-Match'))));
    });
  }

  router.get('/clusters/:id/versions', async (req, res) => {
    res.set('Vary', 'Cookie').set('Cache-Control', 'private, no-cache').json(await service.versions(req.user, req.params.id));
  });

  router.get('/clusters/:id/diff', async (req, res) => {
    res.set('Vary', 'Cookie').set('Cache-Control', 'private, no-cache').json(await service.diff(req.user, req.params.id, req.query.from, req.query.to));
  });

  router.get('/clusters/:id/comments', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await service.listComments(ctxOf(req), req.params.id));
  });

  router.post('/clusters/:id/comments', async (req, res) => {
    res.status(201).json({ comment: await service.addComment(ctxOf(req), req.params.id, req.body) });
  });

  return router;
}
