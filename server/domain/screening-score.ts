/**
 * Relocation screening, stage 2: the weighted factors. Pure so the server ranks with it and the
 * browser re-ranks with it live when a weight slider moves (from the raw/normalised values the
 * server returned), and both always agree.
 *
 * Every factor is normalised to 0–1 (1 = best) with a fixed, documented formula, so a value means
 * the same thing in every screening and a hand calculation can check it (docs/screening.md):
 *
 * - distance-from-site: raw = km from the facility's current site to the cluster boundary;
 *   normalized = max(0, 1 − raw / 50). Within 50 km the workforce can still commute; 0 km → 1.
 * - occupancy: raw = leased / industrial land × 100 (%); normalized = raw / 100 (prefer filling
 *   existing clusters). Unknown (no industrial land recorded) → raw null, normalized 0.
 * - infrastructure: raw = readiness points 0–2 = wastewater plant (operating 1, under construction
 *   0.5, none/unknown 0) + cluster status (operating/expanding 1, established 0.5, other 0);
 *   normalized = raw / 2.
 * - isolation-margin: raw = metres from the cluster boundary to the nearest residential zone beyond
 *   the facility's isolation distance d (capped at d: zones are only searched within 2·d);
 *   normalized = min(raw, d) / d.
 * - road-distance: raw = km from the cluster to the nearest main road (searched within 10 km);
 *   normalized = max(0, 1 − raw / 10). Only when a roads layer is loaded; otherwise the criterion
 *   is skipped and the result says so.
 *
 * Weights: any non-negative numbers; they are divided by their sum over the criteria evaluated, so
 * `weight` in the result is the share (Σ = 1), contribution = weight × normalized and the score is
 * Σ contributions (0–1). Ties are broken by the distance from the site, then by id.
 */

export const CRITERIA = ['distance-from-site', 'occupancy', 'infrastructure', 'isolation-margin', 'road-distance'] as const;
export type Criterion = (typeof CRITERIA)[number];

export type Weights = Partial<Record<Criterion, number>>;

export const DEFAULT_WEIGHTS: Record<Criterion, number> = {
  'distance-from-site': 0.3,
  occupancy: 0.2,
  infrastructure: 0.25,
  'isolation-margin': 0.25,
  'road-distance': 0.15,
};

/** Reference lengths of the linear scales above. */
export const DISTANCE_REFERENCE_KM = 50;
export const ROAD_REFERENCE_KM = 10;

export const CRITERION_LABELS: Record<Criterion, { vi: string; en: string }> = {
  'distance-from-site': { vi: 'Khoảng cách tới địa điểm hiện tại', en: 'Distance from the current site' },
  occupancy: { vi: 'Tỷ lệ lấp đầy', en: 'Occupancy' },
  infrastructure: { vi: 'Mức sẵn sàng hạ tầng', en: 'Infrastructure readiness' },
  'isolation-margin': { vi: 'Khoảng cách ly dư', en: 'Spare isolation margin' },
  'road-distance': { vi: 'Khoảng cách tới đường chính', en: 'Distance to a main road' },
};

export const CRITERION_UNITS: Record<Criterion, string> = {
  'distance-from-site': 'km',
  occupancy: '%',
  infrastructure: 'điểm/points',
  'isolation-margin': 'm',
  'road-distance': 'km',
};

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export function normalizeDistanceFromSite(km: number): number {
  return clamp01(1 - km / DISTANCE_REFERENCE_KM);
}
export function normalizeOccupancy(pct: number | null): number {
  return pct === null ? 0 : clamp01(pct / 100);
}
export const WASTEWATER_POINTS: Record<string, number> = { operating: 1, 'under-construction': 0.5, none: 0 };
export const STATUS_POINTS: Record<string, number> = { operating: 1, expanding: 1, established: 0.5 };
export function infrastructurePoints(wastewater: string | null | undefined, status: string | null | undefined): number {
  return (WASTEWATER_POINTS[wastewater ?? ''] ?? 0) + (STATUS_POINTS[status ?? ''] ?? 0);
}
export function normalizeInfrastructure(points: number): number {
  return clamp01(points / 2);
}
/** marginM already capped at requiredM by the caller's search radius; capped again here. */
export function normalizeIsolationMargin(marginM: number, requiredM: number): number {
  if (requiredM <= 0) return 1;
  return clamp01(Math.min(marginM, requiredM) / requiredM);
}
export function normalizeRoadDistance(km: number): number {
  return clamp01(1 - km / ROAD_REFERENCE_KM);
}

/** One factor of one candidate as measured; `normalized` is on the 0–1 scale above. */
export interface CriterionValue {
  criterion: Criterion;
  raw: number | null;
  normalized: number;
}

export interface CriterionRow extends CriterionValue {
  weight: number;
  contribution: number;
}

