import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { BEFORE } from '../map/index.ts';

/** The communes of 1 July 2025 (GET /api/communes?bbox=), drawn only when zoomed in: 3,321 units are too many nationally. */
export const COMMUNE_MIN_ZOOM = 10;
export const COMMUNE_IDS = { source: 'pm-communes', line: 'pm-communes-line', label: 'pm-communes-label' } as const;
const EMPTY = { type: 'FeatureCollection' as const, features: [] };

export function addCommuneLayers(map: MapLibreMap): void {
  if (map.getSource(COMMUNE_IDS.source)) return;
  map.addSource(COMMUNE_IDS.source, { type: 'geojson', data: EMPTY, attribution: 'Xã, phường 2025: GSO (QĐ 19/2025/QĐ-TTg), sapnhap.bando.com.vn via vietnamese-provinces-database (MIT)' });
  map.addLayer(
    {
      id: COMMUNE_IDS.line,
      type: 'line',
      source: COMMUNE_IDS.source,
      minzoom: COMMUNE_MIN_ZOOM,
      paint: { 'line-color': '#6b5b95', 'line-width': 0.8, 'line-dasharray': [3, 2], 'line-opacity': 0.8 },
    },
    BEFORE.labels,
  );
  map.addLayer({
    id: COMMUNE_IDS.label,
    type: 'symbol',
    source: COMMUNE_IDS.source,
    minzoom: COMMUNE_MIN_ZOOM + 1,
    layout: { 'text-field': ['get', 'name'], 'text-size': 11, 'symbol-placement': 'point' },
    paint: { 'text-color': '#4b3f72', 'text-halo-color': '#ffffff', 'text-halo-width': 1.2 },
  });

  let controller: AbortController | null = null;
  let loadedKey = '';
  const refresh = () => {
    const source = map.getSource<GeoJSONSource>(COMMUNE_IDS.source);
    if (!source) return;
    if (map.getZoom() < COMMUNE_MIN_ZOOM) return;
    const b = map.getBounds();
    // at most 2° a side (the server's limit), around the centre
    const c = map.getCenter();
    const w = Math.min(1.99, b.getEast() - b.getWest());
    const h = Math.min(1.99, b.getNorth() - b.getSouth());
    const bbox = [c.lng - w / 2, c.lat - h / 2, c.lng + w / 2, c.lat + h / 2].map((v) => v.toFixed(3)).join(',');
    if (bbox === loadedKey) return;
    controller?.abort();
    controller = new AbortController();
    fetch(`/api/communes?bbox=${bbox}`, { signal: controller.signal })
      .then((r) => (r.ok ? r.json() : EMPTY))
      .then((fc) => {
        loadedKey = bbox;
        source.setData(fc);
      })
      .catch(() => undefined);
  };
  map.on('moveend', refresh);
  refresh();
}
