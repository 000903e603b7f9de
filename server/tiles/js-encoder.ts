/**
 * The JavaScript MVT encoder for the embedded driver (its PostGIS has no protobuf, so no ST_AsMVT):
 * geojson-vt clips and quantises one tile, vt-pbf writes it. Same layer name, extent, buffer and
 * attributes as the ST_AsMVT path.
 */
import { geoJSONToTile, type GeoJSONVTFeature, type GeoJSONVTTile } from '@maplibre/geojson-vt';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import { TILE_BUFFER, TILE_EXTENT } from './tile-layers.ts';

type Ring = Array<[number, number]>;

function ringArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return Math.abs(sum) / 2;
}

/** Polygons that quantise to nothing are dropped, as ST_AsMVTGeom drops them. */
function hasArea(feature: GeoJSONVTFeature): boolean {
  if (feature.type !== 3) return true;
  return (feature.geometry as unknown as Ring[]).some((ring) => ringArea(ring) > 0);
}

export function encodeTile(layerName: string, collection: GeoJSON.FeatureCollection, z: number, x: number, y: number): Uint8Array {
  if (collection.features.length === 0) return new Uint8Array(0);
  // maxZoom = z: simplify for this zoom only (geojson-vt's tolerance is relative to maxZoom)
  const tile = geoJSONToTile(collection, z, x, y, { extent: TILE_EXTENT, buffer: TILE_BUFFER, clip: true, maxZoom: z, tolerance: 1 });
  if (!tile) return new Uint8Array(0);
  const kept = tile.features.filter(hasArea);
  if (kept.length === 0) return new Uint8Array(0);
  const layers = { [layerName]: { ...tile, features: kept } } as unknown as Record<string, GeoJSONVTTile>;
  return fromGeojsonVt(layers, { version: 2, extent: TILE_EXTENT });
}
