/**
 * The two tile encoders must agree: ST_AsMVT on native PostGIS and the JavaScript encoder (geojson-vt + vt-pbf)
 * used on the embedded driver. Tiles from both drivers are decoded with @mapbox/vector-tile and compared;
 * the JavaScript encoder is also forced on native, so the fallback is proven on the same data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.ts';
import { TilesService } from '../../server/tiles/tiles.service.ts';
import { createTestDatabase, testDrivers, type TestDatabase } from '../support/db.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import { insertResidentialZone } from '../public/cluster-versions.ts';
import { startTestServer } from '../support/server.ts';
import { decodeTile, tileOf, type DecodedFeature } from './decode.ts';

const BN = [106.07, 21.18] as const;
const HN = [105.85, 21.03] as const;

/** Same data in every database, in the same order. */
async function seedFixtures(db: Database) {
  const sizes = [300, 450, 700, 900, 1200, 1500];
  for (let i = 0; i < sizes.length; i++) {
    await insertCluster(db, {
      code: `27-E${i}`,
      name: `Cụm công nghiệp So sánh ${i}`,
      province_code_2009: i % 2 ? '27' : '01',
      status: i % 3 ? 'operating' : 'expanding',
      geometry: squareAround((i % 2 ? BN[0] : HN[0]) + i * 0.013, (i % 2 ? BN[1] : HN[1]) + (i % 3) * 0.011, sizes[i]),
      properties: { investor: i % 2 ? `Nhà đầu tư ${i}` : null, wastewater: i % 3 ? 'operating' : 'none', occupancy_pct: 10 * i + 0.5 },
    });
  }
  await insertCluster(db, { code: '27-EDRAFT', name: 'Cụm công nghiệp Nháp', province_code_2009: '27', review_state: 'submitted', geometry: squareAround(BN[0] + 0.03, BN[1], 800) });
  // a 6 × 6 grid of residential zones of 120–400 m around Bắc Ninh
  for (let i = 0; i < 36; i++) {
    await insertResidentialZone(db, {
      kind: ['urban', 'rural-settlement', 'craft-village', 'sensitive'][i % 4],
      name: `Khu dân cư ${i}`,
      population: i % 5 ? 100 * i : null,
      province_code: '27',
      geometry: squareAround(BN[0] - 0.05 + (i % 6) * 0.017, BN[1] - 0.04 + Math.floor(i / 6) * 0.016, 120 + 8 * i),
    });
  }
}

const TILES: Array<[string, number, number, number]> = [
  ['clusters', ...(Object.values(tileOf(BN[0], BN[1], 8)) as [number, number, number])],
  ['clusters', ...(Object.values(tileOf(BN[0], BN[1], 11)) as [number, number, number])],
  ['clusters', ...(Object.values(tileOf(HN[0], HN[1], 12)) as [number, number, number])],
  ['clusters', ...(Object.values(tileOf(BN[0] + 0.013, BN[1] + 0.011, 14)) as [number, number, number])],
  ['provinces', ...(Object.values(tileOf(BN[0], BN[1], 5)) as [number, number, number])],
  ['provinces', ...(Object.values(tileOf(BN[0], BN[1], 8)) as [number, number, number])],
  ['provinces', ...(Object.values(tileOf(BN[0], BN[1], 10)) as [number, number, number])],
  ['residential-zones', ...(Object.values(tileOf(BN[0], BN[1], 9)) as [number, number, number])],
  // z11–z13 come from the stored z11 grid on native (sql/042)
  ['residential-zones', ...(Object.values(tileOf(BN[0], BN[1], 11)) as [number, number, number])],
  ['residential-zones', ...(Object.values(tileOf(BN[0], BN[1], 12)) as [number, number, number])],
  ['residential-zones', ...(Object.values(tileOf(BN[0] + 0.01, BN[1], 14)) as [number, number, number])],
];

async function render(service: TilesService, layer: string, z: number, x: number, y: number) {
  const r = await service.tile(layer, String(z), String(x), String(y));
  return r.status === 200 ? decodeTile(r.body!) : {};
}

