import type { Database } from '../db/database.ts';
import { shortReads } from '../public-data/short-query.ts';
import { TILE_BUFFER, TILE_EXTENT, attributesAt, cellsAt, minSizeDegrees, tileGridAt, type TileLayer } from './tile-layers.ts';

export interface TileCoords {
  z: number;
  x: number;
  y: number;
}

/**
 * $1..$3 = z/x/y, $4 = buffer margin (fraction of the tile), $5 = minimum feature size in degrees.
 * env is the tile in Web Mercator; env4326 the buffered tile in lon/lat, for the GiST index.
 */
const BOUNDS = `b AS NOT MATERIALIZED (SELECT ST_TileEnvelope($1, $2, $3) AS env,
                            ST_Transform(ST_TileEnvelope($1, $2, $3, margin => $4::float8), 4326) AS env4326)`;

/**
 * The tile's change stamp: the latest change of the layer whose area touches the buffered tile (sql/043), as
 * "version.microseconds". Tiles no change touched keep their stamp, hence their ETag and cache entries.
 */
function stampOf(layerParam: string): string {
  return `(SELECT c.version || '.' || floor(extract(epoch FROM c.changed_at) * 1000000)::bigint
           FROM layer_changes c, b WHERE c.layer = ${layerParam} AND c.area && b.env4326 ORDER BY c.version DESC LIMIT 1)`;
}

function conditions(layer: TileLayer, where: string[], geom: string, z: number): string {
  return [
    ...where,
    ...(layer.lowZoomIndexes?.filter((i) => z <= i.maxZoom).slice(0, 1).map((i) => i.predicate) ?? []),
    `${geom} && b.env4326`,
    // size filter on the bbox (cheap, no area computation); $5 = 0 keeps everything
    `($5::float8 = 0 OR greatest(ST_XMax(${geom}) - ST_XMin(${geom}), ST_YMax(${geom}) - ST_YMin(${geom})) >= $5::float8)`,
  ].join(' AND ');
}

function params(layer: TileLayer, t: TileCoords): unknown[] {
  return [t.z, t.x, t.y, TILE_BUFFER / TILE_EXTENT, minSizeDegrees(layer, t.z)];
}

// pg_advisory_xact_lock namespace of cell rebuilds
const CELL_LOCK_NAMESPACE = 0x7e11;

/** Grid statements: $6 = scale to the tile's zoom, $7/$8 = the tile's origin on the scaled grid. */
function gridParams(layer: TileLayer, grid: NonNullable<TileLayer['tileGrid']>, t: TileCoords): unknown[] {
  return [...params(layer, t), 2 ** (t.z - grid.zoom), TILE_EXTENT * t.x, TILE_EXTENT * t.y];
}

/** The buffered tile on the stored grid: features inside it need no clipping. */
function gridBox(): string {
  return `g AS (SELECT ST_MakeEnvelope(($7::float8 - ${TILE_BUFFER}) / $6::float8, ($8::float8 - ${TILE_BUFFER}) / $6::float8,
                                      ($7::float8 + ${TILE_EXTENT + TILE_BUFFER}) / $6::float8, ($8::float8 + ${TILE_EXTENT + TILE_BUFFER}) / $6::float8) AS inner_box)`;
}

/** The tile's features (attributes and tile geometry) from the stored grid; needs BOUNDS and gridBox(). */
function gridFeatureRows(layer: TileLayer, grid: NonNullable<TileLayer['tileGrid']>, where: string[], t: TileCoords): string {
  const geom = layer.geom(t.z);
  return `SELECT ${attributeList(layer, t.z)},
                 CASE WHEN ${grid.column} @ g.inner_box
                      THEN ST_Affine(${grid.column}, $6::float8, 0, 0, $6::float8, -$7::float8, -$8::float8)
                      ELSE ST_AsMVTGeom(ST_Transform(${geom}, 3857), b.env, ${TILE_EXTENT}, ${TILE_BUFFER}, true) END AS geom
          FROM ${layer.from}, b, g
          WHERE ${conditions(layer, where, geom, t.z)} AND ${grid.column} IS NOT NULL
          OFFSET 0 /* a fence: otherwise an outer filter on geom evaluates it a second time */`;
}

/** The layer's attributes at zoom z as a select list (`expr AS "name"`). */
function attributeList(layer: TileLayer, z: number): string {
  return attributesAt(layer, z).map(([name, expr]) => `${expr} AS "${name}"`).join(', ');
}

