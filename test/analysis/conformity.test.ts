import { beforeAll, expect, it } from 'vitest';
import type { MultiPolygon, Polygon } from 'geojson';
import { describeEachServer } from '../support/server.ts';
import { insertCluster } from '../support/fixtures.ts';
import { RULE_IDS } from '../../server/domain/regulations.ts';
import { bounds, insertZone, metresToDLat, metresToDLon, multi, rect, rectWithArea } from './geo.ts';

const PROFILES = ['qd-105-2009', 'nd-68-2017', 'nd-32-2024'] as const;
// Văn Bàn (089) for geometry cases, Bảo Thắng (086) for district statistics; both in Lào Cai (10)
const LON = 104.17;
const LAT = 22.06;

describeEachServer('conformity', (t) => {
  const ids: Record<string, string | number> = {};
  const geoms: Record<string, Polygon | MultiPolygon> = {};
  const check = async (geometry: unknown, attributes: Record<string, unknown>, profile?: string) => {
    const res = await t.server.client().post('/api/analysis/check', { geometry, attributes: { province_code: '15', ...attributes }, profile });
    if (res.status !== 200) throw new Error(`check failed ${res.status} ${res.text}`);
    const byRule = Object.fromEntries(res.body.results.map((r: { rule: string }) => [r.rule, r])) as Record<string, { result: string; evidence: Record<string, unknown>; message: string; source: string | null }>;
    return { body: res.body, byRule };
  };
  const base = { name: 'Cụm công nghiệp Văn Bàn', status: 'planned', hazard_class: 'V', wastewater: 'none' };

  beforeAll(async () => {
    const db = t.server.db;
    const sq = await rectWithArea(db, LON, LAT, 50);
    geoms.A50 = sq;
    geoms.A50_5 = await rectWithArea(db, LON, LAT, 50.5);
    geoms.A75 = await rectWithArea(db, LON, LAT, 75);
    geoms.A75_5 = await rectWithArea(db, LON, LAT, 75.5);
    geoms.A7 = await rectWithArea(db, LON, LAT, 7);
    geoms.MULTI50 = multi(await rectWithArea(db, LON, LAT, 25), await rectWithArea(db, LON + 0.01, LAT, 25));
    // zones for the isolation rule, 5 km north
    const iso = rect(LON, LAT + 0.05, 300, 300);
    geoms.ISO = iso;
    const top = bounds(iso).north;
    await insertZone(db, rect(LON, top + metresToDLat(300, top), 100, 50), 'urban', 'Đúng 300 m');
    const east = bounds(iso).east;
    ids.Z250 = await insertZone(db, rect(east + metresToDLon(250, LAT + 0.05), LAT + 0.05, 50, 50), 'sensitive', 'Trường 250 m');
    geoms.ISO_NARROW = rect(LON, LAT + 0.05, 100, 300); // 100 m wide: 450 m from Z250, 300 m from the northern zone
    // a zone inside a cluster-to-be, 10 km north
    geoms.WITH_RESIDENTS = rect(LON, LAT + 0.1, 400, 400);
    ids.INSIDE = await insertZone(db, rect(LON + metresToDLon(150, LAT), LAT + 0.1 + metresToDLat(150, LAT), 100, 100));
    // a stored cluster to overlap, 15 km north
    geoms.STORED = rect(LON, LAT + 0.15, 400, 400);
    ids.STORED = (await insertCluster(db, { geometry: geoms.STORED as Polygon, name: 'Cụm công nghiệp Đã có' })).id;
    geoms.OVERLAPPING = rect(LON + metresToDLon(200, LAT), LAT + 0.15, 400, 400);
    // district 086: two operating clusters, 40 % occupancy and 150 ha unleased in total
    for (const [i, leased] of [[0, 50], [1, 50]] as const) {
      await insertCluster(db, {
        geometry: rect(104.145 + i * 0.02, 22.38, 300, 300),
        district_code: '086',
        properties: { industrial_land_ha: 125, leased_ha: leased },
      });
    }
  });

  it('answers with the contract shape and every rule id, with sources', async () => {
    const { body } = await check(geoms.A50, base, 'nd-32-2024');
    expect(body.profile).toBe('nd-32-2024');
    expect(body.results.map((r: { rule: string }) => r.rule)).toEqual([...RULE_IDS]);
    for (const r of body.results) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['rule', 'result', 'message', 'evidence', 'source']));
      expect(['pass', 'warn', 'fail', 'not-applicable']).toContain(r.result);
    }
    expect(body.results.find((r: { rule: string }) => r.rule === 'area-limit').source).toMatch(/32\/2024/);
  });

  it('area-limit: exactly 50 ha passes and 50.5 ha fails a new cluster under 105/2009 (also as a MultiPolygon)', async () => {
    expect((await check(geoms.A50, base, 'qd-105-2009')).byRule['area-limit']!.result).toBe('pass');
    expect((await check(geoms.MULTI50, base, 'qd-105-2009')).byRule['area-limit']!.result).toBe('pass');
    const over = (await check(geoms.A50_5, base, 'qd-105-2009')).byRule['area-limit']!;
    expect(over.result).toBe('fail');
    expect(over.evidence).toMatchObject({ value: 50.5, unit: 'ha', mode: 'new' });
    // the later decrees allow up to 75 ha
    expect((await check(geoms.A50_5, base, 'nd-68-2017')).byRule['area-limit']!.result).toBe('pass');
    expect((await check(geoms.A50_5, base, 'nd-32-2024')).byRule['area-limit']!.result).toBe('pass');
  });

  it('area-limit: exactly 75 ha passes and 75.5 ha fails, for new clusters (68/2017, 32/2024) and expansions (all)', async () => {
    for (const profile of PROFILES) {
      expect((await check(geoms.A75, { ...base, status: 'expanding' }, profile)).byRule['area-limit']!.result).toBe('pass');
      expect((await check(geoms.A75_5, { ...base, status: 'expanding' }, profile)).byRule['area-limit']!.result).toBe('fail');
    }
    for (const profile of ['nd-68-2017', 'nd-32-2024']) {
      expect((await check(geoms.A75, base, profile)).byRule['area-limit']!.result).toBe('pass');
      expect((await check(geoms.A75_5, { ...base, status: 'established' }, profile)).byRule['area-limit']!.result).toBe('fail');
    }
  });

  it('area-limit: 7 ha fails the 10 ha minimum except in a mountainous district or a craft village', async () => {
    for (const profile of ['nd-68-2017', 'nd-32-2024']) {
      expect((await check(geoms.A7, base, profile)).byRule['area-limit']!.result).toBe('fail');
      expect((await check(geoms.A7, { ...base, mountainous_district: true }, profile)).byRule['area-limit']!.result).toBe('pass');
      expect((await check(geoms.A7, { ...base, craft_village: true }, profile)).byRule['area-limit']!.result).toBe('pass');
    }
    expect((await check(geoms.A7, base, 'qd-105-2009')).byRule['area-limit']!.result).toBe('pass');
  });

  it('isolation-distance: a zone at exactly 300 m passes class III, one at 250 m fails with its id as evidence', async () => {
    for (const profile of PROFILES) {
      const narrow = (await check(geoms.ISO_NARROW, { ...base, hazard_class: 'III' }, profile)).byRule['isolation-distance']!;
      expect(narrow.result).toBe('pass');
      expect(narrow.evidence.value).toBe(300);
      expect(narrow.evidence.limit).toBe(300);
      const wide = (await check(geoms.ISO, { ...base, hazard_class: 'III' }, profile)).byRule['isolation-distance']!;
      expect(wide.result).toBe('fail');
      expect(wide.evidence.geometry_ids).toEqual([ids.Z250]);
      // class IV (100 m) is met
      expect((await check(geoms.ISO, { ...base, hazard_class: 'IV' }, profile)).byRule['isolation-distance']!.result).toBe('pass');
    }
    // unknown class: judged at 1000 m → fails here
    expect((await check(geoms.ISO, { ...base, hazard_class: null }, 'nd-32-2024')).byRule['isolation-distance']!.result).toBe('fail');
  });

  it('no-residents-inside fails with the area of the zone inside; passes elsewhere', async () => {
    for (const profile of PROFILES) {
      const r = (await check(geoms.WITH_RESIDENTS, base, profile)).byRule['no-residents-inside']!;
      expect(r.result).toBe('fail');
      expect(r.evidence.value).toBeCloseTo(1, 1);
      expect((await check(geoms.A50, base, profile)).byRule['no-residents-inside']!.result).toBe('pass');
    }
  });

  it('within-province: fails when declared in another province, passes in its own', async () => {
    for (const profile of PROFILES) {
      expect((await check(geoms.A50, base, profile)).byRule['within-province']!.result).toBe('pass');
      const wrong = (await check(geoms.A50, { ...base, province_code: '24' }, profile)).byRule['within-province']!;
      expect(wrong.result).toBe('fail');
      expect(wrong.evidence.value).toBeCloseTo(50, 0);
    }
  });

  it('no-overlap: fails with the overlapped cluster as evidence', async () => {
    for (const profile of PROFILES) {
      const r = (await check(geoms.OVERLAPPING, base, profile)).byRule['no-overlap']!;
      expect(r.result).toBe('fail');
      expect(r.evidence.geometry_ids).toEqual([ids.STORED]);
      expect(r.evidence.value).toBeCloseTo(8, 0); // 200 m × 400 m
      expect((await check(geoms.A50, base, profile)).byRule['no-overlap']!.result).toBe('pass');
    }
  });

  it('valid-geometry: a self-intersecting boundary is analysed and fails the rule', async () => {
    const bowtie = { type: 'Polygon', coordinates: [[[LON, LAT], [LON + 0.004, LAT + 0.004], [LON + 0.004, LAT], [LON, LAT + 0.004], [LON, LAT]]] };
    for (const profile of PROFILES) {
      const { byRule } = await check(bowtie, base, profile);
      expect(byRule['valid-geometry']!.result).toBe('fail');
      expect(String(byRule['valid-geometry']!.evidence.reason)).toMatch(/Self-intersection/i);
      expect((await check(geoms.A50, base, profile)).byRule['valid-geometry']!.result).toBe('pass');
    }
  });

  it('name-prefix: "CCN …" fails, "Cụm công nghiệp …" passes', async () => {
    for (const profile of PROFILES) {
      expect((await check(geoms.A50, { ...base, name: 'CCN Văn Bàn' }, profile)).byRule['name-prefix']!.result).toBe('fail');
      expect((await check(geoms.A50, base, profile)).byRule['name-prefix']!.result).toBe('pass');
    }
  });

  it('infrastructure: an operating cluster without a working wastewater plant fails; expanding only under 32/2024', async () => {
    for (const profile of PROFILES) {
      expect((await check(geoms.A50, { ...base, status: 'operating', wastewater: 'none' }, profile)).byRule.infrastructure!.result).toBe('fail');
      expect((await check(geoms.A50, { ...base, status: 'operating', wastewater: 'operating' }, profile)).byRule.infrastructure!.result).toBe('pass');
    }
    expect((await check(geoms.A50, { ...base, status: 'expanding' }, 'nd-32-2024')).byRule.infrastructure!.result).toBe('fail');
    expect((await check(geoms.A50, { ...base, status: 'expanding' }, 'qd-105-2009')).byRule.infrastructure!.result).toBe('not-applicable');
  });

  it('establishment-occupancy (32/2024): district average 40 % and 150 ha unleased fails; waived in a district without clusters', async () => {
    const inDistrict = { ...base, district_code: '086' };
    const r = (await check(geoms.A50, inDistrict, 'nd-32-2024')).byRule['establishment-occupancy']!;
    expect(r.result).toBe('fail');
    const conditions = r.evidence.conditions as { fact: string; value: number }[];
    expect(conditions.find((c) => c.fact === 'district_average_occupancy_pct')!.value).toBe(40);
    expect(conditions.find((c) => c.fact === 'district_unleased_industrial_ha')!.value).toBe(150);
    expect((await check(geoms.A50, { ...base, district_code: '089' }, 'nd-32-2024')).byRule['establishment-occupancy']!.result).toBe('pass');
    for (const profile of ['qd-105-2009', 'nd-68-2017']) {
      expect((await check(geoms.A50, inDistrict, profile)).byRule['establishment-occupancy']!.result).toBe('not-applicable');
    }
  });

  it('expansion-occupancy (32/2024): exactly 60 % passes, 59 % fails', async () => {
    const exp = { ...base, status: 'expanding', industrial_land_ha: 40 };
    expect((await check(geoms.A50, { ...exp, leased_ha: 24 }, 'nd-32-2024')).byRule['expansion-occupancy']!.result).toBe('pass');
    expect((await check(geoms.A50, { ...exp, leased_ha: 23.6 }, 'nd-32-2024')).byRule['expansion-occupancy']!.result).toBe('fail');
    expect((await check(geoms.A50, { ...exp, leased_ha: 23.6 }, 'nd-68-2017')).byRule['expansion-occupancy']!.result).toBe('not-applicable');
  });

  it('GET /api/clusters/:id/conformity defaults to the profile in force on the decision date', async () => {
    const db = t.server.db;
    const old = await insertCluster(db, { geometry: await rectWithArea(db, LON + 0.05, LAT + 0.2, 60), status: 'established', properties: { decision_date: '2012-05-01', hazard_class: 'V' } });
    const res = await t.server.client().get(`/api/clusters/${old.id}/conformity`);
    expect(res.status).toBe(200);
    expect(res.body.profile).toBe('qd-105-2009');
    expect(res.body.results.find((r: { rule: string }) => r.rule === 'area-limit').result).toBe('fail');
    const now = await t.server.client().get(`/api/clusters/${old.id}/conformity?profile=nd-32-2024`);
    expect(now.body.profile).toBe('nd-32-2024');
    expect(now.body.results.find((r: { rule: string }) => r.rule === 'area-limit').result).toBe('pass');
    const recent = await insertCluster(db, { geometry: rect(LON + 0.1, LAT + 0.2, 300, 300), properties: { decision_date: '2020-01-01' } });
    expect((await t.server.client().get(`/api/clusters/${recent.id}/conformity`)).body.profile).toBe('nd-68-2017');
    const unknown = await t.server.client().get(`/api/clusters/${old.id}/conformity?profile=nd-99-2030`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('unknown-profile');
  });

  it('a stored cluster with an invalid boundary is still judged (valid-geometry fails), and so are its neighbours', async () => {
    const db = t.server.db;
    const x = LON + 0.3, y = LAT + 0.3;
    const bowtie = { type: 'Polygon' as const, coordinates: [[[x, y], [x + 0.006, y + 0.006], [x + 0.006, y], [x, y + 0.006], [x, y]]] };
    const bad = await insertCluster(db, { geometry: bowtie, properties: { hazard_class: 'V' } });
    const res = await t.server.client().get(`/api/clusters/${bad.id}/conformity?profile=nd-32-2024`);
    expect(res.status).toBe(200);
    expect(res.body.results.find((r: { rule: string }) => r.rule === 'valid-geometry').result).toBe('fail');
    const neighbour = await t.server.client().post('/api/analysis/check', { geometry: rect(x + 0.001, y + 0.0005, 300, 300), attributes: { ...base, province_code: '15' }, profile: 'nd-32-2024' });
    expect(neighbour.status).toBe(200);
    const overlap = neighbour.body.results.find((r: { rule: string }) => r.rule === 'no-overlap');
    expect(overlap.result).toBe('fail');
    expect(overlap.evidence.geometry_ids).toEqual([bad.id]);
  });

  it('rejects bad attributes with 400 and an unusable geometry with 422', async () => {
    const bad = await t.server.client().post('/api/analysis/check', { geometry: geoms.A50, attributes: { status: 'flying', hazard_class: 'X' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid-attributes');
    const geom = await t.server.client().post('/api/analysis/check', { geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] } });
    expect(geom.status).toBe(422);
  });

  it('the report lists every cluster with its failing rules, as JSON and CSV', async () => {
    const res = await t.server.client().get('/api/conformity/report?province=15&profile=nd-32-2024');
    expect(res.status).toBe(200);
    expect(res.body.profile).toBe('nd-32-2024');
    const stored = res.body.clusters.find((c: { id: string }) => c.id === ids.STORED);
    expect(stored).toBeDefined();
    // fixture clusters are operating without a wastewater plant
    expect(stored.failing.map((f: { rule: string }) => f.rule)).toContain('infrastructure');
    expect(res.body.summary.clusters).toBe(res.body.clusters.length);
    const csv = await t.server.client().get('/api/conformity/report?province=15&profile=nd-32-2024&format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines[0]).toBe('code,name,province_code,status,profile,worst,failing_rules,failing_messages,warnings,id');
    expect(lines.length).toBe(res.body.clusters.length + 1);
    expect(csv.text).toContain('Cụm công nghiệp Đã có');
    expect((await t.server.client().get('/api/conformity/report?province=99')).status).toBe(400);
    expect((await t.server.client().get('/api/conformity/report?format=xml')).status).toBe(400);
    const other = await t.server.client().get('/api/conformity/report?province=24');
    expect(other.body.clusters).toEqual([]);
  });
});
