import { beforeAll, expect, it } from 'vitest';
import * as turf from '@turf/turf';
import type { Polygon } from 'geojson';
import { describeEachServer } from '../support/server.ts';
import { insertCluster } from '../support/fixtures.ts';
import { bounds, insertZone, metresToDLat, metresToDLon, multi, rect, turfDistanceM } from './geo.ts';

// Văn Bàn district, Lào Cai (province 10): empty in the test template
const LON = 104.17;
const LAT = 22.06;

describeEachServer('proximity', (t) => {
  const ids: Record<string, number> = {};
  const clusters: Record<string, string> = {};
  const geoms: Record<string, Polygon> = {};

  beforeAll(async () => {
    const db = t.server.db;
    // A: 400 m square, hazard class III (300 m)
    geoms.A = rect(LON, LAT, 400, 400);
    const a = bounds(geoms.A);
    // Z300: 50 m square exactly 300 m north of A's top edge (meridian arc, exact on the ellipsoid)
    geoms.Z300 = rect(LON + metresToDLon(175, LAT), a.north + metresToDLat(300, a.north), 50, 50);
    // Z250: east of A, 250 m gap along the parallel
    geoms.Z250 = rect(a.east + metresToDLon(250, LAT + 0.001), LAT + metresToDLat(100, LAT), 80, 60);
    // far zone 3 km south-west
    geoms.FAR = rect(LON - metresToDLon(3000, LAT), LAT - metresToDLat(3000, LAT), 200, 200);
    ids.Z300 = await insertZone(db, geoms.Z300, 'urban', 'Khu dân cư 300 m');
    ids.Z250 = await insertZone(db, geoms.Z250, 'sensitive', 'Trường học 250 m');
    ids.FAR = await insertZone(db, geoms.FAR);
    clusters.A = (await insertCluster(db, { geometry: geoms.A, district_code: '089', properties: { hazard_class: 'III' } })).id;

    // B: 500 m square 6 km east, unknown hazard class, a 1 ha zone inside it
    geoms.B = rect(LON + 0.06, LAT, 500, 500);
    const b = bounds(geoms.B);
    geoms.INSIDE = rect(b.west + metresToDLon(200, LAT), b.south + metresToDLat(200, LAT), 100, 100);
    ids.INSIDE = await insertZone(db, geoms.INSIDE, 'rural-settlement', 'Xóm trong cụm');
    clusters.B = (await insertCluster(db, { geometry: geoms.B, properties: { hazard_class: null } })).id;

    // C: a MultiPolygon 12 km east; a zone 120 m from its second part; class IV (100 m)
    const c1 = rect(LON + 0.12, LAT, 300, 300);
    const c2 = rect(LON + 0.12, LAT + 0.01, 200, 200);
    geoms.C2 = c2;
    geoms.NEAR_C2 = rect(bounds(c2).east + metresToDLon(120, LAT + 0.01), LAT + 0.01, 100, 100);
    ids.NEAR_C2 = await insertZone(db, geoms.NEAR_C2);
    clusters.C = (await insertCluster(db, { geometry: multi(c1, c2), properties: { hazard_class: 'IV' } })).id;

    // D (thin, 8 m) and E (40 m) strips 20 m south of a zone: only E fits a 10 m green strip inside
    const zoneD = rect(LON + 0.18, LAT + metresToDLat(28, LAT), 300, 50);
    await insertZone(db, zoneD);
    clusters.D = (await insertCluster(db, { geometry: rect(LON + 0.18, LAT, 300, 8), properties: { hazard_class: 'V' } })).id;
    const zoneE = rect(LON + 0.22, LAT + metresToDLat(60, LAT), 300, 50);
    await insertZone(db, zoneE);
    clusters.E = (await insertCluster(db, { geometry: rect(LON + 0.22, LAT, 300, 40), properties: { hazard_class: 'V' } })).id;

    // a draft (never published) cluster
    clusters.DRAFT = (await insertCluster(db, { geometry: rect(LON + 0.3, LAT, 300, 300), review_state: 'draft', properties: { hazard_class: 'I' } })).id;
  });

  it('returns the contract fields with the nearest zone and the violating zones (class III, 300 m)', async () => {
    const res = await t.server.client().get(`/api/clusters/${clusters.A}/proximity`);
    expect(res.status).toBe(200);
    const body = res.body;
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['nearest', 'within_isolation', 'isolation_m', 'residential_inside_ha', 'green_buffer_ok']));
    expect(body.isolation_m).toBe(300);
    expect(body.hazard_class).toBe('III');
    expect(body.nearest).toMatchObject({ id: ids.Z250, kind: 'sensitive' });
    // against turf (spherical): within 0.5 %
    const expected = turfDistanceM(geoms.A!, geoms.Z250!);
    expect(Math.abs(body.nearest.distance_m - expected)).toBeLessThan(expected * 0.005 + 0.5);
    expect(body.nearest.distance_m).toBeGreaterThan(245);
    expect(body.nearest.distance_m).toBeLessThan(255);
    // the zone at exactly 300 m is not within the 300 m isolation distance; the 250 m one is
    expect(body.within_isolation.map((z: { id: number }) => z.id)).toEqual([ids.Z250]);
    expect(body.within_isolation[0]).toMatchObject({ id: ids.Z250, kind: 'sensitive' });
    expect(body.residential_inside_ha).toBe(0);
    expect(body.green_buffer_ok).toBe(true);
    expect(body.warnings).toEqual([]);
  });

  it('measures exactly 300 m to the zone north of the cluster (hand formula, meridian arc)', async () => {
    // a geometry without Z250, to see the 300 m zone as the nearest
    const a = bounds(geoms.A!);
    const res = await t.server.client().post('/api/analysis/proximity', {
      geometry: rect(a.west + metresToDLon(100, LAT), a.south, 200, 400 * 1.0),
      hazard_class: 'III',
    });
    expect(res.status).toBe(200);
    // the input polygon's top edge is at the same latitude as A's (same south, same height)
    const z300 = res.body.within_isolation.find((z: { id: number }) => z.id === ids.Z300);
    expect(z300).toBeUndefined();
    const exact = await t.server.db.query<{ d: number }>(
      `SELECT ST_Distance(r.geom::geography, ST_GeomFromGeoJSON($1)::geography) AS d FROM residential_zones r WHERE r.id = $2`,
      [JSON.stringify(geoms.A), ids.Z300],
    );
    expect(Math.abs(exact.rows[0]!.d - 300)).toBeLessThan(0.01);
  });

  it('POST /api/analysis/proximity gives the same answer as the stored cluster', async () => {
    const stored = await t.server.client().get(`/api/clusters/${clusters.A}/proximity`);
    const raw = await t.server.client().post('/api/analysis/proximity', { geometry: geoms.A, hazard_class: 'III' });
    expect(raw.status).toBe(200);
    expect(raw.body.nearest).toEqual(stored.body.nearest);
    expect(raw.body.within_isolation).toEqual(stored.body.within_isolation);
    // class I reaches the 300 m zone too (1000 m)
    const strict = await t.server.client().post('/api/analysis/proximity', { geometry: { type: 'Feature', properties: {}, geometry: geoms.A }, hazard_class: 'I' });
    expect(strict.body.isolation_m).toBe(1000);
    expect(strict.body.within_isolation.map((z: { id: number }) => z.id)).toEqual([ids.Z250, ids.Z300]);
    // class V (50 m): nothing within
    const lax = await t.server.client().post('/api/analysis/proximity', { geometry: geoms.A, hazard_class: 5 });
    expect(lax.body.isolation_m).toBe(50);
    expect(lax.body.within_isolation).toEqual([]);
  });

  it('applies the strictest distance with a warning when the hazard class is unknown, and measures residents inside', async () => {
    const res = await t.server.client().get(`/api/clusters/${clusters.B}/proximity`);
    expect(res.status).toBe(200);
    expect(res.body.isolation_m).toBe(1000);
    expect(res.body.hazard_class).toBeNull();
    expect(res.body.warnings.map((w: { code: string }) => w.code)).toEqual(['hazard-class-unknown']);
    expect(res.body.nearest).toMatchObject({ id: ids.INSIDE, distance_m: 0 });
    const turfHa = turf.area(turf.feature(geoms.INSIDE!)) / 10_000;
    expect(Math.abs(res.body.residential_inside_ha - turfHa) / turfHa).toBeLessThan(0.005);
    expect(res.body.residential_inside_ids).toEqual([ids.INSIDE]);
    expect(res.body.green_buffer_ok).toBe(false);
    const garbage = await t.server.client().post('/api/analysis/proximity', { geometry: geoms.B, hazard_class: 'VII' });
    expect(garbage.body.isolation_m).toBe(1000);
    expect(garbage.body.warnings[0].code).toBe('hazard-class-unknown');
  });

  it('measures a MultiPolygon from its nearest part', async () => {
    const res = await t.server.client().get(`/api/clusters/${clusters.C}/proximity`);
    expect(res.body.nearest.id).toBe(ids.NEAR_C2);
    const expected = turfDistanceM(geoms.C2!, geoms.NEAR_C2!);
    expect(Math.abs(res.body.nearest.distance_m - expected)).toBeLessThan(expected * 0.005 + 0.5);
    expect(res.body.nearest.distance_m).toBeGreaterThan(118);
    expect(res.body.nearest.distance_m).toBeLessThan(122);
    expect(res.body.isolation_m).toBe(100);
    expect(res.body.within_isolation).toEqual([]);
  });

  it('tells whether a 10 m green strip fits inside the boundary before the nearest zone', async () => {
    const thin = await t.server.client().get(`/api/clusters/${clusters.D}/proximity`);
    expect(thin.body.nearest.distance_m).toBeGreaterThan(19);
    expect(thin.body.nearest.distance_m).toBeLessThan(21);
    expect(thin.body.green_buffer_ok).toBe(false);
    const wide = await t.server.client().get(`/api/clusters/${clusters.E}/proximity`);
    expect(wide.body.green_buffer_ok).toBe(true);
  });

  it('hides unpublished clusters from the public and other provinces, shows them to the province staff', async () => {
    expect((await t.server.client().get(`/api/clusters/${clusters.DRAFT}/proximity`)).status).toBe(404);
    const other = await t.server.client().login('planner.bacninh');
    expect((await other.get(`/api/clusters/${clusters.DRAFT}/proximity`)).status).toBe(404);
    const staff = await t.server.client().login('planner.laocai');
    const res = await staff.get(`/api/clusters/${clusters.DRAFT}/proximity`);
    expect(res.status).toBe(200);
    expect(res.body.isolation_m).toBe(1000);
    expect((await t.server.client().get('/api/clusters/00000000-0000-0000-0000-000000000000/proximity')).status).toBe(404);
    expect((await t.server.client().get('/api/clusters/not-a-cluster/proximity')).body.error.code).toBe('cluster-not-found');
  });

  it('rejects an unusable geometry with 422 and a missing one with 400', async () => {
    const bad = await t.server.client().post('/api/analysis/proximity', { geometry: { type: 'LineString', coordinates: [[LON, LAT], [LON + 0.01, LAT]] } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('invalid-geometry');
    const missing = await t.server.client().post('/api/analysis/proximity', { hazard_class: 'I' });
    expect(missing.status).toBe(400);
  });
});
