/**
 * OGC API – Features Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0) over the public layers.
 * Documents are built here; SQL lives in the public-data repository; the router only negotiates and sends.
 */
import type { Geometry } from 'geojson';
import type { Queryable } from '../db/database.ts';
import { addDays, isIsoDate, vietnamDate } from '../domain/dates.ts';
import { NotFoundException } from '../errors.ts';
import {
  PublicFeaturesRepository,
  cachedNationalExtent,
  cachedRegions,
  periodIntersects,
  type DatePeriod,
  type FeatureQuery,
  type GeometryOutput,
} from '../public-data/features.repository.ts';
import { catalog, filterTarget, type FilterTarget, type LayerFilter, type QueryableDef, type SqlLayer, type Licence } from '../public-data/layers.ts';
import { CRS84, CRS84_URI, SUPPORTED_CRS, SUPPORTED_CRS_URIS, STORAGE_CRS, outputDigits, parseCrs, type OgcCrs } from './crs.ts';
import { InvalidParameterException } from './errors.ts';
import { FILTER_LIMITS, FilterError, type Predicate } from './filter/ast.ts';
import { parseCql2Json } from './filter/cql2-json.ts';
import { parseCql2Text } from './filter/cql2-text.ts';
import { GEOMETRY_QUERYABLE, compileFilter, geometryLiterals, parseSortby } from './filter/compile.ts';
import { OgcRepository } from './ogc.repository.ts';

export { InvalidParameterException };

export const MEDIA = {
  json: 'application/json',
  geojson: 'application/geo+json',
  html: 'text/html',
  openapi: 'application/vnd.oai.openapi+json;version=3.0',
  jsonSchema: 'application/schema+json',
} as const;

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 10_000;
const GREGORIAN = 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian';

/** Exactly what this API does, each class backed by tests (test/ogc). */
export const CONFORMANCE_CLASSES = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  // Part 2: crs, bbox-crs, storageCrs, Content-Crs
  'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
  // Part 3 with CQL2: queryables, filter, filter-lang, filter-crs
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-json',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
  'http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus',
];

/** filter-lang values: the two CQL2 encodings, and "cql-text", the draft name GDAL before 3.7 sends (read as CQL2 text). */
export const FILTER_LANGS = ['cql2-text', 'cql2-json', 'cql-text'] as const;

export interface Link {
  href: string;
  rel: string;
  type?: string;
  title?: string;
}

export type Format = 'json' | 'html';

interface CollectionInfo {
  id: string;
  title: string;
  description: string;
  filters: LayerFilter[];
  attributes: string[];
  licence: Licence;
  /** what datetime compares with; null when it does not apply */
  time: string | null;
  /** the queryables and spatial test of filter and sortby */
  target: FilterTarget;
}

const BASE_PARAMS = new Set(['f', 'bbox', 'bbox-crs', 'limit', 'offset', 'datetime', 'crs', 'filter', 'filter-lang', 'filter-crs', 'sortby', 'properties']);

function oneValue(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidParameterException(`Parameter "${name}" must be given once, as a single value`);
  return value;
}

export function parseFormat(value: unknown): Format | undefined {
  const f = oneValue('f', value);
  if (f === undefined) return undefined;
  if (f === 'json' || f === 'html') return f;
  throw new InvalidParameterException(`Parameter "f" must be json or html, got "${f}"`);
}

/**
 * A bbox in its CRS (bbox-crs, default CRS84), returned in that CRS's x/y (GIS) order: EPSG:4326 and EPSG:4756 boxes
 * are written latitude first (minLat,minLon,maxLat,maxLon), as the CRS defines its axes.
 */
export function parseBbox(value: string, crs: OgcCrs = CRS84): [number, number, number, number] {
  const order = crs.latFirst ? 'minLat,minLon,maxLat,maxLon' : crs.geographic ? 'minLon,minLat,maxLon,maxLat' : 'minX,minY,maxX,maxY';
  const parts = value.split(',');
  if (parts.length !== 4 && parts.length !== 6) {
    throw new InvalidParameterException(`bbox must have 4 or 6 comma-separated numbers (${order}), got "${value}"`);
  }
  const numbers = parts.map((p) => (p.trim() === '' ? NaN : Number(p)));
  if (numbers.some((n) => !Number.isFinite(n))) throw new InvalidParameterException(`bbox values must be numbers, got "${value}"`);
  // 3D boxes: minX,minY,minZ,maxX,maxY,maxZ — heights are ignored
  const [a, b, c, d] = parts.length === 4 ? numbers : [numbers[0], numbers[1], numbers[3], numbers[4]];
  const [minx, miny, maxx, maxy] = crs.latFirst ? [b, a, d, c] : [a, b, c, d];
  if (crs.geographic && (minx < -180 || maxx > 180 || miny < -90 || maxy > 90)) {
    throw new InvalidParameterException(`bbox must lie within longitude -180..180 and latitude -90..90 (${order}), got "${value}"`);
  }
  if (!crs.geographic && [minx, miny, maxx, maxy].some((n) => Math.abs(n) > 1e8)) throw new InvalidParameterException(`bbox is out of range for ${crs.uri}: "${value}"`);
  if (miny > maxy) throw new InvalidParameterException(`bbox minimum ${crs.geographic ? 'latitude' : 'y'} is above its maximum: "${value}"`);
  if (minx > maxx) throw new InvalidParameterException(`bbox crossing the antimeridian is not supported (minimum x above maximum x): "${value}"`);
  return [minx, miny, maxx, maxy];
}

