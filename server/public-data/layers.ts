/**
 * The public layers shared by OGC API – Features, vector tiles and downloads: what each one exposes and
 * the static SQL that reads it. Only approved, published data and whitelisted attributes appear here;
 * no author, comment, account or review state ever does. Every fragment below is static SQL; values
 * only ever travel as $n parameters.
 */
import type { Queryable } from '../db/database.ts';
import { BOUNDARY_STATUSES } from '../domain/boundary.ts';
import { CLUSTER_ATTRIBUTE_ENUMS, CLUSTER_ATTRIBUTE_FIELDS, CLUSTER_ATTRIBUTE_KINDS, CLUSTER_STATUSES, labels, type ClusterAttributeField } from '../domain/cluster-attributes.ts';

export type LayerId = 'clusters' | 'plan-items' | 'provinces' | 'regions' | 'residential-zones';
export const LAYER_IDS: readonly LayerId[] = ['clusters', 'plan-items', 'provinces', 'regions', 'residential-zones'];

export interface LayerFilter {
  /** query parameter, e.g. province */
  param: string;
  /** static SQL expression compared with the parameter as text */
  column: string;
  description: string;
}

export interface Licence {
  name: string;
  url: string;
  attribution: string;
}

/** The public cluster data is open government data; the boundaries derive from Open Development Vietnam (CC BY-SA). */
export const REGISTRY_LICENCE: Licence = {
  name: 'CC BY 4.0',
  url: 'https://creativecommons.org/licenses/by/4.0/',
  attribution: 'Cluster Atlas — dữ liệu cụm công nghiệp đã được phê duyệt (approved industrial cluster data)',
};
export const BOUNDARY_LICENCE: Licence = {
  name: 'CC BY-SA 4.0',
  url: 'https://creativecommons.org/licenses/by-sa/4.0/',
  attribution: 'Địa phận tỉnh © Open Development Vietnam (CC BY-SA 4.0), adapted by Cluster Atlas',
};

/**
 * What `datetime` (OGC API – Features) compares with. Every time here is day-granular, so a feature's time is a
 * span of Vietnamese calendar days (UTC+7) as 'YYYY-MM-DD' text, which compares correctly as a string and needs no
 * cast that bad data could break.
 */
export interface LayerTemporal {
  /** what a feature's time is, for the collection metadata and the API document */
  description: string;
  /** static SQL: first day of the feature's time; NULL = open start */
  startExpr: string;
  /** static SQL: last day (inclusive); NULL = open end */
  endExpr: string;
  /** static SQL condition that the feature has a time at all; features without one never match a datetime */
  presentExpr?: string;
}

/**
 * The 63-province set: from Hà Tây's merger into Hà Nội (1 Aug 2008, Resolution 15/2008/QH12) until the
 * 34 units took over on 1 July 2025 (Resolution 202/2025/QH15).
 */
export const PROVINCES_63_PERIOD = { start: '2008-08-01', end: '2025-06-30' } as const;
const PROVINCES_63_TIME =
  'the validity of the 63-province division, 2008-08-01 to 2025-06-30 (the 34 provincial units apply from 2025-07-01)';

/**
 * A property clients may filter and sort on (OGC API – Features Part 3 queryables). `expr` is static SQL yielding the
 * value, or NULL where a feature has none or holds a value of another type, so a typed comparison never fails.
 */
export interface QueryableDef {
  name: string;
  type: 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'timestamp';
  expr: string;
  title: string;
  enum?: readonly string[];
}

/** What a filter compiles against: the queryables and the spatial test of a feature against a geometry ($n SQL). */
export interface FilterTarget {
  queryables: readonly QueryableDef[];
  spatial: (geometrySql: string) => string;
}

