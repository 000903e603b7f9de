import { it, expect, beforeAll } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import type { TestClient } from '../support/client.ts';
import { LAOCAI, clusterFeature, ifMatch, slotOffset, square } from './helpers.ts';

describeEachServer('cluster registry workflow', (t) => {
  let planner: TestClient;
  let reviewer: TestClient;
  let pub: TestClient;
  let ministry: TestClient;

  beforeAll(async () => {
    planner = await t.server.client().login('planner.laocai');
    reviewer = await t.server.client().login('reviewer.laocai');
    ministry = await t.server.client().login('ministry');
    pub = t.server.client();
  });

  it('create → edit → submit → approve → public sees it → new draft under review keeps the public on the approved version → request changes → history → diff', async () => {
    // create
    const geometry = square(LAOCAI, 0);
    const created = await planner.post('/api/clusters', {
      ...clusterFeature({ name: 'Cụm công nghiệp Đông Phố Mới', district_code: '080', industries: ['cơ khí'], industrial_land_ha: 10, leased_ha: 4 }, geometry),
      comment: 'first draft',
    });
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    const f = created.body;
    expect(f.type).toBe('Feature');
    const id = f.id as string;
    expect(f.properties).toMatchObject({ id, version: 1, review_state: 'draft', published_version: null, province_code: '15', province_code_2009: '10', status: 'planned', vn2000_epsg: 9208 });
    expect(f.properties.code).toMatch(/^15-\d{3}$/);
    expect(f.properties.occupancy_pct).toBe(40);
    // 400 m square ≈ 16 ha; geodesic and VN-2000 planar areas agree closely
    expect(f.properties.area_ha).toBeGreaterThan(15.5);
    expect(f.properties.area_ha).toBeLessThan(16.5);
    expect(Math.abs(f.properties.area_ha_vn2000 / f.properties.area_ha - 1)).toBeLessThan(0.002);
    expect(f.properties.author.username).toBe('planner.laocai');

    // the public does not see a draft anywhere
    expect((await pub.get(`/api/clusters/${id}`)).status).toBe(404);
    expect((await pub.get('/api/clusters?province=15')).body.features.map((x: any) => x.id)).not.toContain(id);
    expect((await pub.get(`/api/clusters/${id}/versions`)).status).toBe(404);
    expect((await pub.get(`/api/clusters/${id}/comments`)).status).toBe(401);

    // edit: new version 2, grown to the east
    const bigger = square(LAOCAI, 0, 500);
    const edited = await planner.put(`/api/clusters/${id}`, { ...clusterFeature({ name: 'Cụm công nghiệp Đông Phố Mới', district_code: '080', tenants: 3 }, bigger), comment: 'larger' }, ifMatch(1));
    expect(edited.status, edited.text).toBe(200);
    expect(edited.headers.get('etag')).toBe('"2"');
    expect(edited.body.properties).toMatchObject({ version: 2, review_state: 'draft', tenants: 3, code: f.properties.code });

    // submit, approve
    const submitted = await planner.post(`/api/clusters/${id}/submit`, { comment: 'please review' });
    expect(submitted.status, submitted.text).toBe(200);
    expect(submitted.body.properties.review_state).toBe('submitted');
    const queue = await reviewer.get('/api/clusters/review-queue');
    expect(queue.status).toBe(200);
    expect(queue.body.features.map((x: any) => x.id)).toContain(id);
    expect(queue.body.features.find((x: any) => x.id === id).properties.submitted_by).toBe('planner.laocai');
    // editing while under review is refused
    expect((await planner.put(`/api/clusters/${id}`, clusterFeature({}, bigger), ifMatch(2))).body.error.code).toBe('under-review');
    const approved = await reviewer.post(`/api/clusters/${id}/approve`, { comment: 'ok' });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.properties).toMatchObject({ version: 2, review_state: 'approved', published_version: 2 });
    expect((await reviewer.get('/api/clusters/review-queue')).body.features.map((x: any) => x.id)).not.toContain(id);

    // the public sees version 2 without author
    const pubItem = await pub.get(`/api/clusters/${id}`);
    expect(pubItem.status).toBe(200);
    expect(pubItem.headers.get('etag')).toBe('"2"');
    expect(pubItem.body.properties).toMatchObject({ version: 2, review_state: 'approved', published_version: 2 });
    expect(pubItem.body.properties.author).toBeUndefined();
    expect((await pub.get('/api/clusters?province=15')).body.features.map((x: any) => x.id)).toContain(id);

    // a new draft (v3) under review: the public still sees v2, staff see v3
    const v3 = await planner.put(`/api/clusters/${id}`, clusterFeature({ name: 'Cụm công nghiệp Đông Phố Mới', status: 'established' }, square(LAOCAI, 0, 300)), ifMatch(2));
    expect(v3.status, v3.text).toBe(200);
    expect((await planner.post(`/api/clusters/${id}/submit`, {})).status).toBe(200);
    expect((await pub.get(`/api/clusters/${id}`)).body.properties).toMatchObject({ version: 2, status: 'planned' });
    const pubList = await pub.get('/api/clusters?province=15');
    expect(pubList.body.features.find((x: any) => x.id === id).properties.version).toBe(2);
    expect((await ministry.get(`/api/clusters/${id}`)).body.properties).toMatchObject({ version: 3, review_state: 'submitted' });

    // request changes needs a comment; then the planner sees changes_requested and may edit again
    expect((await reviewer.post(`/api/clusters/${id}/request-changes`, {})).status).toBe(400);
    const rc = await reviewer.post(`/api/clusters/${id}/request-changes`, { comment: 'boundary too small' });
    expect(rc.status, rc.text).toBe(200);
    expect(rc.body.properties.review_state).toBe('changes_requested');
    expect((await pub.get(`/api/clusters/${id}`)).body.properties.version).toBe(2);

    // comments thread
    const c = await reviewer.post(`/api/clusters/${id}/comments`, { body: 'Xem lại ranh giới phía đông' });
    expect(c.status, c.text).toBe(201);
    const thread = await planner.get(`/api/clusters/${id}/comments`);
    expect(thread.body.comments.map((x: any) => x.body)).toEqual(['Xem lại ranh giới phía đông']);
    expect(thread.body.comments[0].author.username).toBe('reviewer.laocai');

    // history: staff see all 3 with events; public sees only the approved one, anonymously
    const hist = await planner.get(`/api/clusters/${id}/versions`);
    expect(hist.status).toBe(200);
    expect(hist.body.versions.map((v: any) => [v.version, v.review_state])).toEqual([
      [3, 'changes_requested'],
      [2, 'approved'],
      [1, 'draft'],
    ]);
    expect(hist.body.versions[2].comment).toBe('first draft');
    expect(hist.body.versions[1].events.map((e: any) => e.state)).toEqual(['draft', 'submitted', 'approved']);
    const pubHist = await pub.get(`/api/clusters/${id}/versions`);
    expect(pubHist.body.versions.map((v: any) => v.version)).toEqual([2]);
    expect(JSON.stringify(pubHist.body)).not.toMatch(/planner\.laocai|reviewer\.laocai|comment|events/);

    // diff 1 → 2: attributes changed, the ring of added land is 25 - 16 = 9 ha, nothing removed
    const diff = await planner.get(`/api/clusters/${id}/diff?from=1&to=2`);
    expect(diff.status, diff.text).toBe(200);
    const changed = Object.fromEntries(diff.body.attributes.map((a: any) => [a.field, [a.from, a.to]]));
    expect(changed.tenants).toEqual([null, 3]);
    expect(changed.industries).toEqual([['cơ khí'], []]);
    expect(changed.name).toBeUndefined();
    expect(diff.body.geometry.changed).toBe(true);
    expect(diff.body.geometry.added.geometry.type).toBe('MultiPolygon');
    expect(diff.body.geometry.added_area_ha).toBeCloseTo(edited.body.properties.area_ha - f.properties.area_ha, 3);
    expect(diff.body.geometry.removed_area_ha).toBe(0);
    expect(diff.body.geometry.removed.geometry).toBeNull();
    // 2 → 3 shrinks: removed part only
    const shrink = await planner.get(`/api/clusters/${id}/diff?from=2&to=3`);
    expect(shrink.body.geometry.added_area_ha).toBe(0);
    expect(shrink.body.geometry.removed_area_ha).toBeGreaterThan(15);
    expect(shrink.body.attributes.find((a: any) => a.field === 'status')).toEqual({ field: 'status', from: 'planned', to: 'established' });
    // the public may diff published versions only
    expect((await pub.get(`/api/clusters/${id}/diff?from=2&to=3`)).status).toBe(404);

    // every write was audited with versions before/after
    const admin = await t.server.client().login('admin');
    const audit = await admin.get(`/api/audit?entity_type=cluster&entity_id=${id}&limit=100`);
    const ok = audit.body.entries.filter((e: any) => e.outcome === 'ok').reverse();
    expect(ok.map((e: any) => [e.action, e.version_before, e.version_after])).toEqual([
      ['cluster.create', null, 1],
      ['cluster.update', 1, 2],
      ['cluster.submit', 2, 2],
      ['cluster.approve', 2, 2],
      ['cluster.update', 2, 3],
      ['cluster.submit', 3, 3],
      ['cluster.request-changes', 3, 3],
      ['cluster.comment', 3, 3],
    ]);
    expect(ok[0].username).toBe('planner.laocai');
    expect(ok[0].ip).toBeTruthy();
    expect(audit.body.entries.some((e: any) => e.outcome === 'refused' && e.details.code === 'under-review')).toBe(true);
  });

  it('If-Match: missing → 428, stale → 409 with the current version, nothing overwritten', async () => {
    const created = await planner.post('/api/clusters', clusterFeature({}, square(LAOCAI, 2)));
    expect(created.status, created.text).toBe(201);
    const id = created.body.id;
    const body = clusterFeature({ tenants: 7 }, square(LAOCAI, 2));
    const missing = await planner.put(`/api/clusters/${id}`, body);
    expect(missing.status).toBe(428);
    expect(missing.body.error.code).toBe('precondition-required');
    expect((await planner.put(`/api/clusters/${id}`, body, ifMatch(1))).status).toBe(200);
    const stale = await planner.put(`/api/clusters/${id}`, clusterFeature({ tenants: 99 }, square(LAOCAI, 2)), ifMatch(1));
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'stale-version', details: { current_version: 2, your_version: 1 } });
    const now = await planner.get(`/api/clusters/${id}`);
    expect(now.body.properties).toMatchObject({ version: 2, tenants: 7 });
    const versions = await t.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM cluster_versions WHERE cluster_id = $1', [id]);
    expect(versions.rows[0].n).toBe(2);
    // a weak or bare tag is accepted too
    expect((await planner.put(`/api/clusters/${id}`, body, { 'If-Match': 'W/"2"' })).status).toBe(200);
  });

  it('two concurrent writers with the same If-Match: exactly one 200 and one 409, no lost update', async () => {
    const created = await planner.post('/api/clusters', clusterFeature({}, square(LAOCAI, 4)));
    const id = created.body.id;
    const other = await t.server.client().login('planner.laocai');
    const [a, b] = await Promise.all([
      planner.put(`/api/clusters/${id}`, clusterFeature({ workers: 111 }, square(LAOCAI, 4)), ifMatch(1)),
      other.put(`/api/clusters/${id}`, clusterFeature({ workers: 222 }, square(LAOCAI, 4)), ifMatch(1)),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? a : b;
    const now = await planner.get(`/api/clusters/${id}`);
    expect(now.body.properties.version).toBe(2);
    expect(now.body.properties.workers).toBe(winner.body.properties.workers);
    const rows = await t.server.db.query<{ version: number }>('SELECT version FROM cluster_versions WHERE cluster_id = $1 ORDER BY version', [id]);
    expect(rows.rows.map((r) => r.version)).toEqual([1, 2]);
  });

  it('DELETE with If-Match creates a removed version; after approval the public list drops it but history keeps it', async () => {
    const created = await planner.post('/api/clusters', clusterFeature({}, square(LAOCAI, 6)));
    const id = created.body.id;
    await planner.post(`/api/clusters/${id}/submit`, {});
    await reviewer.post(`/api/clusters/${id}/approve`, {});
    expect((await planner.delete(`/api/clusters/${id}`)).status).toBe(428);
    const removed = await planner.request('DELETE', `/api/clusters/${id}`, { body: { comment: 'closed' }, headers: ifMatch(1) });
    expect(removed.status, removed.text).toBe(200);
    expect(removed.body.properties).toMatchObject({ version: 2, status: 'removed', review_state: 'draft' });
    // pending review: the public still lists the approved version
    expect((await pub.get('/api/clusters?province=15')).body.features.map((x: any) => x.id)).toContain(id);
    await planner.post(`/api/clusters/${id}/submit`, {});
    await reviewer.post(`/api/clusters/${id}/approve`, {});
    expect((await pub.get('/api/clusters?province=15')).body.features.map((x: any) => x.id)).not.toContain(id);
    expect((await pub.get('/api/clusters?province=15&status=removed')).body.features.map((x: any) => x.id)).toContain(id);
    expect((await pub.get(`/api/clusters/${id}/versions`)).body.versions.map((v: any) => v.version)).toEqual([2, 1]);
    // a removed cluster no longer blocks its land: a new one may overlap it
    const reuse = await planner.post('/api/clusters', clusterFeature({}, square(LAOCAI, 6)));
    expect(reuse.status, reuse.text).toBe(201);
  });

  it('list filters: q with or without diacritics, status, bbox, province, limit/offset; GET by code', async () => {
    const a = await planner.post('/api/clusters', clusterFeature({ name: 'Cụm công nghiệp Bắc Duyên Hải', status: 'operating' }, square(LAOCAI, 8)));
    expect(a.status, a.text).toBe(201);
    const id = a.body.id;
    for (const q of ['Duyên Hải', 'duyen hai', 'DUYEN', 'bắc duyên', 'Bac Duyen Hai']) {
      const res = await planner.get(`/api/clusters?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      expect(res.body.features.map((x: any) => x.id), q).toContain(id);
    }
    expect((await planner.get(`/api/clusters?q=${encodeURIComponent('Đông Hải')}`)).body.features.map((x: any) => x.id)).not.toContain(id);
    expect((await planner.get('/api/clusters?q=%25')).body.features).toHaveLength(0);
    expect((await planner.get('/api/clusters?status=operating')).body.features.map((x: any) => x.id)).toContain(id);
    expect((await planner.get('/api/clusters?status=suspended')).body.features.map((x: any) => x.id)).not.toContain(id);
    const [dx, dy] = slotOffset(8);
    const [lon, lat] = [LAOCAI[0] + dx, LAOCAI[1] + dy];
    expect((await planner.get(`/api/clusters?bbox=${lon - 0.003},${lat - 0.003},${lon + 0.003},${lat + 0.003}`)).body.features.map((x: any) => x.id)).toEqual([id]);
    expect((await planner.get('/api/clusters?bbox=106,21,106.2,21.3')).body.features.map((x: any) => x.id)).not.toContain(id);
    expect((await planner.get('/api/clusters?province=24')).body.features).toHaveLength(0);
    const page = await planner.get('/api/clusters?province=15&limit=1&offset=1');
    expect(page.body.features).toHaveLength(1);
    expect(page.body.numberMatched).toBeGreaterThan(1);
    expect((await planner.get('/api/clusters?limit=0')).status).toBe(400);
    expect((await planner.get('/api/clusters?bbox=1,2,3')).status).toBe(400);
    expect((await planner.get('/api/clusters?status=nope')).status).toBe(400);
    const byCode = await planner.get(`/api/clusters/${a.body.properties.code}`);
    expect(byCode.body.id).toBe(id);
    expect((await planner.get('/api/clusters/00000000-0000-0000-0000-000000000000')).status).toBe(404);
  });
});
