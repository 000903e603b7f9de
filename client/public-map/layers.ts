import type { FilterSpecification, Map as MapLibreMap, VectorTileSource } from 'maplibre-gl';
import { CLUSTER_STATUSES } from '@domain/cluster-attributes';
import { BEFORE, regionColorExpression } from '../map/index.ts';
import type { LayerVersions } from './api.ts';
import { PLAN_ITEM_COLOR, STATUS_COLORS, residentialColorExpression, statusColorExpression } from './styles.ts';

/** Tile layers (server/tiles/tile-layers.ts) → our source ids. The source-layer name equals the tile layer id. */
export const SOURCES = {
  clusters: 'pm-clusters',
  'plan-items': 'pm-plan-items',
  provinces: 'pm-provinces',
  'residential-zones': 'pm-residential',
} as const;
export type TileLayerId = keyof typeof SOURCES;

export const LAYERS = {
  regions: 'pm-regions-fill',
  residentialFill: 'pm-residential-fill',
  residentialLine: 'pm-residential-line',
  planFill: 'pm-plan-fill',
  planLine: 'pm-plan-line',
  planPoint: 'pm-plan-point',
  clusterFill: 'pm-clusters-fill',
  clusterLine: 'pm-clusters-line',
  /** provisional (approximate) boundaries, dashed */
  clusterLineProvisional: 'pm-clusters-line-provisional',
  clusterDot: 'pm-clusters-dot',
  /** clusters without a boundary: their location point, as a ring symbol at every zoom */
  clusterPoint: 'pm-clusters-point',
  clusterSelected: 'pm-clusters-selected',
} as const;

/** What the layer toggles switch. */
export const TOGGLES = {
  clusters: [LAYERS.clusterFill, LAYERS.clusterLine, LAYERS.clusterLineProvisional, LAYERS.clusterDot, LAYERS.clusterPoint, LAYERS.clusterSelected],
  planItems: [LAYERS.planFill, LAYERS.planLine, LAYERS.planPoint],
  regions: [LAYERS.regions],
  residential: [LAYERS.residentialFill, LAYERS.residentialLine],
} as const;
export type ToggleKey = keyof typeof TOGGLES;
export const DEFAULT_VISIBILITY: Record<ToggleKey, boolean> = { clusters: true, planItems: true, regions: true, residential: false };

/** Layers a click or hover picks features from. */
export const CLICKABLE = [LAYERS.clusterPoint, LAYERS.clusterDot, LAYERS.clusterFill, LAYERS.planPoint, LAYERS.planFill];

// small clusters vanish at country scale: a dot marks each one until its outline is big enough to see
const DOT_MAX_ZOOM = 11;

// One stable URL per tile: its ETag changes only when a change touches it, so the HTTP cache stays useful
function tileUrl(layer: TileLayerId): string {
  return `${window.location.origin}/tiles/${layer}/{z}/{x}/{y}.pbf`;
}

type Rgba = [number, number, number, number];

/** Rasterises a round symbol: `paint` gives the colour at distance d from the centre c, or null for transparent. */
function addRoundImage(map: MapLibreMap, id: string, size: number, paint: (d: number, c: number) => Rgba | null): void {
  if (map.hasImage(id)) return;
  const data = new Uint8Array(size * size * 4);
  const c = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const rgba = paint(Math.hypot(x - c, y - c), c);
      if (rgba) data.set(rgba, (y * size + x) * 4);
    }
  }
  map.addImage(id, { width: size, height: size, data }, { pixelRatio: 2 });
}

const rgbOf = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

/** A status-coloured disc with a white rim, drawn in code (the offline style has no sprite). */
function addDotImage(map: MapLibreMap, id: string, hex: string): void {
  const [r, g, b] = rgbOf(hex);
  addRoundImage(map, id, 22, (d, c) =>
    d <= c - 3 ? [r, g, b, 255] : d <= c - 0.5 ? [255, 255, 255, 255] : d <= c + 0.5 ? [60, 60, 60, Math.round(255 * (c + 0.5 - d))] : null,
  );
}

