/**
 * The one cluster-boundary validator shared by the browser (instant feedback while drawing or
 * importing) and the server (before PostGIS, which stays the final authority with ST_IsValid).
 * Returns every problem with a code, bilingual message and, where possible, a location to show
 * on the map, plus a cleaned 2D geometry (duplicate consecutive vertices removed) when valid.
 * Not checked here (left to PostGIS): holes outside their shell, nested shells, rings touching
 * at several points.
 */
import GJV from 'geojson-validation';
import type { MultiPolygon, Point, Polygon, Position } from 'geojson';
import { GEOMETRY_MAX_VERTICES } from './limits.ts';

/** Generous extent of Vietnam including Hoàng Sa and Trường Sa (WGS 84 degrees, inclusive). */
export const VIETNAM_EXTENT = { minLon: 102.0, maxLon: 117.5, minLat: 6.5, maxLat: 23.5 } as const;

export type GeometryIssueCode =
  | 'invalid-geojson'
  | 'missing-geometry'
  | 'unsupported-geometry-type'
  | 'empty-geometry'
  | 'invalid-coordinate'
  | 'non-finite-coordinate'
  | 'ring-not-closed'
  | 'ring-too-short'
  | 'outside-vietnam'
  | 'swapped-coordinates'
  | 'self-intersection'
  | 'duplicate-vertices'
  | 'z-dropped'
  | 'too-many-vertices'
  | 'self-intersection-deferred';

export interface ValidationIssue {
  code: GeometryIssueCode;
  message: string;
  message_en: string;
  /** [lon, lat] of the problem, for a map marker. */
  location?: [number, number];
  /** Path into the input object, e.g. ['geometry', 'coordinates', 0, 3]. */
  path?: (string | number)[];
  /** How many occurrences this one issue stands for (repeated problems are reported once). */
  count?: number;
}

export interface GeometryValidationResult {
  ok: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  /** Cleaned 2D geometry; present only when ok. */
  geometry?: Polygon | MultiPolygon;
}

type XY = [number, number];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const GEOJSON_GEOMETRY_TYPES = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'GeometryCollection'];

/** Drops repeated consecutive positions (compared in 2D); returns the kept positions and how many went. */
export function removeDuplicateConsecutiveVertices<P extends Position>(positions: readonly P[]): { positions: P[]; removed: number } {
  const out: P[] = [];
  for (const p of positions) {
    const last = out[out.length - 1];
    if (last && last[0] === p[0] && last[1] === p[1]) continue;
    out.push(p);
  }
  return { positions: out, removed: positions.length - out.length };
}

const inVietnam = (lon: number, lat: number) =>
  lon >= VIETNAM_EXTENT.minLon && lon <= VIETNAM_EXTENT.maxLon && lat >= VIETNAM_EXTENT.minLat && lat <= VIETNAM_EXTENT.maxLat;

/**
 * Positions in a Feature's or geometry's coordinates, counted without recursion and stopping once past
 * `stopAbove` (a hostile input may be huge or deep).
 */
export function countPositions(input: unknown, stopAbove = Infinity): number {
  const root = isObj(input) && input.type === 'Feature' && isObj(input.geometry) ? input.geometry.coordinates : isObj(input) ? input.coordinates : undefined;
  if (!Array.isArray(root)) return 0;
  let count = 0;
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (!Array.isArray(v)) continue;
    if (typeof v[0] === 'number') {
      if (++count > stopAbove) return count;
    } else for (const child of v) stack.push(child);
  }
  return count;
}

/* ------------------------------------------------------------ self-intersection */

interface Segment {
  poly: number;
  ring: number;
  edge: number;
  edges: number; // edges in this ring
  order: number; // global traversal index, to pick the "first" crossing deterministically
  ax: number;
  ay: number;
  bx: number;
  by: number;
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

const orient = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number) => {
  const v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
};
const onSeg = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number) =>
  Math.min(ax, bx) <= cx && cx <= Math.max(ax, bx) && Math.min(ay, by) <= cy && cy <= Math.max(ay, by);

type Hit = { kind: 'cross' | 'touch' | 'overlap'; at: XY };

