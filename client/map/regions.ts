import type { Map as MapLibreMap, ExpressionSpecification } from 'maplibre-gl';
import type { Bilingual } from '../i18n/dictionary.ts';

export const REGION_KEYS = [
  'trung-du-mien-nui-phia-bac',
  'dong-bang-song-hong',
  'bac-trung-bo-duyen-hai-mien-trung',
  'tay-nguyen',
  'dong-nam-bo',
  'dong-bang-song-cuu-long',
] as const;
export type RegionKey = (typeof REGION_KEYS)[number];

/**
 * Paul Tol's "light" qualitative scheme: distinguishable with the common colour-vision deficiencies
 * and light enough for dark labels on top. Neighbouring regions get contrasting hues.
 */
export const REGION_COLORS: Record<RegionKey, string> = {
  'trung-du-mien-nui-phia-bac': '#44BB99',
  'dong-bang-song-hong': '#EE8866',
  'bac-trung-bo-duyen-hai-mien-trung': '#EEDD88',
  'tay-nguyen': '#FFAABB',
  'dong-nam-bo': '#77AADD',
  'dong-bang-song-cuu-long': '#BBCC33',
};

/** 2025 provinces that span two regions. */
export const MULTI_REGION_COLOR = '#DDDDDD';
export const HATCH_PATTERN_ID = 'cluster-atlas-hatch';

export const REGION_NAMES: Record<RegionKey, Bilingual> = {
  'trung-du-mien-nui-phia-bac': { vi: 'Trung du và miền núi phía Bắc', en: 'Northern Midlands and Mountains' },
  'dong-bang-song-hong': { vi: 'Đồng bằng sông Hồng', en: 'Red River Delta' },
  'bac-trung-bo-duyen-hai-mien-trung': { vi: 'Bắc Trung Bộ và duyên hải miền Trung', en: 'North Central and Central Coast' },
  'tay-nguyen': { vi: 'Tây Nguyên', en: 'Central Highlands' },
  'dong-nam-bo': { vi: 'Đông Nam Bộ', en: 'Southeast' },
  'dong-bang-song-cuu-long': { vi: 'Đồng bằng sông Cửu Long', en: 'Mekong Delta' },
};

export function isRegionKey(value: unknown): value is RegionKey {
  return typeof value === 'string' && (REGION_KEYS as readonly string[]).includes(value);
}

/** `fill-color` by a region-key property; anything else (null = several regions) gets the neutral colour. */
export function regionColorExpression(property = 'region'): ExpressionSpecification {
  const pairs = REGION_KEYS.flatMap((key) => [key, REGION_COLORS[key]]);
  return ['match', ['coalesce', ['get', property], ''], ...pairs, MULTI_REGION_COLOR] as unknown as ExpressionSpecification;
}

/** Registers a diagonal-stripe pattern for `fill-pattern` (drawn in code: the offline style has no sprite). */
export function addHatchPattern(map: MapLibreMap, id = HATCH_PATTERN_ID, rgb: [number, number, number] = [110, 116, 128]): void {
  if (map.hasImage(id)) return;
  const size = 16;
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // 45° stripes, 3 px wide every 8 px; wraps seamlessly because 8 divides 16
      if ((x + y) % 8 < 3) {
        const i = (y * size + x) * 4;
        data.set([...rgb, 170], i);
      }
    }
  }
  map.addImage(id, { width: size, height: size, data }, { pixelRatio: 2 });
}
