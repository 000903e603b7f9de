/**
 * Filter AST → SQL condition over a fixed allow-list of queryables. Property names only select one of the static
 * SQL expressions the layer declares; every literal becomes a $n parameter with an explicit cast; types are checked
 * here so the database never sees a comparison it could fail on. Nothing from the client is ever spliced into SQL.
 */
import type { Geometry } from 'geojson';
import type { QueryableDef, FilterTarget } from '../../public-data/layers.ts';
import { FilterError, checkDate, checkTimestamp, type Operand, type Predicate } from './ast.ts';

export const GEOMETRY_QUERYABLE = 'geometry';

const CAST: Record<QueryableDef['type'], string> = {
  string: 'text',
  number: 'float8',
  integer: 'float8',
  boolean: 'boolean',
  date: 'text',
  timestamp: 'timestamptz',
};

function queryable(target: FilterTarget, name: string): QueryableDef {
  const q = target.queryables.find((x) => x.name === name);
  if (!q) {
    const names = [GEOMETRY_QUERYABLE, ...target.queryables.map((x) => x.name)].join(', ');
    throw new FilterError(`unknown property "${name.slice(0, 60)}"; the queryables are: ${names}`);
  }
  return q;
}

const describe = (o: Operand) => (o.kind === 'property' ? `property ${o.name.slice(0, 60)}` : `a ${o.kind} literal`);

/** A literal converted to the queryable's type, or a FilterError naming the mismatch. */
function literalValue(q: QueryableDef, lit: Operand): string | number | boolean {
  const mismatch = () => new FilterError(`${q.name} is a ${q.type} and cannot be compared with ${describe(lit)}`);
  switch (q.type) {
    case 'string':
      if (lit.kind === 'string') return lit.value;
      throw mismatch();
    case 'number':
    case 'integer':
      if (lit.kind === 'number') return lit.value;
      throw mismatch();
    case 'boolean':
      if (lit.kind === 'boolean') return lit.value;
      throw mismatch();
    case 'date':
      if (lit.kind === 'date') return lit.value;
      if (lit.kind === 'string') return checkDate(lit.value);
      throw mismatch();
    case 'timestamp':
      if (lit.kind === 'timestamp') return lit.value;
      if (lit.kind === 'string') return checkTimestamp(lit.value);
      throw mismatch();
  }
}

function scalarProperty(target: FilterTarget, o: Operand): QueryableDef {
  if (o.kind !== 'property') throw new FilterError(`expected a queryable, got ${describe(o)}`);
  if (o.name === GEOMETRY_QUERYABLE) throw new FilterError('geometry can only be used with S_INTERSECTS');
  return queryable(target, o.name);
}

function literal(o: Operand): Operand {
  if (o.kind === 'property') throw new FilterError('comparing two properties is not supported; compare a queryable with a literal');
  if (o.kind === 'geometry') throw new FilterError('a geometry can only be used with S_INTERSECTS');
  return o;
}

