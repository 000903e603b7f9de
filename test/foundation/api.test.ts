import { it, expect } from 'vitest';
import { describeEachServer } from '../support/server.ts';

describeEachServer('foundation API', (t) => {
  it('GET /api/health reports the driver and PostGIS capabilities', async () => {
    const res = await t.server.client().get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.db.driver).toBe(t.driver);
    expect(res.body.db.postgis).toMatch(/^3\.\d+/);
    // the embedded build has no protobuf, so no ST_AsMVT; Debian's PostGIS has it
    expect(res.body.db.mvt).toBe(t.driver === 'native');
  });

  it('GET /api/regions lists the 6 regions with their province codes', async () => {
    const res = await t.server.client().get('/api/regions');
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(6);
    const all = res.body.flatMap((r: any) => r.province_codes);
    expect(new Set(all).size).toBe(63);
    expect(res.body.find((r: any) => r.code === 'tay-nguyen').province_codes).toEqual(['62', '64', '66', '67', '68']);
  });

  it('GET /api/provinces defaults to the 63 provinces of 2009', async () => {
    const res = await t.server.client().get('/api/provinces');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/geo\+json/);
    expect(res.body.type).toBe('FeatureCollection');
    expect(res.body.features).toHaveLength(63);
    const laoCai = res.body.features.find((f: any) => f.properties.code === '10');
    expect(laoCai.properties).toMatchObject({ code: '10', name: 'Tỉnh Lào Cai', region: 'trung-du-mien-nui-phia-bac' });
    expect(laoCai.geometry.type).toBe('MultiPolygon');
  });

  it('GET /api/provinces?era=2025 gives the 34 units with merged_from', async () => {
    const res = await t.server.client().get('/api/provinces?era=2025');
    expect(res.status).toBe(200);
    expect(res.body.features).toHaveLength(34);
    const bacNinh = res.body.features.find((f: any) => f.properties.code === '24');
    expect(bacNinh.properties.name).toBe('Tỉnh Bắc Ninh');
    expect([...bacNinh.properties.merged_from].sort()).toEqual(['24', '27']);
    // a unit spanning two regions has no single region
    expect(bacNinh.properties.region).toBeNull();
    const hanoi = res.body.features.find((f: any) => f.properties.code === '01');
    expect(hanoi.properties.region).toBe('dong-bang-song-hong');
  });

  it('compresses the provinces response when the client accepts gzip', async () => {
    const res = await fetch(`${t.server.baseUrl}/api/provinces`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    await res.arrayBuffer();
  });

  it('GET /api/provinces/:code returns one Feature, for either era', async () => {
    const res = await t.server.client().get('/api/provinces/27');
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('Feature');
    expect(res.body.properties).toMatchObject({ code: '27', name: 'Tỉnh Bắc Ninh', region: 'dong-bang-song-hong', vn2000_epsg: 9209 });
    const merged = await t.server.client().get('/api/provinces/24?era=2025');
    expect(merged.body.properties.name).toBe('Tỉnh Bắc Ninh');
    const old = await t.server.client().get('/api/provinces/24');
    expect(old.body.properties.name).toBe('Tỉnh Bắc Giang');
  });

  it('answers bad input with JSON errors and the right status', async () => {
    const client = t.server.client();
    for (const path of ['/api/provinces/99', '/api/provinces/abc', '/api/provinces/10?era=2025']) {
      const res = await client.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('province-not-found');
      expect(typeof res.body.error.message).toBe('string');
    }
    for (const path of ['/api/provinces?era=2030', '/api/provinces/01?era=x']) {
      const res = await client.get(path);
      expect(res.status, path).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid-era' });
    }
    const unknown = await client.get('/api/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('route-not-found');
  });

  it('never leaks a stack trace', async () => {
    const res = await t.server.client().request('POST', '/api/nothing', { raw: '{"broken', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed-json');
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
  });
});
