/**
 * Residential zones on a MapLibre map: one GeoJSON source loaded by bbox from /api/residential-zones,
 * a fill per kind, an outline, and a highlight layer for zones that violate an isolation distance.
 * `ResidentialLegend` (legend with one toggle per kind) is written without JSX so this stays a .ts module.
 */
import { createElement as h, useEffect, useState } from 'react';
import type { ExpressionSpecification, FilterSpecification, GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { FeatureCollection, Geometry } from 'geojson';
import { BEFORE } from '../map/index.ts';
import { getJson, withQuery } from '../api/http.ts';
import { useLocale } from '../i18n/index.tsx';

export const RESIDENTIAL_SOURCE = 'analysis-residential';
export const RESIDENTIAL_LAYERS = {
  fill: 'analysis-residential-fill',
  outline: 'analysis-residential-outline',
  highlight: 'analysis-residential-highlight',
} as const;

export const RESIDENTIAL_KINDS = ['urban', 'rural-settlement', 'craft-village', 'sensitive'] as const;
export type ResidentialKind = (typeof RESIDENTIAL_KINDS)[number];

export const RESIDENTIAL_COLORS: Record<ResidentialKind, string> = {
  urban: '#d9822b',
  'rural-settlement': '#e3b95c',
  'craft-village': '#a86fb5',
  sensitive: '#d6336c',
};
export const RESIDENTIAL_LABELS: Record<ResidentialKind, { vi: string; en: string }> = {
  urban: { vi: 'Khu dân cư đô thị', en: 'Urban area' },
  'rural-settlement': { vi: 'Điểm dân cư nông thôn', en: 'Rural settlement' },
  'craft-village': { vi: 'Làng nghề', en: 'Craft village' },
  sensitive: { vi: 'Công trình nhạy cảm (trường học, bệnh viện…)', en: 'Sensitive site (school, hospital…)' },
};

export type ResidentialCollection = FeatureCollection<Geometry, { id: number; kind: ResidentialKind; name: string | null; population: number | null; source: string }>;

const EMPTY: ResidentialCollection = { type: 'FeatureCollection', features: [] };

const colorExpression: ExpressionSpecification = [
  'match', ['get', 'kind'],
  'urban', RESIDENTIAL_COLORS.urban,
  'rural-settlement', RESIDENTIAL_COLORS['rural-settlement'],
  'craft-village', RESIDENTIAL_COLORS['craft-village'],
  'sensitive', RESIDENTIAL_COLORS.sensitive,
  '#999999',
];

/** Adds the source and layers once (idempotent). */
export function addResidentialLayer(map: MapLibreMap): void {
  if (map.getSource(RESIDENTIAL_SOURCE)) return;
  map.addSource(RESIDENTIAL_SOURCE, { type: 'geojson', data: EMPTY, promoteId: 'id' });
  map.addLayer({ id: RESIDENTIAL_LAYERS.fill, type: 'fill', source: RESIDENTIAL_SOURCE, paint: { 'fill-color': colorExpression, 'fill-opacity': 0.45 } }, BEFORE.labels);
  map.addLayer({ id: RESIDENTIAL_LAYERS.outline, type: 'line', source: RESIDENTIAL_SOURCE, paint: { 'line-color': colorExpression, 'line-width': 1 } }, BEFORE.labels);
  map.addLayer(
    {
      id: RESIDENTIAL_LAYERS.highlight,
      type: 'line',
      source: RESIDENTIAL_SOURCE,
      filter: ['in', ['get', 'id'], ['literal', []]] as FilterSpecification,
      paint: { 'line-color': '#c92a2a', 'line-width': 3.5 },
    },
    BEFORE.labels,
  );
}

/** Fetches the zones in the current view (or a given bbox) and shows them; returns the collection. */
export async function loadResidentialZones(map: MapLibreMap, bbox?: [number, number, number, number]): Promise<ResidentialCollection> {
  const b = bbox ?? (map.getBounds().toArray().flat() as [number, number, number, number]);
  const data = await getJson<ResidentialCollection>(withQuery('/api/residential-zones', { bbox: b.map((n) => n.toFixed(5)).join(','), limit: 20000 }));
  map.getSource<GeoJSONSource>(RESIDENTIAL_SOURCE)?.setData(data);
  return data;
}

/** Shows only the kinds that are switched on. */
export function setResidentialKinds(map: MapLibreMap, visible: Record<ResidentialKind, boolean>): void {
  const on = RESIDENTIAL_KINDS.filter((k) => visible[k]);
  const filter = ['in', ['get', 'kind'], ['literal', on]] as FilterSpecification;
  for (const id of [RESIDENTIAL_LAYERS.fill, RESIDENTIAL_LAYERS.outline]) if (map.getLayer(id)) map.setFilter(id, filter);
}

/** Outlines the given zones in red (the ones breaking the isolation distance). */
export function highlightResidentialZones(map: MapLibreMap, ids: readonly number[]): void {
  if (map.getLayer(RESIDENTIAL_LAYERS.highlight)) map.setFilter(RESIDENTIAL_LAYERS.highlight, ['in', ['get', 'id'], ['literal', [...ids]]] as FilterSpecification);
}

/** Legend with a checkbox per kind; toggling updates the layer filter on the given map. */
export function ResidentialLegend({ map, onChange }: { map: MapLibreMap | null; onChange?: (visible: Record<ResidentialKind, boolean>) => void }) {
  const { locale } = useLocale();
  const [visible, setVisible] = useState<Record<ResidentialKind, boolean>>({ urban: true, 'rural-settlement': true, 'craft-village': true, sensitive: true });
  useEffect(() => {
    if (map) setResidentialKinds(map, visible);
    onChange?.(visible);
  }, [map, visible, onChange]);
  return h(
    'section',
    { className: 'legend analysis-legend', 'aria-label': locale === 'vi' ? 'Khu dân cư' : 'Residential zones' },
    h('div', { className: 'legend__title' }, locale === 'vi' ? 'Khu dân cư' : 'Residential zones'),
    h(
      'ul',
      { className: 'legend__list' },
      RESIDENTIAL_KINDS.map((k) =>
        h(
          'li',
          { key: k, className: 'legend__item' },
          h(
            'label',
            { className: 'analysis-legend__toggle' },
            h('input', { type: 'checkbox', checked: visible[k], onChange: () => setVisible((v) => ({ ...v, [k]: !v[k] })), 'data-kind': k }),
            h('span', { className: 'legend__swatch', style: { backgroundColor: RESIDENTIAL_COLORS[k] }, 'aria-hidden': true }),
            h('span', null, RESIDENTIAL_LABELS[k][locale]),
          ),
        ),
      ),
      h(
        'li',
        { className: 'legend__item' },
        h('span', { className: 'legend__swatch', style: { backgroundColor: 'transparent', border: '3px solid #c92a2a' }, 'aria-hidden': true }),
        h('span', null, locale === 'vi' ? 'Vi phạm khoảng cách ly' : 'Within the isolation distance'),
      ),
    ),
  );
}
