/** Minimal WKT ⇄ GeoJSON for the CSV geometry column: POINT, LINESTRING, POLYGON, MULTIPOINT, MULTIPOLYGON (Z/M tolerated). */
import type { Geometry, Position } from 'geojson';

export function parseWkt(text: string): Geometry {
  const s = text.trim().replace(/^SRID=\d+;/i, '');
  const m = /^(\w+)\s*(Z|M|ZM)?\s*(\(.*\)|EMPTY)$/is.exec(s);
  if (!m) throw new Error('not WKT');
  const type = m[1]!.toUpperCase();
  const body = m[3]!;
  if (body.toUpperCase() === 'EMPTY') throw new Error('empty geometry');
  // nested parentheses → nested arrays of positions
  let i = 0;
  const parse = (): unknown => {
    while (body[i] === ' ') i++;
    if (body[i] === '(') {
      i++;
      const items: unknown[] = [];
      for (;;) {
        items.push(parse());
        while (body[i] === ' ') i++;
        if (body[i] === ',') { i++; continue; }
        if (body[i] === ')') { i++; break; }
        throw new Error('bad WKT');
      }
      return items;
    }
    const start = i;
    while (i < body.length && body[i] !== ',' && body[i] !== ')') i++;
    const nums = body.slice(start, i).trim().split(/\s+/).map(Number);
    if (nums.length < 2 || nums.some((n) => !Number.isFinite(n))) throw new Error('bad WKT coordinate');
    return nums as Position;
  };
  // the nesting depth matches the type (checked by the callers' geometry validation)
  const tree = parse() as never;
  switch (type) {
    case 'POINT': return { type: 'Point', coordinates: tree[0] };
    case 'LINESTRING': return { type: 'LineString', coordinates: tree };
    case 'POLYGON': return { type: 'Polygon', coordinates: tree };
    case 'MULTIPOINT': return { type: 'MultiPoint', coordinates: (tree as Array<Position | [Position]>).map((p) => (Array.isArray(p[0]) ? p[0] : (p as Position))) };
    case 'MULTIPOLYGON': return { type: 'MultiPolygon', coordinates: tree };
    default: throw new Error(`unsupported WKT type ${type}`);
  }
}

const fmt = (p: Position, digits: number) => `${+p[0]!.toFixed(digits)} ${+p[1]!.toFixed(digits)}`;
const ring = (r: Position[], d: number) => `(${r.map((p) => fmt(p, d)).join(', ')})`;

export function toWkt(g: Geometry, digits: number): string {
  switch (g.type) {
    case 'Point': return `POINT (${fmt(g.coordinates, digits)})`;
    case 'Polygon': return `POLYGON (${g.coordinates.map((r) => ring(r, digits)).join(', ')})`;
    case 'MultiPolygon': return `MULTIPOLYGON (${g.coordinates.map((p) => `(${p.map((r) => ring(r, digits)).join(', ')})`).join(', ')})`;
    case 'LineString': return `LINESTRING ${ring(g.coordinates, digits)}`;
    default: throw new Error(`unsupported geometry ${g.type}`);
  }
}
