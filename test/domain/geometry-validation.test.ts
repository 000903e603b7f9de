import { describe, it, expect } from 'vitest';
import {
  VIETNAM_EXTENT,
  findSelfIntersection,
  findSelfIntersectionWithin,
  removeDuplicateConsecutiveVertices,
  validateClusterGeometry,
  type GeometryIssueCode,
} from '../../server/domain/geometry-validation.ts';

type Pos = number[];
/** Local offsets in units of 0.001° around Hà Nội, so shapes stay readable. */
const at = (x: number, y: number): Pos => [105 + x * 0.001, 21 + y * 0.001];
const ring = (...pts: [number, number][]): Pos[] => pts.map(([x, y]) => at(x, y));
const square = (x0 = 0, y0 = 0, s = 10): Pos[] => ring([x0, y0], [x0 + s, y0], [x0 + s, y0 + s], [x0, y0 + s], [x0, y0]);
const poly = (...rings: Pos[][]) => ({ type: 'Polygon', coordinates: rings });
const feature = (geometry: unknown) => ({ type: 'Feature', properties: { name: 'Cụm công nghiệp A' }, geometry });
const codes = (input: unknown) => {
  const r = validateClusterGeometry(input);
  return { errors: r.errors.map((e) => e.code), warnings: r.warnings.map((w) => w.code), r };
};
const only = (input: unknown, code: GeometryIssueCode) => {
  const { errors, r } = codes(input);
  expect(errors).toEqual([code]);
  expect(r.ok).toBe(false);
  expect(r.geometry).toBeUndefined();
  return r.errors[0]!;
};

describe('accepts', () => {
  it('a Feature with a Polygon, returning the cleaned geometry', () => {
    const r = validateClusterGeometry(feature(poly(square())));
    expect(r).toEqual({ ok: true, errors: [], warnings: [], geometry: poly(square()) });
  });

  it('a bare Polygon and a MultiPolygon of disjoint parts', () => {
    expect(validateClusterGeometry(poly(square())).ok).toBe(true);
    const mp = { type: 'MultiPolygon', coordinates: [[square(0, 0)], [square(20, 0)]] };
    const r = validateClusterGeometry(mp);
    expect(r.ok).toBe(true);
    expect(r.geometry!.type).toBe('MultiPolygon');
  });

  it('a polygon with a hole, and a hole touching the shell at one point (OGC-valid)', () => {
    expect(validateClusterGeometry(poly(square(0, 0, 20), square(5, 5, 5).reverse())).ok).toBe(true);
    const touching = ring([10, 0], [15, 10], [5, 10], [10, 0]);
    expect(validateClusterGeometry(poly(square(0, 0, 20), touching)).ok).toBe(true);
  });

  it('two parts touching at a corner', () => {
    expect(validateClusterGeometry({ type: 'MultiPolygon', coordinates: [[square(0, 0)], [square(10, 10)]] }).ok).toBe(true);
  });

  it('coordinates exactly on the extent limits (inclusive)', () => {
    const e = VIETNAM_EXTENT;
    const r = [[e.minLon, e.maxLat - 0.01], [e.minLon + 0.01, e.maxLat - 0.01], [e.minLon + 0.01, e.maxLat], [e.minLon, e.maxLat - 0.01]];
    expect(validateClusterGeometry(poly(r)).ok).toBe(true);
  });
});

describe('not GeoJSON / wrong type', () => {
  it.each([null, 42, 'POLYGON((...))', [], {}, { type: 7 }])('%p → invalid-geojson', (input) => {
    only(input, 'invalid-geojson');
  });

  it('FeatureCollection is refused with a clear message', () => {
    const e = only({ type: 'FeatureCollection', features: [feature(poly(square()))] }, 'invalid-geojson');
    expect(e.message_en).toMatch(/FeatureCollection/);
  });

  it('a Feature without geometry', () => {
    only({ type: 'Feature', properties: {}, geometry: null }, 'missing-geometry');
    only({ type: 'Feature', properties: {} }, 'missing-geometry');
  });

  it.each([
    { type: 'Point', coordinates: [105, 21] },
    { type: 'LineString', coordinates: [at(0, 0), at(1, 1)] },
    { type: 'MultiLineString', coordinates: [[at(0, 0), at(1, 1)]] },
    { type: 'GeometryCollection', geometries: [] },
  ])('$type → unsupported-geometry-type', (g) => {
    const e = only(feature(g), 'unsupported-geometry-type');
    expect(e.path).toEqual(['geometry', 'type']);
  });

  it('an unknown geometry type is invalid GeoJSON', () => {
    only({ type: 'Circle', coordinates: [] }, 'invalid-geojson');
  });

  it('the geojson-validation package catches Feature-level problems (no "properties")', () => {
    const e = only({ type: 'Feature', geometry: poly(square()) }, 'invalid-geojson');
    expect(e.message_en).toMatch(/properties/);
    only({ ...feature(poly(square())), bbox: [1, 2, 3] }, 'invalid-geojson');
  });
});

