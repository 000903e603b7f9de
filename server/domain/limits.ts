/**
 * Input limits, declared once. The request edge enforces them on every JSON body and query string, the
 * validators and the import check use the same figures, and the UI shows them in its messages.
 */

/** JSON bodies nested deeper than this are refused before parsing (a GeoJSON MultiPolygon needs 6). */
export const JSON_MAX_DEPTH = 64;

/** Any text value anywhere in a body or query, when no field limit below applies. */
export const TEXT_MAX_CHARS = 20_000;

/** Maximum characters per named text field, wherever the field appears in a body. */
export const TEXT_FIELD_MAX_CHARS: Readonly<Record<string, number>> = {
  name: 300,
  code: 64,
  investor: 300,
  decision_no: 100,
  decision_authority: 300,
  display_name: 200,
  username: 64,
  password: 256,
  text: 5_000,
  comment: 5_000,
  reason: 2_000,
  note: 5_000,
  title: 300,
  description: 5_000,
};

/** Maximum elements per named list field. Coordinates are bounded by the vertex limit instead. */
export const LIST_FIELD_MAX_ITEMS: Readonly<Record<string, number>> = {
  communes: 50,
  commune_codes: 50,
  industries: 50,
  features: 100_000,
};

/** Closed ranges of named numeric fields. */
export const NUMBER_FIELD_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  planned_area_ha: [0, 100_000],
  declared_area_ha: [0, 100_000],
  industrial_land_ha: [0, 100_000],
  leased_ha: [0, 100_000],
  occupancy_pct: [0, 100],
  tenants: [0, 1_000_000],
  workers: [0, 10_000_000],
  investment_capital_bn_vnd: [0, 100_000_000],
  version: [1, 2_147_483_647],
  supersedes: [1, 2_147_483_647],
  population: [0, 100_000_000],
};

/** Integer query parameters (limit, offset, version, …) are stored or compared as PostgreSQL int4. */
export const QUERY_INTEGER_MAX = 2_147_483_647;

/** Vertices per geometry: validation cost is bounded by this. */
export const GEOMETRY_MAX_VERTICES = 50_000;

/** Anonymous geometry checks and proximity analyses per address and minute. */
export const ANONYMOUS_ANALYSIS_PER_MINUTE = 60;

/** Smallest cluster polygon accepted (m²): anything smaller is a digitising slip, not a cluster. */
export const CLUSTER_MIN_AREA_M2 = 100;

/** Import files. */
export const IMPORT_LIMITS = {
  maxRows: 200_000,
  maxUploadBytes: 200 * 1024 * 1024,
  /** Uncompressed bytes of one zip (KMZ, zipped SHP) member. */
  maxZipMemberBytes: 300 * 1024 * 1024,
  /** Uncompressed ÷ compressed size of one zip member; real shapefiles and KML stay far below. */
  maxZipCompressionRatio: 100,
  maxZipMembers: 1_000,
  maxMemberNameChars: 255,
  /** A check (reading, transforming, validating) running longer is stopped. */
  checkSeconds: 600,
} as const;

export interface LimitViolation {
  path: string;
  rule: 'control-character' | 'text-too-long' | 'list-too-long' | 'number-out-of-range' | 'too-deep';
  limit?: number | readonly [number, number];
}

// C0 controls but tab, LF and CR; DEL. PostgreSQL text cannot hold NUL at all.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export function hasControlCharacters(text: string): boolean {
  return CONTROL_CHARACTERS.test(text);
}

/**
 * Checks a parsed JSON value against the limits, without recursion (a hostile body may be deep).
 * Returns the first violations found, at most `max`.
 */
export function findLimitViolations(value: unknown, max = 10): LimitViolation[] {
  const out: LimitViolation[] = [];
  const stack: { v: unknown; path: string; key: string; depth: number }[] = [{ v: value, path: '$', key: '', depth: 0 }];
  while (stack.length && out.length < max) {
    const { v, path, key, depth } = stack.pop()!;
    if (depth > JSON_MAX_DEPTH) {
      out.push({ path, rule: 'too-deep', limit: JSON_MAX_DEPTH });
      continue;
    }
    if (typeof v === 'string') {
      if (hasControlCharacters(v)) out.push({ path, rule: 'control-character' });
      const limit = TEXT_FIELD_MAX_CHARS[key] ?? TEXT_MAX_CHARS;
      if (v.length > limit) out.push({ path, rule: 'text-too-long', limit });
    } else if (typeof v === 'number') {
      const range = NUMBER_FIELD_RANGES[key];
      if (range ? !(v >= range[0] && v <= range[1]) : !Number.isFinite(v) || Math.abs(v) > Number.MAX_SAFE_INTEGER) {
        out.push({ path, rule: 'number-out-of-range', limit: range ?? [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] });
      }
    } else if (Array.isArray(v)) {
      const limit = LIST_FIELD_MAX_ITEMS[key];
      if (limit !== undefined && v.length > limit) out.push({ path, rule: 'list-too-long', limit });
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: `${path}[${i}]`, key: '', depth: depth + 1 });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (hasControlCharacters(k)) out.push({ path: `${path}.${k}`, rule: 'control-character' });
        stack.push({ v: child, path: `${path}.${k}`, key: k, depth: depth + 1 });
      }
    }
  }
  return out;
}

/**
 * The nesting depth of a JSON text, found by scanning (strings skipped), so that a body nested 100,000 deep
 * is refused before the parser or any recursive walker sees it.
 */
export function jsonNestingDepth(text: string, stopAbove = JSON_MAX_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}
