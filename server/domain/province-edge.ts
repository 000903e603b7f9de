/**
 * The province-edge check, in three levels (issue 14). Pure: the server classifies, the editor and the review page
 * show the same words. The geometry is measured by PostGIS (clusters.repository.ts `divisionChecks`).
 *
 * The province boundaries we ship are generalised: against the official commune map of 2025 their edges lie a median
 * of ~130 m and a 95th percentile of ~290 m away (gis-data/admin/README.md). A boundary that pokes out of its unit by
 * less than PROVINCE_EDGE_TOLERANCE_M is therefore not an error.
 *
 * - warning   — the part outside the unit lies within the tolerance of its edge: accepted; the outside area is reported
 *               (and the neighbouring unit it falls in, if any).
 * - neighbour — part of the boundary lies beyond the tolerance in a neighbouring unit: refused, naming that unit.
 * - error     — most of the boundary lies outside the unit (in another unit, named, or outside Viet Nam), or part lies
 *               beyond the tolerance in no unit (the sea, abroad): refused.
 */

/** The generalisation tolerance of the province boundary data, in metres (stated in gis-data/admin/README.md). */
export const PROVINCE_EDGE_TOLERANCE_M = 500;
/** Below this the outside part is rounding noise, not an edge problem (1 m²). */
export const PROVINCE_EDGE_MIN_HA = 0.0001;

export type ProvinceEdgeLevel = 'warning' | 'neighbour' | 'error';

export interface EdgeUnit {
  province_code: string;
  name: string;
  /** area of the checked boundary inside this unit */
  area_ha: number;
}

export interface EdgeMeasure {
  total_ha: number;
  outside_ha: number;
  /** farthest distance of the outside part from the unit, metres (null when the unit is not near at all) */
  outside_max_m: number | null;
  /** other 2025 units the outside part falls in, largest first */
  units: EdgeUnit[];
  /** a point-only cluster (no boundary): outside as a whole or not at all */
  point?: boolean;
  /** whether any part lies outside (for a point, the only measure) */
  outside_any?: boolean;
}

export interface EdgeVerdict {
  level: ProvinceEdgeLevel;
  code: 'province-edge' | 'province-neighbour' | 'province-mostly-outside' | 'outside-province';
  /** share of the boundary inside its own unit, 0–1 */
  inside_share: number;
  /** the unit named by the answer (the one holding most of the outside part) */
  neighbour: EdgeUnit | null;
}

/** null when the boundary lies inside its unit (up to rounding noise). */
export function classifyProvinceEdge(m: EdgeMeasure, toleranceM = PROVINCE_EDGE_TOLERANCE_M): EdgeVerdict | null {
  if (m.point) {
    if (!m.outside_any) return null;
    const neighbour = m.units[0] ?? null;
    if (m.outside_max_m !== null && m.outside_max_m <= toleranceM) return { level: 'warning', code: 'province-edge', inside_share: 0, neighbour };
    return neighbour ? { level: 'error', code: 'province-mostly-outside', inside_share: 0, neighbour } : { level: 'error', code: 'outside-province', inside_share: 0, neighbour: null };
  }
  if (m.outside_ha <= PROVINCE_EDGE_MIN_HA) return null;
  const insideShare = m.total_ha > 0 ? Math.max(0, Math.min(1, 1 - m.outside_ha / m.total_ha)) : 0;
  const neighbour = m.units[0] ?? null;
  if (insideShare < 0.5) return { level: 'error', code: 'province-mostly-outside', inside_share: insideShare, neighbour };
  if (m.outside_max_m !== null && m.outside_max_m <= toleranceM) return { level: 'warning', code: 'province-edge', inside_share: insideShare, neighbour };
  if (neighbour) return { level: 'neighbour', code: 'province-neighbour', inside_share: insideShare, neighbour };
  return { level: 'error', code: 'outside-province', inside_share: insideShare, neighbour: null };
}
