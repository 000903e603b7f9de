import { describe, expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import { squareAround } from '../support/fixtures.ts';
import { kml, LAO_CAI, upload, uploadAndCheck, waitChecked, withDuplicateVertex, zip, fc } from './helpers.ts';

const countClusters = async (t: { server: { db: { query: (s: string) => Promise<{ rows: { n: number }[] }> } } }) =>
  (await t.server.db.query('SELECT count(*)::int AS n FROM cluster_versions')).rows[0]!.n;

describeEachServer('imports: KML/KMZ check and commit', (t) => {
  const a = squareAround(LAO_CAI[0], LAO_CAI[1], 400);
  const b = squareAround(LAO_CAI[0] + 0.02, LAO_CAI[1], 300);
  const file = kml([
    // 400 m square = 16 ha; stated 16 ha: no mismatch; a repeated vertex and Z values
    { name: 'CCN Bắc Lệnh', data: { ten: 'Cụm công nghiệp Bắc Lệnh', dien_tich: '16', tinh_trang: 'Đang hoạt động', xa_phuong: 'Bắc Lệnh; Pom Hán', loai: 'Cơ khí' }, ring: withDuplicateVertex(a).map((p) => [p[0]!, p[1]!, 120]) },
    // 300 m square = 9 ha but the file says 12 ha: area-mismatch
    { name: 'CCN Đông Phố Mới', data: { ten: 'Cụm công nghiệp Đông Phố Mới', dien_tich: '12', tinh_trang: 'Trong quy hoạch' }, ring: b.coordinates[0]! },
  ]);

  it('rejects an upload without a session, without a file or with an unknown layer', async () => {
    const anon = await upload(t.server.client(), file, 'a.kml');
    expect(anon.status).toBe(401);
    const planner = await t.server.client().login('planner.laocai');
    const bad = await upload(planner, file, 'a.kml', 'roads');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid-layer');
    const form = new FormData();
    form.append('layer', 'clusters');
    const noFile = await planner.request('POST', '/api/imports', { raw: form });
    expect(noFile.status).toBe(400);
    expect(noFile.body.error.code).toBe('missing-file');
    const ministry = await t.server.client().login('ministry');
    expect((await upload(ministry, file, 'a.kml')).status).toBe(403);
  });

  it('checks a KML: format, CRS, mapping suggestions, issues; nothing written yet; commit creates drafts once', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const before = await countClusters(t);
    const res = await upload(planner, file, 'cum.kml');
    expect([201, 202]).toContain(res.status);
    expect(typeof res.body.id).toBe('string');
    const report = await waitChecked(planner, res.body.id);
    expect(report).toMatchObject({ id: res.body.id, state: 'checked', progress: 100, format: 'kml', crs: 'EPSG:4326', encoding: 'utf-8', feature_count: 2 });
    for (const key of ['id', 'state', 'progress', 'format', 'crs', 'encoding', 'feature_count', 'mapping', 'issues']) expect(report).toHaveProperty(key);
    expect(report.mapping).toMatchObject({ ten: 'name', dien_tich: 'planned_area_ha', tinh_trang: 'status', xa_phuong: 'communes', loai: 'industries' });
    const codes = (f: number) => report.issues.filter((i: any) => i.feature === f).map((i: any) => i.code);
    expect(codes(1)).toContain('duplicate-vertices');
    expect(codes(1)).toContain('z-dropped');
    expect(codes(1)).not.toContain('area-mismatch');
    expect(codes(2)).toContain('area-mismatch');
    for (const i of report.issues) {
      expect(Object.keys(i)).toEqual(expect.arrayContaining(['feature', 'severity', 'code', 'message']));
      expect(['critical', 'warning', 'info']).toContain(i.severity);
    }
    expect(report.issues.find((i: any) => i.code === 'z-dropped').severity).toBe('warning');
    expect(report.issues.filter((i: any) => i.severity === 'critical')).toEqual([]);
    // the check wrote nothing to the layer
    expect(await countClusters(t)).toBe(before);

    const commit = await planner.post(`/api/imports/${res.body.id}/commit`);
    expect(commit.status).toBe(200);
    expect(commit.body).toEqual({ created: 2, skipped: 0 });
    expect(await countClusters(t)).toBe(before + 2);
    // drafts in the normal review, province from the location, attributes mapped and coerced
    const rows = await t.server.db.query<{ code: string; province_code: string; province_code_2009: string; props: any; state: string; n: number }>(
      `SELECT c.code, c.province_code, c.province_code_2009, v.properties AS props, s.state, ST_NPoints(v.geom) AS n
       FROM import_features f JOIN clusters c ON c.id::text = f.target_id JOIN cluster_versions v ON v.cluster_id = c.id
       JOIN cluster_version_states s ON s.cluster_id = c.id AND s.version = v.version
       WHERE f.import_id = $1 ORDER BY f.feature`,
      [res.body.id],
    );
    // located in old 10 Lào Cai: recorded in the 2025 unit 15, the old province kept
    expect(rows.rows.map((r) => [r.province_code, r.province_code_2009, r.state, r.props.name, r.props.status])).toEqual([
      ['15', '10', 'draft', 'Cụm công nghiệp Bắc Lệnh', 'operating'],
      ['15', '10', 'draft', 'Cụm công nghiệp Đông Phố Mới', 'planned'],
    ]);
    expect(rows.rows[0]!.props.communes).toEqual(['Bắc Lệnh', 'Pom Hán']);
    expect(rows.rows[0]!.props.planned_area_ha).toBe(16);
    expect(rows.rows[0]!.n).toBe(5); // duplicate vertex gone
    // visible to the reviewer's queue flow as ordinary drafts
    const cluster = await planner.get(`/api/clusters/${rows.rows[0]!.code}`);
    expect(cluster.status).toBe(200);
    expect(cluster.body.properties.review_state).toBe('draft');

    // idempotent
    const again = await planner.post(`/api/imports/${res.body.id}/commit`);
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(0);
    expect(await countClusters(t)).toBe(before + 2);
    const after = await planner.get(`/api/imports/${res.body.id}`);
    expect(after.body.state).toBe('committed');
    expect(after.body.file_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(after.body.created_by).toBe('planner.laocai');
    // the record is audited
    const audit = await t.server.db.query(`SELECT details FROM audit_log WHERE action = 'import.commit' AND entity_id = $1 AND outcome = 'ok'`, [res.body.id]);
    expect(audit.rowCount).toBe(1);
  });

  it('re-importing the same file flags possible duplicates and skips exact ones', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const report = await uploadAndCheck(planner, file, 'cum-again.kml');
    const dups = report.issues.filter((i: any) => i.code === 'possible-duplicate');
    expect(dups.map((d: any) => d.feature).sort()).toEqual([1, 2]);
    expect(dups.every((d: any) => d.severity === 'warning')).toBe(true);
    const before = await countClusters(t);
    const commit = await planner.post(`/api/imports/${report.id}/commit`);
    expect(commit.body).toEqual({ created: 0, skipped: 2 });
    expect(await countClusters(t)).toBe(before);
  });

  it('reads a KMZ (zipped KML) the same way', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const c = squareAround(LAO_CAI[0] - 0.03, LAO_CAI[1] + 0.01, 250);
    const kmz = await zip({ 'doc.kml': kml([{ name: 'X', data: { ten: 'Cụm công nghiệp KMZ', dien_tich: '6.25' }, ring: c.coordinates[0]! }]) });
    const report = await uploadAndCheck(planner, kmz, 'cum.kmz');
    expect(report).toMatchObject({ state: 'checked', format: 'kmz', crs: 'EPSG:4326', feature_count: 1 });
    expect(report.issues.filter((i: any) => i.severity !== 'info')).toEqual([]);
  });

  it('a self-intersecting polygon is critical, blocks the commit and leaves the layer unchanged', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const [x, y] = [LAO_CAI[0] + 0.05, LAO_CAI[1] - 0.02];
    const d = 0.002;
    const bowtie = { type: 'Polygon', coordinates: [[[x, y], [x + d, y + d], [x + d, y], [x, y + d], [x, y]]] };
    const good = squareAround(x - 0.01, y, 200);
    const report = await uploadAndCheck(planner, fc([
      { properties: { ten: 'Cụm công nghiệp Hợp lệ' }, geometry: good },
      { properties: { ten: 'Cụm công nghiệp Nơ' }, geometry: bowtie },
    ]), 'bad.geojson');
    expect(report.state).toBe('checked');
    const critical = report.issues.filter((i: any) => i.severity === 'critical');
    expect(critical).toHaveLength(1);
    expect(critical[0]).toMatchObject({ feature: 2, code: 'invalid-geometry' });
    expect(critical[0].location).toHaveLength(2);
    const before = await t.server.db.query('SELECT (SELECT count(*) FROM clusters)::int AS c, (SELECT count(*) FROM cluster_versions)::int AS v, (SELECT count(*) FROM cluster_review_events)::int AS e');
    const commit = await planner.post(`/api/imports/${report.id}/commit`);
    expect(commit.status).toBe(422);
    expect(commit.body.error.code).toBe('critical-issues');
    const after = await t.server.db.query('SELECT (SELECT count(*) FROM clusters)::int AS c, (SELECT count(*) FROM cluster_versions)::int AS v, (SELECT count(*) FROM cluster_review_events)::int AS e');
    expect(after.rows[0]).toEqual(before.rows[0]);
    expect((await planner.get(`/api/imports/${report.id}`)).body.state).toBe('checked');
  });

  it('outside Vietnam and an unknown province are critical; a file province is resolved by name', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const report = await uploadAndCheck(planner, fc([
      { properties: { ten: 'Ở Lào', tinh: 'Lào Cai' }, geometry: squareAround(102.6, 19.9, 200) },
      { properties: { ten: 'Tỉnh lạ', tinh: 'Tỉnh Không Có' }, geometry: squareAround(LAO_CAI[0], LAO_CAI[1] + 0.03, 200) },
      { properties: { ten: 'Cụm công nghiệp Tỉnh theo tên', tinh: 'Tỉnh Lào Cai' }, geometry: squareAround(LAO_CAI[0] + 0.01, LAO_CAI[1] + 0.03, 200) },
    ]), 'p.geojson');
    const by = (f: number) => report.issues.filter((i: any) => i.feature === f && i.severity === 'critical').map((i: any) => i.code);
    expect(by(1)).toContain('outside-vietnam');
    expect(by(2)).toContain('unknown-province');
    expect(by(3)).toEqual([]);
    expect(report.mapping.tinh).toBe('province_code');
  });

  it('the mapping can be edited and re-checks the features', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const report = await uploadAndCheck(planner, fc([
      { properties: { ten_goc: 'Cụm công nghiệp Ánh xạ', dt: '1' }, geometry: squareAround(LAO_CAI[0] - 0.05, LAO_CAI[1] - 0.03, 100) },
    ]), 'm.geojson');
    // "ten_goc" is not a known name: the name is missing (critical), dt = 1 ha matches a 1 ha square
    expect(report.mapping).toEqual({ ten_goc: null, dt: 'planned_area_ha' });
    expect(report.issues.some((i: any) => i.code === 'invalid-attribute' && i.field === 'name')).toBe(true);
    const bad = await planner.put(`/api/imports/${report.id}/mapping`, { mapping: { ten_goc: 'no_such_attribute' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid-mapping');
    const ok = await planner.put(`/api/imports/${report.id}/mapping`, { mapping: { ten_goc: 'name' } });
    expect(ok.status).toBe(200);
    expect(ok.body.mapping).toEqual({ ten_goc: 'name', dt: 'planned_area_ha' });
    expect(ok.body.issues.filter((i: any) => i.severity === 'critical')).toEqual([]);
    // another province's planner cannot read it
    const other = await t.server.client().login('planner.bacninh');
    expect((await other.get(`/api/imports/${report.id}`)).status).toBe(403);
    expect((await other.post(`/api/imports/${report.id}/commit`)).status).toBe(403);
  });

  it('an unreadable file fails the check with a reason', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const report = await uploadAndCheck(planner, '{"type": "FeatureCollection", "features": [', 'broken.geojson');
    expect(report.state).toBe('failed');
    expect(report.error.code).toBe('unreadable-file');
    expect((await planner.post(`/api/imports/${report.id}/commit`)).status).toBe(409);
  });
}, { config: { logLevel: 'error' } as never });

describe('imports: module shape', () => {
  it('exports the router factory', async () => {
    const m = await import('../../server/exchange/exchange.router.ts');
    expect(typeof m.createExchangeRouter).toBe('function');
  });
});
