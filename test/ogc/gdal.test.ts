/**
 * GDAL (Debian's ogrinfo/ogr2ogr, OAPIF driver) as a real OGC API – Features client against the running server.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';

const run = promisify(execFile);
const hasGdal = ['/usr/bin/ogrinfo', '/usr/local/bin/ogrinfo'].some((p) => existsSync(p));
if (!hasGdal) console.warn('SKIPPED: the GDAL client test needs ogrinfo/ogr2ogr (Debian: apt-get install gdal-bin)');

// no proxy between GDAL and the loopback server
const env = { ...process.env, http_proxy: '', https_proxy: '', HTTP_PROXY: '', HTTPS_PROXY: '', NO_PROXY: '*', GDAL_HTTP_TIMEOUT: '30' };

async function gdal(cmd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(cmd, args, { env: { ...env, ...extraEnv }, timeout: 90_000, maxBuffer: 20 * 1024 * 1024 });
  return stdout;
}

/** GDAL's HTTP requests (CPL_DEBUG), to see what it asked the server rather than what it filtered itself. */
async function gdalRequests(cmd: string, args: string[]): Promise<{ stdout: string; urls: string[] }> {
  const { stdout, stderr } = await run(cmd, args, { env: { ...env, CPL_DEBUG: 'ON' }, timeout: 90_000, maxBuffer: 20 * 1024 * 1024 });
  return { stdout, urls: [...stderr.matchAll(/HTTP: Fetch\((.+)\)$/gm)].map((m) => decodeURIComponent(m[1]!)) };
}

/** GDAL 3.7 added Part 2 to its OAPIF driver (the CRS open option); Debian 12 ships 3.6. */
const gdalHasOapifCrs = hasGdal && (() => {
  try {
    return /name="CRS"/.test(execFileSync('ogrinfo', ['--format', 'OAPIF'], { env }).toString());
  } catch {
    return false;
  }
})();

/** PROJ's transform of lon/lat points (cs2cs reads EPSG:4326 latitude first). */
function cs2cs(points: number[][], target: number): number[][] {
  const out = execFileSync('cs2cs', ['-f', '%.10f', 'EPSG:4326', `EPSG:${target}`], { input: points.map(([lon, lat]) => `${lat} ${lon}`).join('\n') + '\n' }).toString();
  return out.trim().split('\n').map((l) => l.trim().split(/\s+/).slice(0, 2).map(Number));
}

if (!hasGdal) {
  describe.skip('GDAL OAPIF client — skipped: ogrinfo is not installed', () => {
    it('needs gdal-bin', () => undefined);
  });
}