const text = (name: string, expr: string, title: string, values?: readonly string[]): QueryableDef => ({ name, type: 'string', expr, title, ...(values ? { enum: values } : {}) });
const jsonProperty = (alias: string, name: ClusterAttributeField): QueryableDef => {
  const kind = CLUSTER_ATTRIBUTE_KINDS[name];
  const title = `${labels.fields[name].vi} (${labels.fields[name].en})`;
  const raw = `${alias}.properties->>'${name}'`;
  const typed = (jsonType: string, cast: string) => `(CASE WHEN jsonb_typeof(${alias}.properties->'${name}') = '${jsonType}' THEN (${raw})::${cast} END)`;
  const values = CLUSTER_ATTRIBUTE_ENUMS[name];
  switch (kind) {
    case 'number':
      return { name, type: 'number', expr: typed('number', 'float8'), title };
    case 'integer':
      return { name, type: 'integer', expr: typed('number', 'float8'), title };
    case 'boolean':
      return { name, type: 'boolean', expr: typed('boolean', 'boolean'), title };
    case 'date':
      return { name, type: 'date', expr: `(CASE WHEN (${raw}) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN ${raw} END)`, title };
    default:
      return text(name, `(${raw})`, title, values);
  }
};

export interface SqlLayer {
  id: LayerId;
  title: string;
  description: string;
  licence: Licence;
  /** FROM clause with the joins that restrict the layer to public rows (alias of the main row: t) */
  from: string;
  /** static conditions that keep unpublished rows out */
  where: string[];
  idExpr: string;
  geomExpr: string;
  /** json_build_object(...) of the public attributes, in a stable order */
  propertiesExpr: string;
  orderBy: string;
  filters: LayerFilter[];
  /** The attribute names in the order of propertiesExpr (CSV header, OpenAPI schema). */
  attributes: string[];
  /** null: the layer has no time, so datetime selects every feature */
  temporal: LayerTemporal | null;
  /** filter and sortby allow-list (besides "geometry") */
  queryables: readonly QueryableDef[];
}

/** A SQL layer's filter target: its queryables, and ST_Intersects on its geometry. */
export function filterTarget(layer: SqlLayer): FilterTarget {
  return { queryables: layer.queryables, spatial: (g) => `ST_Intersects(${layer.geomExpr}, ${g})` };
}

// cluster attributes kept in the version's properties json; the rest are columns of cluster_versions
const CLUSTER_COLUMN_ATTRIBUTES: ReadonlySet<string> = new Set(['name', 'code', 'province_code', 'district_code', 'status', 'boundary_status']);
const CLUSTER_JSON_ATTRIBUTES = CLUSTER_ATTRIBUTE_FIELDS.filter((a) => !CLUSTER_COLUMN_ATTRIBUTES.has(a));

const CLUSTER_APPROVED_AT = `(SELECT min(e.at) FROM cluster_review_events e
                     WHERE e.cluster_id = c.id AND e.version = c.published_version AND e.state = 'approved')`;

