/**
 * The attribute form works on strings and booleans (what inputs hold); these convert to and from
 * the contract properties, which `@domain/cluster-attributes` then validates exactly as the server does.
 */
import { CLUSTER_ATTRIBUTE_FIELDS, type ClusterAttributeField } from '@domain/cluster-attributes';

export type FormModel = Record<ClusterAttributeField, string | boolean>;

export const BOOLEAN_FIELDS = ['craft_village', 'mountainous_district'] as const;
export const LIST_FIELDS = ['communes', 'industries'] as const;
export const INTEGER_FIELDS = ['tenants', 'workers'] as const;
export const DECIMAL_FIELDS = ['declared_area_ha', 'planned_area_ha', 'industrial_land_ha', 'leased_ha', 'occupancy_pct', 'investment_capital_bn_vnd'] as const;

const has = (list: readonly string[], f: string) => list.includes(f);

export function emptyModel(provinceCode: string | null = null): FormModel {
  const model = {} as FormModel;
  for (const f of CLUSTER_ATTRIBUTE_FIELDS) model[f] = has(BOOLEAN_FIELDS, f) ? false : '';
  if (provinceCode) model.province_code = provinceCode;
  return model;
}

export function modelFromProperties(props: Record<string, unknown> | null | undefined): FormModel {
  const model = emptyModel();
  if (!props) return model;
  for (const f of CLUSTER_ATTRIBUTE_FIELDS) {
    const v = props[f];
    if (v === undefined || v === null) continue;
    if (has(BOOLEAN_FIELDS, f)) model[f] = v === true;
    else if (Array.isArray(v)) model[f] = v.join('; ');
    else model[f] = String(v);
  }
  return model;
}

/** "12,5" (Vietnamese decimal comma) and "12.5" are both 12.5; thousands separators are not guessed at. */
export function parseNumber(text: string): number | string | null {
  const t = text.trim().replace(/\s/g, '');
  if (t === '') return null;
  const normal = /^-?\d+,\d+$/.test(t) ? t.replace(',', '.') : t;
  const n = Number(normal);
  // an unparsable number goes through as text so the shared validator reports it by field
  return Number.isFinite(n) ? n : text;
}

export function propertiesFromModel(model: FormModel): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of CLUSTER_ATTRIBUTE_FIELDS) {
    const v = model[f];
    if (has(BOOLEAN_FIELDS, f)) {
      out[f] = v === true;
      continue;
    }
    const s = typeof v === 'string' ? v : '';
    if (has(LIST_FIELDS, f)) {
      out[f] = s
        .split(/[;\n]/)
        .map((x) => x.trim())
        .filter(Boolean);
    } else if (has(INTEGER_FIELDS, f) || has(DECIMAL_FIELDS, f)) {
      out[f] = parseNumber(s);
    } else {
      out[f] = s.trim() === '' ? null : s.trim();
    }
  }
  // occupancy is derived by the validator from the areas; sending a stale one only produces a warning
  if (out.leased_ha !== null && out.industrial_land_ha !== null) delete out.occupancy_pct;
  return out;
}
