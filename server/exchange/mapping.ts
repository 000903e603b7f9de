/**
 * Field mapping from a file's own columns to our attributes, per target layer: automatic suggestions for
 * the Vietnamese field names provinces use (ten, dien_tich, tinh_trang, xa_phuong, loai…), then value
 * coercion (text numbers, Vietnamese status words, yes/no, lists, dd/mm/yyyy dates) before the layer's own
 * validator judges the result.
 */
import { CLUSTER_ATTRIBUTE_FIELDS, labels, validateClusterAttributes } from '../domain/cluster-attributes.ts';
import { FACILITY_FIELDS, validateFacilityAttributes } from '../facilities/facility-attributes.ts';

export const IMPORT_LAYERS = ['clusters', 'residential-zones', 'facilities', 'plan-items'] as const;
export type ImportLayer = (typeof IMPORT_LAYERS)[number];

export const RESIDENTIAL_KINDS = ['urban', 'rural-settlement', 'craft-village', 'sensitive'] as const;
const PLAN_ITEM_FIELDS = ['name', 'province_code', 'district_code', 'phase', 'planned_area_ha', 'status'] as const;
const RESIDENTIAL_FIELDS = ['name', 'kind', 'population', 'province_code'] as const;

/** The attributes a layer accepts (the targets of the mapping). */
export function layerFields(layer: ImportLayer): readonly string[] {
  switch (layer) {
    case 'clusters': return CLUSTER_ATTRIBUTE_FIELDS;
    case 'facilities': return FACILITY_FIELDS;
    case 'plan-items': return PLAN_ITEM_FIELDS;
    case 'residential-zones': return RESIDENTIAL_FIELDS;
  }
}