const CLUSTERS: SqlLayer = {
  id: 'clusters',
  title: 'Cụm công nghiệp (Industrial clusters)',
  description: 'Approved industrial clusters (cụm công nghiệp): the published version of each, never a draft.',
  licence: REGISTRY_LICENCE,
  // the published version only: the pointer, never the head
  from: 'clusters c JOIN cluster_versions t ON t.cluster_id = c.id AND t.version = c.published_version',
  where: ['c.published_version IS NOT NULL'],
  idExpr: 'c.id::text',
  geomExpr: 't.geom',
  propertiesExpr: `json_build_object(
    'code', c.code, 'name', t.name, 'province_code', t.province_code,
    'province_code_2009', coalesce(c.province_code_2009, t.province_code_2009), 'commune_codes', coalesce(t.commune_codes, '{}'::text[]),
    'district_code', t.district_code, 'status', t.status,
    'boundary_status', t.boundary_status,
    ${CLUSTER_JSON_ATTRIBUTES.map((a) => `'${a}', t.properties->'${a}'`).join(', ')},
    'area_ha', round(t.area_ha::numeric, 4), 'area_ha_vn2000', round(t.area_ha_vn2000::numeric, 4),
    'version', c.published_version,
    'approved_at', ${CLUSTER_APPROVED_AT})`,
  orderBy: 'c.code',
  filters: [
    { param: 'province', column: 't.province_code', description: 'Provincial unit code of the 2025 division (34 units, 2 digits)' },
    { param: 'province_2009', column: 'c.province_code_2009', description: 'Province code of the 2009–2025 division (63 provinces, 2 digits)' },
    { param: 'district', column: 't.district_code', description: 'GSO district code (3 digits)' },
    { param: 'status', column: 't.status', description: 'planned | established | operating | expanding | suspended | removed' },
    { param: 'code', column: 'c.code', description: 'cluster code' },
    { param: 'boundary_status', column: 't.boundary_status', description: 'none (location point only) | provisional | surveyed' },
    { param: 'wastewater', column: "t.properties->>'wastewater'", description: 'none | under-construction | operating' },
    { param: 'plan_phase', column: "t.properties->>'plan_phase'", description: 'to-2015 | 2016-2020 | vision-2025' },
  ],
  attributes: ['code', 'name', 'province_code', 'province_code_2009', 'commune_codes', 'district_code', 'status', 'boundary_status', ...CLUSTER_JSON_ATTRIBUTES, 'area_ha', 'area_ha_vn2000', 'version', 'approved_at'],
  // the real-world event (the establishment decision), not when the atlas recorded or approved the boundary
  temporal: {
    description:
      'the establishment decision date (decision_date, a Vietnamese calendar day) of the published version; ' +
      'clusters without a decision date (e.g. planned ones) never match a datetime query',
    startExpr: "(t.properties->>'decision_date')",
    endExpr: "(t.properties->>'decision_date')",
    presentExpr: "(t.properties->>'decision_date') ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'",
  },
  queryables: [
    text('code', 'c.code', 'Mã cụm công nghiệp (cluster code)'),
    text('name', 't.name', 'Tên (name)'),
    text('province_code', 't.province_code', 'Mã tỉnh, thành phố từ 1/7/2025 (provincial unit, 2025 division of 34 units)'),
    text('province_code_2009', 'c.province_code_2009', 'Mã tỉnh trước 1/7/2025 (province of the 2009–2025 division of 63)'),
    text('district_code', 't.district_code', 'Mã huyện (GSO district code)'),
    text('status', 't.status', 'Tình trạng (status)', CLUSTER_STATUSES),
    text('boundary_status', 't.boundary_status', 'Loại ranh giới (boundary status: none = location point only)', BOUNDARY_STATUSES),
    ...CLUSTER_JSON_ATTRIBUTES.filter((a) => CLUSTER_ATTRIBUTE_KINDS[a] !== 'list').map((a) => jsonProperty('t', a)),
    { name: 'area_ha', type: 'number', expr: 't.area_ha::float8', title: 'Diện tích đo (measured area, ha)' },
    { name: 'area_ha_vn2000', type: 'number', expr: 't.area_ha_vn2000::float8', title: 'Diện tích VN-2000 (planar area in the VN-2000 zone, ha)' },
    { name: 'version', type: 'integer', expr: 'c.published_version::float8', title: 'Phiên bản công bố (published version)' },
    { name: 'approved_at', type: 'timestamp', expr: CLUSTER_APPROVED_AT, title: 'Thời điểm phê duyệt (approved at)' },
  ],
};

const PROVINCES: SqlLayer = {
  id: 'provinces',
  title: 'Tỉnh, thành phố (Provinces, 2009–2025)',
  description: 'The 63 provinces of the 2009–2025 division with their socio-economic region.',
  licence: BOUNDARY_LICENCE,
  from: 'provinces t JOIN regions r ON r.code = t.region_code',
  where: [],
  idExpr: 't.code',
  geomExpr: 't.geom',
  propertiesExpr: `json_build_object('code', t.code, 'era', '2009', 'name', t.name, 'short_name', t.short_name, 'region', t.region_code, 'region_name', r.name_vi,
    'unit_2025', province_unit_2025(t.code))`,
  orderBy: 't.code',
  filters: [
    { param: 'region', column: 't.region_code', description: 'region key' },
    { param: 'code', column: 't.code', description: 'GSO province code' },
  ],
  attributes: ['code', 'era', 'name', 'short_name', 'region', 'region_name', 'unit_2025'],
  queryables: [
    text('code', 't.code', 'Mã tỉnh (GSO province code)'),
    text('name', 't.name', 'Tên tỉnh (name)'),
    text('short_name', 't.short_name', 'Tên ngắn (short name)'),
    text('region', 't.region_code', 'Vùng (region key)'),
    text('region_name', 'r.name_vi', 'Tên vùng (region name)'),
  ],
  temporal: {
    description: PROVINCES_63_TIME,
    startExpr: `'${PROVINCES_63_PERIOD.start}'::text`,
    endExpr: `'${PROVINCES_63_PERIOD.end}'::text`,
  },
};

