/**
 * Point-only and provisional clusters (issue 17): what a cluster's `boundary_status` means and the rules that
 * depend on it, shared by the server (validation, stats, reports, conformity) and the browser (maps, forms).
 *
 * - `none`: the cluster is known only by a location point and a declared area (a national list of parks, a
 *   provincial portal's dots). Its geometry is a Point; rules that need a boundary answer "not applicable:
 *   no boundary", never pass; figures use the declared area.
 * - `provisional`: an approximate boundary (drawn dashed). Geometry problems are warnings, not errors, and the
 *   declared-vs-drawn area flag is not raised, until the boundary is marked surveyed.
 * - `surveyed`: the default for every polygon, and what every cluster stored before issue 17 is.
 */
export const BOUNDARY_STATUSES = ['none', 'provisional', 'surveyed'] as const;
export type BoundaryStatus = (typeof BOUNDARY_STATUSES)[number];

export const boundaryStatusLabels: Record<BoundaryStatus, { vi: string; en: string }> = {
  none: { vi: 'Chưa có ranh giới (chỉ có vị trí)', en: 'No boundary (location only)' },
  provisional: { vi: 'Ranh giới tạm (chưa đo đạc)', en: 'Provisional boundary' },
  surveyed: { vi: 'Ranh giới đã đo đạc', en: 'Surveyed boundary' },
};

export const isBoundaryStatus = (v: unknown): v is BoundaryStatus => typeof v === 'string' && (BOUNDARY_STATUSES as readonly string[]).includes(v);

/** The status a geometry type implies when none is given: a Point has no boundary, a polygon is surveyed. */
export function defaultBoundaryStatus(geometryType: string | null | undefined): BoundaryStatus {
  return geometryType === 'Point' ? 'none' : 'surveyed';
}

/** Whether a stated status fits the geometry: a Point is always `none`; a polygon is never `none`. */
export function boundaryStatusFits(status: BoundaryStatus, geometryType: string | null | undefined): boolean {
  return geometryType === 'Point' ? status === 'none' : status !== 'none';
}

/** The stored status of a version's properties (older versions have none: they are surveyed polygons). */
export function boundaryStatusOf(properties: Record<string, unknown> | null | undefined): BoundaryStatus {
  const v = properties?.boundary_status;
  return isBoundaryStatus(v) ? v : 'surveyed';
}

export const hasBoundary = (status: BoundaryStatus | null | undefined): boolean => status !== 'none';

/** Declared and drawn areas may differ by this share before the declared-vs-drawn flag is raised (5 %). */
export const DECLARED_AREA_TOLERANCE = 0.05;

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The area a cluster declares: `declared_area_ha`, else its planned area. */
export function declaredAreaHa(properties: Record<string, unknown>): number | null {
  return finite(properties.declared_area_ha) ?? finite(properties.planned_area_ha);
}

/**
 * The area figures use: the boundary's measured area, or for a point-only cluster the declared area (its point
 * has no area at all).
 */
export function effectiveAreaHa(status: BoundaryStatus, measuredHa: number | null | undefined, properties: Record<string, unknown>): number {
  if (status === 'none') return declaredAreaHa(properties) ?? 0;
  return finite(measuredHa) ?? 0;
}

export interface AreaMismatch {
  declared_ha: number;
  drawn_ha: number;
  /** (drawn − declared) ÷ declared × 100 */
  diff_pct: number;
}

/**
 * The declared-vs-drawn area flag: only for surveyed boundaries with a declared area (a provisional boundary is
 * approximate on purpose; a point has nothing drawn). null = no flag.
 */
export function declaredAreaMismatch(status: BoundaryStatus, declared: number | null, drawn: number | null | undefined, tolerance = DECLARED_AREA_TOLERANCE): AreaMismatch | null {
  if (status !== 'surveyed' || declared === null || declared <= 0 || drawn === null || drawn === undefined || !Number.isFinite(drawn)) return null;
  const share = (drawn - declared) / declared;
  if (Math.abs(share) <= tolerance) return null;
  return { declared_ha: declared, drawn_ha: drawn, diff_pct: Math.round(share * 1000) / 10 };
}
