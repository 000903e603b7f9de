/**
 * Vector tile layers: the same names as the OGC collections, with a compact set of scalar attributes
 * (MVT has no arrays) that both encoders (ST_AsMVT and geojson-vt) write identically. Static SQL only.
 */
import type { LayerId } from '../public-data/layers.ts';

export interface TileLayer {
  id: Exclude<LayerId, 'regions'>;
  title: string;
  minzoom: number;
  maxzoom: number;
  /** FROM clause restricted to public rows (main alias t) */
  from: string;
  where: string[];
  /** geometry (SRID 4326) to draw; may differ for low zooms (pre-generalised display geometry) */
  geom: (z: number) => string;
  /** [attribute name, SQL expression] — text, float8, int or boolean only */
  attributes: Array<[string, string]>;
  /**
   * Below dropBelowZoom, only these attributes: per-feature unique strings (ids, names) would dominate a
   * low-zoom tile of thousands of tiny polygons that nobody can click at that zoom anyway.
   */
  lowZoomAttributes?: Array<[string, string]>;
  /** MVT field types for TileJSON */
  fields: Record<string, 'String' | 'Number' | 'Boolean'>;
  /**
   * Below this zoom, features whose bounding box is smaller than minSizePx(z) screen pixels (of a 512 px
   * tile, as MapLibre draws them) are dropped: specks that only make low-zoom tiles huge and slow.
   */
  dropBelowZoom: number;
  minSizePx: (z: number) => number;
  /**
   * Static conditions matching partial indexes, by ascending maxZoom: the first whose maxZoom ≥ z is added
   * (it must be implied by the size filter at that zoom, so it changes no result, only the plan).
   */
  lowZoomIndexes?: Array<{ maxZoom: number; predicate: string }>;
  /**
   * Geometry stored on the integer pixel grid of `zoom` (sql/042): tiles from `zoom` to `maxZoom` translate
   * and scale it instead of projecting and validating every feature (native encoder only).
   */
  tileGrid?: { column: string; zoom: number; maxZoom: number };
  /**
   * At `zoom`, tiles are read from cells of grid geometry collected per value of `columns` (sql/044), which must
   * be the layer's whole attribute set at that zoom; `state` tracks which cells are current.
   */
  tileCells?: { zoom: number; table: string; state: string; columns: string[] };
  cacheControl: string;
}

/** Same text as the partial indexes in sql/041 (with the t alias), so the planner can use them. */
const LOW_ZOOM_INDEXES = [
  { maxZoom: 8, predicate: 'greatest(ST_XMax(t.geom) - ST_XMin(t.geom), ST_YMax(t.geom) - ST_YMin(t.geom)) >= 0.004' },
  { maxZoom: 9, predicate: 'greatest(ST_XMax(t.geom) - ST_XMin(t.geom), ST_YMax(t.geom) - ST_YMin(t.geom)) >= 0.002' },
];

// Revalidate every time: an approval must show at once (the ETag makes a revalidation a cheap 304).
const FRESH = 'public, no-cache';

