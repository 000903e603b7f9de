/**
 * In-process LRU of encoded tiles keyed by (layer, z/x/y, encoder) and the tile's change stamp. The stamp comes
 * from the database (recorded in the writing transaction), so a cached tile can never be served for newer data
 * and instances stay interchangeable: a cache miss only costs a rebuild.
 */
export class TileCache {
  private readonly entries = new Map<string, Uint8Array>();
  /** tile id → how many stamps of it are cached, so a certain miss needs no stamp lookup */
  private readonly tiles = new Map<string, number>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  static tileId(layer: string, z: number, x: number, y: number, encoder: string): string {
    return `${layer}|${z}/${x}/${y}|${encoder}`;
  }

  static key(layer: string, stamp: string, z: number, x: number, y: number, encoder: string): string {
    return `${TileCache.tileId(layer, z, x, y, encoder)}#${stamp}`;
  }

  /** Whether some version of the tile is cached. */
  hasTile(tileId: string): boolean {
    return this.tiles.has(tileId);
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
    if (this.entries.has(key)) this.remove(key);
    this.entries.set(key, tile);
    this.bytes += tile.length;
    const tileId = key.split('#')[0];
    this.tiles.set(tileId, (this.tiles.get(tileId) ?? 0) + 1);
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(oldest);
    }
  }

  private remove(key: string): void {
    const value = this.entries.get(key);
    if (!value) return;
    this.entries.delete(key);
    this.bytes -= value.length;
    const tileId = key.split('#')[0];
    const left = (this.tiles.get(tileId) ?? 1) - 1;
    if (left > 0) this.tiles.set(tileId, left);
    else this.tiles.delete(tileId);
  }

  get size(): number {
    return this.entries.size;
  }
}
