import { Router, type Request } from 'express';
import type { AppContext } from '../context.ts';
import { PublicDataService } from './public-data.service.ts';
import { perDatabase, publicReads } from './read-source.ts';

const WHOLE_BODY_BYTES = 4 * 1024 * 1024;

function downloadsBase(req: Request): string {
  return `${req.protocol}://${req.get('host')}${req.baseUrl}/downloads`;
}

/** Public, login-free data: downloads of the public layers and the investment-opportunities list. Mounted at /api/public. */
export function createPublicDataRouter(ctx: AppContext): Router {
  const serviceFor = perDatabase((db) => new PublicDataService(db));
  const router = Router();

  router.get('/downloads', async (req, res) => {
    const service = serviceFor(await publicReads(ctx, req, res));
    res.set('Cache-Control', 'public, no-cache').json(await service.index(downloadsBase(req)));
  });

  router.get('/downloads/:file', async (req, res) => {
    const service = serviceFor(await publicReads(ctx, req, res));
    const plan = await service.download(req.params.file);
    res.set({
      'Content-Type': plan.format === 'geojson' ? 'application/geo+json; charset=utf-8' : 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${plan.filename}"`,
      'Cache-Control': 'public, no-cache',
      Link: `<${plan.licence.url}>; rel="license"; title="${plan.licence.name}"`,
      'X-Data-License': plan.licence.name,
      'X-Data-Date': plan.dataDate ? plan.dataDate.toISOString() : 'unknown',
    });
    if (plan.dataDate) res.set('Last-Modified', plan.dataDate.toUTCString());
    // A download that fits in WHOLE_BODY_BYTES is sent whole, with its length, in one write: an instance that dies
    // meanwhile has sent nothing and a proxy retries the request elsewhere. Larger ones stream as they are read.
    const held: Buffer[] = [];
    let heldBytes = 0;
    let streaming = false;
    for await (const chunk of plan.chunks()) {
      if (!streaming) {
        held.push(Buffer.from(chunk));
        heldBytes += held[held.length - 1].length;
        if (heldBytes <= WHOLE_BODY_BYTES) continue;
        streaming = true;
        if (!res.write(Buffer.concat(held))) await new Promise((resolve) => res.once('drain', resolve));
        held.length = 0;
        continue;
      }
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    }
    if (!streaming) {
      const body = Buffer.concat(held);
      return res.set('Content-Length', String(body.length)).end(body);
    }
    res.end();
  });

  router.get('/opportunities', async (req, res) => {
    const service = serviceFor(await publicReads(ctx, req, res));
    res.set('Cache-Control', 'public, no-cache').json(await service.opportunities(req.query as Record<string, unknown>));
  });

  return router;
}
