/**
 * Proximity on the map: isolation buffer rings around the cluster (the required one bold, the other
 * hazard classes faint), lines to the nearest and violating zones, and the violating zones outlined.
 * `updateProximityLayers(map, …)` adds the sources/layers on first use and replaces their data after.
 */
import * as turf from '@turf/turf';
import type { FilterSpecification, GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { Feature, FeatureCollection, LineString, MultiPolygon, Point, Polygon, Position } from 'geojson';
import { BEFORE } from '../map/index.ts';
import { highlightResidentialZones, type ResidentialCollection } from './ResidentialLayer.ts';

export const PROXIMITY_SOURCES = { rings: 'analysis-proximity-rings', lines: 'analysis-proximity-lines', cluster: 'analysis-proximity-cluster' } as const;
export const PROXIMITY_LAYERS = {
  rings: 'analysis-proximity-rings',
  lines: 'analysis-proximity-lines',
  lineLabels: 'analysis-proximity-line-labels',
  clusterFill: 'analysis-proximity-cluster-fill',
  clusterLine: 'analysis-proximity-cluster-line',
  /** a cluster without a boundary: its location */
  clusterPoint: 'analysis-proximity-cluster-point',
} as const;

/** The contract of GET /api/clusters/:id/proximity and POST /api/analysis/proximity (plus extras). */
export interface ProximityResult {
  nearest: { id: number; kind: string; distance_m: number; name?: string | null } | null;
  within_isolation: { id: number; kind: string; distance_m: number; name?: string | null }[];
  isolation_m: number;
  residential_inside_ha: number;
  green_buffer_ok: boolean;
  hazard_class?: string | null;
  warnings?: { code: string; message: string; message_en: string }[];
  residential_inside_ids?: number[];
}

const CLASS_DISTANCES = [50, 100, 300, 500, 1000];
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

function ensureLayers(map: MapLibreMap): void {
  if (map.getSource(PROXIMITY_SOURCES.rings)) return;
  for (const id of Object.values(PROXIMITY_SOURCES)) map.addSource(id, { type: 'geojson', data: EMPTY });
  map.addLayer({
    id: PROXIMITY_LAYERS.rings,
    type: 'line',
    source: PROXIMITY_SOURCES.rings,
    paint: {
      'line-color': ['case', ['get', 'required'], '#c92a2a', '#495057'],
      'line-width': ['case', ['get', 'required'], 2.2, 0.8],
      'line-dasharray': [3, 2],
      'line-opacity': ['case', ['get', 'required'], 1, 0.55],
    },
  }, BEFORE.labels);
  map.addLayer({ id: PROXIMITY_LAYERS.clusterFill, type: 'fill', source: PROXIMITY_SOURCES.cluster, paint: { 'fill-color': '#1c7ed6', 'fill-opacity': 0.25 } }, BEFORE.labels);
  map.addLayer({ id: PROXIMITY_LAYERS.clusterLine, type: 'line', source: PROXIMITY_SOURCES.cluster, paint: { 'line-color': '#1864ab', 'line-width': 2 } }, BEFORE.labels);
  map.addLayer({
    id: PROXIMITY_LAYERS.clusterPoint,
    type: 'circle',
    source: PROXIMITY_SOURCES.cluster,
    filter: ['==', ['geometry-type'], 'Point'],
    paint: { 'circle-radius': 7, 'circle-color': '#ffffff', 'circle-stroke-color': '#1864ab', 'circle-stroke-width': 3 },
  });
  map.addLayer({
    id: PROXIMITY_LAYERS.lines,
    type: 'line',
    source: PROXIMITY_SOURCES.lines,
    paint: { 'line-color': ['case', ['get', 'violates'], '#c92a2a', '#2b8a3e'], 'line-width': 2 },
  });
  map.addLayer({
    id: PROXIMITY_LAYERS.lineLabels,
    type: 'symbol',
    source: PROXIMITY_SOURCES.lines,
    layout: { 'symbol-placement': 'line-center', 'text-field': ['get', 'label'], 'text-size': 12, 'text-font': ['Noto Sans', 'DejaVu Sans', 'sans-serif'] },
    paint: { 'text-color': '#212529', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
  });
}

function boundaryLines(g: Polygon | MultiPolygon): Feature<LineString>[] {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polys.flatMap((p) => p.map((ring) => turf.lineString(ring)));
}

/** The closest pair of points between two polygons' boundaries (for drawing; the server gives the metres). */
export function shortestLine(a: Polygon | MultiPolygon, b: Polygon | MultiPolygon): [Position, Position] {
  let best: [Position, Position] = [[0, 0], [0, 0]];
  let bestD = Infinity;
  for (const [from, to, flip] of [[a, b, false], [b, a, true]] as const) {
    const lines = boundaryLines(to);
    const vertices = (from.type === 'Polygon' ? [from.coordinates] : from.coordinates).flat(2);
    for (const v of vertices) {
      for (const line of lines) {
        const p = turf.nearestPointOnLine(line, v, { units: 'meters' });
        const d = p.properties.dist ?? Infinity;
        if (d < bestD) {
          bestD = d;
          best = flip ? [p.geometry.coordinates, v] : [v, p.geometry.coordinates];
        }
      }
    }
  }
  return best;
}

/**
 * Draws the proximity result for a cluster geometry. `zones` are the residential features already on the
 * map (ResidentialLayer), used to draw the lines; zones missing from it get no line.
 */
export function updateProximityLayers(
  map: MapLibreMap,
  input: { geometry: Polygon | MultiPolygon | Point | null; proximity: ProximityResult | null; zones: ResidentialCollection | null },
): void {
  ensureLayers(map);
  const { geometry, proximity, zones } = input;
  const set = (id: string, data: FeatureCollection) => map.getSource<GeoJSONSource>(id)?.setData(data);
  if (geometry?.type === 'Point') {
    // no boundary yet: the location only; distances from a point would understate them (not applicable)
    set(PROXIMITY_SOURCES.cluster, { type: 'FeatureCollection', features: [turf.feature(geometry)] });
    set(PROXIMITY_SOURCES.rings, EMPTY);
    set(PROXIMITY_SOURCES.lines, EMPTY);
    highlightResidentialZones(map, []);
    return;
  }
  if (!geometry || !proximity) {
    for (const id of Object.values(PROXIMITY_SOURCES)) set(id, EMPTY);
    highlightResidentialZones(map, []);
    return;
  }
  set(PROXIMITY_SOURCES.cluster, { type: 'FeatureCollection', features: [turf.feature(geometry)] });
  const distances = [...new Set([...CLASS_DISTANCES, proximity.isolation_m])].sort((x, y) => x - y);
  const rings = distances.map((d) => {
    const buffered = turf.buffer(turf.feature(geometry), d, { units: 'meters', steps: 16 });
    const outline = buffered ? turf.polygonToLine(buffered) : null;
    const feats = outline ? (outline.type === 'FeatureCollection' ? outline.features : [outline]) : [];
    return feats.map((f) => ({ ...f, properties: { distance_m: d, required: d === proximity.isolation_m } }));
  });
  set(PROXIMITY_SOURCES.rings, { type: 'FeatureCollection', features: rings.flat() as Feature[] });
  const targets = new Map<number, { distance_m: number; violates: boolean }>();
  for (const z of proximity.within_isolation) targets.set(z.id, { distance_m: z.distance_m, violates: true });
  if (proximity.nearest && !targets.has(proximity.nearest.id)) targets.set(proximity.nearest.id, { distance_m: proximity.nearest.distance_m, violates: false });
  const lines: Feature<LineString>[] = [];
  for (const f of zones?.features ?? []) {
    const t = targets.get(f.properties.id);
    if (!t || t.distance_m <= 0 || (f.geometry.type !== 'Polygon' && f.geometry.type !== 'MultiPolygon')) continue;
    const [p, q] = shortestLine(geometry, f.geometry);
    lines.push(turf.lineString([p, q], { id: f.properties.id, violates: t.violates, label: `${Math.round(t.distance_m)} m` }));
  }
  set(PROXIMITY_SOURCES.lines, { type: 'FeatureCollection', features: lines });
  highlightResidentialZones(map, [...proximity.within_isolation.map((z) => z.id), ...(proximity.residential_inside_ids ?? [])]);
}

export function clearProximityLayers(map: MapLibreMap): void {
  updateProximityLayers(map, { geometry: null, proximity: null, zones: null });
}

export type { FilterSpecification };
