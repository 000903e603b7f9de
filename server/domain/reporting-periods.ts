/**
 * Reporting periods for industrial-cluster statistics (Circular 14/2024/TT-BCT). Periods do not
 * follow the calendar: a year's report covers 15 Dec of the previous year to 14 Dec, and the
 * six-month report 15 Dec to 14 Jun, so the data can be compiled before the deadline.
 * Only these two kinds exist; "2025-H2" is rejected rather than invented.
 * Dates are inclusive ISO strings in Vietnamese calendar dates.
 */
import { addDays, isIsoDate, vietnamDate } from './dates.ts';

export type PeriodKind = 'half-year' | 'annual';

export interface ReportingPeriod {
  kind: PeriodKind;
  /** Inclusive. */
  start: string;
  /** Inclusive. */
  end: string;
}

export const MIN_REPORT_YEAR = 2000;
export const MAX_REPORT_YEAR = 2100;

export class InvalidPeriodError extends Error {
  readonly code = 'invalid-period';
  constructor(
    readonly input: unknown,
    readonly reason: string,
    readonly message_vi: string = `Kỳ báo cáo không hợp lệ: ${String(input)}`,
  ) {
    super(`Invalid reporting period ${JSON.stringify(input)}: ${reason}`);
    this.name = 'InvalidPeriodError';
  }
}

const PATTERN = /^(\d{4})(?:-(H[12]))?$/;

/** "2025" → annual, "2025-H1" → first half-year (case-insensitive, surrounding spaces ignored). */
export function parsePeriod(input: string): ReportingPeriod {
  if (typeof input !== 'string') throw new InvalidPeriodError(input, 'expected a string such as "2025" or "2025-H1"');
  const m = PATTERN.exec(input.trim().toUpperCase());
  if (!m) throw new InvalidPeriodError(input, 'expected "YYYY" (annual) or "YYYY-H1" (six months)');
  const year = Number(m[1]);
  if (year < MIN_REPORT_YEAR || year > MAX_REPORT_YEAR) {
    throw new InvalidPeriodError(input, `year must be between ${MIN_REPORT_YEAR} and ${MAX_REPORT_YEAR}`);
  }
  if (m[2] === 'H2') {
    throw new InvalidPeriodError(
      input,
      'Circular 14/2024/TT-BCT has six-month (H1) and annual reports only; use the year for the full period',
      `Kỳ báo cáo không hợp lệ: ${input} (chỉ có báo cáo 6 tháng đầu năm và báo cáo năm)`,
    );
  }
  const start = `${year - 1}-12-15`;
  return m[2] === 'H1' ? { kind: 'half-year', start, end: `${year}-06-14` } : { kind: 'annual', start, end: `${year}-12-14` };
}

/** The report year (the year the period ends in). */
export function periodYear(p: ReportingPeriod): number {
  return Number(p.end.slice(0, 4));
}

/** Inverse of parsePeriod: "2025" or "2025-H1". */
export function periodId(p: ReportingPeriod): string {
  return p.kind === 'half-year' ? `${periodYear(p)}-H1` : String(periodYear(p));
}

export function periodContains(p: ReportingPeriod, date: string): boolean {
  return p.start <= date && date <= p.end;
}

/**
 * The period of the given kind that contains a date (Date objects are read as Vietnamese dates).
 * From 15 Dec a date belongs to the next year's periods. For 'half-year', dates after 14 Jun lie
 * in no six-month period: null.
 */
export function periodForDate(date: string | Date, kind: PeriodKind): ReportingPeriod | null {
  const d = typeof date === 'string' ? date : vietnamDate(date);
  if (!isIsoDate(d)) throw new InvalidPeriodError(date, 'not a date YYYY-MM-DD');
  const year = Number(d.slice(0, 4)) + (d.slice(5) >= '12-15' ? 1 : 0);
  const p = parsePeriod(kind === 'annual' ? String(year) : `${year}-H1`);
  return periodContains(p, d) ? p : null;
}

/** Number of days in the period, both ends included. */
export function periodDays(p: ReportingPeriod): number {
  let n = 0;
  for (let d = p.start; d <= p.end; d = addDays(d, 1)) n++;
  return n;
}

const dmy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const enDate = (iso: string) => `${Number(iso.slice(8, 10))} ${EN_MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;

/** "6 tháng đầu năm 2025 (15/12/2024 – 14/06/2025)" / "First half of 2025 (15 Dec 2024 – 14 Jun 2025)". */
export function periodLabel(p: ReportingPeriod | string, locale: 'vi' | 'en' = 'vi'): string {
  const period = typeof p === 'string' ? parsePeriod(p) : p;
  const year = periodYear(period);
  if (locale === 'en') {
    const name = period.kind === 'half-year' ? `First half of ${year}` : `Year ${year}`;
    return `${name} (${enDate(period.start)} – ${enDate(period.end)})`;
  }
  const name = period.kind === 'half-year' ? `6 tháng đầu năm ${year}` : `Năm ${year}`;
  return `${name} (${dmy(period.start)} – ${dmy(period.end)})`;
}
