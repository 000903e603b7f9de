/** Builds the OpenAPI 3.1 document of /api from the contract (./contract.ts) and the schemas (./schemas.ts). */
import { routes, type BodyKind, type RouteContract } from './contract.ts';
import { ref, schemas, type JsonSchema } from './schemas.ts';

const MEDIA: Record<BodyKind, string> = { json: 'application/json', geojson: 'application/geo+json', multipart: 'multipart/form-data', csv: 'text/csv' };

/** /clusters/:id → /api/clusters/{id} */
export const openApiPath = (expressPath: string): string => '/api' + expressPath.replace(/:(\w+)/g, '{$1}');

function operation(route: RouteContract): Record<string, unknown> {
  const pathParams = [...route.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const queryParams = Object.entries(route.query ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema }));
  const headerParams = route.ifMatch
    ? [{ name: 'If-Match', in: 'header', required: true, description: 'the ETag of the version being changed ("<version>"); 428 without it, 412 when stale', schema: { type: 'string' } }]
    : [];
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(route.responses)) {
    responses[status] = r.schema === undefined ? { description: r.description } : { description: r.description, content: { [r.type ?? 'application/json']: { schema: r.schema } } };
  }
  responses.default = { description: 'Error: {error:{code,message,details}} with the HTTP status (400, 401, 403, 404, 409, 412, 413, 422, 428, 429)', content: { 'application/json': { schema: ref('Error') } } };
  const op: Record<string, unknown> = {
    tags: [route.tag],
    summary: route.summary,
    operationId: `${route.method}${route.path.replace(/[/:.-](\w)/g, (_m, c: string) => c.toUpperCase()).replace(/\W/g, '')}`,
    parameters: [...pathParams, ...queryParams, ...headerParams],
    responses,
    'x-access': route.access,
  };
  if (route.access !== 'public') op.security = [{ session: [] }];
  if (route.body) {
    const kinds = Array.isArray(route.body.kind) ? route.body.kind : [route.body.kind];
    const content: Record<string, { schema: JsonSchema }> = {};
    for (const k of kinds) content[MEDIA[k]] = { schema: route.body.schema ?? (k === 'csv' ? { type: 'string' } : ref('Object')) };
    op.requestBody = { required: route.body.required ?? true, content };
  }
  return op;
}

let cached: Record<string, unknown> | undefined;

export function buildOpenApiDocument(): Record<string, unknown> {
  if (cached) return structuredClone(cached);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const p = openApiPath(route.path);
    paths[p] ??= {};
    if (paths[p][route.method]) throw new Error(`contract: ${route.method} ${route.path} declared twice`);
    paths[p][route.method] = operation(route);
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'Cluster Atlas API',
      version: '1',
      description:
        'The /api of Cluster Atlas (industrial clusters of Viet Nam). Writes with the session cookie must send X-CSRF-Token equal to the csrf_token cookie. ' +
        'x-access on each operation: public, user (signed in; the service decides by role and province), or the roles the route requires. ' +
        'The OGC API Features document is at /ogc/api.',
    },
    servers: [{ url: '/' }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas,
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'ca_session' } },
    },
  };
  return structuredClone(cached);
}
