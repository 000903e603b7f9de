/**
 * The canonical cluster attribute contract (API, database `properties` jsonb, import/export and
 * the edit form all use these names) with one validator for client and server, so a form that
 * passes in the browser is not rejected by the server for a different reason.
 */
import { HAZARD_CLASSES, type HazardClass } from './hazard.ts';
import { isIsoDate } from './dates.ts';
import { LIST_FIELD_MAX_ITEMS, NUMBER_FIELD_RANGES, TEXT_FIELD_MAX_CHARS } from './limits.ts';
import { BOUNDARY_STATUSES, boundaryStatusLabels, type BoundaryStatus } from './boundary.ts';

export const CLUSTER_STATUSES = ['planned', 'established', 'operating', 'expanding', 'suspended', 'removed'] as const;
export type ClusterStatus = (typeof CLUSTER_STATUSES)[number];

export const PLAN_PHASES = ['to-2015', '2016-2020', 'vision-2025'] as const;
export type PlanPhase = (typeof PLAN_PHASES)[number];

export const WASTEWATER_STATES = ['none', 'under-construction', 'operating'] as const;
export type WastewaterState = (typeof WASTEWATER_STATES)[number];

export { HAZARD_CLASSES, type HazardClass };

export interface ClusterAttributes {
  name: string;
  code: string | null;
  province_code: string | null;
  district_code: string | null;
  communes: string[];
  status: ClusterStatus | null;
  decision_no: string | null;
  decision_date: string | null;
  decision_authority: string | null;
  plan_phase: PlanPhase | null;
  planned_area_ha: number | null;
  industrial_land_ha: number | null;
  leased_ha: number | null;
  occupancy_pct: number | null;
  investor: string | null;
  /** Number of tenant enterprises. */
  tenants: number | null;
  workers: number | null;
  industries: string[];
  craft_village: boolean;
  mountainous_district: boolean;
  wastewater: WastewaterState | null;
  hazard_class: HazardClass | null;
  investment_capital_bn_vnd: number | null;
  /** none (a location point only), provisional (approximate boundary) or surveyed; see domain/boundary.ts */
  boundary_status: BoundaryStatus | null;
  /** The area the cluster declares (a registry's figure), compared with the drawn boundary. */
  declared_area_ha: number | null;
}

export type ClusterAttributeField = keyof ClusterAttributes;

export const CLUSTER_ATTRIBUTE_FIELDS = [
  'name',
  'code',
  'province_code',
  'district_code',
  'communes',
  'status',
  'decision_no',
  'decision_date',
  'decision_authority',
  'plan_phase',
  'planned_area_ha',
  'industrial_land_ha',
  'leased_ha',
  'occupancy_pct',
  'investor',
  'tenants',
  'workers',
  'industries',
  'craft_village',
  'mountainous_district',
  'wastewater',
  'hazard_class',
  'investment_capital_bn_vnd',
  'boundary_status',
  'declared_area_ha',
] as const satisfies readonly ClusterAttributeField[];

/** What kind of value each attribute holds (exports' column types, the OGC queryables' JSON Schema). */
export type AttributeKind = 'text' | 'number' | 'integer' | 'boolean' | 'date' | 'list';

export const CLUSTER_ATTRIBUTE_KINDS = {
  name: 'text',
  code: 'text',
  province_code: 'text',
  district_code: 'text',
  communes: 'list',
  status: 'text',
  decision_no: 'text',
  decision_date: 'date',
  decision_authority: 'text',
  plan_phase: 'text',
  planned_area_ha: 'number',
  industrial_land_ha: 'number',
  leased_ha: 'number',
  occupancy_pct: 'number',
  investor: 'text',
  tenants: 'integer',
  workers: 'integer',
  industries: 'list',
  craft_village: 'boolean',
  mountainous_district: 'boolean',
  wastewater: 'text',
  hazard_class: 'text',
  investment_capital_bn_vnd: 'number',
  boundary_status: 'text',
  declared_area_ha: 'number',
} as const satisfies Record<ClusterAttributeField, AttributeKind>;

