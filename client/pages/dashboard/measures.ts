import type { Bilingual } from '../../i18n/index.tsx';

/** A row (or the national / a regional total) of GET /api/stats: every figure is the server's. */
export interface StatsRow {
  code: string;
  name: string;
  planned_count: number;
  established_count: number;
  operating_count: number;
  planned_ha: number;
  established_ha: number;
  industrial_land_ha: number;
  leased_ha: number;
  occupancy_pct: number | null;
  wastewater_operating: number;
  nonconforming_count: number;
  /** clusters known only by a location point (issue 17) */
  no_boundary_count: number;
  fulfilment_pct: number | null;
}

/** GET /api/stats: rows per unit and the totals, all aggregated by the server (the client only displays them). */
export interface StatsResponse {
  rows: StatsRow[];
  national: StatsRow;
  regions: StatsRow[];
}

export const MEASURES = [
  'planned_count',
  'established_count',
  'operating_count',
  'fulfilment_pct',
  'planned_ha',
  'established_ha',
  'industrial_land_ha',
  'leased_ha',
  'occupancy_pct',
  'wastewater_operating',
  'nonconforming_count',
  'no_boundary_count',
] as const;
export type Measure = (typeof MEASURES)[number];

export const MEASURE_LABELS: Record<Measure, Bilingual> = {
  planned_count: { vi: 'Số CCN theo quy hoạch', en: 'Planned clusters' },
  established_count: { vi: 'Số CCN đã thành lập', en: 'Established clusters' },
  operating_count: { vi: 'Số CCN đang hoạt động', en: 'Operating clusters' },
  fulfilment_pct: { vi: 'Tỷ lệ thực hiện quy hoạch (%)', en: 'Plan fulfilment (%)' },
  planned_ha: { vi: 'Diện tích quy hoạch (ha)', en: 'Planned area (ha)' },
  established_ha: { vi: 'Diện tích đã thành lập (ha)', en: 'Established area (ha)' },
  industrial_land_ha: { vi: 'Đất công nghiệp (ha)', en: 'Industrial land (ha)' },
  leased_ha: { vi: 'Đất đã cho thuê (ha)', en: 'Leased land (ha)' },
  occupancy_pct: { vi: 'Tỷ lệ lấp đầy (%)', en: 'Occupancy (%)' },
  wastewater_operating: { vi: 'CCN có trạm XLNT đang vận hành', en: 'With an operating wastewater plant' },
  nonconforming_count: { vi: 'CCN chưa phù hợp quy định', en: 'Non-conforming clusters' },
  no_boundary_count: { vi: 'CCN chưa có ranh giới', en: 'Clusters without a boundary' },
};

/** The value of a measure for one row, as the server computed it. */
export function measureValue(row: StatsRow, m: Measure): number | null {
  return row[m];
}

export const SCALE = ['#f1f5fb', '#c9dcf0', '#93bde3', '#5597cf', '#2a6fb3', '#0d4a8a'];
export const NO_DATA = '#e7e7e7';

/**
 * Up to five equal-interval classes between the smallest and the largest positive value (upper bounds,
 * rounded up to integers for counts); zero keeps a class of its own, null is "no data".
 */
export function classBreaks(values: readonly (number | null)[], integer = false): { min: number; breaks: number[] } {
  const positive = values.filter((v): v is number => v !== null && v > 0);
  if (positive.length === 0) return { min: 0, breaks: [] };
  const min = Math.min(...positive);
  const max = Math.max(...positive);
  const step = (max - min) / 5;
  const raw = step === 0 ? [max] : [1, 2, 3, 4, 5].map((i) => (i === 5 ? max : min + step * i));
  const breaks = [...new Set(integer ? raw.map((b) => Math.ceil(b - 1e-9)) : raw)];
  return { min, breaks };
}

export function colorFor(value: number | null, breaks: readonly number[]): string {
  if (value === null) return NO_DATA;
  if (value <= 0 || breaks.length === 0) return SCALE[0]!;
  for (let i = 0; i < breaks.length; i++) if (value <= breaks[i]! + 1e-9) return SCALE[i + 1]!;
  return SCALE[SCALE.length - 1]!;
}