/** Intersection of two closed segments: proper crossing, touch at one point, or collinear overlap. */
function intersect(s: Segment, t: Segment): Hit | null {
  const o1 = orient(s.ax, s.ay, s.bx, s.by, t.ax, t.ay);
  const o2 = orient(s.ax, s.ay, s.bx, s.by, t.bx, t.by);
  const o3 = orient(t.ax, t.ay, t.bx, t.by, s.ax, s.ay);
  const o4 = orient(t.ax, t.ay, t.bx, t.by, s.bx, s.by);
  if (o1 * o2 < 0 && o3 * o4 < 0) {
    const d = (s.bx - s.ax) * (t.by - t.ay) - (s.by - s.ay) * (t.bx - t.ax);
    const u = ((t.ax - s.ax) * (t.by - t.ay) - (t.ay - s.ay) * (t.bx - t.ax)) / d;
    return { kind: 'cross', at: [s.ax + u * (s.bx - s.ax), s.ay + u * (s.by - s.ay)] };
  }
  if (o1 === 0 && o2 === 0) {
    // collinear: overlap of the two projections
    const useX = s.ax !== s.bx;
    const key = (x: number, y: number) => (useX ? x : y);
    const s0 = Math.min(key(s.ax, s.ay), key(s.bx, s.by));
    const s1 = Math.max(key(s.ax, s.ay), key(s.bx, s.by));
    const t0 = Math.min(key(t.ax, t.ay), key(t.bx, t.by));
    const t1 = Math.max(key(t.ax, t.ay), key(t.bx, t.by));
    const lo = Math.max(s0, t0);
    const hi = Math.min(s1, t1);
    if (lo > hi) return null;
    const pts: XY[] = [[t.ax, t.ay], [t.bx, t.by], [s.ax, s.ay], [s.bx, s.by]];
    const at = pts.find(([x, y]) => key(x, y) === lo) ?? [t.ax, t.ay];
    return { kind: lo < hi ? 'overlap' : 'touch', at };
  }
  if (o1 === 0 && onSeg(s.ax, s.ay, s.bx, s.by, t.ax, t.ay)) return { kind: 'touch', at: [t.ax, t.ay] };
  if (o2 === 0 && onSeg(s.ax, s.ay, s.bx, s.by, t.bx, t.by)) return { kind: 'touch', at: [t.bx, t.by] };
  if (o3 === 0 && onSeg(t.ax, t.ay, t.bx, t.by, s.ax, s.ay)) return { kind: 'touch', at: [s.ax, s.ay] };
  if (o4 === 0 && onSeg(t.ax, t.ay, t.bx, t.by, s.bx, s.by)) return { kind: 'touch', at: [s.bx, s.by] };
  return null;
}

/** Edges sharing a vertex in the same ring (including last–first). */
function adjacent(s: Segment, t: Segment): boolean {
  if (s.poly !== t.poly || s.ring !== t.ring) return false;
  const d = Math.abs(s.edge - t.edge);
  return d === 1 || d === s.edges - 1;
}

/** Adjacent edges folding back on themselves (a spike A→B→A'): zero-width, invalid. */
function spike(s: Segment, t: Segment): XY | null {
  // orient so that s ends where t starts
  const [p, q] = s.edge + 1 === t.edge || (t.edge === 0 && s.edge === s.edges - 1) ? [s, t] : [t, s];
  const bx = p.bx;
  const by = p.by;
  if (orient(p.ax, p.ay, bx, by, q.bx, q.by) !== 0) return null;
  const dot = (p.ax - bx) * (q.bx - bx) + (p.ay - by) * (q.by - by);
  return dot > 0 ? [bx, by] : null;
}

export interface SelfIntersection {
  location: XY;
  /** [polygon, ring, edge] of the two edges. */
  edges: [[number, number, number], [number, number, number]];
  /** Total number of offending edge pairs found. */
  count: number;
}

/** Candidate edge pairs the quick check may visit; past it, PostGIS (ST_IsValid, GEOS) decides. ~50 ms of work. */
export const SELF_INTERSECTION_PAIR_BUDGET = 10_000_000;

/**
 * Finds crossings between edges of closed rings. Sweep over edges sorted on the axis where edges are
 * shortest relative to the extent (a comb of long horizontal teeth is swept on y), with a bbox prefilter:
 * about O(n log n) for ordinary boundaries. Within one ring any contact of non-adjacent edges is invalid;
 * between rings a single touching point is allowed (OGC), a crossing or a shared stretch is not.
 * The work is bounded: after `budget` candidate pairs it stops with `complete: false`.
 */
