import { regulationProfiles } from '../analysis/profiles.ts';
import { unitOf2009 } from '../domain/admin-division.ts';
import type { Database } from '../db/database.ts';
import type { SessionUser } from '../auth/session.ts';
import { AuditRepository } from '../audit/audit.repository.ts';
import { BadRequestException, NotFoundException } from '../errors.ts';
import { isolationDistance, DEFAULT_ISOLATION_TABLE } from '../domain/hazard.ts';
import { vietnamDate } from '../domain/dates.ts';
import { selectProfileInForce, type RegulationProfile } from '../domain/regulations.ts';
import {
  CRITERIA,
  ROAD_REFERENCE_KM,
  checkWeights,
  normalizeRoadDistance,
  resolveWeights,
  scoreCandidates,
  sensitivity,
  type Criterion,
  type CriterionRow,
  type CriterionValue,
  type Sensitivity,
  type Weights,
} from '../domain/screening-score.ts';
import { UUID_RE, facilityViewer } from '../facilities/facilities.service.ts';
import { FacilitiesRepository } from '../facilities/facilities.repository.ts';
import { CONSTRAINT_IDS, DEFAULT_CONSTRAINTS, factorValues, firstFailure, isPlanned, type ConstraintContext, type ConstraintId, type ScreenedFacility } from './constraints.ts';
import { ScreeningRepository, type CandidateRow } from './screening.repository.ts';

export const MAX_BATCH = 1000;

export interface ScreeningRequest {
  facility_ids: string[];
  weights: Weights;
  constraints: Record<ConstraintId, boolean>;
  include_planned: boolean;
}

export interface CandidateResult {
  cluster_id: string;
  rank: number;
  score: number;
  criteria: CriterionRow[];
  name: string;
  code: string | null;
  province_code: string;
  planned: boolean;
  /** a point on the cluster for map markers */
  lon: number;
  lat: number;
}

export interface RejectedResult {
  cluster_id: string;
  constraint: ConstraintId;
  message: string;
  message_en: string;
  evidence: Record<string, unknown>;
  name: string;
  code: string | null;
  province_code: string;
  planned: boolean;
  lon: number;
  lat: number;
}

export interface FacilityResult {
  facility_id: string;
  facility: ScreenedFacility & { version: number; lon: number; lat: number };
  constraints: Record<ConstraintId, boolean>;
  weights: Record<Criterion, number>;
  candidates: CandidateResult[];
  rejected: RejectedResult[];
  sensitivity: Sensitivity;
  /** criteria that could not be measured, with the reason */
  skipped_criteria: { criterion: Criterion; reason: string; reason_en: string }[];
  /** clusters outside the region (not listed one by one) */
  out_of_scope: { count: number; constraint: ConstraintId | null };
  notes: string[];
}

export interface ScreeningResponse {
  id: string;
  created_at: string;
  created_by?: string | null;
  inputs: ScreeningRequest;
  data_version: Record<string, unknown>;
  results: FacilityResult[];
}


const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the request body; every problem in one 400. */
export function parseScreeningRequest(body: unknown): ScreeningRequest {
  if (!isObj(body)) throw new BadRequestException('Body must be a JSON object', undefined, 'invalid-request');
  const problems: string[] = [];
  let ids: string[] = [];
  if (body.facility_id !== undefined && body.facility_ids !== undefined) problems.push('give facility_id or facility_ids, not both');
  if (body.facility_id !== undefined) {
    if (typeof body.facility_id !== 'string' || !UUID_RE.test(body.facility_id)) problems.push('facility_id must be a facility id (uuid)');
    else ids = [body.facility_id];
  } else if (body.facility_ids !== undefined) {
    if (!Array.isArray(body.facility_ids) || body.facility_ids.length === 0) problems.push('facility_ids must be a non-empty array');
    else if (body.facility_ids.length > MAX_BATCH) problems.push(`at most ${MAX_BATCH} facilities per screening`);
    else if (!body.facility_ids.every((x) => typeof x === 'string' && UUID_RE.test(x))) problems.push('facility_ids must be facility ids (uuid)');
    else ids = [...new Set(body.facility_ids as string[])];
  } else problems.push('facility_id or facility_ids is required');
  problems.push(...checkWeights(body.weights));
  const constraints = { ...DEFAULT_CONSTRAINTS };
  if (body.constraints !== undefined) {
    if (!isObj(body.constraints)) problems.push('constraints must be an object {constraint_id: boolean}');
    else {
      for (const [k, v] of Object.entries(body.constraints)) {
        if (!(CONSTRAINT_IDS as readonly string[]).includes(k)) problems.push(`unknown constraint "${k}" (known: ${CONSTRAINT_IDS.join(', ')})`);
        else if (typeof v !== 'boolean') problems.push(`constraint ${k} must be true or false`);
        else constraints[k as ConstraintId] = v;
      }
    }
  }
  if (body.include_planned !== undefined && typeof body.include_planned !== 'boolean') problems.push('include_planned must be true or false');
  if (problems.length) throw new BadRequestException(problems.join('; '), { problems }, 'invalid-request');
  const weights: Weights = {};
  if (isObj(body.weights)) for (const c of CRITERIA) if (typeof body.weights[c] === 'number') weights[c] = body.weights[c] as number;
  return { facility_ids: ids, weights, constraints, include_planned: body.include_planned === true };
}