describe('structure and numbers', () => {
  it('empty coordinates', () => {
    only(poly(), 'empty-geometry');
    only({ type: 'MultiPolygon', coordinates: [] }, 'empty-geometry');
    only({ type: 'MultiPolygon', coordinates: [[]] }, 'empty-geometry');
    only({ type: 'Polygon', coordinates: 'x' }, 'empty-geometry');
  });

  it('invalid positions are reported once with a count and a path', () => {
    const r = square();
    r[1] = ['105.01', 21] as unknown as Pos;
    r[2] = [105.01] as Pos;
    const e = only(feature(poly(r)), 'invalid-coordinate');
    expect(e.count).toBe(2);
    expect(e.path).toEqual(['geometry', 'coordinates', 0, 1]);
  });

  it.each([NaN, Infinity, -Infinity])('non-finite number %p', (bad) => {
    const r = square();
    r[2] = [bad, 21.01];
    only(poly(r), 'non-finite-coordinate');
  });

  it('Z values are dropped with a warning and a count', () => {
    const r = square().map(([x, y]) => [x!, y!, 12.5]);
    const res = validateClusterGeometry(poly(r));
    expect(res.ok).toBe(true);
    expect(res.warnings).toEqual([expect.objectContaining({ code: 'z-dropped', count: 5 })]);
    expect(res.geometry).toEqual(poly(square()));
  });
});

describe('rings', () => {
  it('a ring that is not closed, located at its first vertex', () => {
    const r = square().slice(0, 4);
    const e = only(feature(poly(r)), 'ring-not-closed');
    expect(e.location).toEqual(at(0, 0));
    expect(e.path).toEqual(['geometry', 'coordinates', 0]);
  });

  it('fewer than 4 positions', () => {
    const e = only(poly(ring([0, 0], [10, 0], [0, 0])), 'ring-too-short');
    expect(e.message_en).toMatch(/3 positions/);
  });

  it('4 positions after closing is the minimum (a triangle)', () => {
    expect(validateClusterGeometry(poly(ring([0, 0], [10, 0], [0, 10], [0, 0]))).ok).toBe(true);
  });

  it('too short once duplicates are removed', () => {
    const e = only(poly(ring([0, 0], [10, 0], [10, 0], [10, 0], [0, 0])), 'ring-too-short');
    expect(e.message_en).toMatch(/after removing duplicates/);
  });

  it('duplicate consecutive vertices are removed with a warning and count', () => {
    const r = ring([0, 0], [10, 0], [10, 0], [10, 10], [10, 10], [0, 10], [0, 0]);
    const res = validateClusterGeometry(feature(poly(r)));
    expect(res.ok).toBe(true);
    expect(res.warnings).toEqual([expect.objectContaining({ code: 'duplicate-vertices', count: 2 })]);
    expect(res.geometry).toEqual(poly(square()));
  });

  it('MultiPolygon paths include the polygon index', () => {
    const e = only({ type: 'MultiPolygon', coordinates: [[square()], [square(20, 0).slice(0, 4)]] }, 'ring-not-closed');
    expect(e.path).toEqual(['coordinates', 1, 0]);
  });
});

describe('extent', () => {
  it('outside Vietnam', () => {
    const th = [[100.5, 13.7], [100.51, 13.7], [100.51, 13.71], [100.5, 13.71], [100.5, 13.7]];
    const e = only(poly(th), 'outside-vietnam');
    expect(e.location).toEqual([100.5, 13.7]);
    expect(e.count).toBe(5);
  });

  it('one vertex just past the limit', () => {
    const r = [[101.9999, 21], [102.1, 21], [102.1, 21.1], [101.9999, 21]];
    const e = only(poly(r), 'outside-vietnam');
    expect(e.count).toBe(2);
    expect(e.location).toEqual([101.9999, 21]);
  });

  it('lat/lon swapped', () => {
    const swapped = square().map(([x, y]) => [y!, x!]);
    const e = only(feature(poly(swapped)), 'swapped-coordinates');
    expect(e.message_en).toMatch(/lat\/lon/);
    expect(e.message).toMatch(/vĩ độ\/kinh độ/);
  });

  it('partly swapped is plain outside-vietnam', () => {
    const r = square();
    r[1] = [r[1]![1]!, r[1]![0]!];
    only(poly(r), 'outside-vietnam');
  });
});

