/**
 * OGC API – Features Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0) over the public layers.
 * Documents are built here; SQL lives in the public-data repository; the router only negotiates and sends.
 */
import type { Queryable } from '../db/database.ts';
import { addDays, isIsoDate, vietnamDate } from '../domain/dates.ts';
import { BadRequestException, NotFoundException } from '../errors.ts';
import {
  PublicFeaturesRepository,
  cachedNationalExtent,
  cachedRegions,
  periodIntersects,
  type DatePeriod,
  type FeatureQuery,
} from '../public-data/features.repository.ts';
import { catalog, type LayerFilter, type SqlLayer, type Licence } from '../public-data/layers.ts';

export const MEDIA = {
  json: 'application/json',
  geojson: 'application/geo+json',
  html: 'text/html',
  openapi: 'application/vnd.oai.openapi+json;version=3.0',
} as const;

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 10_000;
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const GREGORIAN = 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian';

export const CONFORMANCE_CLASSES = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
];

/** An OGC-style exception (`{code, description}`) with its HTTP status. */
export class InvalidParameterException extends BadRequestException {
  constructor(description: string) {
    super(description, undefined, 'InvalidParameterValue');
  }
}

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
}

const BASE_PARAMS = new Set(['f', 'bbox', 'bbox-crs', 'limit', 'offset', 'datetime']);

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

