/**
 * The offline MapLibre style (spec v8). No `glyphs` URL: MapLibre ≥ 5.11 then draws every label locally
 * with TinySDF, treating `text-font` entries as CSS font families, so the map needs no font server.
 */
export const BASEMAP_FONT_STACK = ['Noto Sans', 'DejaVu Sans', 'sans-serif'];
// MapLibre sniffs "Italic" from the first family name and asks the browser for the italic face
const ITALIC_FONT_STACK = ['Noto Sans Italic', 'DejaVu Sans', 'sans-serif'];

/** Sea and archipelago names, drawn at every zoom of the national map. */
const MARINE_LABELS = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { name: 'Biển Đông', kind: 'sea' }, geometry: { type: 'Point', coordinates: [112.2, 13.2] } },
    { type: 'Feature', properties: { name: 'Quần đảo Hoàng Sa', kind: 'archipelago' }, geometry: { type: 'Point', coordinates: [111.9, 16.05] } },
    { type: 'Feature', properties: { name: 'Quần đảo Trường Sa', kind: 'archipelago' }, geometry: { type: 'Point', coordinates: [114.3, 9.6] } },
  ],
};

export const BASEMAP_ATTRIBUTION = '© Open Development Vietnam (CC BY-SA 4.0); GSO codes via dvhcvn';

/** Layer metadata key: `base` layers are dropped when an online basemap is drawn underneath ours. */
export const ROLE_KEY = 'cluster-atlas:role';

export const BASEMAP_IDS = {
  landSource: 'basemap-land',
  provincesSource: 'basemap-provinces',
  labelsSource: 'basemap-labels',
  marineSource: 'basemap-marine',
  background: 'basemap-background',
  land: 'basemap-land',
  coastline: 'basemap-coastline',
  provinceBoundary: 'basemap-province-boundary',
  provinceLabel: 'basemap-province-label',
  marineLabel: 'basemap-marine-label',
} as const;

export const BASEMAP_COLORS = {
  sea: '#dbe7ee',
  land: '#f6f4ef',
  coastline: '#9db4c2',
  boundary: '#8c929c',
  label: '#333a45',
  labelHalo: '#ffffff',
  marineLabel: '#4f7591',
};

export function buildBasemapStyle(): Record<string, unknown> {
  const ids = BASEMAP_IDS;
  return {
    version: 8,
    name: 'Cluster Atlas — offline basemap',
    metadata: { 'cluster-atlas:version': 1 },
    // Vietnam, mainland and islands
    center: [106.3, 16.0],
    zoom: 4.6,
    sources: {
      [ids.landSource]: { type: 'geojson', data: '/api/basemap/land.geojson', attribution: BASEMAP_ATTRIBUTION },
      [ids.provincesSource]: { type: 'geojson', data: '/api/provinces?era=2025', promoteId: 'code' },
      [ids.labelsSource]: { type: 'geojson', data: '/api/basemap/labels.geojson?era=2025', promoteId: 'code' },
      [ids.marineSource]: { type: 'geojson', data: MARINE_LABELS },
    },
    layers: [
      { id: ids.background, type: 'background', metadata: { [ROLE_KEY]: 'base' }, paint: { 'background-color': BASEMAP_COLORS.sea } },
      {
        id: ids.land,
        type: 'fill',
        source: ids.landSource,
        metadata: { [ROLE_KEY]: 'base' },
        paint: { 'fill-color': BASEMAP_COLORS.land },
      },
      {
        id: ids.coastline,
        type: 'line',
        source: ids.landSource,
        metadata: { [ROLE_KEY]: 'base' },
        paint: { 'line-color': BASEMAP_COLORS.coastline, 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 0.5, 10, 1.2] },
      },
      {
        id: ids.provinceBoundary,
        type: 'line',
        source: ids.provincesSource,
        metadata: { [ROLE_KEY]: 'overlay' },
        layout: { 'line-join': 'round' },
        paint: {
          'line-color': BASEMAP_COLORS.boundary,
          'line-width': ['interpolate', ['linear'], ['zoom'], 4, 0.4, 8, 1, 12, 1.6],
          'line-opacity': 0.8,
        },
      },
      {
        id: ids.provinceLabel,
        type: 'symbol',
        source: ids.labelsSource,
        metadata: { [ROLE_KEY]: 'overlay' },
        minzoom: 4.5,
        layout: {
          'text-field': ['get', 'short_name'],
          'text-font': BASEMAP_FONT_STACK,
          'text-size': ['interpolate', ['linear'], ['zoom'], 4.5, 10, 7, 12, 10, 15],
          'text-max-width': 7,
          'text-padding': 3,
        },
        paint: {
          'text-color': BASEMAP_COLORS.label,
          'text-halo-color': BASEMAP_COLORS.labelHalo,
          'text-halo-width': 1.4,
          'text-halo-blur': 0.3,
        },
      },
      {
        id: ids.marineLabel,
        type: 'symbol',
        source: ids.marineSource,
        metadata: { [ROLE_KEY]: 'overlay' },
        layout: {
          'text-field': ['get', 'name'],
          'text-font': ITALIC_FONT_STACK,
          'text-size': ['match', ['get', 'kind'], 'sea', 15, 12],
          'text-letter-spacing': ['match', ['get', 'kind'], 'sea', 0.2, 0.05],
          'text-max-width': 8,
        },
        paint: {
          'text-color': BASEMAP_COLORS.marineLabel,
          'text-halo-color': 'rgba(255,255,255,0.6)',
          'text-halo-width': 1,
        },
      },
    ],
  };
}
