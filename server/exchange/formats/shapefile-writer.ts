/**
 * A small ESRI Shapefile writer (.shp, .shx, .dbf; the caller adds .prj and .cpg): Point or Polygon shapes,
 * dBASE III attributes in UTF-8 (declared by the .cpg), field names cut to DBF's 10 characters with the full
 * attribute names returned for a mapping file alongside.
 */
import type { Geometry, Position } from 'geojson';

export type DbfValue = string | number | boolean | null;

export interface ShapefileField {
  /** the full attribute name */
  attribute: string;
  type: 'C' | 'N' | 'L' | 'D';
  /** N: decimals */
  decimals?: number;
}

export interface WrittenShapefile {
  shp: Buffer;
  shx: Buffer;
  dbf: Buffer;
  /** DBF field name → attribute */
  fieldNames: [string, string][];
}

/** Unique upper-case names of at most 10 characters (DBF limit). */
export function shortFieldNames(attributes: readonly string[]): string[] {
  const used = new Set<string>();
  return attributes.map((a) => {
    const upper = a.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
    let base = upper.length <= 10 ? upper : upper.split('_').filter(Boolean).map((p) => p.slice(0, 4)).join('_').slice(0, 10);
    if (base.length > 10) base = base.slice(0, 10);
    let name = base;
    for (let i = 1; used.has(name); i++) name = `${base.slice(0, 10 - String(i).length)}${i}`;
    used.add(name);
    return name;
  });
}

/** Signed area (shoelace): > 0 counter-clockwise. */
function signedArea(ring: Position[]): number {
  let s = 0;
  for (let i = 0, n = ring.length - 1; i < n; i++) s += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
  return s / 2;
}

/** Shapefile rings: outer clockwise, holes counter-clockwise. */
function polygonRings(g: Geometry): Position[][] {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
  const out: Position[][] = [];
  for (const p of polys) {
    p.forEach((ring, i) => {
      const cw = signedArea(ring) < 0;
      const wantCw = i === 0;
      out.push(cw === wantCw ? ring : [...ring].reverse());
    });
  }
  return out;
}

export function writeShapefile(kind: 'point' | 'polygon', fields: readonly ShapefileField[], features: readonly { geometry: Geometry | null; values: readonly DbfValue[] }[]): WrittenShapefile {
  const shapeType = kind === 'point' ? 1 : 5;
  const contents: Buffer[] = [];
  const total: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of features) {
    const g = f.geometry;
    if (!g) {
      const b = Buffer.alloc(4);
      b.writeInt32LE(0, 0); // null shape
      contents.push(b);
      continue;
    }
    if (kind === 'point') {
      const c = g.type === 'Point' ? g.coordinates : [NaN, NaN];
      const b = Buffer.alloc(20);
      b.writeInt32LE(1, 0);
      b.writeDoubleLE(c[0]!, 4);
      b.writeDoubleLE(c[1]!, 12);
      total[0] = Math.min(total[0], c[0]!);
      total[1] = Math.min(total[1], c[1]!);
      total[2] = Math.max(total[2], c[0]!);
      total[3] = Math.max(total[3], c[1]!);
      contents.push(b);
      continue;
    }
    const rings = polygonRings(g);
    const points = rings.reduce((n, r) => n + r.length, 0);
    const b = Buffer.alloc(44 + 4 * rings.length + 16 * points);
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const r of rings) for (const [x, y] of r) {
      if (x! < minX) minX = x!;
      if (y! < minY) minY = y!;
      if (x! > maxX) maxX = x!;
      if (y! > maxY) maxY = y!;
    }
    b.writeInt32LE(5, 0);
    b.writeDoubleLE(minX, 4);
    b.writeDoubleLE(minY, 12);
    b.writeDoubleLE(maxX, 20);
    b.writeDoubleLE(maxY, 28);
    b.writeInt32LE(rings.length, 36);
    b.writeInt32LE(points, 40);
    let off = 44;
    let start = 0;
    for (const r of rings) {
      b.writeInt32LE(start, off);
      off += 4;
      start += r.length;
    }
    for (const r of rings) for (const [x, y] of r) {
      b.writeDoubleLE(x!, off);
      b.writeDoubleLE(y!, off + 8);
      off += 16;
    }
    total[0] = Math.min(total[0], minX);
    total[1] = Math.min(total[1], minY);
    total[2] = Math.max(total[2], maxX);
    total[3] = Math.max(total[3], maxY);
    contents.push(b);
  }
  if (!Number.isFinite(total[0])) total.fill(0);

  const header = (lengthBytes: number) => {
    const h = Buffer.alloc(100);
    h.writeInt32BE(9994, 0);
    h.writeInt32BE(lengthBytes / 2, 24);
    h.writeInt32LE(1000, 28);
    h.writeInt32LE(shapeType, 32);
    h.writeDoubleLE(total[0], 36);
    h.writeDoubleLE(total[1], 44);
    h.writeDoubleLE(total[2], 52);
    h.writeDoubleLE(total[3], 60);
    return h;
  };
  const shpLength = 100 + contents.reduce((n, c) => n + 8 + c.length, 0);
  const shp = Buffer.alloc(shpLength);
  const shx = Buffer.alloc(100 + 8 * contents.length);
  header(shpLength).copy(shp, 0);
  header(shx.length).copy(shx, 0);
  let pos = 100;
  contents.forEach((c, i) => {
    shx.writeInt32BE(pos / 2, 100 + 8 * i);
    shx.writeInt32BE(c.length / 2, 104 + 8 * i);
    shp.writeInt32BE(i + 1, pos);
    shp.writeInt32BE(c.length / 2, pos + 4);
    c.copy(shp, pos + 8);
    pos += 8 + c.length;
  });

  const names = shortFieldNames(fields.map((f) => f.attribute));
  const dbf = writeDbf(fields, names, features.map((f) => f.values));
  return { shp, shx, dbf, fieldNames: names.map((n, i) => [n, fields[i]!.attribute]) };
}

