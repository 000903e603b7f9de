/**
 * One rule for every way into a plan and one write path per entity (issue 13, defects 1–3 and the all-or-nothing
 * CSV import): POST /api/plans/:id/items, the plan CSV import and the exchange import (POST /api/imports with the
 * plan-items layer, then commit) refuse the same things with the same status; imported facilities and plan items get
 * the review event and audit entry that the form writes.
 */
import { beforeAll, expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import type { TestClient } from '../support/client.ts';
import { upload, waitChecked } from '../exchange/helpers.ts';
import { facilityFeature, point } from '../screening/helpers.ts';

const DECISION = { decision_no: '1/QĐ-UBND', decision_date: '2020-01-10', decision_authority: 'UBND tỉnh' };

function geojsonItems(items: Array<{ name: string; lon: number; lat: number; area: number; phase?: string }>): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    features: items.map((i) => ({ type: 'Feature', properties: { name: i.name, phase: i.phase ?? 'vision-2025', planned_area_ha: i.area, status: 'in-plan' }, geometry: { type: 'Point', coordinates: [i.lon, i.lat] } })),
  });
}

describeEachServer('plans: one rule for every way in', (t) => {
  let planner: TestClient;
  let reviewer: TestClient;
  let bacNinh: TestClient;
  let ministry: TestClient;
  let admin: TestClient;

  const count = async (sql: string, params: unknown[]) => Number((await t.server.db.query<{ n: number }>(sql, params)).rows[0]!.n);
  const itemsIn = (planId: number) => count('SELECT count(*)::int AS n FROM plan_items WHERE plan_id = $1', [planId]);
  const csvPost = (client: TestClient, id: number, body: string) => client.request('POST', `/api/plans/${id}/items/import`, { raw: body, headers: { 'content-type': 'text/csv' } });

  async function createPlan(client: TestClient, body: Record<string, unknown>): Promise<number> {
    const res = await client.post('/api/plans', body);
    if (res.status !== 201) throw new Error(`create plan ${res.status} ${res.text}`);
    return res.body.id as number;
  }
  async function approve(id: number) {
    const res = await admin.post(`/api/plans/${id}/approve`, DECISION);
    if (res.status !== 200) throw new Error(`approve plan ${res.status} ${res.text}`);
  }
  /** the exchange import of plan items: upload, check, commit; the status of the step that refused, or of the commit */
  async function exchangeImport(client: TestClient, planId: number, body: string): Promise<{ status: number; body: any; step: string }> {
    const up = await upload(client, body, 'items.geojson', 'plan-items', '?crs=EPSG:4326', { plan: String(planId) });
    if (up.status !== 202) return { status: up.status, body: up.body, step: 'upload' };
    const report = await waitChecked(client, up.body.id);
    if (report.state !== 'checked') return { status: 0, body: report, step: 'check' };
    await client.put(`/api/imports/${up.body.id}/crs`, { crs: 'EPSG:4326' });
    const commit = await client.post(`/api/imports/${up.body.id}/commit`);
    return { status: commit.status, body: commit.body, step: 'commit' };
  }

  let superseded27: number;
  let approved27: number;
  let approved10: number;
  let nationalDraft: number;
  let nationalApproved: number;

  beforeAll(async () => {
    planner = await t.server.client().login('planner.laocai');
    reviewer = await t.server.client().login('reviewer.laocai');
    bacNinh = await t.server.client().login('planner.bacninh');
    ministry = await t.server.client().login('ministry');
    admin = await t.server.client().login('admin');
    superseded27 = await createPlan(bacNinh, { name: 'Quy hoạch CCN Bắc Ninh (cũ)', level: 'province', province_code: '27' });
    await approve(superseded27);
    approved27 = await createPlan(bacNinh, { name: 'Quy hoạch CCN Bắc Ninh', level: 'province', province_code: '27', supersedes_id: superseded27 });
    await approve(approved27);
    approved10 = await createPlan(planner, { name: 'Quy hoạch CCN Lào Cai', level: 'province', province_code: '10' });
    await approve(approved10);
    nationalDraft = await createPlan(ministry, { name: 'Quy hoạch CCN cả nước (dự thảo)', level: 'national', horizon_year: 2030, vision_year: 2035 });
    nationalApproved = await createPlan(ministry, { name: 'Quy hoạch CCN cả nước', level: 'national', horizon_year: 2020, vision_year: 2025 });
    await approve(nationalApproved);
  }, 120_000);

  it('defect 1: the exchange import refuses a superseded plan with 409, like POST /api/plans/:id/items', async () => {
    const item = { name: 'Cụm công nghiệp Cũ', province_code: '10', phase: 'vision-2025', planned_area_ha: 0, geometry: point(104.15, 22.36) };
    expect((await planner.post(`/api/plans/${superseded27}/items`, item)).status).toBe(409);
    const res = await exchangeImport(planner, superseded27, geojsonItems([{ name: 'Cụm công nghiệp Cũ', lon: 104.15, lat: 22.36, area: 0 }]));
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.error.code).toBe('plan-superseded');
    expect(await itemsIn(superseded27)).toBe(0);
  });

  it('defect 1: the exchange import refuses a province mismatch and 0 ha with 422, like POST /api/plans/:id/items', async () => {
    const item = { name: 'Cụm công nghiệp Lạc tỉnh', province_code: '10', phase: 'vision-2025', planned_area_ha: 0, geometry: point(104.15, 22.36) };
    const api = await planner.post(`/api/plans/${approved27}/items`, item);
    expect(api.status).toBe(422);
    const res = await exchangeImport(planner, approved27, geojsonItems([{ name: 'Cụm công nghiệp Lạc tỉnh', lon: 104.15, lat: 22.36, area: 0 }]));
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(await itemsIn(approved27)).toBe(0);
    // the check names the plan rule on the feature
    const list = await planner.get('/api/imports');
    const last = list.body.imports.find((i: any) => i.plan_id === approved27) ?? list.body.imports[0];
    const report = await planner.get(`/api/imports/${last.id}`);
    expect(JSON.stringify(report.body)).toMatch(/invalid-plan-item/);
  });

  it('an accepted exchange import writes the items as the API does: draft version, review event, audit', async () => {
    const res = await exchangeImport(planner, approved10, geojsonItems([{ name: 'Cụm công nghiệp Nhập Một', lon: 104.15, lat: 22.36, area: 30 }, { name: 'Cụm công nghiệp Nhập Hai', lon: 104.1, lat: 22.4, area: 12.5 }]));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.created).toBe(2);
    const ids = (await t.server.db.query<{ id: string }>('SELECT id FROM plan_items WHERE plan_id = $1 ORDER BY id', [approved10])).rows.map((r) => r.id);
    expect(ids).toHaveLength(2);
    for (const id of ids) {
      expect(await count(`SELECT count(*)::int AS n FROM plan_item_review_events WHERE item_id = $1 AND version = 1 AND state = 'draft'`, [id])).toBe(1);
      expect(await count(`SELECT count(*)::int AS n FROM audit_log WHERE entity_type = 'plan-item' AND entity_id = $1 AND action = 'plan-item.create' AND outcome = 'ok'`, [id])).toBe(1);
      const got = await planner.get(`/api/plan-items/${id}`);
      expect(got.body.item.properties).toMatchObject({ plan_id: approved10, province_code: '10', review_state: 'draft' });
    }
  });

  it('defect 2: imported facilities get the draft review event of facilities created through the API', async () => {
    const viaApi = await planner.post('/api/facilities', facilityFeature(point(104.12, 22.38)));
    expect(viaApi.status).toBe(201);
    const events = (id: string) => count(`SELECT count(*)::int AS n FROM facility_review_events WHERE facility_id = $1 AND version = 1 AND state = 'draft'`, [id]);
    expect(await events(viaApi.body.id)).toBe(1);

    const file = JSON.stringify({ type: 'FeatureCollection', features: [facilityFeature(point(104.13, 22.37), { name: 'Cơ sở nhập từ tệp' } as never)] });
    const up = await upload(planner, file, 'facilities.geojson', 'facilities', '?crs=EPSG:4326');
    expect(up.status, up.text).toBe(202);
    const report = await waitChecked(planner, up.body.id);
    expect(report.state, JSON.stringify(report.summary)).toBe('checked');
    await planner.put(`/api/imports/${up.body.id}/crs`, { crs: 'EPSG:4326' });
    const commit = await planner.post(`/api/imports/${up.body.id}/commit`);
    expect(commit.status, commit.text).toBe(200);
    expect(commit.body.created).toBe(1);
    const imported = (await t.server.db.query<{ id: string }>(`SELECT id FROM facilities WHERE source = 'import' ORDER BY created_at DESC LIMIT 1`, [])).rows[0]!.id;
    expect(await events(imported)).toBe(1);
    const viaApiGet = await planner.get(`/api/facilities/${viaApi.body.id}`);
    const importedGet = await planner.get(`/api/facilities/${imported}`);
    expect(importedGet.status).toBe(200);
    expect(viaApiGet.body.meta.review_state).toBe('draft');
    expect(importedGet.body.meta).toMatchObject({ version: 1, review_state: 'draft', published_version: null });
  });

  it('defect 3: plan-level permission is the same for POST /api/plans/:id/items, the CSV import and the exchange import', async () => {
    const item = { name: 'Cụm công nghiệp Quyền', province_code: '10', phase: 'vision-2025', planned_area_ha: 20, geometry: point(104.15, 22.36) };
    const csv = 'name,province_code,phase,area,lon,lat\nCụm công nghiệp Quyền,10,vision-2025,20,104.15,22.36';
    // a planner and a national plan being drawn up by the ministry
    const post = await planner.post(`/api/plans/${nationalDraft}/items`, item);
    const imported = await csvPost(planner, nationalDraft, csv);
    const exchanged = await exchangeImport(planner, nationalDraft, geojsonItems([{ name: 'Cụm công nghiệp Quyền', lon: 104.15, lat: 22.36, area: 20 }]));
    expect([post.status, imported.status, exchanged.status]).toEqual([403, 403, 403]);
    // a reviewer and a draft plan of their province (drawn up by its planners)
    const draft10 = await createPlan(planner, { name: 'Quy hoạch CCN Lào Cai (dự thảo)', level: 'province', province_code: '10' });
    const rPost = await reviewer.post(`/api/plans/${draft10}/items`, item);
    const rCsv = await csvPost(reviewer, draft10, csv);
    expect(rPost.status).toBe(rCsv.status);
    // and the planner of the province may use all three
    expect((await planner.post(`/api/plans/${draft10}/items`, item)).status).toBe(201);
    expect((await csvPost(planner, draft10, csv)).status).toBe(201);
    expect(await itemsIn(nationalDraft)).toBe(0);

    // the client is told the same rule with each plan (GET /api/plans may_add_items), not left to copy it
    const flags = async (client: TestClient) => new Map(((await client.get('/api/plans')).body.plans as any[]).map((p) => [p.id, p.may_add_items]));
    const [p, r, m] = [await flags(planner), await flags(reviewer), await flags(ministry)];
    expect([p.get(nationalDraft), p.get(draft10), p.get(approved10), p.get(superseded27)]).toEqual([false, true, true, false]);
    expect([r.get(draft10), r.get(approved10)]).toEqual([rPost.status === 201, true]);
    expect([m.get(nationalDraft), m.get(approved10)]).toEqual([true, false]);
  });

  it('the CSV import into an approved plan is all or nothing: a refused row in the middle leaves nothing written', async () => {
    const before = await count(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'plan-item.create' AND outcome = 'ok'`, []);
    const csv = [
      'name,province_code,phase,area,lon,lat',
      'Cụm công nghiệp Đầu,10,vision-2025,20,104.15,22.36',
      'Cụm công nghiệp Giữa,27,vision-2025,20,106.07,21.18',
      'Cụm công nghiệp Cuối,10,vision-2025,20,104.1,22.4',
    ].join('\n');
    const res = await csvPost(planner, nationalApproved, csv);
    expect(res.status, res.text).toBe(403);
    expect(await itemsIn(nationalApproved)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'plan-item.create' AND outcome = 'ok'`, [])).toBe(before);
    // the same rows, all in the planner's province, are written together
    const ok = await csvPost(planner, nationalApproved, csv.replace(',27,vision-2025,20,106.07,21.18', ',10,vision-2025,20,104.2,22.3'));
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body).toMatchObject({ created: 3, review_state: 'draft' });
    expect(await itemsIn(nationalApproved)).toBe(3);
  });
});
