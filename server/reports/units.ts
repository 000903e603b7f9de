/**
 * Reporting units and reference instants shared by the stats API and the periodic reports.
 * Dates are Vietnamese calendar dates (UTC+7, no DST): "as of D" means the end of day D in Vietnam.
 */
import { addDays, isIsoDate, vietnamDate } from '../domain/dates.ts';
import type { Province2025Ref, ProvinceRef, RegionRef, SnapshotCluster } from './reports.repository.ts';
import type { Unit } from './aggregate.ts';

export type By = 'region' | 'province';
export type { Era } from '../domain/admin-division.ts';
import type { Era } from '../domain/admin-division.ts';

const VIETNAM_OFFSET_MS = 7 * 3600_000;

/** The first instant after Vietnamese calendar day `date`: versions approved before it count "as of" that date. */
export function endOfVietnamDay(date: string): Date {
  if (!isIsoDate(date)) throw new RangeError(`not a date YYYY-MM-DD: ${date}`);
  const next = addDays(date, 1);
  return new Date(Date.parse(`${next}T00:00:00Z`) - VIETNAM_OFFSET_MS);
}

/** The first instant of Vietnamese calendar day `date`. */
export function startOfVietnamDay(date: string): Date {
  if (!isIsoDate(date)) throw new RangeError(`not a date YYYY-MM-DD: ${date}`);
  return new Date(Date.parse(`${date}T00:00:00Z`) - VIETNAM_OFFSET_MS);
}

export function todayInVietnam(now = new Date()): string {
  return vietnamDate(now);
}

export interface Geography {
  regions: RegionRef[];
  provinces: ProvinceRef[];
  provinces2025: Province2025Ref[];
}

export interface UnitPlan {
  units: Unit[];
  unitOf: (c: SnapshotCluster) => string | undefined;
}

/**
 * Regions follow the 63-province membership in both eras. Provinces are the 63 of 2009–2025 (each cluster's
 * province_code_2009), or the 34 units of 2025 (its province_code).
 */
export function unitsFor(by: By, era: Era, geo: Geography): UnitPlan {
  if (by === 'region') {
    return { units: geo.regions.map((r) => ({ code: r.code, name: r.name })), unitOf: (c) => c.region_code };
  }
  if (era === '2009') {
    return { units: geo.provinces.map((p) => ({ code: p.code, name: p.name })), unitOf: (c) => c.province_code_2009 };
  }
  return { units: geo.provinces2025.map((p) => ({ code: p.code, name: p.name })), unitOf: (c) => c.province_code };
}