function formatValue(field: ShapefileField, v: DbfValue): string | null {
  if (v === null || v === undefined || v === '') return null;
  switch (field.type) {
    case 'N': {
      const n = typeof v === 'number' ? v : Number(v);
      if (!Number.isFinite(n)) return null;
      const d = field.decimals ?? 0;
      return d ? n.toFixed(d) : String(Math.round(n));
    }
    case 'L':
      return v === true ? 'T' : v === false ? 'F' : null;
    case 'D':
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10).replace(/-/g, '') : null;
    default:
      return String(v);
  }
}

/** Cuts a UTF-8 string to at most `max` bytes without splitting a character. */
function utf8Cut(s: string, max: number): Buffer {
  let b = Buffer.from(s, 'utf8');
  if (b.length <= max) return b;
  let end = max;
  while (end > 0 && (b[end]! & 0xc0) === 0x80) end--;
  b = b.subarray(0, end);
  return b;
}

function writeDbf(fields: readonly ShapefileField[], names: string[], rows: readonly (readonly DbfValue[])[]): Buffer {
  const formatted = rows.map((r) => fields.map((f, i) => formatValue(f, r[i] ?? null)));
  const widths = fields.map((f, i) => {
    if (f.type === 'L') return 1;
    if (f.type === 'D') return 8;
    if (f.type === 'N') return 19;
    let w = 1;
    for (const r of formatted) {
      const v = r[i];
      if (v !== null) w = Math.max(w, Math.min(254, Buffer.byteLength(v!, 'utf8')));
    }
    return w;
  });
  const recordLength = 1 + widths.reduce((a, b) => a + b, 0);
  const headerLength = 32 + 32 * fields.length + 1;
  const buf = Buffer.alloc(headerLength + recordLength * rows.length + 1, 0x20);
  buf.fill(0, 0, headerLength);
  const now = new Date();
  buf[0] = 0x03;
  buf[1] = now.getUTCFullYear() - 1900;
  buf[2] = now.getUTCMonth() + 1;
  buf[3] = now.getUTCDate();
  buf.writeUInt32LE(rows.length, 4);
  buf.writeUInt16LE(headerLength, 8);
  buf.writeUInt16LE(recordLength, 10);
  fields.forEach((f, i) => {
    const o = 32 + 32 * i;
    buf.write(names[i]!, o, 10, 'latin1');
    buf[o + 11] = f.type.charCodeAt(0);
    buf[o + 16] = widths[i]!;
    buf[o + 17] = f.type === 'N' ? (f.decimals ?? 0) : 0;
  });
  buf[headerLength - 1] = 0x0d;
  let pos = headerLength;
  for (const r of formatted) {
    buf[pos] = 0x20;
    let off = pos + 1;
    fields.forEach((f, i) => {
      const v = r[i];
      const w = widths[i]!;
      if (v !== null) {
        if (f.type === 'N') {
          const s = v!.length > w ? v!.slice(0, w) : v!.padStart(w, ' ');
          buf.write(s, off, w, 'latin1');
        } else if (f.type === 'L' && v === null) {
          buf.write('?', off, 1, 'latin1');
        } else {
          utf8Cut(v!, w).copy(buf, off);
        }
      } else if (f.type === 'L') buf.write('?', off, 1, 'latin1');
      off += w;
    });
    pos += recordLength;
  }
  buf[buf.length - 1] = 0x1a;
  return buf;
}
