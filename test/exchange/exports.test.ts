import { expect, it, beforeAll } from 'vitest';
import JSZip from 'jszip';
import { describeEachServer } from '../support/server.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import { LAO_CAI, ogrinfo, uploadAndCheck } from './helpers.ts';
import { createFacility, facilityFeature, point } from '../screening/helpers.ts';

const COMPARED = ['name', 'code', 'province_code', 'status', 'communes', 'industries', 'planned_area_ha', 'industrial_land_ha', 'leased_ha', 'craft_village', 'decision_no', 'decision_date', 'investor', 'workers', 'wastewater'];

describeEachServer('exports: formats, visibility, round trips', (t) => {
  const published = squareAround(LAO_CAI[0] + 0.1, LAO_CAI[1] + 0.05, 500);
  const draft = squareAround(LAO_CAI[0] + 0.12, LAO_CAI[1] + 0.05, 300);
  // a polygon with a hole, to check ring order in every format
  const holed = {
    type: 'Polygon' as const,
    coordinates: [squareAround(LAO_CAI[0] + 0.14, LAO_CAI[1] + 0.05, 600).coordinates[0]!, [...squareAround(LAO_CAI[0] + 0.14, LAO_CAI[1] + 0.05, 200).coordinates[0]!].reverse()],
  };

  beforeAll(async () => {
    const db = t.server.db;
    await insertCluster(db, {
      code: '10-901', name: 'Cụm công nghiệp Xuất – Bản "A" & <B>', province_code_2009: '10', geometry: published, status: 'operating',
      properties: { communes: ['Bắc Lệnh', 'Pom Hán'], industries: ['Cơ khí', 'Chế biến nông sản'], planned_area_ha: 25, industrial_land_ha: 18.5, leased_ha: 9.25, craft_village: true, decision_no: '123/QĐ-UBND', decision_date: '2019-05-14', investor: 'Công ty TNHH Hạ tầng', workers: 1200, wastewater: 'operating' },
    });
    await insertCluster(db, { code: '10-902', name: 'Cụm công nghiệp Nháp', province_code_2009: '10', geometry: draft, review_state: 'draft', status: 'planned' });
    await insertCluster(db, { code: '10-903', name: 'Cụm công nghiệp Có lỗ', province_code_2009: '10', geometry: holed, status: 'established' });
    await insertCluster(db, { code: '27-901', name: 'Cụm công nghiệp Bắc Ninh', province_code_2009: '27', geometry: squareAround(106.07, 21.18, 400), status: 'operating' });
  });

  it('the public gets published clusters only; staff of the province also get its drafts', async () => {
    const codes = async (c: ReturnType<typeof t.server.client>) => {
      const r = await c.get('/api/exports/clusters.geojson');
      expect(r.status).toBe(200);
      return JSON.parse(r.text).features.map((f: any) => f.properties.code).sort();
    };
    expect(await codes(t.server.client())).toEqual(['10-901', '10-903', '27-901']);
    expect(await codes(await t.server.client().login('planner.laocai'))).toEqual(['10-901', '10-902', '10-903', '27-901']);
    expect(await codes(await t.server.client().login('planner.bacninh'))).toEqual(['10-901', '10-903', '27-901']);
    const filtered = await t.server.client().get('/api/exports/clusters.csv?province=24');
    expect(filtered.text).toContain('27-901');
    expect(filtered.text).not.toContain('10-901');
  });

  it('facilities: staff of another province get approved versions only; staff of the province and the ministry the head', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const reviewer = await t.server.client().login('reviewer.laocai');
    const otherPlanner = await t.server.client().login('planner.bacninh');
    const ministry = await t.server.client().login('ministry');
    const draftOnly = await createFacility(planner, point(LAO_CAI[0] + 0.2, LAO_CAI[1]), { name: 'Cơ sở xuất chỉ nháp' });
    const published = await createFacility(planner, point(LAO_CAI[0] + 0.21, LAO_CAI[1]), { name: 'Cơ sở xuất bản duyệt', workers: 100 });
    expect((await planner.post(`/api/facilities/${published}/submit`, {})).status).toBe(200);
    expect((await reviewer.post(`/api/facilities/${published}/approve`, {})).status).toBe(200);
    const v2 = await planner.put(`/api/facilities/${published}`, facilityFeature(point(LAO_CAI[0] + 0.22, LAO_CAI[1]), { name: 'Cơ sở xuất bản sửa', workers: 999 }), { 'If-Match': '"1"' });
    expect(v2.status).toBe(200);
    const ownDraft = await createFacility(otherPlanner, point(106.07, 21.18), { name: 'Cơ sở Bắc Ninh nháp', province_code: '27' });

    const exported = async (c: ReturnType<typeof t.server.client>) => {
      const r = await c.get('/api/exports/facilities.geojson');
      expect(r.status).toBe(200);
      return Object.fromEntries(JSON.parse(r.text).features.map((f: any) => [f.properties.id, { version: f.properties.version, name: f.properties.name, workers: f.properties.workers }]));
    };
    const outside = await exported(otherPlanner);
    expect(outside[draftOnly]).toBeUndefined();
    expect(outside[published]).toEqual({ version: 1, name: 'Cơ sở xuất bản duyệt', workers: 100 });
    expect(outside[ownDraft]).toMatchObject({ version: 1, name: 'Cơ sở Bắc Ninh nháp' });
    // every other-province row is an approved (published) version
    const heads = await t.server.db.query<{ id: string; province_code: string; published_version: number | null }>('SELECT id::text AS id, province_code, published_version FROM facilities');
    for (const h of heads.rows) if (h.province_code !== '27' && outside[h.id]) expect(outside[h.id].version).toBe(h.published_version);
    const csv = await otherPlanner.get('/api/exports/facilities.csv?province=15');
    expect(csv.status).toBe(200);
    expect(csv.text).toContain('Cơ sở xuất bản duyệt');
    expect(csv.text).not.toContain('Cơ sở xuất bản sửa');
    expect(csv.text).not.toContain('Cơ sở xuất chỉ nháp');
    const kml = await otherPlanner.get('/api/exports/facilities.kml');
    expect(kml.text).not.toContain('Cơ sở xuất bản sửa');

    const own = await exported(planner);
    expect(own[draftOnly]).toMatchObject({ version: 1, name: 'Cơ sở xuất chỉ nháp' });
    expect(own[published]).toEqual({ version: 2, name: 'Cơ sở xuất bản sửa', workers: 999 });
    expect(own[ownDraft]).toBeUndefined();
    const national = await exported(ministry);
    expect(national[published]!.version).toBe(2);
    expect(Object.keys(national)).toEqual(expect.arrayContaining([draftOnly, published, ownDraft]));
    expect((await t.server.client().get('/api/exports/facilities.geojson')).status).toBe(401);
  });

  it('rejects unknown layers, formats and CRS; KML only in WGS 84', async () => {
    const c = t.server.client();
    expect((await c.get('/api/exports/roads.geojson')).status).toBe(404);
    expect((await c.get('/api/exports/clusters.dxf')).status).toBe(404);
    const crs = await c.get('/api/exports/clusters.geojson?crs=EPSG:123456');
    expect(crs.status).toBe(400);
    expect(crs.body.error.code).toBe('invalid-crs');
    expect((await c.get('/api/exports/clusters.kml?crs=EPSG:9208')).status).toBe(400);
  });

  const cases: [string, string][] = [
    ['geojson', ''], ['geojson', 'EPSG:9208'], ['kml', ''], ['kmz', ''], ['shp.zip', ''], ['shp.zip', 'EPSG:9208'], ['csv', ''], ['csv', 'EPSG:9208'],
  ];
  for (const [format, crs] of cases) {
    it(`round trip ${format}${crs ? ` in ${crs}` : ''}: GDAL opens it; re-imported geometry within 1 cm and the same attributes`, async () => {
      const planner = await t.server.client().login('planner.laocai');
      const res = await fetch(`${t.server.baseUrl}/api/exports/clusters.${format}?province=15${crs ? `&crs=${crs}` : ''}`, { headers: { cookie: [...planner.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toContain(`.${format}`);
      const bytes = Buffer.from(await res.arrayBuffer());

      // GDAL opens every export
      const info = ogrinfo(bytes, `clusters.${format === 'shp.zip' ? 'zip' : format}`, format === 'shp.zip');
      expect(info).toMatch(/Feature Count: 3/);
      if (crs && format !== 'csv') expect(info).toMatch(/104\.75/);
      if (format === 'shp.zip') {
        const z = await JSZip.loadAsync(bytes);
        const names = Object.keys(z.files);
        for (const ext of ['.shp', '.shx', '.dbf', '.prj', '.cpg', '.fields.csv']) expect(names.some((n) => n.endsWith(ext))).toBe(true);
        expect(await z.file(names.find((n) => n.endsWith('.cpg'))!)!.async('string')).toBe('UTF-8');
        const mapping = await z.file(names.find((n) => n.endsWith('.fields.csv'))!)!.async('string');
        for (const line of mapping.trim().split('\n').slice(1)) expect(line.split(',')[0]!.length).toBeLessThanOrEqual(10);
        expect(mapping).toContain('industrial_land_ha');
      }
      if (format === 'kml') {
        const text = bytes.toString('utf8');
        expect(text).toContain('<ExtendedData>');
        expect(text).toContain('<Data name="planned_area_ha">');
        expect(text).toContain('Diện tích quy hoạch (ha)'); // readable balloon labels
        expect(text).toContain('<innerBoundaryIs>');
      }

      const report = await uploadAndCheck(planner, bytes, `clusters.${format === 'shp.zip' ? 'zip' : format}`);
      expect(report.state).toBe('checked');
      expect(report.feature_count).toBe(3);
      expect(report.crs).toBe(crs || 'EPSG:4326');
      const staged = await t.server.db.query<{ code: string; attributes: any; d: number; holes: number }>(
        `SELECT f.attributes->>'code' AS code, f.attributes, ST_NumInteriorRings(ST_GeometryN(f.geom, 1)) AS holes,
                ST_HausdorffDistance(ST_Transform(f.geom, 3405), ST_Transform(v.geom, 3405)) AS d
         FROM import_features f JOIN clusters c ON c.code = f.attributes->>'code'
         JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.head_version
         WHERE f.import_id = $1 ORDER BY 1`,
        [report.id],
      );
      expect(staged.rows.map((r) => r.code)).toEqual(['10-901', '10-902', '10-903']);
      for (const r of staged.rows) expect(r.d).toBeLessThan(0.01);
      expect(staged.rows.find((r) => r.code === '10-903')!.holes).toBe(1);
      for (const r of staged.rows) {
        const original = (await planner.get(`/api/clusters/${r.code}`)).body.properties;
        for (const f of COMPARED) expect([f, r.attributes[f] ?? null]).toEqual([f, original[f] ?? (f === 'communes' || f === 'industries' ? [] : f === 'craft_village' ? false : null)]);
      }
      // the same clusters are recognised: same codes are critical duplicates, so nothing would be committed twice
      expect(report.issues.filter((i: any) => i.code === 'duplicate-code')).toHaveLength(3);
    });
  }
});