const FLIPPED = { '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const;

/** Appends the values to params and returns the SQL condition. */
export function compileFilter(p: Predicate, target: FilterTarget, params: unknown[]): string {
  const param = (value: unknown, cast: string) => {
    params.push(value);
    return `$${params.length}::${cast}`;
  };
  const walk = (node: Predicate): string => {
    switch (node.kind) {
      case 'const':
        return node.value ? 'TRUE' : 'FALSE';
      case 'and':
      case 'or':
        return `(${node.args.map(walk).join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
      case 'not':
        return `(NOT ${walk(node.arg)})`;
      case 'compare': {
        // a literal on the left is the same comparison mirrored
        const [prop, lit, op] = node.left.kind === 'property' ? [node.left, node.right, node.op] : [node.right, node.left, FLIPPED[node.op]];
        const q = scalarProperty(target, prop);
        return `(${q.expr} ${op} ${param(literalValue(q, literal(lit)), CAST[q.type])})`;
      }
      case 'like': {
        const q = scalarProperty(target, node.value);
        const pattern = literal(node.pattern);
        if (q.type !== 'string' || pattern.kind !== 'string') throw new FilterError('LIKE compares a string queryable with a string pattern');
        // PostgreSQL refuses a pattern ending in its escape character
        if (/(^|[^\\])(\\\\)*\\$/.test(pattern.value)) throw new FilterError('a LIKE pattern cannot end with an escape character (\\)');
        return `(${q.expr} LIKE ${param(pattern.value, 'text')})`;
      }
      case 'between': {
        const q = scalarProperty(target, node.value);
        if (q.type === 'boolean') throw new FilterError(`BETWEEN does not apply to ${q.name} (a boolean)`);
        return `(${q.expr} BETWEEN ${param(literalValue(q, literal(node.low)), CAST[q.type])} AND ${param(literalValue(q, literal(node.high)), CAST[q.type])})`;
      }
      case 'in': {
        const q = scalarProperty(target, node.value);
        return `(${q.expr} = ANY(${param(node.list.map((x) => literalValue(q, literal(x))), `${CAST[q.type]}[]`)}))`;
      }
      case 'isNull': {
        if (node.value.kind === 'property' && node.value.name === GEOMETRY_QUERYABLE) return 'FALSE';
        const q = scalarProperty(target, node.value);
        return `(${q.expr} IS NULL)`;
      }
      case 's_intersects': {
        const [prop, lit] = node.left.kind === 'property' ? [node.left, node.right] : [node.right, node.left];
        if (prop.kind !== 'property' || prop.name !== GEOMETRY_QUERYABLE) {
          throw new FilterError(`S_INTERSECTS needs the property "${GEOMETRY_QUERYABLE}" and a geometry literal`);
        }
        if (lit.kind !== 'geometry') throw new FilterError('S_INTERSECTS needs a geometry literal (WKT, GeoJSON or BBOX)');
        return `(${target.spatial(`ST_SetSRID(ST_GeomFromGeoJSON(${param(JSON.stringify(lit.geometry), 'text')}), 4326)`)})`;
      }
    }
  };
  return walk(p);
}

/** The geometry literals of a filter, to be normalised (CRS, validity) before compiling. */
export function geometryLiterals(p: Predicate): Array<{ geometry: Geometry }> {
  const out: Array<{ geometry: Geometry }> = [];
  const visit = (o: Operand) => {
    if (o.kind === 'geometry') out.push(o);
  };
  const walk = (node: Predicate): void => {
    switch (node.kind) {
      case 'and':
      case 'or':
        node.args.forEach(walk);
        break;
      case 'not':
        walk(node.arg);
        break;
      case 'compare':
      case 's_intersects':
        visit(node.left);
        visit(node.right);
        break;
      case 'like':
        visit(node.value);
        visit(node.pattern);
        break;
      case 'between':
        [node.value, node.low, node.high].forEach(visit);
        break;
      case 'in':
        [node.value, ...node.list].forEach(visit);
        break;
      case 'isNull':
        visit(node.value);
        break;
      case 'const':
        break;
    }
  };
  walk(p);
  return out;
}

export interface SortKey {
  expr: string;
  desc: boolean;
}

/** sortby=+name,-area_ha (a leading + or none is ascending): queryables only. */
export function parseSortby(text: string, target: FilterTarget): SortKey[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length > 10 || parts.some((s) => !s)) throw new FilterError('sortby is a comma-separated list of up to 10 queryables, each with an optional + or - prefix');
  return parts.map((part) => {
    const m = /^([+-]?)(.+?)(?:\s+(ASC|DESC))?$/i.exec(part)!;
    const name = m[2]!;
    if (name === GEOMETRY_QUERYABLE) throw new FilterError('cannot sort by geometry');
    const q = queryable(target, name);
    return { expr: q.expr, desc: m[1] === '-' || m[3]?.toUpperCase() === 'DESC' };
  });
}
