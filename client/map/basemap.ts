import type { Map as MapLibreMap, GeoJSONSource, StyleSpecification, LayerSpecification } from 'maplibre-gl';
import { getJson } from '../api/http.ts';

/** Ids in /api/basemap/style.json (server/basemap/basemap.style.ts); test/basemap checks both copies agree. */
export const BASEMAP_IDS = {
  landSource: 'basemap-land',
  provincesSource: 'basemap-provinces',
  labelsSource: 'basemap-labels',
  marineSource: 'basemap-marine',
  background: 'basemap-background',
  land: 'basemap-land',
  coastline: 'basemap-coastline',
  provinceBoundary: 'basemap-province-boundary',
  provinceLabel: 'basemap-province-label',
  marineLabel: 'basemap-marine-label',
} as const;

/**
 * Where pages insert their layers (`map.addLayer(layer, BEFORE.x)`):
 * `boundaries` puts area fills under the province lines, `labels` puts lines and points under the names.
 */
export const BEFORE = {
  boundaries: BASEMAP_IDS.provinceBoundary,
  labels: BASEMAP_IDS.provinceLabel,
} as const;

export const OFFLINE_STYLE_URL = '/api/basemap/style.json';
export const ATTRIBUTION = '© Open Development Vietnam (CC BY-SA 4.0); GSO codes via dvhcvn';
const ROLE_KEY = 'cluster-atlas:role';

export type Era = '2009' | '2025';

interface BasemapConfig {
  basemapStyleUrl: string | null;
}

let configPromise: Promise<BasemapConfig> | undefined;

export function loadBasemapConfig(): Promise<BasemapConfig> {
  configPromise ??= getJson<BasemapConfig>('/api/basemap/config').catch((err) => {
    configPromise = undefined;
    console.warn('Basemap config unavailable; using the offline basemap', err);
    return { basemapStyleUrl: null };
  });
  return configPromise;
}

// new URL() percent-encodes {z}/{fontstack}; MapLibre needs the braces back
function absolutize(url: string, base: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
  return new URL(url, base).href.replace(/%7B/gi, '{').replace(/%7D/gi, '}');
}

/** Online style underneath, then our overlay layers (boundaries, labels) on top; our own land/sea are dropped. */
export function mergeOnlineStyle(online: StyleSpecification, ours: StyleSpecification, onlineUrl: string): StyleSpecification {
  const sources: StyleSpecification['sources'] = {};
  for (const [id, source] of Object.entries(online.sources)) {
    const copy = { ...source } as Record<string, unknown>;
    if (typeof copy.url === 'string') copy.url = absolutize(copy.url, onlineUrl);
    if (Array.isArray(copy.tiles)) copy.tiles = (copy.tiles as string[]).map((t) => absolutize(t, onlineUrl));
    if (typeof copy.data === 'string') copy.data = absolutize(copy.data, onlineUrl);
    sources[id] = copy as unknown as StyleSpecification['sources'][string];
  }
  Object.assign(sources, ours.sources);
  const overlay = ours.layers.filter((l: LayerSpecification) => (l.metadata as Record<string, unknown> | undefined)?.[ROLE_KEY] !== 'base');
  const sprite = typeof online.sprite === 'string' ? absolutize(online.sprite, onlineUrl) : online.sprite;
  return {
    ...online,
    sprite,
    glyphs: online.glyphs ? absolutize(online.glyphs, onlineUrl) : undefined,
    sources,
    layers: [...online.layers, ...overlay],
  };
}

/** The offline style URL, or the configured online style with our layers merged in (offline if it cannot load). */
export async function resolveMapStyle(): Promise<string | StyleSpecification> {
  const { basemapStyleUrl } = await loadBasemapConfig();
  if (!basemapStyleUrl) return OFFLINE_STYLE_URL;
  try {
    const [online, ours] = await Promise.all([
      fetch(basemapStyleUrl).then((r) => {
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        return r.json() as Promise<StyleSpecification>;
      }),
      getJson<StyleSpecification>(OFFLINE_STYLE_URL),
    ]);
    return mergeOnlineStyle(online, ours, basemapStyleUrl);
  } catch (err) {
    console.warn(`Online basemap ${basemapStyleUrl} unavailable; using the offline basemap`, err);
    return OFFLINE_STYLE_URL;
  }
}

/** Points the basemap's province lines and names at one era's division. */
export function setBasemapEra(map: MapLibreMap, era: Era): void {
  map.getSource<GeoJSONSource>(BASEMAP_IDS.provincesSource)?.setData(`/api/provinces?era=${era}`);
  map.getSource<GeoJSONSource>(BASEMAP_IDS.labelsSource)?.setData(`/api/basemap/labels.geojson?era=${era}`);
}
