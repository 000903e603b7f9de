import { BadRequestException } from '../errors.ts';
import { isIsoDate } from '../domain/dates.ts';
import { PLAN_PHASES, type PlanPhase } from '../domain/cluster-attributes.ts';
import { groupClusters, statsMeasures, type StatsMeasures } from './aggregate.ts';
import { nonConformingIds } from './nonconformity.ts';
import type { ReportsRepository, SnapshotCluster } from './reports.repository.ts';
import { endOfVietnamDay, todayInVietnam, unitsFor, type By, type Era, type Geography } from './units.ts';

/** The figures of a unit, and its plan fulfilment (established ÷ planned, %; null without planned clusters). */
export interface StatsRow extends StatsMeasures {
  code: string;
  name: string;
  fulfilment_pct: number | null;
}

export interface StatsResponse {
  /** one row per unit of `by` (provinces of the era, or regions) */
  rows: StatsRow[];
  /** the whole country, aggregated from the clusters (ratios from the sums, never averaged over rows) */
  national: StatsRow;
  /** one total per socio-economic region */
  regions: StatsRow[];
}

function statsRow(code: string, name: string, m: StatsMeasures): StatsRow {
  return { code, name, ...m, fulfilment_pct: m.planned_count > 0 ? Math.round((m.established_count / m.planned_count) * 10000) / 100 : null };
}

export interface StatsQuery {
  by: By;
  era: Era;
  asOf: string;
  phase: PlanPhase | null;
}

const BY: readonly By[] = ['region', 'province'];
const ERAS: readonly Era[] = ['2009', '2025'];

function single(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') {
    throw new BadRequestException(`${name} must be given once as a plain value`, { parameter: name }, `invalid-${name.replace('_', '-')}`);
  }
  return v;
}

/** Validates `by`, `era`, `as_of` and the optional `phase` filter; anything else is a 400 with the parameter named. */
export function parseStatsQuery(query: Record<string, unknown>, today = todayInVietnam()): StatsQuery {
  const by = single(query, 'by') ?? 'province';
  if (!(BY as readonly string[]).includes(by)) {
    throw new BadRequestException(`by must be region or province, got "${by}"`, { parameter: 'by', allowed: BY }, 'invalid-by');
  }
  // the current division (34 units) unless era=2009 asks for the 63 provinces
  const era = single(query, 'era') ?? '2025';
  if (!(ERAS as readonly string[]).includes(era)) {
    throw new BadRequestException(`era must be 2009 or 2025, got "${era}"`, { parameter: 'era', allowed: ERAS }, 'invalid-era');
  }
  const asOf = single(query, 'as_of') ?? today;
  if (!isIsoDate(asOf)) {
    throw new BadRequestException(`as_of must be a date YYYY-MM-DD, got "${asOf}"`, { parameter: 'as_of' }, 'invalid-as-of');
  }
  const phase = single(query, 'phase') ?? null;
  if (phase !== null && !(PLAN_PHASES as readonly string[]).includes(phase)) {
    throw new BadRequestException(`phase must be one of ${PLAN_PHASES.join(', ')}`, { parameter: 'phase', allowed: PLAN_PHASES }, 'invalid-phase');
  }
  return { by: by as By, era: era as Era, asOf, phase: phase as PlanPhase | null };
}

/** Figures per region or province, rebuilt from the approved versions valid at the end of the as-of day. */
export class StatsService {
  private geography?: Promise<Geography>;

  constructor(private readonly repository: ReportsRepository) {}

  /** Regions and provinces change only with a new seed: read once per app. */
  loadGeography(): Promise<Geography> {
    this.geography ??= Promise.all([this.repository.regions(), this.repository.provinces(), this.repository.provinces2025()]).then(
      ([regions, provinces, provinces2025]) => ({ regions, provinces, provinces2025 }),
    );
    this.geography.catch(() => (this.geography = undefined));
    return this.geography;
  }

  async stats(q: StatsQuery): Promise<StatsResponse> {
    const [geo, all] = await Promise.all([this.loadGeography(), this.repository.clustersValidAt(endOfVietnamDay(q.asOf))]);
    const clusters = q.phase ? all.filter((c) => c.properties.plan_phase === q.phase) : all;
    const nonconforming = nonConformingIds(clusters, q.asOf);
    const rows = this.rows(clusters, q.by, q.era, q.asOf, geo, nonconforming);
    const regions = q.by === 'region' ? rows : this.rows(clusters, 'region', q.era, q.asOf, geo, nonconforming);
    const country = groupClusters(clusters, [{ code: 'VN', name: 'Cả nước' }], () => 'VN', nonconforming).get('VN')!;
    return { rows, national: statsRow('VN', 'Cả nước', statsMeasures(country)), regions };
  }

  rows(clusters: readonly SnapshotCluster[], by: By, era: Era, date: string, geo: Geography, nonconforming = nonConformingIds(clusters, date)): StatsRow[] {
    const { units, unitOf } = unitsFor(by, era, geo);
    const groups = groupClusters(clusters, units, unitOf, nonconforming);
    return units.map((u) => statsRow(u.code, u.name, statsMeasures(groups.get(u.code)!)));
  }

  /** Established clusters at the end of each year from `from` to `to` (the current year: today). */
  async timeline(from: number, to: number, today = todayInVietnam()) {
    const years: number[] = [];
    for (let y = from; y <= to; y++) years.push(y);
    const dates = years.map((y) => (`${y}-12-31` < today ? `${y}-12-31` : today));
    const points = await this.repository.establishedTimeline(dates.map(endOfVietnamDay));
    return {
      points: years.map((year, i) => ({
        year,
        date: dates[i]!,
        established_count: points[i]?.established_count ?? 0,
        established_ha: Math.round((points[i]?.established_ha ?? 0) * 100) / 100,
      })),
    };
  }

  async range() {
    const r = await this.repository.approvalRange();
    return { first: r.first, last: r.last, today: todayInVietnam() };
  }
}

export function parseTimelineQuery(query: Record<string, unknown>): { from: number; to: number } {
  const parse = (name: string, fallback: number) => {
    const v = single(query, name);
    if (v === undefined) return fallback;
    if (!/^\d{4}$/.test(v)) throw new BadRequestException(`${name} must be a year YYYY`, { parameter: name }, `invalid-${name}`);
    return Number(v);
  };
  const from = parse('from', 2009);
  const to = parse('to', 2025);
  if (from > to || to - from > 100) throw new BadRequestException('from must be ≤ to and the range at most 100 years', { from, to }, 'invalid-range');
  return { from, to };
}
