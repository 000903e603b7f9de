import { BadRequestException } from '../errors.ts';
import { vietnamDate } from '../domain/dates.ts';
import { InvalidPeriodError, parsePeriod, periodId, periodLabel, type ReportingPeriod } from '../domain/reporting-periods.ts';
import { addCluster, clusterArea, emptyAccumulator, ESTABLISHED_STATUSES, groupClusters, mergeInto, plannedArea, reportMeasures, type ReportMeasures } from './aggregate.ts';
import { nonConformingIds } from './nonconformity.ts';
import type { ReportsRepository, SnapshotCluster } from './reports.repository.ts';
import type { StatsService } from './stats.service.ts';
import { endOfVietnamDay, startOfVietnamDay, todayInVietnam, unitsFor, type Era } from './units.ts';
import { DIVISION_2025_FROM } from '../domain/admin-division.ts';

export const REPORT_FORMATS = ['json', 'csv', 'xlsx', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportRow extends ReportMeasures {
  code: string;
  name: string;
}

export interface ReportCluster {
  cluster_id: string;
  code: string;
  name: string;
  /** 2025 unit */
  province_code: string;
  /** pre-2025 province */
  province_code_2009: string;
  district_code: string | null;
  status: string;
  version: number;
  plan_phase: string | null;
  /** the boundary's area; null for a cluster without a boundary */
  area_ha: number | null;
  planned_area_ha: number;
  industrial_land_ha: number | null;
  leased_ha: number | null;
  occupancy_pct: number | null;
  tenants: number | null;
  workers: number | null;
  investment_capital_bn_vnd: number | null;
  wastewater: string | null;
  nonconforming: boolean;
  /** none (no boundary: area_ha is then null and the figures use the declared area), provisional or surveyed */
  boundary_status: SnapshotCluster['boundary_status'];
  no_boundary: boolean;
  lon: number;
  lat: number;
}

export interface ChangeItem {
  cluster_id: string;
  code: string;
  name: string;
  province_code: string;
  province_code_2009: string;
  status: string;
  /** Vietnamese calendar date on which the version showing the change was approved. */
  date: string;
  area_ha: number;
  area_before_ha: number | null;
  status_before: string | null;
}

export interface PeriodicReport {
  period: { id: string; kind: ReportingPeriod['kind']; start: string; end: string; label: string; label_en: string };
  scope: {
    level: 'national' | 'province';
    era: Era;
    province_code: string | null;
    name: string;
    merged_from: string[] | null;
    /** which division the report uses, in words (always stated; the period may span 1 July 2025) */
    division: string;
    division_en: string;
    spans_division_change: boolean;
  };
  /** Figures are those of the approved versions valid at the end of this day. */
  as_of: string;
  /** The period has not ended yet: figures may still change. */
  provisional: boolean;
  generated_at: string;
  /** National: the 6 regions; province: the province itself. */
  rows: ReportRow[];
  total: ReportRow;
  /** National reports: every province of the era (for the map and the annex). */
  provinces: ReportRow[];
  /** Province reports: every cluster valid at the period's end. */
  clusters: ReportCluster[];
  changes: {
    new_clusters: ChangeItem[];
    established: ChangeItem[];
    expansions: ChangeItem[];
    removals: ChangeItem[];
  };
}

export interface ReportQuery {
  period: ReportingPeriod;
  province: string | null;
  era: Era;
  format: ReportFormat;
}

function single(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw new BadRequestException(`${name} must be given once as a plain value`, { parameter: name }, `invalid-${name}`);
  return v;
}

export function parseReportQuery(query: Record<string, unknown>): ReportQuery {
  const raw = single(query, 'period');
  if (raw === undefined) {
    throw new BadRequestException('period is required: "YYYY" (annual) or "YYYY-H1" (six months)', { parameter: 'period' }, 'invalid-period');
  }
  let period: ReportingPeriod;
  try {
    period = parsePeriod(raw);
  } catch (err) {
    if (err instanceof InvalidPeriodError) {
      throw new BadRequestException(err.message, { parameter: 'period', reason: err.reason, message_vi: err.message_vi }, 'invalid-period');
    }
    throw err;
  }
  const format = single(query, 'format') ?? 'json';
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new BadRequestException(`format must be one of ${REPORT_FORMATS.join(', ')}`, { parameter: 'format', allowed: REPORT_FORMATS }, 'invalid-format');
  }
  // default: the 63 provinces for a period that ended before 1 July 2025, else the current 34 units
  const era = single(query, 'era') ?? (period.end < DIVISION_2025_FROM ? '2009' : '2025');
  if (era !== '2009' && era !== '2025') {
    throw new BadRequestException(`era must be 2009 or 2025, got "${era}"`, { parameter: 'era', allowed: ['2009', '2025'] }, 'invalid-era');
  }
  const province = single(query, 'province') ?? null;
  if (province !== null && !/^\d{2}$/.test(province)) {
    throw new BadRequestException('province must be a 2-digit GSO province code', { parameter: 'province' }, 'invalid-province');
  }
  return { period, province, era, format: format as ReportFormat };
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const r2 = (x: number) => Math.round(x * 100) / 100;
/** Boundary changes smaller than this are digitising noise, not expansions. */
const EXPANSION_TOLERANCE_HA = 0.01;

/** Periodic reports (Circular 14/2024/TT-BCT): figures at the period's end and the changes within it. */
export class ReportsService {
  constructor(
    private readonly repository: ReportsRepository,
    private readonly stats: StatsService,
  ) {}

  async periodic(q: Pick<ReportQuery, 'period' | 'province' | 'era'>, now = new Date()): Promise<PeriodicReport> {
    const geo = await this.stats.loadGeography();
    const { period, era } = q;
    let scopeCodes: string[] | null = null;
    const spans = period.start < DIVISION_2025_FROM && period.end >= DIVISION_2025_FROM;
    const division = era === '2025'
      ? { division: 'Đơn vị hành chính cấp tỉnh từ 1/7/2025 (34 tỉnh, thành phố)', division_en: 'Provincial units from 1 July 2025 (34 units)' }
      : { division: 'Địa giới 63 tỉnh, thành phố (trước 1/7/2025)', division_en: 'The 63 provinces (before 1 July 2025)' };
    const stated = { ...division, spans_division_change: spans };
    let scope: PeriodicReport['scope'] = { level: 'national', era, province_code: null, name: 'Toàn quốc', merged_from: null, ...stated };
    if (q.province !== null) {
      if (era === '2009') {
        const p = geo.provinces.find((x) => x.code === q.province);
        if (!p) throw new BadRequestException(`Unknown province "${q.province}" in the 63-province division`, { parameter: 'province', era }, 'invalid-province');
        scopeCodes = [p.code];
        scope = { level: 'province', era, province_code: p.code, name: p.name, merged_from: null, ...stated };
      } else {
        const p = geo.provinces2025.find((x) => x.code === q.province);
        if (!p) throw new BadRequestException(`Unknown province "${q.province}" in the 34-province division`, { parameter: 'province', era }, 'invalid-province');
        scopeCodes = [...p.merged_from];
        scope = { level: 'province', era, province_code: p.code, name: p.name, merged_from: [...p.merged_from], ...stated };
      }
    }

    const endInstant = endOfVietnamDay(period.end);
    const startInstant = startOfVietnamDay(period.start);
    const [atEnd, atStart] = await Promise.all([
      this.repository.clustersValidAt(endInstant, scopeCodes),
      this.repository.clustersValidAt(startInstant, scopeCodes),
    ]);
    const nonconforming = nonConformingIds(atEnd, period.end);

    let rows: ReportRow[];
    let provinces: ReportRow[] = [];
    const totalAcc = emptyAccumulator();
    if (scope.level === 'national') {
      const regions = unitsFor('region', era, geo);
      const groups = groupClusters(atEnd, regions.units, regions.unitOf, nonconforming);
      rows = regions.units.map((u) => ({ code: u.code, name: u.name, ...reportMeasures(groups.get(u.code)!) }));
      for (const acc of groups.values()) mergeInto(totalAcc, acc);
      const byProvince = unitsFor('province', era, geo);
      const pGroups = groupClusters(atEnd, byProvince.units, byProvince.unitOf, nonconforming);
      provinces = byProvince.units.map((u) => ({ code: u.code, name: u.name, ...reportMeasures(pGroups.get(u.code)!) }));
    } else {
      for (const c of atEnd) addCluster(totalAcc, c, nonconforming.has(c.cluster_id));
      rows = [{ code: scope.province_code!, name: scope.name, ...reportMeasures(totalAcc) }];
    }
    const total: ReportRow = scope.level === 'national' ? { code: 'VN', name: 'Toàn quốc', ...reportMeasures(totalAcc) } : rows[0]!;

    const clusters: ReportCluster[] =
      scope.level === 'province'
        ? atEnd.map((c) => ({
            cluster_id: c.cluster_id,
            code: c.code,
            name: c.name,
            province_code: c.province_code,
            province_code_2009: c.province_code_2009,
            district_code: c.district_code,
            status: c.status,
            version: c.version,
            plan_phase: typeof c.properties.plan_phase === 'string' ? c.properties.plan_phase : null,
            area_ha: c.boundary_status === 'none' ? null : r2(c.area_ha),
            planned_area_ha: r2(plannedArea(c)),
            industrial_land_ha: num(c.properties.industrial_land_ha),
            leased_ha: num(c.properties.leased_ha),
            occupancy_pct: occupancy(c),
            tenants: num(c.properties.tenants),
            workers: num(c.properties.workers),
            investment_capital_bn_vnd: num(c.properties.investment_capital_bn_vnd),
            wastewater: typeof c.properties.wastewater === 'string' ? c.properties.wastewater : null,
            nonconforming: nonconforming.has(c.cluster_id),
            boundary_status: c.boundary_status,
            no_boundary: c.boundary_status === 'none',
            lon: c.lon,
            lat: c.lat,
          }))
        : [];

    const today = todayInVietnam(now);
    return {
      period: { id: periodId(period), kind: period.kind, start: period.start, end: period.end, label: periodLabel(period, 'vi'), label_en: periodLabel(period, 'en') },
      scope,
      as_of: period.end,
      provisional: period.end >= today,
      generated_at: now.toISOString(),
      rows,
      total,
      provinces,
      clusters,
      changes: diffSnapshots(atStart, atEnd),
    };
  }
}

function occupancy(c: SnapshotCluster): number | null {
  const industrial = num(c.properties.industrial_land_ha);
  const leased = num(c.properties.leased_ha);
  if (industrial === null || leased === null || industrial <= 0) return num(c.properties.occupancy_pct);
  return r2((leased / industrial) * 100);
}

/** What changed between the start and the end of the period, from the two snapshots. */
export function diffSnapshots(atStart: readonly SnapshotCluster[], atEnd: readonly SnapshotCluster[]): PeriodicReport['changes'] {
  const before = new Map(atStart.map((c) => [c.cluster_id, c]));
  const item = (c: SnapshotCluster, b: SnapshotCluster | undefined): ChangeItem => ({
    cluster_id: c.cluster_id,
    code: c.code,
    name: c.name,
    province_code: c.province_code,
    province_code_2009: c.province_code_2009,
    status: c.status,
    date: vietnamDate(c.valid_from),
    area_ha: r2(clusterArea(c)),
    area_before_ha: b ? r2(clusterArea(b)) : null,
    status_before: b ? b.status : null,
  });
  const changes: PeriodicReport['changes'] = { new_clusters: [], established: [], expansions: [], removals: [] };
  for (const c of atEnd) {
    const b = before.get(c.cluster_id);
    if (c.status === 'removed') {
      if (!b || b.status !== 'removed') changes.removals.push(item(c, b));
      continue;
    }
    if (!b || b.status === 'removed') changes.new_clusters.push(item(c, b));
    if (ESTABLISHED_STATUSES.has(c.status) && (!b || !ESTABLISHED_STATUSES.has(b.status))) changes.established.push(item(c, b));
    if (b && b.status !== 'removed' && clusterArea(c) - clusterArea(b) > EXPANSION_TOLERANCE_HA) changes.expansions.push(item(c, b));
  }
  const byDate = (a: ChangeItem, b: ChangeItem) => a.date.localeCompare(b.date) || a.code.localeCompare(b.code);
  for (const list of Object.values(changes)) list.sort(byDate);
  return changes;
}
