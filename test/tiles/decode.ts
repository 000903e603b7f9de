import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

export interface DecodedFeature {
  type: number;
  properties: Record<string, unknown>;
  /** bbox in tile units of the decoded geometry */
  bbox: [number, number, number, number];
  rings: number;
}

/** Decodes an MVT into layer name → features (sorted by a stable key), for comparisons. */
export function decodeTile(bytes: Uint8Array): Record<string, { extent: number; features: DecodedFeature[] }> {
  const tile = new VectorTile(new PbfReader(bytes));
  const out: Record<string, { extent: number; features: DecodedFeature[] }> = {};
  for (const [name, layer] of Object.entries(tile.layers)) {
    const features: DecodedFeature[] = [];
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      const geometry = f.loadGeometry();
      const xs = geometry.flat().map((p) => p.x);
      const ys = geometry.flat().map((p) => p.y);
      features.push({
        type: f.type,
        properties: { ...f.properties },
        bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
        rings: geometry.length,
      });
    }
    features.sort((a, b) => JSON.stringify(a.properties).localeCompare(JSON.stringify(b.properties)));
    out[name] = { extent: layer.extent, features };
  }
  return out;
}

/** XYZ tile containing lon/lat at zoom z. */
export function tileOf(lon: number, lat: number, z: number): { z: number; x: number; y: number } {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { z, x, y };
}
