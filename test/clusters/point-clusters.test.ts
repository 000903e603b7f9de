/**
 * Point-only (boundary_status none) and provisional clusters outside the registry: the public map's tiles, the
 * OGC API, stats and periodic reports, conformity, the worklist and exports (issue 17).
 */
import { beforeAll, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { describeEachServer } from '../support/server.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import { decodeTile, tileOf } from '../tiles/decode.ts';
import type { TestClient } from '../support/client.ts';

// Lào Cai (10), well inside the province
const DOT: [number, number] = [104.06, 22.36];
const PROV: [number, number] = [104.1, 22.36];
const AT = '2025-01-10T03:00:00Z';

describeEachServer('point-only and provisional clusters on maps, in figures and checks', (t) => {
  let dotId = '';
  let dotCode = '';
  let provId = '';
  let planner: TestClient;

  beforeAll(async () => {
    const db = t.server.db;
    ({ id: dotId, code: dotCode } = await insertCluster(db, {
      name: 'Cụm công nghiệp Điểm Sáng', province_code_2009: '10', status: 'operating', at: AT,
      geometry: { type: 'Point', coordinates: DOT },
      properties: { declared_area_ha: 37.5, hazard_class: 'III' },
    }));
    ({ id: provId } = await insertCluster(db, {
      name: 'Cụm công nghiệp Ranh Tạm', province_code_2009: '10', status: 'operating', at: AT, boundary_status: 'provisional',
      geometry: squareAround(PROV[0], PROV[1], 500),
    }));
    await insertCluster(db, { name: 'Cụm công nghiệp Đã Đo', province_code_2009: '10', status: 'operating', at: AT, geometry: squareAround(104.14, 22.36, 400) });
    planner = await t.server.client().login('planner.laocai');
  });

  it('public map tiles: the point comes as a Point feature with boundary_status none at every zoom, the provisional polygon as provisional', async () => {
    for (const z of [5, 9, 12, 15]) {
      const tl = tileOf(DOT[0], DOT[1], z);
      const res = await fetch(`${t.server.baseUrl}/tiles/clusters/${tl.z}/${tl.x}/${tl.y}.pbf`);
      expect(res.status).toBe(200);
      const tile = decodeTile(new Uint8Array(await res.arrayBuffer()));
      const dot = tile.clusters!.features.find((f) => f.properties.id === dotId);
      expect(dot, `z${z}`).toBeDefined();
      expect(dot!.type).toBe(1);
      expect(dot!.properties).toMatchObject({ boundary_status: 'none', name: 'Cụm công nghiệp Điểm Sáng', area_ha: 0 });
    }
    const tl = tileOf(PROV[0], PROV[1], 13);
    const tile = decodeTile(new Uint8Array(await (await fetch(`${t.server.baseUrl}/tiles/clusters/${tl.z}/${tl.x}/${tl.y}.pbf`)).arrayBuffer()));
    const prov = tile.clusters!.features.find((f) => f.properties.id === provId);
    expect(prov).toMatchObject({ type: 3, properties: { boundary_status: 'provisional' } });
    const tj = await (await fetch(`${t.server.baseUrl}/tiles/clusters.json`)).json();
    expect(JSON.stringify(tj)).toContain('boundary_status');
  });

  it('OGC API: the point cluster is a Point feature; boundary_status is a property and a queryable', async () => {
    const c = t.server.client();
    const item = await c.get(`/ogc/collections/clusters/items/${dotId}`);
    expect(item.status, item.text).toBe(200);
    expect(item.body.geometry.type).toBe('Point');
    expect(item.body.properties).toMatchObject({ boundary_status: 'none', declared_area_ha: 37.5, area_ha: 0 });
    const filtered = await c.get(`/ogc/collections/clusters/items?filter=${encodeURIComponent("boundary_status = 'none'")}`);
    expect(filtered.status, filtered.text).toBe(200);
    expect(filtered.body.features.map((f: any) => f.id)).toEqual([dotId]);
    const vn2000 = await c.get(`/ogc/collections/clusters/items/${dotId}?crs=${encodeURIComponent('http://www.opengis.net/def/crs/EPSG/0/9208')}`);
    expect(vn2000.status).toBe(200);
    expect(vn2000.body.geometry.type).toBe('Point');
    const q = await c.get('/ogc/collections/clusters/queryables');
    expect(q.body.properties.boundary_status.enum).toEqual(['none', 'provisional', 'surveyed']);
    const bbox = await c.get(`/ogc/collections/clusters/items?bbox=${DOT[0] - 0.01},${DOT[1] - 0.01},${DOT[0] + 0.01},${DOT[1] + 0.01}`);
    expect(bbox.body.features.map((f: any) => f.id)).toContain(dotId);
  });

  it('stats count the point cluster with a no-boundary count and its declared area', async () => {
    // the current division: old 10 Lào Cai is in unit 15
    const res = await t.server.client().get('/api/stats?by=province');
    expect(res.status, res.text).toBe(200);
    const lc = res.body.rows.find((r: any) => r.code === '15');
    expect(lc).toMatchObject({ planned_count: 3, established_count: 3, no_boundary_count: 1, provisional_count: 1 });
    // 37.5 declared + 25 (500 m) + 16 (400 m)
    expect(lc.established_ha).toBeCloseTo(37.5 + 25 + 16, 0);
    const other = res.body.rows.find((r: any) => r.code === '24');
    expect(other.no_boundary_count).toBe(0);
  });

  it('the periodic report flags the cluster without a boundary', async () => {
    const res = await t.server.client().get('/api/reports/periodic?period=2025-H1&province=10&format=json');
    expect(res.status, res.text).toBe(200);
    const dot = res.body.clusters.find((c: any) => c.cluster_id === dotId);
    expect(dot).toMatchObject({ no_boundary: true, boundary_status: 'none', area_ha: null, planned_area_ha: 37.5 });
    expect(res.body.total.no_boundary_count).toBe(1);
    const csv = await t.server.client().get('/api/reports/periodic?period=2025-H1&province=10&format=csv');
    expect(csv.text).toContain('Số CCN chưa có ranh giới');
    const html = await t.server.client().get('/api/reports/periodic?period=2025-H1&province=10&format=html');
    expect(html.status).toBe(200);
    // the cluster list marks it
    expect(html.text).toContain('Chưa có ranh giới (chỉ có vị trí)');
  });

  it('conformity: rules that need a boundary are "not applicable: no boundary", never pass; the area rule uses the declared area', async () => {
    const res = await planner.get(`/api/clusters/${dotId}/conformity`);
    expect(res.status, res.text).toBe(200);
    const byRule = Object.fromEntries(res.body.results.map((r: any) => [r.rule, r]));
    for (const rule of ['isolation-distance', 'no-residents-inside', 'within-province', 'no-overlap', 'valid-geometry']) {
      expect(byRule[rule], rule).toMatchObject({ result: 'not-applicable', evidence: { reason: 'no-boundary' } });
      expect(byRule[rule].message_en).toMatch(/no boundary/i);
    }
    expect(byRule['area-limit'].result).not.toBe('not-applicable');
    expect(byRule['area-limit'].evidence).toMatchObject({ basis: 'attribute', value: 37.5 });

    // the same through the drawing check with a Point
    const check = await planner.post('/api/analysis/check', { geometry: { type: 'Point', coordinates: DOT }, attributes: { province_code: '15', name: 'Cụm công nghiệp X', status: 'planned' } });
    expect(check.status, check.text).toBe(200);
    const r2 = Object.fromEntries(check.body.results.map((r: any) => [r.rule, r]));
    expect(r2['within-province'].result).toBe('not-applicable');
    expect(r2['no-overlap'].result).toBe('not-applicable');
    expect(r2['area-limit']).toMatchObject({ result: 'not-applicable', evidence: { reason: 'no-boundary' } });

    // proximity (the analysis page) answers for a point too
    const prox = await planner.get(`/api/clusters/${dotId}/proximity`);
    expect(prox.status, prox.text).toBe(200);
    expect(prox.body.cluster.geometry.type).toBe('Point');

    // the national conformity report does not crash on a point
    const report = await planner.get('/api/conformity/report?province=15');
    expect(report.status, report.text).toBe(200);
  });

  it('the worklist "clusters without a boundary": staff only, own province, the point cluster', async () => {
    expect((await t.server.client().get('/api/clusters/without-boundary')).status).toBe(401);
    const res = await planner.get('/api/clusters/without-boundary');
    expect(res.status, res.text).toBe(200);
    expect(res.body.features.map((f: any) => f.properties.code)).toEqual([dotCode]);
    const both = await planner.get('/api/clusters/without-boundary?boundary_status=none,provisional');
    expect(both.body.features.map((f: any) => f.id).sort()).toEqual([dotId, provId].sort());
    const other = await (await t.server.client().login('planner.bacninh')).get('/api/clusters/without-boundary');
    expect(other.body.features).toEqual([]);
    const ministry = await (await t.server.client().login('ministry')).get('/api/clusters/without-boundary');
    expect(ministry.body.features.map((f: any) => f.id)).toContain(dotId);
    expect((await planner.get('/api/clusters/without-boundary?boundary_status=round')).status).toBe(400);
  });

  it('exports do not crash on points: GeoJSON, KML, CSV and a second Shapefile of points', async () => {
    const c = t.server.client();
    const gj = await c.get('/api/exports/clusters.geojson?province=15');
    expect(gj.status).toBe(200);
    const body = typeof gj.body === 'object' ? gj.body : JSON.parse(gj.text);
    const dot = body.features.find((f: any) => f.properties.id === dotId);
    expect(dot.geometry.type).toBe('Point');
    expect(dot.properties.boundary_status).toBe('none');
    for (const f of ['kml', 'csv', 'geojson?crs=EPSG:9208']) expect((await c.get(`/api/exports/clusters.${f}`)).status, f).toBe(200);
    const shp = await fetch(`${t.server.baseUrl}/api/exports/clusters.shp.zip`);
    expect(shp.status).toBe(200);
    const zip = await JSZip.loadAsync(Buffer.from(await shp.arrayBuffer()));
    const names = Object.keys(zip.files);
    expect(names.some((n) => /_points\.shp$/.test(n))).toBe(true);
    expect(names.filter((n) => /\.shp$/.test(n))).toHaveLength(2);
  });

  it('GeoPackage and FlatGeobuf exports hold the point cluster next to the polygons', async () => {
    for (const ext of ['gpkg', 'fgb']) {
      const res = await fetch(`${t.server.baseUrl}/api/exports/clusters.${ext}?province=15`);
      if (res.status === 503) continue; // no GDAL on this machine: covered where ogr2ogr is installed
      expect(res.status, `${ext}: ${res.status === 200 ? '' : await res.text()}`).toBe(200);
      const dir = mkdtempSync(path.join(tmpdir(), 'pts-'));
      try {
        const file = path.join(dir, `clusters.${ext}`);
        writeFileSync(file, Buffer.from(await res.arrayBuffer()));
        const back = JSON.parse(execFileSync('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', file], { stdio: 'pipe' }).toString('utf8'));
        const types = Object.fromEntries(back.features.map((f: any) => [f.properties.code, f.geometry.type]));
        expect(types[dotCode], ext).toBe('Point');
        expect(Object.values(types).filter((x) => x !== 'Point').length, ext).toBe(2);
        expect(back.features.find((f: any) => f.properties.code === dotCode).properties.boundary_status).toBe('none');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('the public API lists the point cluster with its Point', async () => {
    const res = await t.server.client().get('/api/clusters?province=15');
    const dot = res.body.features.find((f: any) => f.id === dotId);
    expect(dot.geometry.type).toBe('Point');
    expect(dot.properties.boundary_status).toBe('none');
    const card = await t.server.client().get(`/api/clusters/${dotCode}`);
    expect(card.status).toBe(200);
  });
});