/** lower case, no diacritics, non-alphanumerics as "_" */
export function fieldKey(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

const SYNONYMS: Record<string, string[]> = {
  name: ['ten', 'ten_ccn', 'ten_cum', 'tencum', 'ten_cum_cn', 'ten_cum_cong_nghiep', 'ten_co_so', 'ten_khu', 'name', 'ten_goi'],
  code: ['ma', 'ma_ccn', 'ma_cum', 'code', 'ma_so'],
  province_code: ['ma_tinh', 'tinh', 'province', 'province_code', 'tinh_thanh', 'tinh_tp', 'prov_code'],
  district_code: ['ma_huyen', 'huyen', 'district', 'district_code', 'quan_huyen', 'dist_code'],
  communes: ['xa_phuong', 'xa', 'phuong', 'communes', 'xa_phuong_thi_tran', 'dia_ban_xa'],
  commune: ['xa_phuong', 'xa', 'phuong', 'commune'],
  status: ['tinh_trang', 'trang_thai', 'status', 'hien_trang'],
  planned_area_ha: ['dien_tich', 'dt', 'dien_tich_ha', 'dientich', 'dt_quy_hoach', 'dien_tich_quy_hoach', 'planned_area_ha', 'plan_area'],
  industrial_land_ha: ['dt_dat_cn', 'dien_tich_dat_cn', 'dat_cong_nghiep', 'industrial_land_ha', 'ind_land'],
  leased_ha: ['dt_da_cho_thue', 'da_cho_thue', 'dien_tich_da_cho_thue', 'leased_ha'],
  occupancy_pct: ['ty_le_lap_day', 'lap_day', 'occupancy_pct', 'occupancy'],
  investor: ['chu_dau_tu', 'investor'],
  tenants: ['so_doanh_nghiep', 'so_dn', 'tenants'],
  workers: ['so_lao_dong', 'lao_dong', 'workers'],
  industries: ['nganh_nghe', 'nganh', 'industries', 'loai'],
  industry: ['nganh_nghe', 'nganh', 'industry', 'loai'],
  decision_no: ['so_quyet_dinh', 'so_qd', 'decision_no', 'quyet_dinh'],
  decision_date: ['ngay_quyet_dinh', 'ngay_qd', 'decision_date'],
  decision_authority: ['co_quan_quyet_dinh', 'co_quan_ban_hanh', 'decision_authority'],
  plan_phase: ['giai_doan', 'plan_phase'],
  phase: ['giai_doan', 'phase', 'plan_phase'],
  craft_village: ['lang_nghe', 'craft_village'],
  mountainous_district: ['mien_nui', 'huyen_mien_nui', 'mountainous_district'],
  wastewater: ['xu_ly_nuoc_thai', 'nuoc_thai', 'wastewater'],
  hazard_class: ['nhom_nguy_co', 'cap_doc_hai', 'hazard_class'],
  investment_capital_bn_vnd: ['von_dau_tu', 'investment_capital_bn_vnd'],
  declared_area_ha: ['dien_tich_cong_bo', 'dt_cong_bo', 'declared_area_ha', 'declared_area', 'dien_tich_khai_bao'],
  boundary_status: ['boundary_status', 'ranh_gioi', 'tinh_trang_ranh_gioi', 'trang_thai_ranh_gioi', 'loai_ranh_gioi'],
  kind: ['loai', 'kind', 'loai_khu'],
  population: ['dan_so', 'so_dan', 'population'],
  owner: ['chu_so_huu', 'chu_co_so', 'owner', 'doanh_nghiep'],
  land_need_ha: ['nhu_cau_dat', 'land_need_ha', 'dien_tich'],
  pollution_types: ['loai_o_nhiem', 'pollution_types'],
};

/** Suggests a target attribute for each source field (null = not imported). Exact attribute names always win. */
export function suggestMapping(layer: ImportLayer, sourceFields: readonly string[], aliases: Record<string, string> | null = null): Record<string, string | null> {
  const targets = layerFields(layer);
  const used = new Set<string>();
  const out: Record<string, string | null> = {};
  for (const f of sourceFields) out[f] = null;
  const assign = (source: string, target: string) => {
    if (out[source] !== null || used.has(target) || !targets.includes(target)) return;
    out[source] = target;
    used.add(target);
  };
  for (const f of sourceFields) if (aliases?.[f]) assign(f, aliases[f]!);
  // a generic "name" (KML Placemark title) yields to a Vietnamese name field beside it
  for (const f of sourceFields) if (targets.includes(f) && f !== 'name') assign(f, f);
  for (const f of sourceFields) {
    const key = fieldKey(f);
    if (key === 'name') continue;
    for (const t of targets) if (SYNONYMS[t]?.includes(key)) assign(f, t);
  }
  if (sourceFields.includes('name')) assign('name', 'name');
  return out;
}

/* ------------------------------------------------------------ value coercion */

const yes = new Set(['co', 'x', '1', 'true', 'yes', 'y', 'dung', 't']);
const no = new Set(['khong', '0', 'false', 'no', 'n', 'sai', 'f']);

export function toNumber(v: unknown): unknown {
  if (typeof v === 'number' || v === null || v === undefined) return v;
  if (typeof v !== 'string') return v;
  const s = v.trim().replace(/\s/g, '');
  if (!s) return null;
  if (/^-?\d+,\d+$/.test(s)) return Number(s.replace(',', '.'));
  if (/^-?\d{1,3}(\.\d{3})+(,\d+)?$/.test(s)) return Number(s.replace(/\./g, '').replace(',', '.'));
  const n = Number(s.replace(/,(?=\d{3}\b)/g, ''));
  return Number.isFinite(n) ? n : v;
}

function toBool(v: unknown): unknown {
  if (typeof v === 'boolean' || v === null || v === undefined) return v;
  const k = fieldKey(String(v));
  if (!k) return null;
  if (yes.has(k)) return true;
  if (no.has(k)) return false;
  return v;
}

function toList(v: unknown): unknown {
  if (v === null || v === undefined) return v;
  if (Array.isArray(v)) return v;
  if (typeof v !== 'string') return v;
  const items = v.split(/[;|]/).map((s) => s.trim()).filter(Boolean);
  return items;
}

function toDate(v: unknown): unknown {
  if (typeof v !== 'string') return v instanceof Date ? v.toISOString().slice(0, 10) : v;
  const s = v.trim();
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (dmy) return `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}`;
  return s.slice(0, 10) || null;
}

/** Vietnamese (or English) words for an enum value, compared without diacritics. */
function enumFrom(v: unknown, table: Record<string, { vi: string; en: string }>, extra: Record<string, string> = {}): unknown {
  if (typeof v !== 'string') return v;
  const k = fieldKey(v);
  if (!k) return null;
  for (const [value, l] of Object.entries(table)) {
    if (k === fieldKey(value) || k === fieldKey(l.vi) || k === fieldKey(l.en)) return value;
  }
  for (const [word, value] of Object.entries(extra)) if (k === word || k.includes(word)) return value;
  return v;
}

const STATUS_WORDS: Record<string, string> = {
  quy_hoach: 'planned', dang_hoat_dong: 'operating', hoat_dong: 'operating', da_thanh_lap: 'established', thanh_lap: 'established',
  mo_rong: 'expanding', tam_dung: 'suspended', dinh_chi: 'suspended', loai_bo: 'removed', dua_ra_khoi: 'removed',
};
const BOUNDARY_WORDS: Record<string, string> = {
  tam: 'provisional', tam_thoi: 'provisional', du_kien: 'provisional', uoc_luong: 'provisional', ranh_gioi_tam: 'provisional',
  chinh_thuc: 'surveyed', da_do_dac: 'surveyed', do_dac: 'surveyed', chua_co: 'none', khong_co: 'none', diem: 'none',
};
const KIND_WORDS: Record<string, string> = { do_thi: 'urban', dan_cu_nong_thon: 'rural-settlement', nong_thon: 'rural-settlement', lang_nghe: 'craft-village', nhay_cam: 'sensitive', truong: 'sensitive', benh_vien: 'sensitive' };

const NUMBER_TARGETS = new Set(['declared_area_ha', 'planned_area_ha', 'industrial_land_ha', 'leased_ha', 'occupancy_pct', 'tenants', 'workers', 'investment_capital_bn_vnd', 'population', 'land_need_ha']);
const INTEGER_TARGETS = new Set(['tenants', 'workers', 'population']);

export interface ProvinceLookup {
  /** code, or name with/without "Tỉnh/Thành phố", compared without diacritics → code */
  byKey: Map<string, string>;
}

export function provinceKey(s: string): string {
  return fieldKey(s).replace(/^(tinh|thanh_pho|tp)_/, '');
}

/** Applies the mapping to one feature's source properties and coerces the values to the layer's types. */
export function applyMapping(layer: ImportLayer, mapping: Record<string, string | null>, source: Record<string, unknown>, provinces: ProvinceLookup): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [from, to] of Object.entries(mapping)) {
    if (!to) continue;
    let v = source[from];
    if (typeof v === 'string') v = v.normalize('NFC').trim();
    if (v === '' || v === undefined) v = null;
    if (v === null) continue;
    if (NUMBER_TARGETS.has(to)) {
      v = toNumber(v);
      if (INTEGER_TARGETS.has(to) && typeof v === 'number' && Math.abs(v - Math.round(v)) < 1e-9) v = Math.round(v);
    } else if (to === 'craft_village' || to === 'mountainous_district') v = toBool(v);
    else if (to === 'communes' || to === 'industries' || to === 'pollution_types') v = toList(v);
    else if (to === 'decision_date') v = toDate(v);
    else if (to === 'status' && layer === 'clusters') v = enumFrom(v, labels.status, STATUS_WORDS);
    else if (to === 'plan_phase' || to === 'phase') v = enumFrom(v, labels.plan_phase);
    else if (to === 'wastewater') v = enumFrom(v, labels.wastewater);
    else if (to === 'boundary_status') v = enumFrom(v, labels.boundary_status, BOUNDARY_WORDS);
    else if (to === 'kind') v = enumFrom(v, {}, KIND_WORDS);
    else if (to === 'province_code') {
      const s = String(v);
      v = /^\d{1,2}$/.test(s) ? s.padStart(2, '0') : (provinces.byKey.get(provinceKey(s)) ?? s);
    } else if (to === 'district_code' && /^\d{1,3}$/.test(String(v))) v = String(v).padStart(3, '0');
    else if (typeof v === 'number' && (to === 'code' || to === 'name' || to === 'decision_no')) v = String(v);
    out[to] = v;
  }
  return out;
}

