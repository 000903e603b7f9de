/**
 * Readers for the upload formats. Each turns a file on disk into features with their source properties and
 * geometry in the file's own coordinates (nothing transformed here), plus what the file says about itself:
 * format, text encoding and declared CRS. Large inputs are read record by record (Shapefile .shp/.dbf, CSV);
 * GeoJSON and KML are parsed whole (held once), zip archives are unpacked to a temporary folder first.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Geometry, Position } from 'geojson';
import JSZip from 'jszip';
import * as shapefile from 'shapefile';
import { parse as parseCsv } from 'csv-parse';
import { DOMParser } from '@xmldom/xmldom';
import { kml as kmlToGeoJson } from '@tmcw/togeojson';
import { decodeText, detectEncoding, encodingFromCpg, type TextEncodingName } from './encoding.ts';
import { parsePrj, parseCrsParam, VN2000_TM3_BY_MERIDIAN } from './crs.ts';
import { parseWkt } from './wkt.ts';
import { FileFormatError } from './errors.ts';
import { IMPORT_TMP_PREFIX } from '../temp-files.ts';
import { assertSafeXml, assertSafeZip, inflatedSizeGuard } from './archive-safety.ts';

export type ImportFormat = 'geojson' | 'kml' | 'kmz' | 'shapefile' | 'csv';

export interface RawFeature {
  properties: Record<string, unknown>;
  geometry: Geometry | null;
}

export interface DeclaredCrs {
  epsg: number | null;
  source: 'prj' | 'file';
  reason: string;
}

export interface OpenedFile {
  format: ImportFormat;
  encoding: string;
  crs: DeclaredCrs | null;
  /** attribute names for DBF fields, from the mapping file our own shapefile export writes alongside */
  fieldAliases: Record<string, string> | null;
  features: AsyncIterable<RawFeature>;
  /** total features when known before reading (for progress) */
  total: number | null;
  close(): Promise<void>;
}

export { FileFormatError };

async function head(file: string, bytes: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Sniffs the format from the name and the first bytes, then opens it. */
export async function openUpload(file: string, originalName: string): Promise<OpenedFile> {
  const start = await head(file, 4096);
  const lower = originalName.toLowerCase();
  if (start[0] === 0x50 && start[1] === 0x4b) return openZip(file);
  const text = start.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('{') || lower.endsWith('.geojson') || lower.endsWith('.json')) return openGeoJson(file);
  if (text.startsWith('<') || lower.endsWith('.kml')) return openKml(await readFile(file), 'kml');
  if (lower.endsWith('.csv') || lower.endsWith('.txt') || /[,;\t]/.test(text.split('\n')[0] ?? '')) return openCsv(file);
  throw new FileFormatError('Unrecognised file: expected GeoJSON, KML, KMZ, a zipped Shapefile or CSV', 'unsupported-format');
}

const list = async function* <T>(items: T[]) {
  for (const i of items) yield i;
};

/* ------------------------------------------------------------------ GeoJSON */

async function openGeoJson(file: string): Promise<OpenedFile> {
  // untrusted JSON: its members are checked below, its geometries by the validation of every feature
  interface LooseFeature { properties?: Record<string, unknown>; geometry?: Geometry | null }
  let doc: (LooseFeature & { type?: unknown; features?: unknown; crs?: { properties?: { name?: unknown } } }) | null;
  try {
    doc = JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new FileFormatError(`Not valid JSON: ${(err as Error).message}`);
  }
  let features: RawFeature[];
  if (doc?.type === 'FeatureCollection' && Array.isArray(doc.features)) {
    features = (doc.features as Array<LooseFeature | null>).map((f) => ({ properties: f?.properties ?? {}, geometry: f?.geometry ?? null }));
  } else if (doc?.type === 'Feature') features = [{ properties: doc.properties ?? {}, geometry: doc.geometry ?? null }];
  else if (typeof doc?.type === 'string' && 'coordinates' in doc) features = [{ properties: {}, geometry: doc as unknown as Geometry }];
  else throw new FileFormatError('JSON is not GeoJSON (no FeatureCollection, Feature or geometry)');
  // legacy "crs" member (GDAL writes it for non-WGS 84 data)
  let crs: DeclaredCrs | null = null;
  const name: unknown = doc?.crs?.properties?.name;
  if (typeof name === 'string') {
    const m = /EPSG:{1,2}(\d+)$/i.exec(name) ?? /CRS84$/i.exec(name);
    const epsg = m ? (m[1] ? Number(m[1]) : 4326) : null;
    crs = { epsg, source: 'file', reason: `GeoJSON crs member ${name}` };
  }
  return { format: 'geojson', encoding: 'utf-8', crs, fieldAliases: null, features: list(features), total: features.length, close: async () => {} };
}

