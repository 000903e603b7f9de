import type { FeatureCollection, Geometry } from 'geojson';

type Position = number[];

function rings(g: Geometry | null): Position[][] {
  if (!g) return [];
  if (g.type === 'Polygon') return g.coordinates;
  if (g.type === 'MultiPolygon') return g.coordinates.flat();
  return [];
}

export interface Projection {
  width: number;
  height: number;
  project(lon: number, lat: number): [number, number];
}

/** An equirectangular projection scaled by cos(latitude) that fits a collection in `width` pixels. */
export function fitProjection(fc: FeatureCollection, width: number): Projection {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const f of fc.features) for (const ring of rings(f.geometry)) for (const [x, y] of ring) {
    minX = Math.min(minX, x!);
    maxX = Math.max(maxX, x!);
    minY = Math.min(minY, y!);
    maxY = Math.max(maxY, y!);
  }
  if (!Number.isFinite(minX)) return { width, height: width, project: () => [0, 0] };
  const k = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  const sx = (maxX - minX) * k;
  const sy = maxY - minY;
  const scale = width / sx;
  return { width, height: Math.ceil(sy * scale), project: (lon, lat) => [(lon - minX) * k * scale, (maxY - lat) * scale] };
}

/** SVG path data of a polygonal geometry (1 decimal: sub-pixel). */
export function pathOf(g: Geometry | null, p: Projection): string {
  return rings(g)
    .map((ring) => 'M' + ring.map(([x, y]) => p.project(x!, y!).map((v) => v.toFixed(1)).join(',')).join('L') + 'Z')
    .join('');
}
