/**
 * OGC API – Features Part 2 (CRS by reference): crs, bbox-crs, storageCrs, Content-Crs and axis order, with
 * coordinates checked against PROJ's cs2cs (the EPSG:6960 datum shift for VN-2000) to 1 cm.
 */
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import { SUPPORTED_CRS, parseCrs } from '../../server/ogc/crs.ts';
import { parseBbox } from '../../server/ogc/ogc.service.ts';

const EPSG = (n: number) => `http://www.opengis.net/def/crs/EPSG/0/${n}`;
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const VN_ZONES = [5896, 5897, 5898, 5899, ...Array.from({ length: 14 }, (_, i) => 9205 + i)];

/** PROJ's transform of lon/lat points to a CRS, in that CRS's x/y (GIS) order. */
function cs2cs(points: number[][], target: number): number[][] {
  const out = execFileSync('cs2cs', ['-f', '%.10f', 'EPSG:4326', `EPSG:${target}`], {
    // cs2cs reads EPSG:4326 as lat lon and writes the target in its authority order
    input: points.map(([lon, lat]) => `${lat} ${lon}`).join('\n') + '\n',
  }).toString();
  return out.trim().split('\n').map((l) => l.trim().split(/\s+/).slice(0, 2).map(Number));
}

describe('CRS parameters (pure)', () => {
  it('offers CRS84, EPSG:4326, VN-2000 (4756, UTM 3405/3406, every 3° zone) and 3857', () => {
    const uris = SUPPORTED_CRS.map((c) => c.uri);
    expect(uris[0]).toBe(CRS84);
    for (const n of [4326, 4756, 3405, 3406, ...VN_ZONES, 3857]) expect(uris).toContain(EPSG(n));
    expect(uris).toHaveLength(1 + 3 + 2 + VN_ZONES.length);
  });

  it('reads URIs, CURIEs and URNs, and refuses CRSs not offered', () => {
    expect(parseCrs('crs', EPSG(9208)).srid).toBe(9208);
    expect(parseCrs('crs', '[EPSG:9208]').srid).toBe(9208);
    expect(parseCrs('crs', 'EPSG:4756')).toMatchObject({ srid: 4756, latFirst: true });
    expect(parseCrs('crs', 'urn:ogc:def:crs:EPSG::3405').srid).toBe(3405);
    expect(parseCrs('crs', '[OGC:CRS84]').uri).toBe(CRS84);
    expect(() => parseCrs('crs', EPSG(2154))).toThrow(/crs/);
    expect(() => parseCrs('crs', "4326'; DROP TABLE clusters; --")).toThrow(/crs/);
  });

  it('reads a bbox in its CRS axis order', () => {
    expect(parseBbox('21,105,22,106', parseCrs('bbox-crs', EPSG(4326)))).toEqual([105, 21, 106, 22]);
    expect(parseBbox('400000,2400000,450000,2500000', parseCrs('bbox-crs', EPSG(9208)))).toEqual([400000, 2400000, 450000, 2500000]);
    expect(() => parseBbox('105,21,106,22', parseCrs('bbox-crs', EPSG(4326)))).toThrow(/latitude/);
  });
});