export interface ScoringInput {
  cluster_id: string;
  criteria: CriterionValue[];
  /** tie-breaker (km); defaults to the distance-from-site raw value */
  distance_km?: number | null;
}

export interface ScoredCandidate {
  cluster_id: string;
  rank: number;
  score: number;
  criteria: CriterionRow[];
}

/** Validates user weights: known criteria, finite, ≥ 0. Returns the problems (empty when fine). */
export function checkWeights(weights: unknown): string[] {
  if (weights === undefined || weights === null) return [];
  if (typeof weights !== 'object' || Array.isArray(weights)) return ['weights must be an object {criterion: number}'];
  const problems: string[] = [];
  for (const [k, v] of Object.entries(weights as Record<string, unknown>)) {
    if (!(CRITERIA as readonly string[]).includes(k)) problems.push(`unknown criterion "${k}" (known: ${CRITERIA.join(', ')})`);
    else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) problems.push(`weight of ${k} must be a number ≥ 0`);
  }
  return problems;
}

/** Defaults overlaid with the user's weights. */
export function resolveWeights(weights: Weights | undefined): Record<Criterion, number> {
  return { ...DEFAULT_WEIGHTS, ...(weights ?? {}) };
}

/** Weight shares over the criteria present (Σ = 1); all zero → equal shares. */
export function weightShares(weights: Record<Criterion, number>, present: readonly Criterion[]): Record<Criterion, number> {
  const out = Object.fromEntries(CRITERIA.map((c) => [c, 0])) as Record<Criterion, number>;
  const total = present.reduce((s, c) => s + (weights[c] ?? 0), 0);
  for (const c of present) out[c] = total > 0 ? (weights[c] ?? 0) / total : 1 / present.length;
  return out;
}

/** Scores and ranks candidates (rank 1 = best). Criteria missing from a candidate are not weighted. */
export function scoreCandidates(inputs: readonly ScoringInput[], weights: Weights | undefined): ScoredCandidate[] {
  const w = resolveWeights(weights);
  const present = CRITERIA.filter((c) => inputs.some((i) => i.criteria.some((x) => x.criterion === c)));
  const shares = weightShares(w, present);
  const scored = inputs.map((input) => {
    const criteria: CriterionRow[] = input.criteria.map((x) => {
      const weight = shares[x.criterion];
      return { criterion: x.criterion, raw: x.raw, normalized: round(x.normalized, 6), weight: round(weight, 6), contribution: round(weight * x.normalized, 6) };
    });
    const score = round(criteria.reduce((s, x) => s + x.contribution, 0), 6);
    const tie = input.distance_km ?? input.criteria.find((x) => x.criterion === 'distance-from-site')?.raw ?? Infinity;
    return { cluster_id: input.cluster_id, rank: 0, score, criteria, tie };
  });
  scored.sort((a, b) => b.score - a.score || a.tie - b.tie || (a.cluster_id < b.cluster_id ? -1 : a.cluster_id > b.cluster_id ? 1 : 0));
  return scored.map(({ tie: _tie, ...c }, i) => ({ ...c, rank: i + 1 }));
}

export interface SensitivityCase {
  criterion: Criterion;
  /** the weight was multiplied by this (0.8 or 1.2) */
  factor: number;
  top3: string[];
  /** the ordered top 3 differs from the baseline */
  changed: boolean;
  /** a different set of clusters is in the top 3 */
  membership_changed: boolean;
}

export interface Sensitivity {
  top3: string[];
  /** true when no ±20% change of any single weight changes the ordered top 3 */
  stable: boolean;
  cases: SensitivityCase[];
}

export const SENSITIVITY_FACTORS = [0.8, 1.2] as const;

/** For each weighted criterion, each weight ×0.8 and ×1.2 (the others unchanged): does the top 3 change? */
export function sensitivity(inputs: readonly ScoringInput[], weights: Weights | undefined): Sensitivity {
  const w = resolveWeights(weights);
  const top3 = scoreCandidates(inputs, w).slice(0, 3).map((c) => c.cluster_id);
  const present = CRITERIA.filter((c) => inputs.some((i) => i.criteria.some((x) => x.criterion === c)) && w[c] > 0);
  const cases: SensitivityCase[] = [];
  for (const criterion of present) {
    for (const factor of SENSITIVITY_FACTORS) {
      const changedWeights = { ...w, [criterion]: w[criterion] * factor };
      const t = scoreCandidates(inputs, changedWeights).slice(0, 3).map((c) => c.cluster_id);
      const changed = t.length !== top3.length || t.some((id, i) => id !== top3[i]);
      const membership_changed = t.length !== top3.length || t.some((id) => !top3.includes(id));
      cases.push({ criterion, factor, top3: t, changed, membership_changed });
    }
  }
  return { top3, stable: cases.every((c) => !c.changed), cases };
}
