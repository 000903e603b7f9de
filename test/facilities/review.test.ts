import { expect, it, beforeAll } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import type { TestClient } from '../support/client.ts';
import { createFacility, facilityFeature, point } from '../screening/helpers.ts';
import { FacilitiesRepository } from '../../server/facilities/facilities.repository.ts';

const CONTRACT = ['name', 'owner', 'industry', 'hazard_class', 'pollution_types', 'land_need_ha', 'workers', 'province_code', 'district_code', 'commune', 'status'];

describeEachServer('facilities: review workflow (draft → submitted → approved) and visibility', (t) => {
  let planner: TestClient;
  let reviewer: TestClient;
  let otherPlanner: TestClient;
  let ministry: TestClient;

  beforeAll(async () => {
    planner = await t.server.client().login('planner.laocai');
    reviewer = await t.server.client().login('reviewer.laocai');
    otherPlanner = await t.server.client().login('planner.bacninh');
    ministry = await t.server.client().login('ministry');
  });

  it('create → submit → approve by a reviewer of the same province publishes the version', async () => {
    const created = await planner.post('/api/facilities', facilityFeature(point(104.12, 22.43), { name: 'Xưởng duyệt' }));
    expect(created.status).toBe(201);
    // the contract's properties are unchanged; review metadata lives in `meta`
    expect(Object.keys(created.body.properties).sort()).toEqual([...CONTRACT].sort());
    expect(created.body.meta).toMatchObject({ version: 1, review_state: 'draft', published_version: null, head_version: 1 });
    const id = created.body.id as string;

    const submitted = await planner.post(`/api/facilities/${id}/submit`, { comment: 'Xin duyệt' });
    expect(submitted.status).toBe(200);
    expect(submitted.body.meta.review_state).toBe('submitted');
    // the head under review cannot be overwritten
    const blocked = await planner.put(`/api/facilities/${id}`, facilityFeature(point(104.12, 22.43), { name: 'Sửa khi đang duyệt' }), { 'If-Match': '"1"' });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('under-review');

    const approved = await reviewer.post(`/api/facilities/${id}/approve`, { comment: 'Đồng ý' });
    expect(approved.status).toBe(200);
    expect(approved.body.meta).toMatchObject({ version: 1, review_state: 'approved', published_version: 1 });

    const versions = await planner.get(`/api/facilities/${id}/versions`);
    expect(versions.status).toBe(200);
    expect(versions.body).toMatchObject({ id, head_version: 1, published_version: 1 });
    expect(versions.body.versions[0]).toMatchObject({ version: 1, review_state: 'approved', published: true, author: { username: 'planner.laocai' } });
    expect(versions.body.versions[0].events.map((e: any) => [e.state, e.actor_username])).toEqual([
      ['draft', 'planner.laocai'],
      ['submitted', 'planner.laocai'],
      ['approved', 'reviewer.laocai'],
    ]);

    const audit = await t.server.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE entity_type = 'facility' AND entity_id = $1 ORDER BY id`, [id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['facility.create', 'facility.submit', 'facility.update', 'facility.approve']);
  });

  it('refuses a planner of another province (403) and the public (401)', async () => {
    const id = await createFacility(planner, point(104.13, 22.43));
    const submit = await otherPlanner.post(`/api/facilities/${id}/submit`, {});
    expect(submit.status).toBe(403);
    expect((await planner.post(`/api/facilities/${id}/submit`, {})).status).toBe(200);
    const approve = await otherPlanner.post(`/api/facilities/${id}/approve`, {});
    expect(approve.status).toBe(403);
    // a planner does not review, even in their own province
    expect((await planner.post(`/api/facilities/${id}/approve`, {})).status).toBe(403);
    expect((await otherPlanner.put(`/api/facilities/${id}`, facilityFeature(point(104.13, 22.43)), { 'If-Match': '"1"' })).status).toBe(403);
    const anon = t.server.client();
    expect((await anon.post(`/api/facilities/${id}/approve`, {})).status).toBe(401);
    expect((await anon.get(`/api/facilities/${id}/versions`)).status).toBe(401);
    const state = await reviewer.get(`/api/facilities/${id}`);
    expect(state.body.meta.review_state).toBe('submitted');
  });

  it('a reviewer cannot approve a version they authored (four eyes)', async () => {
    const id = await createFacility(reviewer, point(104.14, 22.43), { name: 'Do người duyệt nhập' });
    expect((await reviewer.post(`/api/facilities/${id}/submit`, {})).status).toBe(200);
    const own = await reviewer.post(`/api/facilities/${id}/approve`, {});
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe('own-version');
    // request-changes needs a comment, then the author edits and resubmits
    expect((await planner.post(`/api/facilities/${id}/request-changes`, { comment: 'x' })).status).toBe(403);
    expect((await (await t.server.client().login('admin')).post(`/api/facilities/${id}/request-changes`, {})).status).toBe(400);
  });

  it('other provinces see only the approved version; the province and the ministry see the head', async () => {
    const id = await createFacility(planner, point(104.15, 22.43), { name: 'Bản 1' });
    // nothing approved yet: invisible outside the province, and not listed
    expect((await otherPlanner.get(`/api/facilities/${id}`)).status).toBe(404);
    expect((await otherPlanner.get(`/api/facilities/${id}/versions`)).status).toBe(404);
    expect((await otherPlanner.get(`/api/facilities/${id}/history`)).status).toBe(404);
    expect((await otherPlanner.get('/api/facilities?province=15')).body.features.map((f: any) => f.id)).not.toContain(id);
    expect((await ministry.get(`/api/facilities/${id}`)).status).toBe(200);

    await planner.post(`/api/facilities/${id}/submit`, {});
    await reviewer.post(`/api/facilities/${id}/approve`, {});
    const v2 = await planner.put(`/api/facilities/${id}`, facilityFeature(point(104.15, 22.43), { name: 'Bản 2 (nháp)' }), { 'If-Match': '"1"' });
    expect(v2.status).toBe(200);
    expect(v2.body.meta).toMatchObject({ version: 2, review_state: 'draft', published_version: 1 });

    const seenOutside = await otherPlanner.get(`/api/facilities/${id}`);
    expect(seenOutside.status).toBe(200);
    expect(seenOutside.body.properties.name).toBe('Bản 1');
    expect(seenOutside.body.meta.version).toBe(1);
    expect(seenOutside.body.meta.head_version).toBeUndefined();
    expect((await otherPlanner.get(`/api/facilities/${id}?version=2`)).status).toBe(404);
    const outsideVersions = await otherPlanner.get(`/api/facilities/${id}/versions`);
    expect(outsideVersions.body.versions.map((v: any) => v.version)).toEqual([1]);
    expect(outsideVersions.body.versions[0].author).toBeUndefined();
    const listed = (await otherPlanner.get('/api/facilities?province=15')).body.features.find((f: any) => f.id === id);
    expect(listed.properties.name).toBe('Bản 1');

    expect((await planner.get(`/api/facilities/${id}`)).body.properties.name).toBe('Bản 2 (nháp)');
    expect((await ministry.get(`/api/facilities/${id}`)).body.meta.version).toBe(2);
    const history = await planner.get(`/api/facilities/${id}/history`);
    expect(history.body.versions.map((v: any) => [v.version, v.review_state])).toEqual([[1, 'approved'], [2, 'draft']]);
  });

  it('needs a version to save over (428), and names the current one when stale (409)', async () => {
    const id = await createFacility(planner, point(104.16, 22.43));
    const none = await planner.put(`/api/facilities/${id}`, facilityFeature(point(104.16, 22.43)));
    expect(none.status).toBe(428);
    expect((await planner.put(`/api/facilities/${id}`, facilityFeature(point(104.16, 22.43)), { 'If-Match': '"1"' })).status).toBe(200);
    const stale = await planner.put(`/api/facilities/${id}`, facilityFeature(point(104.16, 22.43)), { 'If-Match': '"1"' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.details.current_version).toBe(2);
  });

  it('keeps imported facilities in the workflow as drafts', async () => {
    const header = 'name,hazard_class,province_code,status,lon,lat';
    const res = await planner.request('POST', '/api/facilities/import', { raw: `${header}\nNhập từ tệp,II,10,in-place,104.17,22.43\n`, headers: { 'content-type': 'text/csv' } });
    expect(res.status, res.text).toBe(201);
    const id = res.body.ids[0] as string;
    expect((await planner.get(`/api/facilities/${id}`)).body.meta.review_state).toBe('draft');
    expect((await planner.post(`/api/facilities/${id}/submit`, {})).status).toBe(200);
    expect((await reviewer.post(`/api/facilities/${id}/approve`, {})).body.meta.published_version).toBe(1);
  });

  it('keeps a comment thread per facility for staff of the province', async () => {
    const id = await createFacility(planner, point(104.18, 22.43));
    const posted = await reviewer.post(`/api/facilities/${id}/comments`, { body: 'Kiểm tra lại diện tích' });
    expect(posted.status).toBe(201);
    const list = await planner.get(`/api/facilities/${id}/comments`);
    expect(list.body.comments.map((c: any) => [c.body, c.author.username])).toEqual([['Kiểm tra lại diện tích', 'reviewer.laocai']]);
    expect((await otherPlanner.get(`/api/facilities/${id}/comments`)).status).toBe(403);
  });

  it('gives other readers (screening) the version each viewer may see', async () => {
    const draftOnly = await createFacility(planner, point(104.19, 22.43));
    const published = await createFacility(planner, point(104.2, 22.43));
    await planner.post(`/api/facilities/${published}/submit`, {});
    await reviewer.post(`/api/facilities/${published}/approve`, {});
    await planner.put(`/api/facilities/${published}`, facilityFeature(point(104.2, 22.43), { name: 'v2' }), { 'If-Match': '"1"' });
    const repo = new FacilitiesRepository(t.server.db);
    const own = await repo.visibleVersions([draftOnly, published], { seeAllUnpublished: false, ownProvince: '15' });
    expect(Object.fromEntries(own)).toEqual({ [draftOnly]: 1, [published]: 2 });
    const other = await repo.visibleVersions([draftOnly, published], { seeAllUnpublished: false, ownProvince: '24' });
    expect(Object.fromEntries(other)).toEqual({ [published]: 1 });
    // screening by the facility's own province keeps working on the head version
    const screening = await planner.post('/api/screening', { facility_id: published });
    expect(screening.status).toBe(201);
    expect(screening.body.data_version.facilities[published]).toBe(2);
  });
});
