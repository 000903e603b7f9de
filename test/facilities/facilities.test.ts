import { expect, it, beforeAll } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import { squareAround } from '../support/fixtures.ts';
import type { TestClient } from '../support/client.ts';
import { createFacility, facilityFeature, point, refreshConnection, zoneEastOf, zoneFromGeoJSON } from '../screening/helpers.ts';

const CONTRACT = ['name', 'owner', 'industry', 'hazard_class', 'pollution_types', 'land_need_ha', 'workers', 'province_code', 'district_code', 'commune', 'status'];

describeEachServer('facilities: register contract, versions and province scope', (t) => {
  let planner: TestClient;

  beforeAll(async () => {
    planner = await t.server.client().login('planner.laocai');
  });

  it('creates a facility as a GeoJSON Feature and reads it back', async () => {
    const body = facilityFeature(point(104.1, 22.4), { name: 'Lò gạch Thử Nghiệm', hazard_class: 'II', pollution_types: ['dust', 'emissions'], land_need_ha: 3.5, workers: 40 });
    const res = await planner.post('/api/facilities', body);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/facilities/${res.body.id}`);
    const got = await planner.get(`/api/facilities/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body.type).toBe('Feature');
    expect(got.body.id).toBe(res.body.id);
    expect(got.body.geometry).toEqual({ type: 'Point', coordinates: [104.1, 22.4] });
    expect(Object.keys(got.body.properties).sort()).toEqual([...CONTRACT].sort());
    expect(got.body.properties).toMatchObject({ name: 'Lò gạch Thử Nghiệm', hazard_class: 'II', pollution_types: ['dust', 'emissions'], land_need_ha: 3.5, workers: 40, status: 'in-place', province_code: '10' });
  });

  it('accepts a polygon site', async () => {
    const res = await planner.post('/api/facilities', facilityFeature(squareAround(104.2, 22.4, 200)));
    expect(res.status).toBe(201);
    expect(res.body.geometry.type).toBe('Polygon');
  });

  it('keeps every version and refuses a stale write', async () => {
    const id = await createFacility(planner, point(104.1, 22.41));
    const v2 = await planner.put(`/api/facilities/${id}`, facilityFeature(point(104.1, 22.41), { status: 'relocation-planned' }), { 'If-Match': '"1"' });
    expect(v2.status).toBe(200);
    expect(v2.body.meta.version).toBe(2);
    const stale = await planner.put(`/api/facilities/${id}`, facilityFeature(point(104.1, 22.41), { status: 'relocated' }), { 'If-Match': '"1"' });
    expect(stale.status).toBe(409);
    const history = await planner.get(`/api/facilities/${id}/history`);
    expect(history.body.versions.map((v: any) => [v.version, v.properties.status])).toEqual([[1, 'in-place'], [2, 'relocation-planned']]);
    // versions are immutable in the database itself
    await expect(t.server.db.query(`UPDATE facility_versions SET name = 'x' WHERE facility_id = $1`, [id])).rejects.toThrow(/immutable/);
  });

  it('rejects bad input with the right status and stores nothing', async () => {
    const count = async () => (await t.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM facilities')).rows[0]!.n;
    const before = await count();
    const cases: [unknown, number, string][] = [
      [{ type: 'FeatureCollection', features: [] }, 400, 'invalid-feature'],
      [facilityFeature(point(104, 22), { hazard_class: 'VI' }), 422, 'invalid-attributes'],
      [facilityFeature(point(104, 22), { status: 'moved' }), 422, 'invalid-attributes'],
      [facilityFeature(point(104, 22), { pollution_types: ['smell'] }), 422, 'invalid-attributes'],
      [facilityFeature(point(104, 22), { land_need_ha: -1 }), 422, 'invalid-attributes'],
      [facilityFeature(point(104, 22), { name: '' }), 422, 'invalid-attributes'],
      [facilityFeature(point(2.35, 48.85)), 422, 'invalid-geometry'],
      [facilityFeature(point(22, 104)), 422, 'invalid-geometry'],
      [facilityFeature({ type: 'LineString', coordinates: [[104, 22], [104.1, 22]] } as GeoJSON.Geometry), 422, 'invalid-geometry'],
    ];
    for (const [body, status, code] of cases) {
      const res = await planner.post('/api/facilities', body);
      expect(res.status, JSON.stringify(body).slice(0, 120)).toBe(status);
      expect(res.body.error.code).toBe(code);
    }
    expect(await count()).toBe(before);
  });

  it('scopes writes to the planner’s province and reads to signed-in staff', async () => {
    const other = await t.server.client().login('planner.bacninh');
    const res = await other.post('/api/facilities', facilityFeature(point(104.1, 22.4)));
    expect(res.status).toBe(403);
    const ministry = await t.server.client().login('ministry');
    expect((await ministry.post('/api/facilities', facilityFeature(point(104.1, 22.4)))).status).toBe(403);
    const id = await createFacility(planner, point(104.1, 22.42));
    expect((await t.server.client().get(`/api/facilities/${id}`)).status).toBe(401);
    expect((await ministry.get(`/api/facilities/${id}`)).status).toBe(200);
    expect((await planner.get('/api/facilities/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await planner.get('/api/facilities/not-a-uuid')).status).toBe(404);
  });
});

describeEachServer('facilities among homes: exact threshold, ranking, CSV', (t) => {
  let planner: TestClient;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const db = t.server.db;
    planner = await t.server.client().login('planner.laocai');
    const lat = 22.35;
    // class III (300 m): a zone exactly 300.0 m away is compliant; 299.8 m is not
    ids.at = await createFacility(planner, point(104.0, lat), { name: 'Đúng ngưỡng', hazard_class: 'III' });
    await zoneEastOf(db, 104.0, lat, 300, { population: 500 });
    ids.below = await createFacility(planner, point(104.05, lat), { name: 'Dưới ngưỡng', hazard_class: 'III' });
    await zoneEastOf(db, 104.05, lat, 299.8, { population: 800 });
    // class II (500 m) with two zones within reach, one with an unknown population
    ids.classII = await createFacility(planner, point(104.1, lat), { name: 'Cấp II', hazard_class: 'II' });
    await zoneEastOf(db, 104.1, lat, 450, { population: 1200 });
    await zoneEastOf(db, 104.1, lat - 0.001, 470, { population: null });
    // class V (50 m) inside a zone
    ids.inside = await createFacility(planner, point(104.15, lat), { name: 'Trong khu dân cư', hazard_class: 'V' });
    await zoneFromGeoJSON(db, squareAround(104.15, lat, 300), { population: 3000, name: 'Phường Thử' });
    // another class III, 100 m away → ranked before the one at 299.8 m
    ids.closer = await createFacility(planner, point(104.2, lat), { name: 'Gần hơn', hazard_class: 'III' });
    await zoneEastOf(db, 104.2, lat, 100, { population: 10 });
    // relocated: no longer at its site
    ids.relocated = await createFacility(planner, point(104.25, lat), { name: 'Đã di dời', hazard_class: 'I', status: 'relocated' });
    await zoneEastOf(db, 104.25, lat, 100);
    // another province: filtered out by ?province=10
    const bn = await t.server.client().login('planner.bacninh');
    ids.bacninh = await createFacility(bn, point(106.05, 21.18), { name: 'Bắc Ninh', hazard_class: 'I', province_code: '27' });
    // other provinces see approved facility versions only: publish it so the nationwide list includes it
    expect((await bn.post(`/api/facilities/${ids.bacninh}/submit`, {})).status).toBe(200);
    expect((await (await t.server.client().login('admin')).post(`/api/facilities/${ids.bacninh}/approve`, {})).status).toBe(200);
    await zoneEastOf(db, 106.05, 21.18, 10);
    await refreshConnection(planner);
  });

  it('lists facilities closer than their class distance, not those exactly at it', async () => {
    const res = await planner.get('/api/facilities/among-residential?province=15');
    expect(res.status).toBe(200);
    const listed = res.body.items.map((i: any) => i.facility_id);
    expect(listed).not.toContain(ids.at);
    expect(listed).not.toContain(ids.relocated);
    expect(listed).not.toContain(ids.bacninh);
    // ranked: class II, then class III by distance (100 m, then 299.8 m), then class V
    expect(listed).toEqual([ids.classII, ids.closer, ids.below, ids.inside]);
    const byId = Object.fromEntries(res.body.items.map((i: any) => [i.facility_id, i]));
    expect(byId[ids.below]).toMatchObject({ hazard_class: 'III', required_distance_m: 300, zone_count: 1, nearest_distance_m: 299.8, population: 800, inside: false });
    expect(byId[ids.classII]).toMatchObject({ zone_count: 2, nearest_distance_m: 450, population: 1200, zones_with_population: 1 });
    expect(byId[ids.inside]).toMatchObject({ inside: true, nearest_distance_m: 0, population: 3000 });
    expect(res.body.items.map((i: any) => i.rank)).toEqual([1, 2, 3, 4]);
  });

  it('without a province lists the whole country; with a bad one answers 400', async () => {
    const res = await planner.get('/api/facilities/among-residential');
    expect(res.body.items.map((i: any) => i.facility_id)).toContain(ids.bacninh);
    // class I first
    expect(res.body.items[0].facility_id).toBe(ids.bacninh);
    expect((await planner.get('/api/facilities/among-residential?province=x1')).status).toBe(400);
    expect((await t.server.client().get('/api/facilities/among-residential')).status).toBe(401);
  });

  it('exports the same ranking as CSV', async () => {
    const res = await planner.get('/api/facilities/among-residential?province=15&format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = res.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).toBe('rank,facility_id,name,owner,industry,hazard_class,required_distance_m,inside,zone_count,nearest_distance_m,population,province_code,district_code,status,lon,lat');
    expect(lines).toHaveLength(5);
    expect(lines[3]).toContain(ids.below);
    expect(lines[3]).toContain('299.8');
  });
});
