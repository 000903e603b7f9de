/**
 * Aggregation of cluster snapshots into the figures of the stats API and the periodic reports.
 *
 * Definitions (one place, used by both):
 * - planned: every cluster in the plan at that instant, i.e. any status except `removed`
 *   (an established cluster is still part of the plan, so fulfilment = established ÷ planned);
 * - established: status established, operating, expanding or suspended;
 * - operating: status operating or expanding (an expanding cluster keeps operating);
 * - planned_ha: the attribute planned_area_ha, or the boundary's area when it is not recorded;
 * - established_ha: the boundary's area (geodesic, server-computed) of established clusters;
 * - industrial_land_ha, leased_ha, tenants, workers, investment capital: sums over established clusters;
 * - occupancy_pct: Σ leased ÷ Σ industrial land over established clusters where both are known
 *   and industrial land > 0 (null when there is none), i.e. the area-weighted average occupancy;
 * - wastewater_operating: non-removed clusters whose central wastewater plant is `operating`;
 * - nonconforming_count: non-removed clusters failing a rule of the conformity engine;
 * - no_boundary_count / provisional_count: non-removed clusters known only by a location point
 *   (boundary_status none) / with a provisional boundary. A point-only cluster counts everywhere else with
 *   its declared area (declared_area_ha, else planned_area_ha) in place of a boundary area.
 * Hectares and percentages are rounded to 2 decimals at the end, never before summing.
 */
import type { SnapshotCluster } from './reports.repository.ts';
import { boundaryStatusOf, effectiveAreaHa } from '../domain/boundary.ts';

export const ESTABLISHED_STATUSES = new Set(['established', 'operating', 'expanding', 'suspended']);
export const OPERATING_STATUSES = new Set(['operating', 'expanding']);

/** The figures of the stats contract. */
export interface StatsMeasures {
  planned_count: number;
  established_count: number;
  operating_count: number;
  planned_ha: number;
  established_ha: number;
  industrial_land_ha: number;
  leased_ha: number;
  occupancy_pct: number | null;
  wastewater_operating: number;
  nonconforming_count: number;
  /** clusters without a boundary (location point only) */
  no_boundary_count: number;
  provisional_count: number;
}

/** The report adds tenants, workers and investment capital. */
export interface ReportMeasures extends StatsMeasures {
  tenants: number;
  workers: number;
  investment_capital_bn_vnd: number;
}

export interface Accumulator {
  planned_count: number;
  established_count: number;
  operating_count: number;
  planned_ha: number;
  established_ha: number;
  industrial_land_ha: number;
  leased_ha: number;
  occ_leased: number;
  occ_industrial: number;
  wastewater_operating: number;
  nonconforming_count: number;
  no_boundary_count: number;
  provisional_count: number;
  tenants: number;
  workers: number;
  investment_capital_bn_vnd: number;
}

export function emptyAccumulator(): Accumulator {
  return {
    planned_count: 0,
    established_count: 0,
    operating_count: 0,
    planned_ha: 0,
    established_ha: 0,
    industrial_land_ha: 0,
    leased_ha: 0,
    occ_leased: 0,
    occ_industrial: 0,
    wastewater_operating: 0,
    nonconforming_count: 0,
    no_boundary_count: 0,
    provisional_count: 0,
    tenants: 0,
    workers: 0,
    investment_capital_bn_vnd: 0,
  };
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The boundary area of one cluster version, or the declared area of one without a boundary. */
export function clusterArea(c: Pick<SnapshotCluster, 'properties' | 'area_ha'> & { boundary_status?: SnapshotCluster['boundary_status'] }): number {
  return effectiveAreaHa(c.boundary_status ?? boundaryStatusOf(c.properties), c.area_ha, c.properties);
}

/** planned area of one cluster version: the recorded planned_area_ha, else the boundary (or declared) area. */
export function plannedArea(c: Pick<SnapshotCluster, 'properties' | 'area_ha'> & { boundary_status?: SnapshotCluster['boundary_status'] }): number {
  return num(c.properties.planned_area_ha) ?? clusterArea(c);
}

export function addCluster(acc: Accumulator, c: SnapshotCluster, nonconforming: boolean): void {
  if (c.status === 'removed') return;
  const p = c.properties;
  acc.planned_count += 1;
  acc.planned_ha += plannedArea(c);
  if (p.wastewater === 'operating') acc.wastewater_operating += 1;
  if (nonconforming) acc.nonconforming_count += 1;
  const boundary = c.boundary_status ?? boundaryStatusOf(p);
  if (boundary === 'none') acc.no_boundary_count += 1;
  else if (boundary === 'provisional') acc.provisional_count += 1;
  if (!ESTABLISHED_STATUSES.has(c.status)) return;
  acc.established_count += 1;
  acc.established_ha += clusterArea(c);
  if (OPERATING_STATUSES.has(c.status)) acc.operating_count += 1;
  const industrial = num(p.industrial_land_ha);
  const leased = num(p.leased_ha);
  if (industrial !== null) acc.industrial_land_ha += industrial;
  if (leased !== null) acc.leased_ha += leased;
  if (industrial !== null && leased !== null && industrial > 0) {
    acc.occ_industrial += industrial;
    acc.occ_leased += leased;
  }
  acc.tenants += num(p.tenants) ?? 0;
  acc.workers += num(p.workers) ?? 0;
  acc.investment_capital_bn_vnd += num(p.investment_capital_bn_vnd) ?? 0;
}

export function mergeInto(target: Accumulator, source: Accumulator): void {
  for (const k of Object.keys(target) as (keyof Accumulator)[]) target[k] += source[k];
}

const r2 = (x: number) => Math.round(x * 100) / 100;

export function statsMeasures(acc: Accumulator): StatsMeasures {
  return {
    planned_count: acc.planned_count,
    established_count: acc.established_count,
    operating_count: acc.operating_count,
    planned_ha: r2(acc.planned_ha),
    established_ha: r2(acc.established_ha),
    industrial_land_ha: r2(acc.industrial_land_ha),
    leased_ha: r2(acc.leased_ha),
    occupancy_pct: acc.occ_industrial > 0 ? r2((acc.occ_leased / acc.occ_industrial) * 100) : null,
    wastewater_operating: acc.wastewater_operating,
    nonconforming_count: acc.nonconforming_count,
    no_boundary_count: acc.no_boundary_count,
    provisional_count: acc.provisional_count,
  };
}

export function reportMeasures(acc: Accumulator): ReportMeasures {
  return {
    ...statsMeasures(acc),
    tenants: acc.tenants,
    workers: acc.workers,
    investment_capital_bn_vnd: r2(acc.investment_capital_bn_vnd),
  };
}

export interface Unit {
  code: string;
  name: string;
}

/**
 * Groups clusters into units (regions, 63 or 34 provinces) and returns one accumulator per unit, in
 * the order of `units`, units without clusters included. `unitOf` maps a cluster to its unit code.
 */
export function groupClusters(
  clusters: readonly SnapshotCluster[],
  units: readonly Unit[],
  unitOf: (c: SnapshotCluster) => string | undefined,
  nonconforming: ReadonlySet<string>,
): Map<string, Accumulator> {
  const out = new Map<string, Accumulator>();
  for (const u of units) out.set(u.code, emptyAccumulator());
  for (const c of clusters) {
    const code = unitOf(c);
    const acc = code === undefined ? undefined : out.get(code);
    if (acc) addCluster(acc, c, nonconforming.has(c.cluster_id));
  }
  return out;
}