/* ---------------------------------------------------------------------- KML */

function openKml(bytes: Buffer, format: 'kml' | 'kmz'): OpenedFile {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  assertSafeXml(text);
  let doc: ReturnType<DOMParser['parseFromString']>;
  try {
    doc = new DOMParser().parseFromString(text, 'text/xml');
  } catch (err) {
    throw new FileFormatError(`Not valid KML/XML: ${(err as Error).message}`);
  }
  if (!doc.getElementsByTagName('kml').length && !doc.getElementsByTagName('Placemark').length) throw new FileFormatError('XML without KML Placemarks');
  const fc = kmlToGeoJson(doc as unknown as Document);
  const features: RawFeature[] = fc.features.map((f) => {
    const props: Record<string, unknown> = { ...(f.properties ?? {}) };
    // styling noise of Google Earth exports is not data
    for (const k of Object.keys(props)) if (/^(styleUrl|styleHash|styleMapHash|stroke|stroke-opacity|stroke-width|fill|fill-opacity|icon|visibility)$/.test(k)) delete props[k];
    return { properties: props, geometry: (f.geometry as Geometry | null) ?? null };
  });
  return { format, encoding: 'utf-8', crs: { epsg: 4326, source: 'file', reason: 'KML is always WGS 84' }, fieldAliases: null, features: list(features), total: features.length, close: async () => {} };
}

/* ------------------------------------------------------------ zip: KMZ or Shapefile */

