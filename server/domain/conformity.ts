/**
 * The conformity rules engine: judges one cluster against one regulation profile.
 * Pure on purpose: spatial facts are measured elsewhere (PostGIS on the server, turf/measure.ts
 * in the browser) and passed in, so the same judgement runs in both places and in unit tests.
 * Thresholds come from the profile JSON; only the meaning of each rule id lives here.
 *
 * Decisions worth knowing:
 * - A fact that is undefined means "not measured": the rule gives `not-applicable` and says so.
 * - Values are rounded before comparison (ha and % to 2 decimals, m to 1 decimal), the precision
 *   used in decisions, so digitising noise (75.004 ha) does not flip a result.
 * - area-limit: planned/established are judged as NEW clusters, expanding against the EXPANSION
 *   total. operating/suspended clusters were established under whatever rules applied then, so
 *   they are only warned (never failed) when outside [new min, max(new max, expansion max)].
 *   removed clusters are not-applicable. Area is the geometry's area (facts.area_ha) and falls
 *   back to the attribute planned_area_ha when the geometry area is unknown.
 * - isolation-distance: an unknown hazard class is judged at the strictest distance; if it still
 *   passes the result is `warn` (the class must be recorded), if it fails it is `fail`.
 * - within-province: the server measures outside_province_ha against the province buffered by the
 *   profile's buffer_m (50 m) to absorb boundary digitising differences; here it must be ≤ tolerance.
 * - a cluster without a boundary (boundary_status none: a location point only) gets "not applicable: no
 *   boundary" from every rule that needs one (BOUNDARY_RULES), never a pass; area-limit judges its declared
 *   area (declared_area_ha, else planned_area_ha), never the point's zero area.
 * - occupancy rules apply only to the statuses listed in the profile (establishment → planned,
 *   expansion → expanding); with conditions in any_of, one satisfied condition is enough.
 */
import type { ClusterStatus, WastewaterState } from './cluster-attributes.ts';
import type { BoundaryStatus } from './boundary.ts';
import { isBoundaryStatus } from './boundary.ts';
import { occupancyPct } from './cluster-attributes.ts';
import {
  DEFAULT_ISOLATION_TABLE,
  HAZARD_CLASSES,
  greenBufferMinM,
  isolationDistance,
  type IsolationDistanceTable,
} from './hazard.ts';
import {
  RULE_IDS,
  findRule,
  formatRange,
  rangeViolation,
  type AreaBand,
  type Bound,
  type ConditionFact,
  type OccupancyRule,
  type Range,
  type RegulationProfile,
  type RuleId,
} from './regulations.ts';

export type RuleOutcome = 'pass' | 'warn' | 'fail' | 'not-applicable';

export interface ConformityCluster {
  name?: string | null;
  status?: ClusterStatus | null;
  craft_village?: boolean | null;
  mountainous_district?: boolean | null;
  hazard_class?: string | null;
  wastewater?: WastewaterState | null;
  industrial_land_ha?: number | null;
  leased_ha?: number | null;
  planned_area_ha?: number | null;
  /** Used only when leased/industrial land are not both known. */
  occupancy_pct?: number | null;
  /** none = no boundary yet (location point only); undefined is a surveyed boundary */
  boundary_status?: BoundaryStatus | null;
  declared_area_ha?: number | null;
}

/** Rules that judge the boundary itself: for a cluster without one they are "not applicable: no boundary". */
export const BOUNDARY_RULES: readonly RuleId[] = ['isolation-distance', 'no-residents-inside', 'within-province', 'no-overlap', 'valid-geometry'];

function noBoundary(rule: RuleId, source: string | null): RuleResult {
  return {
    rule,
    result: 'not-applicable',
    message: 'Không áp dụng: cụm chưa có ranh giới (chỉ có điểm vị trí)',
    message_en: 'Not applicable: no boundary (the cluster has a location point only)',
    evidence: { unit: null, reason: 'no-boundary' },
    source,
  };
}

const finiteOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const stringOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The engine's input from a stored version's properties (the API's property names), however untyped the JSON. */
export function conformityClusterFromProperties(p: Record<string, unknown>): ConformityCluster {
  return {
    name: typeof p.name === 'string' && p.name.trim() !== '' ? p.name : null,
    status: (stringOrNull(p.status) as ClusterStatus | null) ?? null,
    craft_village: p.craft_village === true,
    mountainous_district: p.mountainous_district === true,
    hazard_class: stringOrNull(p.hazard_class),
    wastewater: (stringOrNull(p.wastewater) as WastewaterState | null) ?? null,
    industrial_land_ha: finiteOrNull(p.industrial_land_ha),
    leased_ha: finiteOrNull(p.leased_ha),
    planned_area_ha: finiteOrNull(p.planned_area_ha),
    occupancy_pct: finiteOrNull(p.occupancy_pct),
    boundary_status: isBoundaryStatus(p.boundary_status) ? p.boundary_status : null,
    declared_area_ha: finiteOrNull(p.declared_area_ha),
  };
}

export interface ResidentialHit {
  id: string | number;
  kind?: string;
  distance_m: number;
}

export interface OverlapHit {
  cluster_id: string | number;
  name?: string;
  overlap_ha: number;
}

export interface SpatialFacts {
  area_ha?: number;
  geometry_valid?: boolean;
  geometry_invalid_reason?: string;
  /** null = no residential area found within the search radius; undefined = not measured. */
  nearest_residential_m?: number | null;
  residential_within_isolation?: ResidentialHit[];
  residential_inside_ha?: number;
  /** Area outside the province after buffering the province by the profile's buffer_m (50 m). */
  outside_province_ha?: number;
  overlaps?: OverlapHit[];
  district_stats?: {
    average_occupancy_pct: number | null;
    unleased_industrial_ha: number | null;
    /** 0 waives the establishment condition ("where the district already has clusters"). */
    existing_cluster_count?: number;
  };
}

export interface Evidence {
  value?: unknown;
  limit?: unknown;
  unit?: 'ha' | 'm' | '%' | null;
  /** Ids of geometries the map should highlight (residential areas, overlapping clusters). */
  geometry_ids?: (string | number)[];
  [key: string]: unknown;
}

export interface RuleResult {
  rule: RuleId;
  result: RuleOutcome;
  message: string;
  message_en: string;
  evidence: Evidence;
  source: string | null;
}

export interface ConformityReport {
  profile: string;
  results: RuleResult[];
}

export interface ConformityOptions {
  /** Defaults to gis-data/regulations/isolation-distances.json. */
  isolationTable?: IsolationDistanceTable;
}

const SEVERITY: Record<RuleOutcome, number> = { 'not-applicable': 0, pass: 1, warn: 2, fail: 3 };

/** The most severe outcome: fail > warn > pass > not-applicable (empty list → not-applicable). */
export function worstResult(results: readonly (RuleOutcome | { result: RuleOutcome })[]): RuleOutcome {
  let worst: RuleOutcome = 'not-applicable';
  for (const r of results) {
    const o = typeof r === 'string' ? r : r.result;
    if (SEVERITY[o] > SEVERITY[worst]) worst = o;
  }
  return worst;
}

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
const roundHa = (x: number) => round(x, 2);
const roundPct = (x: number) => round(x, 2);
const roundM = (x: number) => round(x, 1);
const known = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

const VI_NUM = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });
const EN_NUM = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
const vi = (n: number) => VI_NUM.format(n);
const en = (n: number) => EN_NUM.format(n);

function unknownFact(rule: RuleId, source: string | null, factVi: string, factEn: string, extra: Evidence = {}): RuleResult {
  return {
    rule,
    result: 'not-applicable',
    message: `Chưa có dữ liệu ${factVi} nên chưa đánh giá được`,
    message_en: `Not assessed: ${factEn} is unknown`,
    evidence: { unit: null, missing: factEn, ...extra },
    source,
  };
}

function notInProfile(rule: RuleId, profile: RegulationProfile): RuleResult {
  return {
    rule,
    result: 'not-applicable',
    message: `${profile.document} không quy định nội dung này`,
    message_en: `${profile.document_en ?? profile.document} has no such rule`,
    evidence: { unit: null },
    source: null,
  };
}

const STATUS_VI: Record<ClusterStatus, string> = {
  planned: 'trong quy hoạch',
  established: 'đã thành lập',
  operating: 'đang hoạt động',
  expanding: 'đang mở rộng',
  suspended: 'tạm dừng',
  removed: 'đã đưa ra khỏi quy hoạch',
};

function statusNotApplicable(rule: RuleId, status: ClusterStatus, applies: readonly ClusterStatus[], source: string): RuleResult {
  return {
    rule,
    result: 'not-applicable',
    message: `Chỉ áp dụng cho cụm ở trạng thái: ${applies.map((s) => STATUS_VI[s]).join(', ')} (hiện: ${STATUS_VI[status]})`,
    message_en: `Only applies to status ${applies.join(', ')} (current: ${status})`,
    evidence: { unit: null, status, applies_to_status: [...applies] },
    source,
  };
}

/* ---------------------------------------------------------------- area-limit */

function pickBand(band: AreaBand, cluster: ConformityCluster): { range: Range; variant: string | null; source?: string } {
  for (const o of band.overrides ?? []) {
    if (o.when.any_of.some((flag) => cluster[flag] === true)) return { range: o.range, variant: o.label_en ?? o.when.any_of.join('|'), source: o.source };
  }
  return { range: band.range, variant: null, source: band.source };
}

function looserMax(a: Bound | null | undefined, b: Bound | null | undefined): Bound | null {
  if (!a || !b) return null; // one side unlimited → unlimited
  if (a.value !== b.value) return a.value > b.value ? a : b;
  return a.inclusive ? a : b;
}