export class ScreeningService {
  constructor(private readonly db: Database) {}

  async run(actor: { user: SessionUser; ip: string | null }, body: unknown): Promise<ScreeningResponse> {
    const request = parseScreeningRequest(body);
    const repo = new ScreeningRepository(this.db);
    // the version each facility shows this user (drafts only to staff of its province, the ministry, admins);
    // none visible answers like an unknown id, so a screening does not reveal that a draft exists
    const versions = await new FacilitiesRepository(this.db).visibleVersions(request.facility_ids, facilityViewer(actor.user));
    const missing = request.facility_ids.filter((id) => !versions.has(id));
    if (missing.length) throw new NotFoundException(`No facility ${missing.join(', ')}`, { missing });
    const facilities = await repo.facilities(request.facility_ids.map((id) => ({ id, version: versions.get(id)! })));
    const byId = new Map(facilities.map((f) => [f.id, f]));
    const today = vietnamDate(new Date());
    const profile = selectProfileInForce(regulationProfiles(), today);
    const dataVersion = await repo.dataVersion();
    const residentialLayerEmpty = Number(dataVersion.residential_zones ?? 0) === 0;
    const roads = await repo.roadsLayer();

    const results: FacilityResult[] = [];
    for (const id of request.facility_ids) {
      results.push(await this.screenOne(repo, byId.get(id)!, request, profile, residentialLayerEmpty, roads));
    }

    const record = {
      data_version: {
        ...dataVersion,
        regulation_profile: profile?.id ?? null,
        isolation_table: DEFAULT_ISOLATION_TABLE.id,
        facilities: Object.fromEntries(facilities.map((f) => [f.id, f.version])),
        evaluated_on: today,
      },
    };
    const stored = await this.db.transaction(async (tx) => {
      const row = await new ScreeningRepository(tx).insert({
        created_by: actor.user.id,
        facility_ids: request.facility_ids,
        inputs: request,
        data_version: record.data_version,
        result: { results },
      });
      await new AuditRepository(tx).record({
        userId: actor.user.id,
        username: actor.user.username,
        action: 'screening.run',
        entityType: 'screening',
        entityId: row.id,
        ip: actor.ip,
        details: { facilities: request.facility_ids.length },
      });
      return row;
    });
    return {
      id: stored.id,
      created_at: new Date(stored.created_at).toISOString(),
      created_by: actor.user.username,
      inputs: request,
      data_version: record.data_version,
      results,
    };
  }

