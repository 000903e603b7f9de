import type { Map as MapLibreMap, PointLike } from 'maplibre-gl';
import { geometryBbox } from '../../public-map/api.ts';
import { LAYERS } from '../../public-map/layers.ts';

export type Bbox = [number, number, number, number];

/** A cluster drawn in the visible part of the map, as the vector tiles describe it. */
export interface InViewCluster {
  id: string;
  code: string;
  name: string;
  status: string | null;
  province_code: string | null;
  /** Union of the tile fragments' extents: enough to fly there (tile coordinates are a few metres off at most). */
  bbox: Bbox | null;
}

export type InViewState =
  | { kind: 'layer-off' }
  | { kind: 'listed'; shown: InViewCluster[]; total: number };

/** More entries than this turn the list into a wall of tab stops: the rest is a "zoom in" note. */
export const MAX_LISTED = 30;

const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

function union(a: Bbox | null, b: Bbox | null): Bbox | null {
  if (!a) return b;
  if (!b) return a;
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

/**
 * The clusters rendered inside `box` (screen pixels), one entry per cluster although a polygon crossing tile
 * borders comes back once per tile and once per layer (dot and fill), sorted by name.
 * Null when the cluster layers are not on the map yet.
 */
export function queryClustersInView(map: MapLibreMap, box: [PointLike, PointLike] | null, limit = MAX_LISTED): InViewState | null {
  if (!map.getLayer(LAYERS.clusterFill)) return null;
  if (map.getLayoutProperty(LAYERS.clusterFill, 'visibility') === 'none') return { kind: 'layer-off' };
  if (!box) return { kind: 'listed', shown: [], total: 0 };
  const layers = [LAYERS.clusterPoint, LAYERS.clusterDot, LAYERS.clusterFill].filter((id) => map.getLayer(id));
  const byId = new Map<string, InViewCluster>();
  for (const f of map.queryRenderedFeatures(box, { layers })) {
    const p = f.properties;
    const code = p.code === undefined || p.code === null ? '' : String(p.code);
    if (!code) continue;
    const id = p.id === undefined || p.id === null ? code : String(p.id);
    const bbox = geometryBbox(f.geometry);
    const seen = byId.get(id);
    if (seen) seen.bbox = union(seen.bbox, bbox);
    else
      byId.set(id, {
        id,
        code,
        name: typeof p.name === 'string' && p.name ? p.name : code,
        status: typeof p.status === 'string' ? p.status : null,
        province_code: p.province_code === undefined || p.province_code === null ? null : String(p.province_code),
        bbox,
      });
  }
  const all = [...byId.values()].sort((a, b) => collator.compare(a.name, b.name) || collator.compare(a.code, b.code));
  return { kind: 'listed', shown: all.slice(0, limit), total: all.length };
}

/** A cheap fingerprint, so an idle map that shows the same clusters does not re-render the list. */
export function inViewKey(state: InViewState | null): string {
  if (!state) return '';
  if (state.kind === 'layer-off') return 'off';
  return `${state.total}|${state.shown.map((c) => `${c.id}:${c.name}:${c.status}:${c.bbox?.map((n) => n.toFixed(5)).join(' ')}`).join(',')}`;
}