function evaluateAreaLimit(profile: RegulationProfile, cluster: ConformityCluster, facts: SpatialFacts): RuleResult {
  const rule = findRule(profile, 'area-limit');
  if (!rule) return notInProfile('area-limit', profile);
  const status = cluster.status;
  if (!status) return unknownFact('area-limit', rule.source, 'tình trạng của cụm', 'the cluster status');
  if (status === 'removed') {
    return {
      rule: 'area-limit',
      result: 'not-applicable',
      message: 'Cụm đã đưa ra khỏi quy hoạch, không xét quy mô diện tích',
      message_en: 'Cluster removed from the plan; area limit not assessed',
      evidence: { unit: 'ha', status },
      source: rule.source,
    };
  }
  let area: number;
  let basis: 'geometry' | 'attribute';
  if (cluster.boundary_status === 'none') {
    // a point has no area: the declared figure is all there is
    const declared = known(cluster.declared_area_ha) ? cluster.declared_area_ha : known(cluster.planned_area_ha) ? cluster.planned_area_ha : null;
    if (declared === null) return noBoundary('area-limit', rule.source);
    area = declared;
    basis = 'attribute';
  } else if (known(facts.area_ha)) {
    area = facts.area_ha;
    basis = 'geometry';
  } else if (known(cluster.planned_area_ha)) {
    area = cluster.planned_area_ha;
    basis = 'attribute';
  } else {
    return unknownFact('area-limit', rule.source, 'diện tích cụm', 'the cluster area');
  }
  const value = roundHa(area);

  const mode: 'new' | 'expansion' | 'existing' =
    status === 'planned' || status === 'established' ? 'new' : status === 'expanding' ? 'expansion' : 'existing';
  let range: Range;
  let variant: string | null;
  let source = rule.source;
  if (mode === 'existing') {
    const n = pickBand(rule.new, cluster);
    const e = pickBand(rule.expansion, cluster);
    range = { min: n.range.min ?? null, max: looserMax(n.range.max, e.range.max) };
    variant = n.variant;
  } else {
    const b = pickBand(mode === 'new' ? rule.new : rule.expansion, cluster);
    range = b.range;
    variant = b.variant;
    source = b.source ?? rule.source;
  }
  const violation = rangeViolation(value, range);
  const result: RuleOutcome = violation === null ? 'pass' : mode === 'existing' ? 'warn' : 'fail';
  const limitVi = formatRange(range, 'ha', 'vi');
  const limitEn = formatRange(range, 'ha', 'en');
  const whatVi = mode === 'new' ? 'cụm thành lập mới' : mode === 'expansion' ? 'tổng diện tích sau mở rộng' : 'cụm hiện hữu';
  const whatEn = mode === 'new' ? 'a new cluster' : mode === 'expansion' ? 'the total after expansion' : 'an existing cluster';
  const basisVi = basis === 'geometry' ? 'theo ranh giới' : 'theo diện tích quy hoạch khai báo';
  const basisEn = basis === 'geometry' ? 'from the boundary' : 'from the declared planned area';
  const message =
    violation === null
      ? `Diện tích ${vi(value)} ha (${basisVi}) đáp ứng giới hạn ${limitVi} cho ${whatVi}`
      : `Diện tích ${vi(value)} ha (${basisVi}) ${violation === 'above-max' ? 'vượt' : 'dưới'} giới hạn ${limitVi} cho ${whatVi}` +
        (mode === 'existing' ? ' (cụm hình thành theo quy định trước đây, chỉ cảnh báo)' : '');
  const message_en =
    violation === null
      ? `Area ${en(value)} ha (${basisEn}) is within ${limitEn} for ${whatEn}`
      : `Area ${en(value)} ha (${basisEn}) is ${violation === 'above-max' ? 'above' : 'below'} the limit ${limitEn} for ${whatEn}` +
        (mode === 'existing' ? ' (established under earlier rules: warning only)' : '');
  return {
    rule: 'area-limit',
    result,
    message,
    message_en,
    evidence: { value, value_raw: area, unit: 'ha', limit: range, limit_text: limitVi, mode, basis, variant, violation },
    source,
  };
}

/* ------------------------------------------------------- isolation-distance */