/** A status-coloured ring on white: a cluster known only by its location (no boundary yet). */
function addRingImage(map: MapLibreMap, id: string, hex: string): void {
  const [r, g, b] = rgbOf(hex);
  addRoundImage(map, id, 36, (d, c) =>
    d <= c - 11 ? [r, g, b, 255] : d <= c - 7 ? [255, 255, 255, 255] : d <= c - 1.5 ? [r, g, b, 255] : d <= c ? [40, 40, 40, Math.round(255 * (c - d))] : null,
  );
}

/** Adds the sources of the tile layers the server has (see /tiles/versions.json) and our layers on them. */
export function addPublicLayers(map: MapLibreMap, versions: LayerVersions): void {
  const has = (id: TileLayerId) => Object.hasOwn(versions, id);
  for (const id of Object.keys(SOURCES) as TileLayerId[]) {
    if (!has(id) || map.getSource(SOURCES[id])) continue;
    map.addSource(SOURCES[id], {
      type: 'vector',
      tiles: [tileUrl(id)],
      minzoom: id === 'residential-zones' ? 8 : 0,
      maxzoom: id === 'provinces' ? 14 : 16,
      attribution: id === 'clusters' ? 'Cluster Atlas (CC BY 4.0)' : undefined,
    });
  }

  if (has('provinces')) {
    map.addLayer(
      {
        id: LAYERS.regions,
        type: 'fill',
        source: SOURCES.provinces,
        'source-layer': 'provinces',
        paint: { 'fill-color': regionColorExpression('region'), 'fill-opacity': ['interpolate', ['linear'], ['zoom'], 5, 0.45, 10, 0.18] },
      },
      BEFORE.boundaries,
    );
  }
  if (has('residential-zones')) {
    map.addLayer(
      {
        id: LAYERS.residentialFill,
        type: 'fill',
        source: SOURCES['residential-zones'],
        'source-layer': 'residential-zones',
        layout: { visibility: 'none' },
        paint: { 'fill-color': residentialColorExpression(), 'fill-opacity': 0.28 },
      },
      BEFORE.labels,
    );
    map.addLayer(
      {
        id: LAYERS.residentialLine,
        type: 'line',
        source: SOURCES['residential-zones'],
        'source-layer': 'residential-zones',
        layout: { visibility: 'none' },
        paint: { 'line-color': residentialColorExpression(), 'line-width': 1 },
      },
      BEFORE.labels,
    );
  }
  if (has('plan-items')) {
    const polygons: FilterSpecification = ['==', ['geometry-type'], 'Polygon'];
    map.addLayer(
      { id: LAYERS.planFill, type: 'fill', source: SOURCES['plan-items'], 'source-layer': 'plan-items', filter: polygons, paint: { 'fill-color': PLAN_ITEM_COLOR, 'fill-opacity': 0.12 } },
      BEFORE.labels,
    );
    map.addLayer(
      {
        id: LAYERS.planLine,
        type: 'line',
        source: SOURCES['plan-items'],
        'source-layer': 'plan-items',
        filter: polygons,
        paint: { 'line-color': PLAN_ITEM_COLOR, 'line-width': 2, 'line-dasharray': [2, 1.5] },
      },
      BEFORE.labels,
    );
    map.addLayer(
      {
        id: LAYERS.planPoint,
        type: 'circle',
        source: SOURCES['plan-items'],
        'source-layer': 'plan-items',
        filter: ['==', ['geometry-type'], 'Point'],
        paint: { 'circle-color': '#ffffff', 'circle-radius': 5, 'circle-stroke-color': PLAN_ITEM_COLOR, 'circle-stroke-width': 2.5 },
      },
      BEFORE.labels,
    );
  }
  if (has('clusters')) {
    for (const status of CLUSTER_STATUSES) addDotImage(map, `pm-dot-${status}`, STATUS_COLORS[status]);
    for (const status of CLUSTER_STATUSES) addRingImage(map, `pm-ring-${status}`, STATUS_COLORS[status]);
    const src = { source: SOURCES.clusters, 'source-layer': 'clusters' } as const;
    const polygons: FilterSpecification = ['==', ['geometry-type'], 'Polygon'];
    const provisional: FilterSpecification = ['==', ['get', 'boundary_status'], 'provisional'];
    const lineWidth = ['interpolate', ['linear'], ['zoom'], 8, 1, 14, 2.5] as const;
    map.addLayer({ id: LAYERS.clusterFill, type: 'fill', ...src, filter: polygons, paint: { 'fill-color': statusColorExpression(), 'fill-opacity': 0.55 } }, BEFORE.labels);
    map.addLayer(
      { id: LAYERS.clusterLine, type: 'line', ...src, filter: ['all', polygons, ['!', provisional]], paint: { 'line-color': statusColorExpression(), 'line-width': lineWidth as never } },
      BEFORE.labels,
    );
    // an approximate boundary: dashed, wider so the dashes read at every zoom
    map.addLayer(
      {
        id: LAYERS.clusterLineProvisional,
        type: 'line',
        ...src,
        filter: ['all', polygons, provisional],
        paint: { 'line-color': statusColorExpression(), 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1.5, 14, 3] as never, 'line-dasharray': [2.5, 1.5] },
      },
      BEFORE.labels,
    );
    map.addLayer(
      {
        id: LAYERS.clusterSelected,
        type: 'line',
        ...src,
        filter: ['==', ['get', 'code'], ''],
        paint: { 'line-color': '#111827', 'line-width': 3.5 },
      },
      BEFORE.labels,
    );
    // on top of the names: a dot must stay clickable
    map.addLayer({
      id: LAYERS.clusterDot,
      type: 'symbol',
      ...src,
      filter: polygons,
      maxzoom: DOT_MAX_ZOOM,
      layout: {
        'icon-image': ['concat', 'pm-dot-', ['get', 'status']],
        'icon-size': ['interpolate', ['linear'], ['zoom'], 4, 0.8, 10, 1.1],
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
      },
    });
    addPointLayer(map);
  }
}

