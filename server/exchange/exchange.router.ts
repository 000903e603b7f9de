/**
 * Data exchange (issue 8):
 *   POST /api/imports                 multipart: file, layer[, province, plan]  (?crs=EPSG:NNNN) → 202 {id}
 *   GET  /api/imports                 the user's recent imports
 *   GET  /api/imports/:id             {id, state, progress, format, crs, encoding, feature_count, mapping, issues, …}
 *   GET  /api/imports/:id/features    staged features (WGS 84) for the map preview
 *   PUT  /api/imports/:id/mapping     {mapping: {source: attribute|null}} → re-check
 *   PUT  /api/imports/:id/crs         {crs: "EPSG:NNNN"} confirms/changes the CRS → re-check
 *   POST /api/imports/:id/commit      → {created, skipped} (idempotent)
 *   GET  /api/exports/{layer}.{geojson|kml|kmz|shp.zip|csv|gpkg|fgb}?crs=EPSG:NNNN&province=10,27
 */
import { mkdirSync } from 'node:fs';
import { Router, type RequestHandler } from 'express';
import multer from 'multer';
import type { AppContext } from '../context.ts';
import { BadRequestException, PayloadTooLargeException } from '../errors.ts';
import { ImportsService, MAX_UPLOAD_BYTES } from './imports.service.ts';
import { ExportsService } from './exports.service.ts';
import { uploadDir } from './temp-files.ts';

export function createExchangeRouter(ctx: AppContext): Router {
  const imports = new ImportsService(ctx.db, ctx.logger);
  const exportsService = new ExportsService(ctx.db);
  const router = Router();
  const dir = uploadDir();
  mkdirSync(dir, { recursive: true });
  // streamed to disk, never held in memory; the check reads it from there
  const upload = multer({ dest: dir, limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 20 } }).single('file');
  const receive: RequestHandler = (req, res, next) => {
    upload(req, res, (err: unknown) => {
      if (!err) return next();
      const e = err as { code?: string; message?: string; field?: string };
      if (e.code === 'LIMIT_FILE_SIZE') return next(new PayloadTooLargeException(`The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`));
      if (e.code?.startsWith('LIMIT_')) return next(new BadRequestException(e.message ?? 'Bad upload', { field: e.field ?? null, reason: e.code }, 'invalid-upload'));
      next(new BadRequestException(`Bad multipart body: ${e.message ?? ''}`, undefined, 'invalid-upload'));
    });
  };

  router.post('/imports', receive, async (req, res) => {
    const result = await imports.upload(req.user, req.file ? { path: req.file.path, originalname: req.file.originalname, size: req.file.size } : undefined, req.body ?? {}, req.query as Record<string, unknown>);
    res.status(202).set('Location', `/api/imports/${result.id}`).json(result);
  });

  router.get('/imports', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await imports.list(req.user));
  });

  router.get('/imports/:id', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await imports.get(req.user, req.params.id, req.query as Record<string, unknown>));
  });

  router.delete('/imports/:id', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await imports.cancel(req.user, req.params.id));
  });

  router.get('/imports/:id/features', async (req, res) => {
    const preview = await imports.preview(req.user, req.params.id); // first: a refusal is application/json, not GeoJSON
    res.set('Cache-Control', 'no-store').type('application/geo+json').send(preview);
  });

  router.put('/imports/:id/mapping', async (req, res) => {
    res.json(await imports.putMapping(req.user, req.params.id, req.body));
  });

  router.put('/imports/:id/crs', async (req, res) => {
    res.json(await imports.putCrs(req.user, req.params.id, req.body ?? { crs: req.query.crs }));
  });

  router.post('/imports/:id/commit', async (req, res) => {
    res.json(await imports.commit(req.user, req.params.id));
  });

  router.get('/exports/:target', async (req, res) => {
    const file = await exportsService.export(req.user, req.params.target, req.query as Record<string, unknown>);
    res
      .set('Cache-Control', req.user ? 'private, no-store' : 'public, max-age=60')
      .set('Vary', 'Cookie')
      .set('Content-Disposition', `attachment; filename="${file.filename}"`)
      .set('X-Feature-Count', String(file.count))
      .type(file.contentType)
      .send(file.body);
  });

  return router;
}
