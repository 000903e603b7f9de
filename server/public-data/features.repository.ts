import type { Queryable } from '../db/database.ts';
import type { SqlLayer } from './layers.ts';
import { shortReads } from './short-query.ts';

/** A datetime query as inclusive Vietnamese calendar days ('YYYY-MM-DD'); null = open end. */
export interface DatePeriod {
  start: string | null;
  end: string | null;
}

/** Whether a span of days (null = open) intersects the period; the same test the SQL below makes. */
export function periodIntersects(period: DatePeriod, start: string | null, end: string | null): boolean {
  return (period.start === null || end === null || end >= period.start) && (period.end === null || start === null || start <= period.end);
}

/** Coordinates in another CRS than CRS84: the SRID, whether to write latitude first, and the decimals. */
export interface GeometryOutput {
  srid: number;
  flip: boolean;
  digits: number;
}

export interface FeatureQuery {
  bbox?: [number, number, number, number];
  /** a bbox given in another CRS, as a CRS84 GeoJSON polygon (densified before it was transformed) */
  area?: string;
  /** a compiled filter (Part 3): appends its values to params and returns static SQL over the layer's queryables */
  condition?: (params: unknown[]) => string;
  /** ORDER BY keys before the layer's own order: static expressions from the queryables allow-list */
  sortby?: Array<{ expr: string; desc: boolean }>;
  /** only these properties, in the layer's order */
  properties?: string[];
  /** absent: CRS84 at 6 decimals */
  output?: GeometryOutput;
  /** datetime; ignored by layers without a time (layer.temporal null) */
  period?: DatePeriod;
  /** param name → value, only names declared in layer.filters */
  filters: Record<string, string>;
  limit: number;
  offset: number;
}

export interface RegionFeature {
  id: string;
  properties: { code: string; name: string; name_en: string; province_codes: string[] };
  geometry: { type: string; coordinates: unknown };
  bbox: [number, number, number, number];
}

/** GeoJSON coordinates at 6 decimals (~0.1 m), the precision of the source data. */
const PRECISION = 6;
// an exact count past this would scan a whole large layer for a number clients rarely need
export const COUNT_CAP = 100_000;

function featureSql(layer: SqlLayer, params: unknown[], q: Pick<FeatureQuery, 'output' | 'properties'> = {}): string {
  let geometry = `ST_AsGeoJSON(${layer.geomExpr}, ${PRECISION})`;
  if (q.output) {
    params.push(q.output.srid, q.output.digits);
    const transformed = `ST_Transform(${layer.geomExpr}, $${params.length - 1}::int)`;
    geometry = `ST_AsGeoJSON(${q.output.flip ? `ST_FlipCoordinates(${transformed})` : transformed}, $${params.length}::int)`;
  }
  let properties = layer.propertiesExpr;
  if (q.properties) {
    params.push(q.properties);
    // json_each keeps the document's order: the chosen properties come in the layer's order
    properties = `(SELECT coalesce(json_object_agg(p.key, p.value ORDER BY p.n), '{}'::json)
                   FROM json_each(${layer.propertiesExpr}) WITH ORDINALITY AS p(key, value, n) WHERE p.key = ANY($${params.length}::text[]))`;
  }
  return `json_build_object('type', 'Feature', 'id', ${layer.idExpr},
            'geometry', ${geometry}::json,
            'properties', ${properties})::text AS feature`;
}

function orderClause(layer: SqlLayer, q: Pick<FeatureQuery, 'sortby'>): string {
  const keys = (q.sortby ?? []).map((k) => `${k.expr} ${k.desc ? 'DESC' : 'ASC'}`);
  return [...keys, layer.orderBy].join(', ');
}

/** WHERE clause from static layer conditions, whitelisted filters, the bbox and the period; values become parameters. */
type WhereQuery = Pick<FeatureQuery, 'bbox' | 'area' | 'filters' | 'period' | 'condition'>;