function evaluateIsolation(
  profile: RegulationProfile,
  cluster: ConformityCluster,
  facts: SpatialFacts,
  options: ConformityOptions,
): RuleResult {
  const rule = findRule(profile, 'isolation-distance');
  if (!rule) return notInProfile('isolation-distance', profile);
  const base = options.isolationTable ?? DEFAULT_ISOLATION_TABLE;
  const table: IsolationDistanceTable = rule.distances_m
    ? { ...base, classes: Object.fromEntries(HAZARD_CLASSES.map((c) => [c, { ...base.classes[c], distance_m: rule.distances_m![c] }])) as IsolationDistanceTable['classes'] }
    : base;
  const req = isolationDistance(cluster.hazard_class, table);
  const list = facts.residential_within_isolation;
  if (facts.nearest_residential_m === undefined && list === undefined) {
    return unknownFact('isolation-distance', rule.source, 'khoảng cách tới khu dân cư', 'the distance to residential areas', {
      limit: req.distance_m,
      hazard_class: req.hazard_class,
    });
  }
  const violators = (list ?? []).filter((r) => known(r.distance_m) && roundM(r.distance_m) < req.distance_m);
  let nearest: number | null;
  if (known(facts.nearest_residential_m)) nearest = facts.nearest_residential_m;
  else if (list && list.length > 0) nearest = Math.min(...list.map((r) => r.distance_m));
  else nearest = null;
  const nearestR = nearest === null ? null : roundM(nearest);
  const fails = violators.length > 0 || (nearestR !== null && nearestR < req.distance_m);
  const classVi = req.hazard_class ? `cấp độc hại ${req.hazard_class}` : 'cấp độc hại chưa xác định, áp dụng mức nghiêm ngặt nhất';
  const classEn = req.hazard_class ? `hazard class ${req.hazard_class}` : 'hazard class unknown, strictest distance applied';
  const evidence: Evidence = {
    value: nearestR,
    limit: req.distance_m,
    unit: 'm',
    hazard_class: req.hazard_class,
    assumed_strictest: req.assumed_strictest,
    margin_m: nearestR === null ? null : roundM(nearestR - req.distance_m),
    green_buffer_min_m: greenBufferMinM(table),
    violations: violators.map((r) => ({ id: r.id, kind: r.kind ?? null, distance_m: roundM(r.distance_m) })),
    geometry_ids: violators.map((r) => r.id),
  };
  if (fails) {
    // failing implies a measured distance: either a listed violator or nearest < required
    const n = violators.length;
    const near = nearestR ?? Math.min(...violators.map((r) => roundM(r.distance_m)));
    return {
      rule: 'isolation-distance',
      result: 'fail',
      message:
        n > 0
          ? `${n} khu dân cư nằm trong khoảng cách ly ${vi(req.distance_m)} m (${classVi}); gần nhất cách ${vi(near)} m`
          : `Khu dân cư gần nhất cách ${vi(near)} m, nhỏ hơn khoảng cách ly ${vi(req.distance_m)} m (${classVi})`,
      message_en:
        n > 0
          ? `${n} residential area(s) within the ${en(req.distance_m)} m isolation distance (${classEn}); nearest ${en(near)} m`
          : `Nearest residential area is ${en(near)} m away, less than the ${en(req.distance_m)} m isolation distance (${classEn})`,
      evidence,
      source: rule.source,
    };
  }
  const nearestVi = nearestR === null ? 'không có khu dân cư trong phạm vi tìm kiếm' : `khu dân cư gần nhất cách ${vi(nearestR)} m`;
  const nearestEn = nearestR === null ? 'no residential area within the search radius' : `nearest residential area ${en(nearestR)} m away`;
  return {
    rule: 'isolation-distance',
    result: req.assumed_strictest ? 'warn' : 'pass',
    message: `Đạt khoảng cách ly ${vi(req.distance_m)} m (${classVi}): ${nearestVi}` + (req.assumed_strictest ? '; cần bổ sung cấp độc hại' : ''),
    message_en: `Meets the ${en(req.distance_m)} m isolation distance (${classEn}): ${nearestEn}` + (req.assumed_strictest ? '; the hazard class must be recorded' : ''),
    evidence,
    source: rule.source,
  };
}

/* ------------------------------------------------ area-based tolerance rules */

function evaluateResidentsInside(profile: RegulationProfile, facts: SpatialFacts): RuleResult {
  const rule = findRule(profile, 'no-residents-inside');
  if (!rule) return notInProfile('no-residents-inside', profile);
  if (!known(facts.residential_inside_ha)) {
    return unknownFact('no-residents-inside', rule.source, 'diện tích đất ở trong ranh giới', 'the residential area inside the boundary');
  }
  const value = roundHa(facts.residential_inside_ha);
  const evidence: Evidence = { value, limit: 0, tolerance_ha: rule.tolerance_ha, unit: 'ha' };
  if (value <= 0) {
    return { rule: 'no-residents-inside', result: 'pass', message: 'Không có khu dân cư trong ranh giới cụm', message_en: 'No residential land inside the cluster boundary', evidence, source: rule.source };
  }
  const sliver = value <= rule.tolerance_ha;
  return {
    rule: 'no-residents-inside',
    result: sliver ? 'warn' : 'fail',
    message: `${vi(value)} ha đất ở nằm trong ranh giới cụm` + (sliver ? ' (nhỏ, có thể do sai số số hoá; cần kiểm tra)' : ''),
    message_en: `${en(value)} ha of residential land inside the cluster boundary` + (sliver ? ' (small; possibly a digitising sliver, check it)' : ''),
    evidence,
    source: rule.source,
  };
}

