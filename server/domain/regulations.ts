/**
 * Regulation profiles: one JSON file per legal document in gis-data/regulations/, validated
 * against profile.schema.json (ajv on the server) and by validateRegulationProfile here (which
 * also runs in the browser and checks what JSON Schema cannot: unique rule ids, min ≤ max,
 * date order). Thresholds live in the data so a new decree is a new file, not a code change.
 */
import type { ClusterStatus } from './cluster-attributes.ts';
import { CLUSTER_STATUSES } from './cluster-attributes.ts';
import { HAZARD_CLASSES, type HazardClass } from './hazard.ts';
import { isIsoDate, vietnamDate } from './dates.ts';

export const RULE_IDS = [
  'area-limit',
  'isolation-distance',
  'no-residents-inside',
  'within-province',
  'no-overlap',
  'valid-geometry',
  'name-prefix',
  'infrastructure',
  'establishment-occupancy',
  'expansion-occupancy',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** Rules every profile must carry (the occupancy rules only exist in some documents). */
export const COMMON_RULE_IDS = [
  'area-limit',
  'isolation-distance',
  'no-residents-inside',
  'within-province',
  'no-overlap',
  'valid-geometry',
  'name-prefix',
  'infrastructure',
] as const satisfies readonly RuleId[];

export const CLUSTER_FLAGS = ['craft_village', 'mountainous_district'] as const;
export type ClusterFlag = (typeof CLUSTER_FLAGS)[number];

export const CONDITION_FACTS = [
  'district_average_occupancy_pct',
  'district_unleased_industrial_ha',
  'cluster_occupancy_pct',
] as const;
export type ConditionFact = (typeof CONDITION_FACTS)[number];

/** inclusive=false is a strict bound ("> 10 ha"); inclusive=true a non-strict one ("≤ 75 ha"). */
export interface Bound {
  value: number;
  inclusive: boolean;
}
export interface Range {
  min?: Bound | null;
  max?: Bound | null;
}

export interface AreaOverride {
  when: { any_of: ClusterFlag[] };
  range: Range;
  label?: string;
  label_en?: string;
  source?: string;
}
export interface AreaBand {
  range: Range;
  overrides?: AreaOverride[];
  source?: string;
  source_en?: string;
}

export interface Condition extends Range {
  fact: ConditionFact;
}

interface RuleBase {
  source: string;
  source_en?: string;
  note?: string;
}
export interface AreaLimitRule extends RuleBase {
  rule: 'area-limit';
  new: AreaBand;
  expansion: AreaBand;
}
export interface IsolationDistanceRule extends RuleBase {
  rule: 'isolation-distance';
  /** Overrides gis-data/regulations/isolation-distances.json for this document. */
  distances_m?: Record<HazardClass, number>;
}
interface ToleranceRuleBase extends RuleBase {
  /** Areas up to this size are treated as digitising slivers (warn, not fail). */
  tolerance_ha: number;
}
export interface NoResidentsInsideRule extends ToleranceRuleBase {
  rule: 'no-residents-inside';
}
export interface NoOverlapRule extends ToleranceRuleBase {
  rule: 'no-overlap';
}
export interface WithinProvinceRule extends RuleBase {
  rule: 'within-province';
  /** The server buffers the province by this many metres before measuring outside_province_ha. */
  buffer_m: number;
  tolerance_ha: number;
}
export interface ValidGeometryRule extends RuleBase {
  rule: 'valid-geometry';
}
export interface NamePrefixRule extends RuleBase {
  rule: 'name-prefix';
  prefix: string;
}
export interface InfrastructureRule extends RuleBase {
  rule: 'infrastructure';
  applies_to_status: ClusterStatus[];
  wastewater: 'under-construction' | 'operating';
}
interface OccupancyRuleBase extends RuleBase {
  applies_to_status: ClusterStatus[];
  /** Passes when at least one condition holds. */
  any_of: Condition[];
  /** The condition only applies where the district already has clusters. */
  waived_if_no_existing_clusters?: boolean;
}
export interface EstablishmentOccupancyRule extends OccupancyRuleBase {
  rule: 'establishment-occupancy';
}
export interface ExpansionOccupancyRule extends OccupancyRuleBase {
  rule: 'expansion-occupancy';
}
export type OccupancyRule = EstablishmentOccupancyRule | ExpansionOccupancyRule;

export type RegulationRule =
  | AreaLimitRule
  | IsolationDistanceRule
  | NoResidentsInsideRule
  | NoOverlapRule
  | WithinProvinceRule
  | ValidGeometryRule
  | NamePrefixRule
  | InfrastructureRule
  | OccupancyRule;

export interface RegulationProfile {
  $schema?: string;
  id: string;
  document: string;
  document_en?: string;
  title: string;
  title_en?: string;
  issued?: string;
  /** Inclusive, ISO date. */
  effective_from: string;
  /** Exclusive (the day the successor takes effect); null = still in force. */
  effective_until: string | null;
  supersedes?: string[];
  notes?: string[];
  rules: RegulationRule[];
}

export interface ProfileError {
  path: string;
  message: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkKeys(o: Record<string, unknown>, allowed: readonly string[], path: string, errors: ProfileError[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) errors.push({ path: `${path}.${k}`, message: 'unknown property' });
}

function checkBound(v: unknown, path: string, errors: ProfileError[]): Bound | null {
  if (v === undefined || v === null) return null;
  if (!isObj(v) || !isNum(v.value) || typeof v.inclusive !== 'boolean') {
    errors.push({ path, message: 'must be null or {value:number, inclusive:boolean}' });
    return null;
  }
  checkKeys(v, ['value', 'inclusive'], path, errors);
  return v as unknown as Bound;
}

function validateRangeShape(v: unknown, path: string, errors: ProfileError[], extraKeys: readonly string[] = []): void {
  if (!isObj(v)) {
    errors.push({ path, message: 'must be an object' });
    return;
  }
  checkKeys(v, ['min', 'max', ...extraKeys], path, errors);
  const min = checkBound(v.min, `${path}.min`, errors);
  const max = checkBound(v.max, `${path}.max`, errors);
  if (min && max) {
    const empty = min.value > max.value || (min.value === max.value && !(min.inclusive && max.inclusive));
    if (empty) errors.push({ path, message: 'min must not exceed max (empty range)' });
  }
}

function checkStatuses(v: unknown, path: string, errors: ProfileError[]): void {
  if (!Array.isArray(v) || v.length === 0 || !v.every((s) => (CLUSTER_STATUSES as readonly unknown[]).includes(s))) {
    errors.push({ path, message: `must be a non-empty array of ${CLUSTER_STATUSES.join('|')}` });
  }
}

function checkAreaBand(v: unknown, path: string, errors: ProfileError[]): void {
  if (!isObj(v)) {
    errors.push({ path, message: 'must be an object' });
    return;
  }
  checkKeys(v, ['range', 'overrides', 'source', 'source_en'], path, errors);
  validateRangeShape(v.range, `${path}.range`, errors);
  if (v.overrides !== undefined) {
    if (!Array.isArray(v.overrides)) {
      errors.push({ path: `${path}.overrides`, message: 'must be an array' });
      return;
    }
    v.overrides.forEach((o, i) => {
      const p = `${path}.overrides[${i}]`;
      if (!isObj(o)) {
        errors.push({ path: p, message: 'must be an object' });
        return;
      }
      checkKeys(o, ['when', 'range', 'label', 'label_en', 'source'], p, errors);
      const anyOf = isObj(o.when) ? o.when.any_of : undefined;
      if (!Array.isArray(anyOf) || anyOf.length === 0 || !anyOf.every((f) => (CLUSTER_FLAGS as readonly unknown[]).includes(f))) {
        errors.push({ path: `${p}.when.any_of`, message: `must be a non-empty array of ${CLUSTER_FLAGS.join('|')}` });
      }
      validateRangeShape(o.range, `${p}.range`, errors);
    });
  }
}

const BASE_KEYS = ['rule', 'source', 'source_en', 'note'] as const;

function checkRule(r: unknown, path: string, errors: ProfileError[]): RuleId | null {
  if (!isObj(r)) {
    errors.push({ path, message: 'must be an object' });
    return null;
  }
  if (!(RULE_IDS as readonly unknown[]).includes(r.rule)) {
    errors.push({ path: `${path}.rule`, message: `unknown rule id ${JSON.stringify(r.rule)}` });
    return null;
  }
  if (typeof r.source !== 'string' || r.source.trim() === '') {
    errors.push({ path: `${path}.source`, message: 'a legal source is required' });
  }
  const id = r.rule as RuleId;
  const keys = (extra: string[]) => checkKeys(r, [...BASE_KEYS, ...extra], path, errors);
  const nonNegative = (k: string) => {
    if (!isNum(r[k]) || (r[k] as number) < 0) errors.push({ path: `${path}.${k}`, message: 'must be a non-negative number' });
  };
  switch (id) {
    case 'area-limit':
      keys(['new', 'expansion']);
      checkAreaBand(r.new, `${path}.new`, errors);
      checkAreaBand(r.expansion, `${path}.expansion`, errors);
      break;
    case 'isolation-distance':
      keys(['distances_m']);
      if (r.distances_m !== undefined) {
        const d = r.distances_m;
        if (!isObj(d) || !HAZARD_CLASSES.every((c) => isNum(d[c]) && (d[c] as number) > 0)) {
          errors.push({ path: `${path}.distances_m`, message: 'must give a positive distance for each class I–V' });
        } else {
          checkKeys(d, HAZARD_CLASSES, `${path}.distances_m`, errors);
        }
      }
      break;
    case 'no-residents-inside':
    case 'no-overlap':
      keys(['tolerance_ha']);
      nonNegative('tolerance_ha');
      break;
    case 'within-province':
      keys(['buffer_m', 'tolerance_ha']);
      nonNegative('buffer_m');
      nonNegative('tolerance_ha');
      break;
    case 'valid-geometry':
      keys([]);
      break;
    case 'name-prefix':
      keys(['prefix']);
      if (typeof r.prefix !== 'string' || r.prefix.trim() === '') errors.push({ path: `${path}.prefix`, message: 'must be a non-empty string' });
      break;
    case 'infrastructure':
      keys(['applies_to_status', 'wastewater']);
      checkStatuses(r.applies_to_status, `${path}.applies_to_status`, errors);
      if (r.wastewater !== 'operating' && r.wastewater !== 'under-construction') {
        errors.push({ path: `${path}.wastewater`, message: 'must be "operating" or "under-construction"' });
      }
      break;
    case 'establishment-occupancy':
    case 'expansion-occupancy':
      keys(['applies_to_status', 'any_of', 'waived_if_no_existing_clusters']);
      checkStatuses(r.applies_to_status, `${path}.applies_to_status`, errors);
      if (r.waived_if_no_existing_clusters !== undefined && typeof r.waived_if_no_existing_clusters !== 'boolean') {
        errors.push({ path: `${path}.waived_if_no_existing_clusters`, message: 'must be a boolean' });
      }
      if (!Array.isArray(r.any_of) || r.any_of.length === 0) {
        errors.push({ path: `${path}.any_of`, message: 'must be a non-empty array of conditions' });
      } else {
        r.any_of.forEach((c, i) => {
          const p = `${path}.any_of[${i}]`;
          if (!isObj(c) || !(CONDITION_FACTS as readonly unknown[]).includes(c.fact)) {
            errors.push({ path: `${p}.fact`, message: `must be one of ${CONDITION_FACTS.join('|')}` });
            return;
          }
          validateRangeShape(c, p, errors, ['fact']);
          if ((c.min === undefined || c.min === null) && (c.max === undefined || c.max === null)) {
            errors.push({ path: p, message: 'a condition needs min or max' });
          }
        });
      }
      break;
  }
  return id;
}

/** Pure structural + semantic check of one profile; mirrors profile.schema.json and goes further. */
export function validateRegulationProfile(obj: unknown): { ok: boolean; errors: ProfileError[] } {
  const errors: ProfileError[] = [];
  if (!isObj(obj)) return { ok: false, errors: [{ path: '$', message: 'profile must be an object' }] };
  checkKeys(
    obj,
    ['$schema', 'id', 'document', 'document_en', 'title', 'title_en', 'issued', 'effective_from', 'effective_until', 'supersedes', 'notes', 'rules'],
    '$',
    errors,
  );
  if (typeof obj.id !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(obj.id)) {
    errors.push({ path: '$.id', message: 'must be a kebab-case id such as "nd-32-2024"' });
  }
  for (const k of ['document', 'title'] as const) {
    if (typeof obj[k] !== 'string' || (obj[k] as string).trim() === '') errors.push({ path: `$.${k}`, message: 'must be a non-empty string' });
  }
  if (obj.issued !== undefined && !isIsoDate(obj.issued)) errors.push({ path: '$.issued', message: 'must be a date YYYY-MM-DD' });
  if (!isIsoDate(obj.effective_from)) errors.push({ path: '$.effective_from', message: 'must be a date YYYY-MM-DD' });
  if (obj.effective_until !== null && !isIsoDate(obj.effective_until)) {
    errors.push({ path: '$.effective_until', message: 'must be a date YYYY-MM-DD or null' });
  } else if (isIsoDate(obj.effective_from) && isIsoDate(obj.effective_until) && obj.effective_until <= obj.effective_from) {
    errors.push({ path: '$.effective_until', message: 'must be after effective_from' });
  }
  for (const k of ['supersedes', 'notes'] as const) {
    if (obj[k] !== undefined && !(Array.isArray(obj[k]) && (obj[k] as unknown[]).every((s) => typeof s === 'string'))) {
      errors.push({ path: `$.${k}`, message: 'must be an array of strings' });
    }
  }
  if (!Array.isArray(obj.rules) || obj.rules.length === 0) {
    errors.push({ path: '$.rules', message: 'must be a non-empty array' });
  } else {
    const seen = new Set<RuleId>();
    obj.rules.forEach((r, i) => {
      const id = checkRule(r, `$.rules[${i}]`, errors);
      if (id === null) return;
      if (seen.has(id)) errors.push({ path: `$.rules[${i}].rule`, message: `duplicate rule id "${id}"` });
      seen.add(id);
    });
    for (const id of COMMON_RULE_IDS) if (!seen.has(id)) errors.push({ path: '$.rules', message: `missing common rule "${id}"` });
  }
  return { ok: errors.length === 0, errors };
}

export function isInForce(profile: Pick<RegulationProfile, 'effective_from' | 'effective_until'>, date: string | Date): boolean {
  const day = typeof date === 'string' ? date : vietnamDate(date);
  return profile.effective_from <= day && (profile.effective_until === null || day < profile.effective_until);
}

/**
 * The profile in force on `date` (from inclusive, until exclusive). If data overlap, the most
 * recently effective one wins, since a later document supersedes an earlier one.
 * Returns null before the first document (e.g. pre-2009 clusters).
 */
export function selectProfileInForce<P extends Pick<RegulationProfile, 'effective_from' | 'effective_until'>>(
  profiles: readonly P[],
  date: string | Date,
): P | null {
  if (typeof date === 'string' && !isIsoDate(date)) throw new RangeError(`not a date YYYY-MM-DD: ${date}`);
  let best: P | null = null;
  for (const p of profiles) {
    if (isInForce(p, date) && (best === null || p.effective_from > best.effective_from)) best = p;
  }
  return best;
}

/**
 * Validates a set of loaded profiles (e.g. every JSON file in gis-data/regulations except the
 * schema and isolation-distances.json) and returns them sorted by effective date. Throws with
 * every error listed so a bad data file stops the server at start-up.
 */
export function loadRegulationProfiles(objs: readonly unknown[]): RegulationProfile[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  objs.forEach((o, i) => {
    const r = validateRegulationProfile(o);
    const id = isObj(o) && typeof o.id === 'string' ? o.id : `#${i}`;
    for (const e of r.errors) problems.push(`${id} ${e.path}: ${e.message}`);
    if (ids.has(id)) problems.push(`${id}: duplicate profile id`);
    ids.add(id);
  });
  if (problems.length > 0) throw new Error(`invalid regulation profiles:\n${problems.join('\n')}`);
  return [...(objs as RegulationProfile[])].sort((a, b) => a.effective_from.localeCompare(b.effective_from));
}

export function findRule<K extends RuleId>(profile: RegulationProfile, id: K): Extract<RegulationRule, { rule: K }> | undefined {
  return profile.rules.find((r) => r.rule === id) as Extract<RegulationRule, { rule: K }> | undefined;
}

/** "> 10 ha và ≤ 75 ha" / "> 10 ha and ≤ 75 ha" — for messages and the UI. */
export function formatRange(range: Range, unit: string, locale: 'vi' | 'en' = 'vi'): string {
  const parts: string[] = [];
  const num = (n: number) => (locale === 'vi' ? String(n).replace('.', ',') : String(n));
  if (range.min) parts.push(`${range.min.inclusive ? '≥' : '>'} ${num(range.min.value)} ${unit}`);
  if (range.max) parts.push(`${range.max.inclusive ? '≤' : '<'} ${num(range.max.value)} ${unit}`);
  if (parts.length === 0) return locale === 'vi' ? 'không giới hạn' : 'no limit';
  return parts.join(locale === 'vi' ? ' và ' : ' and ');
}

/** Which side of the range a value breaks, or null if inside. */
export function rangeViolation(value: number, range: Range): 'below-min' | 'above-max' | null {
  const { min, max } = range;
  if (min && (min.inclusive ? value < min.value : value <= min.value)) return 'below-min';
  if (max && (max.inclusive ? value > max.value : value >= max.value)) return 'above-max';
  return null;
}
