import type { Map as MapLibreMap, GeoJSONSource, FilterSpecification } from 'maplibre-gl';
import { BEFORE, HATCH_PATTERN_ID, addHatchPattern, regionColorExpression } from '../../map/index.ts';
import type { ProvinceCollection } from './provinces.ts';

export const PROVINCE_SOURCE = 'public-provinces';
export const PROVINCE_LAYERS = {
  fill: 'public-province-fill',
  hatch: 'public-province-hatch',
  outline: 'public-province-outline',
} as const;

const EMPTY: ProvinceCollection = { type: 'FeatureCollection', features: [] };
const HIGHLIGHT = '#1f3a5f';

/** Region fills under the basemap's province lines; hover/selection outline above them, under the names. */
export function addProvinceLayers(map: MapLibreMap): void {
  if (map.getSource(PROVINCE_SOURCE)) return;
  addHatchPattern(map);
  map.addSource(PROVINCE_SOURCE, { type: 'geojson', data: EMPTY, promoteId: 'code' });
  map.addLayer(
    {
      id: PROVINCE_LAYERS.fill,
      type: 'fill',
      source: PROVINCE_SOURCE,
      paint: {
        'fill-color': regionColorExpression(),
        'fill-opacity': ['case', ['boolean', ['feature-state', 'hover'], false], 0.9, ['boolean', ['feature-state', 'selected'], false], 0.85, 0.62],
      },
    },
    BEFORE.boundaries,
  );
  map.addLayer(
    {
      id: PROVINCE_LAYERS.hatch,
      type: 'fill',
      source: PROVINCE_SOURCE,
      // 2025 provinces spanning several regions
      filter: ['!', ['to-boolean', ['get', 'region']]] as FilterSpecification,
      paint: { 'fill-pattern': HATCH_PATTERN_ID, 'fill-opacity': 0.7 },
    },
    BEFORE.boundaries,
  );
  map.addLayer(
    {
      id: PROVINCE_LAYERS.outline,
      type: 'line',
      source: PROVINCE_SOURCE,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': ['case', ['boolean', ['feature-state', 'selected'], false], HIGHLIGHT, ['boolean', ['feature-state', 'hover'], false], HIGHLIGHT, 'rgba(255,255,255,0.7)'],
        'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 2.6, ['boolean', ['feature-state', 'hover'], false], 1.6, 0.6],
      },
    },
    BEFORE.labels,
  );
}

export function setProvinceData(map: MapLibreMap, data: ProvinceCollection): void {
  map.getSource<GeoJSONSource>(PROVINCE_SOURCE)?.setData(data);
}

/** Sets a boolean feature-state on one province, clearing it from the previous one. */
export function moveFeatureState(map: MapLibreMap, key: 'hover' | 'selected', previous: string | null, next: string | null): void {
  if (!map.getSource(PROVINCE_SOURCE)) return;
  if (previous && previous !== next) map.setFeatureState({ source: PROVINCE_SOURCE, id: previous }, { [key]: false });
  if (next) map.setFeatureState({ source: PROVINCE_SOURCE, id: next }, { [key]: true });
}
