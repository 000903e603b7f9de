/**
 * The /api contract, declared once: every route with its access rule, parameters, request body and responses (JSON
 * Schemas from ./schemas.ts). `buildOpenApiDocument` publishes it as OpenAPI 3.1 at GET /api/openapi.json; the
 * contract test checks that every route registered in the Express app is declared here and that real responses
 * validate against the declared schemas.
 */
import { object, ref, type JsonSchema } from './schemas.ts';

/** who may call: anyone, any signed-in user (the service then decides by role and province), or the roles the router requires */
export type Access = 'public' | 'user' | Array<'planner' | 'reviewer' | 'ministry' | 'admin'>;
export type BodyKind = 'json' | 'geojson' | 'multipart' | 'csv';

export interface ResponseContract {
  description: string;
  /** JSON Schema of a JSON body */
  schema?: JsonSchema;
  /** media type when not application/json */
  type?: string;
}

export interface RouteContract {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Express path under /api, e.g. /clusters/:id */
  path: string;
  tag: string;
  summary: string;
  access: Access;
  query?: Record<string, JsonSchema>;
  body?: { kind: BodyKind | BodyKind[]; schema?: JsonSchema; required?: boolean };
  /** optimistic concurrency: the request carries If-Match: "<version>" */
  ifMatch?: boolean;
  responses: Record<number, ResponseContract>;
}

const GEOJSON = 'application/geo+json';
const str = { type: 'string' };
const int = { type: 'integer' };
const ok = (schema: JsonSchema, description = 'OK', type?: string): Record<number, ResponseContract> => ({ 200: { description, schema, type } });
const created = (schema: JsonSchema, description = 'Created'): Record<number, ResponseContract> => ({ 201: { description, schema } });
const comment = object({ comment: str }, ['comment']);
const WRITERS: Access = ['planner', 'reviewer', 'admin'];

/** the review workflow routes of a versioned entity (clusters, plan items, facilities) */
function reviewRoutes(base: string, tag: string, feature: JsonSchema, type?: string): RouteContract[] {
  return (['submit', 'approve', 'request-changes'] as const).map((action) => ({
    method: 'post' as const,
    path: `${base}/:id/${action}`,
    tag,
    summary: `${action} the head version (review workflow)`,
    access: 'user',
    ifMatch: true,
    body: { kind: 'json' as const, schema: comment, required: false },
    responses: ok(feature, 'OK', type),
  }));
}
function commentRoutes(base: string, tag: string): RouteContract[] {
  return [
    { method: 'get', path: `${base}/:id/comments`, tag, summary: 'comment thread', access: 'user', responses: ok(ref('Comments')) },
    { method: 'post', path: `${base}/:id/comments`, tag, summary: 'add a comment', access: 'user', body: { kind: 'json', schema: object({ body: str }) }, responses: created(ref('Object')) },
  ];
}