export interface AttributeCheck {
  ok: boolean;
  errors: { field: string; message: string }[];
  warnings: { field: string; message: string }[];
  value: Record<string, unknown>;
}

/** The layer's own validator over the mapped attributes (province already resolved). */
export function validateForLayer(layer: ImportLayer, attrs: Record<string, unknown>): AttributeCheck {
  if (layer === 'clusters') {
    const r = validateClusterAttributes(attrs);
    if (r.value.status === null) r.value.status = 'planned';
    return { ok: r.ok, errors: r.errors, warnings: r.warnings.filter((w) => w.code !== 'unknown-field'), value: r.value as unknown as Record<string, unknown> };
  }
  if (layer === 'facilities') {
    const r = validateFacilityAttributes(attrs);
    return { ok: r.ok, errors: r.errors, warnings: r.warnings.filter((w) => w.code !== 'unknown-field'), value: r.value as unknown as Record<string, unknown> };
  }
  const errors: { field: string; message: string }[] = [];
  const value: Record<string, unknown> = { ...attrs };
  if (layer === 'residential-zones') {
    value.kind ??= 'rural-settlement';
    if (!(RESIDENTIAL_KINDS as readonly string[]).includes(String(value.kind))) errors.push({ field: 'kind', message: `kind must be one of ${RESIDENTIAL_KINDS.join(', ')}` });
    if (value.population !== undefined && value.population !== null && !(Number.isInteger(value.population) && (value.population as number) >= 0)) {
      errors.push({ field: 'population', message: 'population must be a non-negative integer' });
    }
    value.name = typeof value.name === 'string' ? value.name : null;
  } else {
    if (typeof value.name !== 'string' || !value.name) errors.push({ field: 'name', message: 'name is required' });
    value.phase ??= '2016-2020';
    if (!['to-2015', '2016-2020', 'vision-2025'].includes(String(value.phase))) errors.push({ field: 'phase', message: 'phase must be to-2015, 2016-2020 or vision-2025' });
    value.status ??= 'proposed';
    if (!['proposed', 'in-plan', 'established', 'removed-from-plan'].includes(String(value.status))) errors.push({ field: 'status', message: 'status must be proposed, in-plan, established or removed-from-plan' });
    if (value.planned_area_ha !== undefined && value.planned_area_ha !== null && !(typeof value.planned_area_ha === 'number' && value.planned_area_ha >= 0)) {
      errors.push({ field: 'planned_area_ha', message: 'planned_area_ha must be a non-negative number' });
    }
    value.district_code ??= null;
  }
  return { ok: errors.length === 0, errors, warnings: [], value };
}

/** The stated area of a feature (for the area-mismatch check), per layer. */
export function statedAreaHa(layer: ImportLayer, attrs: Record<string, unknown>): number | null {
  // a cluster's declared area, else its planned area (a provisional boundary is approximate: not compared)
  if (layer === 'clusters' && attrs.boundary_status === 'provisional') return null;
  const v = layer === 'facilities' ? attrs.land_need_ha : layer === 'residential-zones' ? null : layer === 'clusters' ? (attrs.declared_area_ha ?? attrs.planned_area_ha) : attrs.planned_area_ha;
  return typeof v === 'number' && v > 0 ? v : null;
}

/** Which geometry types a layer stores. */
export function allowedGeometry(layer: ImportLayer): readonly string[] {
  // a cluster given as a Point is one without a boundary yet (boundary_status none)
  return layer === 'residential-zones' ? ['Polygon', 'MultiPolygon'] : ['Point', 'Polygon', 'MultiPolygon'];
}
