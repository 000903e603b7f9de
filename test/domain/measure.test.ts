import { describe, it, expect } from 'vitest';
import type { Polygon, MultiPolygon } from 'geojson';
import {
  areaHa,
  areaM2,
  distanceToBoundaryM,
  distanceToPolygonM,
  geodesicDistanceM,
  isolationMarginM,
  perimeterM,
  pointInPolygon,
  ringAreaM2,
  sphericalAreaHa,
  sphericalPerimeterM,
} from '../../server/domain/measure.ts';

/*
 * Reference values: PostGIS 3 (GeographicLib) ST_Area / ST_Perimeter / ST_Distance on geography,
 * WGS 84, computed once with the embedded PGlite+PostGIS and pasted here so the test stays pure.
 */
const sq21: Polygon = { type: 'Polygon', coordinates: [[[105, 21], [105.01, 21], [105.01, 21.01], [105, 21.01], [105, 21]]] };
const tri21: Polygon = { type: 'Polygon', coordinates: [[[105, 21], [105.01, 21], [105.01, 21.01], [105, 21]]] };
const sq8: Polygon = { type: 'Polygon', coordinates: [[[105, 8.5], [105.01, 8.5], [105.01, 8.51], [105, 8.51], [105, 8.5]]] };
const big: Polygon = { type: 'Polygon', coordinates: [[[105, 21], [105.1, 21], [105.1, 21.1], [105, 21.1], [105, 21]]] };
const irregular: Polygon = {
  type: 'Polygon',
  coordinates: [[[105.8, 21.0], [105.8123, 21.0011], [105.8151, 21.0087], [105.8064, 21.0132], [105.7992, 21.0071], [105.8, 21.0]]],
};
const holed: Polygon = {
  type: 'Polygon',
  coordinates: [
    [[106, 10.8], [106.02, 10.8], [106.02, 10.82], [106, 10.82], [106, 10.8]],
    [[106.005, 10.805], [106.005, 10.815], [106.015, 10.815], [106.015, 10.805], [106.005, 10.805]],
  ],
};
const multi: MultiPolygon = { type: 'MultiPolygon', coordinates: [sq21.coordinates, [holed.coordinates[0]!]] };

const REF: [string, Polygon | MultiPolygon, number, number][] = [
  ['0.01° square at 21°N', sq21, 1151091.712020874, 4293.680606215408],
  ['triangle (half of it)', tri21, 575565.0283141136, 3665.6704710713884],
  ['0.01° square at 8.5°N', sq8, 1217727.4650796652, 4414.038676119445],
  ['0.1° square at 21°N', big, 115075237.6951065, 42930.674708171326],
  ['irregular pentagon', irregular, 1669301.0626713336, 5006.286656911325],
  ['square with a hole', holed, 3628901.4466016293, 13198.21765388696],
  ['MultiPolygon', multi, 5989626.969093323, 13092.492358822128],
];
const rel = (a: number, b: number) => Math.abs(a / b - 1);

describe('ellipsoidal area agrees with PostGIS geography', () => {
  // edges are straight in an equal-area map here and geodesics in PostGIS: ~3e-5 on a 1.4 km diagonal
  it.each(REF)('%s: area within 0.01 %', (_n, g, area) => {
    expect(rel(areaM2(g), area)).toBeLessThan(1e-4);
    expect(areaHa(g)).toBeCloseTo(area / 10_000, 2);
  });

  it.each(REF)('%s: perimeter within 0.0001 %', (_n, g, _a, perimeter) => {
    expect(rel(perimeterM(g), perimeter)).toBeLessThan(1e-6);
  });

  it('accepts a Feature and ignores ring orientation', () => {
    const f = { type: 'Feature' as const, properties: {}, geometry: sq21 };
    expect(areaM2(f)).toBe(areaM2(sq21));
    expect(ringAreaM2([...sq21.coordinates[0]!].reverse())).toBeCloseTo(ringAreaM2(sq21.coordinates[0]!), 6);
  });

  it('a degenerate ring has zero area', () => {
    expect(ringAreaM2([[105, 21], [105.01, 21], [105, 21]])).toBe(0);
  });
});

