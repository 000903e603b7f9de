/**
 * Relocation screening, stage 1: hard constraints. Pure (the measurements come from the repository).
 *
 * Constraints are checked in this fixed order and the first one that fails is reported with its
 * numbers: scope (same-province, or same-region), active-conforming, free-land, industry-allowed,
 * wastewater, isolation-distance. The scope comes first because it is the cheapest and decides
 * which clusters are measured at all; the spatial test comes last because it is the dearest.
 *
 * - same-province (on by default) / same-region (off by default; used when same-province is off).
 * - active-conforming: the cluster is established, operating or expanding (planned clusters only
 *   when include_planned, marked as such; suspended never) and no rule of the regulation profile in
 *   force today fails, judged by the shared conformity engine with the facts known for every
 *   cluster (area, geometry validity, attributes). Plan items are judged once established.
 * - free-land: industrial land − leased ≥ the facility's land need (ha, 2 decimals). Planned
 *   clusters: their industrial land, else their planned area, with nothing leased yet.
 * - industry-allowed: an empty industry list on the cluster means no restriction; otherwise the
 *   facility's industry must equal one of them (case-insensitive, Unicode NFC, spacing ignored).
 * - wastewater: when the facility discharges wastewater the cluster's central plant must operate.
 *   A planned cluster passes conditionally: the plant must operate before it receives tenants.
 * - isolation-distance: distance (geodesic, 0.1 m) from the cluster boundary to the nearest
 *   residential zone ≥ the isolation distance of the facility's hazard class (server/domain/hazard.ts;
 *   unknown class → the strictest). Zones are searched within twice that distance.
 */
import { occupancyPct } from '../domain/cluster-attributes.ts';
import { conformityClusterFromProperties, evaluateConformity, type ConformityCluster } from '../domain/conformity.ts';
import type { RegulationProfile } from '../domain/regulations.ts';
import {
  infrastructurePoints,
  normalizeDistanceFromSite,
  normalizeInfrastructure,
  normalizeIsolationMargin,
  normalizeOccupancy,
  type CriterionValue,
} from '../domain/screening-score.ts';
import { industryKey } from '../facilities/facility-attributes.ts';
import type { CandidateRow } from './screening.repository.ts';

export const CONSTRAINT_IDS = ['free-land', 'isolation-distance', 'industry-allowed', 'wastewater', 'same-province', 'same-region', 'active-conforming'] as const;
export type ConstraintId = (typeof CONSTRAINT_IDS)[number];

export const DEFAULT_CONSTRAINTS: Record<ConstraintId, boolean> = {
  'free-land': true,
  'isolation-distance': true,
  'industry-allowed': true,
  wastewater: true,
  'same-province': true,
  'same-region': false,
  'active-conforming': true,
};

export const ACTIVE_STATUSES = ['established', 'operating', 'expanding'];

export interface ScreenedFacility {
  id: string;
  name: string;
  hazard_class: string | null;
  required_distance_m: number;
  assumed_strictest: boolean;
  land_need_ha: number | null;
  industry: string | null;
  discharges_wastewater: boolean;
  /** 2025 unit (the facility register records province_code_2009) */
  province_code: string;
  province_code_2009: string;
  region_code: string;
}

export interface Rejection {
  constraint: ConstraintId;
  message: string;
  message_en: string;
  evidence: Record<string, unknown>;
}

