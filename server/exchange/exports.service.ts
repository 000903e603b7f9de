/**
 * Exports: GET /api/exports/{layer}.{geojson|kml|kmz|shp.zip|csv|gpkg|fgb}?crs=EPSG:NNNN&province=10,27
 * Public: published clusters only; staff of a province also get its drafts (ministry/admin: all). Facilities: signed-in
 * staff only, the same rule (other provinces: approved versions only). KML/KMZ are
 * WGS 84 by definition; the other formats take any CRS PostGIS knows (VN-2000 zones, UTM…). GeoPackage and FlatGeobuf
 * are written by GDAL (formats/ogr.ts).
 */
import type { Geometry } from 'geojson';
import JSZip from 'jszip';
import { parseProvinceFilter } from '../clusters/clusters.service.ts';
import { stringify } from 'csv-stringify/sync';
import type { Database } from '../db/database.ts';
import type { SessionUser } from '../auth/session.ts';
import { BadRequestException, NotFoundException, UnauthorizedException } from '../errors.ts';
import { CLUSTER_ATTRIBUTE_FIELDS, CLUSTER_ATTRIBUTE_KINDS, labels } from '../domain/cluster-attributes.ts';
import { FACILITY_FIELDS } from '../facilities/facility-attributes.ts';
import { ExportsRepository, type ExportRow } from './exports.repository.ts';
import { crsName, ESRI_WGS84_PRJ, parseCrsParam } from './formats/crs.ts';
import { writeShapefile, type DbfValue, type ShapefileField } from './formats/shapefile-writer.ts';
import { toWkt } from './formats/wkt.ts';
import { convertGeoJson, OGR_FORMATS } from './formats/ogr.ts';

export const EXPORT_FORMATS = ['geojson', 'kml', 'kmz', 'shp.zip', 'csv', 'gpkg', 'fgb'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_LAYERS = ['clusters', 'residential-zones', 'facilities'] as const;
type ExportLayer = (typeof EXPORT_LAYERS)[number];

type FieldType = 'text' | 'number' | 'integer' | 'boolean' | 'date' | 'list';

interface LayerSpec {
  fields: [string, FieldType][];
  title: (p: Record<string, unknown>) => string;
  label: (field: string) => string;
}

const CLUSTER_TYPES: Record<string, FieldType> = CLUSTER_ATTRIBUTE_KINDS;
const EXTRA_LABELS: Record<string, string> = {
  id: 'Mã định danh', area_ha: 'Diện tích đo (ha)', area_ha_vn2000: 'Diện tích VN-2000 (ha)', vn2000_epsg: 'Múi chiếu VN-2000 (EPSG)',
  version: 'Phiên bản', province_code_2009: 'Mã tỉnh trước 1/7/2025 (63 tỉnh)', commune_codes: 'Mã xã, phường 2025', review_state: 'Trạng thái thẩm định', published: 'Đã công bố', kind: 'Loại khu dân cư', population: 'Dân số', source: 'Nguồn',
};

const SPECS: Record<ExportLayer, LayerSpec> = {
  clusters: {
    fields: [
      ...CLUSTER_ATTRIBUTE_FIELDS.map((f) => [f, CLUSTER_TYPES[f] ?? 'text'] as [string, FieldType]),
      // each province column names its era: province_code is the 2025 unit (above), province_code_2009 the old province
      ['province_code_2009', 'text'], ['commune_codes', 'list'],
      ['id', 'text'], ['area_ha', 'number'], ['area_ha_vn2000', 'number'], ['vn2000_epsg', 'integer'], ['version', 'integer'], ['review_state', 'text'], ['published', 'boolean'],
    ],
    title: (p) => `${p.name ?? ''} (${p.code ?? ''})`,
    label: (f) => (labels.fields as Record<string, { vi: string }>)[f]?.vi ?? EXTRA_LABELS[f] ?? f,
  },
  'residential-zones': {
    fields: [['id', 'integer'], ['name', 'text'], ['kind', 'text'], ['population', 'integer'], ['province_code', 'text'], ['province_code_2009', 'text'], ['source', 'text']],
    title: (p) => String(p.name ?? `Khu dân cư ${p.id}`),
    label: (f) => EXTRA_LABELS[f] ?? (labels.fields as Record<string, { vi: string }>)[f]?.vi ?? f,
  },
  facilities: {
    fields: [...FACILITY_FIELDS.map((f) => [f, f === 'land_need_ha' ? 'number' : f === 'workers' ? 'integer' : f === 'pollution_types' ? 'list' : 'text'] as [string, FieldType]), ['id', 'text'], ['version', 'integer']],
    title: (p) => String(p.name ?? ''),
    label: (f) => EXTRA_LABELS[f] ?? f,
  },
};

const MIME: Record<ExportFormat, string> = {
  geojson: 'application/geo+json',
  kml: 'application/vnd.google-earth.kml+xml',
  kmz: 'application/vnd.google-earth.kmz',
  'shp.zip': 'application/zip',
  csv: 'text/csv; charset=utf-8',
  gpkg: OGR_FORMATS.gpkg.mime,
  fgb: OGR_FORMATS.fgb.mime,
};

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

/** A value as text for KML/CSV: lists joined with "; ", booleans true/false, null as empty. */
function asText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join('; ');
  return String(v);
}

