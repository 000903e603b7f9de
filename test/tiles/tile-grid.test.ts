/**
 * Residential zones stored on the z11 pixel grid (sql/042) and the tiles drawn from it at z11–z13: the grid
 * geometry is integer, valid and wound as MVT wants on both drivers, follows edits, and the tiles it gives equal
 * the tiles ST_AsMVTGeom makes from the exact geometry (same features, same winding, at most the grid's rounding off).
 */
import { beforeAll, expect, it } from 'vitest';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { describeEachDriver } from '../support/db.ts';
import { squareAround } from '../support/fixtures.ts';
import { insertResidentialZone } from '../public/cluster-versions.ts';
import { TilesRepository } from '../../server/tiles/tiles.repository.ts';
import { TilesService } from '../../server/tiles/tiles.service.ts';
import { TILE_LAYERS, cellsAt, tileGridAt } from '../../server/tiles/tile-layers.ts';
import { tileOf } from './decode.ts';

const BN = [106.07, 21.18] as const;
const HALF_WORLD = 20037508.342789244;

/** lon/lat → global pixel grid of zoom z (extent 4096, y down), unrounded. */
function toGrid(lon: number, lat: number, z: number): [number, number] {
  const scale = (4096 * 2 ** z) / (2 * HALF_WORLD);
  const x = (lon * HALF_WORLD) / 180;
  const y = (Math.log(Math.tan(((90 + lat) * Math.PI) / 360)) * HALF_WORLD) / Math.PI;
  return [(x + HALF_WORLD) * scale, (HALF_WORLD - y) * scale];
}

function signedArea(ring: Array<{ x: number; y: number }>): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[i].x - ring[j].x) * (ring[i].y + ring[j].y);
  return sum;
}

interface Feature {
  key: string;
  bbox: [number, number, number, number];
  /** winding sign of every ring, in order */
  windings: number[];
  coords: number[];
}

function features(bytes: Uint8Array, layer: string): Feature[] {
  if (bytes.length === 0) return [];
  const tile = new VectorTile(new PbfReader(bytes)).layers[layer];
  const out: Feature[] = [];
  for (let i = 0; i < tile.length; i++) {
    const f = tile.feature(i);
    const rings = f.loadGeometry();
    const points = rings.flat();
    out.push({
      key: String(f.properties.id ?? f.properties.kind),
      bbox: [Math.min(...points.map((p) => p.x)), Math.min(...points.map((p) => p.y)), Math.max(...points.map((p) => p.x)), Math.max(...points.map((p) => p.y))],
      windings: rings.map((r) => Math.sign(signedArea(r))),
      coords: points.flatMap((p) => [p.x, p.y]),
    });
  }
  return out.sort((a, b) => a.key.localeCompare(b.key) || a.bbox[0] - b.bbox[0] || a.bbox[1] - b.bbox[1]);
}

/** kind → sorted exterior/interior rings of every polygon in the tile, whatever feature they belong to. */
function ringsByKind(bytes: Uint8Array, layer: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (bytes.length === 0) return out;
  const tile = new VectorTile(new PbfReader(bytes)).layers[layer];
  for (let i = 0; i < tile.length; i++) {
    const f = tile.feature(i);
    const kind = String(f.properties.kind);
    for (const ring of f.loadGeometry()) (out[kind] ??= []).push(JSON.stringify(ring.map((p) => [p.x, p.y])));
  }
  for (const rings of Object.values(out)) rings.sort();
  return out;
}

