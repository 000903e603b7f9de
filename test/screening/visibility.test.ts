import { expect, it, beforeAll } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import type { TestClient } from '../support/client.ts';
import { createFacility, facilityFeature, lonEast, point, refreshConnection, zoneEastOf } from './helpers.ts';

/**
 * Screening and among-residential read facilities at the version the viewer may see: staff of another province
 * (planner.bacninh, 27) never see drafts of a Lào Cai (10) facility, only its last approved version.
 */
describeEachServer('screening: facility visibility across provinces', (t) => {
  let planner: TestClient;
  let otherPlanner: TestClient;
  let draftOnly: string;
  let published: string;
  let cluster: string;
  const lat = 22.2;
  const lon = 104.3;
  // v2 moves the site ~44 km north: a screening on the wrong version would measure a very different distance
  const v2Lat = 22.6;

  beforeAll(async () => {
    const db = t.server.db;
    planner = await t.server.client().login('planner.laocai');
    const reviewer = await t.server.client().login('reviewer.laocai');
    otherPlanner = await t.server.client().login('planner.bacninh');

    draftOnly = await createFacility(planner, point(lon, lat - 0.2), { name: 'Cơ sở chỉ có bản nháp' });

    const v1 = { name: 'Bản duyệt', hazard_class: 'V', land_need_ha: 1, pollution_types: ['noise'] };
    published = await createFacility(planner, point(lon, lat), v1);
    expect((await planner.post(`/api/facilities/${published}/submit`, {})).status).toBe(200);
    expect((await reviewer.post(`/api/facilities/${published}/approve`, {})).status).toBe(200);
    const v2 = await planner.put(
      `/api/facilities/${published}`,
      facilityFeature(point(lon, v2Lat), { name: 'Bản nháp', hazard_class: 'I', land_need_ha: 50, pollution_types: ['wastewater'] }),
      { 'If-Match': '"1"' },
    );
    expect(v2.status).toBe(200);

    // boundary ~2 km east of the v1 site, 40 ha free
    cluster = (
      await insertCluster(db, {
        name: 'Cụm công nghiệp Cạnh Bản Duyệt',
        geometry: squareAround(lonEast(lon, lat, 2250), lat, 500),
        province_code_2009: '10',
        status: 'operating',
        properties: { industrial_land_ha: 50, leased_ha: 10, wastewater: 'operating', industries: [] },
      })
    ).id;
    // homes 20 m from each site (the draft-only one, v1's and v2's): every version is "among homes"
    await zoneEastOf(db, lon, lat - 0.2, 20, { name: 'Thôn Nháp' });
    await zoneEastOf(db, lon, lat, 20, { name: 'Thôn Bản Một' });
    await zoneEastOf(db, lon, v2Lat, 20, { name: 'Thôn Bản Hai' });
    await refreshConnection(otherPlanner);
  });

  const storedCount = async () => (await t.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM screenings')).rows[0]!.n;

  it('answers 404 to another province screening a draft-only facility, and stores nothing', async () => {
    const before = await storedCount();
    const res = await otherPlanner.post('/api/screening', { facility_id: draftOnly });
    expect(res.status).toBe(404);
    expect(res.body.error.details.missing).toEqual([draftOnly]);
    // one invisible facility fails the whole batch
    const batch = await otherPlanner.post('/api/screening', { facility_ids: [published, draftOnly] });
    expect(batch.status).toBe(404);
    expect(batch.body.error.details.missing).toEqual([draftOnly]);
    expect(await storedCount()).toBe(before);
    // its own province screens the draft
    expect((await planner.post('/api/screening', { facility_id: draftOnly })).status).toBe(201);
  });

  it('screens the approved v1 for another province, not the draft v2 (attributes and site)', async () => {
    const res = await otherPlanner.post('/api/screening', { facility_id: published });
    expect(res.status).toBe(201);
    const r = res.body.results[0];
    expect(r.facility).toMatchObject({ version: 1, name: 'Bản duyệt', hazard_class: 'V', required_distance_m: 50, land_need_ha: 1, discharges_wastewater: false });
    expect(r.facility.lat).toBeCloseTo(lat, 6);
    expect(res.body.data_version.facilities[published]).toBe(1);
    const c = r.candidates.find((x: any) => x.cluster_id === cluster);
    expect(c).toBeDefined();
    // measured from v1's site (~2 km), not v2's (~44 km)
    expect(c.criteria.find((k: any) => k.criterion === 'distance-from-site').raw).toBeCloseTo(2, 1);
    const stored = await otherPlanner.get(`/api/screenings/${res.body.id}`);
    expect(stored.body.results[0].facility.name).toBe('Bản duyệt');
  });

  it('screens the head v2 for staff of the facility province', async () => {
    const res = await planner.post('/api/screening', { facility_id: published });
    expect(res.status).toBe(201);
    const r = res.body.results[0];
    expect(r.facility).toMatchObject({ version: 2, name: 'Bản nháp', hazard_class: 'I', land_need_ha: 50 });
    expect(r.facility.lat).toBeCloseTo(v2Lat, 6);
    expect(res.body.data_version.facilities[published]).toBe(2);
    const d = [...r.candidates, ...r.rejected].find((x: any) => x.cluster_id === cluster);
    expect(d).toBeDefined();
    expect(r.candidates.map((x: any) => x.cluster_id)).not.toContain(cluster); // 40 ha free < 50 ha needed
  });

  it('stored screenings of versions another province may not see are 404 and unlisted for it', async () => {
    const ministry = await t.server.client().login('ministry');
    const ofDraft = (await planner.post('/api/screening', { facility_id: draftOnly })).body.id as string;
    const ofHead = (await planner.post('/api/screening', { facility_id: published })).body.id as string;
    const ofApproved = (await otherPlanner.post('/api/screening', { facility_id: published })).body.id as string;
    for (const id of [ofDraft, ofHead]) {
      expect((await otherPlanner.get(`/api/screenings/${id}`)).status).toBe(404);
      expect((await otherPlanner.get(`/api/screenings/${id}?format=csv`)).status).toBe(404);
      expect((await planner.get(`/api/screenings/${id}`)).status).toBe(200);
      expect((await ministry.get(`/api/screenings/${id}`)).status).toBe(200);
    }
    expect((await otherPlanner.get(`/api/screenings/${ofApproved}`)).status).toBe(200);
    expect((await planner.get(`/api/screenings/${ofApproved}`)).status).toBe(200);
    const listed = async (c: TestClient) => (await c.get('/api/screenings?limit=500')).body.screenings.map((x: any) => x.id);
    const outside = await listed(otherPlanner);
    expect(outside).toContain(ofApproved);
    expect(outside).not.toContain(ofDraft);
    expect(outside).not.toContain(ofHead);
    expect(await listed(planner)).toEqual(expect.arrayContaining([ofDraft, ofHead, ofApproved]));
  });

  it('among-residential judges each facility at the version the viewer may see', async () => {
    const names = async (c: TestClient) => {
      const res = await c.get('/api/facilities/among-residential?province=15');
      expect(res.status).toBe(200);
      return Object.fromEntries(res.body.items.map((it: any) => [it.facility_id, it.name]));
    };
    const outside = await names(otherPlanner);
    expect(outside[draftOnly]).toBeUndefined();
    expect(outside[published]).toBe('Bản duyệt');
    const own = await names(planner);
    expect(own[draftOnly]).toBe('Cơ sở chỉ có bản nháp');
    expect(own[published]).toBe('Bản nháp');
    const csv = await otherPlanner.get('/api/facilities/among-residential?province=15&format=csv');
    expect(csv.text).not.toContain('Bản nháp');
    expect(csv.text).not.toContain(draftOnly);
  });
});
