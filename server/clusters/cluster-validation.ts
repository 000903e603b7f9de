/**
 * Cluster validation at the API edge: the shared pure validators (geometry + attributes, also run in the
 * browser) first, then PostGIS as the final authority (validity with reason/location and an ST_MakeValid
 * preview, the three-level province-edge check against the 2025 unit (server/domain/province-edge.ts), overlap with
 * other active clusters, areas, and the pre-2025 province and 2025 communes derived from the boundary).
 * The same report is the body of POST /api/clusters/validate and the `details` of a 422.
 */
import type { Geometry, MultiPolygon, Point, Polygon } from 'geojson';
import type { Queryable } from '../db/database.ts';
import { geometryTypeOf, validateClusterShape, type ValidationIssue } from '../domain/geometry-validation.ts';
import { boundaryStatusFits, boundaryStatusLabels, declaredAreaHa, declaredAreaMismatch, defaultBoundaryStatus } from '../domain/boundary.ts';
import { validateClusterAttributes, type ClusterAttributes } from '../domain/cluster-attributes.ts';
import { BadRequestException, InvalidGeometryException, UnprocessableEntityException } from '../errors.ts';
import { ClustersRepository } from './clusters.repository.ts';
import { classifyProvinceEdge, PROVINCE_EDGE_TOLERANCE_M, type EdgeUnit, type ProvinceEdgeLevel } from '../domain/province-edge.ts';
import { unitOf2009 } from '../domain/admin-division.ts';

export { PROVINCE_EDGE_TOLERANCE_M } from '../domain/province-edge.ts';
/** Overlaps below 1 m² are snapping noise between neighbours, not an overlap. */
export const MIN_OVERLAP_HA = 0.0001;

/** One advisory lock for every boundary write (form, edit, import commit): writes are rare, and an overlap can cross province edges. */
export const CLUSTER_GEOMETRY_LOCK = 0x63636e31; // "ccn1"

export interface ReportIssue {
  code: string;
  message: string;
  message_en: string;
  /** attribute issues: the property name */
  field?: string;
  /** [lon, lat] to show on the map */
  location?: [number, number];
  [extra: string]: unknown;
}

export interface ClusterValidationReport {
  ok: boolean;
  errors: ReportIssue[];
  warnings: ReportIssue[];
  /**
   * the cleaned boundary (duplicate consecutive vertices removed, 2D) when the geometry passed; the location
   * Point of a cluster without a boundary; PostGIS's repair of an invalid provisional boundary
   */
  geometry: Polygon | MultiPolygon | Point | null;
  /** PostGIS's verdict when it was asked */
  postgis?: { valid: boolean; reason: string; location: [number, number] | null };
  /** ST_MakeValid's repair of an invalid boundary, for the editor to offer */
  make_valid_preview?: Geometry | null;
  area_ha?: number;
  area_ha_vn2000?: number | null;
  vn2000_epsg?: number | null;
  overlaps?: { cluster_id: string; code: string; overlap_ha: number }[];
  /** derived from the boundary: the pre-2025 province (read-only history) and the 2025 communes */
  province_code_2009?: string | null;
  commune_codes?: string[];
  /** the province-edge check when the boundary leaves its unit (null when inside); `outside` is the part outside */
  province_edge?: {
    level: ProvinceEdgeLevel;
    code: string;
    province_code: string;
    outside_ha: number;
    outside_max_m: number | null;
    inside_share: number;
    tolerance_m: number;
    neighbour: EdgeUnit | null;
    units: EdgeUnit[];
    outside: Geometry | null;
  } | null;
  /** normalised attributes (only trust when ok) */
  attributes: ClusterAttributes;
}

const GEOMETRY_CODES = new Set([
  'invalid-geojson', 'missing-geometry', 'unsupported-geometry-type', 'empty-geometry', 'invalid-coordinate',
  'non-finite-coordinate', 'ring-not-closed', 'ring-too-short', 'outside-vietnam', 'swapped-coordinates',
  'self-intersection', 'postgis-invalid', 'outside-province', 'province-neighbour', 'province-mostly-outside', 'overlap', 'boundary-status-mismatch',
]);

