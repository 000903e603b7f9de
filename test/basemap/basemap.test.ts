import { expect, it } from 'vitest';
import { booleanPointInPolygon, point } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson';
import { describeEachServer } from '../support/server.ts';
import { BASEMAP_IDS as SERVER_IDS, BASEMAP_FONT_STACK } from '../../server/basemap/basemap.style.ts';
import { BASEMAP_IDS as CLIENT_IDS } from '../../client/map/basemap.ts';

const HANOI: [number, number] = [105.85, 21.03];
const SEA: [number, number] = [109.8, 14.0];

describeEachServer('basemap', (t) => {
  it('serves a v8 style with our sources and no glyphs URL, so labels render offline', async () => {
    const res = await t.server.client().get('/api/basemap/style.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(res.headers.get('etag')).toMatch(/^"/);
    const style = res.body;
    expect(style.version).toBe(8);
    expect(style).not.toHaveProperty('glyphs');
    expect(style).not.toHaveProperty('sprite');
    expect(Object.keys(style.sources).sort()).toEqual(
      [SERVER_IDS.landSource, SERVER_IDS.provincesSource, SERVER_IDS.labelsSource, SERVER_IDS.marineSource].sort(),
    );
    for (const source of Object.values<any>(style.sources)) {
      expect(source.type).toBe('geojson');
      // same-origin or inline only: the map must work without internet
      if (typeof source.data === 'string') expect(source.data).toMatch(/^\/api\//);
      else expect(source.data.type).toBe('FeatureCollection');
    }
    const layerIds = style.layers.map((l: any) => l.id);
    expect(layerIds[0]).toBe(SERVER_IDS.background);
    expect(layerIds).toEqual(expect.arrayContaining([SERVER_IDS.land, SERVER_IDS.provinceBoundary, SERVER_IDS.provinceLabel]));
    const label = style.layers.find((l: any) => l.id === SERVER_IDS.provinceLabel);
    expect(label.layout['text-font']).toEqual(BASEMAP_FONT_STACK);
    expect(JSON.stringify(style)).toContain('Open Development Vietnam');
  });

  it('client and server agree on basemap source and layer ids', () => {
    expect(CLIENT_IDS).toEqual(SERVER_IDS);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const client = t.server.client();
    for (const path of ['/api/basemap/style.json', '/api/basemap/land.geojson', '/api/basemap/labels.geojson']) {
      const first = await client.get(path);
      expect(first.status).toBe(200);
      const etag = first.headers.get('etag')!;
      // fetch() adds `Cache-Control: no-cache` (forcing a full response) unless the request sets its own
      const again = await client.get(path, { 'If-None-Match': etag, 'Cache-Control': 'max-age=0' });
      expect(again.status, path).toBe(304);
      expect(again.text).toBe('');
    }
  });

  it('dissolves the provinces into one land feature covering Hà Nội but not the sea', async () => {
    const client = t.server.client();
    const res = await client.get<FeatureCollection<MultiPolygon | Polygon>>('/api/basemap/land.geojson');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/geo\+json/);
    expect(res.body.type).toBe('FeatureCollection');
    expect(res.body.features).toHaveLength(1);
    const land = res.body.features[0];
    expect(land.geometry.type).toMatch(/Polygon$/);
    expect(booleanPointInPolygon(point(HANOI), land)).toBe(true);
    expect(booleanPointInPolygon(point(SEA), land)).toBe(false);
    // gaps between simplified provinces are filled; only a few atoll lagoons remain as holes
    const polygons = land.geometry.type === 'MultiPolygon' ? land.geometry.coordinates : [land.geometry.coordinates];
    const holes = polygons.reduce((n, rings) => n + rings.length - 1, 0);
    expect(holes).toBeLessThan(40);
    // computed once: the cached body is returned byte for byte
    const second = await client.get('/api/basemap/land.geojson');
    expect(second.headers.get('etag')).toBe(res.headers.get('etag'));
    expect(second.text).toBe(res.text);
  });

  it('serves one label point inside each province, for both eras', async () => {
    const client = t.server.client();
    const res2009 = await client.get<FeatureCollection<Point>>('/api/basemap/labels.geojson?era=2009');
    expect(res2009.status).toBe(200);
    expect(res2009.body.features).toHaveLength(63);
    const hanoiLabel = res2009.body.features.find((f) => f.properties?.code === '01')!;
    expect(hanoiLabel.properties).toEqual({ code: '01', name: 'Thành phố Hà Nội', short_name: 'Hà Nội' });
    const hanoi = await client.get<Feature<MultiPolygon>>('/api/provinces/01');
    expect(booleanPointInPolygon(hanoiLabel.geometry.coordinates, hanoi.body)).toBe(true);

    const res2025 = await client.get<FeatureCollection<Point>>('/api/basemap/labels.geojson?era=2025');
    expect(res2025.status).toBe(200);
    expect(res2025.body.features).toHaveLength(34);
    // the current division is the default
    expect((await client.get<FeatureCollection<Point>>('/api/basemap/labels.geojson')).body.features).toHaveLength(34);
    expect(res2025.headers.get('etag')).not.toBe(res2009.headers.get('etag'));
  });

  it('rejects an unknown era with the JSON error shape', async () => {
    const res = await t.server.client().get('/api/basemap/labels.geojson?era=1990');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid-era');
  });

  it('reports no online basemap when BASEMAP_STYLE_URL is unset', async () => {
    const res = await t.server.client().get('/api/basemap/config');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.body).toEqual({ basemapStyleUrl: null });
  });
});

describeEachServer(
  'basemap config with an online style',
  (t) => {
    it('passes BASEMAP_STYLE_URL to the client', async () => {
      const res = await t.server.client().get('/api/basemap/config');
      expect(res.body).toEqual({ basemapStyleUrl: 'https://tiles.example.com/style.json' });
    });
  },
  { config: { basemapStyleUrl: 'https://tiles.example.com/style.json' } },
);
