/**
 * JSON Schemas of the /api resources, declared once: the OpenAPI document (`/api/openapi.json`) publishes them under
 * components.schemas, and the contract test validates real responses against them with ajv. Plain JSON Schema (the
 * subset shared by draft-07 and OpenAPI 3.1), so ajv reads them as they are published.
 */
export type JsonSchema = Record<string, unknown>;

export const ref = (name: keyof typeof schemas | string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
const str = { type: 'string' };
const num = { type: 'number' };
const int = { type: 'integer' };
const bool = { type: 'boolean' };
const dateTime = { type: 'string', format: 'date-time' };
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
/** an object with these properties, all required unless listed as optional; further members allowed */
export function object(properties: Record<string, JsonSchema>, optional: string[] = []): JsonSchema {
  const required = Object.keys(properties).filter((k) => !optional.includes(k));
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
}
const arrayOf = (items: JsonSchema): JsonSchema => ({ type: 'array', items });
const listOf = (key: string, items: JsonSchema): JsonSchema => object({ [key]: arrayOf(items) });

const role = { type: 'string', enum: ['planner', 'reviewer', 'ministry', 'admin'] };
const reviewState = { type: 'string', enum: ['draft', 'submitted', 'approved', 'changes_requested'] };

export const schemas: Record<string, JsonSchema> = {
  Error: object({ error: object({ code: str, message: str, details: {} }, ['details']) }),
  Geometry: { type: 'object', required: ['type'], properties: { type: str, coordinates: { type: 'array' }, geometries: { type: 'array' } } },
  Feature: object({
    type: { const: 'Feature' },
    id: { type: ['string', 'number'] },
    properties: nullable({ type: 'object' }),
    geometry: nullable(ref('Geometry')),
  }, ['id']),
  FeatureCollection: object({ type: { const: 'FeatureCollection' }, features: arrayOf(ref('Feature')) }),
  SessionUser: object({ id: int, username: str, role, province_code: nullable(str), display_name: nullable(str) }),
  User: object({ id: int, username: str, role, province_code: nullable(str), display_name: nullable(str), disabled: bool, created_at: dateTime }),
  Health: object({
    status: { type: 'string', enum: ['ok', 'degraded'] },
    db: object({ driver: { type: 'string', enum: ['embedded', 'native'] }, postgis: nullable(str), mvt: bool }, ['postgis', 'mvt']),
  }),
  Region: object({ code: str, name_vi: str, name_en: str, province_codes: arrayOf(str) }),
  ProvinceFeature: {
    allOf: [ref('Feature'), object({ properties: object({ code: str, era: { type: 'string', enum: ['2025', '2009'] }, name: str, short_name: str }) })],
  },
  CommuneList: object({
    era: { const: '2025' },
    province_code: str,
    communes: arrayOf(object({ code: { type: 'string', pattern: '^\\d{5}$' }, name: str, short_name: str, type: { type: 'string', enum: ['xa', 'phuong', 'dac-khu'] }, province_code: str })),
  }),
  ProvinceCollection: object({ type: { const: 'FeatureCollection' }, features: arrayOf(ref('ProvinceFeature')) }),
  District: object({ code: str, name: str, province_code: str, province_code_2009: str, era: { const: '2009' }, has_geometry: bool }),
  ClusterProperties: object({
    id: { type: 'string', format: 'uuid' },
    code: str,
    name: str,
    status: { type: 'string', enum: ['planned', 'established', 'operating', 'expanding', 'suspended', 'removed'] },
    /** the 2025 unit */
    province_code: str,
    /** the pre-2025 province, derived from the boundary */
    province_code_2009: nullable(str),
    /** 5-digit 2025 communes, derived from the boundary */
    commune_codes: arrayOf({ type: 'string', pattern: '^\\d{5}$' }),
    district_code: nullable(str),
    area_ha: nullable(num),
    version: int,
    review_state: reviewState,
    industries: arrayOf(str),
    communes: arrayOf(str),
    // issue 17: none = a location Point only (declared_area_ha is its area), provisional = drawn dashed
    boundary_status: { type: 'string', enum: ['none', 'provisional', 'surveyed'] },
    declared_area_ha: nullable(num),
  }),
  ClusterFeature: { allOf: [ref('Feature'), object({ id: str, properties: ref('ClusterProperties') })] },
  FacilityFeature: { allOf: [ref('Feature'), object({ id: str, properties: object({ name: str, province_code: str }), meta: object({ version: int, review_state: reviewState, published_version: nullable(int) }) })] },
  PlanSummary: object({
    plan_id: int,
    as_of: date,
    phases: arrayOf(object({ phase: str, planned_count: int, planned_ha: num, established_count: int, established_ha: num, fulfilment_pct: nullable(num) })),
    total: object({ planned_count: int, planned_ha: num, established_count: int, established_ha: num, fulfilment_pct: nullable(num) }),
  }),
  ClusterCollection: object({ type: { const: 'FeatureCollection' }, features: arrayOf(ref('ClusterFeature')) }),
  ClusterVersions: object({
    id: str,
    head_version: int,
    published_version: nullable(int),
    versions: arrayOf(object({ version: int, created_at: dateTime, review_state: reviewState, published: bool, events: arrayOf(object({ state: reviewState, at: str })) }, ['events'])),
  }, ['head_version']),
  Comment: object({ id: { type: ['string', 'integer'] }, body: str, created_at: dateTime }, ['created_at']),
  Comments: listOf('comments', ref('Comment')),
  Plan: object({
    id: int,
    name: str,
    level: { type: 'string', enum: ['national', 'region', 'province'] },
    status: { type: 'string', enum: ['draft', 'approved', 'superseded'] },
    province_code: nullable(str),
    horizon_year: int,
    /** in GET /api/plans: may the signed-in user add items to it (the server's plan rule) */
    may_add_items: bool,
  }, ['may_add_items']),
  Plans: listOf('plans', { allOf: [ref('Plan'), object({ may_add_items: bool })] }),
  PlanItemFeature: {
    allOf: [ref('Feature'), object({ properties: object({ id: { type: ['string', 'integer'] }, plan_id: int, name: str, province_code: str, planned_area_ha: num, version: int }) })],
  },
  PlanItemCollection: object({ type: { const: 'FeatureCollection' }, features: arrayOf(ref('PlanItemFeature')) }),
  PlanItemResult: object({ item: ref('PlanItemFeature') }),
  PlanImportResult: object({ created: int, review_state: reviewState }),
  StatsRow: object({
    code: str, name: str,
    planned_count: int, established_count: int, operating_count: int,
    planned_ha: num, established_ha: num, industrial_land_ha: num, leased_ha: num,
    occupancy_pct: nullable(num), wastewater_operating: int, nonconforming_count: int,
    no_boundary_count: int, provisional_count: int,
    fulfilment_pct: nullable(num),
  }),
  // issue 13: the server owns every aggregate; the client only displays national and regions
  Stats: object({ rows: arrayOf(ref('StatsRow')), national: ref('StatsRow'), regions: arrayOf(ref('StatsRow')) }),
  StatsTimeline: object({ points: arrayOf(object({ year: int, date, established_count: int, established_ha: num })) }),
  StatsRange: object({ first: nullable(str), last: nullable(str), today: date }),
  ImportSummary: object({ id: str, state: { type: 'string', enum: ['checking', 'checked', 'committed', 'failed'] } }),
  Imports: listOf('imports', ref('ImportSummary')),
  RegulationProfile: object({ id: str, document: str, title: str, effective_from: date, effective_until: nullable(date) }),
  Downloads: listOf('downloads', object({ layer: str, title: str, licence: object({ name: str, url: str }), formats: { type: 'object', additionalProperties: str } })),
  Opportunities: object({ clusters_with_free_land: { type: 'array' }, planned_without_investor: { type: 'array' } }),
  ConformityReport: object({ summary: object({ clusters: int, failing: int }), clusters: { type: 'array' } }),
  AuditEntries: listOf('entries', object({ id: int, at: dateTime, action: str, outcome: str })),
  Screenings: listOf('screenings', { type: 'object' }),
  /** any JSON object: routes whose body is documented by its service and not yet given a precise schema */
  Object: { type: 'object' },
};
