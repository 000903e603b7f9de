/**
 * CQL2 JSON (OGC 21-065, cql2-json) to the same AST as the text encoding, with the same operators and limits.
 */
import type { Geometry } from 'geojson';
import {
  Budget,
  FILTER_LIMITS,
  FilterError,
  bboxPolygon,
  checkDate,
  checkGeometry,
  checkNumber,
  checkString,
  checkTimestamp,
  type ComparisonOp,
  type Operand,
  type Predicate,
} from './ast.ts';

const COMPARISONS = new Set(['=', '<>', '<', '<=', '>', '>=']);
const GEOMETRY_TYPES = new Set(['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon', 'GeometryCollection']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

class JsonParser {
  private readonly budget = new Budget();

  predicate(node: unknown, depth: number): Predicate {
    this.budget.node(depth);
    if (typeof node === 'boolean') return { kind: 'const', value: node };
    if (!isObject(node) || typeof node.op !== 'string' || !Array.isArray(node.args)) {
      throw new FilterError('each predicate must be {"op": …, "args": […]} or a boolean');
    }
    const op = node.op.toLowerCase();
    const args = node.args as unknown[];
    const arity = (n: number) => {
      if (args.length !== n) throw new FilterError(`"${op}" takes ${n} argument(s)`);
    };
    if (op === 'and' || op === 'or') {
      if (args.length < 2) throw new FilterError(`"${op}" takes at least 2 arguments`);
      return { kind: op, args: args.map((a) => this.predicate(a, depth + 1)) };
    }
    if (op === 'not') {
      arity(1);
      return { kind: 'not', arg: this.predicate(args[0], depth + 1) };
    }
    if (COMPARISONS.has(op)) {
      arity(2);
      return { kind: 'compare', op: op as ComparisonOp, left: this.operand(args[0], depth + 1), right: this.operand(args[1], depth + 1) };
    }
    if (op === 'like') {
      arity(2);
      return { kind: 'like', value: this.operand(args[0], depth + 1), pattern: this.operand(args[1], depth + 1) };
    }
    if (op === 'between') {
      arity(3);
      return { kind: 'between', value: this.operand(args[0], depth + 1), low: this.operand(args[1], depth + 1), high: this.operand(args[2], depth + 1) };
    }
    if (op === 'in') {
      arity(2);
      if (!Array.isArray(args[1]) || args[1].length === 0) throw new FilterError('"in" takes a value and a non-empty list');
      return { kind: 'in', value: this.operand(args[0], depth + 1), list: args[1].map((a) => this.operand(a, depth + 1)) };
    }
    if (op === 'isnull') {
      arity(1);
      return { kind: 'isNull', value: this.operand(args[0], depth + 1) };
    }
    if (op === 's_intersects') {
      arity(2);
      return { kind: 's_intersects', left: this.operand(args[0], depth + 1), right: this.operand(args[1], depth + 1) };
    }
    throw new FilterError(`operator or function "${op.slice(0, 40)}" is not supported (see /conformance)`);
  }

  private operand(node: unknown, depth: number): Operand {
    this.budget.node(depth);
    if (typeof node === 'string') return { kind: 'string', value: checkString(node) };
    if (typeof node === 'number') return { kind: 'number', value: checkNumber(node) };
    if (typeof node === 'boolean') return { kind: 'boolean', value: node };
    if (!isObject(node)) throw new FilterError('expected a property, a literal or a geometry');
    const keys = Object.keys(node);
    if (keys.length === 1 && typeof node.property === 'string') return { kind: 'property', name: checkString(node.property) };
    if (keys.length === 1 && typeof node.date === 'string') return { kind: 'date', value: checkDate(node.date) };
    if (keys.length === 1 && typeof node.timestamp === 'string') return { kind: 'timestamp', value: checkTimestamp(node.timestamp) };
    if (keys.length === 1 && Array.isArray(node.bbox)) {
      const values = node.bbox.map((n) => (typeof n === 'number' ? checkNumber(n) : this.fail('BBOX values must be numbers')));
      return { kind: 'geometry', geometry: bboxPolygon(values) };
    }
    if (typeof node.type === 'string' && GEOMETRY_TYPES.has(node.type)) return { kind: 'geometry', geometry: checkGeometry(this.geometry(node, depth)) };
    if (typeof node.op === 'string') throw new FilterError(`"${node.op.slice(0, 40)}" is not supported as a value (no functions or arithmetic)`);
    throw new FilterError('expected a property, a literal or a geometry');
  }

  private fail(message: string): never {
    throw new FilterError(message);
  }

  /** GeoJSON geometry, coordinates checked for shape and size: [x, y] or [x, y, z] numbers at the right depth. */
  private geometry(node: Record<string, unknown>, depth: number): Geometry {
    if (depth > FILTER_LIMITS.depth) throw new FilterError(`nested more than ${FILTER_LIMITS.depth} levels deep`);
    const position = (p: unknown): number[] => {
      this.budget.position();
      if (!Array.isArray(p) || p.length < 2 || p.length > 3 || p.some((n) => typeof n !== 'number')) this.fail('a position is [x, y] or [x, y, z]');
      return [checkNumber(p[0]), checkNumber(p[1])];
    };
    const list = <T>(v: unknown, item: (x: unknown) => T): T[] => {
      if (!Array.isArray(v) || v.length === 0) this.fail(`${String(node.type)} coordinates are malformed`);
      return v.map(item);
    };
    const c = node.coordinates;
    switch (node.type) {
      case 'Point':
        return { type: 'Point', coordinates: position(c) };
      case 'LineString':
      case 'MultiPoint':
        return { type: node.type, coordinates: list(c, position) };
      case 'Polygon':
      case 'MultiLineString':
        return { type: node.type, coordinates: list(c, (r) => list(r, position)) };
      case 'MultiPolygon':
        return { type: 'MultiPolygon', coordinates: list(c, (p) => list(p, (r) => list(r, position))) };
      default:
        return {
          type: 'GeometryCollection',
          geometries: list(node.geometries, (g) => {
            this.budget.node(depth + 1);
            if (!isObject(g) || typeof g.type !== 'string' || !GEOMETRY_TYPES.has(g.type)) this.fail('a GeometryCollection holds geometries');
            return this.geometry(g, depth + 1);
          }),
        };
    }
  }
}

export function parseCql2Json(text: string): Predicate {
  if (text.length > FILTER_LIMITS.length) throw new FilterError(`longer than ${FILTER_LIMITS.length} characters`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new FilterError('filter-lang=cql2-json needs the filter as JSON text');
  }
  return new JsonParser().predicate(doc, 1);
}
