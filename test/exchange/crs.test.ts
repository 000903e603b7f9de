import { describe, expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import { squareAround } from '../support/fixtures.ts';
import { parsePrj, classifyRange } from '../../server/exchange/formats/crs.ts';
import { detectEncoding } from '../../server/exchange/formats/encoding.ts';
import { cs2cs, fc, LAO_CAI, ogr2ogr, uploadAndCheck, zip } from './helpers.ts';

const NAME = 'Cụm công nghiệp Bắc Lệnh - Phường Pom Hán';
const square = squareAround(LAO_CAI[0], LAO_CAI[1] - 0.04, 400);
const source = fc([{ properties: { ten: NAME, dien_tich: 16, tinh_trang: 'Đang hoạt động' }, geometry: square }]);

/** GDAL writes the fixture: WGS 84 GeoJSON → VN-2000 zone 104°45′ (EPSG:9208) Shapefile, DBF in the given encoding. */
function shapefileFixture(encoding: string) {
  return ogr2ogr(source, ['-s_srs', 'EPSG:4326', '-t_srs', 'EPSG:9208', '-lco', `ENCODING=${encoding}`]);
}

async function shpZip(files: Record<string, Buffer>, drop: string[] = [], extra: Record<string, string> = {}) {
  const kept: Record<string, Buffer | string> = {};
  for (const [n, b] of Object.entries(files)) if (!drop.some((d) => n.endsWith(d))) kept[n] = b;
  return zip({ ...kept, ...extra });
}

/** Largest distance (m) between the staged WGS 84 geometry of feature 1 and the original square. */
async function distanceToSource(db: { query: (s: string, p: unknown[]) => Promise<{ rows: any[] }> }, id: string): Promise<number> {
  const r = await db.query(
    `SELECT ST_HausdorffDistance(ST_Transform(f.geom, 3405), ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326), 3405)) AS d
     FROM import_features f WHERE f.import_id = $1 AND f.feature = 1`,
    [id, JSON.stringify(square)],
  );
  return r.rows[0].d;
}

describe('CRS and encoding recognition (pure)', () => {
  it('reads .prj texts: EPSG codes, VN_2000 names without a code, UTM zones', () => {
    const gdal = 'PROJCS["VN-2000_TM-3_104-45",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",104.75],PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
    expect(parsePrj(gdal).epsg).toBe(9208);
    const mapinfoStyle = gdal.replace('104.75', '105.75').replace('VN-2000_TM-3_104-45', 'VN_2000_Ha_Noi');
    expect(parsePrj(mapinfoStyle).epsg).toBe(9210);
    expect(parsePrj(gdal.replace('104.75', '105.0')).epsg).toBe(5897);
    const utm = 'PROJCS["VN_2000_UTM_Zone_48N",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
    expect(parsePrj(utm).epsg).toBe(3405);
    expect(parsePrj(utm.replace(/VN_2000/g, 'WGS_1984').replace('D_Vietnam_2000', 'D_WGS_1984').replace('105.0', '111.0')).epsg).toBe(32649);
    expect(parsePrj('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]').epsg).toBe(4326);
    expect(parsePrj('PROJCS["x",GEOGCS["y"],PROJECTION["Transverse_Mercator"],PARAMETER["central_meridian",104.75],PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],AUTHORITY["EPSG","9208"]]').epsg).toBe(9208);
    expect(parsePrj(gdal.replace('104.75', '99.5')).epsg).toBeNull();
  });

  it('classifies coordinate ranges', () => {
    expect(classifyRange([104.1, 22.3, 104.2, 22.4]).kind).toBe('lonlat');
    expect(classifyRange([22.3, 104.1, 22.4, 104.2]).kind).toBe('latlon');
    expect(classifyRange([438000, 2473000, 439000, 2474000]).kind).toBe('en');
    expect(classifyRange([2473000, 438000, 2474000, 439000]).kind).toBe('ne');
  });

  it('tells UTF-8, Windows-1258 and TCVN3 apart on Vietnamese text', () => {
    const gdal1258 = shapefileFixture('CP1258')['layer.dbf']!;
    const gdalTcvn = shapefileFixture('TCVN5712-1')['layer.dbf']!;
    const text = (b: Buffer) => b.subarray(b.indexOf(0x0d) + 2);
    expect(detectEncoding(text(gdal1258))).toBe('windows-1258');
    expect(detectEncoding(text(gdalTcvn))).toBe('tcvn3');
    expect(detectEncoding(Buffer.from(NAME, 'utf8'))).toBe('utf-8');
  });
});

describeEachServer('imports: coordinate systems and encodings', (t) => {
  it('a zipped Shapefile in VN-2000 zone 104°45′ with a .prj naming VN_2000 (no EPSG code) is read as EPSG:9208', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const files = shapefileFixture('UTF-8');
    expect(files['layer.prj']!.toString()).toMatch(/VN_2000/);
    expect(files['layer.prj']!.toString()).not.toMatch(/AUTHORITY/);
    const report = await uploadAndCheck(planner, await shpZip(files), 'laocai.zip');
    expect(report).toMatchObject({ state: 'checked', format: 'shapefile', crs: 'EPSG:9208', crs_source: 'prj', crs_confirmed: true, feature_count: 1 });
    expect(report.encoding).toMatch(/^utf-8/);
    expect(report.issues.filter((i: any) => i.severity === 'critical')).toEqual([]);
    // GDAL (PROJ) projected it, PostGIS projects it back: both with the EPSG:6960 datum shift
    expect(await distanceToSource(t.server.db, report.id)).toBeLessThan(0.05);
    const attrs = await t.server.db.query(`SELECT attributes FROM import_features WHERE import_id = $1`, [report.id]);
    expect(attrs.rows[0].attributes).toMatchObject({ name: NAME, planned_area_ha: 16, status: 'operating', province_code: '15' });
  });

  it('without a .prj the zone is detected from the range and the province, shown for confirmation, and commit waits for it', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const report = await uploadAndCheck(planner, await shpZip(shapefileFixture('UTF-8'), ['.prj']), 'noprj.zip');
    expect(report).toMatchObject({ state: 'checked', crs: 'EPSG:9208', crs_source: 'detected', crs_confirmed: false, can_commit: false });
    const refused = await planner.post(`/api/imports/${report.id}/commit`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('crs-not-confirmed');
    const bad = await planner.put(`/api/imports/${report.id}/crs`, { crs: 'EPSG:999999' });
    expect(bad.status).toBe(400);
    const confirmed = await planner.put(`/api/imports/${report.id}/crs`, { crs: 'EPSG:9208' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ state: 'checked', crs: 'EPSG:9208', crs_confirmed: true, can_commit: true });
    expect(await distanceToSource(t.server.db, report.id)).toBeLessThan(0.05);
    const commit = await planner.post(`/api/imports/${report.id}/commit`);
    expect(commit.body).toEqual({ created: 1, skipped: 0 });
  });

  it('?crs= on upload overrides the file; a wrong zone puts the data in the wrong place and the check says so', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const ok = await uploadAndCheck(planner, await shpZip(shapefileFixture('UTF-8'), ['.prj']), 'q.zip', 'clusters', '?crs=EPSG:9208');
    expect(ok).toMatchObject({ crs: 'EPSG:9208', crs_source: 'query', crs_confirmed: true });
    // zone 108°30′ shifts the data ~390 km east, into the sea off central Vietnam / another province
    const wrong = await uploadAndCheck(planner, await shpZip(shapefileFixture('UTF-8'), ['.prj']), 'w.zip', 'clusters', '?crs=EPSG:9218');
    expect(wrong.crs).toBe('EPSG:9218');
    expect(wrong.issues.some((i: any) => i.severity === 'critical' && ['outside-vietnam', 'outside-own-province'].includes(i.code))).toBe(true);
  });

  it('DBF text in Windows-1258 and in TCVN3 without a .cpg is detected and converted to Unicode', async () => {
    const planner = await t.server.client().login('planner.laocai');
    for (const [gdalEncoding, expected] of [['CP1258', 'windows-1258'], ['TCVN5712-1', 'tcvn3']] as const) {
      const report = await uploadAndCheck(planner, await shpZip(shapefileFixture(gdalEncoding), ['.cpg']), `${expected}.zip`);
      expect(report.encoding).toBe(expected);
      const attrs = await t.server.db.query(`SELECT attributes->>'name' AS name FROM import_features WHERE import_id = $1`, [report.id]);
      expect(attrs.rows[0].name).toBe(NAME.normalize('NFC'));
    }
    // the .cpg is honoured when present
    const withCpg = await uploadAndCheck(planner, await shpZip(shapefileFixture('CP1258')), 'cpg.zip');
    expect(withCpg.encoding).toBe('windows-1258 (.cpg)');
  });

  it('a CSV with lat/lon values swapped is put back (warning) and imported as facilities', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const csv = 'ten,lat,lon,nhom_nguy_co\nNhà máy A,104.15,22.35,II\nNhà máy B,104.16,22.352,III\n';
    const report = await uploadAndCheck(planner, csv, 'co-so.csv', 'facilities');
    expect(report).toMatchObject({ state: 'checked', format: 'csv', crs: 'EPSG:4326', feature_count: 2 });
    expect(report.issues.filter((i: any) => i.code === 'swapped-coordinates').map((i: any) => i.severity)).toEqual(['warning', 'warning']);
    const geom = await t.server.db.query(`SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM import_features WHERE import_id = $1 ORDER BY feature`, [report.id]);
    expect(geom.rows[0]).toEqual({ x: 104.15, y: 22.35 });
    expect(report.issues.filter((i: any) => i.severity === 'critical')).toEqual([]);
    const commit = await planner.post(`/api/imports/${report.id}/commit`);
    expect(commit.body).toEqual({ created: 2, skipped: 0 });
    const stored = await t.server.db.query(`SELECT v.name, v.hazard_class, v.province_code FROM facility_versions v JOIN import_features f ON f.target_id = v.facility_id::text WHERE f.import_id = $1 ORDER BY v.name`, [report.id]);
    expect(stored.rows).toEqual([{ name: 'Nhà máy A', hazard_class: 'II', province_code: '10' }, { name: 'Nhà máy B', hazard_class: 'III', province_code: '10' }]);
  });

  it('a CSV of VN-2000 boundary markers (X northing, Y easting, zone column) becomes polygons', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const ring = square.coordinates[0]!.slice(0, 4);
    const lines = ring.map(([lon, lat], i) => {
      const [e, n] = cs2cs('EPSG:4326', 'EPSG:9208', lat!, lon!);
      return `CCN-1,${i + 1},${n.toFixed(3)},${e.toFixed(3)},104°45',${NAME}`;
    });
    const report = await uploadAndCheck(planner, `polygon,moc,x,y,mui,ten\n${lines.join('\n')}\n`, 'moc.csv');
    expect(report).toMatchObject({ state: 'checked', crs: 'EPSG:9208', feature_count: 1 });
    expect(report.issues.filter((i: any) => i.severity === 'critical')).toEqual([]);
    expect(await distanceToSource(t.server.db, report.id)).toBeLessThan(0.05);
  });

  it('coordinate check against an independent computation: PROJ cs2cs (EPSG:9208 from its own EPSG database) vs PostGIS ST_Transform, ≤ 0.05 m', async () => {
    // Source: no published VN-2000 ↔ WGS 84 control point with its coordinates in both systems was at hand,
    // so this compares against an independent implementation: PROJ's cs2cs using EPSG:9208 and the
    // EPSG:6960 transformation from PROJ's EPSG database (not the spatial_ref_sys rows of sql/002).
    const points: [number, number][] = [[104.15, 22.36], [103.9, 22.55], [104.45, 22.1]];
    for (const [lon, lat] of points) {
      const [e, n] = cs2cs('EPSG:4326', 'EPSG:9208', lat, lon);
      const r = await t.server.db.query<{ x: number; y: number }>(
        'SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), 9208) AS p) q',
        [lon, lat],
      );
      expect(Math.hypot(r.rows[0]!.x - e, r.rows[0]!.y - n)).toBeLessThan(0.05);
    }
  });
});
