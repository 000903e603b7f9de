import { Router, type Request } from 'express';
import { stringify } from 'csv-stringify/sync';
import type { AppContext } from '../context.ts';
import { BadRequestException } from '../errors.ts';
import { clientIp, currentUser, requireUser } from '../auth/auth.middleware.ts';
import { CRITERIA } from '../domain/screening-score.ts';
import { ScreeningService, type ScreeningResponse } from './screening.service.ts';
import { createFacilitiesRouter } from '../facilities/facilities.router.ts';

const q = (req: Request, k: string): string | undefined => (typeof req.query[k] === 'string' ? (req.query[k] as string) : undefined);

/** One row per cluster and facility: candidates by rank, then the rejected with their reason. */
export function screeningCsv(s: ScreeningResponse): string {
  const header = ['screening_id', 'facility_id', 'facility_name', 'outcome', 'rank', 'cluster_id', 'cluster_name', 'province_code', 'planned', 'score'];
  for (const c of CRITERIA) header.push(`${c}_raw`, `${c}_normalized`, `${c}_weight`, `${c}_contribution`);
  header.push('constraint', 'message');
  const rows: unknown[][] = [header];
  for (const r of s.results) {
    for (const c of r.candidates) {
      const row: unknown[] = [s.id, r.facility_id, r.facility.name, 'candidate', c.rank, c.cluster_id, c.name, c.province_code, c.planned, c.score];
      for (const k of CRITERIA) {
        const x = c.criteria.find((y) => y.criterion === k);
        row.push(x?.raw ?? '', x?.normalized ?? '', x?.weight ?? '', x?.contribution ?? '');
      }
      row.push('', '');
      rows.push(row);
    }
    for (const x of r.rejected) {
      const row: unknown[] = [s.id, r.facility_id, r.facility.name, 'rejected', '', x.cluster_id, x.name, x.province_code, x.planned, ''];
      for (const _k of CRITERIA) row.push('', '', '', '');
      row.push(x.constraint, x.message);
      rows.push(row);
    }
  }
  return '\uFEFF' + stringify(rows.map((r) => r.map((v) => (v === null || v === undefined ? '' : String(v)))));
}

/**
 * Relocation: the facility register (/facilities…, see facilities.router.ts) and the screening:
 * POST /screening runs and stores a screening; GET /screenings/:id returns it as stored. Staff only.
 * One router so app.ts mounts the whole area with one line.
 */
export function createScreeningRouter(ctx: AppContext): Router {
  const service = new ScreeningService(ctx.db);
  const router = Router();
  router.use(createFacilitiesRouter(ctx));

  router.post('/screening', requireUser(), async (req, res) => {
    const result = await service.run({ user: currentUser(req), ip: clientIp(req) }, req.body);
    res.status(201).location(`/api/screenings/${result.id}`).json(result);
  });

  router.get('/screenings', requireUser(), async (req, res) => {
    const limit = Number(q(req, 'limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new BadRequestException('limit must be 1–500');
    res.set('Cache-Control', 'no-store').json(await service.list(currentUser(req), limit));
  });

  router.get('/screenings/:id', requireUser(), async (req, res) => {
    const format = q(req, 'format') ?? 'json';
    if (format !== 'json' && format !== 'csv') throw new BadRequestException('format must be json or csv', { format });
    const s = await service.get(currentUser(req), String(req.params.id));
    // a stored screening never changes
    res.set('Cache-Control', 'private, max-age=3600');
    if (format === 'csv') {
      res.set('Content-Type', 'text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="screening-${s.id}.csv"`).send(screeningCsv(s));
      return;
    }
    res.json(s);
  });

  return router;
}