function whereClause(layer: SqlLayer, q: WhereQuery, params: unknown[]): string {
  const conditions = [...layer.where];
  for (const filter of layer.filters) {
    const value = q.filters[filter.param];
    if (value === undefined) continue;
    params.push(value);
    conditions.push(`${filter.column} = $${params.length}`);
  }
  if (q.bbox) {
    params.push(...q.bbox);
    const n = params.length;
    conditions.push(`ST_Intersects(${layer.geomExpr}, ST_MakeEnvelope($${n - 3}, $${n - 2}, $${n - 1}, $${n}, 4326))`);
  }
  if (q.area) {
    params.push(q.area);
    conditions.push(`ST_Intersects(${layer.geomExpr}, ST_SetSRID(ST_GeomFromGeoJSON($${params.length}::text), 4326))`);
  }
  if (q.condition) conditions.push(q.condition(params));
  const time = layer.temporal;
  if (q.period && time) {
    if (time.presentExpr) conditions.push(time.presentExpr);
    // a NULL (open) feature end or start always passes
    if (q.period.start !== null) {
      params.push(q.period.start);
      conditions.push(`COALESCE(${time.endExpr} >= $${params.length}::text, true)`);
    }
    if (q.period.end !== null) {
      params.push(q.period.end);
      conditions.push(`COALESCE(${time.startExpr} <= $${params.length}::text, true)`);
    }
  }
  return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
}

/** Reads public features as GeoJSON text built by the database (no parse/serialise round trip in Node). */
export class PublicFeaturesRepository {
  constructor(private readonly db: Queryable) {}

  /** One page plus one extra row, to know whether a next page exists without counting. */
  async page(layer: SqlLayer, q: FeatureQuery): Promise<{ features: string[]; more: boolean }> {
    const params: unknown[] = [];
    const select = featureSql(layer, params, q);
    const where = whereClause(layer, q, params);
    params.push(q.limit + 1, q.offset);
    const result = await shortReads(this.db).query<{ feature: string }>(
      `SELECT ${select} FROM ${layer.from} ${where}
       ORDER BY ${orderClause(layer, q)} LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    const more = result.rows.length > q.limit;
    return { features: result.rows.slice(0, q.limit).map((r) => r.feature), more };
  }

  /** Exact count up to COUNT_CAP; null beyond it. */
  async count(layer: SqlLayer, q: WhereQuery): Promise<number | null> {
    const params: unknown[] = [];
    const where = whereClause(layer, q, params);
    params.push(COUNT_CAP + 1);
    const result = await shortReads(this.db).query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM ${layer.from} ${where} LIMIT $${params.length}) x`, params);
    const n = result.rows[0].n;
    return n > COUNT_CAP ? null : n;
  }

  async one(layer: SqlLayer, fid: string, q: Pick<FeatureQuery, 'output' | 'properties'> = {}): Promise<string | null> {
    const params: unknown[] = [fid];
    const conditions = [...layer.where, `${layer.idExpr} = $1`];
    try {
      const result = await this.db.query<{ feature: string }>(
        `SELECT ${featureSql(layer, params, q)} FROM ${layer.from} WHERE ${conditions.join(' AND ')}`,
        params,
      );
      return result.rows[0]?.feature ?? null;
    } catch (err) {
      // a fid that is not even of the id's type (e.g. "abc" for a bigint id) is simply not there
      if ((err as { code?: string }).code === '22P02') return null;
      throw err;
    }
  }

  /** Rows for downloads, by keyset on the layer's order key (no OFFSET scans on large layers). */
  async downloadRows(layer: SqlLayer, after: string | number | null, batch: number) {
    const conditions = [...layer.where];
    const params: unknown[] = [batch];
    if (after !== null) {
      params.push(after);
      conditions.push(`${layer.orderBy} > $2`);
    }
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const result = await this.db.query<{ feature: string; k: string | number; lon: number; lat: number; wkt: string }>(
      `SELECT ${featureSql(layer, params)}, ${layer.orderBy} AS k,
              ST_X(ST_PointOnSurface(${layer.geomExpr})) AS lon, ST_Y(ST_PointOnSurface(${layer.geomExpr})) AS lat,
              ST_AsText(${layer.geomExpr}, ${PRECISION}) AS wkt
       FROM ${layer.from} ${where} ORDER BY ${layer.orderBy} LIMIT $1`,
      params,
    );
    return result.rows;
  }

