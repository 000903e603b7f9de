/**
 * GDAL (Debian's ogrinfo/ogr2ogr, OAPIF driver) as a real OGC API – Features client against the running server.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
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

async function gdal(cmd: string, args: string[]): Promise<string> {
  const { stdout } = await run(cmd, args, { env, timeout: 90_000, maxBuffer: 20 * 1024 * 1024 });
  return stdout;
}

if (!hasGdal) {
  describe.skip('GDAL OAPIF client — skipped: ogrinfo is not installed', () => {
    it('needs gdal-bin', () => undefined);
  });
}

(hasGdal ? describeEachServer : () => undefined)('GDAL OAPIF client', (t) => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ogc-gdal-'));
    const db = t.server.db;
    await insertCluster(db, { name: 'Cụm công nghiệp Đồng Vàng', province_code: '10', status: 'operating', geometry: squareAround(103.98, 22.45, 700), properties: { investor: 'Công ty Hạ tầng A', industrial_land_ha: 40, leased_ha: 10 } });
    await insertCluster(db, { name: 'Cụm công nghiệp Bắc Lệnh', province_code: '10', status: 'planned', geometry: squareAround(104.02, 22.47, 500) });
    await insertCluster(db, { name: 'Cụm công nghiệp Khắc Niệm', province_code: '27', status: 'operating', geometry: squareAround(106.07, 21.18, 900) });
    await insertCluster(db, { name: 'Cụm công nghiệp Bản Nháp', province_code: '10', review_state: 'draft', geometry: squareAround(104.1, 22.5, 500) });
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
});