export function findSelfIntersectionWithin(
  polygons: readonly (readonly (readonly Position[])[])[],
  budget: number = SELF_INTERSECTION_PAIR_BUDGET,
): { found: SelfIntersection | null; complete: boolean } {
  const segs: Segment[] = [];
  let order = 0;
  polygons.forEach((rings, pi) =>
    rings.forEach((ring, ri) => {
      const edges = ring.length - 1;
      for (let k = 0; k < edges; k++) {
        const [ax, ay] = ring[k] as XY;
        const [bx, by] = ring[k + 1] as XY;
        segs.push({
          poly: pi, ring: ri, edge: k, edges, order: order++, ax, ay, bx, by,
          minX: Math.min(ax, bx), maxX: Math.max(ax, bx), minY: Math.min(ay, by), maxY: Math.max(ay, by),
        });
      }
    }),
  );
  let spanX = 0;
  let spanY = 0;
  let lo = [Infinity, Infinity];
  let hi = [-Infinity, -Infinity];
  for (const g of segs) {
    spanX += g.maxX - g.minX;
    spanY += g.maxY - g.minY;
    lo = [Math.min(lo[0]!, g.minX), Math.min(lo[1]!, g.minY)];
    hi = [Math.max(hi[0]!, g.maxX), Math.max(hi[1]!, g.maxY)];
  }
  const onY = spanY / Math.max(hi[1]! - lo[1]!, 1e-12) < spanX / Math.max(hi[0]! - lo[0]!, 1e-12);
  const start = onY ? (g: Segment) => g.minY : (g: Segment) => g.minX;
  const end = onY ? (g: Segment) => g.maxY : (g: Segment) => g.maxX;
  const sorted = [...segs].sort((a, b) => start(a) - start(b));
  let best: { key: [number, number]; at: XY; s: Segment; t: Segment } | null = null;
  let count = 0;
  let visited = 0;
  const record = (s: Segment, t: Segment, at: XY) => {
    count++;
    const key: [number, number] = s.order < t.order ? [s.order, t.order] : [t.order, s.order];
    if (!best || key[0] < best.key[0] || (key[0] === best.key[0] && key[1] < best.key[1])) best = { key, at, s, t };
  };
  for (let i = 0; i < sorted.length; i++) {
    const s = sorted[i]!;
    const sEnd = end(s);
    for (let j = i + 1; j < sorted.length; j++) {
      const t = sorted[j]!;
      if (start(t) > sEnd) break;
      if (++visited > budget) return { found: null, complete: false };
      if (t.minY > s.maxY || t.maxY < s.minY || t.minX > s.maxX || t.maxX < s.minX) continue;
      if (adjacent(s, t)) {
        // two-edge rings cannot occur (≥ 4 positions), but a triangle's edges are all adjacent
        const at = spike(s, t);
        if (at) record(s, t, at);
        continue;
      }
      const hit = intersect(s, t);
      if (!hit) continue;
      const sameRing = s.poly === t.poly && s.ring === t.ring;
      if (sameRing || hit.kind !== 'touch') record(s, t, hit.at);
    }
  }
  if (!best) return { found: null, complete: true };
  const b = best as { at: XY; s: Segment; t: Segment };
  const [first, second] = b.s.order < b.t.order ? [b.s, b.t] : [b.t, b.s];
  return {
    found: {
      location: b.at,
      edges: [
        [first.poly, first.ring, first.edge],
        [second.poly, second.ring, second.edge],
      ],
      count,
    },
    complete: true,
  };
}

/** The crossing check without a budget (tests, tools). */
export function findSelfIntersection(polygons: readonly (readonly (readonly Position[])[])[]): SelfIntersection | null {
  return findSelfIntersectionWithin(polygons, Infinity).found;
}

/* ------------------------------------------------------------------ validator */

function issue(code: GeometryIssueCode, message: string, message_en: string, extra: Partial<ValidationIssue> = {}): ValidationIssue {
  return { code, message, message_en, ...extra };
}

const fmt = (p: XY) => `[${p[0]}, ${p[1]}]`;

export interface GeometryValidationOptions {
  /**
   * A provisional (approximate) boundary: a self-intersection is a warning, not an error, and the geometry is
   * returned as drawn (the server stores PostGIS's repair of it).
   */
  provisional?: boolean;
}