function parseNonNegativeInt(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidParameterException(`Parameter "${name}" must be a non-negative integer, got "${value}"`);
  return Number(value);
}

// RFC 3339 full-date or date-time; a space before the offset is a "+" that the client did not percent-encode
const DATETIME = /^(\d{4}-\d{2}-\d{2})(?:[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[-+ ]\d{2}:\d{2}))?$/;

/** One end of a datetime: a whole Vietnamese calendar day (date only) or an instant. */
type DatetimeEnd = { day: string } | { instant: Date };

function parseDatetimeEnd(text: string, whole: string): DatetimeEnd {
  const bad = () => new InvalidParameterException(`datetime must be an RFC 3339 date, date-time or interval (e.g. 2024-05-01, 2024-05-01T08:00:00Z, 2024-01-01/.., ../2024-12-31), got "${whole}"`);
  const m = DATETIME.exec(text);
  if (!m || !isIsoDate(m[1])) throw bad();
  if (m[2] === undefined) return { day: m[1] };
  const [hour, minute, second] = [Number(m[2]), Number(m[3]), Number(m[4])];
  const offset = m[6].toUpperCase().replace(' ', '+');
  if (hour > 23 || minute > 59 || second > 60) throw bad();
  if (offset !== 'Z' && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4)) > 59)) throw bad();
  // a leap second (:60) counts as the second before it
  const instant = new Date(`${m[1]}T${m[2]}:${m[3]}:${second === 60 ? '59' : m[4]}${m[5] ?? ''}${offset}`);
  if (Number.isNaN(instant.getTime())) throw bad();
  return { instant };
}

/** First and last instant an end covers (a date covers its whole day in Vietnam, UTC+7). */
function endBounds(end: DatetimeEnd): [number, number] {
  if ('instant' in end) return [end.instant.getTime(), end.instant.getTime()];
  const start = Date.parse(`${end.day}T00:00:00+07:00`);
  return [start, Date.parse(`${addDays(end.day, 1)}T00:00:00+07:00`) - 1];
}

function endDay(end: DatetimeEnd, whole: string): string {
  const day = 'day' in end ? end.day : vietnamDate(end.instant);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new InvalidParameterException(`datetime is out of range: "${whole}"`);
  return day;
}

/**
 * The datetime parameter (OGC API – Features Part 1, 7.15.4) as the inclusive Vietnamese calendar days it touches:
 * every temporal property served here is a day or a span of days, so a feature matches exactly when its days
 * intersect these. An instant touches one day; `a/b`, `../b`, `a/..` (or an empty end) are intervals.
 */
export function parseDatetime(value: string): DatePeriod {
  const parts = value.split('/');
  if (parts.length > 2) throw new InvalidParameterException(`datetime must be an instant or one interval "start/end", got "${value}"`);
  const isOpen = (p: string) => p === '..' || (p === '' && parts.length === 2);
  if (parts.every(isOpen)) throw new InvalidParameterException(`datetime needs at least one bounded end, got "${value}"`);
  const ends = parts.map((p) => (isOpen(p) ? null : parseDatetimeEnd(p, value)));
  if (ends.length === 1) {
    const day = endDay(ends[0]!, value);
    return { start: day, end: day };
  }
  const [from, to] = ends;
  if (from && to && endBounds(from)[0] > endBounds(to)[1]) {
    throw new InvalidParameterException(`datetime interval starts after it ends: "${value}"`);
  }
  return { start: from ? endDay(from, value) : null, end: to ? endDay(to, value) : null };
}

export interface ItemsRequest extends Pick<FeatureQuery, 'bbox' | 'period' | 'filters' | 'limit' | 'offset'> {
  format?: Format;
  /** the response CRS (crs), the bbox CRS (bbox-crs) and the filter's geometry CRS (filter-crs) */
  crs: OgcCrs;
  bboxCrs: OgcCrs;
  filterCrs: OgcCrs;
  filter?: Predicate;
  /** checked against the collection's queryables and attributes by the service */
  sortby?: string;
  properties?: string[];
  /** the query parameters to carry over into paging links */
  carry: Record<string, string>;
}