/** The allowed values of the enumerated attributes. */
export const CLUSTER_ATTRIBUTE_ENUMS: Partial<Record<ClusterAttributeField, readonly string[]>> = {
  status: CLUSTER_STATUSES,
  plan_phase: PLAN_PHASES,
  wastewater: WASTEWATER_STATES,
  hazard_class: HAZARD_CLASSES,
  boundary_status: BOUNDARY_STATUSES,
};

export type AttributeErrorCode =
  | 'required'
  | 'invalid-type'
  | 'invalid-enum'
  | 'negative'
  | 'out-of-range'
  | 'too-long'
  | 'too-many'
  | 'not-integer'
  | 'invalid-date'
  | 'invalid-code'
  | 'exceeds-industrial-land'
  | 'exceeds-planned-area'
  | 'inconsistent-occupancy'
  | 'unknown-field';

export interface AttributeIssue {
  field: string;
  code: AttributeErrorCode;
  message: string;
  message_en: string;
}

export interface AttributeValidationResult {
  ok: boolean;
  errors: AttributeIssue[];
  /** Non-blocking: unknown fields (dropped) and an occupancy_pct that disagrees with the areas. */
  warnings: AttributeIssue[];
  /** Normalised attributes (trimmed, NFC, defaults filled, occupancy derived); only trust it when ok. */
  value: ClusterAttributes;
}

type Bi = { vi: string; en: string };

/** UI labels for every field and enum value. */
export const labels = {
  fields: {
    name: { vi: 'Tên cụm công nghiệp', en: 'Cluster name' },
    code: { vi: 'Mã cụm công nghiệp', en: 'Cluster code' },
    province_code: { vi: 'Mã tỉnh/thành phố', en: 'Province code' },
    district_code: { vi: 'Mã quận/huyện', en: 'District code' },
    communes: { vi: 'Xã/phường/thị trấn', en: 'Communes' },
    status: { vi: 'Tình trạng', en: 'Status' },
    decision_no: { vi: 'Số quyết định thành lập', en: 'Establishment decision no.' },
    decision_date: { vi: 'Ngày quyết định', en: 'Decision date' },
    decision_authority: { vi: 'Cơ quan ra quyết định', en: 'Deciding authority' },
    plan_phase: { vi: 'Giai đoạn quy hoạch', en: 'Planning phase' },
    planned_area_ha: { vi: 'Diện tích quy hoạch (ha)', en: 'Planned area (ha)' },
    industrial_land_ha: { vi: 'Diện tích đất công nghiệp (ha)', en: 'Industrial land (ha)' },
    leased_ha: { vi: 'Diện tích đã cho thuê (ha)', en: 'Leased land (ha)' },
    occupancy_pct: { vi: 'Tỷ lệ lấp đầy (%)', en: 'Occupancy (%)' },
    investor: { vi: 'Chủ đầu tư hạ tầng', en: 'Infrastructure investor' },
    tenants: { vi: 'Số doanh nghiệp thứ cấp', en: 'Tenant enterprises' },
    workers: { vi: 'Số lao động', en: 'Workers' },
    industries: { vi: 'Ngành nghề', en: 'Industries' },
    craft_village: { vi: 'Cụm công nghiệp làng nghề', en: 'Craft-village cluster' },
    mountainous_district: { vi: 'Huyện miền núi', en: 'Mountainous district' },
    wastewater: { vi: 'Hệ thống xử lý nước thải tập trung', en: 'Central wastewater treatment' },
    hazard_class: { vi: 'Cấp độc hại', en: 'Hazard class' },
    investment_capital_bn_vnd: { vi: 'Vốn đầu tư hạ tầng (tỷ đồng)', en: 'Infrastructure investment (bn VND)' },
    boundary_status: { vi: 'Loại ranh giới', en: 'Boundary status' },
    declared_area_ha: { vi: 'Diện tích công bố (ha)', en: 'Declared area (ha)' },
  } satisfies Record<ClusterAttributeField, Bi>,
  status: {
    planned: { vi: 'Trong quy hoạch', en: 'Planned' },
    established: { vi: 'Đã thành lập', en: 'Established' },
    operating: { vi: 'Đang hoạt động', en: 'Operating' },
    expanding: { vi: 'Đang mở rộng', en: 'Expanding' },
    suspended: { vi: 'Tạm dừng', en: 'Suspended' },
    removed: { vi: 'Đã đưa ra khỏi quy hoạch', en: 'Removed from the plan' },
  } satisfies Record<ClusterStatus, Bi>,
  plan_phase: {
    'to-2015': { vi: 'Đến năm 2015', en: 'Up to 2015' },
    '2016-2020': { vi: 'Giai đoạn 2016–2020', en: '2016–2020' },
    'vision-2025': { vi: 'Tầm nhìn đến năm 2025', en: 'Vision to 2025' },
  } satisfies Record<PlanPhase, Bi>,
  wastewater: {
    none: { vi: 'Chưa có', en: 'None' },
    'under-construction': { vi: 'Đang xây dựng', en: 'Under construction' },
    operating: { vi: 'Đã đi vào vận hành', en: 'Operating' },
  } satisfies Record<WastewaterState, Bi>,
  hazard_class: {
    I: { vi: 'Cấp I', en: 'Class I' },
    II: { vi: 'Cấp II', en: 'Class II' },
    III: { vi: 'Cấp III', en: 'Class III' },
    IV: { vi: 'Cấp IV', en: 'Class IV' },
    V: { vi: 'Cấp V', en: 'Class V' },
  } satisfies Record<HazardClass, Bi>,
  boundary_status: boundaryStatusLabels,
} as const;

