import { beforeAll, expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';

const LAO_CAI = [103.97, 22.45] as const;
const BAC_NINH = [106.07, 21.18] as const;

describeEachServer('OGC API – Features', (t) => {
  const published: string[] = [];
  let bacNinhId = '';

  beforeAll(async () => {
    const db = t.server.db;
    for (let i = 0; i < 5; i++) {
      const c = await insertCluster(db, {
        name: `Cụm công nghiệp OGC ${i}`,
        province_code_2009: '10',
        status: i < 3 ? 'operating' : 'planned',
        geometry: squareAround(LAO_CAI[0] + i * 0.02, LAO_CAI[1], 600),
      });
      published.push(c.id);
    }
    bacNinhId = (await insertCluster(db, { name: 'Cụm công nghiệp Bắc Ninh OGC', province_code_2009: '27', geometry: squareAround(BAC_NINH[0], BAC_NINH[1], 800) })).id;
    published.push(bacNinhId);
    await insertCluster(db, { name: 'Cụm công nghiệp Nháp', province_code_2009: '10', review_state: 'draft', geometry: squareAround(104.1, 22.5, 500) });
    await insertCluster(db, { name: 'Cụm công nghiệp Chờ duyệt', province_code_2009: '10', review_state: 'submitted', geometry: squareAround(104.2, 22.5, 500) });
  });

  it('landing page links to the API definition, conformance and collections with rel, type and title', async () => {
    const res = await t.server.client().get('/ogc');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const byRel = (rel: string) => res.body.links.find((l: { rel: string }) => l.rel === rel);
    for (const rel of ['self', 'service-desc', 'conformance', 'data', 'http://www.opengis.net/def/rel/ogc/1.0/conformance']) {
      expect(byRel(rel), rel).toBeDefined();
      expect(byRel(rel).type).toBeTruthy();
      expect(byRel(rel).title).toBeTruthy();
    }
    expect(byRel('service-desc').type).toBe('application/vnd.oai.openapi+json;version=3.0');
    expect(byRel('data').href).toBe(`${t.server.baseUrl}/ogc/collections`);
    const html = await t.server.client().get('/ogc?f=html');
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.text).toContain('/ogc/collections');
    // browsers asking for HTML get HTML without f=
    const negotiated = await t.server.client().get('/ogc/collections', { accept: 'text/html,application/xhtml+xml' });
    expect(negotiated.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('declares the Core, GeoJSON, HTML and OpenAPI 3.0 conformance classes', async () => {
    const res = await t.server.client().get('/ogc/conformance');
    expect(res.body.conformsTo).toEqual(
      expect.arrayContaining([
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
      ]),
    );
  });

  it('serves an OpenAPI 3 document with the items paths and the limit maximum', async () => {
    const res = await t.server.client().get('/ogc/api');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.oai\.openapi\+json;\s*version=3\.0/);
    const doc = JSON.parse(res.text);
    expect(doc.openapi).toMatch(/^3\.0/);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/', '/conformance', '/collections', '/collections/clusters/items', '/collections/clusters/items/{featureId}']));
    expect(doc.components.parameters.limit.schema).toMatchObject({ minimum: 1, maximum: 10000, default: 100 });
    const params = doc.paths['/collections/clusters/items'].get.parameters.map((p: { name?: string; $ref?: string }) => p.name ?? p.$ref);
    expect(params).toEqual(expect.arrayContaining(['province', 'status', '#/components/parameters/bbox']));
  });

  it('lists the five collections with extents and item links', async () => {
    const res = await t.server.client().get('/ogc/collections');
    expect(res.status).toBe(200);
    const ids = res.body.collections.map((c: { id: string }) => c.id);
    expect(ids).toEqual(['clusters', 'plan-items', 'provinces', 'regions', 'residential-zones']);
    for (const c of res.body.collections) {
      expect(c.extent.spatial.bbox[0]).toHaveLength(4);
      const items = c.links.find((l: { rel: string; type: string }) => l.rel === 'items' && l.type === 'application/geo+json');
      expect(items.href).toBe(`${t.server.baseUrl}/ogc/collections/${c.id}/items`);
    }
    const one = await t.server.client().get('/ogc/collections/clusters');
    expect(one.body.id).toBe('clusters');
    const missing = await t.server.client().get('/ogc/collections/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'NotFound' });
    expect(typeof missing.body.description).toBe('string');
  });

  it('returns only published clusters with numberMatched/numberReturned and GeoJSON media type', async () => {
    const res = await t.server.client().get('/ogc/collections/clusters/items');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    expect(res.body.type).toBe('FeatureCollection');
    expect(res.body.numberMatched).toBe(published.length);
    expect(res.body.numberReturned).toBe(published.length);
    expect(res.body.features.map((f: { id: string }) => f.id).sort()).toEqual([...published].sort());
    const names = res.body.features.map((f: { properties: { name: string } }) => f.properties.name);
    expect(names).not.toContain('Cụm công nghiệp Nháp');
    expect(names).not.toContain('Cụm công nghiệp Chờ duyệt');
    const f = res.body.features[0];
    expect(f.geometry.type).toBe('MultiPolygon');
    expect(f.properties).toHaveProperty('area_ha');
    expect(f.properties.version).toBe(1);
  });

  it('pages with limit/offset and next/prev links that a client can follow', async () => {
    const c = t.server.client();
    const first = await c.get('/ogc/collections/clusters/items?limit=4');
    expect(first.body.numberReturned).toBe(4);
    expect(first.body.numberMatched).toBe(published.length);
    const next = first.body.links.find((l: { rel: string }) => l.rel === 'next');
    expect(first.body.links.find((l: { rel: string }) => l.rel === 'prev')).toBeUndefined();
    expect(next.type).toBe('application/geo+json');
    const second = await c.get(next.href.replace(t.server.baseUrl, ''));
    expect(second.body.numberReturned).toBe(published.length - 4);
    expect(second.body.links.find((l: { rel: string }) => l.rel === 'next')).toBeUndefined();
    const prev = second.body.links.find((l: { rel: string }) => l.rel === 'prev');
    expect(new URL(prev.href).searchParams.get('offset')).toBe('0');
    const all = [...first.body.features, ...second.body.features].map((f: { id: string }) => f.id);
    expect(new Set(all).size).toBe(published.length);
    // paging links keep the filters
    const filtered = await c.get('/ogc/collections/clusters/items?limit=1&province=15');
    const nextFiltered = filtered.body.links.find((l: { rel: string }) => l.rel === 'next');
    expect(new URL(nextFiltered.href).searchParams.get('province')).toBe('15');
  });

  it('validates limit: default 100, more than 10,000 is clamped, 0 or text is a 400', async () => {
    const c = t.server.client();
    const provinces = await c.get('/ogc/collections/provinces/items');
    expect(provinces.body.numberMatched).toBe(63);
    expect(provinces.body.numberReturned).toBe(63);
    const big = await c.get('/ogc/collections/clusters/items?limit=50000');
    expect(big.status).toBe(200);
    expect(new URL(big.body.links.find((l: { rel: string }) => l.rel === 'self').href).searchParams.get('limit')).toBe('10000');
    for (const bad of ['0', '-1', 'ten', '1.5']) {
      const res = await c.get(`/ogc/collections/clusters/items?limit=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.code).toBe('InvalidParameterValue');
    }
    const unknown = await c.get('/ogc/collections/clusters/items?colour=red');
    expect(unknown.status).toBe(400);
  });

  it('filters by bbox and properties', async () => {
    const c = t.server.client();
    const bn = await c.get('/ogc/collections/clusters/items?bbox=105.9,21.0,106.2,21.3');
    expect(bn.body.features.map((f: { id: string }) => f.id)).toEqual([bacNinhId]);
    const operating = await c.get('/ogc/collections/clusters/items?province=15&status=operating');
    expect(operating.body.numberMatched).toBe(3);
    expect(operating.body.features.every((f: { properties: { province_code: string; province_code_2009: string; status: string } }) => f.properties.province_code === '15' && f.properties.province_code_2009 === '10' && f.properties.status === 'operating')).toBe(true);
    // the old division by name: province_2009
    expect((await c.get('/ogc/collections/clusters/items?province_2009=10&status=operating')).body.numberMatched).toBe(3);
    expect((await c.get('/ogc/collections/clusters/items?province_2009=15&status=operating')).body.numberMatched).toBe(0);
    const none = await c.get('/ogc/collections/clusters/items?bbox=100,10,100.1,10.1');
    expect(none.body.numberMatched).toBe(0);
    expect(none.body.features).toEqual([]);
    const regions = await c.get('/ogc/collections/regions/items?bbox=106.0,21.1,106.1,21.2');
    expect(regions.body.features.map((f: { id: string }) => f.id)).toEqual(['dong-bang-song-hong']);
    const allRegions = await c.get('/ogc/collections/regions/items');
    expect(allRegions.body.numberMatched).toBe(6);
  });

  it('rejects a bad bbox with 400 and an OGC exception body', async () => {
    for (const bbox of ['1,2,3', 'a,b,c,d', '106,22,105,21', '106,22,107,21', '-200,0,0,10']) {
      const res = await t.server.client().get(`/ogc/collections/clusters/items?bbox=${bbox}`);
      expect(res.status, bbox).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/json/);
      expect(res.body.code).toBe('InvalidParameterValue');
      expect(res.body.description).toMatch(/bbox/);
      expect(res.body).not.toHaveProperty('error');
    }
  });

  it('returns one feature by id and a 404 OGC exception for an unknown id', async () => {
    const c = t.server.client();
    const ok = await c.get(`/ogc/collections/clusters/items/${bacNinhId}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    expect(ok.body.id).toBe(bacNinhId);
    expect(ok.body.properties.name).toBe('Cụm công nghiệp Bắc Ninh OGC');
    expect(ok.body.links.map((l: { rel: string }) => l.rel)).toEqual(expect.arrayContaining(['self', 'collection']));
    for (const fid of ['00000000-0000-0000-0000-000000000000', 'not-a-uuid']) {
      const missing = await c.get(`/ogc/collections/clusters/items/${fid}`);
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('NotFound');
    }
    const province = await c.get('/ogc/collections/provinces/items/27');
    expect(province.body.properties.name).toMatch(/Bắc Ninh/);
    const region = await c.get('/ogc/collections/regions/items/dong-bang-song-hong');
    expect(region.body.properties.province_codes).toContain('27');
    const html = await c.get(`/ogc/collections/clusters/items/${bacNinhId}?f=html`);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.text).toContain('Cụm công nghiệp Bắc Ninh OGC');
  });

  it('renders the items page as HTML with f=html and rejects an unknown f', async () => {
    const res = await t.server.client().get('/ogc/collections/clusters/items?f=html&province=24');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain('Cụm công nghiệp Bắc Ninh OGC');
    expect(res.text).not.toContain('Cụm công nghiệp OGC 0');
    const bad = await t.server.client().get('/ogc/collections/clusters/items?f=xml');
    expect(bad.status).toBe(400);
  });
});
