/**
 * The cluster API as the editor, review and history screens use it. Responses are normalised here so
 * the components do not depend on small shape differences (array vs `{versions: []}` and the like).
 */
import type { Geometry } from 'geojson';
import { getJson, postJson, request, withQuery, del } from '../api/http.ts';
import type {
  AttributeChange,
  BoundaryGeometry,
  ClusterCollection,
  ClusterComment,
  ClusterDiff,
  ClusterFeature,
  ClusterProps,
  ClusterVersion,
  QueueItem,
} from './types.ts';

/** A cluster with the ETag to send back as If-Match. */
export interface Versioned {
  feature: ClusterFeature;
  etag: string;
}

const BASE = '/api/clusters';

function idOf(feature: ClusterFeature): string {
  const id = feature.id ?? (feature.properties as Record<string, unknown> | null)?.id;
  return id === undefined || id === null ? '' : String(id);
}

/** The server's ETag, or one built from the version property when a proxy dropped the header. */
function etagOf(etag: string | null, feature: ClusterFeature): string {
  if (etag) return etag;
  const v = feature.properties?.version;
  return v === undefined ? '' : `"${v}"`;
}

export function clusterId(feature: ClusterFeature): string {
  return idOf(feature);
}

export interface ListParams {
  province?: string | null;
  status?: string | null;
  bbox?: [number, number, number, number] | null;
  q?: string | null;
  limit?: number;
  offset?: number;
}

export function listClusters(params: ListParams = {}, signal?: AbortSignal): Promise<ClusterCollection> {
  return getJson<ClusterCollection>(
    withQuery(BASE, { ...params, bbox: params.bbox ? params.bbox.join(',') : undefined }),
    { signal },
  );
}

export async function getCluster(id: string, signal?: AbortSignal): Promise<Versioned> {
  const res = await request<ClusterFeature>('GET', `${BASE}/${encodeURIComponent(id)}`, undefined, { signal });
  return { feature: res.data, etag: etagOf(res.etag, res.data) };
}

export interface ClusterInput {
  geometry: BoundaryGeometry;
  properties: Record<string, unknown>;
  comment?: string;
}

function featureBody(input: ClusterInput) {
  return { type: 'Feature', geometry: input.geometry, properties: input.properties, ...(input.comment ? { comment: input.comment } : {}) };
}

export async function createCluster(input: ClusterInput): Promise<Versioned> {
  const res = await request<ClusterFeature>('POST', BASE, featureBody(input), { headers: { 'Content-Type': 'application/geo+json' } });
  return { feature: res.data, etag: etagOf(res.etag, res.data) };
}

export async function updateCluster(id: string, input: ClusterInput, etag: string): Promise<Versioned> {
  const res = await request<ClusterFeature>('PUT', `${BASE}/${encodeURIComponent(id)}`, featureBody(input), {
    headers: { 'If-Match': etag, 'Content-Type': 'application/geo+json' },
  });
  return { feature: res.data, etag: etagOf(res.etag, res.data) };
}

/** "Delete": the server writes a version whose status is `removed`. */
export async function removeCluster(id: string, etag: string, comment?: string): Promise<void> {
  await del(withQuery(`${BASE}/${encodeURIComponent(id)}`, { comment }), { headers: { 'If-Match': etag } });
}

export type ReviewAction = 'submit' | 'approve' | 'request-changes';

/** Moves the head version through review. If-Match pins the version the user actually looked at. */
export async function reviewAction(id: string, action: ReviewAction, comment: string, etag?: string | null): Promise<unknown> {
  const res = await request<unknown>('POST', `${BASE}/${encodeURIComponent(id)}/${action}`, { comment }, {
    headers: etag ? { 'If-Match': etag } : undefined,
  });
  return res.data;
}

function pickArray<T>(body: unknown, ...keys: string[]): T[] {
  if (Array.isArray(body)) return body as T[];
  if (body && typeof body === 'object') {
    for (const key of keys) {
      const v = (body as Record<string, unknown>)[key];
      if (Array.isArray(v)) return v as T[];
    }
  }
  return [];
}

export async function listVersions(id: string, signal?: AbortSignal): Promise<ClusterVersion[]> {
  const body = await getJson<unknown>(`${BASE}/${encodeURIComponent(id)}/versions`, { signal });
  const rows = pickArray<Record<string, unknown>>(body, 'versions', 'features', 'items');
  // FeatureCollection rows carry their fields in properties
  return rows
    .map((r) => (r && typeof r === 'object' && 'properties' in r && r.type === 'Feature' ? { ...(r.properties as object), geometry: r.geometry } : r) as ClusterVersion)
    .sort((a, b) => a.version - b.version);
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function asGeometry(v: unknown): Geometry | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if (o.type === 'Feature') return asGeometry(o.geometry);
  if (typeof o.type === 'string' && ('coordinates' in o || 'geometries' in o)) return o as unknown as Geometry;
  return null;
}