function kmlCoordinates(ring: number[][]): string {
  return ring.map((p) => `${p[0]},${p[1]}`).join(' ');
}

function kmlGeometry(g: Geometry | null): string {
  if (!g) return '';
  const polygon = (rings: number[][][]) =>
    `<Polygon><outerBoundaryIs><LinearRing><coordinates>${kmlCoordinates(rings[0]!)}</coordinates></LinearRing></outerBoundaryIs>${rings
      .slice(1)
      .map((r) => `<innerBoundaryIs><LinearRing><coordinates>${kmlCoordinates(r)}</coordinates></LinearRing></innerBoundaryIs>`)
      .join('')}</Polygon>`;
  if (g.type === 'Point') return `<Point><coordinates>${g.coordinates[0]},${g.coordinates[1]}</coordinates></Point>`;
  if (g.type === 'Polygon') return polygon(g.coordinates);
  if (g.type === 'MultiPolygon') return g.coordinates.length === 1 ? polygon(g.coordinates[0]!) : `<MultiGeometry>${g.coordinates.map(polygon).join('')}</MultiGeometry>`;
  return '';
}

export function writeKml(layer: string, spec: LayerSpec, rows: ExportRow[]): string {
  const parts: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document>',
    `<name>${xml(layer)}</name>`,
    '<Style id="f"><LineStyle><color>ff1f5fd6</color><width>2</width></LineStyle><PolyStyle><color>551f5fd6</color></PolyStyle></Style>',
  ];
  for (const r of rows) {
    const p = r.properties;
    const rowsHtml = spec.fields
      .filter(([f]) => p[f] !== null && p[f] !== undefined && !(Array.isArray(p[f]) && !(p[f] as unknown[]).length))
      .map(([f]) => `<tr><th style="text-align:left;padding-right:8px">${xml(spec.label(f))}</th><td>${xml(asText(p[f]))}</td></tr>`)
      .join('');
    parts.push(
      `<Placemark><name>${xml(spec.title(p))}</name><styleUrl>#f</styleUrl>`,
      `<description>${cdata(`<h3>${xml(spec.title(p))}</h3><table>${rowsHtml}</table>`)}</description>`,
      `<ExtendedData>${spec.fields.map(([f]) => `<Data name="${xml(f)}"><displayName>${xml(spec.label(f))}</displayName><value>${xml(asText(p[f]))}</value></Data>`).join('')}</ExtendedData>`,
      kmlGeometry(r.geometry),
      '</Placemark>',
    );
  }
  parts.push('</Document></kml>\n');
  return parts.join('');
}

function dbfValue(type: FieldType, v: unknown): DbfValue {
  if (v === null || v === undefined) return null;
  if (type === 'list') return Array.isArray(v) ? (v.length ? v.join('; ') : null) : String(v);
  if (type === 'boolean') return typeof v === 'boolean' ? v : null;
  if (type === 'number' || type === 'integer') return typeof v === 'number' ? v : Number.isFinite(Number(v)) ? Number(v) : null;
  return String(v);
}

export interface ExportFile {
  body: Buffer | string;
  contentType: string;
  filename: string;
  count: number;
}

export class ExportsService {
  private readonly repo: ExportsRepository;

  constructor(db: Database) {
    this.repo = new ExportsRepository(db);
  }

  /** Parses "clusters.shp.zip" into layer and format. */
  static parseTarget(target: string): { layer: ExportLayer; format: ExportFormat } {
    const m = /^([a-z-]+)\.(geojson|kml|kmz|shp\.zip|csv|gpkg|fgb)$/.exec(target);
    if (!m) throw new NotFoundException(`No export ${target}; use /api/exports/{layer}.{${EXPORT_FORMATS.join('|')}}`, undefined, 'unknown-export');
    if (!(EXPORT_LAYERS as readonly string[]).includes(m[1]!)) throw new NotFoundException(`No exportable layer ${m[1]}; layers: ${EXPORT_LAYERS.join(', ')}`, undefined, 'unknown-layer');
    return { layer: m[1] as ExportLayer, format: m[2] as ExportFormat };
  }

