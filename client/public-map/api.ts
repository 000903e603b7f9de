import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { getJson, withQuery } from '../api/http.ts';

/** The public properties of a published cluster (GET /api/clusters, server/clusters/README.md). */
export interface PublicClusterProps {
  id: string;
  code: string;
  name: string;
  province_code: string;
  district_code: string | null;
  status: string;
  decision_no: string | null;
  decision_date: string | null;
  decision_authority: string | null;
  industrial_land_ha: number | null;
  leased_ha: number | null;
  occupancy_pct: number | null;
  investor: string | null;
  industries: string[] | null;
  wastewater: string | null;
  area_ha: number;
  version: number;
}

export type PublicCluster = Feature<Geometry, PublicClusterProps>;
export type PublicClusterCollection = FeatureCollection<Geometry, PublicClusterProps> & { numberMatched?: number };

export interface ProvinceOption {
  code: string;
  name: string;
  short_name: string;
}

export interface OpportunityCluster {
  id: string;
  code: string;
  name: string;
  province_code: string;
  province_name: string;
  status: string;
  area_ha: number;
  industrial_land_ha: number | null;
  free_ha: number;
  occupancy_pct: number | null;
  industries: string[];
  infrastructure: { investor: string | null; wastewater: string | null };
  contact: { office: string; office_en: string };
  lon: number;
  lat: number;
}

export interface PlannedOpportunity {
  source: 'registry' | 'plan';
  id: string;
  code: string | null;
  name: string;
  province_code: string;
  province_name: string;
  status: string;
  phase: string | null;
  planned_area_ha: number | null;
  contact: { office: string; office_en: string };
  lon: number | null;
  lat: number | null;
}

export interface Opportunities {
  clusters_with_free_land: OpportunityCluster[];
  planned_without_investor: PlannedOpportunity[];
}

export interface DownloadInfo {
  layer: string;
  title: string;
  licence: { name: string; url: string; attribution: string };
  data_date: string | null;
  formats: { geojson: string; csv: string };
}

/** Data versions of the tile layers; a change means the layer's tiles are stale. */
export type LayerVersions = Record<string, number | null>;

export const SEARCH_LIMIT = 50;

export function searchClusters(params: { q?: string; province?: string }, signal?: AbortSignal): Promise<PublicClusterCollection> {
  return getJson<PublicClusterCollection>(withQuery('/api/clusters', { q: params.q, province: params.province, limit: SEARCH_LIMIT }), { signal });
}

export function loadCluster(code: string, signal?: AbortSignal): Promise<PublicCluster> {
  return getJson<PublicCluster>(`/api/clusters/${encodeURIComponent(code)}`, { signal });
}

// cluster province codes are 2025 units (the current division); immutable, so fetched once per visit
let provincesPromise: Promise<ProvinceOption[]> | undefined;
export function loadProvinceOptions(): Promise<ProvinceOption[]> {
  provincesPromise ??= getJson<FeatureCollection<Geometry, ProvinceOption>>('/api/provinces').then(
    (fc) => {
      const collator = new Intl.Collator('vi');
      return fc.features.map((f) => ({ code: f.properties.code, name: f.properties.name, short_name: f.properties.short_name })).sort((a, b) => collator.compare(a.short_name, b.short_name));
    },
    (err) => {
      provincesPromise = undefined;
      throw err;
    },
  );
  return provincesPromise;
}

export function loadOpportunities(params: { province?: string; industry?: string }, signal?: AbortSignal): Promise<Opportunities> {
  return getJson<Opportunities>(withQuery('/api/public/opportunities', params), { signal });
}

export async function loadDownloads(): Promise<DownloadInfo[]> {
  return (await getJson<{ downloads: DownloadInfo[] }>('/api/public/downloads')).downloads;
}

export function loadLayerVersions(): Promise<LayerVersions> {
  return getJson<LayerVersions>('/tiles/versions.json');
}

/** [minLon, minLat, maxLon, maxLat] of any GeoJSON geometry. */
export function geometryBbox(geometry: Geometry | null): [number, number, number, number] | null {
  if (!geometry) return null;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as number[];
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  if (geometry.type === 'GeometryCollection') geometry.geometries.forEach((g) => visit('coordinates' in g ? g.coordinates : []));
  else visit(geometry.coordinates);
  return Number.isFinite(minX) ? [minX, minY, maxX, maxY] : null;
}
