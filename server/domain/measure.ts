/**
 * Area, length and proximity shared by the browser and the server.
 * The primary functions work on the WGS 84 ellipsoid so the browser agrees with PostGIS
 * geography (ST_Area/ST_Distance) to well under 0.01 % on cluster-sized shapes; turf's
 * spherical formulas are 0.2–0.5 % off at Vietnam's latitudes, enough to flip a 75 ha limit.
 * The turf versions are kept (spherical*) for comparison and for code that already uses turf.
 */
import { area as turfArea, length as turfLength } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { isolationDistanceM, type IsolationDistanceTable } from './hazard.ts';

export const WGS84 = { a: 6378137, f: 1 / 298.257223563 } as const;
const A = WGS84.a;
const F = WGS84.f;
const B = A * (1 - F);
const E2 = F * (2 - F);
const E = Math.sqrt(E2);
const RAD = Math.PI / 180;

type Areal = Polygon | MultiPolygon | Feature<Polygon | MultiPolygon>;

function polygonsOf(g: Areal): Position[][][] {
  const geom = g.type === 'Feature' ? g.geometry : g;
  return geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
}

/**
 * ∫ M·N·cosφ dφ from the equator: with x = λ and y = this, the map (λ, φ) → (x, y) is equal-area
 * on the ellipsoid (cylindrical equal-area), so a shoelace sum gives the ellipsoidal area.
 */
function authalicY(phi: number): number {
  const s = Math.sin(phi);
  return ((B * B) / 2) * (s / (1 - E2 * s * s) + (1 / (2 * E)) * Math.log((1 + E * s) / (1 - E * s)));
}

/**
 * Unsigned ellipsoidal area of one ring in m². Edges are straight in the equal-area map, not
 * geodesics as in PostGIS: the difference is ~3e-5 of the area for km-long diagonal edges.
 */
export function ringAreaM2(ring: readonly Position[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1, y1] = ring[i] as [number, number];
    const [x2, y2] = ring[i + 1] as [number, number];
    sum += (x2 - x1) * RAD * (authalicY(y1 * RAD) + authalicY(y2 * RAD));
  }
  return Math.abs(sum / 2);
}

/** Ellipsoidal area in m²: outer rings minus holes. */
export function areaM2(geom: Areal): number {
  let total = 0;
  for (const rings of polygonsOf(geom)) {
    rings.forEach((ring, i) => {
      total += i === 0 ? ringAreaM2(ring) : -ringAreaM2(ring);
    });
  }
  return total;
}

export function areaHa(geom: Areal): number {
  return areaM2(geom) / 10_000;
}

/** turf's spherical area (R = 6378137 m), in ha: about 0.3 % high at 21°N, 0.4 % at 8°N. */
export function sphericalAreaHa(geom: Areal): number {
  return turfArea(geom) / 10_000;
}

/**
 * Geodesic distance on WGS 84 (Vincenty's inverse formula, sub-millimetre). Falls back to the
 * spherical value for nearly antipodal points where the iteration does not converge.
 */
