import express, { Router, type Request } from 'express';
import multer from 'multer';
import { stringify } from 'csv-stringify/sync';
import type { AppContext } from '../context.ts';
import { BadRequestException } from '../errors.ts';
import { clientIp, currentUser, requireUser } from '../auth/auth.middleware.ts';
import type { ReviewAction } from '../versioning/review-workflow.ts';
import { AMONG_RESIDENTIAL_CSV_COLUMNS, FacilitiesService } from './facilities.service.ts';
import { importFacilitiesCsv } from './facilities.import.ts';

const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

const q = (req: Request, k: string): string | undefined => (typeof req.query[k] === 'string' ? (req.query[k] as string) : undefined);

/** The expected head version from If-Match ("3" or W/"3") or body.version; null = none given (PUT answers 428). */
function expectedVersion(req: Request): number | null {
  const header = req.get('If-Match');
  const raw = header ? header.replace(/^W\//, '').replace(/"/g, '') : req.body?.version;
  if (raw === undefined || raw === null || raw === '*') return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new BadRequestException('If-Match / version must be a version number', { value: raw });
  return n;
}

/**
 * Facility register (see README.md): versions reviewed like clusters, CSV import, facilities among homes.
 * Signed-in staff only (401 for the public); other provinces see approved versions only.
 */
export function createFacilitiesRouter(ctx: AppContext): Router {
  const service = new FacilitiesService(ctx.db);
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_IMPORT_BYTES, files: 1 } });
  const router = Router();
  router.use('/facilities', requireUser());

  router.get('/facilities', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await service.list(currentUser(req), { province: q(req, 'province'), status: q(req, 'status'), limit: q(req, 'limit'), offset: q(req, 'offset') }));
  });

  router.get('/facilities/among-residential', async (req, res) => {
    const format = q(req, 'format') ?? 'json';
    if (format !== 'json' && format !== 'csv') throw new BadRequestException('format must be json or csv', { format });
    const result = await service.amongResidential({ province: q(req, 'province'), limit: q(req, 'limit') }, currentUser(req));
    res.set('Cache-Control', 'no-store');
    if (format === 'csv') {
      const rows = result.items.map((it) => AMONG_RESIDENTIAL_CSV_COLUMNS.map((c) => {
        const v = (it as unknown as Record<string, unknown>)[c];
        return v === null || v === undefined ? '' : String(v);
      }));
      const name = `facilities-among-residential${result.province ? `-${result.province}` : ''}.csv`;
      res.set('Content-Type', 'text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="${name}"`);
      // BOM so spreadsheet software reads the Vietnamese names as UTF-8
      res.send('\uFEFF' + stringify([[...AMONG_RESIDENTIAL_CSV_COLUMNS], ...rows]));
      return;
    }
    res.json(result);
  });

  router.post(
    '/facilities/import',
    express.text({ type: ['text/csv', 'text/plain'], limit: MAX_IMPORT_BYTES }),
    upload.single('file'),
    async (req, res) => {
      const content: Buffer | string | undefined = req.file?.buffer ?? (typeof req.body === 'string' ? req.body : undefined);
      if (content === undefined) throw new BadRequestException('Send the CSV as multipart field "file" or as a text/csv body', undefined, 'no-file');
      const report = await importFacilitiesCsv(ctx.db, { user: currentUser(req), ip: clientIp(req) }, content, {
        epsg: q(req, 'epsg'),
        dryRun: q(req, 'dry_run') === 'true' || q(req, 'dry_run') === '1',
        filename: req.file?.originalname,
      });
      res.status(report.dry_run ? 200 : 201).json(report);
    },
  );

  router.post('/facilities', async (req, res) => {
    const feature = await service.create({ user: currentUser(req), ip: clientIp(req) }, req.body);
    res.status(201).location(`/api/facilities/${feature.id}`).set('ETag', `"${feature.meta.version}"`).json(feature);
  });

  router.get('/facilities/:id', async (req, res) => {
    const feature = await service.get(currentUser(req), String(req.params.id), q(req, 'version'));
    res.set('Cache-Control', 'no-store').set('ETag', `"${feature.meta.version}"`).json(feature);
  });

  router.get('/facilities/:id/history', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await service.history(currentUser(req), String(req.params.id)));
  });

  router.get('/facilities/:id/versions', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await service.versions(currentUser(req), String(req.params.id)));
  });

  router.put('/facilities/:id', async (req, res) => {
    const feature = await service.update({ user: currentUser(req), ip: clientIp(req) }, String(req.params.id), req.body, expectedVersion(req));
    res.set('ETag', `"${feature.meta.version}"`).json(feature);
  });

  for (const action of ['submit', 'approve', 'request-changes'] as ReviewAction[]) {
    router.post(`/facilities/:id/${action}`, async (req, res) => {
      const header = req.get('If-Match');
      const expected = header ? expectedVersion(req) : null;
      const feature = await service.transition({ user: currentUser(req), ip: clientIp(req) }, String(req.params.id), action, req.body, expected);
      res.set('ETag', `"${feature.meta.version}"`).json(feature);
    });
  }

  router.get('/facilities/:id/comments', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await service.listComments({ user: currentUser(req), ip: clientIp(req) }, String(req.params.id)));
  });

  router.post('/facilities/:id/comments', async (req, res) => {
    res.status(201).json({ comment: await service.addComment({ user: currentUser(req), ip: clientIp(req) }, String(req.params.id), req.body) });
  });

  return router;
}