export interface ConstraintContext {
  facility: ScreenedFacility;
  enabled: Record<ConstraintId, boolean>;
  includePlanned: boolean;
  profile: RegulationProfile | null;
  residentialLayerEmpty: boolean;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const r2 = (x: number) => Math.round(x * 100) / 100;
const r1 = (x: number) => Math.round(x * 10) / 10;
const vi = (x: number) => x.toLocaleString('vi-VN', { maximumFractionDigits: 2 });
const en = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** A plan item, or a registry cluster still in status planned. */
export function isPlanned(c: CandidateRow): boolean {
  return c.planned || c.status === 'planned';
}

export function freeLand(c: CandidateRow): { industrial: number | null; leased: number; free: number | null; basis: string } {
  const p = c.properties;
  const industrial = num(p.industrial_land_ha);
  const leased = num(p.leased_ha) ?? 0;
  if (industrial !== null) return { industrial, leased, free: r2(industrial - leased), basis: 'industrial_land_ha - leased_ha' };
  if (isPlanned(c)) {
    const planned = num(p.planned_area_ha) ?? c.area_ha;
    if (planned !== null) return { industrial: planned, leased: 0, free: r2(planned), basis: 'planned_area_ha (planned cluster, nothing leased)' };
  }
  return { industrial: null, leased, free: null, basis: 'industrial_land_ha unknown' };
}

function conformityInput(c: CandidateRow): ConformityCluster {
  // the row's denormalised name and status are those of the version being judged
  return { ...conformityClusterFromProperties(c.properties), name: c.name, status: c.status as ConformityCluster['status'] };
}

/** The first failing constraint, or null when the cluster passes every enabled one. */
export function firstFailure(c: CandidateRow, ctx: ConstraintContext): Rejection | null {
  const f = ctx.facility;
  const on = ctx.enabled;

  if (on['same-province'] && c.province_code !== f.province_code) {
    return {
      constraint: 'same-province',
      message: `Cụm thuộc tỉnh ${c.province_code}, cơ sở thuộc tỉnh ${f.province_code}`,
      message_en: `Cluster is in province ${c.province_code}, the facility in ${f.province_code}`,
      evidence: { value: c.province_code, limit: f.province_code, unit: null },
    };
  }
  if (on['same-region'] && c.region_code !== f.region_code) {
    return {
      constraint: 'same-region',
      message: `Cụm thuộc vùng ${c.region_code}, cơ sở thuộc vùng ${f.region_code}`,
      message_en: `Cluster is in region ${c.region_code}, the facility in ${f.region_code}`,
      evidence: { value: c.region_code, limit: f.region_code, unit: null },
    };
  }

  if (on['active-conforming']) {
    const planned = isPlanned(c);
    if (planned && !ctx.includePlanned) {
      return {
        constraint: 'active-conforming',
        message: 'Cụm mới trong quy hoạch, chưa thành lập (bật "gồm cụm quy hoạch" để xét)',
        message_en: 'Cluster is only planned, not established (ask for planned clusters to include it)',
        evidence: { value: c.status, limit: ACTIVE_STATUSES, unit: null },
      };
    }
    if (!planned && !ACTIVE_STATUSES.includes(c.status)) {
      return {
        constraint: 'active-conforming',
        message: `Cụm không hoạt động (tình trạng: ${c.status})`,
        message_en: `Cluster is not active (status: ${c.status})`,
        evidence: { value: c.status, limit: ACTIVE_STATUSES, unit: null },
      };
    }
    if (ctx.profile && !c.planned) {
      const report = evaluateConformity(ctx.profile, conformityInput(c), { area_ha: c.area_ha ?? undefined, geometry_valid: c.geometry_valid });
      const failed = report.results.filter((r) => r.result === 'fail');
      if (failed.length) {
        return {
          constraint: 'active-conforming',
          message: `Không phù hợp ${ctx.profile.document}: ${failed.map((r) => r.message).join('; ')}`,
          message_en: `Does not conform to ${ctx.profile.document_en ?? ctx.profile.document}: ${failed.map((r) => r.message_en).join('; ')}`,
          evidence: { value: 'non-conforming', profile: ctx.profile.id, failed_rules: failed.map((r) => ({ rule: r.rule, evidence: r.evidence, source: r.source })), unit: null },
        };
      }
    }
  }

  if (on['free-land'] && f.land_need_ha !== null) {
    const land = freeLand(c);
    if (land.free === null || land.free < r2(f.land_need_ha)) {
      return {
        constraint: 'free-land',
        message:
          land.free === null
            ? `Chưa có số liệu đất công nghiệp của cụm; cơ sở cần ${vi(f.land_need_ha)} ha`
            : `Đất công nghiệp còn trống ${vi(land.free)} ha (${vi(land.industrial!)} − ${vi(land.leased)} đã cho thuê) < ${vi(f.land_need_ha)} ha cần`,
        message_en:
          land.free === null
            ? `The cluster's industrial land is not recorded; the facility needs ${en(f.land_need_ha)} ha`
            : `Free industrial land ${en(land.free)} ha (${en(land.industrial!)} − ${en(land.leased)} leased) < ${en(f.land_need_ha)} ha needed`,
        evidence: { value: land.free, limit: f.land_need_ha, unit: 'ha', industrial_land_ha: land.industrial, leased_ha: land.leased, basis: land.basis },
      };
    }
  }

  if (on['industry-allowed']) {
    const list = Array.isArray(c.properties.industries) ? (c.properties.industries as unknown[]).filter((s): s is string => typeof s === 'string') : [];
    if (list.length > 0) {
      const allowed = f.industry !== null && list.some((s) => industryKey(s) === industryKey(f.industry!));
      if (!allowed) {
        return {
          constraint: 'industry-allowed',
          message: f.industry === null ? `Chưa rõ ngành nghề của cơ sở; cụm chỉ nhận: ${list.join(', ')}` : `Ngành "${f.industry}" không thuộc ngành nghề của cụm: ${list.join(', ')}`,
          message_en: f.industry === null ? `The facility's industry is unknown; the cluster only admits: ${list.join(', ')}` : `Industry "${f.industry}" is not among the cluster's: ${list.join(', ')}`,
          evidence: { value: f.industry, limit: list, unit: null },
        };
      }
    }
  }

  if (on.wastewater && f.discharges_wastewater && !isPlanned(c)) {
    const ww = str(c.properties.wastewater) ?? 'none';
    if (ww !== 'operating') {
      return {
        constraint: 'wastewater',
        message: `Cơ sở xả nước thải nhưng hệ thống xử lý nước thải tập trung của cụm ${ww === 'under-construction' ? 'đang xây dựng' : 'chưa có'}`,
        message_en: `The facility discharges wastewater but the cluster's central treatment plant is ${ww === 'under-construction' ? 'under construction' : 'missing'}`,
        evidence: { value: ww, limit: 'operating', unit: null },
      };
    }
  }

  if (on['isolation-distance'] && !ctx.residentialLayerEmpty && c.nearest_residential_m !== null) {
    const d = r1(c.nearest_residential_m);
    if (d < f.required_distance_m) {
      const cls = f.hazard_class ?? '?';
      return {
        constraint: 'isolation-distance',
        message: `Khu dân cư gần nhất${c.nearest_residential_name ? ` (${c.nearest_residential_name})` : ''} cách ranh giới cụm ${vi(d)} m < ${vi(f.required_distance_m)} m khoảng cách ly yêu cầu cho cơ sở cấp ${cls}`,
        message_en: `Nearest residential zone${c.nearest_residential_name ? ` (${c.nearest_residential_name})` : ''} is ${en(d)} m from the cluster boundary < ${en(f.required_distance_m)} m required for a class ${cls} facility`,
        evidence: {
          value: d,
          limit: f.required_distance_m,
          unit: 'm',
          hazard_class: f.hazard_class,
          assumed_strictest: f.assumed_strictest,
          residential_zone: { id: c.nearest_residential_id, name: c.nearest_residential_name, kind: c.nearest_residential_kind },
          geometry_ids: [c.nearest_residential_id],
        },
      };
    }
  }
  return null;
}

/** The weighted factors of a cluster that passed (road distance is added by the service when loaded). */
export function factorValues(c: CandidateRow, ctx: ConstraintContext): CriterionValue[] {
  const km = Math.round(c.site_distance_m) / 1000;
  const p = c.properties;
  const planned = isPlanned(c);
  const occ = planned ? 0 : occupancyPct(num(p.leased_ha), num(p.industrial_land_ha));
  const occRaw = occ === null ? null : r2(occ);
  const points = planned ? 0 : infrastructurePoints(str(p.wastewater), c.status);
  const out: CriterionValue[] = [
    { criterion: 'distance-from-site', raw: km, normalized: normalizeDistanceFromSite(km) },
    { criterion: 'occupancy', raw: occRaw, normalized: normalizeOccupancy(occRaw) },
    { criterion: 'infrastructure', raw: points, normalized: normalizeInfrastructure(points) },
  ];
  if (!ctx.residentialLayerEmpty) {
    const d = ctx.facility.required_distance_m;
    const margin = c.nearest_residential_m === null ? d : Math.min(Math.max(r1(c.nearest_residential_m) - d, 0), d);
    out.push({ criterion: 'isolation-margin', raw: r1(margin), normalized: normalizeIsolationMargin(margin, d) });
  }
  return out;
}
