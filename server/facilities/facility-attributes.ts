/**
 * The facility attribute contract (API, `facility_versions.properties`, CSV import) and its validator.
 * Pure: used by the service and by the importer, so a CSV row and a JSON body are judged the same way.
 */
import { HAZARD_CLASSES, parseHazardClass, type HazardClass } from '../domain/hazard.ts';

export const FACILITY_STATUSES = ['in-place', 'relocation-planned', 'relocated'] as const;
export type FacilityStatus = (typeof FACILITY_STATUSES)[number];

export const POLLUTION_TYPES = ['wastewater', 'emissions', 'noise', 'dust', 'odour', 'hazardous-waste'] as const;
export type PollutionType = (typeof POLLUTION_TYPES)[number];

export interface FacilityAttributes {
  name: string;
  owner: string | null;
  industry: string | null;
  hazard_class: HazardClass | null;
  pollution_types: PollutionType[];
  land_need_ha: number | null;
  workers: number | null;
  province_code: string;
  district_code: string | null;
  commune: string | null;
  status: FacilityStatus;
}

export const FACILITY_FIELDS = [
  'name',
  'owner',
  'industry',
  'hazard_class',
  'pollution_types',
  'land_need_ha',
  'workers',
  'province_code',
  'district_code',
  'commune',
  'status',
] as const satisfies readonly (keyof FacilityAttributes)[];

export interface FieldIssue {
  field: string;
  code: string;
  message: string;
}

const isAbsent = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const clean = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ');

/** Comparable form of an industry name (case, accents as typed NFC, spacing). */
export function industryKey(s: string): string {
  return clean(s).toLocaleLowerCase('vi');
}

/**
 * Validates and normalises facility properties. hazard_class accepts I–V or 1–5; pollution_types
 * an array (or, from CSV, a string split on ; | ,). Unknown fields are warnings and dropped.
 */
export function validateFacilityAttributes(props: unknown): { ok: boolean; errors: FieldIssue[]; warnings: FieldIssue[]; value: FacilityAttributes } {
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  const value: FacilityAttributes = {
    name: '',
    owner: null,
    industry: null,
    hazard_class: null,
    pollution_types: [],
    land_need_ha: null,
    workers: null,
    province_code: '',
    district_code: null,
    commune: null,
    status: 'in-place',
  };
  if (typeof props !== 'object' || props === null || Array.isArray(props)) {
    errors.push({ field: '$', code: 'invalid-type', message: 'properties must be an object' });
    return { ok: false, errors, warnings, value };
  }
  const p = props as Record<string, unknown>;
  for (const k of Object.keys(p)) {
    if (!(FACILITY_FIELDS as readonly string[]).includes(k)) warnings.push({ field: k, code: 'unknown-field', message: `unknown field "${k}" was ignored` });
  }

  if (isAbsent(p.name)) errors.push({ field: 'name', code: 'required', message: 'name is required' });
  else if (typeof p.name !== 'string') errors.push({ field: 'name', code: 'invalid-type', message: 'name must be a string' });
  else value.name = clean(p.name);

  for (const f of ['owner', 'industry', 'commune'] as const) {
    const v = p[f];
    if (isAbsent(v)) continue;
    if (typeof v !== 'string') errors.push({ field: f, code: 'invalid-type', message: `${f} must be a string` });
    else value[f] = clean(v);
  }

  if (isAbsent(p.province_code)) errors.push({ field: 'province_code', code: 'required', message: 'province_code is required' });
  else if (typeof p.province_code !== 'string' || !/^\d{2}$/.test(p.province_code.trim())) {
    errors.push({ field: 'province_code', code: 'invalid-code', message: 'province_code must be a 2-digit GSO code string' });
  } else value.province_code = p.province_code.trim();
  if (!isAbsent(p.district_code)) {
    if (typeof p.district_code !== 'string' || !/^\d{3}$/.test(p.district_code.trim())) {
      errors.push({ field: 'district_code', code: 'invalid-code', message: 'district_code must be a 3-digit GSO code string' });
    } else value.district_code = p.district_code.trim();
  }

  if (!isAbsent(p.hazard_class)) {
    const h = parseHazardClass(p.hazard_class);
    if (h === null) errors.push({ field: 'hazard_class', code: 'invalid-enum', message: `hazard_class must be one of ${HAZARD_CLASSES.join(', ')}` });
    else value.hazard_class = h;
  } else {
    warnings.push({ field: 'hazard_class', code: 'missing', message: 'hazard_class unknown: the strictest isolation distance applies' });
  }

  if (!isAbsent(p.pollution_types)) {
    const raw = typeof p.pollution_types === 'string' ? p.pollution_types.split(/[;|,]/).map((s) => s.trim()).filter(Boolean) : p.pollution_types;
    if (!Array.isArray(raw) || !raw.every((t) => typeof t === 'string' && (POLLUTION_TYPES as readonly string[]).includes(t.trim()))) {
      errors.push({ field: 'pollution_types', code: 'invalid-enum', message: `pollution_types must be a list of ${POLLUTION_TYPES.join(' | ')}` });
    } else value.pollution_types = [...new Set(raw.map((t: string) => t.trim() as PollutionType))];
  }

  const num = (f: 'land_need_ha' | 'workers', integer: boolean) => {
    let v = p[f];
    if (isAbsent(v)) return;
    if (typeof v === 'string' && /^-?\d+([.,]\d+)?$/.test(v.trim())) v = Number(v.trim().replace(',', '.'));
    if (typeof v !== 'number' || !Number.isFinite(v)) errors.push({ field: f, code: 'invalid-type', message: `${f} must be a number` });
    else if (v < 0) errors.push({ field: f, code: 'negative', message: `${f} must not be negative` });
    else if (integer && !Number.isInteger(v)) errors.push({ field: f, code: 'not-integer', message: `${f} must be an integer` });
    else value[f] = v;
  };
  num('land_need_ha', false);
  num('workers', true);

  if (!isAbsent(p.status)) {
    if (typeof p.status !== 'string' || !(FACILITY_STATUSES as readonly string[]).includes(p.status.trim())) {
      errors.push({ field: 'status', code: 'invalid-enum', message: `status must be one of ${FACILITY_STATUSES.join(', ')}` });
    } else value.status = p.status.trim() as FacilityStatus;
  }
  return { ok: errors.length === 0, errors, warnings, value };
}