const RESIDENTIAL_ZONES: SqlLayer = {
  id: 'residential-zones',
  title: 'Khu dân cư (Residential zones)',
  description: 'Residential zones (urban, rural settlement, craft village, sensitive) used for isolation distances.',
  licence: REGISTRY_LICENCE,
  from: 'residential_zones t',
  where: [],
  idExpr: 't.id',
  geomExpr: 't.geom',
  propertiesExpr: `json_build_object('kind', t.kind, 'name', t.name, 'population', t.population,
    'province_code', province_unit_2025(t.province_code), 'province_code_2009', t.province_code, 'source', t.source)`,
  orderBy: 't.id',
  filters: [
    { param: 'kind', column: 't.kind', description: 'urban | rural-settlement | craft-village | sensitive' },
    { param: 'province', column: 'province_unit_2025(t.province_code)', description: 'Provincial unit of the zone (2025 division, 34 units)' },
    { param: 'province_2009', column: 't.province_code', description: 'Province of the zone in the 2009–2025 division (63 provinces)' },
    { param: 'source', column: 't.source', description: 'data source (synthetic data is marked)' },
  ],
  attributes: ['kind', 'name', 'population', 'province_code', 'province_code_2009', 'source'],
  queryables: [
    text('kind', 't.kind', 'Loại (kind)', ['urban', 'rural-settlement', 'craft-village', 'sensitive']),
    text('name', 't.name', 'Tên (name)'),
    { name: 'population', type: 'integer', expr: 't.population::float8', title: 'Dân số (population)' },
    text('province_code', 'province_unit_2025(t.province_code)', 'Mã tỉnh, thành phố từ 1/7/2025 (2025 division)'),
    text('province_code_2009', 't.province_code', 'Mã tỉnh trước 1/7/2025 (2009–2025 division)'),
    text('source', 't.source', 'Nguồn (source)'),
  ],
  // created_at is only when a zone was loaded, not when the settlement existed: filtering by it would hide real homes
  temporal: null,
};

/**
 * Plan items are versioned and reviewed like clusters (sql/020): the public sees the published version of
 * each item of an approved plan, never a draft item version nor a draft or superseded plan.
 */
const PLAN_ITEMS: SqlLayer = {
  id: 'plan-items',
  title: 'Cụm công nghiệp trong quy hoạch (Planned clusters)',
  description: 'Planned clusters of the approved master plans (to 2020, vision 2025): the published version of each item.',
  licence: REGISTRY_LICENCE,
  from: `plan_items i JOIN plan_item_versions t ON t.item_id = i.id AND t.version = i.published_version
         JOIN plans pl ON pl.id = i.plan_id`,
  where: ['i.published_version IS NOT NULL', "pl.status = 'approved'"],
  idExpr: 'i.id::text',
  geomExpr: 't.geom',
  propertiesExpr: `json_build_object('name', t.name, 'province_code', province_unit_2025(t.province_code), 'province_code_2009', t.province_code, 'district_code', t.district_code,
    'phase', t.phase, 'planned_area_ha', t.planned_area_ha, 'status', t.status, 'cluster_id', t.cluster_id,
    'plan_id', i.plan_id, 'plan_name', pl.name, 'plan_decision_no', pl.decision_no, 'version', i.published_version)`,
  orderBy: 'i.id',
  filters: [
    { param: 'province', column: 'province_unit_2025(t.province_code)', description: 'Provincial unit (2025 division, 34 units)' },
    { param: 'province_2009', column: 't.province_code', description: 'Province in the 2009–2025 division (63 provinces; the plan was drawn in it)' },
    { param: 'district', column: 't.district_code', description: 'GSO district code' },
    { param: 'phase', column: 't.phase', description: 'to-2015 | 2016-2020 | vision-2025' },
    { param: 'status', column: 't.status', description: 'proposed | in-plan | established | removed-from-plan' },
  ],
  attributes: ['name', 'province_code', 'province_code_2009', 'district_code', 'phase', 'planned_area_ha', 'status', 'cluster_id', 'plan_id', 'plan_name', 'plan_decision_no', 'version'],
  queryables: [
    text('name', 't.name', 'Tên (name)'),
    text('province_code', 'province_unit_2025(t.province_code)', 'Mã tỉnh, thành phố từ 1/7/2025 (2025 division)'),
    text('province_code_2009', 't.province_code', 'Mã tỉnh trước 1/7/2025 (2009–2025 division)'),
    text('district_code', 't.district_code', 'Mã huyện (GSO district code)'),
    text('phase', 't.phase', 'Giai đoạn (plan phase)', ['to-2015', '2016-2020', 'vision-2025']),
    { name: 'planned_area_ha', type: 'number', expr: 't.planned_area_ha::float8', title: 'Diện tích quy hoạch (planned area, ha)' },
    text('status', 't.status', 'Tình trạng (status)', ['proposed', 'in-plan', 'established', 'removed-from-plan']),
    text('plan_name', 'pl.name', 'Tên quy hoạch (plan name)'),
    text('plan_decision_no', 'pl.decision_no', 'Số quyết định (plan decision no.)'),
  ],
  // the phase is the item's own period ("up to 2015" has no start), finer than the plan's whole horizon
  temporal: {
    description:
      'the period of the item\'s plan phase: to-2015 up to 2015-12-31 (open start), 2016-2020 from 2016-01-01 to 2020-12-31, ' +
      'vision-2025 from 2021-01-01 to 2025-12-31',
    startExpr: "(CASE t.phase WHEN '2016-2020' THEN '2016-01-01' WHEN 'vision-2025' THEN '2021-01-01' END)",
    endExpr: "(CASE t.phase WHEN 'to-2015' THEN '2015-12-31' WHEN '2016-2020' THEN '2020-12-31' WHEN 'vision-2025' THEN '2025-12-31' END)",
  },
};