export const TILE_LAYERS: Record<TileLayer['id'], TileLayer> = {
  clusters: {
    id: 'clusters',
    title: 'Cụm công nghiệp (approved industrial clusters)',
    minzoom: 0,
    maxzoom: 16,
    from: 'clusters c JOIN cluster_versions t ON t.cluster_id = c.id AND t.version = c.published_version',
    where: ['c.published_version IS NOT NULL'],
    geom: () => 't.geom',
    attributes: [
      ['id', 'c.id::text'],
      ['code', 'c.code'],
      ['name', 't.name'],
      ['province_code', 't.province_code'],
      ['province_code_2009', 'c.province_code_2009'],
      ['status', 't.status'],
      ['area_ha', 'round(t.area_ha::numeric, 2)::float8'],
      ['occupancy_pct', "(t.properties->>'occupancy_pct')::float8"],
      ['wastewater', "t.properties->>'wastewater'"],
      ['investor', "t.properties->>'investor'"],
      // none: a location point (drawn as a symbol); provisional: drawn dashed (sql/090)
      ['boundary_status', 't.boundary_status'],
    ],
    fields: { id: 'String', code: 'String', name: 'String', province_code: 'String', province_code_2009: 'String', status: 'String', area_ha: 'Number', occupancy_pct: 'Number', wastewater: 'String', investor: 'String', boundary_status: 'String' },
    dropBelowZoom: 0,
    minSizePx: () => 0,
    cacheControl: FRESH,
  },
  'plan-items': {
    id: 'plan-items',
    title: 'Cụm công nghiệp trong quy hoạch (planned clusters)',
    minzoom: 0,
    maxzoom: 16,
    from: 'plan_items i JOIN plan_item_versions t ON t.item_id = i.id AND t.version = i.published_version JOIN plans pl ON pl.id = i.plan_id',
    where: ['i.published_version IS NOT NULL', "pl.status = 'approved'"],
    geom: () => 't.geom',
    attributes: [
      ['id', 'i.id::text'],
      ['name', 't.name'],
      ['province_code', 'province_unit_2025(t.province_code)'],
      ['province_code_2009', 't.province_code'],
      ['phase', 't.phase'],
      ['planned_area_ha', 't.planned_area_ha::float8'],
      ['status', 't.status'],
    ],
    fields: { id: 'String', name: 'String', province_code: 'String', province_code_2009: 'String', phase: 'String', planned_area_ha: 'Number', status: 'String' },
    dropBelowZoom: 0,
    minSizePx: () => 0,
    cacheControl: FRESH,
  },
  provinces: {
    id: 'provinces',
    title: 'Tỉnh, thành phố (provinces 2009–2025)',
    minzoom: 0,
    maxzoom: 14,
    from: 'provinces t',
    where: [],
    // the simplified display copy is plenty below z9 and much lighter
    geom: (z) => (z < 9 ? 't.geom_display' : 't.geom'),
    attributes: [
      ['code', 't.code'],
      ['name', 't.name'],
      ['region', 't.region_code'],
    ],
    fields: { code: 'String', name: 'String', region: 'String' },
    dropBelowZoom: 0,
    minSizePx: () => 0,
    cacheControl: FRESH,
  },
  'residential-zones': {
    id: 'residential-zones',
    title: 'Khu dân cư (residential zones)',
    minzoom: 8,
    maxzoom: 16,
    from: 'residential_zones t',
    where: [],
    geom: () => 't.geom',
    attributes: [
      ['id', 't.id::text'],
      ['kind', 't.kind'],
      ['name', 't.name'],
      ['population', 't.population::float8'],
    ],
    fields: { id: 'String', kind: 'String', name: 'String', population: 'Number' },
    lowZoomAttributes: [['kind', 't.kind']],
    // 1M zones around towns: at z8 the median zone is ~1 px; 1.75 px (z8) and 1.5 px (z9) keep the towns'
    // shape and the tiles under 500 KB (docs/benchmarks/tiles.md)
    dropBelowZoom: 12,
    minSizePx: (z) => (z <= 8 ? 1.75 : z === 9 ? 1.5 : 1),
    // 1.75 px is 0.0048° at z8 and 1.5 px 0.00206° at z9: above the partial indexes' 0.004 and 0.002
    lowZoomIndexes: LOW_ZOOM_INDEXES,
    // z13 from the z11 grid is at most 4 tile units (half a screen pixel) off; z14+ uses the exact geometry
    tileGrid: { column: 't.geom_tile_z11', zoom: 11, maxZoom: 13 },
    // z11 features carry only the kind: one feature per kind and tile draws the same
    tileCells: { zoom: 11, table: 'residential_zone_cells', state: 'residential_zone_cell_state', columns: ['kind'] },
    cacheControl: FRESH,
  },
};

export const TILE_EXTENT = 4096;
export const TILE_BUFFER = 64;
const SCREEN_TILE_PX = 512;

/** The size threshold in degrees of longitude (what the bbox filter compares with), 0 when nothing is dropped. */
export function minSizeDegrees(layer: TileLayer, z: number): number {
  const px = z >= layer.dropBelowZoom ? 0 : layer.minSizePx(z);
  return px <= 0 ? 0 : (px * 360) / (2 ** z * SCREEN_TILE_PX);
}

/** The stored grid the tile at zoom z is drawn from, if any. */
export function tileGridAt(layer: TileLayer, z: number): TileLayer['tileGrid'] | undefined {
  const grid = layer.tileGrid;
  return grid && z >= grid.zoom && z <= grid.maxZoom ? grid : undefined;
}

/** The collected cells the tile at zoom z is read from, if any. */
export function cellsAt(layer: TileLayer, z: number): TileLayer['tileCells'] | undefined {
  return layer.tileCells?.zoom === z ? layer.tileCells : undefined;
}

export function attributesAt(layer: TileLayer, z: number): Array<[string, string]> {
  return z < layer.dropBelowZoom && layer.lowZoomAttributes ? layer.lowZoomAttributes : layer.attributes;
}
