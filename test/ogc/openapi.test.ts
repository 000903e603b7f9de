/**
 * The OGC API document is valid OpenAPI 3.0 (@apidevtools/swagger-parser) and agrees with what the server does:
 * every link resolves with its advertised type, every documented parameter is accepted, numberMatched counts what
 * paging returns.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { beforeAll, expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';

describeEachServer('OGC API document', (t) => {
  beforeAll(async () => {
    for (let i = 0; i < 7; i++) {
      await insertCluster(t.server.db, { name: `Cụm công nghiệp Tài liệu ${i}`, province_code_2009: i < 4 ? '10' : '27', status: i % 2 ? 'planned' : 'operating', geometry: squareAround(104 + i * 0.05, 22.3, 500) });
    }
  });

  const path = (href: string) => {
    const u = new URL(href);
    return u.pathname + u.search;
  };

  it('passes the OpenAPI 3.0 validator', async () => {
    const res = await t.server.client().get('/ogc/api');
    const doc = JSON.parse(res.text);
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeTruthy();
    // a broken document is caught: the validator is really validating
    const broken = structuredClone(doc);
    broken.paths['/collections/clusters/items'].get.parameters.push({ name: 'x', in: 'nowhere' });
    await expect(SwaggerParser.validate(broken)).rejects.toThrow();
  });

  it('documents the Part 2 and Part 3 parameters and the queryables paths', async () => {
    const doc = JSON.parse((await t.server.client().get('/ogc/api')).text);
    const params = doc.paths['/collections/clusters/items'].get.parameters.map((p: { $ref?: string; name?: string }) => p.$ref?.split('/').pop() ?? p.name);
    expect(params).toEqual(expect.arrayContaining(['crs', 'bbox-crs', 'filter', 'filter-lang', 'filter-crs', 'sortby', 'properties', 'datetime', 'province']));
    expect(doc.components.parameters['filter-lang'].schema.enum).toEqual(expect.arrayContaining(['cql2-text', 'cql2-json']));
    expect(doc.components.parameters.crs.schema.enum).toContain('http://www.opengis.net/def/crs/EPSG/0/9208');
    for (const id of ['clusters', 'plan-items', 'provinces', 'regions', 'residential-zones']) expect(doc.paths[`/collections/${id}/queryables`], id).toBeDefined();
  });

  it('every documented path answers, and every documented parameter is accepted', { timeout: 180_000 }, async () => {
    const c = t.server.client();
    const doc = JSON.parse((await c.get('/ogc/api')).text);
    const samples: Record<string, string> = {
      bbox: '100,8,110,24', 'bbox-crs': 'http://www.opengis.net/def/crs/OGC/1.3/CRS84', limit: '2', offset: '0', datetime: '2000-01-01/..',
      crs: 'http://www.opengis.net/def/crs/EPSG/0/3405', filter: 'TRUE', 'filter-lang': 'cql2-text', 'filter-crs': 'http://www.opengis.net/def/crs/OGC/1.3/CRS84',
      sortby: '-name', properties: 'name', f: 'json',
    };
    for (const [p, item] of Object.entries<any>(doc.paths)) {
      if (p.includes('{')) continue;
      const res = await c.get(`/ogc${p === '/' ? '' : p}`);
      expect(res.status, p).toBe(200);
      // parameters are shared by every items path (components): check them on a large and on the in-memory collection
      if (p !== '/collections/clusters/items' && p !== '/collections/regions/items') continue;
      for (const param of item.get.parameters) {
        const def = param.$ref ? doc.components.parameters[param.$ref.split('/').pop()] : param;
        const value = samples[def.name] ?? (def.name === 'province' ? '15' : 'x');
        const extra = def.name === 'bbox-crs' ? `&bbox=${samples.bbox}` : def.name.startsWith('filter-') ? '&filter=TRUE' : '';
        const r = await c.get(`/ogc${p}?${def.name}=${encodeURIComponent(value)}${extra}`);
        expect(r.status, `${p} ${def.name}`).toBe(200);
      }
      expect((await c.get(`/ogc${p}?undocumented=1`)).status).toBe(400);
    }
  });

  it('every link of the landing page, the collections and a page resolves with the advertised media type', async () => {
    const c = t.server.client();
    const landing = await c.get('/ogc');
    const collections = await c.get('/ogc/collections');
    const page = await c.get('/ogc/collections/clusters/items?limit=2&crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F9208');
    const links = [...landing.body.links, ...collections.body.links, ...collections.body.collections.flatMap((x: any) => x.links), ...page.body.links];
    for (const link of links) {
      if (!link.href.startsWith(t.server.baseUrl)) continue;
      const res = await c.get(path(link.href));
      expect(res.status, link.href).toBe(200);
      expect(res.headers.get('content-type')?.split(';')[0], link.href).toBe(link.type.split(';')[0]);
    }
  });

  it('numberMatched is what paging through the pages returns, filtered or not', async () => {
    const c = t.server.client();
    for (const query of ['limit=3', `limit=2&filter=${encodeURIComponent("province_code = '15'")}`, `limit=2&filter=${encodeURIComponent("status = 'planned'")}&sortby=-name`]) {
      let res = await c.get(`/ogc/collections/clusters/items?${query}`);
      const matched = res.body.numberMatched;
      const seen: string[] = res.body.features.map((f: any) => f.id);
      for (;;) {
        const next = res.body.links.find((l: any) => l.rel === 'next');
        if (!next) break;
        res = await c.get(path(next.href));
        expect(res.body.numberMatched).toBe(matched);
        seen.push(...res.body.features.map((f: any) => f.id));
      }
      expect(new Set(seen).size, query).toBe(seen.length);
      expect(seen.length, query).toBe(matched);
    }
  });
});
