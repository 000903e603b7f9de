/**
 * Snapping to boundaries that are not in terra-draw's store (other clusters, the province outline).
 * terra-draw's own toCoordinate/toLine snap only to features it draws, so the editor passes
 * `snapper.snap` as its `toCustom` function. Pure (projection passed in) so it is unit-testable.
 */
import type { Geometry, Position } from 'geojson';

type XY = { x: number; y: number };
export type Project = (lng: number, lat: number) => XY;

interface Chunk {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  points: Position[];
}

const CHUNK = 64;

function linesOf(geometry: Geometry): Position[][] {
  switch (geometry.type) {
    case 'Polygon':
    case 'MultiLineString':
      return geometry.coordinates;
    case 'MultiPolygon':
      return geometry.coordinates.flat();
    case 'LineString':
      return [geometry.coordinates];
    case 'GeometryCollection':
      return geometry.geometries.flatMap(linesOf);
    default:
      return [];
  }
}

export class BoundarySnapper {
  private chunks: Chunk[] = [];

  /** Replaces the targets (cluster boundaries, province outline). */
  setTargets(geometries: readonly (Geometry | null | undefined)[]): void {
    const chunks: Chunk[] = [];
    for (const g of geometries) {
      if (!g) continue;
      for (const line of linesOf(g)) {
        // overlapping chunks (share one vertex) so no segment is lost at a chunk edge
        for (let start = 0; start < line.length - 1; start += CHUNK) {
          const points = line.slice(start, Math.min(line.length, start + CHUNK + 1));
          let minX = Infinity;
          let minY = Infinity;
          let maxX = -Infinity;
          let maxY = -Infinity;
          for (const [x, y] of points) {
            if (x < minX) minX = x;
            if (x > maxX) maxX = x;
            if (y < minY) minY = y;
            if (y > maxY) maxY = y;
          }
          chunks.push({ minX, minY, maxX, maxY, points });
        }
      }
    }
    this.chunks = chunks;
  }

  get size(): number {
    return this.chunks.length;
  }

  /**
   * The point to snap to within `tolerancePx` of the pointer: a target vertex if one is that close
   * (corners matter more than edges), else the nearest point on a target edge; undefined if none.
   * `degreesPerPx` bounds the search box so only nearby chunks are projected.
   */
  snap(lng: number, lat: number, project: Project, tolerancePx: number, degreesPerPx: number): Position | undefined {
    const pad = tolerancePx * degreesPerPx * 1.5;
    const p = project(lng, lat);
    let bestVertex: { d: number; at: Position } | null = null;
    let bestEdge: { d: number; at: Position } | null = null;
    for (const c of this.chunks) {
      if (c.maxX < lng - pad || c.minX > lng + pad || c.maxY < lat - pad || c.minY > lat + pad) continue;
      let prev: XY | null = null;
      let prevPos: Position | null = null;
      for (const pos of c.points) {
        const q = project(pos[0], pos[1]);
        const dv = Math.hypot(q.x - p.x, q.y - p.y);
        if (dv <= tolerancePx && (!bestVertex || dv < bestVertex.d)) bestVertex = { d: dv, at: [pos[0], pos[1]] };
        if (prev && prevPos) {
          const dx = q.x - prev.x;
          const dy = q.y - prev.y;
          const len2 = dx * dx + dy * dy;
          const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - prev.x) * dx + (p.y - prev.y) * dy) / len2));
          const ex = prev.x + t * dx;
          const ey = prev.y + t * dy;
          const de = Math.hypot(ex - p.x, ey - p.y);
          if (de <= tolerancePx && (!bestEdge || de < bestEdge.d)) {
            // interpolate in lon/lat: at editor zooms the segment is short enough for this to be exact to the cm
            bestEdge = { d: de, at: [prevPos[0] + t * (pos[0] - prevPos[0]), prevPos[1] + t * (pos[1] - prevPos[1])] };
          }
        }
        prev = q;
        prevPos = pos;
      }
    }
    return bestVertex?.at ?? bestEdge?.at;
  }
}