/** Errors of the hard geometry validation that a provisional (approximate) boundary only gets as warnings. */
const PROVISIONAL_SOFT_CODES = new Set(['postgis-invalid', 'outside-province', 'province-neighbour', 'province-mostly-outside', 'overlap']);

const pointXY = (g: Geometry | null | undefined): [number, number] | undefined =>
  g && g.type === 'Point' ? [g.coordinates[0]!, g.coordinates[1]!] : undefined;

const fromPure = (i: ValidationIssue): ReportIssue => ({ ...i });

export function isFeatureBody(body: unknown): body is { type: 'Feature'; geometry: unknown; properties: unknown; comment?: unknown } {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && (body as { type?: unknown }).type === 'Feature';
}

/** 400 unless the body is a GeoJSON Feature object at all; everything inside it is reported, not thrown. */
export function assertFeatureBody(body: unknown): asserts body is { type: 'Feature'; geometry: unknown; properties: unknown; comment?: unknown } {
  if (!isFeatureBody(body)) {
    throw new BadRequestException('The body must be a GeoJSON Feature ({"type":"Feature","geometry":…,"properties":…})', { type: (body as { type?: unknown } | null)?.type ?? null }, 'invalid-feature');
  }
}

export interface ValidateOptions {
  /** the cluster being edited: excluded from the overlap check */
  selfId?: string | null;
  /** on update: the cluster's province and code, which cannot change */
  fixed?: { province_code: string; code: string };
}