/** The MVT of rows (attribute columns and a tile-space `geom`) as one layer named after the tile layer. */
function asMvt(layer: TileLayer, rows: string): string {
  return `SELECT ST_AsMVT(q, '${layer.id}', ${TILE_EXTENT}, 'geom') FROM (${rows}) q WHERE q.geom IS NOT NULL`;
}

/** A cell's rows: the features' tile geometry collected per value of the cell columns. */
function cellRows(cells: NonNullable<TileLayer['tileCells']>, featureRows: string): string {
  const columns = cells.columns.join(', ');
  return `SELECT ${columns}, ST_CollectionExtract(ST_Collect(f.geom), 3) AS geom
          FROM (${featureRows}) f WHERE f.geom IS NOT NULL GROUP BY ${columns}`;
}

export class TilesRepository {
  constructor(private readonly db: Database) {}

  async layerVersion(layer: string): Promise<number | null> {
    const r = await this.db.query<{ version: number }>('SELECT version FROM layer_versions WHERE layer = $1', [layer]);
    return r.rows[0]?.version ?? null;
  }

  /** The change stamp of one tile (null when the layer's changes are not tracked). */
  async tileStamp(layer: string, t: TileCoords): Promise<string | null> {
    const r = await this.db.query<{ stamp: string | null }>(`WITH ${BOUNDS} SELECT ${stampOf('$5')} AS stamp`, [t.z, t.x, t.y, TILE_BUFFER / TILE_EXTENT, layer]);
    return r.rows[0]?.stamp ?? null;
  }

  /** Native PostGIS: the whole tile in one statement, with the tile's change stamp read in the same snapshot. */
  async mvt(layer: TileLayer, where: string[], t: TileCoords): Promise<{ tile: Uint8Array; stamp: string | null; cellStale?: boolean }> {
    const grid = tileGridAt(layer, t.z);
    if (grid) return this.mvtFromGrid(layer, grid, where, t);
    const geom = layer.geom(t.z);
    const rows = `SELECT ${attributeList(layer, t.z)}, ST_AsMVTGeom(ST_Transform(${geom}, 3857), b.env, ${TILE_EXTENT}, ${TILE_BUFFER}, true) AS geom
                  FROM ${layer.from}, b WHERE ${conditions(layer, where, geom, t.z)}`;
    const r = await shortReads(this.db).query<{ tile: Uint8Array | null; stamp: string | null }>(
      `WITH ${BOUNDS}
       SELECT (${asMvt(layer, rows)}) AS tile, ${stampOf('$6')} AS stamp`,
      [...params(layer, t), layer.id],
    );
    const row = r.rows[0];
    return { tile: row.tile ?? new Uint8Array(0), stamp: row.stamp };
  }

  /**
   * A tile drawn from geometry stored on the pixel grid of a lower zoom (sql/042): scaling by 2^(z − grid zoom)
   * and translating by whole tiles keeps it integer and valid, so only the features crossing the buffered tile
   * edge go through ST_AsMVTGeom (exact geometry, clipped and validated by PostGIS).
   * Where the layer keeps collected cells for this zoom (sql/044) and the tile's cell is current, the tile is
   * the cell's rows; otherwise it is built from the features (and `cellStale` tells the caller to rebuild it).
   */
  private async mvtFromGrid(layer: TileLayer, grid: NonNullable<TileLayer['tileGrid']>, where: string[], t: TileCoords) {
    const features = gridFeatureRows(layer, grid, where, t);
    const cells = cellsAt(layer, t.z);
    if (!cells) {
      const r = await shortReads(this.db).query<{ tile: Uint8Array | null; stamp: string | null }>(
        `WITH ${BOUNDS}, ${gridBox()} SELECT (${asMvt(layer, features)}) AS tile, ${stampOf('$9')} AS stamp`,
        [...gridParams(layer, grid, t), layer.id],
      );
      return { tile: r.rows[0].tile ?? new Uint8Array(0), stamp: r.rows[0].stamp, cellStale: false };
    }
    // a stale cell's tile is the cell built on the fly, so a tile is the same whatever the cell's state
    const stored = `SELECT ${cells.columns.map((c) => `c.${c}`).join(', ')}, c.geom FROM ${cells.table} c WHERE c.x = $2 AND c.y = $3`;
    const r = await shortReads(this.db).query<{ tile: Uint8Array | null; stamp: string | null; cell_current: boolean }>(
      `WITH ${BOUNDS}, ${gridBox()},
       s AS (SELECT EXISTS (SELECT 1 FROM ${cells.state} s WHERE s.x = $2 AND s.y = $3 AND s.built_generation = s.generation) AS cell_current)
       SELECT CASE WHEN s.cell_current THEN (${asMvt(layer, stored)}) ELSE (${asMvt(layer, cellRows(cells, features))}) END AS tile,
              s.cell_current,
              ${stampOf('$9')} AS stamp
       FROM s`,
      [...gridParams(layer, grid, t), layer.id],
    );
    const row = r.rows[0];
    return { tile: row.tile ?? new Uint8Array(0), stamp: row.stamp, cellStale: !row.cell_current };
  }