describeEachDriver('residential zones on the z11 tile grid', (t) => {
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    ids.square = await insertResidentialZone(t.db, { name: 'Ô vuông', geometry: squareAround(BN[0], BN[1], 900) });
    // a self-intersecting ring (a bow tie) that PostGIS accepts on insert
    ids.bowtie = await insertResidentialZone(t.db, {
      name: 'Nơ',
      geometry: { type: 'Polygon', coordinates: [[[BN[0], BN[1] + 0.02], [BN[0] + 0.01, BN[1] + 0.03], [BN[0] + 0.01, BN[1] + 0.02], [BN[0], BN[1] + 0.03], [BN[0], BN[1] + 0.02]]] },
    });
    // 1 m across: below one grid unit (4.5 m here) at z11
    ids.speck = await insertResidentialZone(t.db, { name: 'Hạt', geometry: squareAround(BN[0] + 0.02, BN[1], 1) });
  });

  it('stores each zone snapped to integers on the z11 grid, valid, with exterior rings clockwise on screen', async () => {
    const r = await t.db.query<{ name: string; valid: boolean | null; ccw: boolean | null; wkt: string | null }>(
      `SELECT name, ST_IsValid(geom_tile_z11) AS valid, ST_IsPolygonCCW(geom_tile_z11) AS ccw, ST_AsText(geom_tile_z11) AS wkt
       FROM residential_zones WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [[ids.square, ids.bowtie, ids.speck]],
    );
    const [square, bowtie, speck] = r.rows;
    expect(square.valid).toBe(true);
    // y points down on the grid: counter-clockwise in the stored numbers is clockwise on screen (MVT 2.1)
    expect(square.ccw).toBe(true);
    const numbers = square.wkt!.match(/-?\d+(\.\d+)?/g)!.map(Number);
    expect(numbers.every(Number.isInteger)).toBe(true);
    const ring = squareAround(BN[0], BN[1], 900).coordinates[0];
    const expected = ring.map(([lon, lat]) => toGrid(lon, lat, 11));
    const xs = numbers.filter((_, i) => i % 2 === 0);
    const ys = numbers.filter((_, i) => i % 2 === 1);
    expect(Math.abs(Math.min(...xs) - Math.min(...expected.map((p) => p[0])))).toBeLessThanOrEqual(0.5);
    expect(Math.abs(Math.max(...ys) - Math.max(...expected.map((p) => p[1])))).toBeLessThanOrEqual(0.5);
    expect(bowtie.valid).toBe(true);
    expect(bowtie.wkt).toMatch(/^MULTIPOLYGON/);
    expect(speck.wkt).toBeNull();
  });

  it('follows an edit of the zone in the same statement', async () => {
    const before = await t.db.query<{ xmin: number }>('SELECT ST_XMin(geom_tile_z11) AS xmin FROM residential_zones WHERE id = $1', [ids.square]);
    await t.db.query(`UPDATE residential_zones SET geom = ST_Translate(geom, 0.01, 0) WHERE id = $1`, [ids.square]);
    const after = await t.db.query<{ xmin: number }>('SELECT ST_XMin(geom_tile_z11) AS xmin FROM residential_zones WHERE id = $1', [ids.square]);
    // 0.01° of longitude is 4096 · 2^11 · 0.01 / 360 ≈ 233 grid units
    expect(after.rows[0].xmin - before.rows[0].xmin).toBeCloseTo(233, -1);
    await t.db.query(`UPDATE residential_zones SET geom = ST_Translate(geom, -0.01, 0) WHERE id = $1`, [ids.square]);
  });

  it.runIf(t.driver === 'native')('z11–z13 tiles from the grid equal ST_AsMVTGeom tiles of the exact geometry', async () => {
    // zones on both sides of tile edges, so clipping is exercised
    const z13 = tileOf(BN[0], BN[1], 13);
    const edgeLon = ((z13.x + 1) / 2 ** 13) * 360 - 180;
    for (let i = 0; i < 24; i++) {
      await insertResidentialZone(t.db, {
        kind: ['urban', 'rural-settlement', 'craft-village', 'sensitive'][i % 4],
        name: `Ven mép ${i}`,
        geometry: squareAround(edgeLon - 0.006 + (i % 6) * 0.0025, BN[1] - 0.004 + Math.floor(i / 6) * 0.0025, 150 + 10 * i),
      });
    }
    const repository = new TilesRepository(t.db);
    // one feature per zone here: collected cells (one feature per kind at z11) are compared in the next test
    const layer = { ...TILE_LAYERS['residential-zones'], tileCells: undefined };
    const exact = { ...layer, tileGrid: undefined };
    let compared = 0;
    for (const z of [11, 12, 13]) {
      expect(tileGridAt(layer, z)).toBeDefined();
      const c = tileOf(edgeLon - 0.0001, BN[1], z);
      for (const x of [c.x, c.x + 1]) {
        const fromGrid = features((await repository.mvt(layer, layer.where, { z, x, y: c.y })).tile, layer.id);
        // the 1 m speck collapses on the z11 grid (it is a quarter pixel at z13) and comes back from z14
        const fromExact = features((await repository.mvt(exact, exact.where, { z, x, y: c.y })).tile, layer.id).filter((f) => f.key !== String(ids.speck));
        expect(fromGrid.some((f) => f.key === String(ids.speck))).toBe(false);
        expect(fromGrid.map((f) => f.key), `${z}/${x}`).toEqual(fromExact.map((f) => f.key));
        // the grid is 2^(z−11) tile units at z, and clipped edges may round once more
        const tolerance = 2 ** (z - 11) + 1;
        fromGrid.forEach((f, i) => {
          f.bbox.forEach((v, k) => expect(Math.abs(v - fromExact[i].bbox[k]), `${z}/${x} ${f.key}`).toBeLessThanOrEqual(tolerance));
          expect(f.windings, `${z}/${x} ${f.key} winding`).toEqual(fromExact[i].windings);
          expect(f.coords.every((v) => Number.isInteger(v) && v >= -64 && v <= 4160)).toBe(true);
        });
        compared += fromGrid.length;
      }
    }
    expect(compared).toBeGreaterThan(40);
    // z14 and above still come from the exact geometry, specks included
    expect(tileGridAt(layer, 14)).toBeUndefined();
    const z14 = tileOf(BN[0] + 0.02, BN[1], 14);
    expect(features((await repository.mvt(layer, layer.where, z14)).tile, layer.id).map((f) => f.key)).toContain(String(ids.speck));
  });

  it.runIf(t.driver === 'native')('z11 tiles read from collected cells draw exactly what the features draw, and a write is visible at once', async () => {
    const repository = new TilesRepository(t.db);
    const service = new TilesService(t.db);
    const layer = TILE_LAYERS['residential-zones'];
    const z11 = tileOf(BN[0], BN[1], 11);
    expect(cellsAt(layer, 11)).toBeDefined();
    expect(cellsAt(layer, 12)).toBeUndefined();
    const features = { ...layer, tileCells: undefined };

    // the zones above made the cell stale: its tile comes from the features and the cell is queued
    const first = await repository.mvt(layer, layer.where, z11);
    expect(first.cellStale).toBe(true);
    await service.buildStaleCells();
    const fromCells = await repository.mvt(layer, layer.where, z11);
    expect(fromCells.cellStale).toBe(false);
    const fromFeatures = await repository.mvt(features, features.where, z11);
    expect(fromFeatures.cellStale).toBe(false);
    const cellRings = ringsByKind(fromCells.tile, layer.id);
    expect(Object.keys(cellRings).length).toBeGreaterThan(1);
    expect(cellRings).toEqual(ringsByKind(fromFeatures.tile, layer.id));
    // one feature per kind
    const decoded = new VectorTile(new PbfReader(fromCells.tile)).layers[layer.id];
    expect(decoded.length).toBe(Object.keys(cellRings).length);
    expect(fromCells.stamp).toBe(fromFeatures.stamp);
    // and the tile served while the cell was stale is the same tile
    expect(ringsByKind(first.tile, layer.id)).toEqual(cellRings);
    expect(new VectorTile(new PbfReader(first.tile)).layers[layer.id].length).toBe(decoded.length);

    // a new zone: the same statement's snapshot sees the cell stale, so the very next tile has it
    await insertResidentialZone(t.db, { kind: 'craft-village', name: 'Làng nghề Mới', geometry: squareAround(BN[0] + 0.03, BN[1] + 0.02, 400) });
    const after = await service.tile('residential-zones', String(z11.z), String(z11.x), String(z11.y));
    expect(after.status).toBe(200);
    const afterRings = ringsByKind(after.body!, layer.id);
    expect(afterRings['craft-village'].length).toBe((cellRings['craft-village']?.length ?? 0) + 1);
    // served from the features, the cell is rebuilt in the background, after which it is current again
    await service.settled();
    const rebuilt = await repository.mvt(layer, layer.where, z11);
    expect(rebuilt.cellStale).toBe(false);
    expect(ringsByKind(rebuilt.tile, layer.id)).toEqual(afterRings);
  });
});