/** The filter parameter in its language (Part 3): parsed to the AST here, never evaluated. */
export function parseFilter(text: string, lang: string | undefined): Predicate {
  const language = lang ?? 'cql2-text';
  if (!(FILTER_LANGS as readonly string[]).includes(language)) {
    throw new InvalidParameterException(`filter-lang must be one of ${FILTER_LANGS.join(', ')}, got "${language.slice(0, 40)}"`);
  }
  return language === 'cql2-json' ? parseCql2Json(text) : parseCql2Text(text);
}

/** Validates the items query: only declared parameters, each with a valid value. */
export function parseItemsQuery(filters: LayerFilter[], query: Record<string, unknown>): ItemsRequest {
  const allowed = new Set([...BASE_PARAMS, ...filters.map((f) => f.param)]);
  const unknown = Object.keys(query).filter((k) => !allowed.has(k));
  if (unknown.length) {
    throw new InvalidParameterException(`Unknown query parameter(s): ${unknown.map((u) => u.slice(0, 40)).join(', ')}. Allowed: ${[...allowed].join(', ')}`);
  }
  const carry: Record<string, string> = {};
  const keep = (name: string) => {
    const value = oneValue(name, query[name]);
    if (value !== undefined) carry[name] = value;
    return value;
  };
  const format = parseFormat(query.f);
  const limitText = oneValue('limit', query.limit);
  let limit = DEFAULT_LIMIT;
  if (limitText !== undefined) {
    limit = parseNonNegativeInt('limit', limitText);
    if (limit < 1) throw new InvalidParameterException('Parameter "limit" must be at least 1');
    // larger pages are clamped to the maximum the API document advertises
    limit = Math.min(limit, MAX_LIMIT);
  }
  const offsetText = oneValue('offset', query.offset);
  const offset = offsetText === undefined ? 0 : parseNonNegativeInt('offset', offsetText);
  const crsText = keep('crs');
  const crs = crsText === undefined ? CRS84 : parseCrs('crs', crsText);
  const bboxCrsText = keep('bbox-crs');
  const bboxCrs = bboxCrsText === undefined ? CRS84 : parseCrs('bbox-crs', bboxCrsText);
  const bboxText = keep('bbox');
  const bbox = bboxText === undefined ? undefined : parseBbox(bboxText, bboxCrs);
  if (bboxCrsText !== undefined && bboxText === undefined) throw new InvalidParameterException('bbox-crs is given without bbox');
  const datetime = keep('datetime');
  const period = datetime === undefined ? undefined : parseDatetime(datetime);
  const filterText = keep('filter');
  const filterLang = keep('filter-lang');
  const filterCrsText = keep('filter-crs');
  const filterCrs = filterCrsText === undefined ? CRS84 : parseCrs('filter-crs', filterCrsText);
  if (filterText === undefined && (filterLang !== undefined || filterCrsText !== undefined)) {
    throw new InvalidParameterException('filter-lang and filter-crs need a filter');
  }
  const filter = filterText === undefined ? undefined : parseFilter(filterText, filterLang);
  const sortby = keep('sortby');
  const propertiesText = keep('properties');
  const properties = propertiesText === undefined ? undefined : propertiesText.split(',').map((p) => p.trim());
  if (properties && (properties.some((p) => !p) || properties.length > 100)) {
    throw new InvalidParameterException('properties is a comma-separated list of property names');
  }
  const filterValues: Record<string, string> = {};
  for (const filter of filters) {
    const value = keep(filter.param);
    if (value !== undefined) filterValues[filter.param] = value;
  }
  return { format, limit, offset, bbox, period, filters: filterValues, crs, bboxCrs, filterCrs, filter, sortby, properties, carry };
}

/** crs and properties on a single feature (Part 2 applies crs there too). */
export function parseItemQuery(query: Record<string, unknown>): { format?: Format; crs: OgcCrs; properties?: string[] } {
  const allowed = new Set(['f', 'crs', 'properties']);
  const unknown = Object.keys(query).filter((k) => !allowed.has(k));
  if (unknown.length) throw new InvalidParameterException(`Unknown query parameter(s): ${unknown.map((u) => u.slice(0, 40)).join(', ')}. Allowed: f, crs, properties`);
  const crsText = oneValue('crs', query.crs);
  const propertiesText = oneValue('properties', query.properties);
  return {
    format: parseFormat(query.f),
    crs: crsText === undefined ? CRS84 : parseCrs('crs', crsText),
    properties: propertiesText === undefined ? undefined : propertiesText.split(',').map((p) => p.trim()),
  };
}

/** How datetime applies to a collection, in its description and its API parameter. */
function datetimeNote(time: string | null): string {
  return time === null
    ? 'datetime does not apply to this collection: its features have no date (only when they were loaded), so a valid datetime selects every feature.'
    : `datetime selects features by ${time}.`;
}