export async function validateClusterFeature(q: Queryable, feature: { geometry: unknown; properties: unknown }, options: ValidateOptions = {}): Promise<ClusterValidationReport> {
  const repo = new ClustersRepository(q);
  const props = feature.properties ?? {};
  const attrs = validateClusterAttributes(props);
  // the boundary status: stated, or implied by the geometry (a Point has none, a polygon is surveyed)
  const geometryType = geometryTypeOf(feature);
  const boundaryStatus = attrs.value.boundary_status ?? defaultBoundaryStatus(geometryType);
  const provisional = boundaryStatus === 'provisional';
  const geo = validateClusterShape(feature, { provisional });
  const errors: ReportIssue[] = [...geo.errors.map(fromPure), ...attrs.errors.map((e) => ({ ...e }))];
  const warnings: ReportIssue[] = [...geo.warnings.map(fromPure), ...attrs.warnings.map((w) => ({ ...w }))];
  const value = attrs.value;
  value.status ??= 'planned';
  value.boundary_status = boundaryStatus;
  if (geometryType !== null && !boundaryStatusFits(boundaryStatus, geometryType)) {
    errors.push(
      geometryType === 'Point'
        ? { field: 'boundary_status', code: 'boundary-status-mismatch', message: `Cụm chỉ có điểm vị trí thì tình trạng ranh giới phải là "none" (${boundaryStatusLabels.none.vi})`, message_en: 'A cluster located by a Point has boundary_status "none"' }
        : { field: 'boundary_status', code: 'boundary-status-mismatch', message: 'Cụm đã có ranh giới (đa giác) thì tình trạng ranh giới phải là "provisional" hoặc "surveyed"', message_en: 'A cluster with a boundary polygon has boundary_status "provisional" or "surveyed", not "none"' },
    );
  }
  if (boundaryStatus === 'none' && declaredAreaHa(value as unknown as Record<string, unknown>) === null) {
    warnings.push({ field: 'declared_area_ha', code: 'missing-declared-area', message: 'Cụm chưa có ranh giới nên cần diện tích công bố (declared_area_ha) để thống kê', message_en: 'A cluster without a boundary needs declared_area_ha for the figures' });
  }

  // identity: province and code are fixed once the cluster exists
  if (options.fixed) {
    if (value.province_code !== null && value.province_code !== options.fixed.province_code) {
      errors.push({ field: 'province_code', code: 'province-change', message: 'Không thể chuyển cụm công nghiệp sang tỉnh khác', message_en: `A cluster cannot move to another provincial unit (it belongs to ${options.fixed.province_code}, 2025 division)` });
    }
    if (value.code !== null && value.code !== options.fixed.code) {
      errors.push({ field: 'code', code: 'code-change', message: 'Không thể đổi mã cụm công nghiệp', message_en: `The cluster code ${options.fixed.code} cannot change` });
    }
    value.province_code = options.fixed.province_code;
    value.code = options.fixed.code;
  } else if (value.province_code === null && !attrs.errors.some((e) => e.field === 'province_code')) {
    errors.push({ field: 'province_code', code: 'required', message: 'Mã tỉnh là bắt buộc', message_en: 'province_code is required' });
  }

  // province_code is a 2025 unit; a 63-province code is refused, never read in the wrong era
  let provinceOk = false;
  if (value.province_code) {
    const info = await repo.unitInfo(value.province_code);
    provinceOk = info.exists;
    if (!info.exists) {
      const absorbedBy = unitOf2009(value.province_code);
      errors.push({
        field: 'province_code',
        code: 'unknown-province',
        message: `Không có đơn vị hành chính cấp tỉnh mã ${value.province_code} (34 tỉnh, thành phố từ 1/7/2025)`,
        message_en: `Unknown provincial unit ${value.province_code}: province_code is a 2025 unit (the 34-unit division)`,
        era: '2025',
        // an old (2009) code that is no unit any more: say which unit absorbed it
        ...(absorbedBy && absorbedBy !== value.province_code ? { province_code_2009: value.province_code, absorbed_by: absorbedBy } : {}),
      });
    }
  }
  if (value.district_code) {
    // districts are pre-2025: their province must lie in the cluster's 2025 unit
    const owner = await repo.districtProvince(value.district_code);
    if (owner === null) errors.push({ field: 'district_code', code: 'unknown-district', message: `Không có huyện mã ${value.district_code}`, message_en: `Unknown district ${value.district_code}` });
    else if (value.province_code && provinceOk && unitOf2009(owner) !== value.province_code) {
      errors.push({ field: 'district_code', code: 'district-not-in-province', message: `Huyện ${value.district_code} (tỉnh cũ ${owner}) không thuộc tỉnh ${value.province_code}`, message_en: `District ${value.district_code} (old province ${owner}, 2009 division) is not in provincial unit ${value.province_code} (2025 division)`, province_code_2009: owner });
    }
  }

  const report: ClusterValidationReport = { ok: false, errors, warnings, geometry: geo.ok ? geo.geometry! : null, attributes: value };

  // the shared validator found a crossing: PostGIS names it (ST_IsValidReason) and offers its repair
  const onlySelfIntersection = !geo.ok && geo.errors.every((e) => e.code === 'self-intersection');
  if (onlySelfIntersection) {
    const pg = await repo.postgisValidity((feature as { geometry: Geometry }).geometry);
    report.postgis = { valid: pg.valid, reason: pg.reason, location: pointXY(pg.location) ?? null };
    report.make_valid_preview = pg.preview;
    for (const e of errors) if (e.code === 'self-intersection') e.postgis_reason = pg.reason;
  }

  if (geo.ok) {
    let geometry = geo.geometry!;
    const pg = await repo.postgisValidity(geometry);
    report.postgis = { valid: pg.valid, reason: pg.reason, location: pointXY(pg.location) ?? null };
    const preview = pg.preview as Polygon | MultiPolygon | null;
    const repairable = provisional && !pg.valid && preview !== null && (preview.type === 'Polygon' || preview.type === 'MultiPolygon') && preview.coordinates.length > 0;
    if (repairable) {
      // a provisional boundary is approximate: store PostGIS's repair and say so, instead of refusing it
      report.make_valid_preview = pg.preview;
      geometry = preview;
      report.geometry = preview;
      warnings.push({ code: 'postgis-invalid', message: `PostGIS: hình học không hợp lệ (${pg.reason}); ranh giới tạm được lưu theo bản sửa ST_MakeValid`, message_en: `PostGIS: invalid geometry (${pg.reason}); the provisional boundary is stored as repaired by ST_MakeValid`, reason: pg.reason, location: pointXY(pg.location), repaired: true });
    }
    if (!pg.valid && !repairable) {
      report.make_valid_preview = pg.preview;
      errors.push({ code: 'postgis-invalid', message: `PostGIS: hình học không hợp lệ (${pg.reason})`, message_en: `PostGIS: invalid geometry (${pg.reason})`, reason: pg.reason, location: pointXY(pg.location) });
    } else {
      if (provinceOk && value.province_code) {
        const d = await repo.divisionChecks(geometry, value.province_code);
        report.area_ha = d.area_ha;
        report.area_ha_vn2000 = d.area_ha_vn2000;
        report.vn2000_epsg = d.vn2000_epsg;
        report.province_code_2009 = d.province_code_2009;
        report.commune_codes = d.commune_codes;
        report.province_edge = null;
        const verdict = d.edge ? classifyProvinceEdge(d.edge) : null;
        if (d.edge && verdict) {
          const unit = value.province_code;
          const outsideHa = d.edge.outside_ha;
          const reach = d.edge.outside_max_m === null ? null : Math.round(d.edge.outside_max_m);
          const other = verdict.neighbour;
          report.province_edge = {
            level: verdict.level,
            code: verdict.code,
            province_code: unit,
            outside_ha: outsideHa,
            outside_max_m: d.edge.outside_max_m,
            inside_share: verdict.inside_share,
            tolerance_m: PROVINCE_EDGE_TOLERANCE_M,
            neighbour: other,
            units: d.edge.units,
            outside: d.edge.outside,
          };
          const common = {
            level: verdict.level,
            province_code: unit,
            outside_ha: outsideHa,
            outside_max_m: reach,
            inside_share: verdict.inside_share,
            tolerance_m: PROVINCE_EDGE_TOLERANCE_M,
            neighbour: other,
            location: pointXY(d.edge.outside_location),
          };
          const otherVi = other ? ` (thuộc ${other.name}, mã ${other.province_code})` : '';
          const otherEn = other ? ` (in ${other.name}, unit ${other.province_code})` : '';
          if (verdict.level === 'warning') {
            warnings.push({
              code: 'province-edge',
              message: `Ranh giới vượt ra ngoài tỉnh ${unit} ${outsideHa.toFixed(4)} ha, xa nhất ${reach} m${otherVi} — trong dung sai ${PROVINCE_EDGE_TOLERANCE_M} m của ranh giới tỉnh đã khái quát hoá`,
              message_en: `${outsideHa.toFixed(4)} ha of the boundary lies outside unit ${unit}, up to ${reach} m${otherEn} — within the ${PROVINCE_EDGE_TOLERANCE_M} m generalisation tolerance of the province boundaries`,
              ...common,
            });
          } else if (verdict.level === 'neighbour') {
            errors.push({
              code: 'province-neighbour',
              message: `Ranh giới lấn sang ${other!.name} (mã ${other!.province_code}) ${other!.area_ha.toFixed(4)} ha, xa ${reach} m ngoài tỉnh ${unit} — vượt dung sai ${PROVINCE_EDGE_TOLERANCE_M} m`,
              message_en: `The boundary reaches ${reach} m into the neighbouring unit ${other!.province_code} ${other!.name} (${other!.area_ha.toFixed(4)} ha), beyond the ${PROVINCE_EDGE_TOLERANCE_M} m tolerance of unit ${unit}`,
              ...common,
            });
          } else if (verdict.code === 'province-mostly-outside') {
            const pct = Math.round((1 - verdict.inside_share) * 100);
            errors.push({
              code: 'province-mostly-outside',
              message: `${pct}% ranh giới nằm ngoài tỉnh ${unit}${other ? `, chủ yếu trong ${other.name} (mã ${other.province_code})` : ''}`,
              message_en: `${pct}% of the boundary lies outside unit ${unit}${other ? `, mostly in ${other.name} (unit ${other.province_code})` : ''}`,
              ...common,
            });
          } else {
            errors.push({
              code: 'outside-province',
              message: `Ranh giới vượt ra ngoài tỉnh ${unit} ${reach ?? '?'} m (${outsideHa.toFixed(4)} ha), quá dung sai ${PROVINCE_EDGE_TOLERANCE_M} m và không thuộc tỉnh nào`,
              message_en: `The boundary extends ${reach ?? '?'} m outside unit ${unit} (${outsideHa.toFixed(4)} ha), beyond the ${PROVINCE_EDGE_TOLERANCE_M} m tolerance and in no other unit`,
              ...common,
            });
          }
        }
      }
      const mismatch = declaredAreaMismatch(boundaryStatus, value.declared_area_ha, report.area_ha);
      if (mismatch) {
        warnings.push({
          field: 'declared_area_ha',
          code: 'declared-area-mismatch',
          message: `Diện tích theo ranh giới ${mismatch.drawn_ha.toFixed(2)} ha khác diện tích công bố ${mismatch.declared_ha} ha (${mismatch.diff_pct}%)`,
          message_en: `The drawn area ${mismatch.drawn_ha.toFixed(2)} ha differs from the declared ${mismatch.declared_ha} ha by ${mismatch.diff_pct}%`,
          ...mismatch,
        });
      }
      if (value.status !== 'removed' && geometry.type !== 'Point') {
        const found = await findOverlaps(repo, geometry, options.selfId ?? null);
        report.overlaps = found.overlaps;
        errors.push(...found.issues);
      }
    }
  }
  if (provisional) {
    // until it is surveyed, a provisional boundary's geometry problems are warnings
    for (let i = errors.length - 1; i >= 0; i--) {
      if (PROVISIONAL_SOFT_CODES.has(errors[i]!.code)) warnings.push({ ...errors.splice(i, 1)[0]!, provisional: true });
    }
  }
  report.ok = errors.length === 0;
  return report;
}