/** Validates a GeoJSON Feature or geometry meant as a cluster boundary (Polygon/MultiPolygon). */
export function validateClusterGeometry(input: unknown, options: GeometryValidationOptions = {}): GeometryValidationResult {
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  const done = (): GeometryValidationResult => ({ ok: false, errors, warnings });
  // the cap bounds the cost of everything below, on anonymous endpoints too
  const vertices = countPositions(input, GEOMETRY_MAX_VERTICES);
  if (vertices > GEOMETRY_MAX_VERTICES) {
    errors.push(issue('too-many-vertices', `Hình học có hơn ${GEOMETRY_MAX_VERTICES} đỉnh`, `The geometry has more than ${GEOMETRY_MAX_VERTICES} vertices`, { count: 1 }));
    return done();
  }

  if (!isObj(input) || typeof input.type !== 'string') {
    errors.push(issue('invalid-geojson', 'Dữ liệu không phải GeoJSON (thiếu thuộc tính "type")', 'Not GeoJSON (no "type" member)'));
    return done();
  }
  let geom: unknown = input;
  let root: (string | number)[] = [];
  if (input.type === 'FeatureCollection') {
    errors.push(issue('invalid-geojson', 'Cần một Feature hoặc một geometry, không phải FeatureCollection', 'Expected one Feature or geometry, not a FeatureCollection'));
    return done();
  }
  if (input.type === 'Feature') {
    if (input.geometry === undefined || input.geometry === null) {
      errors.push(issue('missing-geometry', 'Feature không có hình học', 'Feature has no geometry', { path: ['geometry'] }));
      return done();
    }
    geom = input.geometry;
    root = ['geometry'];
  }
  if (!isObj(geom) || typeof geom.type !== 'string') {
    errors.push(issue('invalid-geojson', 'Hình học không hợp lệ (thiếu "type")', 'Invalid geometry (no "type")', { path: root }));
    return done();
  }
  const type = geom.type;
  if (type !== 'Polygon' && type !== 'MultiPolygon') {
    if (GEOJSON_GEOMETRY_TYPES.includes(type)) {
      errors.push(issue('unsupported-geometry-type', `Ranh giới cụm phải là Polygon hoặc MultiPolygon, không phải ${type}`, `A cluster boundary must be a Polygon or MultiPolygon, not ${type}`, { path: [...root, 'type'] }));
    } else {
      errors.push(issue('invalid-geojson', `Kiểu hình học không hợp lệ: ${type}`, `Unknown geometry type: ${type}`, { path: [...root, 'type'] }));
    }
    return done();
  }

  /* structure and coordinates */
  const coords = geom.coordinates;
  const polyList: unknown[] | null = type === 'Polygon' ? [coords] : Array.isArray(coords) ? coords : null;
  const polyPath = (pi: number): (string | number)[] => (type === 'Polygon' ? [...root, 'coordinates'] : [...root, 'coordinates', pi]);
  if (polyList === null || !Array.isArray(coords) || polyList.length === 0) {
    errors.push(issue('empty-geometry', 'Hình học không có toạ độ', 'Geometry has no coordinates', { path: [...root, 'coordinates'] }));
    return done();
  }
  const counters = new Map<GeometryIssueCode, ValidationIssue>();
  const once = (list: ValidationIssue[], i: ValidationIssue) => {
    const prev = counters.get(i.code);
    if (prev) prev.count = (prev.count ?? 1) + 1;
    else {
      i.count = 1;
      counters.set(i.code, i);
      list.push(i);
    }
  };
  const polys2d: XY[][][] = [];
  polyList.forEach((poly, pi) => {
    if (!Array.isArray(poly) || poly.length === 0) {
      once(errors, issue('empty-geometry', 'Đa giác không có vòng nào', 'Polygon has no rings', { path: polyPath(pi) }));
      return;
    }
    const rings: XY[][] = [];
    poly.forEach((ring, ri) => {
      const ringPath = [...polyPath(pi), ri];
      if (!Array.isArray(ring)) {
        once(errors, issue('invalid-coordinate', 'Vòng phải là một mảng toạ độ', 'A ring must be an array of positions', { path: ringPath }));
        return;
      }
      const pts: XY[] = [];
      ring.forEach((pos, k) => {
        const path = [...ringPath, k];
        if (!Array.isArray(pos) || pos.length < 2 || !pos.every((n) => typeof n === 'number')) {
          once(errors, issue('invalid-coordinate', `Toạ độ không hợp lệ: ${JSON.stringify(pos)}`, `Invalid position: ${JSON.stringify(pos)}`, { path }));
          return;
        }
        if (!pos.every((n) => Number.isFinite(n))) {
          once(errors, issue('non-finite-coordinate', 'Toạ độ chứa giá trị không hữu hạn (NaN/Infinity)', 'Position contains a non-finite number (NaN/Infinity)', { path }));
          return;
        }
        if (pos.length > 2) once(warnings, issue('z-dropped', 'Đã bỏ toạ độ độ cao (Z)', 'Z (elevation) values were dropped', { path }));
        pts.push([pos[0] as number, pos[1] as number]);
      });
      rings.push(pts);
    });
    polys2d.push(rings);
  });
  if (errors.length > 0) return done();

  /* rings: closed, duplicates, length */
  let removedTotal = 0;
  const cleaned: XY[][][] = polys2d.map((rings, pi) =>
    rings.map((ring, ri) => {
      const path = [...polyPath(pi), ri];
      const first = ring[0];
      const last = ring[ring.length - 1];
      if (ring.length > 0 && (first![0] !== last![0] || first![1] !== last![1])) {
        errors.push(issue('ring-not-closed', `Vòng ${ri} của đa giác ${pi} không khép kín (điểm đầu ${fmt(first!)} khác điểm cuối ${fmt(last!)})`, `Ring ${ri} of polygon ${pi} is not closed (first ${fmt(first!)} ≠ last ${fmt(last!)})`, { path, location: first }));
      }
      const { positions, removed } = removeDuplicateConsecutiveVertices(ring);
      removedTotal += removed;
      if (ring.length < 4) {
        errors.push(issue('ring-too-short', `Vòng ${ri} của đa giác ${pi} chỉ có ${ring.length} điểm (cần ít nhất 4)`, `Ring ${ri} of polygon ${pi} has ${ring.length} positions (at least 4 needed)`, { path, location: first }));
      } else if (positions.length < 4) {
        errors.push(issue('ring-too-short', `Vòng ${ri} của đa giác ${pi} còn ${positions.length} điểm sau khi bỏ điểm trùng (cần ít nhất 4)`, `Ring ${ri} of polygon ${pi} has ${positions.length} positions after removing duplicates (at least 4 needed)`, { path, location: first }));
      }
      return positions;
    }),
  );
  if (removedTotal > 0) {
    warnings.push(issue('duplicate-vertices', `Đã bỏ ${removedTotal} điểm trùng liên tiếp`, `Removed ${removedTotal} duplicate consecutive vertices`, { count: removedTotal }));
  }

  /* extent, and the classic lat/lon swap */
  const all = cleaned.flat(2);
  const outside = all.filter(([x, y]) => !inVietnam(x, y));
  if (all.length > 0 && outside.length === all.length && all.every(([x, y]) => inVietnam(y, x))) {
    errors.push(issue('swapped-coordinates', 'Toạ độ có vẻ bị đảo vĩ độ/kinh độ (lat/lon): GeoJSON yêu cầu thứ tự [kinh độ, vĩ độ]', 'Coordinates look swapped (lat/lon): GeoJSON requires [longitude, latitude] order', { location: all[0], count: all.length }));
  } else if (outside.length > 0) {
    const e = VIETNAM_EXTENT;
    errors.push(issue('outside-vietnam', `${outside.length} điểm nằm ngoài phạm vi Việt Nam (kinh độ ${e.minLon}–${e.maxLon}, vĩ độ ${e.minLat}–${e.maxLat}), ví dụ ${fmt(outside[0]!)}`, `${outside.length} position(s) outside Vietnam (lon ${e.minLon}–${e.maxLon}, lat ${e.minLat}–${e.maxLat}), e.g. ${fmt(outside[0]!)}`, { location: outside[0], count: outside.length }));
  }
  if (errors.length > 0) return done();

  const crossing = findSelfIntersectionWithin(cleaned);
  if (!crossing.complete) {
    warnings.push(issue('self-intersection-deferred', 'Ranh giới quá phức tạp cho kiểm tra nhanh; PostGIS sẽ kiểm tra tính hợp lệ', 'The boundary is too complex for the quick check; PostGIS checks its validity'));
  }
  const x = crossing.found;
  if (x) {
    const [[p1, r1, e1], [p2, r2, e2]] = x.edges;
    const found = issue('self-intersection', `Ranh giới tự cắt tại ${fmt(x.location)} (cạnh ${e1} vòng ${r1} đa giác ${p1} và cạnh ${e2} vòng ${r2} đa giác ${p2})${x.count > 1 ? `; tổng ${x.count} chỗ` : ''}`, `Boundary self-intersects at ${fmt(x.location)} (edge ${e1} of ring ${r1}, polygon ${p1} and edge ${e2} of ring ${r2}, polygon ${p2})${x.count > 1 ? `; ${x.count} in total` : ''}`, { location: x.location, count: x.count, path: polyPath(p1) });
    if (!options.provisional) {
      errors.push(found);
      return done();
    }
    warnings.push(found);
  }

  /* generic GeoJSON conformance of the wrapper (bbox, Feature members); the library throws on some malformed input */
  let trace: string[];
  try {
    trace = GJV.valid(input, true);
  } catch (e) {
    trace = [`geojson-validation: ${e instanceof Error ? e.message : String(e)}`];
  }
  if (trace.length > 0) {
    errors.push(issue('invalid-geojson', `GeoJSON không hợp lệ: ${trace[0]}`, `Invalid GeoJSON: ${trace[0]}`, { count: trace.length }));
    return done();
  }

  const geometry: Polygon | MultiPolygon =
    type === 'Polygon' ? { type: 'Polygon', coordinates: cleaned[0]! } : { type: 'MultiPolygon', coordinates: cleaned };
  return { ok: true, errors, warnings, geometry };
}