export function parseBbox(value: string): [number, number, number, number] {
  const parts = value.split(',');
  if (parts.length !== 4 && parts.length !== 6) {
    throw new InvalidParameterException(`bbox must have 4 or 6 comma-separated numbers (minLon,minLat,maxLon,maxLat), got "${value}"`);
  }
  const numbers = parts.map((p) => (p.trim() === '' ? NaN : Number(p)));
  if (numbers.some((n) => !Number.isFinite(n))) throw new InvalidParameterException(`bbox values must be numbers, got "${value}"`);
  // 3D boxes: minLon,minLat,minZ,maxLon,maxLat,maxZ — heights are ignored
  const [minx, miny, maxx, maxy] = parts.length === 4 ? numbers : [numbers[0], numbers[1], numbers[3], numbers[4]];
  if (minx < -180 || maxx > 180 || miny < -90 || maxy > 90) {
    throw new InvalidParameterException(`bbox must lie within -180,-90,180,90 (CRS84 longitude/latitude), got "${value}"`);
  }
  if (miny > maxy) throw new InvalidParameterException(`bbox minimum latitude is above its maximum: "${value}"`);
  if (minx > maxx) throw new InvalidParameterException(`bbox crossing the antimeridian is not supported (minLon > maxLon): "${value}"`);
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

export interface ItemsRequest extends FeatureQuery {
  format?: Format;
  /** the query parameters to carry over into paging links */
  carry: Record<string, string>;
}

/** Validates the items query: only declared parameters, each with a valid value. */
export function parseItemsQuery(filters: LayerFilter[], query: Record<string, unknown>): ItemsRequest {
  const allowed = new Set([...BASE_PARAMS, ...filters.map((f) => f.param)]);
  const unknown = Object.keys(query).filter((k) => !allowed.has(k));
  if (unknown.length) {
    throw new InvalidParameterException(`Unknown query parameter(s): ${unknown.join(', ')}. Allowed: ${[...allowed].join(', ')}`);
  }
  const carry: Record<string, string> = {};
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
  const bboxText = oneValue('bbox', query.bbox);
  const bbox = bboxText === undefined ? undefined : parseBbox(bboxText);
  if (bboxText !== undefined) carry.bbox = bboxText;
  const bboxCrs = oneValue('bbox-crs', query['bbox-crs']);
  if (bboxCrs !== undefined && bboxCrs !== CRS84) throw new InvalidParameterException(`Only bbox-crs=${CRS84} is supported`);
  const datetime = oneValue('datetime', query.datetime);
  const period = datetime === undefined ? undefined : parseDatetime(datetime);
  if (datetime !== undefined) carry.datetime = datetime;
  const filterValues: Record<string, string> = {};
  for (const filter of filters) {
    const value = oneValue(filter.param, query[filter.param]);
    if (value === undefined) continue;
    filterValues[filter.param] = value;
    carry[filter.param] = value;
  }
  return { format, limit, offset, bbox, period, filters: filterValues, carry };
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

function qs(params: Record<string, string | number>): string {
  const s = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
  return s ? `?${s}` : '';
}

export class OgcService {
  private readonly features: PublicFeaturesRepository;

  constructor(private readonly db: Queryable) {
    this.features = new PublicFeaturesRepository(db);
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
    }));
    // regions after provinces, in the order of the issue
    const at = list.findIndex((l) => l.id === 'provinces') + 1;
    list.splice(at, 0, { ...c.regions, time: c.regions.temporal.description });
    return list;
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
      crs: [CRS84],
      storageCrs: CRS84,
      // no temporal member where datetime does not apply
      extent: { spatial: { bbox: [extent], crs: CRS84 }, ...(interval ? { temporal: { interval: [interval], trs: GREGORIAN } } : {}) },
      license: info.licence.name,
      attribution: info.licence.attribution,
      links: [
        { href, rel: 'self', type: MEDIA.json, title: info.title },
        { href: `${href}?f=html`, rel: 'alternate', type: MEDIA.html, title: `${info.title} (HTML)` },
        { href: `${href}/items`, rel: 'items', type: MEDIA.geojson, title: `${info.title} — features` },
        { href: `${href}/items?f=html`, rel: 'items', type: MEDIA.html, title: `${info.title} — features (HTML)` },
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
    const infos = await this.collectionInfos();
    const info = infos.find((i) => i.id === id);
    if (!info) throw new NotFoundException(`Collection "${id}" does not exist`, undefined, 'NotFound');
    const [extent, interval] = await Promise.all([cachedNationalExtent(this.db), this.temporalInterval(id)]);
    return this.collectionDoc(base, info, extent, interval);
  }

  async filtersOf(id: string): Promise<LayerFilter[]> {
    const layer = await this.sqlLayer(id);
    return layer === 'regions' ? (await catalog(this.db)).regions.filters : layer.filters;
  }

  /** The items document as text: features come from the database as GeoJSON text and are spliced in. */
  async items(base: string, id: string, req: ItemsRequest): Promise<{ body: string; features: string[]; numberMatched: number | null; links: Link[] }> {
    const layer = await this.sqlLayer(id);
    let features: string[];
    let more: boolean;
    let numberMatched: number | null;
    if (layer === 'regions') {
      const all = await this.regionFeatures(req);
      numberMatched = all.length;
      features = all.slice(req.offset, req.offset + req.limit).map((f) => JSON.stringify(f));
      more = req.offset + req.limit < all.length;
    } else {
      const [page, count] = await Promise.all([this.features.page(layer, req), this.features.count(layer, req)]);
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
    return { body, features, numberMatched, links };
  }

  private async regionFeatures(req: ItemsRequest) {
    let regions = await cachedRegions(this.db);
    if (req.filters.code !== undefined) regions = regions.filter((r) => r.id === req.filters.code);
    const time = (await catalog(this.db)).regions.temporal;
    if (req.period && !periodIntersects(req.period, time.start, time.end)) regions = [];
    if (req.bbox && regions.length) {
      const hit = new Set(await this.regionsIntersecting(req.bbox));
      regions = regions.filter((r) => hit.has(r.id));
    }
    return regions.map((r) => ({ type: 'Feature', id: r.id, geometry: r.geometry, properties: r.properties }));
  }

  private async regionsIntersecting(bbox: [number, number, number, number]): Promise<string[]> {
    // exact: against the same display geometry the regions were dissolved from
    const r = await this.db.query<{ region_code: string }>(
      'SELECT DISTINCT region_code FROM provinces WHERE ST_Intersects(geom_display, ST_MakeEnvelope($1, $2, $3, $4, 4326))',
      bbox,
    );
    return r.rows.map((x) => x.region_code);
  }

  async item(base: string, id: string, fid: string): Promise<string> {
    const layer = await this.sqlLayer(id);
    let feature: Record<string, unknown> | null;
    if (layer === 'regions') {
      const r = (await cachedRegions(this.db)).find((x) => x.id === fid);
      feature = r ? { type: 'Feature', id: r.id, geometry: r.geometry, properties: r.properties } : null;
    } else {
      const text = await this.features.one(layer, fid);
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
      paths[`/collections/${info.id}/items`] = {
        get: {
          operationId: `get-${info.id}-items`,
          summary: `Features of ${info.title}`,
          parameters: [ref('bbox'), ref('limit'), ref('offset'), datetimeParam, ref('f'), ...filterParams],
          responses: {
            '200': {
              description: 'A page of features (GeoJSON FeatureCollection)',
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
          parameters: [ref('featureId'), ref('f')],
          responses: { '200': { description: 'A GeoJSON Feature', content: { [MEDIA.geojson]: { schema: { type: 'object' } }, [MEDIA.html]: { schema: { type: 'string' } } } }, '404': exception },
        },
      };
    }
    return {
      openapi: '3.0.3',
      info: {
        title: 'Cluster Atlas — OGC API Features',
        version: '1.0.0',
        description: 'Approved public data on Vietnam\'s industrial clusters (cụm công nghiệp). OGC API – Features Part 1: Core.',
        license: { name: 'CC BY 4.0 (clusters); CC BY-SA 4.0 (boundaries)', url: 'https://creativecommons.org/licenses/by/4.0/' },
      },
      servers: [{ url: base }],
      paths,
      components: {
        parameters: {
          f: { name: 'f', in: 'query', required: false, description: 'Representation', schema: { type: 'string', enum: ['json', 'html'] }, style: 'form', explode: false },
          bbox: {
            name: 'bbox', in: 'query', required: false, description: 'minLon,minLat,maxLon,maxLat in CRS84',
            schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } }, style: 'form', explode: false,
          },
          limit: { name: 'limit', in: 'query', required: false, description: 'Page size', schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT }, style: 'form', explode: false },
          offset: { name: 'offset', in: 'query', required: false, description: 'Features to skip', schema: { type: 'integer', minimum: 0, default: 0 }, style: 'form', explode: false },
          datetime: DATETIME_PARAM,
          featureId: { name: 'featureId', in: 'path', required: true, description: 'Feature id', schema: { type: 'string' } },
        },
        schemas: {
          exception: { type: 'object', required: ['code'], properties: { code: { type: 'string' }, description: { type: 'string' } } },
        },
      },
    };
  }
}
