import express, { type Express } from 'express';
import compression from 'compression';
import cookieParser from 'cookie-parser';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AppContextInput } from './context.ts';
import { ReadRouting } from './db/read-routing.ts';
import { errorFilter, notFoundHandler } from './errors.ts';
import { enforceInputLimits, jsonBody, refuseUnsupportedEncoding, securityHeaders } from './http/request-edge.ts';
import { auditRefusedWrites } from './audit/audit.middleware.ts';
import { clientDistDir } from './paths.ts';
import { createHealthRouter } from './health/health.router.ts';
import { createGeographyRouter } from './geography/geography.router.ts';
import { createBasemapRouter } from './basemap/basemap.router.ts';
import { authenticate } from './auth/auth.middleware.ts';
import { createAuthRouter } from './auth/auth.router.ts';
import { createAnalysisRouter } from './analysis/analysis.router.ts';
import { createReportsRouter } from './reports/reports.router.ts';
import { createClustersRouter } from './clusters/clusters.router.ts';
import { createScreeningRouter } from './screening/screening.router.ts';
import { createOgcRouter } from './ogc/ogc.router.ts';
import { createTilesRouter } from './tiles/tiles.router.ts';
import { createPublicDataRouter } from './public-data/public-data.router.ts';
import { createExchangeRouter } from './exchange/exchange.router.ts';
import { createOpenApiRouter } from './openapi/openapi.router.ts';

export const JSON_BODY_LIMIT = '5mb';

/** Builds the Express app. It keeps no state between requests: sessions, locks and caches live in the database. */
export function createApp(input: AppContextInput): Express {
  const ctx = { ...input, reads: input.reads ?? new ReadRouting(input.db, { logger: input.logger }) };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders);
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      ctx.logger.debug(
        { method: req.method, path: req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        'request',
      );
    });
    next();
  });
  // Vector tiles are public and compress themselves (gzip cached with the tile): mounted before the session
  // lookup, so a signed-in user's map does not cost one session query per tile.
  app.use('/tiles', createTilesRouter(ctx));
  app.use(compression());
  app.use(cookieParser());
  // before the body parser, so a refused body is still attributed to its user in the audit trail
  app.use(authenticate(ctx));
  app.use(refuseUnsupportedEncoding);
  app.use(jsonBody(JSON_BODY_LIMIT));
  app.use(enforceInputLimits);

  const api = express.Router();
  api.use(createHealthRouter(ctx));
  api.use(createOpenApiRouter());
  api.use(createAuthRouter(ctx));
  api.use(createGeographyRouter(ctx));
  api.use('/basemap', createBasemapRouter(ctx));
  // Domain routers are mounted here, one line each.
  api.use(createExchangeRouter(ctx));
  api.use(createAnalysisRouter(ctx));
  api.use(createClustersRouter(ctx));
  api.use(createScreeningRouter(ctx));
  api.use(createReportsRouter(ctx));
  api.use('/public', createPublicDataRouter(ctx));
  app.use('/api', api);
  app.use('/ogc', createOgcRouter(ctx));
  app.use('/api', notFoundHandler);

  // The built client; any other path is a client route (deep links such as /c/:code).
  if (existsSync(clientDistDir)) {
    app.use(express.static(clientDistDir, { index: false, maxAge: '1h' }));
    app.get(/^\/(?!api\/|ogc\b|tiles\/).*/, (_req, res) => {
      res.set('Cache-Control', 'no-cache').sendFile(path.join(clientDistDir, 'index.html'));
    });
  }
  app.use(notFoundHandler);
  app.use(auditRefusedWrites(ctx));
  app.use(errorFilter(ctx.logger));
  return app;
}
