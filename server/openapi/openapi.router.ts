import { Router } from 'express';
import { buildOpenApiDocument } from './document.ts';

/** GET /api/openapi.json: the OpenAPI 3.1 document of /api, generated from the contract (server/openapi/contract.ts). */
export function createOpenApiRouter(): Router {
  const router = Router();
  const body = JSON.stringify(buildOpenApiDocument());
  router.get('/openapi.json', (_req, res) => {
    res.set('Cache-Control', 'public, no-cache').type('application/json').send(body);
  });
  return router;
}