function evaluateWithinProvince(profile: RegulationProfile, facts: SpatialFacts): RuleResult {
  const rule = findRule(profile, 'within-province');
  if (!rule) return notInProfile('within-province', profile);
  if (!known(facts.outside_province_ha)) {
    return unknownFact('within-province', rule.source, 'phần diện tích ngoài địa giới tỉnh', 'the area outside the province');
  }
  const value = roundHa(facts.outside_province_ha);
  const evidence: Evidence = { value, limit: rule.tolerance_ha, unit: 'ha', buffer_m: rule.buffer_m };
  if (value <= rule.tolerance_ha) {
    return {
      rule: 'within-province',
      result: 'pass',
      message: `Cụm nằm trong địa giới tỉnh (dung sai ${vi(rule.buffer_m)} m)`,
      message_en: `Cluster lies within the province (${en(rule.buffer_m)} m tolerance)`,
      evidence,
      source: rule.source,
    };
  }
  return {
    rule: 'within-province',
    result: 'fail',
    message: `${vi(value)} ha nằm ngoài địa giới tỉnh (đã trừ dung sai ${vi(rule.buffer_m)} m)`,
    message_en: `${en(value)} ha lies outside the province (beyond the ${en(rule.buffer_m)} m tolerance)`,
    evidence,
    source: rule.source,
  };
}

function evaluateOverlap(profile: RegulationProfile, facts: SpatialFacts): RuleResult {
  const rule = findRule(profile, 'no-overlap');
  if (!rule) return notInProfile('no-overlap', profile);
  if (facts.overlaps === undefined) {
    return unknownFact('no-overlap', rule.source, 'chồng lấn với cụm khác', 'the overlap with other clusters');
  }
  const hits = facts.overlaps
    .filter((o) => known(o.overlap_ha) && o.overlap_ha > 0)
    .map((o) => ({ cluster_id: o.cluster_id, name: o.name ?? null, overlap_ha: roundHa(o.overlap_ha) }));
  const significant = hits.filter((o) => o.overlap_ha > rule.tolerance_ha);
  const shown = significant.length > 0 ? significant : hits;
  const total = roundHa(shown.reduce((s, o) => s + o.overlap_ha, 0));
  const evidence: Evidence = { value: total, limit: rule.tolerance_ha, unit: 'ha', overlaps: shown, geometry_ids: shown.map((o) => o.cluster_id) };
  if (hits.length === 0) {
    return { rule: 'no-overlap', result: 'pass', message: 'Không chồng lấn với cụm công nghiệp khác', message_en: 'No overlap with other clusters', evidence, source: rule.source };
  }
  const names = shown.map((o) => o.name ?? String(o.cluster_id)).join(', ');
  if (significant.length > 0) {
    return {
      rule: 'no-overlap',
      result: 'fail',
      message: `Chồng lấn ${vi(total)} ha với: ${names}`,
      message_en: `Overlaps ${en(total)} ha with: ${names}`,
      evidence,
      source: rule.source,
    };
  }
  return {
    rule: 'no-overlap',
    result: 'warn',
    message: `Chồng lấn rất nhỏ (${vi(total)} ha, ≤ dung sai ${vi(rule.tolerance_ha)} ha) với: ${names}; cần chỉnh ranh giới`,
    message_en: `Sliver overlap (${en(total)} ha, ≤ ${en(rule.tolerance_ha)} ha tolerance) with: ${names}; fix the boundary`,
    evidence,
    source: rule.source,
  };
}

function evaluateValidGeometry(profile: RegulationProfile, facts: SpatialFacts): RuleResult {
  const rule = findRule(profile, 'valid-geometry');
  if (!rule) return notInProfile('valid-geometry', profile);
  if (facts.geometry_valid === undefined) {
    return unknownFact('valid-geometry', rule.source, 'kiểm tra hình học', 'the geometry check');
  }
  if (facts.geometry_valid) {
    return { rule: 'valid-geometry', result: 'pass', message: 'Ranh giới hợp lệ', message_en: 'Boundary geometry is valid', evidence: { value: true, unit: null }, source: rule.source };
  }
  const reason = facts.geometry_invalid_reason;
  return {
    rule: 'valid-geometry',
    result: 'fail',
    message: `Ranh giới không hợp lệ${reason ? `: ${reason}` : ''}`,
    message_en: `Boundary geometry is invalid${reason ? `: ${reason}` : ''}`,
    evidence: { value: false, reason: reason ?? null, unit: null },
    source: rule.source,
  };
}

/* ---------------------------------------------------------------- name-prefix */

export type NamePrefixCheck = 'ok' | 'wrong-case' | 'abbreviated' | 'missing-proper-name' | 'missing';

/**
 * Compares in Unicode NFC so decomposed input ("Cu\u0323m") matches; the prefix must be followed
 * by a space and a proper name. Wrong capitalisation is reported separately (a warning, not a fail).
 */