/** Kept apart so addPublicLayers stays readable: the point symbols go on top of everything. */
function addPointLayer(map: MapLibreMap): void {
  map.addLayer({
    id: LAYERS.clusterPoint,
    type: 'symbol',
    source: SOURCES.clusters,
    'source-layer': 'clusters',
    filter: ['==', ['geometry-type'], 'Point'],
    layout: {
      'icon-image': ['concat', 'pm-ring-', ['get', 'status']],
      'icon-size': ['interpolate', ['linear'], ['zoom'], 4, 0.8, 12, 1.2],
      'icon-allow-overlap': true,
      'icon-ignore-placement': true,
    },
  });
}

export function setToggle(map: MapLibreMap, key: ToggleKey, visible: boolean): void {
  for (const id of TOGGLES[key]) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
}

export function setSelectedCluster(map: MapLibreMap, code: string | null): void {
  if (map.getLayer(LAYERS.clusterSelected)) map.setFilter(LAYERS.clusterSelected, ['==', ['get', 'code'], code ?? '']);
}

/**
 * Reloads the tiles of the layers whose data version changed, so no stale tile stays on screen. Tiles are
 * served with `no-cache` and per-tile ETags: the browser revalidates each one, and only the tiles the change
 * touched come back with a body (the rest are 304s).
 */
export function refreshChangedSources(map: MapLibreMap, before: LayerVersions, after: LayerVersions): TileLayerId[] {
  const changed: TileLayerId[] = [];
  for (const id of Object.keys(SOURCES) as TileLayerId[]) {
    if (!Object.hasOwn(after, id) || before[id] === after[id]) continue;
    if (!map.getSource<VectorTileSource>(SOURCES[id])) continue;
    map.refreshTiles(SOURCES[id]);
    changed.push(id);
  }
  return changed;
}
