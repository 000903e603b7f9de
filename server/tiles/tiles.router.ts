import { Router, type Request } from 'express';
import type { AppContext } from '../context.ts';
import { NotFoundException } from '../errors.ts';
import { MVT_MEDIA_TYPE, TilesService, type EncoderChoice } from './tiles.service.ts';
import { publicReads } from '../public-data/read-source.ts';

const MIN_GZIP_BYTES = 1024;

function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host')}${req.baseUrl}`;
}

/** Vector tiles and TileJSON at /tiles (mounted on the app, next to /api). */
export function createTilesRouter(ctx: AppContext, options: { encoder?: EncoderChoice } = {}): Router {
  // tileEncoder: 'js' forces the JavaScript encoder even where ST_AsMVT works (tests, comparisons)
  const encoder = options.encoder ?? ctx.config.tileEncoder;
  const service = new TilesService(ctx.db, { encoder });
  const router = Router();

  router.get('/versions.json', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await service.versions(await publicReads(ctx, req, res)));
  });

  router.get('/:layer.json', async (req, res) => {
    const reads = await publicReads(ctx, req, res, [req.params.layer]);
    res.set('Cache-Control', 'public, no-cache').json(await service.tileJson(baseUrl(req), req.params.layer, reads));
  });

  router.get('/:layer/:z/:x/:y.pbf', async (req, res) => {
    const { layer, z, x, y } = req.params;
    const reads = await publicReads(ctx, req, res, [layer]);
    const result = await service.tile(layer, z, x, y, req.get('If-None-Match'), reads);
    res.set({
      ETag: result.etag,
      'Cache-Control': result.cacheControl,
      Vary: 'Accept-Encoding',
      'X-Tile-Encoder': service.encoder,
      // for nginx in front (scripts/cluster/nginx.conf.template): store the tile, but as already expired, so
      // every request revalidates it here with its ETag and an approval shows at once (the header stays in nginx)
      'X-Accel-Expires': '@1',
    });
    if (result.status !== 200) return res.status(result.status).end();
    // compressed (and cached) here: /tiles is mounted before the compression middleware
    const gzip = result.body!.length >= MIN_GZIP_BYTES && req.acceptsEncodings('gzip') === 'gzip';
    const body = gzip ? service.gzipped(result) : result.body!;
    if (gzip) res.set('Content-Encoding', 'gzip');
    res.status(200).type(MVT_MEDIA_TYPE).send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  });

  router.use((req, _res, next) => next(new NotFoundException(`No tile resource at ${req.originalUrl.split('?')[0]}`, undefined, 'tile-not-found')));
  return router;
}
