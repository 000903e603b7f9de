/**
 * Hazard classes and the isolation distance each one requires from residential areas.
 * The numbers are regulation data (gis-data/regulations/isolation-distances.json), not code,
 * so an amended standard is a data edit; the table is checked when this module loads so a
 * bad edit fails at start-up instead of silently weakening the rule.
 */
import isolationData from '../../gis-data/regulations/isolation-distances.json' with { type: 'json' };

export const HAZARD_CLASSES = ['I', 'II', 'III', 'IV', 'V'] as const;
export type HazardClass = (typeof HAZARD_CLASSES)[number];

export interface IsolationClassEntry {
  distance_m: number;
  label?: string;
  label_en?: string;
}

export interface IsolationDistanceTable {
  id: string;
  unit: 'm';
  classes: Record<HazardClass, IsolationClassEntry>;
  unknown_class: 'strictest';
  green_buffer_min_m: number;
  sources: { distances: string; distances_en?: string; green_buffer: string; green_buffer_en?: string };
  title?: string;
  title_en?: string;
  notes?: string[];
}

export interface IsolationRequirement {
  /** null when the class was missing or not recognised. */
  hazard_class: HazardClass | null;
  distance_m: number;
  /** true when the class was unknown and the strictest distance was applied instead. */
  assumed_strictest: boolean;
  source: string;
}

export function isHazardClass(value: unknown): value is HazardClass {
  return typeof value === 'string' && (HAZARD_CLASSES as readonly string[]).includes(value);
}

/** Accepts 'III', ' iii ', 3 or '3'; anything else is null (unknown class). */
export function parseHazardClass(value: unknown): HazardClass | null {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 1 && value <= 5 ? HAZARD_CLASSES[value - 1]! : null;
  }
  if (typeof value !== 'string') return null;
  const s = value.trim().toUpperCase();
  if (isHazardClass(s)) return s;
  if (/^[1-5]$/.test(s)) return HAZARD_CLASSES[Number(s) - 1]!;
  return null;
}

/** Structural check of a loaded table; errors are plain strings for start-up logs. */
export function validateIsolationTable(obj: unknown): { ok: boolean; errors: string[] } {
  const errors: string[] = [];
  if (typeof obj !== 'object' || obj === null) return { ok: false, errors: ['table must be an object'] };
  const t = obj as Record<string, unknown>;
  if (t.unit !== 'm') errors.push('unit must be "m"');
  if (t.unknown_class !== 'strictest') errors.push('unknown_class must be "strictest"');
  const classes = t.classes as Record<string, unknown> | undefined;
  if (typeof classes !== 'object' || classes === null) {
    errors.push('classes must be an object');
  } else {
    let previous = Infinity;
    for (const c of HAZARD_CLASSES) {
      const entry = classes[c] as Record<string, unknown> | undefined;
      const d = entry?.distance_m;
      if (typeof d !== 'number' || !Number.isFinite(d) || d <= 0) {
        errors.push(`classes.${c}.distance_m must be a positive number`);
        continue;
      }
      // Class I is the most hazardous; a lower class needing a larger distance is a data error.
      if (d > previous) errors.push(`classes.${c}.distance_m must not exceed the distance of the more hazardous class`);
      previous = d;
    }
    for (const k of Object.keys(classes)) if (!isHazardClass(k)) errors.push(`classes.${k} is not a hazard class`);
  }
  const g = t.green_buffer_min_m;
  if (typeof g !== 'number' || !Number.isFinite(g) || g < 0) errors.push('green_buffer_min_m must be a non-negative number');
  const src = t.sources as Record<string, unknown> | undefined;
  if (typeof src?.distances !== 'string' || typeof src?.green_buffer !== 'string') {
    errors.push('sources.distances and sources.green_buffer must be strings');
  }
  return { ok: errors.length === 0, errors };
}

function assertIsolationTable(obj: unknown): IsolationDistanceTable {
  const r = validateIsolationTable(obj);
  if (!r.ok) throw new Error(`isolation-distances.json is invalid: ${r.errors.join('; ')}`);
  return obj as IsolationDistanceTable;
}

export const DEFAULT_ISOLATION_TABLE: IsolationDistanceTable = assertIsolationTable(isolationData);

/** The largest distance in the table: applied when the hazard class is unknown. */
export function strictestDistanceM(table: IsolationDistanceTable = DEFAULT_ISOLATION_TABLE): number {
  return Math.max(...HAZARD_CLASSES.map((c) => table.classes[c].distance_m));
}

/** Required isolation distance; an unknown/null class gets the strictest distance with a flag. */
export function isolationDistance(
  hazardClass: unknown,
  table: IsolationDistanceTable = DEFAULT_ISOLATION_TABLE,
): IsolationRequirement {
  const parsed = parseHazardClass(hazardClass);
  if (parsed === null) {
    return {
      hazard_class: null,
      distance_m: strictestDistanceM(table),
      assumed_strictest: true,
      source: table.sources.distances,
    };
  }
  return {
    hazard_class: parsed,
    distance_m: table.classes[parsed].distance_m,
    assumed_strictest: false,
    source: table.sources.distances,
  };
}

export function isolationDistanceM(hazardClass: unknown, table: IsolationDistanceTable = DEFAULT_ISOLATION_TABLE): number {
  return isolationDistance(hazardClass, table).distance_m;
}

export function greenBufferMinM(table: IsolationDistanceTable = DEFAULT_ISOLATION_TABLE): number {
  return table.green_buffer_min_m;
}