describeEachServer('OGC API – Features Part 2 (CRS)', (t) => {
  // Lào Cai, VN-2000 zone 104°45′ (EPSG:9208)
  const square = squareAround(104.1, 22.4, 600);
  let id = '';
  let stored: number[][] = [];

  beforeAll(async () => {
    id = (await insertCluster(t.server.db, { name: 'Cụm công nghiệp Tằng Loỏng', province_code_2009: '10', geometry: square })).id;
    await insertCluster(t.server.db, { name: 'Cụm công nghiệp Quế Võ', province_code_2009: '27', geometry: squareAround(106.15, 21.15, 600) });
    // the stored outer ring at full precision, the reference for every comparison
    const r = await t.server.db.query<{ g: string }>(
      `SELECT ST_AsGeoJSON(v.geom, 15) AS g FROM clusters c JOIN cluster_versions v ON v.cluster_id = c.id AND v.version = c.published_version WHERE c.id = $1`,
      [id],
    );
    stored = JSON.parse(r.rows[0]!.g).coordinates[0][0];
  });

  const ring = (feature: any): number[][] => feature.geometry.coordinates[0][0];

  it('every collection lists the CRSs and its storageCrs; the conformance class is declared', async () => {
    const c = t.server.client();
    const conf = await c.get('/ogc/conformance');
    expect(conf.body.conformsTo).toContain('http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs');
    const cols = await c.get('/ogc/collections');
    for (const col of cols.body.collections) {
      expect(col.storageCrs).toBe(CRS84);
      expect(col.crs).toEqual(expect.arrayContaining([CRS84, EPSG(4326), EPSG(4756), EPSG(3405), EPSG(3406), EPSG(3857), ...VN_ZONES.map(EPSG)]));
    }
  });

  it('CRS84 by default, with Content-Crs', async () => {
    const res = await t.server.client().get(`/ogc/collections/clusters/items/${id}`);
    expect(res.headers.get('content-crs')).toBe(`<${CRS84}>`);
    const got = ring(res.body);
    for (let i = 0; i < got.length; i++) {
      expect(got[i]![0]).toBeCloseTo(stored[i]![0]!, 6);
      expect(got[i]![1]).toBeCloseTo(stored[i]![1]!, 6);
    }
  });

  it.each([9208, 3405, 5897, 9210, 3857])('crs=EPSG:%i agrees with cs2cs to 1 cm (easting, northing)', async (srid) => {
    const res = await t.server.client().get(`/ogc/collections/clusters/items?crs=${encodeURIComponent(EPSG(srid))}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-crs')).toBe(`<${EPSG(srid)}>`);
    const f = res.body.features.find((x: any) => x.id === id);
    const expected = cs2cs(stored, srid);
    const got = ring(f);
    expect(got).toHaveLength(expected.length);
    for (let i = 0; i < got.length; i++) {
      expect(Math.hypot(got[i]![0]! - expected[i]![0]!, got[i]![1]! - expected[i]![1]!)).toBeLessThan(0.01);
    }
  });

  it('EPSG:4326 and EPSG:4756 are written latitude first; VN-2000 geographic agrees with cs2cs', async () => {
    const c = t.server.client();
    const wgs = await c.get(`/ogc/collections/clusters/items/${id}?crs=${encodeURIComponent(EPSG(4326))}`);
    expect(wgs.headers.get('content-crs')).toBe(`<${EPSG(4326)}>`);
    const latLon = ring(wgs.body);
    expect(latLon[0]![0]).toBeCloseTo(stored[0]![1]!, 7);
    expect(latLon[0]![1]).toBeCloseTo(stored[0]![0]!, 7);
    const vn = await c.get(`/ogc/collections/clusters/items/${id}?crs=${encodeURIComponent(EPSG(4756))}`);
    // cs2cs writes geographic targets lat lon too (authority order)
    const expected = cs2cs(stored, 4756);
    const got = ring(vn.body);
    for (let i = 0; i < got.length; i++) {
      const dLat = (got[i]![0]! - expected[i]![0]!) * 111_320;
      const dLon = (got[i]![1]! - expected[i]![1]!) * 111_320 * Math.cos((22.4 * Math.PI) / 180);
      expect(Math.hypot(dLat, dLon)).toBeLessThan(0.01);
    }
    // and it is not simply WGS 84: the datum shift is a few metres... in degrees
    expect(Math.abs(got[0]![0]! - latLon[0]![0]!) + Math.abs(got[0]![1]! - latLon[0]![1]!)).toBeGreaterThan(1e-6);
  });

  it('bbox-crs selects in VN-2000 metres and in lat/lon order for EPSG:4326; paging links keep crs', async () => {
    const c = t.server.client();
    const [[e, n]] = cs2cs([[104.1, 22.4]], 9208) as [[number, number]];
    const box = [e - 1000, n - 1000, e + 1000, n + 1000].join(',');
    const hit = await c.get(`/ogc/collections/clusters/items?bbox=${box}&bbox-crs=${encodeURIComponent(EPSG(9208))}&crs=${encodeURIComponent(EPSG(9208))}&limit=1`);
    expect(hit.status).toBe(200);
    expect(hit.body.numberMatched).toBe(1);
    expect(hit.body.features[0].id).toBe(id);
    const self = new URL(hit.body.links.find((l: any) => l.rel === 'self').href);
    expect(self.searchParams.get('crs')).toBe(EPSG(9208));
    expect(self.searchParams.get('bbox-crs')).toBe(EPSG(9208));
    const miss = await c.get(`/ogc/collections/clusters/items?bbox=${[e + 2000, n + 2000, e + 3000, n + 3000].join(',')}&bbox-crs=${encodeURIComponent(EPSG(9208))}`);
    expect(miss.body.numberMatched).toBe(0);
    const latFirst = await c.get(`/ogc/collections/clusters/items?bbox=22.3,104.0,22.5,104.2&bbox-crs=${encodeURIComponent(EPSG(4326))}`);
    expect(latFirst.body.features.map((f: any) => f.id)).toEqual([id]);
    // the regions collection too (it lives in memory)
    const regions = await c.get(`/ogc/collections/regions/items?bbox=${box}&bbox-crs=${encodeURIComponent(EPSG(9208))}&crs=${encodeURIComponent(EPSG(3405))}`);
    expect(regions.status).toBe(200);
    expect(regions.body.features.map((f: any) => f.id)).toHaveLength(1);
    expect(Math.abs(regions.body.features[0].geometry.coordinates[0][0][0][0])).toBeGreaterThan(1000);
  });

  it('refuses CRSs not offered with a 400 OGC exception', async () => {
    const c = t.server.client();
    for (const q of [`crs=${encodeURIComponent(EPSG(2154))}`, 'crs=EPSG:abc', `bbox=1,2,3,4&bbox-crs=${encodeURIComponent(EPSG(32631))}`, `bbox-crs=${encodeURIComponent(EPSG(4326))}`]) {
      const res = await c.get(`/ogc/collections/clusters/items?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.code).toBe('InvalidParameterValue');
    }
    const item = await c.get(`/ogc/collections/clusters/items/${id}?crs=${encodeURIComponent(EPSG(2154))}`);
    expect(item.status).toBe(400);
  });
});
