export { MapView, useMap, defaultVietnamBounds, VIETNAM_BOUNDS, VIETNAM_MAINLAND_BOUNDS, type MapViewProps } from './MapView.tsx';
export { Legend, RegionLegend, type LegendItem, type LegendProps } from './Legend.tsx';
export { BASEMAP_IDS, BEFORE, ATTRIBUTION, setBasemapEra, resolveMapStyle, type Era } from './basemap.ts';
export {
  REGION_KEYS,
  REGION_COLORS,
  REGION_NAMES,
  MULTI_REGION_COLOR,
  HATCH_PATTERN_ID,
  regionColorExpression,
  addHatchPattern,
  isRegionKey,
  type RegionKey,
} from './regions.ts';
