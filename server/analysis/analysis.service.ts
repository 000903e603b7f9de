/**
 * Proximity and conformity: measures the spatial facts in PostGIS (AnalysisRepository) and judges
 * them with the pure rules engine (server/domain/conformity.ts) against a regulation profile.
 */
import type { Geometry, MultiPolygon, Polygon } from 'geojson';
import { scope2025 } from '../domain/admin-division.ts';
import type { SessionUser } from '../auth/session.ts';
import { canSeeUnpublished } from '../auth/auth.middleware.ts';
import { BadRequestException, InvalidGeometryException, NotFoundException } from '../errors.ts';
import { validateClusterShape } from '../domain/geometry-validation.ts';
import { validateClusterAttributes } from '../domain/cluster-attributes.ts';
import {
  DEFAULT_ISOLATION_TABLE,
  HAZARD_CLASSES,
  greenBufferMinM,
  isolationDistance,
  type HazardClass,
  type IsolationDistanceTable,
} from '../domain/hazard.ts';
import { conformityClusterFromProperties, evaluateConformity, worstResult, type ConformityReport, type RuleOutcome, type SpatialFacts } from '../domain/conformity.ts';
import { findRule, type RegulationProfile } from '../domain/regulations.ts';
import { AnalysisRepository, type AnalysisInput, type ConformityFactsRow, type ProximityRow, type Viewer } from './analysis.repository.ts';
import { defaultProfile, findProfile, regulationProfiles } from './profiles.ts';

export interface ZoneRef {
  id: number;
  kind: string;
  distance_m: number;
  name?: string | null;
}

export interface Warning {
  code: string;
  message: string;
  message_en: string;
}

/** The proximity contract plus a few extra fields for the map and the editor. */
export interface ProximityResult {
  nearest: ZoneRef | null;
  within_isolation: ZoneRef[];
  isolation_m: number;
  residential_inside_ha: number;
  green_buffer_ok: boolean;
  hazard_class: HazardClass | null;
  green_buffer_m: number;
  residential_inside_ids: number[];
  warnings: Warning[];
}

export interface ClusterConformity extends ConformityReport {
  cluster?: { id: string; code: string; version: number; name: string; status: string };
  worst: RuleOutcome;
  areas?: { area_ha: number; area_ha_vn2000: number | null; vn2000_epsg: number | null };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The isolation table a profile uses: its own distances when it overrides the standard ones. */
export function profileIsolationTable(profile: RegulationProfile | null): IsolationDistanceTable {
  const rule = profile ? findRule(profile, 'isolation-distance') : undefined;
  if (!rule?.distances_m) return DEFAULT_ISOLATION_TABLE;
  const classes = Object.fromEntries(HAZARD_CLASSES.map((c) => [c, { ...DEFAULT_ISOLATION_TABLE.classes[c], distance_m: rule.distances_m![c] }]));
  return { ...DEFAULT_ISOLATION_TABLE, classes: classes as IsolationDistanceTable['classes'] };
}

export function viewerOf(user: SessionUser | undefined): Viewer {
  if (!user) return { all: false, province: null };
  if (user.role === 'ministry' || user.role === 'admin') return { all: true, province: null };
  return { all: false, province: user.province_code };
}

/**
 * Checks a GeoJSON geometry (or Feature) meant as a cluster boundary. A self-intersecting boundary is
 * still analysed (valid-geometry then fails); anything PostGIS could not read is a 422.
 */
export function parseAnalysisGeometry(input: unknown): { geojson: string; selfIntersecting: boolean; point: boolean } {
  if (input === undefined || input === null) throw new BadRequestException('Body field "geometry" is required', { field: 'geometry' });
  // a location Point: a cluster without a boundary, whose boundary rules are then not applicable
  const result = validateClusterShape(input);
  if (result.ok && result.geometry) return { geojson: JSON.stringify(result.geometry), selfIntersecting: false, point: result.geometry.type === 'Point' };
  const blocking = result.errors.filter((e) => e.code !== 'self-intersection');
  if (blocking.length > 0) {
    throw new InvalidGeometryException('The geometry is not a usable Polygon or MultiPolygon in Vietnam', { errors: result.errors });
  }
  const raw = (input as { type?: string; geometry?: unknown }).type === 'Feature' ? (input as { geometry: unknown }).geometry : input;
  const g = raw as Polygon | MultiPolygon;
  // strip Z so ST_Force2D is the only dimension handling
  return { geojson: JSON.stringify({ type: g.type, coordinates: g.coordinates }), selfIntersecting: true, point: false };
}

const toConformityCluster = conformityClusterFromProperties;

export interface ReportRow {
  id: string;
  code: string;
  name: string;
  province_code: string;
  status: string;
  version: number;
  profile: string;
  worst: RuleOutcome;
  failing: { rule: string; result: RuleOutcome; message: string; source: string | null }[];
  warnings: string[];
}

export class AnalysisService {
  constructor(private readonly repo: AnalysisRepository) {}

