import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Database } from '../db/database.ts';
import { NotFoundException } from '../errors.ts';
import { catalog, type LayerId } from '../public-data/layers.ts';
import { cachedNationalExtent } from '../public-data/features.repository.ts';
import { encodeTile } from './js-encoder.ts';
import { TILE_LAYERS, type TileLayer } from './tile-layers.ts';
import { TilesRepository, type TileCoords } from './tiles.repository.ts';
import { TileCache } from './tile-cache.ts';
import { perDatabase } from '../public-data/read-source.ts';

export type EncoderChoice = 'auto' | 'js';

export interface TileResult {
  status: 200 | 204 | 304;
  body?: Uint8Array;
  etag: string;
  cacheControl: string;
  /** set when the tile is versioned: its gzip copy can be cached under the same key */
  cacheKey?: string;
}

export const MVT_MEDIA_TYPE = 'application/vnd.mapbox-vector-tile';

// stale cells waiting for a rebuild in one process; more are picked up by later requests
const MAX_QUEUED_CELLS = 64;

/** Weak comparison of an If-None-Match header with our ETag (lists and * included). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || strip(t) === strip(etag));
}

function weakEtag(...parts: Array<string | number>): string {
  return `W/"${createHash('sha1').update(parts.join('|')).digest('base64url').slice(0, 22)}"`;
}

function notFound(message: string): NotFoundException {
  return new NotFoundException(message, undefined, 'tile-not-found');
}

/**
 * Vector tiles of the public layers. A tile's ETag comes from the latest recorded change of its layer that
 * touches the tile (written by triggers in the writing transaction, sql/043), so every instance agrees, a
 * changed tile never keeps its old ETag, and tiles elsewhere keep theirs; where changes are not tracked the
 * ETag is a hash of the tile bytes.
 */
