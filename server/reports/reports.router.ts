import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { ReportsRepository } from './reports.repository.ts';
import { parseStatsQuery, parseTimelineQuery, StatsService } from './stats.service.ts';
import { parseReportQuery, ReportsService } from './reports.service.ts';
import { renderCsv, renderHtml, renderXlsx, reportFileName } from './report-render.ts';
import { createPlansRouter } from '../plans/plans.router.ts';

/**
 * Dashboards and periodic reports. Everything here is computed from published (approved)
 * versions only, so it is public like the published map.
 *   GET /api/stats?by=region|province&era=2025|2009&as_of=YYYY-MM-DD[&phase=…]   (default era 2025; X-Era header says which)
 *   GET /api/stats/timeline?from=2009&to=2025
 *   GET /api/stats/range
 *   GET /api/reports/periodic?period=2025-H1&province=10&format=json|csv|xlsx|html[&era=2009|2025]
 * It also carries the plan routes (server/plans), so app.ts mounts this area with one line.
 */
export function createReportsRouter(ctx: AppContext): Router {
  const repository = new ReportsRepository(ctx.db);
  const stats = new StatsService(repository);
  const reports = new ReportsService(repository, stats);
  const router = Router();
  router.use(createPlansRouter(ctx));

  router.get('/stats', async (req, res) => {
    const q = parseStatsQuery(req.query as Record<string, unknown>);
    // the era of the row codes: 2025 (34 units, default) or 2009 (63 provinces); regions are the same in both
    res.set('Cache-Control', 'no-cache').set('X-Era', q.era).json(await stats.stats(q));
  });

  router.get('/stats/timeline', async (req, res) => {
    const { from, to } = parseTimelineQuery(req.query as Record<string, unknown>);
    res.set('Cache-Control', 'no-cache').json(await stats.timeline(from, to));
  });

  router.get('/stats/range', async (_req, res) => {
    res.set('Cache-Control', 'no-cache').json(await stats.range());
  });

  router.get('/reports/periodic', async (req, res) => {
    const q = parseReportQuery(req.query as Record<string, unknown>);
    const report = await reports.periodic(q);
    switch (q.format) {
      case 'json':
        res.json(report);
        return;
      case 'csv':
        res
          .type('text/csv; charset=utf-8')
          .attachment(reportFileName(report, 'csv'))
          .send(renderCsv(report));
        return;
      case 'xlsx':
        res
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .attachment(reportFileName(report, 'xlsx'))
          .send(await renderXlsx(report));
        return;
      case 'html': {
        const codes = report.scope.level === 'national' ? null : [report.scope.province_code!];
        const outlines = await repository.provinceOutlines(report.scope.era, codes, report.scope.level === 'national' ? 0.03 : 0.002);
        res.type('text/html; charset=utf-8').send(renderHtml(report, outlines));
        return;
      }
    }
  });

  return router;
}