export interface ShapeValidationResult {
  ok: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  /** Cleaned 2D geometry; present only when ok. */
  geometry?: Polygon | MultiPolygon | Point;
}

/** The geometry type of a Feature or geometry object, if it has one. */
export function geometryTypeOf(input: unknown): string | null {
  if (!isObj(input)) return null;
  const g = input.type === 'Feature' ? input.geometry : input;
  return isObj(g) && typeof g.type === 'string' ? g.type : null;
}

/**
 * A cluster's geometry: a boundary (see validateClusterGeometry) or, for a cluster without a boundary yet, its
 * location Point (finite, in Vietnam, and not lat/lon swapped).
 */
export function validateClusterShape(input: unknown, options: GeometryValidationOptions = {}): ShapeValidationResult {
  if (geometryTypeOf(input) !== 'Point') return validateClusterGeometry(input, options);
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  const g = (isObj(input) && input.type === 'Feature' ? input.geometry : input) as Record<string, unknown>;
  const pos = g.coordinates;
  const path = [...(isObj(input) && input.type === 'Feature' ? ['geometry'] : []), 'coordinates'];
  if (!Array.isArray(pos) || pos.length < 2 || !pos.every((n) => typeof n === 'number')) {
    errors.push(issue('invalid-coordinate', `Toạ độ điểm không hợp lệ: ${JSON.stringify(pos)}`, `Invalid point position: ${JSON.stringify(pos)}`, { path }));
    return { ok: false, errors, warnings };
  }
  if (!pos.every((n) => Number.isFinite(n))) {
    errors.push(issue('non-finite-coordinate', 'Toạ độ chứa giá trị không hữu hạn (NaN/Infinity)', 'Position contains a non-finite number (NaN/Infinity)', { path }));
    return { ok: false, errors, warnings };
  }
  if (pos.length > 2) warnings.push(issue('z-dropped', 'Đã bỏ toạ độ độ cao (Z)', 'Z (elevation) values were dropped', { path, count: 1 }));
  const [x, y] = pos as [number, number];
  if (!inVietnam(x, y)) {
    if (inVietnam(y, x)) {
      errors.push(issue('swapped-coordinates', 'Toạ độ có vẻ bị đảo vĩ độ/kinh độ (lat/lon): GeoJSON yêu cầu thứ tự [kinh độ, vĩ độ]', 'Coordinates look swapped (lat/lon): GeoJSON requires [longitude, latitude] order', { location: [x, y], count: 1, path }));
    } else {
      const e = VIETNAM_EXTENT;
      errors.push(issue('outside-vietnam', `Điểm ${fmt([x, y])} nằm ngoài phạm vi Việt Nam (kinh độ ${e.minLon}–${e.maxLon}, vĩ độ ${e.minLat}–${e.maxLat})`, `Point ${fmt([x, y])} is outside Vietnam (lon ${e.minLon}–${e.maxLon}, lat ${e.minLat}–${e.maxLat})`, { location: [x, y], count: 1, path }));
    }
    return { ok: false, errors, warnings };
  }
  return { ok: true, errors, warnings, geometry: { type: 'Point', coordinates: [x, y] } };
}
