import { useEffect } from 'react';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { BEFORE, useMap } from '../map/index.ts';
import { bboxOf } from './geometry.ts';

/** Colours shared by the map layers and the legends next to them. */
export const DIFF_COLORS = {
  old: '#6b7280',
  new: '#2459a8',
  added: '#16a34a',
  removed: '#dc2626',
  /** the part of the boundary outside its 2025 unit (province-edge check) */
  outside: '#ea580c',
} as const;

const SOURCE = 'cluster-diff';
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

type Part = 'old' | 'new' | 'added' | 'removed' | 'outside';

function collection(parts: Partial<Record<Part, Geometry | null | undefined>>, newProvisional: boolean): FeatureCollection {
  const features: Feature[] = [];
  for (const part of ['old', 'new', 'added', 'removed', 'outside'] as const) {
    const g = parts[part];
    if (g) features.push({ type: 'Feature', geometry: g, properties: { part, provisional: part === 'new' && newProvisional } });
  }
  return { type: 'FeatureCollection', features };
}

function ensureLayers(map: MapLibreMap) {
  if (map.getSource(SOURCE)) return;
  map.addSource(SOURCE, { type: 'geojson', data: EMPTY });
  const before = map.getLayer(BEFORE.labels) ? BEFORE.labels : undefined;
  const is = (part: Part) => ['==', ['get', 'part'], part] as const;
  map.addLayer({ id: `${SOURCE}-new-fill`, type: 'fill', source: SOURCE, filter: is('new') as never, paint: { 'fill-color': DIFF_COLORS.new, 'fill-opacity': 0.12 } }, before);
  map.addLayer({ id: `${SOURCE}-added`, type: 'fill', source: SOURCE, filter: is('added') as never, paint: { 'fill-color': DIFF_COLORS.added, 'fill-opacity': 0.55 } }, before);
  map.addLayer({ id: `${SOURCE}-removed`, type: 'fill', source: SOURCE, filter: is('removed') as never, paint: { 'fill-color': DIFF_COLORS.removed, 'fill-opacity': 0.5 } }, before);
  map.addLayer({ id: `${SOURCE}-outside`, type: 'fill', source: SOURCE, filter: is('outside') as never, paint: { 'fill-color': DIFF_COLORS.outside, 'fill-opacity': 0.6 } }, before);
  map.addLayer({
    id: `${SOURCE}-old`,
    type: 'line',
    source: SOURCE,
    filter: is('old') as never,
    paint: { 'line-color': DIFF_COLORS.old, 'line-width': 2, 'line-dasharray': [2, 2] },
  }, before);
  const polygons = ['==', ['geometry-type'], 'Polygon'] as const;
  map.addLayer({ id: `${SOURCE}-new`, type: 'line', source: SOURCE, filter: ['all', is('new'), ['!=', ['get', 'provisional'], true]] as never, paint: { 'line-color': DIFF_COLORS.new, 'line-width': 2.5 } }, before);
  // a provisional (approximate) boundary is drawn dashed, like on every map
  map.addLayer({
    id: DIFF_PROVISIONAL_LAYER,
    type: 'line',
    source: SOURCE,
    filter: ['all', is('new'), ['==', ['get', 'provisional'], true], polygons] as never,
    paint: { 'line-color': DIFF_COLORS.new, 'line-width': 2.5, 'line-dasharray': [3, 2] },
  }, before);
  // a cluster without a boundary: its location as a ring symbol (grey before, blue now)
  map.addLayer({
    id: DIFF_POINT_LAYER,
    type: 'circle',
    source: SOURCE,
    filter: ['==', ['geometry-type'], 'Point'] as never,
    paint: {
      'circle-radius': 7,
      'circle-color': '#ffffff',
      'circle-stroke-width': 3,
      'circle-stroke-color': ['match', ['get', 'part'], 'old', DIFF_COLORS.old, DIFF_COLORS.new] as never,
    },
  });
}

export const DIFF_PROVISIONAL_LAYER = `${SOURCE}-new-provisional`;
export const DIFF_POINT_LAYER = `${SOURCE}-point`;

export interface DiffLayersProps {
  oldGeometry?: Geometry | null;
  newGeometry?: Geometry | null;
  added?: Geometry | null;
  removed?: Geometry | null;
  /** the part outside the cluster's 2025 unit, when the province-edge check warned */
  outside?: Geometry | null;
  /** Zoom to the shown geometries when they change. */
  fit?: boolean;
  /** The new boundary is provisional: drawn dashed. */
  newProvisional?: boolean;
}

/** Old (dashed grey) and new (blue) boundaries with the added (green) and removed (red) parts; render inside <MapView>. */
export function DiffLayers({ oldGeometry, newGeometry, added, removed, outside, fit = true, newProvisional = false }: DiffLayersProps) {
  const map = useMap();
  useEffect(() => {
    if (!map) return;
    ensureLayers(map);
    const data = collection({ old: oldGeometry, new: newGeometry, added, removed, outside }, newProvisional);
    map.getSource<GeoJSONSource>(SOURCE)?.setData(data);
    if (!fit) return;
    const boxes = [oldGeometry, newGeometry, added, removed].map((g) => bboxOf(g ?? null)).filter((b): b is [number, number, number, number] => !!b);
    if (boxes.length) {
      const b: [number, number, number, number] = [
        Math.min(...boxes.map((x) => x[0])),
        Math.min(...boxes.map((x) => x[1])),
        Math.max(...boxes.map((x) => x[2])),
        Math.max(...boxes.map((x) => x[3])),
      ];
      map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 40, maxZoom: 16, duration: 0 });
    }
  }, [map, oldGeometry, newGeometry, added, removed, outside, fit, newProvisional]);
  return null;
}
