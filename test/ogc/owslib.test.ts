/**
 * OWSLib (Debian's python3-owslib) as a second OGC API – Features client: conformance, a VN-2000 response (Part 2)
 * and a CQL2 filter with queryables (Part 3).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const hasOwslib = existsSync(PYTHON) && (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import owslib.ogcapi.features'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasOwslib) console.warn('SKIPPED: the OWSLib client test needs python3-owslib (Debian: apt-get install python3-owslib)');

const SCRIPT = `
import json, sys
from owslib.ogcapi.features import Features
api = Features(sys.argv[1])
crs = 'http://www.opengis.net/def/crs/EPSG/0/9208'
vn = api.collection_items('clusters', crs=crs, limit=100)
flt = api.collection_items('clusters', filter="status = 'operating' AND area_ha > 30", **{'filter-lang': 'cql2-text'})
print(json.dumps({
  'conformance': api.conformance()['conformsTo'],
  'crs': api.collection('clusters')['crs'],
  'queryables': sorted(api.collection_queryables('clusters')['properties'].keys()),
  'vn': [[f['properties']['name'], f['geometry']['coordinates'][0][0][0]] for f in vn['features']],
  'filtered': sorted(f['properties']['name'] for f in flt['features']),
  'matched': flt['numberMatched'],
}))
`;

if (!hasOwslib) describe.skip('OWSLib client — skipped: python3-owslib is not installed', () => it('needs python3-owslib', () => undefined));

(hasOwslib ? describeEachServer : () => undefined)('OWSLib OGC API – Features client', (t) => {
  beforeAll(async () => {
    const db = t.server.db;
    await insertCluster(db, { name: 'Cụm công nghiệp Cốc San', province_code_2009: '10', status: 'operating', geometry: squareAround(103.95, 22.5, 800) });
    await insertCluster(db, { name: 'Cụm công nghiệp Bảo Thắng', province_code_2009: '10', status: 'operating', geometry: squareAround(104.0, 22.35, 300) });
    await insertCluster(db, { name: 'Cụm công nghiệp Văn Bàn', province_code_2009: '10', status: 'planned', geometry: squareAround(104.1, 22.1, 900) });
  });

  it('reads conformance, VN-2000 coordinates and a CQL2-filtered page', async () => {
    const env = { ...process.env, http_proxy: '', https_proxy: '', HTTP_PROXY: '', HTTPS_PROXY: '', NO_PROXY: '*', PYTHONIOENCODING: 'utf-8' };
    const { stdout } = await run(PYTHON, ['-c', SCRIPT, `${t.server.baseUrl}/ogc/`], { env, timeout: 60_000 });
    const out = JSON.parse(stdout);
    expect(out.conformance).toContain('http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs');
    expect(out.conformance).toContain('http://www.opengis.net/spec/cql2/1.0/conf/cql2-text');
    expect(out.crs).toContain('http://www.opengis.net/def/crs/EPSG/0/9208');
    expect(out.queryables).toEqual(expect.arrayContaining(['geometry', 'status', 'area_ha', 'name']));
    // easting/northing of zone 104°45′ for Lào Cai: ~400 km east, ~2 470 km north
    for (const [, [e, n]] of out.vn) {
      expect(e).toBeGreaterThan(380_000);
      expect(e).toBeLessThan(450_000);
      expect(n).toBeGreaterThan(2_440_000);
      expect(n).toBeLessThan(2_500_000);
    }
    expect(out.filtered).toEqual(['Cụm công nghiệp Cốc San']);
    expect(out.matched).toBe(1);
  });
});
