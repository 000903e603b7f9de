/**
 * In-process LRU of encoded tiles keyed by (layer, the tile's change stamp, z/x/y, encoder). The stamp comes from
 * the database (recorded in the writing transaction), so a cached tile can never be served for newer data and
 * instances stay interchangeable: a cache miss only costs a rebuild.
 */
export class TileCache {
  private readonly entries = new Map<string, Uint8Array>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  static key(layer: string, stamp: string, z: number, x: number, y: number, encoder: string): string {
    return `${layer}|${stamp}|${z}/${x}/${y}|${encoder}`;
  }

  get(key: string): Uint8Array | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // refresh recency
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, tile: Uint8Array): void {
    if (tile.length > this.maxBytes / 8) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.length;
      this.entries.delete(key);
    }
    this.entries.set(key, tile);
    this.bytes += tile.length;
    for (const [oldest, value] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= value.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