export function checkNamePrefix(name: string, prefix: string): NamePrefixCheck {
  const n = name.normalize('NFC').trim().replace(/\s+/g, ' ');
  const p = prefix.normalize('NFC').trim();
  const rest = (s: string) => s.slice(p.length);
  if (n.startsWith(p)) {
    if (n.length === p.length) return 'missing-proper-name';
    return rest(n).startsWith(' ') && rest(n).trim() !== '' ? 'ok' : 'missing';
  }
  const lower = n.toLocaleLowerCase('vi');
  const lp = p.toLocaleLowerCase('vi');
  if (lower.startsWith(lp)) {
    if (lower.length === lp.length) return 'missing-proper-name';
    return lower.slice(lp.length).startsWith(' ') ? 'wrong-case' : 'missing';
  }
  if (/^ccn\b/i.test(n)) return 'abbreviated';
  return 'missing';
}

function evaluateNamePrefix(profile: RegulationProfile, cluster: ConformityCluster): RuleResult {
  const rule = findRule(profile, 'name-prefix');
  if (!rule) return notInProfile('name-prefix', profile);
  if (typeof cluster.name !== 'string') return unknownFact('name-prefix', rule.source, 'tên cụm', 'the cluster name');
  const check = checkNamePrefix(cluster.name, rule.prefix);
  const evidence: Evidence = { value: cluster.name.normalize('NFC').trim(), limit: rule.prefix, unit: null, check };
  const result: RuleOutcome = check === 'ok' ? 'pass' : check === 'wrong-case' ? 'warn' : 'fail';
  const texts: Record<NamePrefixCheck, [string, string]> = {
    ok: [`Tên bắt đầu bằng "${rule.prefix}"`, `Name starts with "${rule.prefix}"`],
    'wrong-case': [`Tên cần viết đúng "${rule.prefix}" (viết hoa chữ cái đầu)`, `Name should start with "${rule.prefix}" (capitalised)`],
    abbreviated: [`Tên không được viết tắt "CCN"; cần bắt đầu bằng "${rule.prefix}"`, `Name must not use the abbreviation "CCN"; it must start with "${rule.prefix}"`],
    'missing-proper-name': [`Tên chỉ có "${rule.prefix}", thiếu tên riêng`, `Name is only "${rule.prefix}" without a proper name`],
    missing: [`Tên phải bắt đầu bằng "${rule.prefix}" và tên riêng`, `Name must start with "${rule.prefix}" followed by a proper name`],
  };
  const [message, message_en] = texts[check];
  return { rule: 'name-prefix', result, message, message_en, evidence, source: rule.source };
}

/* ------------------------------------------------------------ infrastructure */

const WASTEWATER_ORDER: Record<WastewaterState, number> = { none: 0, 'under-construction': 1, operating: 2 };
const WASTEWATER_VI: Record<WastewaterState, string> = { none: 'chưa có', 'under-construction': 'đang xây dựng', operating: 'đã vận hành' };

function evaluateInfrastructure(profile: RegulationProfile, cluster: ConformityCluster): RuleResult {
  const rule = findRule(profile, 'infrastructure');
  if (!rule) return notInProfile('infrastructure', profile);
  if (!cluster.status) return unknownFact('infrastructure', rule.source, 'tình trạng của cụm', 'the cluster status');
  if (!rule.applies_to_status.includes(cluster.status)) {
    return statusNotApplicable('infrastructure', cluster.status, rule.applies_to_status, rule.source);
  }
  const ww = cluster.wastewater;
  if (!ww) return unknownFact('infrastructure', rule.source, 'tình trạng xử lý nước thải', 'the wastewater treatment state');
  const ok = WASTEWATER_ORDER[ww] >= WASTEWATER_ORDER[rule.wastewater];
  const evidence: Evidence = { value: ww, limit: rule.wastewater, unit: null, status: cluster.status };
  return ok
    ? {
        rule: 'infrastructure',
        result: 'pass',
        message: `Hệ thống xử lý nước thải tập trung ${WASTEWATER_VI[ww]}`,
        message_en: `Central wastewater treatment: ${ww}`,
        evidence,
        source: rule.source,
      }
    : {
        rule: 'infrastructure',
        result: 'fail',
        message: `Cụm ${STATUS_VI[cluster.status]} nhưng hệ thống xử lý nước thải tập trung ${WASTEWATER_VI[ww]} (yêu cầu: ${WASTEWATER_VI[rule.wastewater]})`,
        message_en: `Cluster is ${cluster.status} but central wastewater treatment is ${ww} (required: ${rule.wastewater})`,
        evidence,
        source: rule.source,
      };
}

/* ------------------------------------------------------------- occupancy rules */

const FACT_TEXT: Record<ConditionFact, { vi: string; en: string; unit: '%' | 'ha' }> = {
  district_average_occupancy_pct: { vi: 'tỷ lệ lấp đầy trung bình các cụm trên địa bàn huyện', en: "average occupancy of the district's clusters", unit: '%' },
  district_unleased_industrial_ha: { vi: 'quỹ đất công nghiệp chưa cho thuê trên địa bàn huyện', en: "the district's unleased industrial land", unit: 'ha' },
  cluster_occupancy_pct: { vi: 'tỷ lệ lấp đầy của cụm', en: 'the cluster occupancy', unit: '%' },
};

