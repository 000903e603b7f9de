import { expect, it, beforeAll } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import type { TestClient } from '../support/client.ts';
import { createFacility, lonEast, point, refreshConnection, zoneEastOf } from './helpers.ts';

const LAT = 22.3;
const LON = 104.0;

/** A 500 m square cluster (25 ha) centred at lon/lat with the given attributes. */
function cluster(lon: number, lat: number, props: Record<string, unknown>, extra: { province_code_2009?: string; status?: 'planned' | 'established' | 'operating' | 'expanding' | 'suspended' } = {}) {
  return {
    geometry: squareAround(lon, lat, 500),
    province_code_2009: extra.province_code_2009 ?? '10',
    status: extra.status ?? 'operating',
    properties: { industrial_land_ha: 20, leased_ha: 5, wastewater: 'operating', industries: [], ...props },
  };
}

describeEachServer('screening: known-by-construction fixture (class I facility)', (t) => {
  let planner: TestClient;
  let facilityId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const db = t.server.db;
    planner = await t.server.client().login('planner.laocai');
    facilityId = await createFacility(planner, point(LON, LAT), {
      name: 'Nhà máy nhuộm Thử Nghiệm',
      hazard_class: 'I',
      land_need_ha: 5,
      industry: 'Dệt may',
      pollution_types: ['wastewater', 'odour'],
    });
    // A: enough land, but homes 900 m from its east edge → rejected by isolation-distance
    const aLon = lonEast(LON, LAT, 5000);
    ids.A = (await insertCluster(db, { name: 'Cụm công nghiệp Gần Dân', ...cluster(aLon, LAT, { industrial_land_ha: 50, leased_ha: 10 }) })).id;
    await zoneEastOf(db, lonEast(aLon, LAT, 250), LAT, 900, { name: 'Thôn Gần' });
    // B: homes 1,200 m away → passes with a 200 m spare margin
    const bLat = LAT + 0.09;
    ids.B = (await insertCluster(db, { name: 'Cụm công nghiệp Xa Dân', ...cluster(LON, bLat, { industrial_land_ha: 50, leased_ha: 30 }) })).id;
    await zoneEastOf(db, lonEast(LON, bLat, 250), bLat, 1200, { name: 'Thôn Xa' });
    // C: 2 ha free < 5 ha needed
    ids.C = (await insertCluster(db, { name: 'Cụm công nghiệp Hết Đất', ...cluster(LON, LAT - 0.09, { industrial_land_ha: 10, leased_ha: 8 }) })).id;
    const west = lonEast(LON, LAT, -10000);
    // D: only wood processing admitted
    ids.D = (await insertCluster(db, { name: 'Cụm công nghiệp Chế Biến Gỗ', ...cluster(west, LAT, { industries: ['Chế biến gỗ'] }) })).id;
    // E: established, plant under construction (the facility discharges wastewater)
    ids.E = (await insertCluster(db, { name: 'Cụm công nghiệp Chưa Xử Lý', ...cluster(west, LAT + 0.09, { wastewater: 'under-construction' }, { status: 'established' }) })).id;
    // F: suspended
    ids.F = (await insertCluster(db, { name: 'Cụm công nghiệp Tạm Dừng', ...cluster(west, LAT - 0.09, {}, { status: 'suspended' }) })).id;
    // G: another province of the same region
    ids.G = (await insertCluster(db, { name: 'Cụm công nghiệp Tỉnh Bên', ...cluster(lonEast(LON, LAT, 15000), LAT, {}, { province_code_2009: '11' }) })).id;
    // H: a registry cluster still planned
    ids.H = (await insertCluster(db, { name: 'Cụm công nghiệp Quy Hoạch', ...cluster(lonEast(LON, LAT, 15000), LAT + 0.09, {}, { status: 'planned' }) })).id;
    await refreshConnection(planner);
  });

  it('rejects the only big-enough cluster near homes with the distance named, and passes the one 1,200 m away', async () => {
    const res = await planner.post('/api/screening', { facility_id: facilityId });
    expect(res.status).toBe(201);
    expect(typeof res.body.id).toBe('string');
    expect(res.body.results).toHaveLength(1);
    const r = res.body.results[0];
    expect(r.facility_id).toBe(facilityId);
    expect(r.facility.required_distance_m).toBe(1000);

    expect(r.candidates.map((c: any) => c.cluster_id)).toEqual([ids.B]);
    const b = r.candidates[0];
    expect(b.rank).toBe(1);
    const margin = b.criteria.find((c: any) => c.criterion === 'isolation-margin');
    expect(margin.raw).toBeCloseTo(200, 0);
    expect(margin.normalized).toBeCloseTo(0.2, 3);
    // score = Σ weight × normalized, the weights shares summing to 1
    const sumW = b.criteria.reduce((s: number, c: any) => s + c.weight, 0);
    expect(sumW).toBeCloseTo(1, 6);
    for (const c of b.criteria) expect(c.contribution).toBeCloseTo(c.weight * c.normalized, 6);
    expect(b.score).toBeCloseTo(b.criteria.reduce((s: number, c: any) => s + c.contribution, 0), 6);

    const rejected = Object.fromEntries(r.rejected.map((x: any) => [x.cluster_id, x]));
    const a = rejected[ids.A];
    expect(a.constraint).toBe('isolation-distance');
    expect(a.evidence.value).toBeCloseTo(900, 0);
    expect(a.evidence.limit).toBe(1000);
    expect(a.evidence.unit).toBe('m');
    expect(a.message).toMatch(/900 m/);
    expect(a.message).toMatch(/1\.000 m/);
    expect(a.message_en).toMatch(/900 m .*< 1,000 m/);
    expect(rejected[ids.C].constraint).toBe('free-land');
    expect(rejected[ids.C].evidence).toMatchObject({ value: 2, limit: 5, unit: 'ha' });
    expect(rejected[ids.D].constraint).toBe('industry-allowed');
    expect(rejected[ids.E].constraint).toBe('wastewater');
    expect(rejected[ids.F].constraint).toBe('active-conforming');
    expect(rejected[ids.G].constraint).toBe('same-province');
    expect(rejected[ids.H].constraint).toBe('active-conforming');
    expect(r.constraints).toMatchObject({ 'free-land': true, 'isolation-distance': true, 'same-province': true, 'same-region': false });
    expect(r.skipped_criteria.map((s: any) => s.criterion)).toContain('road-distance');
    expect(r.sensitivity.top3).toEqual([ids.B]);
  });

  it('records switched-off constraints and lets the near-homes cluster through when isolation is off', async () => {
    const res = await planner.post('/api/screening', { facility_id: facilityId, constraints: { 'isolation-distance': false, 'industry-allowed': false } });
    expect(res.status).toBe(201);
    const r = res.body.results[0];
    expect(r.constraints['isolation-distance']).toBe(false);
    expect(r.constraints['industry-allowed']).toBe(false);
    expect(res.body.inputs.constraints['isolation-distance']).toBe(false);
    const candidateIds = r.candidates.map((c: any) => c.cluster_id);
    expect(candidateIds).toContain(ids.A);
    expect(candidateIds).toContain(ids.D);
    // A sits 900 m from homes: no spare margin
    const aMargin = r.candidates.find((c: any) => c.cluster_id === ids.A).criteria.find((c: any) => c.criterion === 'isolation-margin');
    expect(aMargin).toMatchObject({ raw: 0, normalized: 0 });
  });

  it('widens the scope to the region when same-province is off and same-region on', async () => {
    const res = await planner.post('/api/screening', { facility_id: facilityId, constraints: { 'same-province': false, 'same-region': true } });
    expect(res.status).toBe(201);
    const r = res.body.results[0];
    expect(r.candidates.map((c: any) => c.cluster_id).sort()).toEqual([ids.B, ids.G].sort());
  });

  it('includes planned clusters, marked as such, only when asked', async () => {
    const res = await planner.post('/api/screening', { facility_id: facilityId, include_planned: true });
    expect(res.status).toBe(201);
    const h = res.body.results[0].candidates.find((c: any) => c.cluster_id === ids.H);
    expect(h).toBeDefined();
    expect(h.planned).toBe(true);
  });

  it('stores the screening with inputs, data version and result, readable later', async () => {
    const res = await planner.post('/api/screening', { facility_id: facilityId, weights: { occupancy: 2 } });
    const got = await planner.get(`/api/screenings/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(res.body.id);
    expect(got.body.inputs).toEqual(res.body.inputs);
    expect(got.body.inputs.weights).toEqual({ occupancy: 2 });
    expect(got.body.results).toEqual(res.body.results);
    expect(got.body.data_version.facilities[facilityId]).toBe(1);
    expect(got.body.data_version.published_clusters).toBeGreaterThanOrEqual(8);
    expect(got.body.data_version.residential_zones).toBe(2);
    expect(got.body.data_version.regulation_profile).toBe('nd-32-2024');
    const csv = await planner.get(`/api/screenings/${res.body.id}?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.text).toContain('isolation-distance');
    expect(csv.text).toContain(ids.B);
  });

  it('answers bad input with 400/404 and stores nothing', async () => {
    const before = await t.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM screenings');
    const bad = [
      {},
      { facility_id: 'nope' },
      { facility_id: facilityId, facility_ids: [facilityId] },
      { facility_id: facilityId, weights: { colour: 1 } },
      { facility_id: facilityId, weights: { occupancy: -1 } },
      { facility_id: facilityId, constraints: { 'no-such': false } },
      { facility_id: facilityId, include_planned: 'yes' },
    ];
    for (const body of bad) {
      const res = await planner.post('/api/screening', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid-request');
    }
    const missing = await planner.post('/api/screening', { facility_ids: [facilityId, '00000000-0000-4000-8000-000000000000'] });
    expect(missing.status).toBe(404);
    expect(missing.body.error.details.missing).toEqual(['00000000-0000-4000-8000-000000000000']);
    const anon = await t.server.client().post('/api/screening', { facility_id: facilityId });
    expect(anon.status).toBe(401);
    const after = await t.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM screenings');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    expect((await planner.get('/api/screenings/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describeEachServer('screening: weights reorder candidates as computed by hand; batch', (t) => {
  let planner: TestClient;
  let f1: string;
  let f2: string;
  let P: string;
  let Q: string;
  const lat = 22.0;
  const lon = 104.5;

  beforeAll(async () => {
    const db = t.server.db;
    planner = await t.server.client().login('planner.laocai');
    // class V (50 m), no wastewater, 1 ha
    f1 = await createFacility(planner, point(lon, lat), { hazard_class: 'V', land_need_ha: 1, pollution_types: ['noise'] });
    f2 = await createFacility(planner, point(lon, lat + 0.2), { name: 'Xưởng cơ khí Thử Nghiệm', hazard_class: 'IV', land_need_ha: 2, pollution_types: [] });
    // P: boundary ~2 km from the site, 20 % occupied; Q: ~20 km, 80 % occupied; both fully equipped
    P = (await insertCluster(db, { name: 'Cụm công nghiệp Gần', ...cluster(lonEast(lon, lat, 2250), lat, { industrial_land_ha: 50, leased_ha: 10 }) })).id;
    Q = (await insertCluster(db, { name: 'Cụm công nghiệp Đầy', ...cluster(lonEast(lon, lat, 20250), lat, { industrial_land_ha: 50, leased_ha: 40 }) })).id;
    // a residential layer exists, far from both: full spare margin
    await zoneEastOf(db, lon, lat - 0.5, 100);
    await refreshConnection(planner);
  });

  const scores = (r: any) => Object.fromEntries(r.candidates.map((c: any) => [c.cluster_id, c]));

  it('ranks by the shares of the given weights (hand-computed)', async () => {
    // distance 3 : occupancy 1 → shares 0.75/0.25. P = 0.75·0.96 + 0.25·0.2 = 0.77; Q = 0.75·0.6 + 0.25·0.8 = 0.65
    const w1 = await planner.post('/api/screening', { facility_id: f1, weights: { 'distance-from-site': 3, occupancy: 1, infrastructure: 0, 'isolation-margin': 0 } });
    expect(w1.status).toBe(201);
    const r1 = w1.body.results[0];
    expect(r1.candidates.map((c: any) => c.cluster_id)).toEqual([P, Q]);
    const s1 = scores(r1);
    expect(s1[P].criteria.find((c: any) => c.criterion === 'distance-from-site').raw).toBeCloseTo(2, 1);
    expect(s1[P].criteria.find((c: any) => c.criterion === 'occupancy')).toMatchObject({ raw: 20, normalized: 0.2, weight: 0.25 });
    expect(s1[P].score).toBeCloseTo(0.77, 2);
    expect(s1[Q].score).toBeCloseTo(0.65, 2);

    // distance 1 : occupancy 3 → P = 0.25·0.96 + 0.75·0.2 = 0.39; Q = 0.25·0.6 + 0.75·0.8 = 0.75
    const w2 = await planner.post('/api/screening', { facility_id: f1, weights: { 'distance-from-site': 1, occupancy: 3, infrastructure: 0, 'isolation-margin': 0 } });
    const r2 = w2.body.results[0];
    expect(r2.candidates.map((c: any) => c.cluster_id)).toEqual([Q, P]);
    expect(scores(r2)[P].score).toBeCloseTo(0.39, 2);
    expect(scores(r2)[Q].score).toBeCloseTo(0.75, 2);
  });

  it('default weights and the ±20 % sensitivity, as computed by hand', async () => {
    // defaults 0.3/0.2/0.25/0.25 (no roads): P = 0.288 + 0.04 + 0.5 = 0.828; Q = 0.18 + 0.16 + 0.5 = 0.84
    const res = await planner.post('/api/screening', { facility_id: f1 });
    const r = res.body.results[0];
    expect(r.candidates.map((c: any) => c.cluster_id)).toEqual([Q, P]);
    expect(scores(r)[P].score).toBeCloseTo(0.828, 2);
    expect(scores(r)[Q].score).toBeCloseTo(0.84, 2);
    const s = r.sensitivity;
    expect(s.top3).toEqual([Q, P]);
    const changed = s.cases.filter((c: any) => c.changed).map((c: any) => `${c.criterion}×${c.factor}`).sort();
    // distance ×1.2: P 0.836 > Q 0.826; occupancy ×0.8: P 0.854 > Q 0.842; the other six keep Q first
    expect(changed).toEqual(['distance-from-site×1.2', 'occupancy×0.8']);
    expect(s.cases).toHaveLength(8);
    expect(s.stable).toBe(false);
  });

  it('screens a batch, one result per facility in request order, stored once', async () => {
    const res = await planner.post('/api/screening', { facility_ids: [f2, f1] });
    expect(res.status).toBe(201);
    expect(res.body.results.map((r: any) => r.facility_id)).toEqual([f2, f1]);
    expect(res.body.results[0].facility.required_distance_m).toBe(100);
    expect(res.body.results[1].candidates.map((c: any) => c.cluster_id)).toEqual([Q, P]);
    for (const r of res.body.results) {
      for (const c of r.candidates) {
        expect(Object.keys(c)).toEqual(expect.arrayContaining(['cluster_id', 'rank', 'score', 'criteria']));
        for (const k of c.criteria) expect(Object.keys(k)).toEqual(expect.arrayContaining(['criterion', 'raw', 'normalized', 'weight', 'contribution']));
      }
      expect(r.sensitivity).toBeDefined();
    }
    const stored = await t.server.db.query<{ n: number }>('SELECT cardinality(facility_ids) AS n FROM screenings WHERE id = $1', [res.body.id]);
    expect(stored.rows[0]!.n).toBe(2);
  });
});
