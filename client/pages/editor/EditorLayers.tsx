import { useEffect } from 'react';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { BEFORE, useMap } from '../../map/index.ts';

export const EDITOR_COLORS = {
  others: '#6d28d9',
  province: '#0f766e',
  problem: '#dc2626',
  preview: '#f59e0b',
} as const;

const S = {
  others: 'editor-others',
  province: 'editor-province',
  problems: 'editor-problems',
  preview: 'editor-preview',
  location: 'editor-location',
} as const;

/** Other clusters without a boundary (location points) and with a provisional one (dashed). */
export const EDITOR_OTHERS_POINT_LAYER = `${S.others}-point`;
export const EDITOR_OTHERS_PROVISIONAL_LAYER = `${S.others}-line-provisional`;

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

function ensure(map: MapLibreMap) {
  if (map.getSource(S.others)) return;
  const below = map.getLayer(BEFORE.labels) ? BEFORE.labels : undefined;
  for (const id of Object.values(S)) map.addSource(id, { type: 'geojson', data: EMPTY });
  map.addLayer({ id: `${S.province}-line`, type: 'line', source: S.province, paint: { 'line-color': EDITOR_COLORS.province, 'line-width': 2.5, 'line-dasharray': [3, 2] } }, below);
  const provisional = ['==', ['get', 'boundary_status'], 'provisional'] as const;
  map.addLayer({ id: `${S.others}-fill`, type: 'fill', source: S.others, paint: { 'fill-color': EDITOR_COLORS.others, 'fill-opacity': 0.18 } }, below);
  map.addLayer({ id: `${S.others}-line`, type: 'line', source: S.others, filter: ['!', provisional] as never, paint: { 'line-color': EDITOR_COLORS.others, 'line-width': 1.5 } }, below);
  map.addLayer({ id: EDITOR_OTHERS_PROVISIONAL_LAYER, type: 'line', source: S.others, filter: provisional as never, paint: { 'line-color': EDITOR_COLORS.others, 'line-width': 1.8, 'line-dasharray': [3, 2] } }, below);
  map.addLayer({
    id: EDITOR_OTHERS_POINT_LAYER,
    type: 'circle',
    source: S.others,
    filter: ['==', ['geometry-type'], 'Point'] as never,
    paint: { 'circle-radius': 6, 'circle-color': '#ffffff', 'circle-stroke-color': EDITOR_COLORS.others, 'circle-stroke-width': 3 },
  }, below);
  map.addLayer({
    id: `${S.others}-label`,
    type: 'symbol',
    source: S.others,
    minzoom: 11,
    layout: { 'text-field': ['get', 'name'], 'text-size': 12, 'text-font': ['Noto Sans', 'DejaVu Sans', 'sans-serif'] },
    paint: { 'text-color': '#3b0764', 'text-halo-color': '#fff', 'text-halo-width': 1.2 },
  });
  map.addLayer({ id: `${S.preview}-line`, type: 'line', source: S.preview, paint: { 'line-color': EDITOR_COLORS.preview, 'line-width': 2.5, 'line-dasharray': [1, 1.5] } });
  // the edited cluster's location while it has no boundary yet
  map.addLayer({
    id: `${S.location}-circle`,
    type: 'circle',
    source: S.location,
    paint: { 'circle-radius': 8, 'circle-color': '#ffffff', 'circle-stroke-color': '#ea580c', 'circle-stroke-width': 3.5 },
  });
  map.addLayer({
    id: `${S.problems}-circle`,
    type: 'circle',
    source: S.problems,
    paint: { 'circle-radius': 9, 'circle-color': 'rgba(220,38,38,0.25)', 'circle-stroke-color': EDITOR_COLORS.problem, 'circle-stroke-width': 3 },
  });
}

function set(map: MapLibreMap, id: string, features: Feature[]) {
  map.getSource<GeoJSONSource>(id)?.setData({ type: 'FeatureCollection', features });
}

export interface EditorLayersProps {
  others: Feature[];
  province: Geometry | null;
  /** Problem locations (self-intersection, overlap, outside the province). */
  problems: [number, number][];
  preview: Geometry | null;
  /** The location point of the edited cluster while it has no boundary. */
  location?: Geometry | null;
  /** Click on another cluster: pick it for editing. */
  onPick?(id: string): void;
}

/** Context under the drawing: other clusters, the province outline, problem markers and the ST_MakeValid preview. */
export function EditorLayers({ others, province, problems, preview, location = null, onPick }: EditorLayersProps) {
  const map = useMap();
  useEffect(() => {
    if (map) ensure(map);
  }, [map]);
  useEffect(() => {
    if (map) set(map, S.others, others);
  }, [map, others]);
  useEffect(() => {
    if (map) set(map, S.province, province ? [{ type: 'Feature', geometry: province, properties: {} }] : []);
  }, [map, province]);
  useEffect(() => {
    if (map) set(map, S.problems, problems.map((p) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: p }, properties: {} })));
  }, [map, problems]);
  useEffect(() => {
    if (map) set(map, S.location, location ? [{ type: 'Feature', geometry: location, properties: {} }] : []);
  }, [map, location]);
  useEffect(() => {
    if (map) set(map, S.preview, preview ? [{ type: 'Feature', geometry: preview, properties: {} }] : []);
  }, [map, preview]);
  useEffect(() => {
    if (!map || !onPick) return;
    const handler = (e: { features?: { properties?: Record<string, unknown> }[] }) => {
      const id = e.features?.[0]?.properties?.id;
      if (id !== undefined && id !== null) onPick(String(id));
    };
    map.on('dblclick', `${S.others}-fill`, handler as never);
    map.on('dblclick', EDITOR_OTHERS_POINT_LAYER, handler as never);
    return () => {
      map.off('dblclick', `${S.others}-fill`, handler as never);
      map.off('dblclick', EDITOR_OTHERS_POINT_LAYER, handler as never);
    };
  }, [map, onPick]);
  return null;
}