/** Leased share of industrial land in %, or null when industrial land is 0/unknown (no denominator). */
export function occupancyPct(leased: number | null | undefined, industrial: number | null | undefined): number | null {
  if (leased === null || leased === undefined || industrial === null || industrial === undefined) return null;
  if (!Number.isFinite(leased) || !Number.isFinite(industrial) || industrial <= 0) return null;
  return (leased / industrial) * 100;
}

/** Percentage points of disagreement tolerated between a stored occupancy_pct and leased/industrial. */
const OCCUPANCY_TOLERANCE_PP = 0.5;

const NUMBER_FIELDS = ['planned_area_ha', 'industrial_land_ha', 'leased_ha', 'investment_capital_bn_vnd', 'declared_area_ha'] as const;
const INTEGER_FIELDS = ['tenants', 'workers'] as const;
const STRING_FIELDS = ['code', 'decision_no', 'decision_authority', 'investor'] as const;

function emptyAttributes(): ClusterAttributes {
  return {
    name: '',
    code: null,
    province_code: null,
    district_code: null,
    communes: [],
    status: null,
    decision_no: null,
    decision_date: null,
    decision_authority: null,
    plan_phase: null,
    planned_area_ha: null,
    industrial_land_ha: null,
    leased_ha: null,
    occupancy_pct: null,
    investor: null,
    tenants: null,
    workers: null,
    industries: [],
    craft_village: false,
    mountainous_district: false,
    wastewater: null,
    hazard_class: null,
    investment_capital_bn_vnd: null,
    boundary_status: null,
    declared_area_ha: null,
  };
}

const isAbsent = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const clean = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ');