(hasGdal ? describeEachServer : () => undefined)('GDAL OAPIF client', (t) => {
  let dir = '';
  let dongVang = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ogc-gdal-'));
    const db = t.server.db;
    dongVang = (await insertCluster(db, { name: 'Cụm công nghiệp Đồng Vàng', province_code_2009: '10', status: 'operating', geometry: squareAround(103.98, 22.45, 700), properties: { investor: 'Công ty Hạ tầng A', industrial_land_ha: 40, leased_ha: 10 } })).id;
    await insertCluster(db, { name: 'Cụm công nghiệp Bắc Lệnh', province_code_2009: '10', status: 'planned', geometry: squareAround(104.02, 22.47, 500) });
    await insertCluster(db, { name: 'Cụm công nghiệp Khắc Niệm', province_code_2009: '27', status: 'operating', geometry: squareAround(106.07, 21.18, 900) });
    await insertCluster(db, { name: 'Cụm công nghiệp Bản Nháp', province_code_2009: '10', review_state: 'draft', geometry: squareAround(104.1, 22.5, 500) });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('ogrinfo lists the collections', async () => {
    const out = await gdal('ogrinfo', ['-ro', '-so', `OAPIF:${t.server.baseUrl}/ogc`]);
    for (const id of ['clusters', 'plan-items', 'provinces', 'regions', 'residential-zones']) expect(out).toMatch(new RegExp(`\\d+: ${id}\\b`));
  });

  it('ogr2ogr copies the published clusters to a GeoPackage with the right count and attributes', async () => {
    const gpkg = path.join(dir, `clusters-${t.driver}.gpkg`);
    await gdal('ogr2ogr', ['-f', 'GPKG', gpkg, `OAPIF:${t.server.baseUrl}/ogc`, 'clusters']);
    const summary = await gdal('ogrinfo', ['-ro', '-so', gpkg, 'clusters']);
    expect(summary).toMatch(/Feature Count: 3\b/);
    expect(summary).toMatch(/Geometry: Multi Polygon/);
    for (const field of ['name', 'code', 'province_code', 'status', 'area_ha', 'investor']) expect(summary).toMatch(new RegExp(`^${field}: `, 'm'));
    const all = await gdal('ogrinfo', ['-ro', '-q', gpkg, '-sql', 'SELECT name, province_code, investor FROM clusters ORDER BY name']);
    expect(all).toContain('Cụm công nghiệp Đồng Vàng');
    expect(all).toContain('Công ty Hạ tầng A');
    expect(all).toContain('Cụm công nghiệp Khắc Niệm');
    expect(all).not.toContain('Bản Nháp');
  });

  it('ogr2ogr honours a spatial filter (bbox) through the API', async () => {
    const gpkg = path.join(dir, `clusters-bbox-${t.driver}.gpkg`);
    await gdal('ogr2ogr', ['-f', 'GPKG', '-spat', '105.9', '21.0', '106.2', '21.3', gpkg, `OAPIF:${t.server.baseUrl}/ogc`, 'clusters']);
    const summary = await gdal('ogrinfo', ['-ro', '-so', gpkg, 'clusters']);
    expect(summary).toMatch(/Feature Count: 1\b/);
  });

  /** The outer ring of a published cluster as stored (full precision). */
  async function storedRing(id: string): Promise<number[][]> {
    const r = await t.server.db.query<{ g: string }>(
      `SELECT ST_AsGeoJSON(v.geom, 15) AS g FROM clusters c JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.published_version WHERE c.id = $1`,
      [id],
    );
    return JSON.parse(r.rows[0]!.g).coordinates[0][0];
  }

  it('reads the clusters in VN-2000 zone 104°45′ (EPSG:9208); the coordinates agree with cs2cs to 1 cm', async () => {
    const out = path.join(dir, `clusters-9208-${t.driver}.geojson`);
    const crs = 'http://www.opengis.net/def/crs/EPSG/0/9208';
    // GDAL ≥ 3.7 asks for the CRS itself (Part 2); 3.6 passes the crs parameter on from the dataset URL and is told the SRS
    const args = gdalHasOapifCrs
      ? ['-f', 'GeoJSON', '-lco', 'RFC7946=NO', '-lco', 'COORDINATE_PRECISION=4', out, `OAPIF:${t.server.baseUrl}/ogc`, 'clusters', '-oo', 'CRS=EPSG:9208']
      : ['-f', 'GeoJSON', '-lco', 'COORDINATE_PRECISION=4', '-a_srs', 'EPSG:9208', out, `OAPIF:${t.server.baseUrl}/ogc?crs=${encodeURIComponent(crs)}`, 'clusters'];
    const { urls } = await gdalRequests('ogr2ogr', args);
    expect(urls.some((u) => u.includes('/items') && u.includes(`crs=${crs}`)), urls.join('\n')).toBe(true);
    const written = JSON.parse(await readFile(out, 'utf8'));
    expect(written.crs.properties.name).toMatch(/EPSG.*9208/);
    const f = written.features.find((x: any) => x.properties.name === 'Cụm công nghiệp Đồng Vàng');
    const got: number[][] = f.geometry.coordinates[0][0];
    const expected = cs2cs(await storedRing(dongVang), 9208);
    expect(got).toHaveLength(expected.length);
    for (let i = 0; i < got.length; i++) expect(Math.hypot(got[i]![0]! - expected[i]![0]!, got[i]![1]! - expected[i]![1]!)).toBeLessThan(0.01);
    // metres of a TM zone, not degrees
    expect(got[0]![0]).toBeGreaterThan(100_000);
  });

  it('applies a CQL2 filter: GDAL sends its WHERE to the server as filter= and gets only the matches', async () => {
    const out = path.join(dir, `clusters-filter-${t.driver}.gpkg`);
    const { urls } = await gdalRequests('ogr2ogr', ['-f', 'GPKG', out, `OAPIF:${t.server.baseUrl}/ogc`, 'clusters', '-where', "status = 'operating' AND code LIKE '24-%'"]);
    const filtered = urls.filter((u) => u.includes('/collections/clusters/items') && /[?&]filter=/.test(u));
    expect(filtered.length, urls.join('\n')).toBeGreaterThan(0);
    expect(filtered[0]).toMatch(/filter-lang=(cql2-text|cql-text)/);
    expect(filtered[0]).toContain("status = 'operating'");
    const summary = await gdal('ogrinfo', ['-ro', '-so', out, 'clusters']);
    expect(summary).toMatch(/Feature Count: 1\b/);
    const all = await gdal('ogrinfo', ['-ro', '-q', out, '-sql', 'SELECT name FROM clusters']);
    expect(all).toContain('Cụm công nghiệp Khắc Niệm');
  });
});
