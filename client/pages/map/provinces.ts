import type { FeatureCollection, MultiPolygon, Feature } from 'geojson';
import { getJson } from '../../api/http.ts';
import type { Era } from '../../map/index.ts';

export interface ProvinceProps {
  code: string;
  name: string;
  short_name: string;
  /** null for a 2025 province spanning several regions */
  region: string | null;
  regions?: string[] | null;
  merged_from?: string[];
}

export interface ProvinceDetailProps extends ProvinceProps {
  region_name_vi?: string;
  region_name_en?: string;
  area_km2: number;
  district_count?: number;
  vn2000_epsg?: number | null;
  vn2000_central_meridian?: number | null;
  bbox: [number, number, number, number];
}

export type ProvinceCollection = FeatureCollection<MultiPolygon, ProvinceProps>;
export type ProvinceDetail = Feature<MultiPolygon, ProvinceDetailProps>;

// the admin data is immutable, so each response is fetched once per visit
const collections = new Map<Era, Promise<ProvinceCollection>>();
const details = new Map<string, Promise<ProvinceDetail>>();

function cached<K, V>(cache: Map<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> {
  let hit = cache.get(key);
  if (!hit) {
    hit = load().catch((err) => {
      cache.delete(key);
      throw err;
    });
    cache.set(key, hit);
  }
  return hit;
}

export function loadProvinces(era: Era): Promise<ProvinceCollection> {
  return cached(collections, era, () => getJson<ProvinceCollection>(`/api/provinces?era=${era}`));
}

export function loadProvince(era: Era, code: string): Promise<ProvinceDetail> {
  return cached(details, `${era}:${code}`, () => getJson<ProvinceDetail>(`/api/provinces/${encodeURIComponent(code)}?era=${era}`));
}
