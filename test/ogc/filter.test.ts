/**
 * OGC API – Features Part 3 (filtering) with CQL2 text and JSON, queryables, sortby and properties; and a hostile
 * filter corpus that must answer 400 — never 500, never anything evaluated or matched.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import { parseCql2Text } from '../../server/ogc/filter/cql2-text.ts';
import { parseCql2Json } from '../../server/ogc/filter/cql2-json.ts';
import { compileFilter } from '../../server/ogc/filter/compile.ts';
import { catalog, filterTarget } from '../../server/public-data/layers.ts';

const EPSG = (n: number) => `http://www.opengis.net/def/crs/EPSG/0/${n}`;

describe('CQL2 parsing and compiling (pure)', () => {
  it('text and JSON give the same AST', () => {
    expect(parseCql2Text("status = 'operating' AND (area_ha > 20 OR NOT name LIKE 'Cụm%')")).toEqual(
      parseCql2Json(JSON.stringify({ op: 'and', args: [{ op: '=', args: [{ property: 'status' }, 'operating'] }, { op: 'or', args: [{ op: '>', args: [{ property: 'area_ha' }, 20] }, { op: 'not', args: [{ op: 'like', args: [{ property: 'name' }, 'Cụm%'] }] }] }] })),
    );
    expect(parseCql2Text('S_INTERSECTS(geometry, POINT(104.1 22.4))')).toEqual(
      parseCql2Json('{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Point","coordinates":[104.1,22.4]}]}'),
    );
    expect(parseCql2Text("decision_date >= DATE('2020-01-01')")).toEqual(parseCql2Json('{"op":">=","args":[{"property":"decision_date"},{"date":"2020-01-01"}]}'));
    expect(parseCql2Text('S_INTERSECTS(geometry, BBOX(104, 22, 105, 23))')).toEqual(parseCql2Json('{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[104,22,105,23]}]}'));
  });

  it('compiles to parameterised SQL: values never appear in the SQL text', async () => {
    const params: unknown[] = [];
    const clusters = { queryables: [{ name: 'name', type: 'string' as const, expr: 't.name', title: 'n' }], spatial: (g: string) => `ST_Intersects(t.geom, ${g})` };
    const sql = compileFilter(parseCql2Text("name = 'x''; DROP TABLE clusters; --' OR name IN ('a', 'b')"), clusters, params);
    expect(sql).toBe('((t.name = $1::text) OR (t.name = ANY($2::text[])))');
    expect(params).toEqual(["x'; DROP TABLE clusters; --", ['a', 'b']]);
    expect(sql).not.toContain('DROP');
  });

  it('every SQL layer has queryables with static expressions', async () => {
    const c = await catalog({ query: async () => ({ rows: [{ residential: true, planItems: true }], rowCount: 1 }) } as never);
    for (const layer of c.layers.values()) {
      const t = filterTarget(layer);
      expect(t.queryables.length, layer.id).toBeGreaterThan(3);
      for (const q of t.queryables) expect(q.expr).not.toMatch(/\$\d/);
    }
  });
});

/** Each must answer 400 with an OGC exception, never 500, never a feature. */
const HOSTILE: Array<[string, string, string?]> = [
  ['unknown property', "secret_column = 'x'"],
  ['property named like SQL', "\"name; DROP TABLE clusters\" = 'x'"],
  ['property with a subquery', "(SELECT 1) = 1"],
  ['unknown function', "upper(name) = 'X'"],
  ['function as a value', "name = pg_sleep(5)"],
  ['GeoServer-style evaluated property', "exec(java.lang.Runtime.getRuntime()) = 1"],
  ['SQL comment in a bare word', "name = 'a' --"],
  ['SQL in a literal compared to a number', "area_ha = '1; DROP TABLE clusters'"],
  ['deep nesting', `${'('.repeat(60)}name = 'a'${')'.repeat(60)}`],
  ['deep NOT chain', `${'NOT '.repeat(60)}name = 'a'`],
  ['too many terms', Array.from({ length: 150 }, (_, i) => `name = 'n${i}'`).join(' OR ')],
  ['huge string literal', `name = '${'A'.repeat(5000)}'`],
  ['huge filter', `name IN (${Array.from({ length: 900 }, (_, i) => `'${i}'`).join(',')})`],
  ['huge number', 'area_ha > 1e400'],
  ['huge geometry (positions)', `S_INTERSECTS(geometry, LINESTRING(${Array.from({ length: 1100 }, (_, i) => `${i % 10} ${i % 7}`).join(',')}))`],
  ['huge filter (length)', `"${'x'.repeat(9000)}" = 'a'`],
  ['unterminated string', "name = 'abc"],
  ['unbalanced parentheses', "(name = 'a'"],
  ['trailing garbage', "name = 'a' name"],
  ['empty', ' '],
  ['type mismatch', "area_ha > 'big'"],
  ['bad date', "decision_date = DATE('2024-02-30')"],
  ['LIKE escape at the end', "name LIKE 'abc\\'"],
  ['open polygon ring', 'S_INTERSECTS(geometry, POLYGON((104 22, 105 22, 105 23)))'],
  ['property compared with property', 'name = code'],
  ['unsupported spatial function', 'S_CONTAINS(geometry, POINT(104 22))'],
  ['geometry outside S_INTERSECTS', 'geometry = POINT(104 22)'],
  ['json: unknown operator', '{"op":"sql","args":["DROP TABLE clusters"]}', 'cql2-json'],
  ['json: unknown property', '{"op":"=","args":[{"property":"password_hash"},"x"]}', 'cql2-json'],
  ['json: function', '{"op":"=","args":[{"op":"upper","args":[{"property":"name"}]},"X"]}', 'cql2-json'],
  ['json: deep nesting', `${'{"op":"not","args":['.repeat(40)}true${']}'.repeat(40)}`, 'cql2-json'],
  ['json: not JSON', "status = 'operating'", 'cql2-json'],
  ['json: prototype pollution', '{"op":"=","args":[{"property":"__proto__"},"x"]}', 'cql2-json'],
  ['json: bad geometry', '{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Polygon","coordinates":[[[1,"a"]]]}]}', 'cql2-json'],
  ['unknown filter-lang', "name = 'a'", 'sql'],
];