export class TilesService {
  /** the primary's: cell rebuilds write */
  private readonly repository: TilesRepository;
  /** where tile reads run: the primary or the read standby (server/db/read-routing.ts) */
  private readonly readsOn = perDatabase((db) => (db === this.db ? this.repository : new TilesRepository(db)));
  readonly encoder: 'native' | 'js';
  readonly cache = new TileCache();
  /** gzip copies of versioned tiles: compressing a 200 KB tile on every request costs more than building the reply */
  private readonly gzipCache = new TileCache(32 * 1024 * 1024);
  private readonly queuedCells = new Set<string>();
  private cellWork: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    options: { encoder?: EncoderChoice } = {},
  ) {
    this.repository = new TilesRepository(db);
    this.encoder = options.encoder !== 'js' && db.capabilities.mvt ? 'native' : 'js';
  }

  /** The layer if it exists in this database, with the public-row conditions of its table. */
  async layer(id: string): Promise<{ layer: TileLayer; where: string[] }> {
    if (!Object.hasOwn(TILE_LAYERS, id)) throw notFound(`Unknown tile layer "${id}"`);
    const layer = TILE_LAYERS[id as keyof typeof TILE_LAYERS];
    const sqlLayer = (await catalog(this.db)).layers.get(layer.id);
    if (!sqlLayer) throw notFound(`The tile layer "${id}" has no data table in this database yet`);
    return { layer, where: layer.where };
  }

  parseCoords(layer: TileLayer, z: string, x: string, y: string): TileCoords {
    if (![z, x, y].every((v) => /^\d{1,9}$/.test(v))) throw notFound('Tile coordinates must be non-negative integers');
    const coords = { z: Number(z), x: Number(x), y: Number(y) };
    if (coords.z < layer.minzoom || coords.z > layer.maxzoom) throw notFound(`Zoom ${coords.z} is outside ${layer.minzoom}–${layer.maxzoom} for layer "${layer.id}"`);
    const n = 2 ** coords.z;
    if (coords.x >= n || coords.y >= n) throw notFound(`Tile ${coords.z}/${coords.x}/${coords.y} does not exist`);
    return coords;
  }

  /** `reads`: where the tile is read (default: the primary); the tile cache is shared, keyed by change stamp. */
  async tile(id: string, z: string, x: string, y: string, ifNoneMatch?: string, reads: Database = this.db): Promise<TileResult> {
    const repository = this.readsOn(reads);
    const { layer, where } = await this.layer(id);
    const t = this.parseCoords(layer, z, x, y);
    const etagOf = (stamp: string) => weakEtag('tile', layer.id, stamp, t.z, t.x, t.y, this.encoder);

    // one indexed lookup decides revalidation and cache hits, with no tile work; a tile this process never
    // built and the client does not hold is a certain miss, and its build reads the stamp in the same statement
    const known = ifNoneMatch !== undefined || this.cache.hasTile(TileCache.tileId(layer.id, t.z, t.x, t.y, this.encoder));
    const current = known ? await repository.tileStamp(layer.id, t) : null;
    if (current !== null) {
      if (matchesEtag(ifNoneMatch, etagOf(current))) return { status: 304, etag: etagOf(current), cacheControl: layer.cacheControl };
      const cacheKey = TileCache.key(layer.id, current, t.z, t.x, t.y, this.encoder);
      const cached = this.cache.get(cacheKey);
      if (cached) {
        if (cached.length === 0) return { status: 204, etag: etagOf(current), cacheControl: layer.cacheControl };
        return { status: 200, body: cached, etag: etagOf(current), cacheControl: layer.cacheControl, cacheKey };
      }
    }

    let bytes: Uint8Array;
    let stamp: string | null;
    if (this.encoder === 'native') {
      let cellStale: boolean | undefined;
      ({ tile: bytes, stamp, cellStale } = await repository.mvt(layer, where, t));
      if (cellStale) this.scheduleCellBuild(layer, t.x, t.y);
    } else {
      const r = await repository.features(layer, where, t);
      stamp = r.stamp;
      bytes = encodeTile(layer.id, JSON.parse(r.collection), t.z, t.x, t.y);
    }
    // bytes and stamp come from one snapshot, so the pair is always consistent
    const cacheKey = stamp !== null ? TileCache.key(layer.id, stamp, t.z, t.x, t.y, this.encoder) : undefined;
    if (cacheKey) this.cache.set(cacheKey, bytes);
    const etag = stamp !== null ? etagOf(stamp) : weakEtag('bytes', layer.id, this.encoder, createHash('sha1').update(bytes).digest('hex'));
    if (stamp === null && matchesEtag(ifNoneMatch, etag)) return { status: 304, etag, cacheControl: layer.cacheControl };
    if (bytes.length === 0) return { status: 204, etag, cacheControl: layer.cacheControl };
    return { status: 200, body: bytes, etag, cacheControl: layer.cacheControl, cacheKey };
  }

  /**
   * Rebuilds a stale cell after its tile was served from the features, one cell at a time per process (a
   * burst of requests after an import must not turn into a burst of rebuilds). A failure leaves the cell
   * stale, which only costs speed: its tiles keep being built from the features.
   */
  private scheduleCellBuild(layer: TileLayer, x: number, y: number): void {
    const key = `${layer.id}|${x}/${y}`;
    if (this.queuedCells.has(key) || this.queuedCells.size >= MAX_QUEUED_CELLS) return;
    this.queuedCells.add(key);
    this.cellWork = this.cellWork.then(async () => {
      try {
        await this.repository.buildCell(layer, x, y);
      } catch {
        // stays stale; see above
      } finally {
        this.queuedCells.delete(key);
      }
    });
  }

  /** Builds every stale cell of the layers that keep cells (after a bulk load); returns how many were built. */
  async buildStaleCells(): Promise<number> {
    let built = 0;
    for (const layer of Object.values(TILE_LAYERS)) {
      if (!layer.tileCells || this.encoder !== 'native') continue;
      // a cell written to again while it was built stays stale: it is not retried here
      const attempted = new Set<string>();
      for (;;) {
        const stale = (await this.repository.staleCells(layer, 200 + attempted.size)).filter((c) => !attempted.has(`${c.x}/${c.y}`));
        if (stale.length === 0) break;
        for (const cell of stale) {
          attempted.add(`${cell.x}/${cell.y}`);
          await this.repository.buildCell(layer, cell.x, cell.y);
          built++;
        }
      }
    }
    return built;
  }

  /** Resolves when the cell rebuilds queued so far are done (tests, benchmarks). */
  async settled(): Promise<void> {
    await this.cellWork;
  }

  /** The tile gzip-compressed, from the cache when it is versioned. */
  gzipped(result: TileResult): Uint8Array {
    const cached = result.cacheKey ? this.gzipCache.get(result.cacheKey) : undefined;
    if (cached) return cached;
    // level 1, as nginx does by default: vector tiles gain ~5 % from level 6 at 1.5× the time of a cold tile
    const gz = new Uint8Array(gzipSync(result.body!, { level: 1 }));
    if (result.cacheKey) this.gzipCache.set(result.cacheKey, gz);
    return gz;
  }

  /** Data versions of the tile layers, for clients that bump their source when a layer changes. */
  async versions(reads: Database = this.db): Promise<Record<string, number | null>> {
    const available = (await catalog(this.db)).layers;
    const out: Record<string, number | null> = {};
    for (const id of Object.keys(TILE_LAYERS) as Array<keyof typeof TILE_LAYERS>) {
      if (available.has(id)) out[id] = await this.readsOn(reads).layerVersion(id);
    }
    return out;
  }

  async tileJson(base: string, id: string, reads: Database = this.db) {
    const { layer } = await this.layer(id);
    const [extent, version] = await Promise.all([cachedNationalExtent(this.db), this.readsOn(reads).layerVersion(layer.id)]);
    const sqlLayer = (await catalog(this.db)).layers.get(layer.id as Exclude<LayerId, 'regions'>);
    return {
      tilejson: '3.0.0',
      name: layer.id,
      description: layer.title,
      version: '1.0.0',
      attribution: sqlLayer?.licence.attribution,
      scheme: 'xyz',
      tiles: [`${base}/${layer.id}/{z}/{x}/{y}.pbf`],
      minzoom: layer.minzoom,
      maxzoom: layer.maxzoom,
      bounds: extent,
      center: [105.85, 21.03, Math.max(layer.minzoom, 8)],
      // bumps whenever the layer's data changes; clients may append it to the tile URL to refresh
      data_version: version,
      vector_layers: [{ id: layer.id, description: layer.title, minzoom: layer.minzoom, maxzoom: layer.maxzoom, fields: layer.fields }],
    };
  }
}