  profiles(): RegulationProfile[] {
    return regulationProfiles();
  }

  resolveProfile(id: unknown, decisionDate: unknown): RegulationProfile {
    if (id === undefined || id === null || id === '') return defaultProfile(typeof decisionDate === 'string' ? decisionDate : null);
    if (typeof id !== 'string') throw new BadRequestException('profile must be a string', { field: 'profile' });
    const profile = findProfile(id);
    if (!profile) {
      throw new BadRequestException(`Unknown regulation profile "${id}"`, { field: 'profile', known: regulationProfiles().map((p) => p.id) }, 'unknown-profile');
    }
    return profile;
  }

  /** The version of a cluster this caller may analyse: head for staff of its province (and national roles), else published. */
  async resolveCluster(idOrCode: string, user: SessionUser | undefined) {
    const cluster = await this.repo.findCluster(idOrCode);
    if (!cluster) throw new NotFoundException(`No cluster ${idOrCode}`, undefined, 'cluster-not-found');
    const version = canSeeUnpublished(user, scope2025(cluster.province_code)) ? cluster.head_version : cluster.published_version;
    if (version === null) throw new NotFoundException(`No cluster ${idOrCode}`, undefined, 'cluster-not-found');
    const row = await this.repo.clusterVersion(cluster.id, version);
    if (!row) throw new NotFoundException(`No cluster ${idOrCode}`, undefined, 'cluster-not-found');
    return { id: cluster.id, code: cluster.code, version, ...row };
  }

  private proximityResult(row: ProximityRow, hazardClass: unknown, table: IsolationDistanceTable): ProximityResult {
    const req = isolationDistance(hazardClass, table);
    const ref = (z: { id: string; kind: string; name: string | null; distance_m: number }): ZoneRef => ({
      id: Number(z.id),
      kind: z.kind,
      distance_m: round(z.distance_m, 2),
      name: z.name,
    });
    // same precision as the rules engine (0.1 m) so the list and the isolation rule always agree
    const within = row.within.filter((z) => round(z.distance_m, 1) < req.distance_m).map(ref);
    const warnings: Warning[] = [];
    if (req.assumed_strictest) {
      warnings.push({
        code: 'hazard-class-unknown',
        message: `Chưa xác định cấp độc hại${hazardClass ? ` ("${String(hazardClass)}")` : ''}: áp dụng khoảng cách ly nghiêm ngặt nhất ${req.distance_m} m`,
        message_en: `Unknown hazard class${hazardClass ? ` ("${String(hazardClass)}")` : ''}: the strictest isolation distance, ${req.distance_m} m, applies`,
      });
    }
    const insideHa = round(row.residential_inside_ha, 4);
    const green = row.nearest === null ? true : insideHa <= 0 && row.green_buffer_fits === true;
    return {
      nearest: row.nearest ? ref(row.nearest) : null,
      within_isolation: within,
      isolation_m: req.distance_m,
      residential_inside_ha: insideHa,
      green_buffer_ok: green,
      hazard_class: req.hazard_class,
      green_buffer_m: greenBufferMinM(table),
      residential_inside_ids: row.inside_ids.map(Number),
      warnings,
    };
  }