/** Validates and normalises cluster properties (types, enums, non-negative numbers, leased ≤ industrial, ISO dates). */
export function validateClusterAttributes(props: unknown): AttributeValidationResult {
  const errors: AttributeIssue[] = [];
  const warnings: AttributeIssue[] = [];
  const value = emptyAttributes();
  const err = (field: string, code: AttributeErrorCode, message: string, message_en: string) =>
    errors.push({ field, code, message, message_en });
  const label = (f: ClusterAttributeField) => labels.fields[f].vi;

  if (typeof props !== 'object' || props === null || Array.isArray(props)) {
    err('$', 'invalid-type', 'Thuộc tính phải là một đối tượng', 'Properties must be an object');
    return { ok: false, errors, warnings, value };
  }
  const p = props as Record<string, unknown>;

  for (const k of Object.keys(p)) {
    if (!(CLUSTER_ATTRIBUTE_FIELDS as readonly string[]).includes(k)) {
      warnings.push({ field: k, code: 'unknown-field', message: `Trường "${k}" không thuộc danh mục, đã bỏ qua`, message_en: `Unknown field "${k}" was ignored` });
    }
  }

  // name: required, NFC so "Cụm" typed with combining marks compares equal to the precomposed form
  if (isAbsent(p.name)) err('name', 'required', `${label('name')} là bắt buộc`, 'Name is required');
  else if (typeof p.name !== 'string') err('name', 'invalid-type', `${label('name')} phải là chuỗi`, 'Name must be a string');
  else value.name = clean(p.name);

  for (const f of STRING_FIELDS) {
    const v = p[f];
    if (isAbsent(v)) continue;
    if (typeof v !== 'string') err(f, 'invalid-type', `${label(f)} phải là chuỗi`, `${f} must be a string`);
    else value[f] = clean(v);
  }
  // the limits of server/domain/limits.ts, here too so that the form says which field is too long
  for (const f of ['name', ...STRING_FIELDS] as const) {
    const max = TEXT_FIELD_MAX_CHARS[f];
    const v = value[f as keyof ClusterAttributes];
    if (max !== undefined && typeof v === 'string' && v.length > max) {
      err(f, 'too-long', `${label(f)} dài quá ${max} ký tự`, `${f} is longer than ${max} characters`);
    }
  }

  // GSO codes keep their leading zeros, hence strings of fixed length
  const codeField = (f: 'province_code' | 'district_code', digits: number) => {
    const v = p[f];
    if (isAbsent(v)) return;
    if (typeof v !== 'string' || !new RegExp(`^\\d{${digits}}$`).test(v.trim())) {
      err(f, 'invalid-code', `${label(f)} phải gồm ${digits} chữ số (mã Tổng cục Thống kê)`, `${f} must be a ${digits}-digit GSO code string`);
    } else value[f] = v.trim();
  };
  codeField('province_code', 2);
  codeField('district_code', 3);

  const stringList = (f: 'communes' | 'industries') => {
    const v = p[f];
    if (isAbsent(v)) return;
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && s.trim() !== '')) {
      err(f, 'invalid-type', `${label(f)} phải là danh sách chuỗi không rỗng`, `${f} must be an array of non-empty strings`);
    } else if (v.length > (LIST_FIELD_MAX_ITEMS[f] ?? Infinity)) {
      err(f, 'too-many', `${label(f)}: tối đa ${LIST_FIELD_MAX_ITEMS[f]} mục`, `${f}: at most ${LIST_FIELD_MAX_ITEMS[f]} items`);
    } else value[f] = v.map((s: string) => clean(s));
  };
  stringList('communes');
  stringList('industries');

  const enumField = <T extends string>(f: 'status' | 'plan_phase' | 'wastewater' | 'hazard_class' | 'boundary_status', allowed: readonly T[]) => {
    const v = p[f];
    if (isAbsent(v)) return;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      err(f, 'invalid-enum', `${label(f)} phải là một trong: ${allowed.join(', ')}`, `${f} must be one of: ${allowed.join(', ')}`);
    } else (value as unknown as Record<string, unknown>)[f] = v;
  };
  enumField('status', CLUSTER_STATUSES);
  enumField('plan_phase', PLAN_PHASES);
  enumField('wastewater', WASTEWATER_STATES);
  enumField('hazard_class', HAZARD_CLASSES);
  enumField('boundary_status', BOUNDARY_STATUSES);

  if (!isAbsent(p.decision_date)) {
    if (!isIsoDate(p.decision_date)) {
      err('decision_date', 'invalid-date', `${label('decision_date')} phải có dạng YYYY-MM-DD`, 'decision_date must be a valid date YYYY-MM-DD');
    } else value.decision_date = p.decision_date;
  }

  const numberField = (f: (typeof NUMBER_FIELDS)[number] | (typeof INTEGER_FIELDS)[number] | 'occupancy_pct', integer: boolean) => {
    const v = p[f];
    if (v === undefined || v === null) return;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      err(f, 'invalid-type', `${label(f)} phải là số`, `${f} must be a finite number`);
    } else if (v < 0) {
      err(f, 'negative', `${label(f)} không được âm`, `${f} must not be negative`);
    } else if (integer && !Number.isInteger(v)) {
      err(f, 'not-integer', `${label(f)} phải là số nguyên`, `${f} must be an integer`);
    } else if (NUMBER_FIELD_RANGES[f] && v > NUMBER_FIELD_RANGES[f]![1]) {
      err(f, 'out-of-range', `${label(f)} vượt quá ${NUMBER_FIELD_RANGES[f]![1]}`, `${f} must be at most ${NUMBER_FIELD_RANGES[f]![1]}`);
    } else value[f] = v;
  };
  for (const f of NUMBER_FIELDS) numberField(f, false);
  for (const f of INTEGER_FIELDS) numberField(f, true);
  numberField('occupancy_pct', false);
  if (value.occupancy_pct !== null && value.occupancy_pct > 100) {
    err('occupancy_pct', 'out-of-range', `${label('occupancy_pct')} phải trong khoảng 0–100`, 'occupancy_pct must be between 0 and 100');
    value.occupancy_pct = null;
  }

  for (const f of ['craft_village', 'mountainous_district'] as const) {
    const v = p[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'boolean') err(f, 'invalid-type', `${label(f)} phải là đúng/sai`, `${f} must be a boolean`);
    else value[f] = v;
  }

  // Land accounting: leased ⊆ industrial land ⊆ planned area
  const { leased_ha, industrial_land_ha, planned_area_ha } = value;
  if (leased_ha !== null && industrial_land_ha !== null && leased_ha > industrial_land_ha) {
    err('leased_ha', 'exceeds-industrial-land', `${label('leased_ha')} (${leased_ha}) vượt diện tích đất công nghiệp (${industrial_land_ha})`, `leased_ha (${leased_ha}) exceeds industrial_land_ha (${industrial_land_ha})`);
  }
  if (industrial_land_ha !== null && planned_area_ha !== null && industrial_land_ha > planned_area_ha) {
    err('industrial_land_ha', 'exceeds-planned-area', `${label('industrial_land_ha')} (${industrial_land_ha}) vượt diện tích quy hoạch (${planned_area_ha})`, `industrial_land_ha (${industrial_land_ha}) exceeds planned_area_ha (${planned_area_ha})`);
  }

  // occupancy is derived when possible; a stored value that disagrees is flagged, the derived one wins
  const derived = occupancyPct(leased_ha, industrial_land_ha);
  if (derived !== null && leased_ha !== null && industrial_land_ha !== null && leased_ha <= industrial_land_ha) {
    if (value.occupancy_pct !== null && Math.abs(value.occupancy_pct - derived) > OCCUPANCY_TOLERANCE_PP) {
      warnings.push({
        field: 'occupancy_pct',
        code: 'inconsistent-occupancy',
        message: `Tỷ lệ lấp đầy ${value.occupancy_pct}% khác với giá trị tính từ diện tích (${derived.toFixed(2)}%); dùng giá trị tính toán`,
        message_en: `occupancy_pct ${value.occupancy_pct}% differs from leased/industrial land (${derived.toFixed(2)}%); the computed value is used`,
      });
    }
    value.occupancy_pct = Math.round(derived * 100) / 100;
  }

  return { ok: errors.length === 0, errors, warnings, value };
}
