import { Router, type RequestHandler } from 'express';
import { anonymousAnalysisLimit } from '../http/rate-limit.ts';
import multer from 'multer';
import { stringify } from 'csv-stringify/sync';
import type { AppContext } from '../context.ts';
import { clientIp, currentUser, requireRole, requireUser } from '../auth/auth.middleware.ts';
import { BadRequestException } from '../errors.ts';
import { rolesFor } from '../domain/permissions.ts';
import { AnalysisRepository } from './analysis.repository.ts';
import { AnalysisService } from './analysis.service.ts';
import { ResidentialService } from './residential.service.ts';
import { regulationProfiles } from './profiles.ts';

export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;

/** multer's own errors (wrong field name, too many files) become 400s; a too-large file stays a 413. */
function uploadSingle(field: string): RequestHandler {
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_IMPORT_BYTES, files: 1 } }).single(field);
  return (req, res, next) =>
    upload(req, res, (err: unknown) => {
      if (!err) return next();
      const e = err as { code?: string; message?: string; field?: string };
      if (e.code === 'LIMIT_FILE_SIZE') return next(err);
      next(new BadRequestException(`Upload error: ${e.message}`, { field: e.field ?? field, code: e.code }, 'bad-upload'));
    });
}

/**
 * Residential zones, proximity, conformity and the conformity report. Mounted on /api at the root:
 * its cluster paths are /clusters/:id/proximity and /clusters/:id/conformity only.
 */
export function createAnalysisRouter(ctx: AppContext): Router {
  // validates the regulation profiles at start-up: a bad data file stops the server here
  regulationProfiles();
  const analysis = new AnalysisService(new AnalysisRepository(ctx.db));
  const residential = new ResidentialService(ctx.db);
  const router = Router();

  router.get('/residential-zones', async (req, res) => {
    const r = await residential.list(req.query as Record<string, unknown>);
    res.set('X-Total-Returned', String(r.count)).set('X-Limit', String(r.limit)).type('application/geo+json').send(r.json);
  });

  router.post('/residential-zones/import', requireRole(...rolesFor('import-residential')), uploadSingle('file'), async (req, res) => {
    const user = currentUser(req);
    const jobId = await residential.startImport(user, req.file);
    const options = { defaultKind: (req.body as Record<string, unknown> | undefined)?.kind, ip: clientIp(req) };
    const asyncMode = req.query.async === 'true' || req.query.async === '1' || /respond-async/.test(req.get('Prefer') ?? '');
    if (asyncMode) {
      // the job row is the progress: any instance can answer GET /residential-zones/imports/:id
      residential.runImport(jobId, user, req.file!, options).catch((err) => ctx.logger.debug({ err: (err as Error).message, jobId }, 'residential import rejected'));
      res.status(202).location(`/api/residential-zones/imports/${jobId}`).json({ import_id: jobId, status: 'running', progress_url: `/api/residential-zones/imports/${jobId}` });
      return;
    }
    const outcome = await residential.runImport(jobId, user, req.file!, options);
    res.status(201).location(`/api/residential-zones/imports/${jobId}`).json(outcome);
  });

  router.get('/residential-zones/imports/:id', requireUser(), async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await residential.getImport(req.params.id as string, currentUser(req)));
  });

  router.delete('/residential-zones/:id', requireRole(...rolesFor('administer')), async (req, res) => {
    await residential.delete(req.params.id as string, currentUser(req), clientIp(req));
    res.status(204).end();
  });

  router.get('/clusters/:id/proximity', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await analysis.clusterProximity(req.params.id as string, req.user));
  });

  router.get('/clusters/:id/conformity', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await analysis.clusterConformity(req.params.id as string, req.user, req.query.profile));
  });

  const anonymousLimit = anonymousAnalysisLimit(ctx.config.anonymousAnalysisPerMinute);
  router.post('/analysis/proximity', anonymousLimit, async (req, res) => {
    res.json(await analysis.geometryProximity((req.body ?? {}) as Record<string, unknown>));
  });

  router.post('/analysis/check', anonymousLimit, async (req, res) => {
    res.json(await analysis.check((req.body ?? {}) as Record<string, unknown>, req.user));
  });

  router.get('/analysis/profiles', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(
      regulationProfiles().map((p) => ({ id: p.id, document: p.document, document_en: p.document_en ?? null, title: p.title, effective_from: p.effective_from, effective_until: p.effective_until })),
    );
  });

  router.get('/conformity/report', async (req, res) => {
    const format = req.query.format === undefined ? 'json' : String(req.query.format);
    if (format !== 'json' && format !== 'csv') throw new BadRequestException('format must be json or csv', { field: 'format' });
    const report = await analysis.report({ profile: req.query.profile, province: req.query.province }, req.user);
    if (format === 'json') {
      res.set('Cache-Control', 'no-store').json(report);
      return;
    }
    const rows = report.clusters.map((c) => ({
      code: c.code,
      name: c.name,
      province_code: c.province_code,
      status: c.status,
      profile: c.profile,
      worst: c.worst,
      failing_rules: c.failing.map((f) => f.rule).join('; '),
      failing_messages: c.failing.map((f) => `${f.rule}: ${f.message}`).join(' | '),
      warnings: c.warnings.join('; '),
      id: c.id,
    }));
    const csv = stringify(rows, {
      header: true,
      columns: ['code', 'name', 'province_code', 'status', 'profile', 'worst', 'failing_rules', 'failing_messages', 'warnings', 'id'],
    });
    const file = `conformity-report${report.province ? `-${report.province}` : ''}${report.profile ? `-${report.profile}` : ''}.csv`;
    // the BOM makes Excel read the Vietnamese text as UTF-8
    res.set('Cache-Control', 'no-store').type('text/csv; charset=utf-8').attachment(file).send('\uFEFF' + csv);
  });

  return router;
}