function factValue(fact: ConditionFact, cluster: ConformityCluster, facts: SpatialFacts): number | null {
  switch (fact) {
    case 'district_average_occupancy_pct':
      return known(facts.district_stats?.average_occupancy_pct) ? facts.district_stats.average_occupancy_pct : null;
    case 'district_unleased_industrial_ha':
      return known(facts.district_stats?.unleased_industrial_ha) ? facts.district_stats.unleased_industrial_ha : null;
    case 'cluster_occupancy_pct': {
      const computed = occupancyPct(cluster.leased_ha, cluster.industrial_land_ha);
      if (computed !== null) return computed;
      return known(cluster.occupancy_pct) ? cluster.occupancy_pct : null;
    }
  }
}

function evaluateOccupancy(
  id: 'establishment-occupancy' | 'expansion-occupancy',
  profile: RegulationProfile,
  cluster: ConformityCluster,
  facts: SpatialFacts,
): RuleResult {
  const rule = findRule(profile, id) as OccupancyRule | undefined;
  if (!rule) return notInProfile(id, profile);
  if (!cluster.status) return unknownFact(id, rule.source, 'tình trạng của cụm', 'the cluster status');
  if (!rule.applies_to_status.includes(cluster.status)) return statusNotApplicable(id, cluster.status, rule.applies_to_status, rule.source);
  if (rule.waived_if_no_existing_clusters && facts.district_stats?.existing_cluster_count === 0) {
    return {
      rule: id,
      result: 'pass',
      message: 'Trên địa bàn huyện chưa có cụm công nghiệp nào, điều kiện tỷ lệ lấp đầy không áp dụng',
      message_en: 'The district has no clusters yet, so the occupancy condition does not apply',
      evidence: { value: 0, unit: null, existing_cluster_count: 0 },
      source: rule.source,
    };
  }
  const conditions = rule.any_of.map((c) => {
    const raw = factValue(c.fact, cluster, facts);
    const unit = FACT_TEXT[c.fact].unit;
    const value = raw === null ? null : unit === '%' ? roundPct(raw) : roundHa(raw);
    return {
      fact: c.fact,
      value,
      unit,
      limit: { min: c.min ?? null, max: c.max ?? null },
      limit_text: formatRange(c, unit, 'vi'),
      satisfied: value === null ? null : rangeViolation(value, c) === null,
    };
  });
  const describe = (locale: 'vi' | 'en') =>
    conditions
      .map((c) => {
        const t = FACT_TEXT[c.fact];
        const v = c.value === null ? '?' : locale === 'vi' ? vi(c.value) : en(c.value);
        return `${locale === 'vi' ? t.vi : t.en} ${v} ${c.unit} (${locale === 'vi' ? 'yêu cầu' : 'required'} ${formatRange(c.limit, c.unit, locale)})`;
      })
      .join(locale === 'vi' ? ' hoặc ' : ' or ');
  const first = conditions[0]!;
  const evidence: Evidence = { value: first.value, limit: first.limit, unit: first.unit, conditions };
  if (conditions.some((c) => c.satisfied === true)) {
    return { rule: id, result: 'pass', message: `Đạt điều kiện: ${describe('vi')}`, message_en: `Condition met: ${describe('en')}`, evidence, source: rule.source };
  }
  if (conditions.some((c) => c.satisfied === null)) {
    const missing = conditions.filter((c) => c.satisfied === null).map((c) => FACT_TEXT[c.fact]);
    return {
      rule: id,
      result: 'not-applicable',
      message: `Chưa có dữ liệu ${missing.map((m) => m.vi).join(', ')} nên chưa đánh giá được`,
      message_en: `Not assessed: ${missing.map((m) => m.en).join(', ')} unknown`,
      evidence,
      source: rule.source,
    };
  }
  return { rule: id, result: 'fail', message: `Chưa đạt điều kiện: ${describe('vi')}`, message_en: `Condition not met: ${describe('en')}`, evidence, source: rule.source };
}

/* -------------------------------------------------------------------- engine */

/** Judges a cluster against a profile; one result per rule id, in RULE_IDS order. */
export function evaluateConformity(
  profile: RegulationProfile,
  cluster: ConformityCluster,
  facts: SpatialFacts,
  options: ConformityOptions = {},
): ConformityReport {
  const byRule: Record<RuleId, () => RuleResult> = {
    'area-limit': () => evaluateAreaLimit(profile, cluster, facts),
    'isolation-distance': () => evaluateIsolation(profile, cluster, facts, options),
    'no-residents-inside': () => evaluateResidentsInside(profile, facts),
    'within-province': () => evaluateWithinProvince(profile, facts),
    'no-overlap': () => evaluateOverlap(profile, facts),
    'valid-geometry': () => evaluateValidGeometry(profile, facts),
    'name-prefix': () => evaluateNamePrefix(profile, cluster),
    infrastructure: () => evaluateInfrastructure(profile, cluster),
    'establishment-occupancy': () => evaluateOccupancy('establishment-occupancy', profile, cluster, facts),
    'expansion-occupancy': () => evaluateOccupancy('expansion-occupancy', profile, cluster, facts),
  };
  const withoutBoundary = cluster.boundary_status === 'none';
  return {
    profile: profile.id,
    results: RULE_IDS.map((id) => {
      if (withoutBoundary && BOUNDARY_RULES.includes(id)) {
        const rule = findRule(profile, id);
        return rule ? noBoundary(id, rule.source) : notInProfile(id, profile);
      }
      return byRule[id]();
    }),
  };
}