function geometryPart(body: Record<string, unknown>, key: 'added' | 'removed'): { geometry: Geometry | null; area: number | null } {
  const geometry = (body.geometry && typeof body.geometry === 'object' ? (body.geometry as Record<string, unknown>) : {}) as Record<string, unknown>;
  const raw = body[key] ?? geometry[key];
  let area = num(body[`${key}_area_ha`]) ?? num(body[`${key}_ha`]) ?? num(geometry[`${key}_area_ha`]) ?? num(geometry[`${key}_ha`]);
  if (raw && typeof raw === 'object' && !('type' in (raw as object))) {
    const o = raw as Record<string, unknown>;
    area ??= num(o.area_ha);
    return { geometry: asGeometry(o.geometry), area };
  }
  const feature = raw as { properties?: Record<string, unknown> } | null;
  area ??= num(feature?.properties?.area_ha);
  return { geometry: asGeometry(raw), area };
}

function normaliseChanges(raw: unknown): AttributeChange[] {
  if (Array.isArray(raw)) {
    return raw
      .filter((c): c is Record<string, unknown> => !!c && typeof c === 'object')
      .map((c) => ({ field: String(c.field ?? c.name ?? c.key ?? '?'), from: c.from ?? c.old ?? c.before ?? null, to: c.to ?? c.new ?? c.after ?? null }));
  }
  if (raw && typeof raw === 'object') {
    return Object.entries(raw as Record<string, unknown>).map(([field, v]) => {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const o = v as Record<string, unknown>;
        return { field, from: o.from ?? o.old ?? o.before ?? null, to: o.to ?? o.new ?? o.after ?? null };
      }
      if (Array.isArray(v) && v.length === 2) return { field, from: v[0], to: v[1] };
      return { field, from: null, to: v };
    });
  }
  return [];
}

export function compareProperties(a: Record<string, unknown>, b: Record<string, unknown>): AttributeChange[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys
    .filter((k) => JSON.stringify(a[k] ?? null) !== JSON.stringify(b[k] ?? null))
    .map((field) => ({ field, from: a[field] ?? null, to: b[field] ?? null }));
}

export function normaliseDiff(body: unknown, from: number, to: number): ClusterDiff {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const added = geometryPart(b, 'added');
  const removed = geometryPart(b, 'removed');
  const geometry = (b.geometry && typeof b.geometry === 'object' ? b.geometry : {}) as Record<string, unknown>;
  const side = (k: 'from' | 'to') => {
    const v = b[k];
    if (v && typeof v === 'object') return asGeometry((v as Record<string, unknown>).geometry ?? v);
    return asGeometry(b[`${k}_geometry`] ?? geometry[k]);
  };
  let changes = normaliseChanges(b.attributes ?? b.changes ?? b.changed ?? b.attribute_changes);
  // a diff that carries both property sets but no change list: compare them here
  if (!changes.length && b.from_properties && b.to_properties) changes = compareProperties(b.from_properties as Record<string, unknown>, b.to_properties as Record<string, unknown>);
  return {
    from: num(b.from_version) ?? num(b.from) ?? from,
    to: num(b.to_version) ?? num(b.to) ?? to,
    changes,
    added: added.geometry,
    removed: removed.geometry,
    added_area_ha: added.area,
    removed_area_ha: removed.area,
    from_geometry: side('from'),
    to_geometry: side('to'),
  };
}

export async function getDiff(id: string, from: number, to: number, signal?: AbortSignal): Promise<ClusterDiff> {
  const body = await getJson<unknown>(withQuery(`${BASE}/${encodeURIComponent(id)}/diff`, { from, to }), { signal });
  return normaliseDiff(body, from, to);
}

export async function listComments(id: string, signal?: AbortSignal): Promise<ClusterComment[]> {
  const body = await getJson<unknown>(`${BASE}/${encodeURIComponent(id)}/comments`, { signal });
  return pickArray<ClusterComment>(body, 'comments', 'items');
}

export async function addComment(id: string, body: string, version?: number | null): Promise<ClusterComment> {
  return postJson<ClusterComment>(`${BASE}/${encodeURIComponent(id)}/comments`, { body, comment: body, ...(version ? { version } : {}) });
}

function queueItem(raw: Record<string, unknown>): QueueItem {
  // the queue may list Features or plain rows
  const p = (raw.type === 'Feature' ? { ...(raw.properties as object), id: raw.id ?? (raw.properties as Record<string, unknown>)?.id } : raw) as Record<string, unknown>;
  return {
    ...p,
    geometry: (raw.geometry as QueueItem['geometry']) ?? null,
    id: String(p.id ?? p.cluster_id ?? ''),
    name: String(p.name ?? ''),
    version: Number(p.version ?? p.head_version ?? 0),
    published_version: (p.published_version as number | null | undefined) ?? null,
  } as QueueItem;
}

export async function reviewQueue(signal?: AbortSignal): Promise<QueueItem[]> {
  const body = await getJson<unknown>(`${BASE}/review-queue`, { signal });
  return pickArray<Record<string, unknown>>(body, 'features', 'items', 'queue', 'clusters').map(queueItem);
}

/** Server-side (PostGIS) validation without saving. Resolves to the server's report; a 422 rejects with ApiError details. */
export async function validateOnServer(input: ClusterInput & { id?: string | null }): Promise<unknown> {
  return postJson<unknown>(withQuery(`${BASE}/validate`, { id: input.id ?? undefined }), featureBody(input));
}

export type { ClusterProps };