  async clusterProximity(idOrCode: string, user: SessionUser | undefined): Promise<ProximityResult & { cluster: { id: string; code: string; version: number; name: string; geometry: unknown } }> {
    const c = await this.resolveCluster(idOrCode, user);
    const table = DEFAULT_ISOLATION_TABLE;
    const hazard = c.properties.hazard_class;
    const [row] = await this.repo.proximity(
      [{ key: c.id, cluster_id: c.id, version: c.version, isolation_m: isolationDistance(hazard, table).distance_m }],
      greenBufferMinM(table),
    );
    return { ...this.proximityResult(row!, hazard, table), cluster: { id: c.id, code: c.code, version: c.version, name: c.name, geometry: c.geometry } };
  }

  async geometryProximity(body: { geometry?: unknown; hazard_class?: unknown }): Promise<ProximityResult> {
    const { geojson } = parseAnalysisGeometry(body.geometry);
    const table = DEFAULT_ISOLATION_TABLE;
    const [row] = await this.repo.proximity([{ key: 'input', geojson, isolation_m: isolationDistance(body.hazard_class, table).distance_m }], greenBufferMinM(table));
    return this.proximityResult(row!, body.hazard_class, table);
  }

  /** Spatial facts for the engine, from the two batch queries. */
  private facts(prox: ProximityRow, f: ConformityFactsRow): SpatialFacts {
    return {
      area_ha: f.area_ha,
      geometry_valid: f.valid,
      geometry_invalid_reason: f.invalid_reason ?? undefined,
      nearest_residential_m: prox.nearest ? prox.nearest.distance_m : null,
      residential_within_isolation: prox.within.map((z) => ({ id: Number(z.id), kind: z.kind, distance_m: z.distance_m })),
      residential_inside_ha: prox.residential_inside_ha,
      outside_province_ha: f.outside_province_ha ?? undefined,
      overlaps: f.overlaps.map((o) => ({ cluster_id: o.cluster_id, name: o.name, overlap_ha: o.overlap_ha })),
      district_stats:
        f.district_cluster_count === null
          ? undefined
          : {
              average_occupancy_pct: f.district_average_occupancy_pct,
              unleased_industrial_ha: f.district_unleased_industrial_ha,
              existing_cluster_count: f.district_cluster_count,
            },
    };
  }

  /** Judges a batch of inputs (one query pair for all), each with its own attributes and profile. */
  async judge(
    items: { input: Omit<AnalysisInput, 'isolation_m'>; attributes: Record<string, unknown>; profile: RegulationProfile }[],
    viewer: Viewer,
  ): Promise<{ report: ConformityReport; facts: ConformityFactsRow; proximity: ProximityRow }[]> {
    if (items.length === 0) return [];
    const inputs: AnalysisInput[] = items.map((it) => ({
      ...it.input,
      isolation_m: isolationDistance(it.attributes.hazard_class, profileIsolationTable(it.profile)).distance_m,
    }));
    const bufferM = Math.max(...items.map((it) => findRule(it.profile, 'within-province')?.buffer_m ?? 50));
    const prox = await this.repo.proximity(inputs, greenBufferMinM());
    const facts = await this.repo.conformityFacts(inputs, viewer, bufferM);
    const proxByKey = new Map(prox.map((p) => [p.key, p]));
    const factsByKey = new Map(facts.map((f) => [f.key, f]));
    return items.map((it) => {
      const p = proxByKey.get(it.input.key)!;
      const f = factsByKey.get(it.input.key)!;
      const report = evaluateConformity(it.profile, toConformityCluster(it.attributes), this.facts(p, f), {
        isolationTable: profileIsolationTable(it.profile),
      });
      return { report, facts: f, proximity: p };
    });
  }

  async clusterConformity(idOrCode: string, user: SessionUser | undefined, profileId: unknown): Promise<ClusterConformity> {
    const c = await this.resolveCluster(idOrCode, user);
    const profile = this.resolveProfile(profileId, c.properties.decision_date);
    const attributes = { ...c.properties, name: c.name, status: c.status };
    const [r] = await this.judge([{ input: { key: c.id, cluster_id: c.id, version: c.version }, attributes, profile }], viewerOf(user));
    return {
      profile: r!.report.profile,
      results: r!.report.results,
      worst: worstResult(r!.report.results),
      cluster: { id: c.id, code: c.code, version: c.version, name: c.name, status: c.status },
      areas: { area_ha: round(r!.facts.area_ha, 4), area_ha_vn2000: r!.facts.area_ha_vn2000 === null ? null : round(r!.facts.area_ha_vn2000, 4), vn2000_epsg: r!.facts.vn2000_epsg },
    };
  }

