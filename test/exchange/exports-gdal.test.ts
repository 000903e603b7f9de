/**
 * GeoPackage and FlatGeobuf exports, written by GDAL: opened with ogrinfo (layer, CRS, count, Vietnamese text), read
 * back to WGS 84 within 1 cm in WGS 84 and in a VN-2000 zone, and no temporary file left on any path.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import { LAO_CAI } from './helpers.ts';
import { OGR_TMP_PREFIX, convertGeoJson } from '../../server/exchange/formats/ogr.ts';

const NAME = 'Cụm công nghiệp Bắc Lệnh – Phường Pom Hán "Đông"';
const leftovers = () => readdirSync(tmpdir()).filter((n) => n.startsWith(OGR_TMP_PREFIX));

/** Writes the bytes to a temporary file, runs fn on its path, removes it. */
async function withFile<T>(bytes: Buffer, name: string, fn: (file: string) => T | Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ca-test-ogr-'));
  try {
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    return await fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ogrinfo = (args: string[]) => execFileSync('ogrinfo', args, { stdio: 'pipe' }).toString('utf8');

describe('ogr2ogr conversion (failure paths)', () => {
  it('leaves no temporary folder when GDAL is missing or fails', async () => {
    const before = leftovers();
    await expect(convertGeoJson('{"type":"FeatureCollection","features":[]}', 'gpkg', { layer: 'x', srid: 4326, ogr2ogr: '/nonexistent/ogr2ogr' })).rejects.toMatchObject({ status: 503 });
    await expect(convertGeoJson('not geojson at all', 'fgb', { layer: 'x', srid: 4326 })).rejects.toMatchObject({ status: 500, code: 'export-failed' });
    expect(leftovers()).toEqual(before);
  });
});

describeEachServer('exports: GeoPackage and FlatGeobuf', (t) => {
  beforeAll(async () => {
    const db = t.server.db;
    await insertCluster(db, { code: '10-951', name: NAME, province_code_2009: '10', geometry: squareAround(LAO_CAI[0] + 0.1, LAO_CAI[1] + 0.05, 500), properties: { communes: ['Bắc Lệnh', 'Pom Hán'], investor: 'Công ty TNHH Hạ tầng Ánh Dương', decision_date: '2019-05-14', planned_area_ha: 25 } });
    const holed = { type: 'Polygon' as const, coordinates: [squareAround(LAO_CAI[0] + 0.14, LAO_CAI[1], 600).coordinates[0]!, [...squareAround(LAO_CAI[0] + 0.14, LAO_CAI[1], 200).coordinates[0]!].reverse()] };
    await insertCluster(db, { code: '10-952', name: 'Cụm công nghiệp Có lỗ', province_code_2009: '10', geometry: holed });
    await insertCluster(db, { code: '10-953', name: 'Cụm công nghiệp Nháp', province_code_2009: '10', review_state: 'draft', geometry: squareAround(LAO_CAI[0] + 0.2, LAO_CAI[1], 300) });
  });

  async function download(target: string): Promise<Buffer> {
    const res = await fetch(`${t.server.baseUrl}/api/exports/${target}`);
    expect(res.status, await (res.status === 200 ? Promise.resolve('') : res.text())).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`\\.${target.split('?')[0]!.split('.').pop()}"`));
    return Buffer.from(await res.arrayBuffer());
  }

  /** Largest distance (m) between each exported feature, read back to WGS 84 by GDAL, and the stored geometry. */
  async function worstDistance(file: string): Promise<{ d: number; codes: string[] }> {
    const geojson = execFileSync('ogr2ogr', ['-f', 'GeoJSON', '-t_srs', 'EPSG:4326', '-lco', 'COORDINATE_PRECISION=10', '/vsistdout/', file], { stdio: 'pipe' }).toString('utf8');
    const features = JSON.parse(geojson).features;
    let d = 0;
    for (const f of features) {
      const r = await t.server.db.query<{ d: number }>(
        `SELECT ST_HausdorffDistance(ST_Transform(v.geom, 3405), ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326), 3405)) AS d
         FROM clusters c JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.published_version WHERE c.code = $1`,
        [f.properties.code, JSON.stringify(f.geometry)],
      );
      d = Math.max(d, r.rows[0]!.d);
    }
    return { d, codes: features.map((f: any) => f.properties.code).sort() };
  }

  it('GeoPackage: ogrinfo shows the layer, CRS, feature count and the Vietnamese name', async () => {
    const before = leftovers();
    const bytes = await download('clusters.gpkg');
    expect(bytes.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\u0000');
    await withFile(bytes, 'clusters.gpkg', (file) => {
      const info = ogrinfo(['-ro', '-so', file, 'clusters']);
      expect(info).toMatch(/Layer name: clusters/);
      expect(info).toMatch(/Feature Count: 2\b/);
      expect(info).toMatch(/GEOGCRS\["WGS 84"|ID\["EPSG",4326\]/);
      expect(info).toMatch(/^investor: String/m);
      expect(info).toMatch(/^decision_date: Date/m);
      const rows = ogrinfo(['-ro', '-q', file, '-sql', "SELECT name, investor, communes FROM clusters WHERE code = '10-951'"]);
      expect(rows).toContain(NAME);
      expect(rows).toContain('Công ty TNHH Hạ tầng Ánh Dương');
      expect(rows).toContain('Pom Hán');
    });
    expect(leftovers()).toEqual(before);
  });

  for (const [format, crs] of [['gpkg', ''], ['gpkg', 'EPSG:9208'], ['fgb', ''], ['fgb', 'EPSG:9208'], ['fgb', 'EPSG:3405']] as const) {
    it(`${format}${crs ? ` in ${crs}` : ''}: round trip within 1 cm, holes kept, drafts left out`, async () => {
      const before = leftovers();
      const bytes = await download(`clusters.${format}${crs ? `?crs=${crs}` : ''}`);
      await withFile(bytes, `clusters.${format}`, async (file) => {
        const info = ogrinfo(['-ro', '-so', '-al', file]);
        expect(info).toMatch(/Feature Count: 2\b/);
        if (crs === 'EPSG:9208') expect(info).toMatch(/VN-2000 \/ TM-3 104-45|104\.75/);
        if (crs === 'EPSG:3405') expect(info).toMatch(/UTM zone 48N/);
        const { d, codes } = await worstDistance(file);
        expect(codes).toEqual(['10-951', '10-952']);
        expect(d).toBeLessThan(0.01);
        const text = ogrinfo(['-ro', '-q', '-al', file]);
        expect(text).toContain(NAME);
        expect(text).toMatch(/POLYGON \(\(.*\),\(/);
      });
      expect(leftovers()).toEqual(before);
    });
  }

  it('refuses an unknown CRS before running GDAL', async () => {
    const res = await t.server.client().get('/api/exports/clusters.gpkg?crs=EPSG:999999');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid-crs');
  });
});