/** Attributes without database-specific ids, sorted, so two databases with the same data compare equal. */
function comparable(features: DecodedFeature[], keepId: boolean) {
  return features
    .map((f) => {
      const { id, ...rest } = f.properties;
      return keepId ? { id, ...rest } : rest;
    })
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function expectSameTiles(a: Awaited<ReturnType<typeof render>>, b: Awaited<ReturnType<typeof render>>, label: string, keepId: boolean) {
  expect(Object.keys(a), label).toEqual(Object.keys(b));
  for (const name of Object.keys(a)) {
    expect(a[name].extent, label).toBe(b[name].extent);
    expect(a[name].features.length, `${label} feature count`).toBe(b[name].features.length);
    expect(comparable(a[name].features, keepId), `${label} attributes`).toEqual(comparable(b[name].features, keepId));
    // same geometry within quantisation/simplification differences: bboxes by attribute match
    const byKey = (fs: DecodedFeature[]) => new Map(fs.map((f) => [JSON.stringify({ ...f.properties, id: undefined }), f]));
    const mb = byKey(b[name].features);
    for (const [key, fa] of byKey(a[name].features)) {
      const fb = mb.get(key)!;
      expect(fb.type, label).toBe(fa.type);
      for (let i = 0; i < 4; i++) expect(Math.abs(fa.bbox[i] - fb.bbox[i]), `${label} bbox ${key}`).toBeLessThanOrEqual(8);
    }
  }
}

describe('tile encoders agree across drivers', () => {
  const handles: Partial<Record<'embedded' | 'native', TestDatabase>> = {};
  const hasNative = testDrivers().includes('native');

  beforeAll(async () => {
    handles.embedded = await createTestDatabase('embedded');
    await seedFixtures(handles.embedded.db);
    if (hasNative) {
      handles.native = await createTestDatabase('native');
      await seedFixtures(handles.native.db);
    }
  });
  afterAll(async () => {
    await handles.embedded?.drop();
    await handles.native?.drop();
  });

  it('the embedded driver uses the JavaScript encoder and its tiles hold the expected layers and features', async () => {
    const js = new TilesService(handles.embedded!.db);
    expect(js.encoder).toBe('js');
    const cl = await render(js, 'clusters', ...(Object.values(tileOf(BN[0], BN[1], 8)) as [number, number, number]));
    expect(Object.keys(cl)).toEqual(['clusters']);
    // all six published clusters are in the z8 tile; the submitted one is not
    expect(cl.clusters.features).toHaveLength(6);
    expect(cl.clusters.features.map((f) => f.properties.name)).not.toContain('Cụm công nghiệp Nháp');
    const rz = await render(js, 'residential-zones', ...(Object.values(tileOf(BN[0], BN[1], 9)) as [number, number, number]));
    // at z9 the threshold is 1.5 screen pixels of a 512 px tile: 0.0020599° of longitude, 213.8 m at 21.2°N, so of
    // the 120 + 8i m zones only i = 12..35 (216–400 m) remain, with the kind as their only attribute
    expect(rz['residential-zones'].features).toHaveLength(24);
    expect(rz['residential-zones'].features.every((f) => Object.keys(f.properties).join() === 'kind')).toBe(true);
    const rz12 = await render(js, 'residential-zones', ...(Object.values(tileOf(BN[0], BN[1], 12)) as [number, number, number]));
    expect(rz12['residential-zones'].features.length).toBeGreaterThan(10);
  });

  it.skipIf(!hasNative)('native ST_AsMVT tiles equal the embedded JavaScript tiles (layer names, counts, attributes, geometry)', async () => {
    const native = new TilesService(handles.native!.db);
    const embedded = new TilesService(handles.embedded!.db);
    expect(native.encoder).toBe('native');
    for (const [layer, z, x, y] of TILES) {
      const label = `${layer} ${z}/${x}/${y}`;
      expectSameTiles(await render(native, layer, z, x, y), await render(embedded, layer, z, x, y), label, false);
    }
  });

  it.skipIf(!hasNative)('the JavaScript encoder forced on native PostGIS gives the same tiles as ST_AsMVT', async () => {
    const mvt = new TilesService(handles.native!.db);
    const forced = new TilesService(handles.native!.db, { encoder: 'js' });
    expect(forced.encoder).toBe('js');
    let nonEmpty = 0;
    for (const [layer, z, x, y] of TILES) {
      const a = await render(mvt, layer, z, x, y);
      const b = await render(forced, layer, z, x, y);
      if (Object.keys(a).length) nonEmpty++;
      expectSameTiles(a, b, `${layer} ${z}/${x}/${y}`, true);
    }
    expect(nonEmpty).toBeGreaterThanOrEqual(8);
  });

  it.skipIf(!hasNative)('the app can be configured to force the JavaScript encoder (tileEncoder: js)', async () => {
    const server = await startTestServer({ driver: 'native', config: { tileEncoder: 'js' } as object });
    try {
      await seedFixtures(server.db);
      const t = tileOf(BN[0], BN[1], 8);
      const res = await fetch(`${server.baseUrl}/tiles/clusters/${t.z}/${t.x}/${t.y}.pbf`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-tile-encoder')).toBe('js');
      expect(decodeTile(new Uint8Array(await res.arrayBuffer())).clusters.features).toHaveLength(6);
    } finally {
      await server.close();
    }
  });
});