export const REGIONS_META = {
  id: 'regions' as const,
  title: 'Vùng kinh tế – xã hội (Socio-economic regions)',
  description: 'The six socio-economic regions, each the dissolve of its provinces (display geometry).',
  licence: BOUNDARY_LICENCE,
  filters: [{ param: 'code', column: '', description: 'region key' }] as LayerFilter[],
  attributes: ['code', 'name', 'name_en', 'province_codes'],
  // a region is the dissolve of its provinces: a geometry intersects it when it intersects one of them
  filterTarget: {
    queryables: [
      text('code', 'r.code', 'Mã vùng (region key)'),
      text('name', 'r.name_vi', 'Tên vùng (name)'),
      text('name_en', 'r.name_en', 'Name (English)'),
    ],
    spatial: (g: string) => `EXISTS (SELECT 1 FROM provinces p WHERE p.region_code = r.code AND ST_Intersects(p.geom_display, ${g}))`,
  } satisfies FilterTarget,
  // regions are dissolves of the 63 provinces, so they share their validity
  temporal: { description: `${PROVINCES_63_TIME}, of which the regions are dissolves`, ...PROVINCES_63_PERIOD },
};

export interface Catalog {
  layers: Map<Exclude<LayerId, 'regions'>, SqlLayer>;
  regions: typeof REGIONS_META;
}

interface Detection {
  residential: boolean;
  planItems: boolean;
}

// Tables of other areas appear when their migrations run; only "present" is cached (tables do not vanish).
const detected = new WeakMap<object, Detection>();

export async function detectLayers(db: Queryable): Promise<Detection> {
  const cached = detected.get(db);
  if (cached && cached.residential && cached.planItems) return cached;
  const r = await db.query<Detection>(
    `SELECT to_regclass('residential_zones') IS NOT NULL AS residential,
            (to_regclass('plan_items') IS NOT NULL AND to_regclass('plan_item_versions') IS NOT NULL
             AND to_regclass('plans') IS NOT NULL) AS "planItems"`,
  );
  const d = r.rows[0];
  if (d.residential || d.planItems) detected.set(db, d);
  return d;
}

export async function catalog(db: Queryable): Promise<Catalog> {
  const d = await detectLayers(db);
  const layers = new Map<Exclude<LayerId, 'regions'>, SqlLayer>();
  layers.set('clusters', CLUSTERS);
  if (d.planItems) layers.set('plan-items', PLAN_ITEMS);
  layers.set('provinces', PROVINCES);
  if (d.residential) layers.set('residential-zones', RESIDENTIAL_ZONES);
  return { layers, regions: REGIONS_META };
}