export const routes: RouteContract[] = [
  // --- platform
  { method: 'get', path: '/health', tag: 'platform', summary: 'liveness and database status', access: 'public', responses: ok(ref('Health')) },
  { method: 'get', path: '/openapi.json', tag: 'platform', summary: 'this document', access: 'public', responses: ok(ref('Object')) },
  // --- auth
  { method: 'post', path: '/auth/login', tag: 'auth', summary: 'sign in (sets the ca_session and csrf_token cookies)', access: 'public', body: { kind: 'json', schema: object({ username: str, password: str }) }, responses: ok(object({ user: ref('SessionUser') })) },
  { method: 'post', path: '/auth/logout', tag: 'auth', summary: 'sign out', access: 'public', responses: { 204: { description: 'Signed out' }, 200: { description: 'Signed out', schema: ref('Object') } } },
  { method: 'get', path: '/auth/me', tag: 'auth', summary: 'the signed-in user', access: 'user', responses: ok(object({ user: ref('SessionUser') })) },
  { method: 'get', path: '/users', tag: 'auth', summary: 'accounts', access: ['admin'], responses: ok(object({ users: { type: 'array', items: ref('User') } })) },
  { method: 'post', path: '/users', tag: 'auth', summary: 'create an account', access: ['admin'], body: { kind: 'json', schema: object({ username: str, password: str, role: str, province_code: { type: ['string', 'null'] }, display_name: str }, ['province_code', 'display_name']) }, responses: created(ref('Object')) },
  { method: 'get', path: '/audit', tag: 'auth', summary: 'audit trail', access: ['admin'], query: { limit: int, before: int, user: str, action: str }, responses: ok(ref('AuditEntries')) },
  // --- geography
  { method: 'get', path: '/regions', tag: 'geography', summary: 'the six socio-economic regions', access: 'public', responses: ok({ type: 'array', items: ref('Region') }) },
  { method: 'get', path: '/provinces', tag: 'geography', summary: 'provinces: the 34 units of 2025 (default) or, with era=2009, the 63 provinces; each says its era', access: 'public', query: { era: str, geometry: str }, responses: ok(ref('ProvinceCollection'), 'OK', GEOJSON) },
  { method: 'get', path: '/provinces/:code', tag: 'geography', summary: 'one province (era=2025 default, era=2009)', access: 'public', query: { era: str, geometry: str }, responses: ok(ref('ProvinceFeature'), 'OK', GEOJSON) },
  { method: 'get', path: '/provinces/:code/districts', tag: 'geography', summary: 'districts of a 2009 province (districts were abolished on 1 July 2025)', access: 'public', query: { era: str }, responses: ok({ type: 'array', items: ref('District') }) },
  { method: 'get', path: '/provinces/:code/communes', tag: 'geography', summary: 'the communes of a 2025 unit', access: 'public', responses: ok(ref('CommuneList')) },
  { method: 'get', path: '/communes', tag: 'geography', summary: '2025 commune boundaries in a bbox (at most 2° a side)', access: 'public', query: { bbox: str }, responses: ok(ref('FeatureCollection'), 'OK', GEOJSON) },
  { method: 'get', path: '/basemap/style.json', tag: 'basemap', summary: 'offline MapLibre style', access: 'public', responses: ok(ref('Object')) },
  { method: 'get', path: '/basemap/land.geojson', tag: 'basemap', summary: 'land polygons', access: 'public', responses: ok(ref('FeatureCollection'), 'OK', GEOJSON) },
  { method: 'get', path: '/basemap/labels.geojson', tag: 'basemap', summary: 'place labels', access: 'public', responses: ok(ref('FeatureCollection'), 'OK', GEOJSON) },
  { method: 'get', path: '/basemap/config', tag: 'basemap', summary: 'basemap settings', access: 'public', responses: ok(object({ basemapStyleUrl: { type: ['string', 'null'] } })) },
  // --- exchange
  { method: 'post', path: '/imports', tag: 'exchange', summary: 'upload a file to import (GeoJSON, KML/KMZ, zipped Shapefile, CSV); checked in the background', access: 'user', query: { layer: str, crs: str }, body: { kind: 'multipart', schema: object({ file: { type: 'string', format: 'binary' }, layer: str, crs: str }, ['layer', 'crs']) }, responses: { 202: { description: 'Accepted; poll Location', schema: object({ id: str }) } } },
  { method: 'get', path: '/imports', tag: 'exchange', summary: 'my imports', access: 'user', responses: ok(ref('Imports')) },
  { method: 'get', path: '/imports/:id', tag: 'exchange', summary: 'import report', access: 'user', responses: ok(ref('ImportSummary')) },
  { method: 'delete', path: '/imports/:id', tag: 'exchange', summary: 'cancel a running check, or discard a checked import', access: 'user', responses: ok(ref('ImportSummary')) },
  { method: 'get', path: '/imports/:id/features', tag: 'exchange', summary: 'preview of the features to import', access: 'user', responses: ok(ref('FeatureCollection'), 'OK', GEOJSON) },
  { method: 'put', path: '/imports/:id/mapping', tag: 'exchange', summary: 'field mapping', access: 'user', body: { kind: 'json', schema: ref('Object') }, responses: ok(ref('ImportSummary')) },
  { method: 'put', path: '/imports/:id/crs', tag: 'exchange', summary: 'declare the coordinate reference system', access: 'user', query: { crs: str }, body: { kind: 'json', schema: object({ crs: { type: ['string', 'integer'] } }), required: false }, responses: ok(ref('ImportSummary')) },
  { method: 'post', path: '/imports/:id/commit', tag: 'exchange', summary: 'write the checked features (all or nothing)', access: 'user', responses: ok(object({ created: int }, [])) },
  { method: 'get', path: '/exports/:target', tag: 'exchange', summary: 'export a layer ({layer}.geojson|csv|kml|kmz|shp.zip|gpkg|fgb)', access: 'public', query: { crs: str, province: str, status: str }, responses: ok({}, 'The file', 'application/octet-stream') },
  { method: 'get', path: '/public/downloads', tag: 'public', summary: 'open-data downloads', access: 'public', responses: ok(ref('Downloads')) },
  { method: 'get', path: '/public/downloads/:file', tag: 'public', summary: 'one open-data file', access: 'public', responses: ok({}, 'The file', 'application/octet-stream') },
  { method: 'get', path: '/public/opportunities', tag: 'public', summary: 'investment opportunities', access: 'public', query: { province: str, industry: str }, responses: ok(ref('Opportunities')) },
  // --- analysis
  { method: 'get', path: '/residential-zones', tag: 'analysis', summary: 'residential zones', access: 'public', query: { bbox: str, limit: int, kind: str }, responses: ok(ref('FeatureCollection'), 'OK', GEOJSON) },
  { method: 'post', path: '/residential-zones/import', tag: 'analysis', summary: 'import residential zones (async=true answers 202)', access: WRITERS, query: { async: str }, body: { kind: 'multipart', schema: object({ file: { type: 'string', format: 'binary' }, kind: str }, ['kind']) }, responses: { 201: { description: 'Imported', schema: ref('Object') }, 202: { description: 'Running', schema: object({ import_id: str, status: str, progress_url: str }) } } },
  { method: 'get', path: '/residential-zones/imports/:id', tag: 'analysis', summary: 'residential import progress', access: 'user', responses: ok(ref('Object')) },
  { method: 'delete', path: '/residential-zones/:id', tag: 'analysis', summary: 'delete a residential zone', access: ['admin'], responses: ok(ref('Object')) },
  { method: 'get', path: '/clusters/:id/proximity', tag: 'analysis', summary: 'proximity to residential zones', access: 'public', responses: ok(object({ isolation_m: { type: 'number' }, within_isolation: { type: 'array' }, warnings: { type: 'array' } })) },
  { method: 'get', path: '/clusters/:id/conformity', tag: 'analysis', summary: 'conformity with a regulation profile', access: 'public', query: { profile: str }, responses: ok(object({ profile: str, results: { type: 'array', items: object({ rule: str, result: { type: 'string', enum: ['pass', 'warn', 'fail', 'unknown', 'not-applicable'] } }) } })) },
  { method: 'post', path: '/analysis/proximity', tag: 'analysis', summary: 'proximity of a drawn geometry', access: 'public', body: { kind: ['json', 'geojson'], schema: ref('Object') }, responses: ok(ref('Object')) },
  { method: 'post', path: '/analysis/check', tag: 'analysis', summary: 'conformity of a drawn cluster', access: 'public', body: { kind: ['json', 'geojson'], schema: ref('Object') }, responses: ok(ref('Object')) },
  { method: 'get', path: '/analysis/profiles', tag: 'analysis', summary: 'regulation profiles', access: 'public', responses: ok({ type: 'array', items: ref('RegulationProfile') }) },
  { method: 'get', path: '/conformity/report', tag: 'analysis', summary: 'conformity report over clusters', access: 'public', query: { profile: str, province: str }, responses: ok(ref('ConformityReport')) },
  // --- clusters
  { method: 'get', path: '/clusters', tag: 'clusters', summary: 'cluster registry', access: 'public', query: { province: str, status: str, bbox: str, q: str, boundary_status: str, limit: int, offset: int }, responses: ok(ref('ClusterCollection'), 'OK', GEOJSON) },
  { method: 'post', path: '/clusters', tag: 'clusters', summary: 'create a cluster (draft version 1)', access: 'user', body: { kind: ['json', 'geojson'], schema: ref('Feature') }, responses: { 201: { description: 'Created', schema: ref('ClusterFeature'), type: GEOJSON } } },
  { method: 'post', path: '/clusters/validate', tag: 'clusters', summary: 'validation report; nothing stored', access: 'user', query: { id: str }, body: { kind: ['json', 'geojson'], schema: ref('Feature') }, responses: ok(ref('Object')) },
  { method: 'get', path: '/clusters/without-boundary', tag: 'clusters', summary: 'worklist: clusters without a boundary (boundary_status=none by default; none,provisional)', access: 'user', query: { province: str, boundary_status: str, q: str, limit: int, offset: int }, responses: ok(ref('ClusterCollection'), 'OK', GEOJSON) },
  { method: 'get', path: '/clusters/review-queue', tag: 'clusters', summary: 'submitted head versions', access: 'user', responses: ok(ref('ClusterCollection'), 'OK', GEOJSON) },
  { method: 'get', path: '/clusters/:id', tag: 'clusters', summary: 'one cluster (ETag = version)', access: 'public', query: { version: int }, responses: ok(ref('ClusterFeature'), 'OK', GEOJSON) },
  { method: 'put', path: '/clusters/:id', tag: 'clusters', summary: 'new draft version', access: 'user', ifMatch: true, body: { kind: ['json', 'geojson'], schema: ref('Feature') }, responses: ok(ref('ClusterFeature'), 'OK', GEOJSON) },
  { method: 'delete', path: '/clusters/:id', tag: 'clusters', summary: 'new version with status removed', access: 'user', ifMatch: true, responses: ok(ref('ClusterFeature'), 'OK', GEOJSON) },
  ...reviewRoutes('/clusters', 'clusters', ref('ClusterFeature'), GEOJSON),
  { method: 'get', path: '/clusters/:id/versions', tag: 'clusters', summary: 'version history', access: 'public', responses: ok(ref('ClusterVersions')) },
  { method: 'get', path: '/clusters/:id/diff', tag: 'clusters', summary: 'difference of two versions', access: 'public', query: { from: int, to: int }, responses: ok(ref('Object')) },
  ...commentRoutes('/clusters', 'clusters'),
  // --- facilities and screening
  { method: 'get', path: '/facilities', tag: 'facilities', summary: 'polluting facilities', access: 'user', query: { province: str, status: str, limit: int, offset: int }, responses: ok(ref('FeatureCollection')) },
  { method: 'get', path: '/facilities/among-residential', tag: 'facilities', summary: 'facilities among homes (format=csv for a file)', access: 'user', query: { province: str, limit: int, format: { type: 'string', enum: ['json', 'csv'] } }, responses: ok(ref('Object')) },
  { method: 'post', path: '/facilities/import', tag: 'facilities', summary: 'CSV import of facilities', access: 'user', body: { kind: ['csv', 'multipart'] }, responses: created(ref('Object')) },
  { method: 'post', path: '/facilities', tag: 'facilities', summary: 'create a facility', access: 'user', body: { kind: ['json', 'geojson'], schema: ref('Feature') }, responses: created(ref('FacilityFeature')) },
  { method: 'get', path: '/facilities/:id', tag: 'facilities', summary: 'one facility', access: 'user', responses: ok(ref('FacilityFeature')) },
  { method: 'get', path: '/facilities/:id/history', tag: 'facilities', summary: 'facility history', access: 'user', responses: ok(ref('Object')) },
  { method: 'get', path: '/facilities/:id/versions', tag: 'facilities', summary: 'facility versions', access: 'user', responses: ok(ref('Object')) },
  { method: 'put', path: '/facilities/:id', tag: 'facilities', summary: 'new draft version', access: 'user', ifMatch: true, body: { kind: ['json', 'geojson'], schema: ref('Object') }, responses: ok(ref('Object')) },
  ...reviewRoutes('/facilities', 'facilities', ref('Object')),
  ...commentRoutes('/facilities', 'facilities'),
  { method: 'post', path: '/screening', tag: 'screening', summary: 'relocation screening', access: 'user', body: { kind: 'json', schema: ref('Object') }, responses: { 200: { description: 'OK', schema: ref('Object') }, 201: { description: 'Stored', schema: ref('Object') } } },
  { method: 'get', path: '/screenings', tag: 'screening', summary: 'stored screenings', access: 'user', responses: ok(ref('Screenings')) },
  { method: 'get', path: '/screenings/:id', tag: 'screening', summary: 'one screening', access: 'user', responses: ok(ref('Object')) },
  // --- plans
  { method: 'get', path: '/plans', tag: 'plans', summary: 'development plans', access: 'user', responses: ok(ref('Plans')) },
  { method: 'post', path: '/plans', tag: 'plans', summary: 'create a draft plan', access: 'user', body: { kind: 'json', schema: object({ name: str, level: { type: 'string', enum: ['national', 'region', 'province'] }, region_code: str, province_code: str, horizon_year: int, vision_year: int, supersedes_id: int }, ['region_code', 'province_code', 'horizon_year', 'vision_year', 'supersedes_id']) }, responses: created(ref('Object')) },
  { method: 'get', path: '/plans/:id', tag: 'plans', summary: 'plan, its events and the plans it supersedes', access: 'user', responses: ok(object({ plan: ref('Plan') })) },
  { method: 'post', path: '/plans/:id/approve', tag: 'plans', summary: 'approve a plan', access: 'user', body: { kind: 'json', schema: object({ decision_no: str, decision_date: str }) }, responses: ok(ref('Object')) },
  { method: 'get', path: '/plans/:id/items', tag: 'plans', summary: 'items of a plan', access: 'user', query: { phase: str, view: str }, responses: ok(ref('PlanItemCollection'), 'OK', GEOJSON) },
  { method: 'post', path: '/plans/:id/items', tag: 'plans', summary: 'add a planned cluster (draft amendment)', access: 'user', body: { kind: 'json', schema: object({ name: str, province_code: str, phase: str, planned_area_ha: { type: 'number' }, geometry: { anyOf: [ref('Geometry'), { type: 'null' }] } }, ['geometry']) }, responses: created(ref('PlanItemResult')) },
  { method: 'post', path: '/plans/:id/items/import', tag: 'plans', summary: 'CSV import of plan items (all or nothing)', access: 'user', body: { kind: ['csv', 'multipart'] }, responses: created(ref('PlanImportResult')) },
  { method: 'get', path: '/plans/:id/summary', tag: 'plans', summary: 'plan against reality per phase', access: 'user', query: { as_of: str }, responses: ok(ref('PlanSummary')) },
  { method: 'get', path: '/plan-items/:id', tag: 'plans', summary: 'item, pending diff, history', access: 'user', responses: ok(ref('PlanItemResult')) },
  { method: 'put', path: '/plan-items/:id', tag: 'plans', summary: 'resize, move or link (draft amendment)', access: 'user', ifMatch: true, body: { kind: ['json', 'geojson'], schema: ref('Object') }, responses: ok(ref('PlanItemResult')) },
  { method: 'delete', path: '/plan-items/:id', tag: 'plans', summary: 'remove from the plan (draft amendment)', access: 'user', ifMatch: true, query: { comment: str }, responses: ok(ref('PlanItemResult')) },
  ...reviewRoutes('/plan-items', 'plans', ref('PlanItemResult')),
  { method: 'get', path: '/plan-items/:id/diff', tag: 'plans', summary: 'difference of two versions', access: 'user', query: { from: int, to: int }, responses: ok(ref('Object')) },
  ...commentRoutes('/plan-items', 'plans'),
  // --- reports
  { method: 'get', path: '/stats', tag: 'reports', summary: 'figures per province (as_of=)', access: 'user', query: { as_of: str, era: str }, responses: ok(ref('Stats')) },
  { method: 'get', path: '/stats/timeline', tag: 'reports', summary: 'established clusters per year', access: 'user', responses: ok(ref('StatsTimeline')) },
  { method: 'get', path: '/stats/range', tag: 'reports', summary: 'dates the as-of slider may take', access: 'user', responses: ok(ref('StatsRange')) },
  { method: 'get', path: '/reports/periodic', tag: 'reports', summary: 'periodic report (Circular 14/2024); format=xlsx|csv', access: 'user', query: { period: { type: 'string', pattern: '^\\d{4}(-H[12])?$' }, province: str, format: str }, responses: ok(ref('Object')) },
];