describe('turf (spherical) is within 0.5 % at Vietnam latitudes', () => {
  it.each(REF)('%s', (_n, g, area, perimeter) => {
    const a = sphericalAreaHa(g) * 10_000;
    expect(rel(a, area)).toBeLessThan(0.005);
    expect(a).toBeGreaterThan(area); // sphere of equatorial radius overestimates: the reason areaHa is ellipsoidal
    expect(rel(sphericalPerimeterM(g), perimeter)).toBeLessThan(0.005);
  });

  it('southern tip (8.5°N) is the worst case but still < 0.5 %', () => {
    expect(rel(sphericalAreaHa(sq8) * 10_000, 1217727.4650796652)).toBeGreaterThan(0.003);
  });
});

describe('distances', () => {
  it('Vincenty matches textbook values', () => {
    expect(geodesicDistanceM([105, 21], [105, 21])).toBe(0);
    // one degree of latitude at the equator on WGS 84: 110 574.389 m
    expect(geodesicDistanceM([105, 0], [105, 1])).toBeCloseTo(110574.389, 2);
    // one degree of longitude on the equator: a·π/180 = 111 319.491 m
    expect(geodesicDistanceM([105, 0], [106, 0])).toBeCloseTo(111319.491, 2);
    // Hà Nội → TP. Hồ Chí Minh, symmetric
    const d = geodesicDistanceM([105.8342, 21.0278], [106.6297, 10.8231]);
    expect(d).toBeGreaterThan(1_130_000);
    expect(d).toBeLessThan(1_145_000);
    expect(geodesicDistanceM([106.6297, 10.8231], [105.8342, 21.0278])).toBeCloseTo(d, 3);
  });

  it('point to boundary agrees with PostGIS ST_Distance within 1 cm', () => {
    expect(distanceToBoundaryM([105.02, 21.005], sq21)).toBeCloseTo(1039.66938247, 2); // east of the square
    expect(distanceToBoundaryM([105.005, 21.005], sq21)).toBeCloseTo(519.83469149, 2); // centre, to the nearest side
    expect(Math.abs(distanceToBoundaryM([105.005, 21.02], sq21) - 1107.16413962)).toBeLessThan(0.01); // north
  });

  it('distance to a polygon is 0 inside, the boundary distance outside', () => {
    expect(pointInPolygon([105.005, 21.005], sq21)).toBe(true);
    expect(distanceToPolygonM([105.005, 21.005], sq21)).toBe(0);
    expect(distanceToPolygonM([105.02, 21.005], sq21)).toBeCloseTo(1039.669, 2);
  });

  it('a point in a hole is outside the polygon, and its distance is to the hole ring', () => {
    expect(pointInPolygon([106.01, 10.81], holed)).toBe(false);
    const d = distanceToPolygonM([106.01, 10.81], holed);
    expect(d).toBeGreaterThan(540);
    expect(d).toBeLessThan(555);
    expect(pointInPolygon([106.002, 10.81], holed)).toBe(true);
    expect(pointInPolygon([105.005, 21.005], multi)).toBe(true);
  });

  it('to a vertex when the perpendicular falls outside the segment', () => {
    const d = distanceToBoundaryM([105.02, 21.02], sq21);
    expect(d).toBeCloseTo(geodesicDistanceM([105.02, 21.02], [105.01, 21.01]), 6);
  });
});

describe('isolationMarginM', () => {
  it('positive with room to spare, zero at the limit, negative when violated', () => {
    expect(isolationMarginM(450, 'III')).toBe(150);
    expect(isolationMarginM(300, 'III')).toBe(0);
    expect(isolationMarginM(250, 'III')).toBe(-50);
    expect(isolationMarginM(1000, 'I')).toBe(0);
    expect(isolationMarginM(60, 'V')).toBe(10);
  });
  it('unknown class uses the strictest distance', () => {
    expect(isolationMarginM(450, null)).toBe(-550);
    expect(isolationMarginM(450, 'unknown')).toBe(-550);
  });
});