const DATETIME_PARAM = {
  name: 'datetime',
  in: 'query',
  required: false,
  description:
    'An RFC 3339 date or date-time (2024-05-01, 2024-05-01T08:00:00Z), or an interval with open ends as ".." ' +
    '(2020-01-01/2024-12-31, 2020-01-01/.., ../2024-12-31). Only features whose time intersects it are selected; ' +
    'a date without time means that whole day in Vietnam (UTC+7).',
  schema: { type: 'string' },
  style: 'form',
  explode: false,
} as const;

function crsParam(name: string, description: string) {
  return {
    name, in: 'query', required: false, description,
    schema: { type: 'string', format: 'uri', enum: SUPPORTED_CRS.map((c) => c.uri), default: CRS84_URI }, style: 'form', explode: false,
  };
}

/** JSON Schema of one queryable. */
function queryableSchema(q: QueryableDef): Record<string, unknown> {
  const type = q.type === 'date' || q.type === 'timestamp' ? 'string' : q.type;
  return {
    title: q.title,
    type,
    ...(q.type === 'date' ? { format: 'date' } : q.type === 'timestamp' ? { format: 'date-time' } : {}),
    ...(q.enum ? { enum: q.enum } : {}),
  };
}

function geometryOutput(crs: OgcCrs): GeometryOutput | undefined {
  return crs === CRS84 ? undefined : { srid: crs.srid, flip: crs.latFirst, digits: outputDigits(crs) };
}

function checkProperties(info: CollectionInfo, names: string[]): string[] {
  const unknown = names.filter((n) => !info.attributes.includes(n));
  if (unknown.length) {
    throw new InvalidParameterException(`Unknown properties: ${unknown.map((u) => u.slice(0, 40)).join(', ')}. ${info.id} has: ${info.attributes.join(', ')}`);
  }
  return names;
}

function pick(properties: Record<string, unknown>, names: string[] | undefined): Record<string, unknown> {
  if (!names) return properties;
  return Object.fromEntries(Object.entries(properties).filter(([k]) => names.includes(k)));
}

/** Swaps x and y of every position (a literal given latitude first). */
function flipCoordinates<T extends Geometry>(g: T): T {
  const flip = (c: unknown): unknown => (typeof (c as number[])[0] === 'number' ? [(c as number[])[1], (c as number[])[0], ...(c as number[]).slice(2)] : (c as unknown[]).map(flip));
  if (g.type === 'GeometryCollection') return { ...g, geometries: g.geometries.map(flipCoordinates) };
  return { ...g, coordinates: flip((g as { coordinates: unknown }).coordinates) } as T;
}

function qs(params: Record<string, string | number>): string {
  const s = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
  return s ? `?${s}` : '';
}

export class OgcService {
  private readonly features: PublicFeaturesRepository;
  private readonly repo: OgcRepository;

  constructor(private readonly db: Queryable) {
    this.features = new PublicFeaturesRepository(db);
    this.repo = new OgcRepository(db);
  }

  private async collectionInfos(): Promise<CollectionInfo[]> {
    const c = await catalog(this.db);
    const list: CollectionInfo[] = [...c.layers.values()].map((l) => ({
      id: l.id,
      title: l.title,
      description: l.description,
      filters: l.filters,
      attributes: l.attributes,
      licence: l.licence,
      time: l.temporal?.description ?? null,
      target: filterTarget(l),
    }));
    // regions after provinces, in the order of the issue
    const at = list.findIndex((l) => l.id === 'provinces') + 1;
    list.splice(at, 0, { ...c.regions, time: c.regions.temporal.description, target: c.regions.filterTarget });
    return list;
  }

  private async info(id: string): Promise<CollectionInfo> {
    const info = (await this.collectionInfos()).find((i) => i.id === id);
    if (!info) throw new NotFoundException(`Collection "${id}" does not exist`, undefined, 'NotFound');
    return info;
  }

  /** The collection's temporal interval, from the data; null when datetime does not apply. */
  private async temporalInterval(id: string): Promise<[string | null, string | null] | null> {
    const layer = await this.sqlLayer(id);
    let days: [string | null, string | null] | null;
    if (layer === 'regions') {
      const time = (await catalog(this.db)).regions.temporal;
      days = [time.start, time.end];
    } else days = await this.features.temporalExtent(layer);
    if (!days) return null;
    // the first day from its Vietnamese midnight to the last second of the last day
    return [days[0] && `${days[0]}T00:00:00+07:00`, days[1] && `${days[1]}T23:59:59+07:00`];
  }

  private async sqlLayer(id: string): Promise<SqlLayer | 'regions'> {
    if (id === 'regions') return 'regions';
    const c = await catalog(this.db);
    const layer = c.layers.get(id as never);
    if (!layer) throw new NotFoundException(`Collection "${id}" does not exist`, undefined, 'NotFound');
    return layer;
  }

