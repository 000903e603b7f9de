/**
 * Point layers for clusters through the exchange import (issue 17): CSV with lat/lon columns (Vietnamese names
 * too), GeoJSON and KML points; the per-row lat/lon swap warning; the committed point-only clusters then go
 * through the registry's review into stats and the public map's tiles.
 */
import { beforeAll, expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import type { TestClient } from '../support/client.ts';
import { decodeTile, tileOf } from '../tiles/decode.ts';
import { fc, uploadAndCheck } from './helpers.ts';

// Lào Cai (10), well inside the province
const P1: [number, number] = [104.02, 22.3];
const P2: [number, number] = [104.06, 22.32];
const P3: [number, number] = [104.1, 22.34];

const codesOf = (report: any, feature: number) => report.issues.filter((i: any) => i.feature === feature).map((i: any) => i.code);

describeEachServer('imports: point layers for clusters', (t) => {
  let planner: TestClient;
  let reviewer: TestClient;

  beforeAll(async () => {
    planner = await t.server.client().login('planner.laocai');
    reviewer = await t.server.client().login('reviewer.laocai');
  });

  it('CSV with "Vĩ độ"/"Kinh độ" columns: a swapped row is warned about and read back; commit makes point-only drafts; review publishes them into stats and tiles', async () => {
    const csv = [
      'ten,Vĩ độ,Kinh độ,dien_tich_cong_bo,tinh_trang',
      `Cụm công nghiệp Điểm Một,${P1[1]},${P1[0]},30,Đang hoạt động`,
      `Cụm công nghiệp Điểm Hai,${P2[1]},${P2[0]},12.5,Trong quy hoạch`,
      // latitude and longitude typed the wrong way round
      `Cụm công nghiệp Điểm Ba,${P3[0]},${P3[1]},8,Trong quy hoạch`,
    ].join('\n');
    const report = await uploadAndCheck(planner, csv, 'diem.csv');
    expect(report.state, JSON.stringify(report.error)).toBe('checked');
    expect(report.crs).toBe('EPSG:4326');
    expect(report.mapping).toMatchObject({ ten: 'name', dien_tich_cong_bo: 'declared_area_ha' });
    expect(report.issues.filter((i: any) => i.severity === 'critical')).toEqual([]);
    const swapped = report.issues.filter((i: any) => i.code === 'swapped-coordinates');
    expect(swapped).toHaveLength(1);
    expect(swapped[0]).toMatchObject({ feature: 3, severity: 'warning', row_swapped: true, source: [P3[1], P3[0]] });
    expect(swapped[0].message).toMatch(/vĩ độ và kinh độ có vẻ bị đảo/);
    expect(swapped[0].message_en).toMatch(/latitude and longitude look swapped/);
    expect(codesOf(report, 1)).not.toContain('swapped-coordinates');
    expect(report.can_commit).toBe(true);

    const commit = await planner.post(`/api/imports/${report.id}/commit`);
    expect(commit.status, commit.text).toBe(200);
    expect(commit.body).toEqual({ created: 3, skipped: 0 });
    const rows = await t.server.db.query<{ code: string; t: string; x: number; y: number; boundary_status: string; declared: number }>(
      `SELECT c.code, GeometryType(v.geom) AS t, ST_X(v.geom) AS x, ST_Y(v.geom) AS y, v.boundary_status, (v.properties->>'declared_area_ha')::float8 AS declared
       FROM import_features f JOIN clusters c ON c.id::text = f.target_id JOIN cluster_versions v ON v.cluster_id = c.id
       WHERE f.import_id = $1 ORDER BY f.feature`,
      [report.id],
    );
    expect(rows.rows.map((r) => [r.t, r.boundary_status, r.declared])).toEqual([['POINT', 'none', 30], ['POINT', 'none', 12.5], ['POINT', 'none', 8]]);
    expect(rows.rows[2]!.x).toBeCloseTo(P3[0], 9);
    expect(rows.rows[2]!.y).toBeCloseTo(P3[1], 9);

    // the registry: a point-only draft, reviewed like any other
    const code = rows.rows[0]!.code;
    const got = await planner.get(`/api/clusters/${code}`);
    expect(got.body.geometry.type).toBe('Point');
    expect(got.body.properties).toMatchObject({ boundary_status: 'none', declared_area_ha: 30, status: 'operating' });
    expect((await planner.post(`/api/clusters/${code}/submit`, {})).status).toBe(200);
    const approved = await reviewer.post(`/api/clusters/${code}/approve`, {});
    expect(approved.status, approved.text).toBe(200);

    // stats: counted, flagged, with its declared area
    // the current division: old 10 Lào Cai is in unit 15
    const stats = await t.server.client().get('/api/stats?by=province');
    const lc = stats.body.rows.find((r: any) => r.code === '15');
    expect(lc).toMatchObject({ established_count: 1, no_boundary_count: 1 });
    expect(lc.established_ha).toBeCloseTo(30, 5);

    // the public map: a Point feature in the clusters tiles
    const tl = tileOf(P1[0], P1[1], 10);
    const tile = decodeTile(new Uint8Array(await (await fetch(`${t.server.baseUrl}/tiles/clusters/${tl.z}/${tl.x}/${tl.y}.pbf`)).arrayBuffer()));
    const f = tile.clusters!.features.find((x) => x.properties.code === code);
    expect(f).toMatchObject({ type: 1, properties: { boundary_status: 'none' } });
    // and the worklist
    const work = await planner.get('/api/clusters/without-boundary');
    expect(work.body.features.map((x: any) => x.properties.code)).toEqual(expect.arrayContaining(rows.rows.map((r) => r.code)));
  });

  it('CSV lat/lon: a swapped row whose swapped reading is not in Vietnam stays an error; latitude/longitude names', async () => {
    const csv = [
      'name;latitude;longitude;declared_area_ha',
      `Cụm công nghiệp Bốn;${P1[1]};${P1[0]};10`,
      // swapped, but 109.9 E 15 N is the sea off Quảng Ngãi: no province there
      'Cụm công nghiệp Năm;109.9;15;10',
    ].join('\n');
    const report = await uploadAndCheck(planner, csv, 'll.csv');
    expect(report.state).toBe('checked');
    expect(codesOf(report, 1)).toEqual([]);
    expect(codesOf(report, 2)).toContain('outside-vietnam');
    expect(codesOf(report, 2)).not.toContain('swapped-coordinates');
    expect(report.can_commit).toBe(false);
  });

  it('GeoJSON points: boundary_status of a point must be none; a polygon and a point in one file', async () => {
    const sq = (x: number, y: number, d = 0.002) => ({ type: 'Polygon', coordinates: [[[x - d, y - d], [x + d, y - d], [x + d, y + d], [x - d, y + d], [x - d, y - d]]] });
    const file = fc([
      { properties: { ten: 'Cụm công nghiệp GJ Một', declared_area_ha: 20 }, geometry: { type: 'Point', coordinates: [104.03, 22.4] } },
      { properties: { ten: 'Cụm công nghiệp GJ Hai', boundary_status: 'surveyed' }, geometry: { type: 'Point', coordinates: [104.05, 22.4] } },
      { properties: { ten: 'Cụm công nghiệp GJ Ba', boundary_status: 'Tạm thời' }, geometry: sq(104.08, 22.4) },
      // a point without any area
      { properties: { ten: 'Cụm công nghiệp GJ Bốn' }, geometry: { type: 'Point', coordinates: [104.11, 22.4] } },
    ]);
    const report = await uploadAndCheck(planner, file, 'pts.geojson');
    expect(report.state, JSON.stringify(report.error)).toBe('checked');
    expect(codesOf(report, 1)).toEqual([]);
    expect(report.issues.find((i: any) => i.feature === 2 && i.code === 'boundary-status-mismatch')).toMatchObject({ severity: 'critical' });
    expect(codesOf(report, 3)).toEqual([]);
    expect(codesOf(report, 4)).toContain('missing-declared-area');
    const staged = await t.server.db.query<{ feature: number; b: string }>(
      `SELECT feature, attributes->>'boundary_status' AS b FROM import_features WHERE import_id = $1 ORDER BY feature`, [report.id]);
    expect(staged.rows.map((r) => r.b)).toEqual(['none', 'surveyed', 'provisional', 'none']);
  });

  it('a provisional boundary that PostGIS cannot repair safely is a warning, a surveyed one a critical issue', async () => {
    // a bow-tie whose two lobes cancel: ST_MakeValid changes its (signed) area, so a surveyed one is blocked
    const [x, y] = [104.2, 22.45];
    const d = 0.003;
    const bowTie = { type: 'Polygon', coordinates: [[[x - d, y - d], [x + d, y + d], [x + d, y - d], [x - d, y + d], [x - d, y - d]]] };
    const surveyed = await uploadAndCheck(planner, fc([{ properties: { ten: 'Cụm công nghiệp Nơ Đo Đạc' }, geometry: bowTie }]), 'bow.geojson');
    expect(surveyed.issues.find((i: any) => i.code === 'invalid-geometry')).toMatchObject({ severity: 'critical' });
    const provisional = await uploadAndCheck(planner, fc([{ properties: { ten: 'Cụm công nghiệp Nơ Tạm', ranh_gioi: 'Tạm thời' } , geometry: bowTie }]), 'bow-tam.geojson');
    expect(provisional.mapping).toMatchObject({ ranh_gioi: 'boundary_status' });
    expect(provisional.issues.find((i: any) => i.code === 'invalid-geometry')).toMatchObject({ severity: 'warning', provisional: true, repaired: true });
    expect(provisional.issues.filter((i: any) => i.severity === 'critical')).toEqual([]);
    const commit = await planner.post(`/api/imports/${provisional.id}/commit`);
    expect(commit.status, commit.text).toBe(200);
    const r = await t.server.db.query<{ b: string; valid: boolean; t: string }>(
      `SELECT v.boundary_status AS b, ST_IsValid(v.geom) AS valid, GeometryType(v.geom) AS t FROM import_features f JOIN cluster_versions v ON v.cluster_id::text = f.target_id WHERE f.import_id = $1`, [provisional.id]);
    expect(r.rows).toEqual([{ b: 'provisional', valid: true, t: 'MULTIPOLYGON' }]);
  });

  it('KML points become point-only clusters', async () => {
    const kml = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>CCN KML Điểm</name><ExtendedData><Data name="ten"><value>Cụm công nghiệp KML Điểm</value></Data><Data name="dien_tich_cong_bo"><value>15</value></Data></ExtendedData>
<Point><coordinates>104.04,22.42,0</coordinates></Point></Placemark>
</Document></kml>`;
    const report = await uploadAndCheck(planner, kml, 'diem.kml');
    expect(report.state, JSON.stringify(report.error)).toBe('checked');
    expect(report.issues.filter((i: any) => i.severity === 'critical')).toEqual([]);
    const commit = await planner.post(`/api/imports/${report.id}/commit`);
    expect(commit.body.created).toBe(1);
    const r = await t.server.db.query<{ t: string; b: string }>(
      `SELECT GeometryType(v.geom) AS t, v.boundary_status AS b FROM import_features f JOIN cluster_versions v ON v.cluster_id::text = f.target_id WHERE f.import_id = $1`, [report.id]);
    expect(r.rows).toEqual([{ t: 'POINT', b: 'none' }]);
  });
});
