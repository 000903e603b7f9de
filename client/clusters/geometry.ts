import { areaHa as ellipsoidalAreaHa } from '@domain/measure';
import type { Geometry, Polygon, Position } from 'geojson';
import type { BoundaryGeometry } from './types.ts';

/** The polygons of a boundary, one per part (terra-draw edits Polygons only). */
export function polygonParts(geometry: BoundaryGeometry | null): Polygon[] {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return [geometry];
  return geometry.coordinates.map((coordinates) => ({ type: 'Polygon', coordinates }));
}

/** One part stays a Polygon; several become a MultiPolygon; none is null. */
export function combineParts(parts: Polygon[]): BoundaryGeometry | null {
  if (parts.length === 0) return null;
  if (parts.length === 1) return { type: 'Polygon', coordinates: parts[0].coordinates };
  return { type: 'MultiPolygon', coordinates: parts.map((p) => p.coordinates) };
}

/** Live area in ha on the WGS 84 ellipsoid (@domain/measure, agrees with PostGIS geography); the saved figure is the server's. */
export function areaHa(geometry: Geometry | null | undefined): number {
  if (!geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) return 0;
  return ellipsoidalAreaHa(geometry);
}

/** [minLon, minLat, maxLon, maxLat] of any geometry, or null for an empty one. */
export function bboxOf(geometry: Geometry | null | undefined): [number, number, number, number] | null {
  if (!geometry) return null;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as Position;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  if (geometry.type === 'GeometryCollection') geometry.geometries.forEach((g) => visit((g as { coordinates?: unknown }).coordinates));
  else visit(geometry.coordinates);
  return Number.isFinite(minX) ? [minX, minY, maxX, maxY] : null;
}

/** Rounds coordinates (1e-7° ≈ 1 cm) so drawn boundaries do not carry 15 meaningless digits. */
export function roundGeometry<T extends BoundaryGeometry>(geometry: T, digits = 7): T {
  const f = 10 ** digits;
  const round = (c: unknown): unknown => (typeof (c as number[])[0] === 'number' ? (c as number[]).map((v) => Math.round(v * f) / f) : (c as unknown[]).map(round));
  return { ...geometry, coordinates: round(geometry.coordinates) } as T;
}