  landing(base: string) {
    return {
      title: 'Cluster Atlas — OGC API Features',
      description:
        'Cụm công nghiệp Việt Nam: dữ liệu công khai đã được phê duyệt (approved public data on Vietnam\'s industrial clusters, ' +
        'planned clusters, provinces, regions and residential zones).',
      // clients such as QGIS only read /conformance (and so use the CRS and filter parts) through these links
      links: [
        { href: `${base}?f=json`, rel: 'self', type: MEDIA.json, title: 'This document' },
        { href: `${base}?f=html`, rel: 'alternate', type: MEDIA.html, title: 'This document as HTML' },
        { href: `${base}/api`, rel: 'service-desc', type: MEDIA.openapi, title: 'The API definition (OpenAPI 3.0)' },
        { href: `${base}/api?f=html`, rel: 'service-doc', type: MEDIA.html, title: 'The API documentation' },
        { href: `${base}/conformance`, rel: 'conformance', type: MEDIA.json, title: 'Conformance classes' },
        { href: `${base}/conformance`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/conformance', type: MEDIA.json, title: 'Conformance classes' },
        { href: `${base}/collections`, rel: 'data', type: MEDIA.json, title: 'Feature collections' },
        { href: `${base}/collections`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/data', type: MEDIA.json, title: 'Feature collections' },
      ] satisfies Link[],
    };
  }

  conformance(base: string) {
    return {
      conformsTo: CONFORMANCE_CLASSES,
      links: [{ href: `${base}/conformance`, rel: 'self', type: MEDIA.json, title: 'This document' }] satisfies Link[],
    };
  }

  private collectionDoc(base: string, info: CollectionInfo, extent: [number, number, number, number], interval: [string | null, string | null] | null) {
    const href = `${base}/collections/${info.id}`;
    return {
      id: info.id,
      title: info.title,
      description: `${info.description} ${datetimeNote(info.time)}`,
      itemType: 'feature',
      crs: SUPPORTED_CRS_URIS,
      storageCrs: STORAGE_CRS.uri,
      // no temporal member where datetime does not apply
      extent: { spatial: { bbox: [extent], crs: CRS84_URI }, ...(interval ? { temporal: { interval: [interval], trs: GREGORIAN } } : {}) },
      license: info.licence.name,
      attribution: info.licence.attribution,
      links: [
        { href, rel: 'self', type: MEDIA.json, title: info.title },
        { href: `${href}?f=html`, rel: 'alternate', type: MEDIA.html, title: `${info.title} (HTML)` },
        { href: `${href}/items`, rel: 'items', type: MEDIA.geojson, title: `${info.title} — features` },
        { href: `${href}/items?f=html`, rel: 'items', type: MEDIA.html, title: `${info.title} — features (HTML)` },
        { href: `${href}/queryables`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/queryables', type: MEDIA.jsonSchema, title: `${info.title} — queryables` },
        { href: info.licence.url, rel: 'license', type: MEDIA.html, title: info.licence.name },
      ] satisfies Link[],
    };
  }

  async collections(base: string) {
    const [infos, extent] = await Promise.all([this.collectionInfos(), cachedNationalExtent(this.db)]);
    const intervals = await Promise.all(infos.map((i) => this.temporalInterval(i.id)));
    return {
      links: [
        { href: `${base}/collections`, rel: 'self', type: MEDIA.json, title: 'Feature collections' },
        { href: `${base}/collections?f=html`, rel: 'alternate', type: MEDIA.html, title: 'Feature collections (HTML)' },
      ] satisfies Link[],
      collections: infos.map((i, n) => this.collectionDoc(base, i, extent, intervals[n])),
    };
  }

  async collection(base: string, id: string) {
    const info = await this.info(id);
    const [extent, interval] = await Promise.all([cachedNationalExtent(this.db), this.temporalInterval(id)]);
    return this.collectionDoc(base, info, extent, interval);
  }

  /** The queryables as JSON Schema (Part 3): every property filter and sortby accept, and the geometry. */
  async queryables(base: string, id: string) {
    const info = await this.info(id);
    return {
      $schema: 'https://json-schema.org/draft/2019-09/schema',
      $id: `${base}/collections/${id}/queryables`,
      type: 'object',
      title: info.title,
      description: `Properties usable in filter (CQL2 text or JSON) and sortby. Geometry literals are in filter-crs (default CRS84).`,
      properties: {
        [GEOMETRY_QUERYABLE]: { title: 'Geometry', description: 'The feature geometry (S_INTERSECTS)', format: 'geometry-any', 'x-ogc-role': 'primary-geometry' },
        ...Object.fromEntries(info.target.queryables.map((q) => [q.name, queryableSchema(q)])),
      },
      additionalProperties: false,
    };
  }

  async filtersOf(id: string): Promise<LayerFilter[]> {
    return (await this.info(id)).filters;
  }

  /** Turns the parsed request into repository terms: CRSs resolved, geometries in CRS84, filter compiled. */
  private async resolve(info: CollectionInfo, req: ItemsRequest): Promise<FeatureQuery> {
    const q: FeatureQuery = { filters: req.filters, period: req.period, limit: req.limit, offset: req.offset };
    if (req.bbox) {
      // EPSG:4326 differs from CRS84 only in its axis order, which parseBbox has already undone
      if (req.bboxCrs.srid === 4326) q.bbox = req.bbox;
      else {
        const area = await this.repo.bboxToCrs84(req.bbox, req.bboxCrs.srid);
        if (!area) throw new InvalidParameterException(`bbox cannot be transformed from ${req.bboxCrs.uri}`);
        q.area = area;
      }
    }
    if (req.filter) {
      const filter = req.filter;
      for (const literal of geometryLiterals(filter)) {
        const g = req.filterCrs.latFirst ? flipCoordinates(literal.geometry) : literal.geometry;
        const crs84 = await this.repo.toCrs84(JSON.stringify(g), req.filterCrs.srid);
        if (!crs84) throw new FilterError(`a geometry literal cannot be read in ${req.filterCrs.uri}`);
        literal.geometry = JSON.parse(crs84);
      }
      // compiled once here so that type errors are a 400 before any query runs
      compileFilter(filter, info.target, []);
      q.condition = (params) => compileFilter(filter, info.target, params);
    }
    if (req.sortby !== undefined) q.sortby = parseSortby(req.sortby, info.target);
    if (req.properties) q.properties = checkProperties(info, req.properties);
    q.output = geometryOutput(req.crs);
    return q;
  }

  /** The items document as text: features come from the database as GeoJSON text and are spliced in. */
  async items(base: string, id: string, req: ItemsRequest): Promise<{ body: string; features: string[]; numberMatched: number | null; links: Link[]; crs: OgcCrs }> {
    const info = await this.info(id);
    const layer = await this.sqlLayer(id);
    const q = await this.resolve(info, req);
    let features: string[];
    let more: boolean;
    let numberMatched: number | null;
    if (layer === 'regions') {
      const all = await this.regionFeatures(info, q);
      numberMatched = all.length;
      const page = all.slice(req.offset, req.offset + req.limit);
      const geometries = q.output ? await this.repo.reproject(page.map((f) => JSON.stringify(f.geometry)), q.output) : null;
      features = page.map((f, n) => JSON.stringify({ ...f, geometry: geometries ? JSON.parse(geometries[n]!) : f.geometry, properties: pick(f.properties, q.properties) }));
      more = req.offset + req.limit < all.length;
    } else {
      const [page, count] = await Promise.all([this.features.page(layer, q), this.features.count(layer, q)]);
      features = page.features;
      more = page.more;
      numberMatched = count;
    }
    const href = `${base}/collections/${id}/items`;
    const links: Link[] = [
      { href: href + qs({ ...req.carry, limit: req.limit, offset: req.offset, f: 'json' }), rel: 'self', type: MEDIA.geojson, title: 'This page' },
      { href: href + qs({ ...req.carry, limit: req.limit, offset: req.offset, f: 'html' }), rel: 'alternate', type: MEDIA.html, title: 'This page as HTML' },
      { href: `${base}/collections/${id}`, rel: 'collection', type: MEDIA.json, title: 'The collection' },
    ];
    if (more) {
      links.push({ href: href + qs({ ...req.carry, limit: req.limit, offset: req.offset + req.limit }), rel: 'next', type: MEDIA.geojson, title: 'Next page' });
    }
    if (req.offset > 0) {
      links.push({ href: href + qs({ ...req.carry, limit: req.limit, offset: Math.max(0, req.offset - req.limit) }), rel: 'prev', type: MEDIA.geojson, title: 'Previous page' });
    }
    const head: Record<string, unknown> = { type: 'FeatureCollection', timeStamp: new Date().toISOString() };
    if (numberMatched !== null) head.numberMatched = numberMatched;
    head.numberReturned = features.length;
    head.links = links;
    const json = JSON.stringify(head);
    const body = `${json.slice(0, -1)},"features":[${features.join(',')}]}`;
    return { body, features, numberMatched, links, crs: req.crs };
  }

  /** Regions live in memory (dissolved once); conditions and order come from SQL over the regions and provinces. */
  private async regionFeatures(info: CollectionInfo, q: FeatureQuery) {
    let regions = await cachedRegions(this.db);
    if (q.filters.code !== undefined) regions = regions.filter((r) => r.id === q.filters.code);
    const time = (await catalog(this.db)).regions.temporal;
    if (q.period && !periodIntersects(q.period, time.start, time.end)) regions = [];
    if (regions.length && (q.bbox || q.area || q.condition || q.sortby)) {
      const codes = await this.repo.regionCodes(info.target, { envelope: q.bbox, area: q.area, condition: q.condition, sortby: q.sortby });
      const byCode = new Map(regions.map((r) => [r.id, r]));
      regions = codes.flatMap((c) => byCode.get(c) ?? []);
    }
    return regions.map((r) => ({ type: 'Feature', id: r.id, geometry: r.geometry, properties: r.properties as Record<string, unknown> }));
  }

  async item(base: string, id: string, fid: string, query: { crs: OgcCrs; properties?: string[] } = { crs: CRS84 }): Promise<string> {
    const info = await this.info(id);
    const layer = await this.sqlLayer(id);
    const output = geometryOutput(query.crs);
    const properties = query.properties && checkProperties(info, query.properties);
    let feature: Record<string, unknown> | null;
    if (layer === 'regions') {
      const r = (await cachedRegions(this.db)).find((x) => x.id === fid);
      const geometry = r && output ? JSON.parse((await this.repo.reproject([JSON.stringify(r.geometry)], output))[0]!) : r?.geometry;
      feature = r ? { type: 'Feature', id: r.id, geometry, properties: pick(r.properties, properties) } : null;
    } else {
      const text = await this.features.one(layer, fid, { output, properties });
      feature = text ? JSON.parse(text) : null;
    }
    if (!feature) throw new NotFoundException(`Feature "${fid}" does not exist in collection "${id}"`, undefined, 'NotFound');
    const href = `${base}/collections/${id}/items/${encodeURIComponent(fid)}`;
    feature.links = [
      { href, rel: 'self', type: MEDIA.geojson, title: 'This feature' },
      { href: `${href}?f=html`, rel: 'alternate', type: MEDIA.html, title: 'This feature as HTML' },
      { href: `${base}/collections/${id}`, rel: 'collection', type: MEDIA.json, title: 'The collection' },
    ] satisfies Link[];
    return JSON.stringify(feature);
  }

  /** OpenAPI 3.0 definition, with one items path per collection so clients see its filter parameters. */
  async openapi(base: string) {
    const infos = await this.collectionInfos();
    const ref = (name: string) => ({ $ref: `#/components/parameters/${name}` });
    const jsonAndHtml = (schema: object) => ({
      [MEDIA.json]: { schema },
      [MEDIA.html]: { schema: { type: 'string' } },
    });
    const exception = {
      description: 'An error',
      content: { [MEDIA.json]: { schema: { $ref: '#/components/schemas/exception' } } },
    };
    const paths: Record<string, unknown> = {
      '/': { get: { operationId: 'getLandingPage', summary: 'Landing page', parameters: [ref('f')], responses: { '200': { description: 'The landing page', content: jsonAndHtml({ type: 'object' }) } } } },
      '/conformance': { get: { operationId: 'getConformance', summary: 'Conformance classes', parameters: [ref('f')], responses: { '200': { description: 'The conformance classes', content: jsonAndHtml({ type: 'object' }) } } } },
      '/api': { get: { operationId: 'getApi', summary: 'This document', responses: { '200': { description: 'OpenAPI 3.0', content: { [MEDIA.openapi]: { schema: { type: 'object' } } } } } } },
      '/collections': { get: { operationId: 'getCollections', summary: 'Feature collections', parameters: [ref('f')], responses: { '200': { description: 'The collections', content: jsonAndHtml({ type: 'object' }) } } } },
    };
    for (const info of infos) {
      const datetimeParam = { ...DATETIME_PARAM, description: `${DATETIME_PARAM.description}\n\n${datetimeNote(info.time)}` };
      const filterParams = info.filters.map((f) => ({ name: f.param, in: 'query', required: false, description: f.description, schema: { type: 'string' }, style: 'form', explode: false }));
      const properties = Object.fromEntries(info.attributes.map((a) => [a, {}]));
      paths[`/collections/${info.id}`] = {
        get: { operationId: `describe-${info.id}`, summary: `Describe ${info.title}`, parameters: [ref('f')], responses: { '200': { description: 'The collection', content: jsonAndHtml({ type: 'object' }) }, '404': exception } },
      };
      paths[`/collections/${info.id}/queryables`] = {
        get: {
          operationId: `get-${info.id}-queryables`,
          summary: `Queryables of ${info.title} (JSON Schema)`,
          parameters: [ref('f')],
          responses: { '200': { description: 'The properties filter and sortby accept', content: { [MEDIA.jsonSchema]: { schema: { type: 'object' } }, [MEDIA.html]: { schema: { type: 'string' } } } }, '404': exception },
        },
      };
      const itemsParams = [ref('bbox'), ref('bbox-crs'), ref('limit'), ref('offset'), datetimeParam, ref('crs'), ref('filter'), ref('filter-lang'), ref('filter-crs'), ref('sortby'), ref('properties'), ref('f'), ...filterParams];
      paths[`/collections/${info.id}/items`] = {
        get: {
          operationId: `get-${info.id}-items`,
          summary: `Features of ${info.title}`,
          parameters: itemsParams,
          responses: {
            '200': {
              description: 'A page of features (GeoJSON FeatureCollection)',
              headers: { 'Content-Crs': { $ref: '#/components/headers/Content-Crs' } },
              content: {
                [MEDIA.geojson]: { schema: { type: 'object', properties: { type: { type: 'string' }, features: { type: 'array', items: { type: 'object', properties: { properties: { type: 'object', properties } } } } } } },
                [MEDIA.html]: { schema: { type: 'string' } },
              },
            },
            '400': exception,
            '404': exception,
          },
        },
      };
      paths[`/collections/${info.id}/items/{featureId}`] = {
        get: {
          operationId: `get-${info.id}-feature`,
          summary: `One feature of ${info.title}`,
          parameters: [ref('featureId'), ref('crs'), ref('properties'), ref('f')],
          responses: { '200': { description: 'A GeoJSON Feature', headers: { 'Content-Crs': { $ref: '#/components/headers/Content-Crs' } }, content: { [MEDIA.geojson]: { schema: { type: 'object' } }, [MEDIA.html]: { schema: { type: 'string' } } } }, '404': exception },
        },
      };
    }
    return {
      openapi: '3.0.3',
      info: {
        title: 'Cluster Atlas — OGC API Features',
        version: '1.0.0',
        description:
          'Approved public data on Vietnam\'s industrial clusters (cụm công nghiệp). OGC API – Features Part 1 (Core), ' +
          'Part 2 (CRS: WGS 84, VN-2000 and its zones, Web Mercator) and Part 3 (filtering with CQL2 text and JSON).',
        license: { name: 'CC BY 4.0 (clusters); CC BY-SA 4.0 (boundaries)', url: 'https://creativecommons.org/licenses/by/4.0/' },
      },
      servers: [{ url: base }],
      paths,
      components: {
        parameters: {
          f: { name: 'f', in: 'query', required: false, description: 'Representation', schema: { type: 'string', enum: ['json', 'html'] }, style: 'form', explode: false },
          bbox: {
            name: 'bbox', in: 'query', required: false,
            description: 'minLon,minLat,maxLon,maxLat in CRS84, or in bbox-crs in that CRS\'s axis order (EPSG:4326 and EPSG:4756: minLat,minLon,maxLat,maxLon)',
            schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } }, style: 'form', explode: false,
          },
          'bbox-crs': crsParam('bbox-crs', 'The CRS of bbox (default CRS84)'),
          crs: crsParam('crs', 'The CRS of the returned geometries, coordinates in its axis order (default CRS84); the response says it in Content-Crs'),
          'filter-crs': crsParam('filter-crs', 'The CRS of geometry literals in filter, in its axis order (default CRS84)'),
          filter: {
            name: 'filter', in: 'query', required: false,
            description: `A CQL2 filter (Basic CQL2, LIKE, BETWEEN, IN, S_INTERSECTS with a geometry or BBOX literal) over the collection's queryables; at most ${FILTER_LIMITS.length} characters, ${FILTER_LIMITS.depth} levels and ${FILTER_LIMITS.nodes} terms. Example: status = 'operating' AND area_ha > 20`,
            schema: { type: 'string', maxLength: FILTER_LIMITS.length }, style: 'form', explode: false,
          },
          'filter-lang': {
            name: 'filter-lang', in: 'query', required: false,
            description: 'The filter encoding: cql2-text (default) or cql2-json; cql-text, the draft name older GDAL sends, is read as cql2-text',
            schema: { type: 'string', enum: [...FILTER_LANGS], default: 'cql2-text' }, style: 'form', explode: false,
          },
          sortby: {
            name: 'sortby', in: 'query', required: false, description: 'Comma-separated queryables, each optionally prefixed + (ascending, the default) or - (descending)',
            schema: { type: 'array', items: { type: 'string', pattern: '^[+-]?[A-Za-z_][A-Za-z0-9_]*$' } }, style: 'form', explode: false,
          },
          properties: {
            name: 'properties', in: 'query', required: false, description: 'Comma-separated names of the properties to return (default: all)',
            schema: { type: 'array', items: { type: 'string' } }, style: 'form', explode: false,
          },
          limit: { name: 'limit', in: 'query', required: false, description: 'Page size', schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT }, style: 'form', explode: false },
          offset: { name: 'offset', in: 'query', required: false, description: 'Features to skip', schema: { type: 'integer', minimum: 0, default: 0 }, style: 'form', explode: false },
          datetime: DATETIME_PARAM,
          featureId: { name: 'featureId', in: 'path', required: true, description: 'Feature id', schema: { type: 'string' } },
        },
        headers: {
          'Content-Crs': { description: 'The CRS of the geometries in the response, as <URI>', schema: { type: 'string' } },
        },
        schemas: {
          exception: { type: 'object', required: ['code'], properties: { code: { type: 'string' }, description: { type: 'string' } } },
        },
      },
    };
  }
}
