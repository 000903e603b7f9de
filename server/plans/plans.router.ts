/**
 * The cluster development plan (to 2020, vision 2025) — all for signed-in staff:
 *   GET  /api/plans                                  list
 *   POST /api/plans                                  create a draft plan {name, level, region_code|province_code, horizon_year, vision_year, supersedes_id}
 *   GET  /api/plans/:id                              plan, its events and the plans it supersedes
 *   POST /api/plans/:id/approve                      {decision_no, decision_date, decision_authority}
 *   GET  /api/plans/:id/items?phase=&view=head       FeatureCollection of items
 *   POST /api/plans/:id/items                        add a planned cluster (draft amendment)
 *   POST /api/plans/:id/items/import                 CSV (text/csv body or multipart "file")
 *   GET  /api/plans/:id/summary?as_of=               plan against reality per phase
 *   GET  /api/plan-items/:id                         item, pending diff, history
 *   PUT  /api/plan-items/:id        If-Match         resize / move / link (draft amendment)
 *   DELETE /api/plan-items/:id      If-Match         remove from the plan (draft amendment)
 *   POST /api/plan-items/:id/submit | approve | request-changes
 *   GET  /api/plan-items/:id/diff?from=&to=
 *   GET|POST /api/plan-items/:id/comments
 */
import express, { Router, type Request } from 'express';
import multer from 'multer';
import type { AppContext } from '../context.ts';
import { clientIp } from '../auth/auth.middleware.ts';
import { parseVersionTag, versionTag, type ReviewAction } from '../versioning/review-workflow.ts';
import { PlansService } from './plans.service.ts';

const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

const ctxOf = (req: Request) => ({ actor: req.user, ip: clientIp(req) });

export function createPlansRouter(ctx: AppContext): Router {
  const service = new PlansService(ctx.db);
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_IMPORT_BYTES, files: 1 } });
  const router = Router();

  router.get('/plans', async (req, res) => {
    res.set('Cache-Control', 'private, no-cache').json(await service.listPlans(req.user));
  });

  router.post('/plans', async (req, res) => {
    res.status(201).json(await service.createPlan(ctxOf(req), req.body));
  });

  router.get('/plans/:id', async (req, res) => {
    res.set('Cache-Control', 'private, no-cache').json(await service.getPlan(req.user, req.params.id));
  });

  router.post('/plans/:id/approve', async (req, res) => {
    res.json(await service.approvePlan(ctxOf(req), req.params.id, req.body));
  });

  router.get('/plans/:id/items', async (req, res) => {
    // awaited first: a refusal must not go out with the GeoJSON media type
    const items = await service.listItems(req.user, req.params.id, req.query as Record<string, unknown>);
    res.set('Cache-Control', 'private, no-cache').type('application/geo+json').json(items);
  });

  router.post('/plans/:id/items', async (req, res) => {
    const out = await service.addItem(ctxOf(req), req.params.id, req.body);
    res.status(201).set('ETag', versionTag(out.item.properties.version)).json(out);
  });

  router.post(
    '/plans/:id/items/import',
    express.text({ type: ['text/csv', 'text/plain', 'application/csv'], limit: MAX_IMPORT_BYTES }),
    upload.single('file'),
    async (req, res) => {
      const text = req.file ? req.file.buffer.toString('utf8') : typeof req.body === 'string' ? req.body : undefined;
      res.status(201).json(await service.importItems(ctxOf(req), req.params.id as string, text));
    },
  );

  router.get('/plans/:id/summary', async (req, res) => {
    res.set('Cache-Control', 'private, no-cache').json(await service.summary(req.user, req.params.id, req.query.as_of));
  });

  router.get('/plan-items/:id', async (req, res) => {
    const out = await service.getItem(req.user, req.params.id);
    res.set('ETag', versionTag(out.item.properties.version)).set('Cache-Control', 'private, no-cache').json(out);
  });

  router.put('/plan-items/:id', async (req, res) => {
    const out = await service.updateItem(ctxOf(req), req.params.id, parseVersionTag(req.get('If-Match')), req.body);
    res.set('ETag', versionTag(out.item.properties.version)).json(out);
  });

  router.delete('/plan-items/:id', async (req, res) => {
    const out = await service.removeItem(ctxOf(req), req.params.id, parseVersionTag(req.get('If-Match')), req.body?.comment ?? req.query.comment);
    res.set('ETag', versionTag(out.item.properties.version)).json(out);
  });

  for (const action of ['submit', 'approve', 'request-changes'] as ReviewAction[]) {
    router.post(`/plan-items/:id/${action}`, async (req, res) => {
      const out = await service.transition(ctxOf(req), req.params.id as string, action, req.body, parseVersionTag(req.get('If-Match')));
      res.set('ETag', versionTag(out.item.properties.version)).json(out);
    });
  }

  router.get('/plan-items/:id/diff', async (req, res) => {
    res.set('Cache-Control', 'private, no-cache').json(await service.diff(req.user, req.params.id, req.query.from, req.query.to));
  });

  router.get('/plan-items/:id/comments', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await service.listComments(ctxOf(req), req.params.id));
  });

  router.post('/plan-items/:id/comments', async (req, res) => {
    res.status(201).json(await service.addComment(ctxOf(req), req.params.id, req.body));
  });

  return router;
}