/* ---------------------------------------------------- pre-2009 review list */

/** Management models recognised for clusters formed before Decision 105/2009 (review under Joint Circular 31/2012/TTLT-BCT-BKHĐT). */
export const RECOGNISED_MANAGEMENT_MODELS = ['enterprise', 'cluster-development-center', 'public-service-unit'] as const;
export type ManagementModel = (typeof RECOGNISED_MANAGEMENT_MODELS)[number];

export const managementModelLabels: Record<ManagementModel, { vi: string; en: string }> = {
  enterprise: { vi: 'Doanh nghiệp làm chủ đầu tư hạ tầng', en: 'Enterprise as infrastructure investor' },
  'cluster-development-center': { vi: 'Trung tâm phát triển cụm công nghiệp', en: 'Industrial cluster development centre' },
  'public-service-unit': { vi: 'Đơn vị sự nghiệp công lập', en: 'Public service unit' },
};

/** Clusters decided before this date predate the 105/2009 regulation (matches qd-105-2009 effective_from). */
export const PRE_2009_CUTOFF = '2009-11-02';
/** The 105/2009 ceiling after expansion; larger legacy clusters are on the review list. */
export const PRE_2009_MAX_AREA_HA = 75;
export const CLUSTER_NAME_PREFIX = 'Cụm công nghiệp';

export interface Pre2009Cluster {
  name?: string | null;
  decision_date?: string | null;
  planned_area_ha?: number | null;
  /** Geometry area; preferred over planned_area_ha when known. */
  area_ha?: number | null;
  management_model?: string | null;
}

export interface Pre2009Violation {
  code: 'area-over-75' | 'name-prefix' | 'management-model';
  message: string;
  message_en: string;
  value: string | number | null;
  limit: string | number | readonly string[];
}

/** true/false, or null when the decision date is unknown (cannot tell). */
export function isPre2009(cluster: Pick<Pre2009Cluster, 'decision_date'>, cutoff = PRE_2009_CUTOFF): boolean | null {
  const d = cluster.decision_date;
  if (typeof d !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(d)) return null;
  return d < cutoff;
}

/**
 * The Ministry's review list for legacy clusters: only clusters decided before the cutoff are
 * examined (others, and unknown dates, give []); area > 75 ha, a name without the prefix
 * (wrong capitalisation is not listed) and an unrecognised or missing management model.
 */
export function findPre2009Violations(
  cluster: Pre2009Cluster,
  options: { cutoff?: string; maxAreaHa?: number; prefix?: string } = {},
): Pre2009Violation[] {
  if (isPre2009(cluster, options.cutoff ?? PRE_2009_CUTOFF) !== true) return [];
  const out: Pre2009Violation[] = [];
  const max = options.maxAreaHa ?? PRE_2009_MAX_AREA_HA;
  const prefix = options.prefix ?? CLUSTER_NAME_PREFIX;
  const area = known(cluster.area_ha) ? cluster.area_ha : known(cluster.planned_area_ha) ? cluster.planned_area_ha : null;
  if (area !== null && roundHa(area) > max) {
    out.push({
      code: 'area-over-75',
      message: `Diện tích ${vi(roundHa(area))} ha vượt ${vi(max)} ha`,
      message_en: `Area ${en(roundHa(area))} ha exceeds ${en(max)} ha`,
      value: roundHa(area),
      limit: max,
    });
  }
  const name = typeof cluster.name === 'string' ? cluster.name : '';
  const check = checkNamePrefix(name, prefix);
  if (check !== 'ok' && check !== 'wrong-case') {
    out.push({
      code: 'name-prefix',
      message: `Tên "${name.normalize('NFC').trim()}" không bắt đầu bằng "${prefix}"`,
      message_en: `Name "${name.normalize('NFC').trim()}" does not start with "${prefix}"`,
      value: name.normalize('NFC').trim() || null,
      limit: prefix,
    });
  }
  const model = cluster.management_model ?? null;
  if (model === null || !(RECOGNISED_MANAGEMENT_MODELS as readonly string[]).includes(model)) {
    out.push({
      code: 'management-model',
      message: model === null ? 'Chưa xác định mô hình quản lý' : `Mô hình quản lý "${model}" không thuộc các mô hình được công nhận`,
      message_en: model === null ? 'Management model not recorded' : `Management model "${model}" is not a recognised one`,
      value: model,
      limit: RECOGNISED_MANAGEMENT_MODELS,
    });
  }
  return out;
}