  async export(user: SessionUser | undefined, target: string, query: Record<string, unknown>): Promise<ExportFile> {
    const { layer, format } = ExportsService.parseTarget(target);
    const srid = parseCrsParam(query.crs) ?? 4326;
    if (!Number.isFinite(srid) || !(await this.repo.sridExists(srid))) throw new BadRequestException(`Unknown CRS ${String(query.crs)}; use EPSG:NNNN`, { crs: query.crs }, 'invalid-crs');
    if ((format === 'kml' || format === 'kmz') && srid !== 4326) throw new BadRequestException('KML is always WGS 84 (EPSG:4326)', { crs: query.crs }, 'invalid-crs');
    // province= is read in era= (default 2025, the 34 units; era=2009 the 63 provinces); or name the era: province_code= / province_code_2009=
    const { provinces, provinces2009 } = parseProvinceFilter(query as Parameters<typeof parseProvinceFilter>[0]);
    if (layer === 'facilities' && !user) throw new UnauthorizedException('The facility register is for signed-in staff');
    const national = user?.role === 'ministry' || user?.role === 'admin';
    const geographic = srid === 4326 || srid === 4756;
    const filter = { seeAllUnpublished: national, ownProvince: user && !national ? user.province_code : null, provinces, provinces2009, srid, digits: geographic ? 9 : 4 };
    const rows = layer === 'clusters' ? await this.repo.clusters(filter) : layer === 'facilities' ? await this.repo.facilities(filter) : await this.repo.residentialZones(filter);
    const spec = SPECS[layer];
    const base = `${layer}${srid === 4326 ? '' : `-epsg${srid}`}`;
    const out = (body: Buffer | string, ext: string): ExportFile => ({ body, contentType: MIME[format], filename: `${base}.${ext}`, count: rows.length });

    switch (format) {
      case 'geojson':
        return out(geojsonText(spec, rows, srid), 'geojson');
      case 'gpkg':
      case 'fgb':
        // GDAL writes both from the same GeoJSON, with the same fields and CRS
        // lists as "a; b" as in the Shapefile and CSV exports: neither format has list columns
        return out(await convertGeoJson(geojsonText(spec, rows, srid, true), format, { layer: layer.replace(/-/g, '_'), srid }), format);
      case 'kml':
        return out(writeKml(layer, spec, rows), 'kml');
      case 'kmz': {
        const zip = new JSZip();
        zip.file('doc.kml', writeKml(layer, spec, rows));
        return out(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }), 'kmz');
      }
      case 'csv': {
        const header = [...spec.fields.map(([f]) => f), 'wkt', 'crs'];
        const lines = rows.map((r) => [...spec.fields.map(([f, t]) => (t === 'boolean' && typeof r.properties[f] === 'boolean' ? String(r.properties[f]) : asText(r.properties[f]))), r.geometry ? toWkt(r.geometry, geographic ? 9 : 4) : '', crsName(srid)]);
        // BOM so that Excel opens the Vietnamese text as UTF-8
        return out(`\uFEFF${stringify([header, ...lines])}`, 'csv');
      }
      case 'shp.zip': {
        const fields: ShapefileField[] = spec.fields.map(([f, t]) => ({
          attribute: f,
          type: t === 'number' ? 'N' : t === 'integer' ? 'N' : t === 'boolean' ? 'L' : t === 'date' ? 'D' : 'C',
          decimals: t === 'number' ? 8 : 0,
        }));
        const kind = layer === 'facilities' && rows.some((r) => r.geometry?.type === 'Point') ? 'point' : 'polygon';
        const shape = (r: ExportRow) => ({ geometry: r.geometry, values: spec.fields.map(([f, t]) => dbfValue(t, r.properties[f])) });
        const prj = srid === 4326 ? ESRI_WGS84_PRJ : ((await this.repo.srtext(srid)) ?? '');
        const zip = new JSZip();
        const addShapefile = (name: string, written: ReturnType<typeof writeShapefile>) => {
          zip.file(`${name}.shp`, written.shp);
          zip.file(`${name}.shx`, written.shx);
          zip.file(`${name}.dbf`, written.dbf);
          zip.file(`${name}.prj`, prj);
          zip.file(`${name}.cpg`, 'UTF-8');
          zip.file(`${name}.fields.csv`, `dbf_field,attribute\n${written.fieldNames.map(([s, l]) => `${s},${l}`).join('\n')}\n`);
        };
        addShapefile(base, writeShapefile(kind, fields, rows.filter((r) => kind === 'point' ? r.geometry?.type === 'Point' : r.geometry?.type !== 'Point').map(shape)));
        // a Shapefile holds one shape type: clusters without a boundary (location points) go to a second one
        const points = layer === 'clusters' ? rows.filter((r) => r.geometry?.type === 'Point') : [];
        if (points.length) addShapefile(`${base}_points`, writeShapefile('point', fields, points.map(shape)));
        return out(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }), 'shp.zip');
      }
    }
  }
}

/** The GeoJSON export; outside WGS 84 it names its CRS in the (pre-RFC 7946) crs member that GIS tools read. */
function geojsonText(spec: LayerSpec, rows: ExportRow[], srid: number, flatLists = false): string {
  const head = { type: 'FeatureCollection', ...(srid === 4326 ? {} : { crs: { type: 'name', properties: { name: `urn:ogc:def:crs:EPSG::${srid}` } } }) };
  const flatten = (p: Record<string, unknown>) => (flatLists ? Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Array.isArray(v) ? (v.length ? asText(v) : null) : v])) : p);
  const features = rows.map((r) => JSON.stringify({ type: 'Feature', geometry: r.geometry, properties: flatten(pick(spec, r.properties)) }));
  return `${JSON.stringify(head).slice(0, -1)},"features":[\n${features.join(',\n')}\n]}\n`;
}

function pick(spec: LayerSpec, p: Record<string, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [f] of spec.fields) o[f] = p[f] ?? null;
  return o;
}