describe('self-intersection', () => {
  it('a bow-tie, located at the crossing', () => {
    const e = only(feature(poly(ring([0, 0], [10, 10], [10, 0], [0, 10], [0, 0]))), 'self-intersection');
    expect(e.location![0]).toBeCloseTo(105.005, 9);
    expect(e.location![1]).toBeCloseTo(21.005, 9);
    expect(e.count).toBe(1);
  });

  it('a figure-eight through one vertex', () => {
    const e = only(poly(ring([0, 0], [10, 0], [5, 5], [10, 10], [0, 10], [5, 5], [0, 0])), 'self-intersection');
    expect(e.location).toEqual(at(5, 5));
  });

  it('a spike (edge folding back)', () => {
    only(poly(ring([0, 0], [10, 0], [20, 0], [10, 0], [10, 10], [0, 10], [0, 0])), 'self-intersection');
  });

  it('a hole crossing its shell', () => {
    only(poly(square(0, 0, 10), square(5, 5, 10)), 'self-intersection');
  });

  it('parts of a MultiPolygon that cross or share an edge', () => {
    only({ type: 'MultiPolygon', coordinates: [[square(0, 0)], [square(5, 5)]] }, 'self-intersection');
    only({ type: 'MultiPolygon', coordinates: [[square(0, 0)], [square(10, 0)]] }, 'self-intersection');
  });

  it('reports the crossing of the earliest edge first, and counts all', () => {
    // a comb whose teeth (edges 2–5) all cut the bottom edge 0; the sweep meets them right to left
    const r = ring([0, 0], [30, 0], [30, 10], [20, -5], [20, 10], [10, -5], [10, 10], [0, 10], [0, 0]);
    const x = findSelfIntersection([[r]])!;
    expect(x.count).toBe(4);
    expect(x.edges).toEqual([[0, 0, 0], [0, 0, 2]]);
    expect(x.location[0]).toBeCloseTo(105 + (70 / 3) * 0.001, 9);
    expect(x.location[1]).toBeCloseTo(21, 9);
  });

  it('handles 10 000 vertices quickly and still finds one crossing', () => {
    const n = 10_000;
    const circle: Pos[] = [];
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * i) / n;
      circle.push([105.5 + 0.05 * Math.cos(a), 21 + 0.05 * Math.sin(a)]);
    }
    circle.push(circle[0]!);
    const t0 = performance.now();
    expect(validateClusterGeometry(poly(circle)).ok).toBe(true);
    const broken = circle.slice();
    [broken[100], broken[101]] = [broken[101]!, broken[100]!];
    const r = validateClusterGeometry(poly(broken));
    expect(r.errors.map((e) => e.code)).toEqual(['self-intersection']);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('removeDuplicateConsecutiveVertices', () => {
  it('compares in 2D, keeps the first of a run and the closing vertex', () => {
    const { positions, removed } = removeDuplicateConsecutiveVertices([[1, 1], [1, 1], [2, 2], [2, 2, 5], [3, 3], [1, 1]]);
    expect(positions).toEqual([[1, 1], [2, 2], [3, 3], [1, 1]]);
    expect(removed).toBe(2);
  });
  it('no-ops on clean input and empty input', () => {
    expect(removeDuplicateConsecutiveVertices(square())).toEqual({ positions: square(), removed: 0 });
    expect(removeDuplicateConsecutiveVertices([])).toEqual({ positions: [], removed: 0 });
  });
});

describe('bounded cost of the crossing check', () => {
  // teeth long in x, stacked in y: every edge overlaps every other in x, so a sweep on x visits n² pairs
  const horizontalComb = (teeth: number) => {
    const r: [number, number][] = [];
    for (let i = 0; i < teeth; i++) {
      const y = 22.3 + i * 1e-6;
      r.push([104.0, y], [104.05, y + 2.5e-7]);
    }
    r.push([103.99, 22.3 + teeth * 1e-6], [103.99, 22.3 - 1e-6], r[0]!);
    return r;
  };

  it('sweeps a comb of long horizontal teeth on y, well inside the budget', () => {
    const ring = horizontalComb(16_000);
    const budget = 20 * ring.length; // a sweep on x would need ~n²/2 = 5·10⁸ pairs
    const r = findSelfIntersectionWithin([[ring]], budget);
    expect(r.complete).toBe(true);
    expect(r.found).toBeNull();
  });

  it('leaves a pathological boundary to PostGIS instead of spending unbounded time', () => {
    // a star: every edge spans the figure in both axes
    const ring: [number, number][] = [];
    const spikes = 20_000;
    for (let i = 0; i < spikes; i++) {
      const a = (2 * Math.PI * i) / spikes;
      const b = (2 * Math.PI * (i + 0.5)) / spikes;
      ring.push([104 + 0.05 * Math.cos(a), 22.3 + 0.05 * Math.sin(a)], [104 + 0.0001 * Math.cos(b), 22.3 + 0.0001 * Math.sin(b)]);
    }
    ring.push(ring[0]!);
    expect(findSelfIntersectionWithin([[ring]], 1_000_000).complete).toBe(false);
    const result = validateClusterGeometry({ type: 'Polygon', coordinates: [ring] });
    expect(result.warnings.map((w) => w.code)).toContain('self-intersection-deferred');
  });
});