export function geodesicDistanceM(p: Position, q: Position): number {
  const L = ((q[0] as number) - (p[0] as number)) * RAD;
  const U1 = Math.atan((1 - F) * Math.tan((p[1] as number) * RAD));
  const U2 = Math.atan((1 - F) * Math.tan((q[1] as number) * RAD));
  const sinU1 = Math.sin(U1);
  const cosU1 = Math.cos(U1);
  const sinU2 = Math.sin(U2);
  const cosU2 = Math.cos(U2);
  let lambda = L;
  for (let iter = 0; iter < 200; iter++) {
    const sinL = Math.sin(lambda);
    const cosL = Math.cos(lambda);
    const sinSigma = Math.sqrt((cosU2 * sinL) ** 2 + (cosU1 * sinU2 - sinU1 * cosU2 * cosL) ** 2);
    if (sinSigma === 0) return 0;
    const cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosL;
    const sigma = Math.atan2(sinSigma, cosSigma);
    const sinAlpha = (cosU1 * cosU2 * sinL) / sinSigma;
    const cos2Alpha = 1 - sinAlpha * sinAlpha;
    const cos2SigmaM = cos2Alpha === 0 ? 0 : cosSigma - (2 * sinU1 * sinU2) / cos2Alpha;
    const C = (F / 16) * cos2Alpha * (4 + F * (4 - 3 * cos2Alpha));
    const prev = lambda;
    lambda = L + (1 - C) * F * sinAlpha * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
    if (Math.abs(lambda - prev) < 1e-12) {
      const u2 = (cos2Alpha * (A * A - B * B)) / (B * B);
      const Acoef = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
      const Bcoef = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
      const dSigma =
        Bcoef *
        sinSigma *
        (cos2SigmaM + (Bcoef / 4) * (cosSigma * (-1 + 2 * cos2SigmaM ** 2) - (Bcoef / 6) * cos2SigmaM * (-3 + 4 * sinSigma ** 2) * (-3 + 4 * cos2SigmaM ** 2)));
      return B * Acoef * (sigma - dSigma);
    }
  }
  // not converged (antipodal): haversine on the mean sphere is good enough for a fallback
  const dLat = ((q[1] as number) - (p[1] as number)) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos((p[1] as number) * RAD) * Math.cos((q[1] as number) * RAD) * Math.sin(L / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Geodesic perimeter in m, holes included (as PostGIS ST_Perimeter on geography). */
export function perimeterM(geom: Areal): number {
  let total = 0;
  for (const rings of polygonsOf(geom)) {
    for (const ring of rings) {
      for (let i = 0; i + 1 < ring.length; i++) total += geodesicDistanceM(ring[i]!, ring[i + 1]!);
    }
  }
  return total;
}

/** turf's spherical perimeter in m (mean radius), for comparison. */
export function sphericalPerimeterM(geom: Areal): number {
  return turfLength(geom.type === 'Feature' ? geom : { type: 'Feature', properties: {}, geometry: geom }, { units: 'meters' });
}

/**
 * Distance from a point to a segment: the closest point is found in a local plane around the
 * point (ellipsoidal radii of curvature), then measured exactly with Vincenty. The distance is
 * stationary at the minimum, so the small planar error in locating it does not show.
 */
function pointSegmentM(p: Position, a: Position, b: Position): number {
  const phi0 = (p[1] as number) * RAD;
  const s = Math.sin(phi0);
  const w = Math.sqrt(1 - E2 * s * s);
  const N = A / w;
  const M = (A * (1 - E2)) / (w * w * w);
  const kx = N * Math.cos(phi0) * RAD;
  const ky = M * RAD;
  const ax = ((a[0] as number) - (p[0] as number)) * kx;
  const ay = ((a[1] as number) - (p[1] as number)) * ky;
  const bx = ((b[0] as number) - (p[0] as number)) * kx;
  const by = ((b[1] as number) - (p[1] as number)) * ky;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
  const c: Position = [(a[0] as number) + t * ((b[0] as number) - (a[0] as number)), (a[1] as number) + t * ((b[1] as number) - (a[1] as number))];
  return geodesicDistanceM(p, c);
}

/** Shortest distance in m from a point to the polygon's boundary (any ring), inside or outside. */
export function distanceToBoundaryM(point: Position, geom: Areal): number {
  let best = Infinity;
  for (const rings of polygonsOf(geom)) {
    for (const ring of rings) {
      for (let i = 0; i + 1 < ring.length; i++) best = Math.min(best, pointSegmentM(point, ring[i]!, ring[i + 1]!));
    }
  }
  return best;
}

/** Even-odd ray casting in lon/lat; fine for cluster-sized polygons away from the poles and antimeridian. */
export function pointInPolygon(point: Position, geom: Areal): boolean {
  const [x, y] = point as [number, number];
  for (const rings of polygonsOf(geom)) {
    let inside = false;
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i] as [number, number];
        const [xj, yj] = ring[j] as [number, number];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
    if (inside) return true;
  }
  return false;
}

/** Distance in m from a point to a polygon: 0 inside, else to the boundary (as ST_Distance on geography). */
export function distanceToPolygonM(point: Position, geom: Areal): number {
  return pointInPolygon(point, geom) ? 0 : distanceToBoundaryM(point, geom);
}

/**
 * How far beyond the required isolation distance something is: positive = margin to spare,
 * negative = violation by that many metres. Unknown hazard class → strictest distance.
 */
export function isolationMarginM(distance_m: number, hazard_class: unknown, table?: IsolationDistanceTable): number {
  return distance_m - isolationDistanceM(hazard_class, table);
}