/** The exception for a failed report: 422 invalid-geometry when any geometry problem, else 422 invalid-attributes. */
/**
 * Overlaps with other active clusters, as issues. Run once in validation and again inside the writing
 * transaction under the cluster-geometry lock, where concurrent writers are serialised.
 */
export async function findOverlaps(repo: ClustersRepository, geometry: Geometry, selfId: string | null) {
  const rows = await repo.overlaps(geometry, selfId, MIN_OVERLAP_HA);
  return {
    overlaps: rows.map(({ cluster_id, code, overlap_ha }) => ({ cluster_id, code, overlap_ha })),
    issues: rows.map((o) => ({
      code: 'overlap' as const,
      message: `Chồng lấn ${o.overlap_ha.toFixed(4)} ha với cụm công nghiệp ${o.code}`,
      message_en: `Overlaps cluster ${o.code} by ${o.overlap_ha.toFixed(4)} ha`,
      cluster_id: o.cluster_id,
      other_code: o.code,
      overlap_ha: o.overlap_ha,
      location: pointXY(o.location),
    })),
  };
}

export function validationException(report: ClusterValidationReport) {
  const geometric = report.errors.some((e) => GEOMETRY_CODES.has(e.code) && !e.field);
  const first = report.errors[0];
  const summary = `${report.errors.length} problem(s): ${first?.message_en ?? ''}`;
  return geometric
    ? new InvalidGeometryException(`Invalid cluster boundary — ${summary}`, report)
    : new UnprocessableEntityException(`Invalid cluster attributes — ${summary}`, report, 'invalid-attributes');
}
