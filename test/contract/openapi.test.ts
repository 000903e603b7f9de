/**
 * The /api contract: GET /api/openapi.json is valid OpenAPI 3.1 (swagger-parser), declares every route registered in
 * the Express app under /api (router stack walked) and nothing else, and real responses of the main routes — success
 * and error — validate against the published response schemas (ajv, JSON Schema 2020-12).
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { createLogger } from '../../server/logger.ts';
import { registeredRoutes } from '../../server/openapi/registered-routes.ts';
import { openApiPath } from '../../server/openapi/document.ts';
import { describeEachServer } from '../support/server.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import type { TestClient, TestResponse } from '../support/client.ts';
import { upload, waitChecked } from '../exchange/helpers.ts';
import { facilityFeature, point } from '../screening/helpers.ts';

type Doc = { openapi: string; paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };

describeEachServer('/api contract (OpenAPI)', (t) => {
  let doc: Doc;
  let ajv: Ajv2020;
  let clusterId: string;

  beforeAll(async () => {
    const res = await t.server.client().get('/api/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
    ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
    ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    ajv.addFormat('binary', true);
    ajv.addSchema(doc, 'openapi.json');
    clusterId = (await insertCluster(t.server.db, { province_code_2009: '10', review_state: 'approved', geometry: squareAround(104.0, 22.3, 600) })).id;
  });

  it('is a valid OpenAPI 3.x document', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
    const broken = structuredClone(doc) as any;
    broken.paths['/api/clusters'].get.parameters.push({ name: 'x', in: 'nowhere' });
    await expect(SwaggerParser.validate(broken)).rejects.toThrow();
  });

  it('declares every route registered under /api, and only those', () => {
    const app = createApp({ db: t.server.db, config: t.server.config, logger: createLogger('silent') });
    const registered = registeredRoutes(app).filter((r) => r.path.startsWith('/api/'));
    expect(registered.length).toBeGreaterThan(80);
    const declared = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)));
    const missing = registered.map((r) => `${r.method} ${openApiPath(r.path.slice('/api'.length))}`).filter((k) => !declared.has(k));
    expect(missing, 'routes missing from /api/openapi.json').toEqual([]);
    const live = new Set(registered.map((r) => `${r.method} ${openApiPath(r.path.slice('/api'.length))}`));
    expect([...declared].filter((k) => !live.has(k)), 'documented routes that do not exist').toEqual([]);
  });

  /** validates a response against the schema the document publishes for its route, status and media type */
  function expectConforms(method: string, route: string, res: TestResponse) {
    const op = doc.paths[route]?.[method];
    expect(op, `${method} ${route} documented`).toBeDefined();
    const status = String(res.status);
    const response = op!.responses[status] ?? op!.responses.default;
    expect(response, `${method} ${route} documents status ${status}`).toBeDefined();
    if (!op!.responses[status]) expect(res.status, `${method} ${route}: undocumented success ${res.status}`).toBeGreaterThanOrEqual(400);
    const mediaTypes = Object.keys(response!.content ?? {});
    if (!mediaTypes.length) return;
    const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!;
    expect(mediaTypes, `${method} ${route} ${status} media type`).toContain(contentType);
    const pointer = ['paths', route, method, 'responses', op!.responses[status] ? status : 'default', 'content', contentType, 'schema']
      .map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1')))
      .join('/');
    const validate = ajv.getSchema(`openapi.json#/${pointer}`);
    expect(validate, pointer).toBeDefined();
    const valid = validate!(res.body);
    expect(valid, `${method} ${route} ${status}: ${ajv.errorsText(validate!.errors)}\n${res.text.slice(0, 400)}`).toBe(true);
  }

  async function check(client: TestClient, method: 'get' | 'post', url: string, route: string, body?: unknown) {
    const res = method === 'get' ? await client.get(url) : await client.post(url, body);
    expectConforms(method, route, res);
    return res;
  }

  it('real responses of the main routes validate against the published schemas', { timeout: 120_000 }, async () => {
    const anon = t.server.client();
    const planner = await t.server.client().login('planner.laocai');
    const reviewer = await t.server.client().login('reviewer.laocai');
    const admin = await t.server.client().login('admin');

    for (const [url, route] of [
      ['/api/health', '/api/health'], ['/api/regions', '/api/regions'], ['/api/provinces', '/api/provinces'],
      ['/api/provinces?era=2025', '/api/provinces'], ['/api/provinces/10', '/api/provinces/{code}'],
      ['/api/provinces/10/districts', '/api/provinces/{code}/districts'], ['/api/basemap/config', '/api/basemap/config'],
      ['/api/clusters', '/api/clusters'], [`/api/clusters/${clusterId}`, '/api/clusters/{id}'],
      [`/api/clusters/${clusterId}/versions`, '/api/clusters/{id}/versions'], [`/api/clusters/${clusterId}/proximity`, '/api/clusters/{id}/proximity'],
      [`/api/clusters/${clusterId}/conformity`, '/api/clusters/{id}/conformity'], ['/api/analysis/profiles', '/api/analysis/profiles'],
      ['/api/conformity/report', '/api/conformity/report'], ['/api/public/downloads', '/api/public/downloads'],
      ['/api/public/opportunities', '/api/public/opportunities'], ['/api/residential-zones', '/api/residential-zones'],
      // errors: the shared {error:{code,message,details}} shape
      ['/api/clusters/00000000-0000-0000-0000-000000000000', '/api/clusters/{id}'], ['/api/plans', '/api/plans'], ['/api/auth/me', '/api/auth/me'],
    ] as const) await check(anon, 'get', url, route);

    for (const [url, route] of [
      ['/api/auth/me', '/api/auth/me'], ['/api/imports', '/api/imports'], ['/api/plans', '/api/plans'], ['/api/stats', '/api/stats'],
      ['/api/stats/timeline', '/api/stats/timeline'], ['/api/stats/range', '/api/stats/range'], ['/api/facilities', '/api/facilities'],
      ['/api/screenings', '/api/screenings'], [`/api/clusters/${clusterId}/comments`, '/api/clusters/{id}/comments'],
      ['/api/reports/periodic', '/api/reports/periodic'], ['/api/clusters/review-queue', '/api/clusters/review-queue'],
    ] as const) await check(planner, 'get', url, route);
    await check(reviewer, 'get', '/api/clusters/review-queue', '/api/clusters/review-queue');
    for (const [url, route] of [['/api/users', '/api/users'], ['/api/audit', '/api/audit']] as const) await check(admin, 'get', url, route);

    // writes: a plan, an item, a refused item, a CSV import
    const plan = await check(planner, 'post', '/api/plans', '/api/plans', { name: 'Quy hoạch hợp đồng API', level: 'province', province_code: '10' });
    expect(plan.status).toBe(201);
    await check(planner, 'get', `/api/plans/${plan.body.id}`, '/api/plans/{id}');
    const item = { name: 'Cụm công nghiệp Hợp đồng', province_code: '10', phase: 'vision-2025', planned_area_ha: 40, geometry: { type: 'Point', coordinates: [104.01, 22.31] } };
    expect((await check(planner, 'post', `/api/plans/${plan.body.id}/items`, '/api/plans/{id}/items', item)).status).toBe(201);
    expect((await check(planner, 'post', `/api/plans/${plan.body.id}/items`, '/api/plans/{id}/items', { ...item, planned_area_ha: 0 })).status).toBeGreaterThanOrEqual(400);
    await check(planner, 'get', `/api/plans/${plan.body.id}/items`, '/api/plans/{id}/items');
    const csv = await planner.request('POST', `/api/plans/${plan.body.id}/items/import`, { raw: 'name,province_code,phase,area\nCụm công nghiệp CSV,10,vision-2025,20', headers: { 'content-type': 'text/csv' } });
    expectConforms('post', '/api/plans/{id}/items/import', csv);
    const created = await planner.request('POST', '/api/clusters', { body: { type: 'Feature', properties: { name: 'Cụm công nghiệp Hợp đồng API', province_code: '15', status: 'planned' }, geometry: squareAround(104.2, 22.4, 700) } });
    expectConforms('post', '/api/clusters', created);
    expectConforms('post', '/api/clusters', await anon.post('/api/clusters', {}));

    // the validator does reject a wrong body: the schemas are really checked
    const wrong = { status: 200, headers: new Headers({ 'content-type': 'application/json' }), body: { rows: [{ code: 1 }] }, text: '' };
    expect(() => expectConforms('get', '/api/stats', wrong)).toThrow();
  });

  it('the review workflow, facilities, plan items, imports and analysis answer as published', { timeout: 180_000 }, async () => {
    const planner = await t.server.client().login('planner.laocai');
    const reviewer = await t.server.client().login('reviewer.laocai');
    const anon = t.server.client();
    const seen = new Set<string>();
    const send = async (client: TestClient, method: 'get' | 'post' | 'put' | 'delete', url: string, route: string, body?: unknown, headers?: Record<string, string>) => {
      const res = await client.request(method.toUpperCase(), url, { body, headers });
      expectConforms(method, route, res);
      if (res.status < 400) seen.add(`${method} ${route}`);
      return res;
    };

    // a cluster through its whole workflow
    const created = await send(planner, 'post', '/api/clusters', '/api/clusters', { type: 'Feature', properties: { name: 'Cụm công nghiệp Quy trình API', province_code: '15', status: 'planned' }, geometry: squareAround(104.25, 22.45, 700) });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    await send(planner, 'post', `/api/clusters/validate?id=${id}`, '/api/clusters/validate', created.body);
    await send(planner, 'post', `/api/clusters/${id}/comments`, '/api/clusters/{id}/comments', { body: 'Xin ý kiến' });
    await send(planner, 'post', `/api/clusters/${id}/submit`, '/api/clusters/{id}/submit', {}, { 'If-Match': '"1"' });
    await send(reviewer, 'post', `/api/clusters/${id}/request-changes`, '/api/clusters/{id}/request-changes', { comment: 'Bổ sung' }, { 'If-Match': '"1"' });
    const v2 = await send(planner, 'put', `/api/clusters/${id}`, '/api/clusters/{id}', { ...created.body, properties: { ...created.body.properties, name: 'Cụm công nghiệp Quy trình API 2' } }, { 'If-Match': '"1"' });
    expect(v2.status, v2.text).toBe(200);
    await send(planner, 'post', `/api/clusters/${id}/submit`, '/api/clusters/{id}/submit', {}, { 'If-Match': '"2"' });
    expect((await send(reviewer, 'post', `/api/clusters/${id}/approve`, '/api/clusters/{id}/approve', {}, { 'If-Match': '"2"' })).status).toBe(200);
    await send(planner, 'get', `/api/clusters/${id}/diff?from=1&to=2`, '/api/clusters/{id}/diff');
    await send(anon, 'get', `/api/clusters/${id}/versions`, '/api/clusters/{id}/versions');
    await send(planner, 'delete', `/api/clusters/${id}`, '/api/clusters/{id}', undefined, { 'If-Match': '"2"' });
    // refusals: stale version, missing If-Match
    await send(planner, 'put', `/api/clusters/${id}`, '/api/clusters/{id}', created.body, { 'If-Match': '"1"' });
    await send(planner, 'put', `/api/clusters/${id}`, '/api/clusters/{id}', created.body);

    // a facility
    const facility = await send(planner, 'post', '/api/facilities', '/api/facilities', facilityFeature(point(104.12, 22.38)));
    expect(facility.status, facility.text).toBe(201);
    for (const sub of ['', '/history', '/versions', '/comments']) await send(planner, 'get', `/api/facilities/${facility.body.id}${sub}`, `/api/facilities/{id}${sub}`);
    await send(planner, 'get', '/api/facilities/among-residential', '/api/facilities/among-residential');

    // a plan item amended in an approved plan
    const plan = (await planner.post('/api/plans', { name: 'Quy hoạch hợp đồng 2', level: 'province', province_code: '10' })).body;
    await send(reviewer, 'post', `/api/plans/${plan.id}/approve`, '/api/plans/{id}/approve', { decision_no: '7/QĐ-UBND', decision_date: '2021-02-01', decision_authority: 'UBND tỉnh Lào Cai' });
    const item = await send(planner, 'post', `/api/plans/${plan.id}/items`, '/api/plans/{id}/items', { name: 'Cụm công nghiệp Sửa đổi', province_code: '10', phase: 'vision-2025', planned_area_ha: 30, geometry: point(104.02, 22.32) });
    const itemId = item.body.item.id as string;
    await send(planner, 'get', `/api/plan-items/${itemId}`, '/api/plan-items/{id}');
    await send(planner, 'put', `/api/plan-items/${itemId}`, '/api/plan-items/{id}', { planned_area_ha: 35 }, { 'If-Match': '"1"' });
    await send(planner, 'get', `/api/plan-items/${itemId}/diff?from=1&to=2`, '/api/plan-items/{id}/diff');
    await send(planner, 'post', `/api/plan-items/${itemId}/comments`, '/api/plan-items/{id}/comments', { body: 'Ghi chú' });
    await send(planner, 'get', `/api/plan-items/${itemId}/comments`, '/api/plan-items/{id}/comments');
    await send(planner, 'post', `/api/plan-items/${itemId}/submit`, '/api/plan-items/{id}/submit', {}, { 'If-Match': '"2"' });
    await send(reviewer, 'post', `/api/plan-items/${itemId}/approve`, '/api/plan-items/{id}/approve', {}, { 'If-Match': '"2"' });
    await send(planner, 'get', `/api/plans/${plan.id}/summary`, '/api/plans/{id}/summary');

    // an import through its check
    const up = await upload(planner, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { ten: 'Cụm công nghiệp Nhập API' }, geometry: squareAround(104.3, 22.5, 600) }] }), 'c.geojson', 'clusters', '?crs=EPSG:4326');
    expectConforms('post', '/api/imports', up);
    await waitChecked(planner, up.body.id);
    await send(planner, 'get', `/api/imports/${up.body.id}`, '/api/imports/{id}');
    await send(planner, 'get', `/api/imports/${up.body.id}/features`, '/api/imports/{id}/features');
    await send(planner, 'put', `/api/imports/${up.body.id}/crs`, '/api/imports/{id}/crs', { crs: 'EPSG:4326' });

    // analysis and basemap
    await send(anon, 'post', '/api/analysis/proximity', '/api/analysis/proximity', { type: 'Feature', properties: {}, geometry: squareAround(104.0, 22.3, 500) });
    await send(anon, 'post', '/api/analysis/check', '/api/analysis/check', { type: 'Feature', properties: { status: 'planned' }, geometry: squareAround(104.0, 22.3, 500) });
    await send(anon, 'get', '/api/basemap/style.json', '/api/basemap/style.json');
    await send(anon, 'get', '/api/openapi.json', '/api/openapi.json');
    expect(seen.size).toBeGreaterThan(30);
  });
});
