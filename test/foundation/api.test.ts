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

  it('GET /api/provinces defaults to the 34 units of 2025, each saying its era; ?era=2009 gives the 63 provinces', async () => {
    const res = await t.server.client().get('/api/provinces');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/geo\+json/);
    expect(res.body.type).toBe('FeatureCollection');
    expect(res.body.era).toBe('2025');
    expect(res.body.features).toHaveLength(34);
    expect(res.body.features.every((f: any) => f.properties.era === '2025')).toBe(true);
    const laoCai = res.body.features.find((f: any) => f.properties.code === '15');
    expect(laoCai.properties).toMatchObject({ code: '15', era: '2025', name: 'Tỉnh Lào Cai', commune_count: 99 });
    expect([...laoCai.properties.merged_from].sort()).toEqual(['10', '15']);
    const old = await t.server.client().get('/api/provinces?era=2009');
    expect(old.body.era).toBe('2009');
    expect(old.body.features).toHaveLength(63);
    expect(old.body.features.every((f: any) => f.properties.era === '2009')).toBe(true);
    const oldLaoCai = old.body.features.find((f: any) => f.properties.code === '10');
    expect(oldLaoCai.properties).toMatchObject({ code: '10', era: '2009', name: 'Tỉnh Lào Cai', region: 'trung-du-mien-nui-phia-bac', unit_2025: '15' });
    expect(oldLaoCai.geometry.type).toBe('MultiPolygon');
  });

  it('the era trap: the same two-digit code names different territory in each era, and every answer says which', async () => {
    const c = t.server.client();
    for (const [code, now, then] of [['15', 'Tỉnh Lào Cai', 'Tỉnh Yên Bái'], ['24', 'Tỉnh Bắc Ninh', 'Tỉnh Bắc Giang']]) {
      const current = await c.get(`/api/provinces/${code}`);
      const explicit = await c.get(`/api/provinces/${code}?era=2025`);
      const old = await c.get(`/api/provinces/${code}?era=2009`);
      expect(current.body.properties).toMatchObject({ code, era: '2025', name: now });
      expect(explicit.body.properties).toMatchObject({ code, era: '2025', name: now });
      expect(old.body.properties).toMatchObject({ code, era: '2009', name: then });
      // the 2025 unit is strictly larger: it contains the old province of the same code and another one
      expect(current.body.properties.area_km2).toBeGreaterThan(old.body.properties.area_km2 + 500);
      expect(old.body.properties.unit_2025).toBe(code);
    }
    // old 10 Lào Cai is no unit of 2025: asked in the current era it is not found, never read as an old code
    expect((await c.get('/api/provinces/10')).status).toBe(404);
    expect((await c.get('/api/provinces/10?era=2009')).body.properties).toMatchObject({ era: '2009', unit_2025: '15' });
    // communes belong to 2025 units, districts to 2009 provinces
    const communes = await c.get('/api/provinces/15/communes');
    expect(communes.body).toMatchObject({ era: '2025', province_code: '15' });
    expect(communes.body.communes).toHaveLength(99);
    expect(communes.body.communes.every((k: any) => /^\d{5}$/.test(k.code) && k.province_code === '15')).toBe(true);
    const districts = await c.get('/api/provinces/15/districts');
    expect(districts.body.every((d: any) => d.era === '2009' && d.province_code_2009 === '15')).toBe(true);
    expect(districts.body.map((d: any) => d.name)).toContain('Thành phố Yên Bái');
    expect((await c.get('/api/provinces/15/districts?era=2025')).body.error.code).toBe('no-districts-in-era');
  });

  it('GET /api/communes?bbox= gives 2025 commune boundaries for the zoomed-in map', async () => {
    const res = await t.server.client().get('/api/communes?bbox=103.9,22.3,104.1,22.5');
    expect(res.status).toBe(200);
    expect(res.body.era).toBe('2025');
    expect(res.body.features.length).toBeGreaterThan(3);
    expect(res.body.features.every((f: any) => /^\d{5}$/.test(f.properties.code) && f.properties.era === '2025')).toBe(true);
    expect(res.body.features.some((f: any) => f.properties.province_code === '15')).toBe(true);
    expect((await t.server.client().get('/api/communes?bbox=100,10,110,20')).body.error.code).toBe('bbox-too-large');
  });

  it('compresses the provinces response when the client accepts gzip', async () => {
    const res = await fetch(`${t.server.baseUrl}/api/provinces`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    await res.arrayBuffer();
  });

  it('GET /api/provinces/:code returns one Feature, for either era', async () => {
    const res = await t.server.client().get('/api/provinces/27?era=2009');
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('Feature');
    expect(res.body.properties).toMatchObject({ code: '27', name: 'Tỉnh Bắc Ninh', region: 'dong-bang-song-hong', vn2000_epsg: 9209 });
    const merged = await t.server.client().get('/api/provinces/24');
    expect(merged.body.properties.name).toBe('Tỉnh Bắc Ninh');
    const old = await t.server.client().get('/api/provinces/24?era=2009');
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