  private async screenOne(
    repo: ScreeningRepository,
    f: Awaited<ReturnType<ScreeningRepository['facilities']>>[number],
    request: ScreeningRequest,
    profile: RegulationProfile | null,
    residentialLayerEmpty: boolean,
    roads: boolean,
  ): Promise<FacilityResult> {
    const requirement = isolationDistance(f.hazard_class);
    const pollution = Array.isArray(f.properties.pollution_types) ? (f.properties.pollution_types as string[]) : [];
    const facility: ScreenedFacility = {
      id: f.id,
      name: f.name,
      hazard_class: f.hazard_class,
      required_distance_m: requirement.distance_m,
      assumed_strictest: requirement.assumed_strictest,
      land_need_ha: f.land_need_ha,
      industry: f.industry,
      discharges_wastewater: pollution.includes('wastewater'),
      // the facility register records 63-province codes; screening compares 2025 units (the current division)
      province_code: unitOf2009(f.province_code) ?? f.province_code,
      province_code_2009: f.province_code,
      region_code: f.region_code,
    };
    const c = request.constraints;
    // region-wide rows when the scope is a province or a region; nationwide only when both are off
    const region = c['same-province'] || c['same-region'] ? f.region_code : null;
    const measureProvince = c['same-province'] ? (unitOf2009(f.province_code) ?? f.province_code) : null;
    // JIT compilation (PostgreSQL's default for costly plans) costs more than this short query saves
    const rows = await this.db.transaction(async (tx) => {
      await tx.query('SET LOCAL jit = off');
      return new ScreeningRepository(tx).candidates({
        facilityId: f.id,
        facilityVersion: f.version,
        region,
        measureProvince,
        radiusM: 2 * requirement.distance_m,
        includePlanned: request.include_planned,
      });
    });
    const outOfScope = region ? await repo.countOutsideRegion(region, request.include_planned) : 0;
    const ctx: ConstraintContext = { facility, enabled: c, includePlanned: request.include_planned, profile, residentialLayerEmpty };

    const passing: { row: CandidateRow; values: CriterionValue[] }[] = [];
    const rejected: RejectedResult[] = [];
    for (const row of rows) {
      const fail = firstFailure(row, ctx);
      const base = { name: row.name, code: row.code, province_code: row.province_code, province_code_2009: row.province_code_2009, planned: isPlanned(row), lon: row.lon, lat: row.lat };
      if (fail) rejected.push({ cluster_id: row.cluster_id, ...fail, ...base });
      else passing.push({ row, values: factorValues(row, ctx) });
    }

    const skipped: FacilityResult['skipped_criteria'] = [];
    const notes: string[] = [];
    if (residentialLayerEmpty) {
      skipped.push({ criterion: 'isolation-margin', reason: 'Chưa nạp lớp khu dân cư', reason_en: 'No residential zones are loaded' });
      notes.push('No residential zones are loaded: the isolation-distance constraint could not reject any cluster.');
    }
    if (roads) {
      const distances = await repo.roadDistances(passing.map((p) => ({ id: p.row.cluster_id, planned: p.row.planned })), ROAD_REFERENCE_KM * 1000);
      for (const p of passing) {
        const m = distances.get(p.row.cluster_id);
        const km = m === undefined ? null : Math.round(m) / 1000;
        p.values.push({ criterion: 'road-distance', raw: km, normalized: km === null ? 0 : normalizeRoadDistance(km) });
      }
    } else {
      skipped.push({ criterion: 'road-distance', reason: 'Chưa nạp lớp đường giao thông chính', reason_en: 'No roads layer is loaded' });
    }
    if (requirement.assumed_strictest) notes.push(`Hazard class unknown: the strictest isolation distance (${requirement.distance_m} m) was applied.`);
    if (!profile) notes.push('No regulation profile is in force today: conformity was not judged.');
    for (const k of CONSTRAINT_IDS) if (!c[k] && k !== 'same-region') notes.push(`Constraint ${k} was switched off.`);

    const inputs = passing.map((p) => ({ cluster_id: p.row.cluster_id, criteria: p.values, distance_km: p.row.site_distance_m / 1000 }));
    const ranked = scoreCandidates(inputs, request.weights);
    const rowById = new Map(passing.map((p) => [p.row.cluster_id, p.row]));
    const candidates: CandidateResult[] = ranked.map((r) => {
      const row = rowById.get(r.cluster_id)!;
      return { ...r, name: row.name, code: row.code, province_code: row.province_code, province_code_2009: row.province_code_2009, planned: isPlanned(row), lon: row.lon, lat: row.lat };
    });
    rejected.sort((a, b) => CONSTRAINT_IDS.indexOf(a.constraint) - CONSTRAINT_IDS.indexOf(b.constraint) || a.name.localeCompare(b.name, 'vi'));
    return {
      facility_id: f.id,
      facility: { ...facility, version: f.version, lon: f.lon, lat: f.lat },
      constraints: { ...c },
      weights: resolveWeights(request.weights),
      candidates,
      rejected,
      sensitivity: sensitivity(inputs, request.weights),
      skipped_criteria: skipped,
      out_of_scope: { count: outOfScope, constraint: region ? (c['same-province'] ? 'same-province' : 'same-region') : null },
      notes,
    };
  }

  /** 404 when the screening covers a facility version the user may not see (e.g. another province's draft). */
  async get(user: SessionUser, id: string): Promise<ScreeningResponse> {
    if (!UUID_RE.test(id)) throw new NotFoundException(`No screening ${id}`);
    const row = await new ScreeningRepository(this.db).find(id, facilityViewer(user));
    if (!row) throw new NotFoundException(`No screening ${id}`);
    return {
      id: row.id,
      created_at: new Date(row.created_at).toISOString(),
      created_by: row.created_by_username,
      inputs: row.inputs as ScreeningRequest,
      data_version: row.data_version as Record<string, unknown>,
      results: row.result.results as FacilityResult[],
    };
  }

  /** Only the screenings the user may read (see get). */
  async list(user: SessionUser, limit = 50) {
    const rows = await new ScreeningRepository(this.db).list(limit, facilityViewer(user));
    return { screenings: rows.map((r) => ({ ...r, created_at: new Date(r.created_at).toISOString() })) };
  }
}
