/**
 * The filter AST shared by the CQL2 text and JSON parsers (OGC API – Features Part 3). A filter only ever becomes SQL
 * through compile.ts, which maps property names onto a fixed allow-list and every literal onto a $n parameter; the
 * parsers never evaluate anything. Limits bound the work a hostile filter can cause before any query runs.
 */
import type { Geometry } from 'geojson';
import { InvalidParameterException } from '../errors.ts';

export const FILTER_LIMITS = {
  /** characters of the filter parameter (Node refuses request lines past 16 KiB with a 431 before us) */
  length: 8_000,
  /** nesting of predicates, parentheses and geometry literals */
  depth: 12,
  /** predicates and operands in all */
  nodes: 200,
  /** characters of one string literal */
  string: 500,
  /** positions in all geometry literals */
  positions: 1_000,
} as const;

export type ComparisonOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Operand =
  | { kind: 'property'; name: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'date'; value: string }
  | { kind: 'timestamp'; value: string }
  | { kind: 'geometry'; geometry: Geometry };

export type Predicate =
  | { kind: 'and' | 'or'; args: Predicate[] }
  | { kind: 'not'; arg: Predicate }
  | { kind: 'compare'; op: ComparisonOp; left: Operand; right: Operand }
  | { kind: 'like'; value: Operand; pattern: Operand }
  | { kind: 'between'; value: Operand; low: Operand; high: Operand }
  | { kind: 'in'; value: Operand; list: Operand[] }
  | { kind: 'isNull'; value: Operand }
  | { kind: 's_intersects'; left: Operand; right: Operand }
  | { kind: 'const'; value: boolean };

export class FilterError extends InvalidParameterException {
  constructor(message: string) {
    super(`Invalid filter: ${message}`);
  }
}

/** Counts nodes and positions across one parse; depth is checked by each recursive step. */
export class Budget {
  private nodes = 0;
  private positions = 0;

  node(depth: number): void {
    if (depth > FILTER_LIMITS.depth) throw new FilterError(`nested more than ${FILTER_LIMITS.depth} levels deep`);
    if (++this.nodes > FILTER_LIMITS.nodes) throw new FilterError(`more than ${FILTER_LIMITS.nodes} predicates and values`);
  }

  position(): void {
    if (++this.positions > FILTER_LIMITS.positions) throw new FilterError(`geometry literals have more than ${FILTER_LIMITS.positions} positions`);
  }
}

export function checkString(value: string): string {
  if (value.length > FILTER_LIMITS.string) throw new FilterError(`a string literal is longer than ${FILTER_LIMITS.string} characters`);
  return value;
}

export function checkNumber(value: number): number {
  if (!Number.isFinite(value) || Math.abs(value) > 1e15) throw new FilterError(`number out of range: ${value}`);
  return value;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

export function checkDate(value: string): string {
  const [y, m, d] = value.split('-').map(Number);
  const ok = DATE.test(value) && m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (!ok) throw new FilterError(`DATE('${value.slice(0, 40)}') is not a calendar date (YYYY-MM-DD)`);
  return value;
}

export function checkTimestamp(value: string): string {
  if (!TIMESTAMP.test(value) || Number.isNaN(Date.parse(value))) {
    throw new FilterError(`TIMESTAMP('${value.slice(0, 40)}') is not an RFC 3339 instant (e.g. 2024-05-01T08:00:00Z)`);
  }
  checkDate(value.slice(0, 10));
  return new Date(value).toISOString();
}

/** A BBOX literal (4 or 6 numbers, heights ignored) as the polygon it covers. */
export function bboxPolygon(values: number[]): Geometry {
  if (values.length !== 4 && values.length !== 6) throw new FilterError('BBOX needs 4 or 6 numbers');
  const [x1, y1, x2, y2] = values.length === 4 ? values : [values[0], values[1], values[3], values[4]];
  if (x1 > x2 || y1 > y2) throw new FilterError('BBOX minimum is above its maximum');
  return { type: 'Polygon', coordinates: [[[x1, y1], [x2, y1], [x2, y2], [x1, y2], [x1, y1]]] };
}

/** Rings closed with at least 4 positions, lines with 2: PostGIS would fail on less, and a failure must be a 400. */
export function checkGeometry(g: Geometry): Geometry {
  const ring = (r: number[][]) => {
    const [a, b] = [r[0], r[r.length - 1]];
    if (r.length < 4 || a[0] !== b[0] || a[1] !== b[1]) throw new FilterError('a polygon ring must be closed and have at least 4 positions');
  };
  const line = (l: number[][]) => {
    if (l.length < 2) throw new FilterError('a linestring needs at least 2 positions');
  };
  switch (g.type) {
    case 'Point':
    case 'MultiPoint':
      break;
    case 'LineString':
      line(g.coordinates);
      break;
    case 'MultiLineString':
      g.coordinates.forEach(line);
      break;
    case 'Polygon':
      g.coordinates.forEach(ring);
      break;
    case 'MultiPolygon':
      g.coordinates.forEach((p) => p.forEach(ring));
      break;
    case 'GeometryCollection':
      g.geometries.forEach(checkGeometry);
      break;
  }
  return g;
}
