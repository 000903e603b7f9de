/** Hand-built geometry for the analysis tests (independent of the code under test). */
import type { MultiPolygon, Polygon, Position } from 'geojson';
import * as turf from '@turf/turf';
import type { Queryable } from '../../server/db/database.ts';

const A = 6378137;
const F = 1 / 298.257223563;
const E2 = F * (2 - F);

/** Meridian radius of curvature (m) of the WGS 84 ellipsoid at a latitude. */
export function meridianRadius(latDeg: number): number {
  const s = Math.sin((latDeg * Math.PI) / 180);
  return (A * (1 - E2)) / (1 - E2 * s * s) ** 1.5;
}
/** Prime-vertical radius of curvature (m). */
export function primeVerticalRadius(latDeg: number): number {
  const s = Math.sin((latDeg * Math.PI) / 180);
  return A / Math.sqrt(1 - E2 * s * s);
}

/** Latitude degrees spanning `m` metres of meridian arc at this latitude (exact to well under a millimetre for short arcs). */
export const metresToDLat = (m: number, latDeg: number) => ((m / meridianRadius(latDeg)) * 180) / Math.PI;
export const metresToDLon = (m: number, latDeg: number) => ((m / (primeVerticalRadius(latDeg) * Math.cos((latDeg * Math.PI) / 180))) * 180) / Math.PI;

/** An axis-aligned lon/lat rectangle: west/south corner plus width/height in metres. */
export function rect(west: number, south: number, widthM: number, heightM: number): Polygon {
  const east = west + metresToDLon(widthM, south);
  const north = south + metresToDLat(heightM, south);
  return { type: 'Polygon', coordinates: [[[west, south], [east, south], [east, north], [west, north], [west, south]]] };
}

export function bounds(p: Polygon): { west: number; south: number; east: number; north: number } {
  const xs = p.coordinates[0]!.map((c) => c[0]!);
  const ys = p.coordinates[0]!.map((c) => c[1]!);
  return { west: Math.min(...xs), south: Math.min(...ys), east: Math.max(...xs), north: Math.max(...ys) };
}

/** A rect whose lon/lat extent is scaled until PostGIS geography gives exactly `ha` (to 1e-6 relative). */
export async function rectWithArea(db: Queryable, west: number, south: number, ha: number, aspect = 1): Promise<Polygon> {
  let w = Math.sqrt((ha * 10_000) / aspect);
  let poly = rect(west, south, w, w * aspect);
  for (let i = 0; i < 4; i++) {
    const r = await db.query<{ a: number }>('SELECT ST_Area(ST_GeomFromGeoJSON($1)::geography) / 10000 AS a', [JSON.stringify(poly)]);
    w *= Math.sqrt(ha / r.rows[0]!.a);
    poly = rect(west, south, w, w * aspect);
  }
  return poly;
}

export function multi(...polys: Polygon[]): MultiPolygon {
  return { type: 'MultiPolygon', coordinates: polys.map((p) => p.coordinates) };
}

/** Minimum distance between two polygons' boundaries, computed by turf (spherical), 0 if they intersect. */
export function turfDistanceM(a: Polygon | MultiPolygon, b: Polygon | MultiPolygon): number {
  const fa = turf.feature(a);
  const fb = turf.feature(b);
  if (turf.booleanIntersects(fa, fb)) return 0;
  const rings = (g: Polygon | MultiPolygon): Position[][] => (g.type === 'Polygon' ? g.coordinates : g.coordinates.flat());
  let best = Infinity;
  for (const [from, to] of [[a, b], [b, a]] as const) {
    for (const ring of rings(to)) {
      const line = turf.lineString(ring);
      for (const r of rings(from)) for (const p of r) best = Math.min(best, turf.pointToLineDistance(turf.point(p), line, { units: 'meters' }));
    }
  }
  return best;
}

export async function insertZone(db: Queryable, geometry: Polygon | MultiPolygon, kind = 'rural-settlement', name = 'Thôn thử'): Promise<number> {
  const r = await db.query<{ id: number }>(
    `INSERT INTO residential_zones (kind, name, source, geom) VALUES ($1, $2, 'test', ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($3), 4326))) RETURNING id`,
    [kind, name, JSON.stringify(geometry)],
  );
  return Number(r.rows[0]!.id);
}