async function openZip(file: string): Promise<OpenedFile> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(await readFile(file));
  } catch (err) {
    throw new FileFormatError(`Unreadable zip archive: ${(err as Error).message}`);
  }
  assertSafeZip(zip);
  const names = Object.keys(zip.files).filter((n) => !zip.files[n]!.dir && !/(^|\/)__MACOSX\//.test(n));
  const shp = names.find((n) => n.toLowerCase().endsWith('.shp'));
  if (!shp) {
    const kml = names.find((n) => n.toLowerCase().endsWith('.kml'));
    if (!kml) throw new FileFormatError('The zip holds neither a .shp nor a .kml file', 'unsupported-format');
    const chunks: Buffer[] = [];
    const guard = inflatedSizeGuard(kml);
    guard.on('data', (c: Buffer) => chunks.push(c));
    await pipeline(zip.file(kml)!.nodeStream('nodebuffer'), guard);
    return openKml(Buffer.concat(chunks), 'kmz');
  }
  const base = shp.slice(0, -4);
  const sibling = (ext: string) => names.find((n) => n.toLowerCase() === `${base}.${ext}`.toLowerCase());
  const dbf = sibling('dbf');
  if (!dbf) throw new FileFormatError(`${shp} has no .dbf alongside`, 'missing-dbf');
  const dir = await mkdtemp(path.join(tmpdir(), IMPORT_TMP_PREFIX));
  const extract = async (name: string, to: string) => {
    await pipeline(zip.file(name)!.nodeStream('nodebuffer'), inflatedSizeGuard(name), createWriteStream(path.join(dir, to)));
    return path.join(dir, to);
  };
  let shpPath: string;
  let dbfPath: string;
  try {
    shpPath = await extract(shp, 'layer.shp');
    dbfPath = await extract(dbf, 'layer.dbf');
  } catch (err) {
    // the folder goes on every path, a refused member included
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const prjName = sibling('prj');
  const cpgName = sibling('cpg');
  const prjText = prjName ? await zip.file(prjName)!.async('string') : null;
  const cpgText = cpgName ? await zip.file(cpgName)!.async('string') : null;
  const aliasName = names.find((n) => /\.fields\.csv$/i.test(n));
  const aliasText = aliasName ? await zip.file(aliasName)!.async('string') : null;
  // the archive is not needed any more: only the extracted files are read from here on
  zip = undefined as unknown as JSZip;

  const dbfReader = await DbfReader.open(dbfPath);
  let encoding: TextEncodingName = cpgText ? (encodingFromCpg(cpgText) ?? 'utf-8') : 'utf-8';
  if (!cpgText || !encodingFromCpg(cpgText)) {
    const dbfVersionHint = dbfReader.languageDriver === 0xa3 ? 'windows-1258' : null; // LDID 0xA3 = CP1258 (rare)
    encoding = (dbfVersionHint as TextEncodingName | null) ?? detectEncoding(await dbfReader.textSample(2000));
  }
  let crs: DeclaredCrs | null = null;
  if (prjText) {
    const r = parsePrj(prjText);
    crs = { epsg: r.epsg, source: 'prj', reason: r.reason };
  }
  let fieldAliases: Record<string, string> | null = null;
  if (aliasText) {
    fieldAliases = {};
    for (const line of aliasText.split(/\r?\n/).slice(1)) {
      const [short, long] = line.split(',').map((s) => s?.trim());
      if (short && long) fieldAliases[short] = long;
    }
  }
  const shpSource = await shapefile.openShp(shpPath);
  const enc = encoding;
  async function* features(): AsyncGenerator<RawFeature> {
    for await (const record of dbfReader.records(enc)) {
      const g = await shpSource.read();
      if (g.done) break;
      yield { properties: record, geometry: (g.value as Geometry | null) ?? null };
    }
  }
  return {
    format: 'shapefile',
    encoding: cpgText ? `${encoding} (.cpg)` : encoding,
    crs,
    fieldAliases,
    features: features(),
    total: dbfReader.recordCount,
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A streaming dBASE III reader that keeps text fields as bytes until the encoding is known. */
export class DbfReader {
  private constructor(
    private readonly file: string,
    readonly recordCount: number,
    private readonly headerLength: number,
    private readonly recordLength: number,
    readonly fields: { name: string; type: string; length: number; decimals: number; offset: number }[],
    readonly languageDriver: number,
  ) {}

  static async open(file: string): Promise<DbfReader> {
    const fh = await open(file, 'r');
    try {
      const h = Buffer.alloc(32);
      await fh.read(h, 0, 32, 0);
      const count = h.readUInt32LE(4);
      const headerLength = h.readUInt16LE(8);
      const recordLength = h.readUInt16LE(10);
      const desc = Buffer.alloc(headerLength - 32);
      await fh.read(desc, 0, desc.length, 32);
      const fields: DbfReader['fields'] = [];
      let offset = 1; // deletion flag
      for (let i = 0; i + 32 <= desc.length && desc[i] !== 0x0d; i += 32) {
        const raw = desc.subarray(i, i + 11);
        const name = raw.subarray(0, raw.indexOf(0) < 0 ? 11 : raw.indexOf(0)).toString('latin1');
        const type = String.fromCharCode(desc[i + 11]!);
        const length = desc[i + 16]!;
        const decimals = desc[i + 17]!;
        fields.push({ name, type, length, decimals, offset });
        offset += length;
      }
      return new DbfReader(file, count, headerLength, recordLength, fields, h[29]!);
    } finally {
      await fh.close();
    }
  }

  /** High-byte-bearing text of the first records, to detect the encoding. */
  async textSample(maxRecords: number): Promise<Uint8Array> {
    const parts: Buffer[] = [];
    let n = 0;
    for await (const rec of this.rawRecords()) {
      for (const f of this.fields) if (f.type === 'C') {
        const b = rec.subarray(f.offset, f.offset + f.length);
        if (b.some((x) => x >= 0x80)) parts.push(Buffer.concat([b, Buffer.from(' ')]));
      }
      if (++n >= maxRecords) break;
    }
    return Buffer.concat(parts);
  }

  private async *rawRecords(): AsyncGenerator<Buffer> {
    const stream = createReadStream(this.file, { start: this.headerLength, highWaterMark: Math.max(65536, this.recordLength * 64) });
    let pending: Buffer = Buffer.alloc(0);
    let seen = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let pos = 0;
      while (pending.length - pos >= this.recordLength && seen < this.recordCount) {
        const rec = pending.subarray(pos, pos + this.recordLength);
        pos += this.recordLength;
        seen += 1;
        if (rec[0] === 0x2a) continue; // deleted
        yield rec;
      }
      pending = pending.subarray(pos);
      if (seen >= this.recordCount) break;
    }
    stream.destroy();
  }

  async *records(encoding: TextEncodingName): AsyncGenerator<Record<string, unknown>> {
    for await (const rec of this.rawRecords()) {
      const out: Record<string, unknown> = {};
      for (const f of this.fields) {
        const bytes = rec.subarray(f.offset, f.offset + f.length);
        if (f.type === 'C') {
          let end = bytes.length;
          while (end > 0 && (bytes[end - 1] === 0x20 || bytes[end - 1] === 0)) end--;
          out[f.name] = end ? decodeText(bytes.subarray(0, end), encoding) : null;
        } else if (f.type === 'N' || f.type === 'F') {
          const s = bytes.toString('latin1').trim();
          out[f.name] = s === '' || /^\*+$/.test(s) ? null : Number(s);
        } else if (f.type === 'L') {
          const c = bytes.toString('latin1').trim().toUpperCase();
          out[f.name] = 'YT'.includes(c) && c ? true : 'NF'.includes(c) && c ? false : null;
        } else if (f.type === 'D') {
          const s = bytes.toString('latin1').trim();
          out[f.name] = /^\d{8}$/.test(s) ? `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}` : null;
        } else out[f.name] = bytes.toString('latin1').trim() || null;
      }
      yield out;
    }
  }
}

/* ---------------------------------------------------------------------- CSV */

const LON = /^(lon|lng|long|longitude|kinh_?do|kinh do)$/i;
const LAT = /^(lat|latitude|vi_?do|vi do)$/i;
const X = /^(x|toa_?do_?x|x_vn2000|x \(m\)|northing_x)$/i;
const Y = /^(y|toa_?do_?y|y_vn2000|y \(m\)|easting_y)$/i;
const EASTING = /^(easting|e)$/i;
const NORTHING = /^(northing|n)$/i;
const WKT = /^(wkt|geometry|geom|the_geom|hinh_hoc)$/i;
const GROUP = /^(feature|feature_id|polygon|polygon_id|ma_vung|vung)$/i;
const ZONE = /^(zone|mui|mui_chieu|kinh_tuyen_truc|epsg|crs|he_toa_do)$/i;

/** A zone column value → EPSG: "EPSG:9208", "9208", "104.75", "104°45'", "104-45". */
export function zoneToEpsg(value: string): number | null {
  const v = value.trim();
  const direct = parseCrsParam(v);
  if (direct !== null && Number.isFinite(direct) && direct > 1000) return direct;
  const dm = /^(\d{3})\s*(?:°|-|\s|d)\s*(\d{1,2})?\s*['′]?\s*$/.exec(v);
  const deg = dm ? Number(dm[1]) + (dm[2] ? Number(dm[2]) / 60 : 0) : Number(v.replace(',', '.'));
  if (!Number.isFinite(deg)) return null;
  return VN2000_TM3_BY_MERIDIAN.find(([m]) => Math.abs(m - deg) < 1e-6)?.[1] ?? null;
}

const csvNumber = (v: unknown) => {
  if (typeof v !== 'string' || !v.trim()) return NaN;
  const s = v.trim().replace(/\s/g, '');
  // "21,5" (decimal comma) but not "1,234.5"
  return Number(/^-?\d+,\d+$/.test(s) ? s.replace(',', '.') : s.replace(/,(?=\d{3}\b)/g, ''));
};

async function openCsv(file: string): Promise<OpenedFile> {
  const start = await head(file, 65536);
  const encoding = detectEncoding(start);
  const firstLine = decodeText(start, encoding).replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  const delimiter = [';', '\t', ','].map((d) => [d, firstLine.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
  const header = firstLine.split(delimiter).map((s) => s.trim().replace(/^"|"$/g, ''));
  // "Vĩ độ", "Kinh độ", "VI_DO": compared without diacritics, case or spacing too
  const fold = (h: string) => h.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').trim().replace(/\s+/g, '_');
  const find = (re: RegExp) => header.find((h) => re.test(h) || re.test(fold(h))) ?? null;
  const cols = { lon: find(LON), lat: find(LAT), x: find(X), y: find(Y), e: find(EASTING), n: find(NORTHING), wkt: find(WKT), group: find(GROUP), zone: find(ZONE) };
  const coordinateCols = new Set(Object.values(cols).filter((c): c is string => c !== null && c !== cols.group));
  if (!cols.wkt && !(cols.lon && cols.lat) && !(cols.x && cols.y) && !(cols.e && cols.n)) {
    throw new FileFormatError('CSV needs lon/lat columns, VN-2000 X/Y (or easting/northing) columns, or a WKT column', 'missing-coordinates');
  }
  // the whole text is needed decoded when it is not UTF-8 (held once); UTF-8 is streamed
  const input = encoding === 'utf-8' ? createReadStream(file) : (await import('node:stream')).Readable.from([decodeText(await readFile(file), encoding)]);
  const parser = input.pipe(parseCsv({ columns: true, bom: true, delimiter, skip_empty_lines: true, trim: true, relax_column_count: true }));
  let zoneEpsg: number | null = null;
  let zoneSeen = false;

  const pointOf = (row: Record<string, string>): Position | null => {
    if (cols.lon && cols.lat) return [csvNumber(row[cols.lon]), csvNumber(row[cols.lat])];
    // VN survey convention: X is the northing, Y the easting; the range check later confirms or swaps
    if (cols.x && cols.y) return [csvNumber(row[cols.y]), csvNumber(row[cols.x])];
    if (cols.e && cols.n) return [csvNumber(row[cols.e]), csvNumber(row[cols.n])];
    return null;
  };
  const attributesOf = (row: Record<string, string>) => {
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) if (!coordinateCols.has(k)) props[k] = v === '' ? null : v;
    return props;
  };

  async function* rows(): AsyncGenerator<RawFeature> {
    let group: { key: string; props: Record<string, unknown>; ring: Position[] } | null = null;
    const flush = (): RawFeature | null => {
      if (!group) return null;
      const ring = group.ring;
      const g: RawFeature = ring.length >= 3
        ? { properties: group.props, geometry: { type: 'Polygon', coordinates: [ring] } }
        : { properties: group.props, geometry: ring.length ? { type: 'Point', coordinates: ring[0]! } : null };
      group = null;
      return g;
    };
    for await (const row of parser as AsyncIterable<Record<string, string>>) {
      if (cols.zone && row[cols.zone]) {
        const z = zoneToEpsg(row[cols.zone]!);
        if (zoneSeen && z !== zoneEpsg) throw new FileFormatError('The zone column holds different zones; split the file by zone', 'mixed-zones');
        zoneEpsg = z;
        zoneSeen = true;
      }
      if (cols.wkt) {
        const text = row[cols.wkt];
        let geometry: Geometry | null;
        try {
          geometry = text ? parseWkt(text) : null;
        } catch {
          geometry = null;
        }
        yield { properties: attributesOf(row), geometry };
        continue;
      }
      const p = pointOf(row);
      if (cols.group) {
        const key = row[cols.group] ?? '';
        if (group && group.key !== key) {
          const f = flush();
          if (f) yield f;
        }
        group ??= { key, props: attributesOf(row), ring: [] };
        if (p && p.every(Number.isFinite)) group.ring.push(p);
        continue;
      }
      yield { properties: attributesOf(row), geometry: p && p.every(Number.isFinite) ? { type: 'Point', coordinates: p } : null };
    }
    const last = flush();
    if (last) yield last;
  }
  const opened: OpenedFile = {
    format: 'csv',
    encoding,
    crs: null,
    fieldAliases: null,
    features: rows(),
    total: null,
    close: async () => {},
  };
  // the zone column is known only while reading: expose it through a getter
  Object.defineProperty(opened, 'crs', {
    get: (): DeclaredCrs | null => (zoneEpsg ? { epsg: zoneEpsg, source: 'file', reason: `zone column ${cols.zone}` } : cols.lon && cols.lat ? { epsg: 4326, source: 'file', reason: 'lon/lat columns' } : null),
  });
  return opened;
}
