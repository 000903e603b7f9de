import { beforeAll, expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import { decodeTile, tileOf } from '../tiles/decode.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import type { TestClient } from '../support/client.ts';

const CSV = [
  'name,province_code,phase,area,lon,lat,cluster_code',
  'Cụm công nghiệp Bắc Duyên Hải,10,to-2015,45.5,103.97,22.49,10-PLAN-EST',
  '"Cụm công nghiệp Tằng Loỏng, mở rộng",10,2016-2020,"60,25",104.05,22.30,',
  'Cụm công nghiệp Bảo Thắng,10,vision-2025,30,,,',
].join('\n');

describeEachServer('plans: model, import, summary and amendments', (t) => {
  let planner: TestClient;
  let reviewer: TestClient;
  let ministry: TestClient;
  let bacNinh: TestClient;
  let clusterId: string;
  let planId: number;
  let nationalId: number;

  beforeAll(async () => {
    planner = await t.server.client().login('planner.laocai');
    reviewer = await t.server.client().login('reviewer.laocai');
    ministry = await t.server.client().login('ministry');
    bacNinh = await t.server.client().login('planner.bacninh');
    clusterId = (await insertCluster(t.server.db, { code: '10-PLAN-EST', province_code_2009: '10', status: 'operating', geometry: squareAround(103.97, 22.49, 600) })).id;
  }, 60_000);

  const csvPost = (client: TestClient, id: number, body: string) =>
    client.request('POST', `/api/plans/${id}/items/import`, { raw: body, headers: { 'content-type': 'text/csv' } });

  it('reads need a session', async () => {
    const res = await t.server.client().get('/api/plans');
    expect(res.status, res.text).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('the ministry draws up the national plan; a province planner may not', async () => {
    const body = { name: 'Quy hoạch phát triển CCN cả nước đến năm 2020, tầm nhìn đến năm 2025', level: 'national', horizon_year: 2020, vision_year: 2025 };
    expect((await planner.post('/api/plans', body)).status).toBe(403);
    const res = await ministry.post('/api/plans', body);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ level: 'national', status: 'draft', horizon_year: 2020, vision_year: 2025, region_code: null, province_code: null });
    nationalId = res.body.id;
    const bad = await ministry.post('/api/plans', { name: 'x', level: 'region', region_code: 'nowhere' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.errors[0].field).toBe('region_code');
  });

  it('a province plan: created by its planner, CSV import all-or-nothing', async () => {
    const res = await planner.post('/api/plans', { name: 'Quy hoạch CCN tỉnh Lào Cai đến năm 2020', level: 'province', province_code: '10' });
    expect(res.status, res.text).toBe(201);
    planId = res.body.id;

    const broken = CSV + '\nCụm công nghiệp Sai,27,2016-2020,abc,200,10,\n,10,2030,20,104,22,';
    const refused = await csvPost(planner, planId, broken);
    expect(refused.status).toBe(422);
    const errors = refused.body.error.details.errors as { row: number; field: string }[];
    expect(errors.filter((e) => e.row === 5).map((e) => e.field)).toEqual(['lon/lat']);
    expect(errors.filter((e) => e.row === 6).map((e) => e.field).sort()).toEqual(['name', 'phase']);
    expect((await planner.get(`/api/plans/${planId}/items`)).body.features).toHaveLength(0);

    expect((await csvPost(bacNinh, planId, CSV)).status).toBe(403);
    const ok = await csvPost(planner, planId, CSV);
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body).toMatchObject({ created: 3, review_state: 'approved' });

    const items = await planner.get(`/api/plans/${planId}/items`);
    expect(items.status).toBe(200);
    const byName = new Map(items.body.features.map((f: any) => [f.properties.name, f]));
    const linked: any = byName.get('Cụm công nghiệp Bắc Duyên Hải');
    expect(linked.properties).toMatchObject({ status: 'established', cluster_id: clusterId, cluster_code: '10-PLAN-EST', established: true, planned_area_ha: 45.5, phase: 'to-2015' });
    expect(linked.geometry).toEqual({ type: 'Point', coordinates: [103.97, 22.49] });
    const comma: any = byName.get('Cụm công nghiệp Tằng Loỏng, mở rộng');
    expect(comma.properties).toMatchObject({ planned_area_ha: 60.25, status: 'in-plan', established: false });
    expect((byName.get('Cụm công nghiệp Bảo Thắng') as any).geometry).toBeNull();

    const phase = await planner.get(`/api/plans/${planId}/items?phase=vision-2025`);
    expect(phase.body.features.map((f: any) => f.properties.name)).toEqual(['Cụm công nghiệp Bảo Thắng']);
    expect((await planner.get(`/api/plans/${planId}/items?phase=2030`)).status).toBe(400);
  });

  it('approval by the province reviewer; a new plan supersedes it and history is kept', async () => {
    expect((await planner.post(`/api/plans/${planId}/approve`, { decision_no: '1234/QĐ-UBND', decision_date: '2016-05-10', decision_authority: 'UBND tỉnh Lào Cai' })).status).toBe(403);
    expect((await reviewer.post(`/api/plans/${planId}/approve`, { decision_no: '' })).status).toBe(400);
    const ok = await reviewer.post(`/api/plans/${planId}/approve`, { decision_no: '1234/QĐ-UBND', decision_date: '2016-05-10', decision_authority: 'UBND tỉnh Lào Cai' });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({ status: 'approved', decision_no: '1234/QĐ-UBND', decision_date: '2016-05-10' });
    expect((await reviewer.post(`/api/plans/${planId}/approve`, { decision_no: 'x', decision_date: '2016-05-10', decision_authority: 'y' })).status).toBe(409);

    const next = await planner.post('/api/plans', { name: 'Điều chỉnh quy hoạch CCN tỉnh Lào Cai', level: 'province', province_code: '10', supersedes_id: planId });
    expect(next.status).toBe(201);
    expect((await planner.post('/api/plans', { name: 'x', level: 'province', province_code: '10', supersedes_id: nationalId })).status).toBe(400);
    await reviewer.post(`/api/plans/${next.body.id}/approve`, { decision_no: '99/QĐ-UBND', decision_date: '2021-03-01', decision_authority: 'UBND tỉnh Lào Cai' });
    const old = await planner.get(`/api/plans/${planId}`);
    expect(old.body.plan.status).toBe('superseded');
    expect(old.body.events.map((e: any) => e.action)).toEqual(['created', 'items-imported', 'approved', 'superseded']);
    const newer = await planner.get(`/api/plans/${next.body.id}`);
    expect(newer.body.supersedes.map((p: any) => p.id)).toEqual([planId]);
    // amendments go to the plan in force: further tests use the old one's items only for reads
  });

  it('summary: plan against reality per phase', async () => {
    const res = await planner.get(`/api/plans/${planId}/summary`);
    expect(res.status).toBe(200);
    const to2015 = res.body.phases.find((p: any) => p.phase === 'to-2015');
    expect(to2015).toMatchObject({ planned_count: 1, planned_ha: 45.5, established_count: 1, fulfilment_pct: 100 });
    expect(res.body.total).toMatchObject({ planned_count: 3, planned_ha: 135.75, established_count: 1, fulfilment_pct: 33.33 });
    expect((await planner.get(`/api/plans/${planId}/summary?as_of=2000-01-01`)).body.total.planned_count).toBe(0);
  });

  it('amendment workflow: add, resize and remove through draft → submit → approve, with history and diff', async () => {
    const plan = await ministry.get('/api/plans');
    const inForce = plan.body.plans.find((p: any) => p.level === 'province' && p.status === 'approved');
    const pid = inForce.id;

    // add a planned cluster: a draft, invisible in the published list until approved
    const added = await planner.post(`/api/plans/${pid}/items`, { name: 'Cụm công nghiệp Cam Đường', province_code: '10', phase: 'vision-2025', planned_area_ha: 50, geometry: { type: 'Point', coordinates: [103.98, 22.42] }, comment: 'Bổ sung' });
    expect(added.status, added.text).toBe(201);
    const id = added.body.item.id;
    expect(added.body.item.properties).toMatchObject({ version: 1, review_state: 'draft', published_version: null });
    expect((await ministry.get(`/api/plans/${pid}/items`)).body.features).toHaveLength(0);
    expect((await planner.get(`/api/plans/${pid}/items?view=head`)).body.features).toHaveLength(1);
    expect((await bacNinh.post(`/api/plans/${pid}/items`, { name: 'Cụm công nghiệp X', province_code: '10', phase: 'vision-2025', planned_area_ha: 20 })).status).toBe(403);
    expect((await planner.post(`/api/plans/${pid}/items`, { name: 'Cụm công nghiệp Y', province_code: '10', phase: '2030', planned_area_ha: 0 })).status).toBe(422);

    // vector tiles: the item's tile and a tile elsewhere, to check that only the first changes on approval
    const tileEtag = async (tile: { z: number; x: number; y: number }) => {
      const res = await fetch(`${t.server.baseUrl}/tiles/plan-items/${tile.z}/${tile.x}/${tile.y}.pbf`);
      return { etag: res.headers.get('etag')!, status: res.status, bytes: new Uint8Array(await res.arrayBuffer()) };
    };
    const itemTile = tileOf(103.98, 22.42, 12);
    const elsewhere = tileOf(105.5, 21.5, 12);
    const tilesBefore = { item: await tileEtag(itemTile), elsewhere: await tileEtag(elsewhere) };

    expect((await planner.post(`/api/plan-items/${id}/submit`)).status).toBe(200);
    expect((await tileEtag(itemTile)).etag).toBe(tilesBefore.item.etag);
    // the author may not approve; another province's staff may not either
    expect((await planner.post(`/api/plan-items/${id}/approve`)).status).toBe(403);
    const approved = await reviewer.post(`/api/plan-items/${id}/approve`, { comment: 'Đồng ý' });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.item.properties).toMatchObject({ review_state: 'approved', published_version: 1 });
    expect((await ministry.get(`/api/plans/${pid}/items`)).body.features.map((f: any) => f.properties.name)).toEqual(['Cụm công nghiệp Cam Đường']);
    const approvedTile = await tileEtag(itemTile);
    expect(approvedTile.etag).not.toBe(tilesBefore.item.etag);
    expect(decodeTile(approvedTile.bytes)['plan-items'].features.map((f) => f.properties.name)).toContain('Cụm công nghiệp Cam Đường');
    expect((await tileEtag(elsewhere)).etag).toBe(tilesBefore.elsewhere.etag);

    // resize: If-Match required, stale rejected
    expect((await planner.put(`/api/plan-items/${id}`, { planned_area_ha: 70 })).status).toBe(428);
    expect((await planner.put(`/api/plan-items/${id}`, { planned_area_ha: 70 }, { 'If-Match': '"7"' })).status).toBe(409);
    expect((await bacNinh.put(`/api/plan-items/${id}`, { planned_area_ha: 70 }, { 'If-Match': '"1"' })).status).toBe(403);
    const resized = await planner.put(`/api/plan-items/${id}`, { planned_area_ha: 70, comment: 'Mở rộng' }, { 'If-Match': '"1"' });
    expect(resized.status, resized.text).toBe(200);
    expect(resized.headers.get('etag')).toBe('"2"');
    expect(resized.body.item.properties).toMatchObject({ version: 2, planned_area_ha: 70, review_state: 'draft' });
    expect(resized.body.diff).toEqual([{ field: 'planned_area_ha', from: 50, to: 70 }]);
    // the published plan still shows 50 ha until the amendment is approved, and its tile is unchanged
    const published = (await ministry.get(`/api/plans/${pid}/items`)).body.features[0];
    expect(published.properties.planned_area_ha).toBe(50);
    expect((await tileEtag(itemTile)).etag).toBe(approvedTile.etag);

    await planner.post(`/api/plan-items/${id}/submit`);
    expect((await planner.put(`/api/plan-items/${id}`, { planned_area_ha: 71 }, { 'If-Match': '"2"' })).status).toBe(409);
    expect((await reviewer.post(`/api/plan-items/${id}/request-changes`, {})).status).toBe(400);
    const back = await reviewer.post(`/api/plan-items/${id}/request-changes`, { comment: 'Tối đa 75 ha, cần giải trình' });
    expect(back.body.item.properties.review_state).toBe('changes_requested');
    const v3 = await planner.put(`/api/plan-items/${id}`, { planned_area_ha: 65 }, { 'If-Match': '"2"' });
    expect(v3.body.item.properties.version).toBe(3);
    await planner.post(`/api/plan-items/${id}/submit`);
    await reviewer.post(`/api/plan-items/${id}/approve`);
    expect((await ministry.get(`/api/plans/${pid}/items`)).body.features[0].properties).toMatchObject({ planned_area_ha: 65, version: 3 });

    // remove from the plan
    const removed = await planner.delete(`/api/plan-items/${id}`, { 'If-Match': '"3"' });
    expect(removed.status, removed.text).toBe(200);
    expect(removed.body.item.properties).toMatchObject({ version: 4, status: 'removed-from-plan', review_state: 'draft' });
    await planner.post(`/api/plan-items/${id}/submit`);
    await reviewer.post(`/api/plan-items/${id}/approve`);
    const summary = await planner.get(`/api/plans/${pid}/summary`);
    expect(summary.body.total.planned_count).toBe(0);

    // history and diff
    const item = await planner.get(`/api/plan-items/${id}`);
    expect(item.body.history.map((h: any) => [h.version, h.state])).toEqual([
      [1, 'approved'],
      [2, 'changes_requested'],
      [3, 'approved'],
      [4, 'approved'],
    ]);
    expect(item.body.history[1].events.map((e: any) => e.state)).toEqual(['draft', 'submitted', 'changes_requested']);
    const diff = await planner.get(`/api/plan-items/${id}/diff?from=1&to=4`);
    expect(diff.body.changes.map((c: any) => c.field).sort()).toEqual(['planned_area_ha', 'status']);

    // every step is in the audit log under plan-item.*
    const audit = await t.server.db.query<{ action: string; outcome: string }>(
      `SELECT action, outcome FROM audit_log WHERE entity_type = 'plan-item' AND entity_id = $1 ORDER BY id`,
      [id],
    );
    const ok = audit.rows.filter((r) => r.outcome === 'ok').map((r) => r.action);
    expect(ok).toEqual([
      'plan-item.create', 'plan-item.submit', 'plan-item.approve',
      'plan-item.update', 'plan-item.submit', 'plan-item.request-changes', 'plan-item.update', 'plan-item.submit', 'plan-item.approve',
      'plan-item.remove', 'plan-item.submit', 'plan-item.approve',
    ]);
    expect(audit.rows.some((r) => r.outcome === 'refused')).toBe(true);

    // comments
    expect((await reviewer.post(`/api/plan-items/${id}/comments`, { body: 'Đã rà soát' })).status).toBe(201);
    expect((await planner.get(`/api/plan-items/${id}/comments`)).body.comments).toHaveLength(1);
  });
});
