import { describe, expect, it } from 'vitest';
import type { StyleSpecification } from 'maplibre-gl';
import { buildBasemapStyle, BASEMAP_IDS } from '../../server/basemap/basemap.style.ts';
import { mergeOnlineStyle } from '../../client/map/basemap.ts';

const ONLINE_URL = 'https://tiles.example.com/styles/light/style.json';
const online: StyleSpecification = {
  version: 8,
  glyphs: '../../fonts/{fontstack}/{range}.pbf',
  sprite: 'sprites/light',
  sources: {
    osm: { type: 'vector', url: '/tilejson/osm.json' },
    hillshade: { type: 'raster', tiles: ['https://cdn.example.com/hs/{z}/{x}/{y}.png'], tileSize: 256 },
  },
  layers: [
    { id: 'bg', type: 'background', paint: { 'background-color': '#eee' } },
    { id: 'water', type: 'fill', source: 'osm', 'source-layer': 'water' },
  ],
};

describe('online basemap merge', () => {
  const merged = mergeOnlineStyle(online, buildBasemapStyle() as unknown as StyleSpecification, ONLINE_URL);

  it('draws the online layers first and only our overlay layers on top', () => {
    const ids = merged.layers.map((l) => l.id);
    expect(ids.slice(0, 2)).toEqual(['bg', 'water']);
    expect(ids).toContain(BASEMAP_IDS.provinceBoundary);
    expect(ids).toContain(BASEMAP_IDS.provinceLabel);
    expect(ids).not.toContain(BASEMAP_IDS.background);
    expect(ids).not.toContain(BASEMAP_IDS.land);
    expect(Object.keys(merged.sources)).toEqual(expect.arrayContaining(['osm', 'hillshade', BASEMAP_IDS.provincesSource]));
  });

  it('resolves the online style relative URLs against its own URL, keeping the {placeholders}', () => {
    expect(merged.glyphs).toBe('https://tiles.example.com/fonts/{fontstack}/{range}.pbf');
    expect(merged.sprite).toBe('https://tiles.example.com/styles/light/sprites/light');
    expect((merged.sources.osm as { url: string }).url).toBe('https://tiles.example.com/tilejson/osm.json');
    expect((merged.sources.hillshade as { tiles: string[] }).tiles[0]).toBe('https://cdn.example.com/hs/{z}/{x}/{y}.png');
    // ours stay same-origin relative
    expect((merged.sources[BASEMAP_IDS.provincesSource] as { data: string }).data).toBe('/api/provinces?era=2025');
  });
});