  /**
   * Rebuilds one cell of collected tile geometry from the features, with the same rows a tile built from the
   * features draws. Marks it current only for the writes its snapshot saw: a write committed meanwhile leaves it
   * stale (its tiles keep being built from the features until the next rebuild).
   */
  async buildCell(layer: TileLayer, x: number, y: number): Promise<void> {
    const cells = layer.tileCells;
    const grid = layer.tileGrid;
    if (!cells || !grid) throw new Error(`layer ${layer.id} keeps no tile cells`);
    const t = { z: cells.zoom, x, y };
    const columns = cells.columns.join(', ');
    await this.db.transaction(async (tx) => {
      // one builder per cell at a time, across instances
      await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [CELL_LOCK_NAMESPACE, x * 4096 + y]);
      const state = await tx.query<{ generation: number }>(`SELECT generation FROM ${cells.state} WHERE x = $1 AND y = $2`, [x, y]);
      const generation = state.rows[0]?.generation ?? 0;
      await tx.query(`DELETE FROM ${cells.table} WHERE x = $1 AND y = $2`, [x, y]);
      await tx.query(
        `WITH ${BOUNDS}, ${gridBox()}
         INSERT INTO ${cells.table} (x, y, ${columns}, geom)
         SELECT $2, $3, ${columns}, geom FROM (${cellRows(cells, gridFeatureRows(layer, grid, layer.where, t))}) c`,
        gridParams(layer, grid, t),
      );
      await tx.query(
        `INSERT INTO ${cells.state} AS s (x, y, generation, built_generation) VALUES ($1, $2, $3, $3)
         ON CONFLICT (x, y) DO UPDATE SET built_generation = EXCLUDED.built_generation WHERE s.generation = EXCLUDED.generation`,
        [x, y, generation],
      );
    });
  }

  /** Cells whose rows are missing or older than the last write, at most `limit`. */
  async staleCells(layer: TileLayer, limit: number): Promise<Array<{ x: number; y: number }>> {
    const cells = layer.tileCells;
    if (!cells) return [];
    const r = await this.db.query<{ x: number; y: number }>(
      `SELECT x, y FROM ${cells.state} WHERE built_generation IS DISTINCT FROM generation ORDER BY x, y LIMIT $1`,
      [limit],
    );
    return r.rows;
  }

  /**
   * For the JavaScript encoder: the features of the buffered tile as a GeoJSON FeatureCollection text,
   * pre-clipped to the buffered tile so huge polygons (provinces) do not travel whole.
   */
  async features(layer: TileLayer, where: string[], t: TileCoords): Promise<{ collection: string; stamp: string | null }> {
    const geom = layer.geom(t.z);
    const attributes = attributesAt(layer, t.z);
    const props = attributes.map(([name, expr]) => `'${name}', ${expr}`).join(', ');
    // where native tiles hold one feature per attribute set (collected cells), so do these
    const grouped = cellsAt(layer, t.z) !== undefined;
    const geometry = grouped ? `ST_CollectionExtract(ST_Collect(ST_ClipByBox2D(${geom}, b.env4326)), 3)` : `ST_ClipByBox2D(${geom}, b.env4326)`;
    const r = await shortReads(this.db).query<{ collection: string; stamp: string | null }>(
      `WITH ${BOUNDS}
       SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce((
                SELECT json_agg(f.feature) FROM (
                  SELECT json_build_object('type', 'Feature', 'properties', json_build_object(${props}),
                           'geometry', ST_AsGeoJSON(${geometry}, 7)::json) AS feature
                  FROM ${layer.from}, b WHERE ${conditions(layer, where, geom, t.z)}
                  ${grouped ? `GROUP BY ${attributes.map(([, expr]) => expr).join(', ')}` : ''}) f), '[]'::json))::text AS collection,
              ${stampOf('$6')} AS stamp`,
      [...params(layer, t), layer.id],
    );
    return r.rows[0];
  }
}