  /** First and last day of the published features' time (null = open or no data); null when the layer has no time. */
  async temporalExtent(layer: SqlLayer): Promise<[string | null, string | null] | null> {
    const time = layer.temporal;
    if (!time) return null;
    const conditions = [...layer.where, ...(time.presentExpr ? [time.presentExpr] : [])];
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    // one open-ended feature makes the collection's extent open on that side
    const r = await this.db.query<{ first: string | null; last: string | null }>(
      `SELECT CASE WHEN bool_or(${time.startExpr} IS NULL) THEN NULL ELSE min(${time.startExpr}) END AS first,
              CASE WHEN bool_or(${time.endExpr} IS NULL) THEN NULL ELSE max(${time.endExpr}) END AS last
       FROM ${layer.from} ${where}`,
    );
    return [r.rows[0].first, r.rows[0].last];
  }

  /** Regions are the dissolve of their provinces (see cachedRegions). */
  async regions(): Promise<RegionFeature[]> {
    const result = await this.db.query<{ code: string; name_vi: string; name_en: string; province_codes: string[]; geometry: string; bbox: string }>(
      `SELECT r.code, r.name_vi, r.name_en, array_agg(p.code ORDER BY p.code) AS province_codes,
              ST_AsGeoJSON(ST_Multi(ST_Union(p.geom_display)), ${PRECISION}) AS geometry,
              json_build_array(ST_XMin(ST_Extent(p.geom_display)), ST_YMin(ST_Extent(p.geom_display)),
                               ST_XMax(ST_Extent(p.geom_display)), ST_YMax(ST_Extent(p.geom_display)))::text AS bbox
       FROM regions r JOIN provinces p ON p.region_code = r.code
       GROUP BY r.code, r.name_vi, r.name_en, r.sort_order ORDER BY r.sort_order`,
    );
    return result.rows.map((r) => ({
      id: r.code,
      properties: { code: r.code, name: r.name_vi, name_en: r.name_en, province_codes: r.province_codes },
      geometry: JSON.parse(r.geometry),
      bbox: JSON.parse(r.bbox),
    }));
  }

  /** The national extent (for collection metadata), from the provinces. */
  async nationalExtent(): Promise<[number, number, number, number]> {
    const r = await this.db.query<{ b: string }>(
      `SELECT json_build_array(ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e))::text AS b FROM (SELECT ST_Extent(geom) AS e FROM provinces) x`,
    );
    return JSON.parse(r.rows[0].b);
  }

  /** Data version and date of a layer (bumped by triggers); null where no trigger tracks the layer. */
  async layerVersion(layer: string): Promise<{ version: number; changed_at: Date } | null> {
    const r = await this.db.query<{ version: number; changed_at: Date }>('SELECT version, changed_at FROM layer_versions WHERE layer = $1', [layer]);
    return r.rows[0] ?? null;
  }
}

// Regions derive from the seeded provinces, which never change while the app runs: dissolve once per database.
const regionCache = new WeakMap<object, Promise<RegionFeature[]>>();

export function cachedRegions(db: Queryable): Promise<RegionFeature[]> {
  let cached = regionCache.get(db);
  if (!cached) {
    cached = new PublicFeaturesRepository(db).regions();
    cached.catch(() => regionCache.delete(db));
    regionCache.set(db, cached);
  }
  return cached;
}

const extentCache = new WeakMap<object, Promise<[number, number, number, number]>>();

export function cachedNationalExtent(db: Queryable): Promise<[number, number, number, number]> {
  let cached = extentCache.get(db);
  if (!cached) {
    cached = new PublicFeaturesRepository(db).nationalExtent();
    cached.catch(() => extentCache.delete(db));
    extentCache.set(db, cached);
  }
  return cached;
}
