/**
 * Reads the `details` of an API error (422 invalid geometry, 400 invalid attributes, 409 conflict)
 * into what the editor shows: messages, map locations, overlaps with their area, the ST_MakeValid
 * preview and per-field attribute issues. Walks the object, so it tolerates small shape changes.
 */
import type { Geometry, Position } from 'geojson';
import type { AttributeIssue } from '@domain/cluster-attributes';
import { ApiError } from '../api/http.ts';

export interface Overlap {
  id: string | null;
  name: string | null;
  area_ha: number | null;
  geometry: Geometry | null;
}

export interface ServerProblems {
  status: number;
  code: string;
  message: string;
  messages: { vi: string; en: string; code?: string }[];
  locations: [number, number][];
  overlaps: Overlap[];
  preview: Geometry | null;
  fieldIssues: AttributeIssue[];
  /** The current version carried by a 409. */
  currentVersion: number | null;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function asPoint(v: unknown): [number, number] | null {
  if (Array.isArray(v) && v.length >= 2 && typeof v[0] === 'number' && typeof v[1] === 'number') return [v[0], v[1]];
  if (isObj(v)) {
    if (v.type === 'Point' && Array.isArray(v.coordinates)) return asPoint(v.coordinates);
    if (v.type === 'Feature') return asPoint(v.geometry);
    const lon = num(v.lon ?? v.lng ?? v.x);
    const lat = num(v.lat ?? v.y);
    if (lon !== null && lat !== null) return [lon, lat];
  }
  return null;
}

function asGeometry(v: unknown): Geometry | null {
  if (!isObj(v)) return null;
  if (v.type === 'Feature') return asGeometry(v.geometry);
  if (typeof v.type === 'string' && (Array.isArray(v.coordinates) || Array.isArray(v.geometries))) return v as unknown as Geometry;
  return null;
}

/** Parses "POINT(104.1 22.4)" as found in ST_IsValidReason output ("Self-intersection[104.1 22.4]"). */
function pointsInText(text: string): [number, number][] {
  const out: [number, number][] = [];
  for (const m of text.matchAll(/\[\s*(-?\d+(?:\.\d+)?)[\s,]+(-?\d+(?:\.\d+)?)\s*\]|POINT\s*\(\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*\)/gi)) {
    const x = Number(m[1] ?? m[3]);
    const y = Number(m[2] ?? m[4]);
    if (Number.isFinite(x) && Number.isFinite(y) && x > 90 && x < 120 && y > 0 && y < 30) out.push([x, y]);
  }
  return out;
}

export function readServerProblems(err: unknown): ServerProblems {
  const api = err instanceof ApiError ? err : null;
  const result: ServerProblems = {
    status: api?.status ?? 0,
    code: api?.code ?? 'error',
    message: (err as Error)?.message ?? String(err),
    messages: [],
    locations: [],
    overlaps: [],
    preview: null,
    fieldIssues: [],
    currentVersion: null,
  };
  const seenLoc = new Set<string>();
  const addLoc = (p: [number, number] | null) => {
    if (!p) return;
    const key = `${p[0].toFixed(7)},${p[1].toFixed(7)}`;
    if (seenLoc.has(key)) return;
    seenLoc.add(key);
    result.locations.push(p);
  };

  const walk = (v: unknown, key: string, depth: number): void => {
    if (depth > 6 || v === null || v === undefined) return;
    if (Array.isArray(v)) {
      v.forEach((x) => walk(x, key, depth + 1));
      return;
    }
    if (!isObj(v)) {
      if (typeof v === 'string' && /reason|message/i.test(key)) pointsInText(v).forEach(addLoc);
      return;
    }
    // one issue: {code, message, message_en, location, field}
    if (typeof v.message === 'string' && (typeof v.code === 'string' || typeof v.field === 'string')) {
      if (typeof v.field === 'string' && !/^geometry/.test(v.field)) {
        result.fieldIssues.push({
          field: v.field,
          code: (v.code as AttributeIssue['code']) ?? 'invalid-type',
          message: v.message,
          message_en: typeof v.message_en === 'string' ? v.message_en : v.message,
        });
      } else {
        result.messages.push({ vi: v.message, en: typeof v.message_en === 'string' ? v.message_en : v.message, code: typeof v.code === 'string' ? v.code : undefined });
      }
      pointsInText(v.message).forEach(addLoc);
    }
    if (typeof v.reason === 'string' && v.valid !== true) {
      result.messages.push({ vi: v.reason, en: v.reason, code: 'reason' });
      pointsInText(v.reason).forEach(addLoc);
    }
    for (const [k, child] of Object.entries(v)) {
      // warnings do not block; attributes/geometry echo the input
      if (k === 'warnings' || k === 'attributes' || k === 'geometry') continue;
      if (/^(location|point|at|position)$/i.test(k)) addLoc(asPoint(child));
      else if (/^(locations|points)$/i.test(k) && Array.isArray(child)) child.forEach((c) => addLoc(asPoint(c)));
      else if (/^(preview|valid_preview|make_valid|made_valid|makevalid|repaired|fixed)/i.test(k) && !result.preview) result.preview = asGeometry(child);
      else if (/^overlap/i.test(k)) {
        const list = Array.isArray(child) ? child : [child];
        for (const o of list) {
          if (!isObj(o)) continue;
          addLoc(asPoint(o.location));
          result.overlaps.push({
            id: o.id !== undefined ? String(o.id) : o.cluster_id !== undefined ? String(o.cluster_id) : null,
            name: typeof o.name === 'string' ? o.name : typeof o.cluster_name === 'string' ? o.cluster_name : (o.code as string) ?? null,
            area_ha: num(o.area_ha) ?? num(o.overlap_ha) ?? num(o.overlap_area_ha),
            geometry: asGeometry(o.geometry ?? o.overlap ?? o.intersection),
          });
        }
      } else if (/^(current_version|version|head_version)$/i.test(k) && result.currentVersion === null && num(child) !== null) {
        result.currentVersion = num(child);
      } else if (isObj(child) || Array.isArray(child)) walk(child, k, depth + 1);
      else if (typeof child === 'string' && /reason/i.test(k) && k !== 'reason') {
        result.messages.push({ vi: child, en: child, code: k });
        pointsInText(child).forEach(addLoc);
      }
    }
  };
  walk(api?.details, 'details', 0);
  // PostGIS's reason is often repeated by the issue that quotes it
  const seen = new Set<string>();
  result.messages = result.messages.filter((m) => {
    const key = m.vi.trim().toLowerCase();
    if (seen.has(key) || result.messages.some((o) => o !== m && o.vi.length > m.vi.length && o.vi.toLowerCase().includes(key) && m.code === 'reason')) return false;
    seen.add(key);
    return true;
  });
  return result;
}

/** Overlap areas, for the map layer. */
export function overlapFeatures(problems: ServerProblems) {
  return problems.overlaps
    .filter((o) => o.geometry)
    .map((o) => ({ type: 'Feature' as const, geometry: o.geometry!, properties: { name: o.name, area_ha: o.area_ha } }));
}

export function locationFeatures(locations: readonly Position[]) {
  return locations.map((p) => ({ type: 'Feature' as const, geometry: { type: 'Point' as const, coordinates: [p[0], p[1]] }, properties: {} }));
}