describeEachServer('OGC API – Features Part 3 (filtering)', (t) => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const db = t.server.db;
    const add = async (key: string, f: Parameters<typeof insertCluster>[1]) => (ids[key] = (await insertCluster(db, f)).id);
    await add('dong', { name: 'Cụm công nghiệp Đông Phố Mới', province_code_2009: '10', status: 'operating', geometry: squareAround(103.98, 22.45, 800), properties: { investor: 'Công ty A', decision_date: '2019-05-10', craft_village: false, tenants: 12 } });
    await add('bac', { name: 'Cụm công nghiệp Bắc Duyên Hải', province_code_2009: '10', status: 'planned', geometry: squareAround(104.05, 22.48, 400), properties: { decision_date: null, craft_village: true } });
    await add('que', { name: 'Cụm công nghiệp Quế Võ', province_code_2009: '27', status: 'operating', geometry: squareAround(106.15, 21.15, 1000), properties: { decision_date: '2012-01-20', tenants: 40 } });
    await insertCluster(db, { name: 'Cụm công nghiệp Nháp Lọc', province_code_2009: '10', review_state: 'draft', status: 'operating', geometry: squareAround(104.0, 22.46, 500) });
  });

  const get = (path: string) => t.server.client().get(path);
  const items = (params: Record<string, string>) => get(`/ogc/collections/clusters/items?${new URLSearchParams(params)}`);
  const idsOf = (res: { body: any }) => res.body.features.map((f: any) => f.id).sort();

  it('declares the Part 3 and CQL2 classes and links the queryables (JSON Schema)', async () => {
    const conf = await get('/ogc/conformance');
    for (const c of ['ogcapi-features-3/1.0/conf/filter', 'ogcapi-features-3/1.0/conf/features-filter', 'ogcapi-features-3/1.0/conf/queryables', 'cql2/1.0/conf/cql2-text', 'cql2/1.0/conf/cql2-json', 'cql2/1.0/conf/basic-cql2', 'cql2/1.0/conf/basic-spatial-functions']) {
      expect(conf.body.conformsTo).toContain(`http://www.opengis.net/spec/${c}`);
    }
    const col = await get('/ogc/collections/clusters');
    const link = col.body.links.find((l: any) => l.rel === 'http://www.opengis.net/def/rel/ogc/1.0/queryables');
    expect(link.type).toBe('application/schema+json');
    const q = await get(new URL(link.href).pathname);
    expect(q.status).toBe(200);
    expect(q.headers.get('content-type')).toMatch(/^application\/schema\+json/);
    expect(q.body).toMatchObject({ $schema: 'https://json-schema.org/draft/2019-09/schema', type: 'object', additionalProperties: false });
    expect(q.body.properties.geometry.format).toBe('geometry-any');
    expect(q.body.properties.status).toMatchObject({ type: 'string', enum: expect.arrayContaining(['operating', 'planned']) });
    expect(q.body.properties.area_ha.type).toBe('number');
    expect(q.body.properties.tenants.type).toBe('integer');
    expect(q.body.properties.decision_date).toMatchObject({ type: 'string', format: 'date' });
    expect(q.body.properties.craft_village.type).toBe('boolean');
    for (const id of ['plan-items', 'provinces', 'regions', 'residential-zones']) expect((await get(`/ogc/collections/${id}/queryables`)).status, id).toBe(200);
    expect((await get('/ogc/collections/nope/queryables')).status).toBe(404);
  });

  it('cql2-text: comparisons, LIKE, IN, BETWEEN, IS NULL, booleans, dates; numberMatched follows the filter', async () => {
    const cases: Array<[string, string[]]> = [
      ["status = 'operating'", ['dong', 'que']],
      ["status <> 'operating'", ['bac']],
      ["province_code_2009 = '10' AND status = 'operating'", ['dong']],
      // the same filter in the current division: unit 15 holds old 10
      ["province_code = '15' AND status = 'operating'", ['dong']],
      ["name LIKE 'Cụm công nghiệp B%'", ['bac']],
      ["status IN ('planned', 'suspended')", ['bac']],
      ['tenants BETWEEN 10 AND 20', ['dong']],
      ['tenants > 20 OR craft_village = TRUE', ['bac', 'que']],
      ["decision_date >= DATE('2015-01-01')", ['dong']],
      ["decision_date < '2015-01-01'", ['que']],
      ['decision_date IS NULL', ['bac']],
      ['NOT (decision_date IS NULL)', ['dong', 'que']],
      ['area_ha > 50', ['dong', 'que']],
      ["\"name\" = 'Cụm công nghiệp Quế Võ'", ['que']],
      ["approved_at > TIMESTAMP('2000-01-01T00:00:00Z')", ['bac', 'dong', 'que']],
      ['TRUE', ['bac', 'dong', 'que']],
    ];
    for (const [filter, expected] of cases) {
      const res = await items({ filter });
      expect(res.status, filter).toBe(200);
      expect(idsOf(res), filter).toEqual(expected.map((k) => ids[k]).sort());
      expect(res.body.numberMatched, filter).toBe(expected.length);
    }
    // the draft never leaks through a filter
    expect((await items({ filter: "name LIKE '%Nháp%'" })).body.numberMatched).toBe(0);
  });

  it('cql2-json and S_INTERSECTS with WKT, GeoJSON and BBOX literals, also in filter-crs', async () => {
    const point = { op: 's_intersects', args: [{ property: 'geometry' }, { type: 'Point', coordinates: [103.98, 22.45] }] };
    const json = await items({ filter: JSON.stringify({ op: 'and', args: [point, { op: '=', args: [{ property: 'status' }, 'operating'] }] }), 'filter-lang': 'cql2-json' });
    expect(json.status).toBe(200);
    expect(idsOf(json)).toEqual([ids.dong]);
    const wkt = await items({ filter: 'S_INTERSECTS(geometry, POLYGON((103.9 22.4, 104.1 22.4, 104.1 22.5, 103.9 22.5, 103.9 22.4)))' });
    expect(idsOf(wkt)).toEqual([ids.dong, ids.bac].sort());
    const bbox = await items({ filter: "S_INTERSECTS(geometry, BBOX(105, 20, 107, 22)) OR name = 'x'" });
    expect(idsOf(bbox)).toEqual([ids.que]);
    // the same point latitude first in EPSG:4326
    const latFirst = await items({ filter: 'S_INTERSECTS(geometry, POINT(22.45 103.98))', 'filter-crs': EPSG(4326) });
    expect(idsOf(latFirst)).toEqual([ids.dong]);
    // and in VN-2000 metres (zone 104°45′), about the same point
    const vn = await items({ filter: 'S_INTERSECTS(geometry, POINT(420552 2483692))', 'filter-crs': EPSG(9208) });
    expect(vn.status).toBe(200);
    expect(idsOf(vn)).toEqual([ids.dong]);
    // a self-intersecting (bow-tie) polygon is made valid, not a 500
    const bowtie = await items({ filter: 'S_INTERSECTS(geometry, POLYGON((103.9 22.4, 104.1 22.5, 104.1 22.4, 103.9 22.5, 103.9 22.4)))' });
    expect(bowtie.status).toBe(200);
  });

  it('filters the other collections, regions included', async () => {
    const prov = await get(`/ogc/collections/provinces/items?${new URLSearchParams({ filter: "code IN ('10', '27')" })}`);
    expect(prov.body.features.map((f: any) => f.id).sort()).toEqual(['10', '27']);
    const regions = await get(`/ogc/collections/regions/items?${new URLSearchParams({ filter: 'S_INTERSECTS(geometry, POINT(106.15 21.15))' })}`);
    expect(regions.status).toBe(200);
    expect(regions.body.numberMatched).toBe(1);
    const sorted = await get('/ogc/collections/regions/items?sortby=-code&properties=name');
    expect(sorted.body.features.map((f: any) => f.id)).toEqual([...sorted.body.features.map((f: any) => f.id)].sort().reverse());
    expect(Object.keys(sorted.body.features[0].properties)).toEqual(['name']);
  });

  it('sortby orders by queryables (then the default order) and properties picks the returned fields', async () => {
    const asc = await items({ sortby: 'tenants,name' });
    expect(asc.body.features.map((f: any) => f.id)).toEqual([ids.dong, ids.que, ids.bac]);
    const desc = await items({ sortby: '-area_ha' });
    expect(desc.body.features.map((f: any) => f.id)).toEqual([ids.que, ids.dong, ids.bac]);
    const picked = await items({ properties: 'name,status', sortby: '+name' });
    expect(Object.keys(picked.body.features[0].properties)).toEqual(['name', 'status']);
    expect(picked.body.features[0].geometry.type).toBe('MultiPolygon');
    const next = await items({ sortby: '-area_ha', limit: '1', filter: "status = 'operating'" });
    const link = new URL(next.body.links.find((l: any) => l.rel === 'next').href);
    expect(link.searchParams.get('sortby')).toBe('-area_ha');
    expect(link.searchParams.get('filter')).toBe("status = 'operating'");
    const second = await get(link.pathname + link.search);
    expect(second.body.features.map((f: any) => f.id)).toEqual([ids.dong]);
    const bads: Array<Record<string, string>> = [{ sortby: 'password' }, { sortby: 'geometry' }, { properties: 'name,secret' }];
    for (const bad of bads) {
      const res = await items(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    const one = await get(`/ogc/collections/clusters/items/${ids.que}?properties=code`);
    expect(Object.keys(one.body.properties)).toEqual(['code']);
  });

  it.each(HOSTILE)('hostile filter → 400, nothing evaluated: %s', async (_name, filter, lang) => {
    const res = await items({ filter, ...(lang ? { 'filter-lang': lang } : {}) });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('InvalidParameterValue');
    expect(typeof res.body.description).toBe('string');
    expect(res.body.features).toBeUndefined();
  });

  it('the hostile corpus changed nothing', async () => {
    const res = await items({});
    expect(res.status).toBe(200);
    expect(res.body.numberMatched).toBe(3);
  });
});