  /** POST /analysis/check: a drawn or imported geometry with (possibly partial) attributes, nothing saved. */
  async check(body: { geometry?: unknown; attributes?: unknown; profile?: unknown }, user: SessionUser | undefined): Promise<ClusterConformity> {
    const { geojson, point } = parseAnalysisGeometry(body.geometry);
    const attrs = body.attributes ?? {};
    const validation = validateClusterAttributes(attrs);
    if (point) validation.value.boundary_status = 'none';
    // a drawing in progress may lack required fields (the name): those rules are then not assessed
    const blocking = validation.errors.filter((e) => e.code !== 'required');
    if (blocking.length) throw new BadRequestException('Invalid attributes', { errors: blocking }, 'invalid-attributes');
    const value = validation.value as unknown as Record<string, unknown>;
    const profile = this.resolveProfile(body.profile, value.decision_date);
    const input = { key: 'input', geojson, province_code: (value.province_code as string | null) ?? null, district_code: (value.district_code as string | null) ?? null };
    if (input.province_code && !(await this.repo.provinceExists(input.province_code))) {
      throw new BadRequestException(`Unknown provincial unit ${input.province_code}: province_code is a 2025 unit (34-unit division)`, { field: 'province_code', era: '2025' }, 'invalid-attributes');
    }
    const [r] = await this.judge([{ input, attributes: value, profile }], viewerOf(user));
    return {
      profile: r!.report.profile,
      results: r!.report.results,
      worst: worstResult(r!.report.results),
      areas: { area_ha: round(r!.facts.area_ha, 4), area_ha_vn2000: r!.facts.area_ha_vn2000 === null ? null : round(r!.facts.area_ha_vn2000, 4), vn2000_epsg: r!.facts.vn2000_epsg },
    };
  }

  /** The Ministry's review list: every visible cluster with its failing rules. */
  async report(query: { profile?: unknown; province?: unknown }, user: SessionUser | undefined) {
    const province = typeof query.province === 'string' && query.province !== '' ? query.province : null;
    if (province !== null && (!/^\d{2}$/.test(province) || !(await this.repo.provinceExists(province)))) {
      throw new BadRequestException(`Unknown province ${province}`, { field: 'province' }, 'unknown-province');
    }
    const fixed = query.profile === undefined || query.profile === '' ? null : this.resolveProfile(query.profile, null);
    const viewer = viewerOf(user);
    const clusters = await this.repo.visibleClusters(viewer, province);
    const rows: ReportRow[] = [];
    const CHUNK = 200;
    for (let i = 0; i < clusters.length; i += CHUNK) {
      const chunk = clusters.slice(i, i + CHUNK);
      const judged = await this.judge(
        chunk.map((c) => ({
          input: { key: c.id, cluster_id: c.id, version: c.version },
          attributes: { ...c.properties, name: c.name, status: c.status },
          profile: fixed ?? defaultProfile(typeof c.properties.decision_date === 'string' ? c.properties.decision_date : null),
        })),
        viewer,
      );
      chunk.forEach((c, k) => {
        const r = judged[k]!.report;
        const failing = r.results.filter((x) => x.result === 'fail');
        rows.push({
          id: c.id,
          code: c.code,
          name: c.name,
          province_code: c.province_code,
          status: c.status,
          version: c.version,
          profile: r.profile,
          worst: worstResult(r.results),
          failing: failing.map((x) => ({ rule: x.rule, result: x.result, message: x.message, source: x.source })),
          warnings: r.results.filter((x) => x.result === 'warn').map((x) => x.rule),
        });
      });
    }
    return {
      profile: fixed?.id ?? null,
      province,
      generated_at: new Date().toISOString(),
      summary: { clusters: rows.length, failing: rows.filter((r) => r.failing.length > 0).length },
      clusters: rows,
    };
  }
}

export type ConformityReportList = Awaited<ReturnType<AnalysisService['report']>>;
export type { Geometry };
