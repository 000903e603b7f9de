import { beforeAll, expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import { addClusterVersion, insertResidentialZone } from '../public/cluster-versions.ts';
import { decodeTile, tileOf } from './decode.ts';

const BN = [106.07, 21.18] as const;

async function getTile(baseUrl: string, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(baseUrl + path, { headers });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes };
}

describeEachServer('vector tiles', (t) => {
  let clusterId = '';
  const z12 = tileOf(BN[0], BN[1], 12);
  const clusterTile = `/tiles/clusters/${z12.z}/${z12.x}/${z12.y}.pbf`;

  beforeAll(async () => {
    const db = t.server.db;
    clusterId = (await insertCluster(db, { name: 'Cụm công nghiệp Khắc Niệm', province_code_2009: '27', geometry: squareAround(BN[0], BN[1], 800), properties: { investor: 'Công ty A', wastewater: 'operating' } })).id;
    await insertCluster(db, { name: 'Cụm công nghiệp Nháp BN', province_code_2009: '27', review_state: 'draft', geometry: squareAround(BN[0] + 0.01, BN[1], 400) });
    await insertResidentialZone(db, { name: 'Khu dân cư Thử', kind: 'urban', population: 1200, province_code: '27', geometry: squareAround(BN[0] - 0.01, BN[1] + 0.005, 300) });
  });

  it('serves a clusters tile as MVT with the layer name and public attributes', async () => {
    const res = await getTile(t.server.baseUrl, clusterTile);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    expect(res.headers.get('x-tile-encoder')).toBe(t.driver === 'native' ? 'native' : 'js');
    const tile = decodeTile(res.bytes);
    expect(Object.keys(tile)).toEqual(['clusters']);
    expect(tile.clusters.extent).toBe(4096);
    expect(tile.clusters.features).toHaveLength(1);
    const f = tile.clusters.features[0];
    expect(f.type).toBe(3);
    expect(f.properties).toMatchObject({ id: clusterId, name: 'Cụm công nghiệp Khắc Niệm', province_code: '24', province_code_2009: '27', status: 'operating', investor: 'Công ty A', wastewater: 'operating' });
    expect(f.properties.area_ha).toBeCloseTo(64, 0);
    // a z12 tile is ~9.1 km wide at 21°N, 2.23 m per unit of 4096: an 800 m square is ~359 units a side
    expect(f.bbox[2] - f.bbox[0]).toBeGreaterThan(340);
    expect(f.bbox[2] - f.bbox[0]).toBeLessThan(380);
  });

  it('serves residential zones and provinces tiles', async () => {
    const zr = tileOf(BN[0], BN[1], 13);
    const res = await getTile(t.server.baseUrl, `/tiles/residential-zones/${zr.z}/${zr.x}/${zr.y}.pbf`);
    expect(res.status).toBe(200);
    const tile = decodeTile(res.bytes);
    expect(tile['residential-zones'].features.map((f) => f.properties)).toEqual([{ id: expect.any(String), kind: 'urban', name: 'Khu dân cư Thử', population: 1200 }]);
    const zp = tileOf(BN[0], BN[1], 6);
    const prov = decodeTile((await getTile(t.server.baseUrl, `/tiles/provinces/${zp.z}/${zp.x}/${zp.y}.pbf`)).bytes);
    const codes = prov.provinces.features.map((f) => f.properties.code);
    expect(codes).toContain('27');
    expect(codes).toContain('01');
    expect(prov.provinces.features.find((f) => f.properties.code === '27')!.properties).toMatchObject({ name: 'Tỉnh Bắc Ninh', region: 'dong-bang-song-hong' });
  });

  it('answers 204 for an empty tile and 404 for an unknown layer or out-of-range coordinates', async () => {
    const ocean = tileOf(112, 12, 10);
    expect((await getTile(t.server.baseUrl, `/tiles/clusters/${ocean.z}/${ocean.x}/${ocean.y}.pbf`)).status).toBe(204);
    for (const path of ['/tiles/nope/1/0/0.pbf', '/tiles/clusters/17/0/0.pbf', '/tiles/residential-zones/5/25/14.pbf', '/tiles/clusters/2/4/0.pbf', '/tiles/clusters/2/0/-1.pbf', '/tiles/clusters/a/0/0.pbf', '/tiles/nope.json']) {
      expect((await getTile(t.server.baseUrl, path)).status, path).toBe(404);
    }
  });

  it('publishes TileJSON per layer', async () => {
    const res = await t.server.client().get('/tiles/clusters.json');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tilejson: '3.0.0', scheme: 'xyz', minzoom: 0, maxzoom: 16 });
    expect(res.body.tiles).toEqual([`${t.server.baseUrl}/tiles/clusters/{z}/{x}/{y}.pbf`]);
    expect(res.body.vector_layers[0].id).toBe('clusters');
    expect(res.body.vector_layers[0].fields).toHaveProperty('name');
    expect(res.body.bounds).toHaveLength(4);
    const rz = await t.server.client().get('/tiles/residential-zones.json');
    expect(rz.body.minzoom).toBe(8);
  });

  it('sends ETag and Cache-Control and answers If-None-Match with 304', async () => {
    const first = await getTile(t.server.baseUrl, clusterTile);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/".+"$/);
    expect(first.headers.get('cache-control')).toMatch(/no-cache/);
    const again = await getTile(t.server.baseUrl, clusterTile, { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.bytes.length).toBe(0);
    // different tiles never share an ETag
    const other = tileOf(BN[0] + 0.2, BN[1], 12);
    const otherRes = await getTile(t.server.baseUrl, `/tiles/clusters/${other.z}/${other.x}/${other.y}.pbf`);
    expect(otherRes.headers.get('etag')).not.toBe(etag);
  });

  it('changes the ETag and content at once when a new version is approved (no stale tile)', async () => {
    const before = await getTile(t.server.baseUrl, clusterTile);
    const oldEtag = before.headers.get('etag')!;
    expect(decodeTile(before.bytes).clusters.features[0].properties.name).toBe('Cụm công nghiệp Khắc Niệm');

    // a draft and a submitted version change nothing the public sees… but must not be served either
    await addClusterVersion(t.server.db, clusterId, { name: 'Cụm công nghiệp Khắc Niệm (nháp)', geometry: squareAround(BN[0], BN[1], 1200), state: 'submitted', comment: 'mở rộng' });
    const during = await getTile(t.server.baseUrl, clusterTile, { 'If-None-Match': oldEtag });
    expect(during.status).toBe(304);

    await addClusterVersion(t.server.db, clusterId, { name: 'Cụm công nghiệp Khắc Niệm mở rộng', geometry: squareAround(BN[0], BN[1], 1200), state: 'approved', comment: 'duyệt' });
    const revalidated = await getTile(t.server.baseUrl, clusterTile, { 'If-None-Match': oldEtag });
    expect(revalidated.status).toBe(200);
    const newEtag = revalidated.headers.get('etag')!;
    expect(newEtag).not.toBe(oldEtag);
    const f = decodeTile(revalidated.bytes).clusters.features[0];
    expect(f.properties.name).toBe('Cụm công nghiệp Khắc Niệm mở rộng');
    expect(Math.abs((f.properties.area_ha as number) - 144)).toBeLessThan(2);
    expect(Buffer.compare(Buffer.from(revalidated.bytes), Buffer.from(before.bytes))).not.toBe(0);
    // and the new ETag validates
    expect((await getTile(t.server.baseUrl, clusterTile, { 'If-None-Match': newEtag })).status).toBe(304);
    const versions = await t.server.client().get('/tiles/versions.json');
    expect(versions.body.clusters).toBeGreaterThan(0);
  });

  it('changes only the ETags of the tiles a change touches (the old place, the new place and the tile buffers)', async () => {
    const etag = async (layer: string, tile: { z: number; x: number; y: number }) =>
      (await getTile(t.server.baseUrl, `/tiles/${layer}/${tile.z}/${tile.x}/${tile.y}.pbf`)).headers.get('etag')!;
    const moved = (await insertCluster(t.server.db, { name: 'Cụm công nghiệp Di Dời', province_code_2009: '27', geometry: squareAround(BN[0] + 0.3, BN[1] + 0.1, 500) })).id;
    const from = tileOf(BN[0] + 0.3, BN[1] + 0.1, 12);
    const to = tileOf(BN[0] + 0.6, BN[1] + 0.1, 12);
    const far = tileOf(BN[0] - 0.5, BN[1] - 0.3, 12);
    expect(to.x).toBeGreaterThan(from.x + 1);
    const before = { from: await etag('clusters', from), to: await etag('clusters', to), far: await etag('clusters', far), home: await etag('clusters', z12) };

    // a submitted version changes nothing public: every ETag stays
    await addClusterVersion(t.server.db, moved, { name: 'Cụm công nghiệp Di Dời', geometry: squareAround(BN[0] + 0.6, BN[1] + 0.1, 500), state: 'submitted', comment: 'dời' });
    expect(await etag('clusters', from)).toBe(before.from);
    expect(await etag('clusters', to)).toBe(before.to);

    // approving it moves the cluster: the tiles of the old and the new place change, the others answer 304
    await addClusterVersion(t.server.db, moved, { name: 'Cụm công nghiệp Di Dời', geometry: squareAround(BN[0] + 0.6, BN[1] + 0.1, 500), state: 'approved', comment: 'duyệt' });
    expect(await etag('clusters', from)).not.toBe(before.from);
    expect(await etag('clusters', to)).not.toBe(before.to);
    for (const [tile, old] of [[far, before.far], [z12, before.home]] as const) {
      const res = await getTile(t.server.baseUrl, `/tiles/clusters/${tile.z}/${tile.x}/${tile.y}.pbf`, { 'If-None-Match': old });
      expect(res.status).toBe(304);
    }
    expect(decodeTile((await getTile(t.server.baseUrl, `/tiles/clusters/${to.z}/${to.x}/${to.y}.pbf`)).bytes).clusters.features.map((f) => f.properties.name)).toContain('Cụm công nghiệp Di Dời');
    expect((await getTile(t.server.baseUrl, `/tiles/clusters/${from.z}/${from.x}/${from.y}.pbf`)).status).toBe(204);

    // a zone just east of a tile, inside its 64-unit buffer, changes that tile (its buffer draws the zone)
    const z14 = tileOf(BN[0] + 0.2, BN[1] - 0.2, 14);
    const east = ((z14.x + 1) / 2 ** 14) * 360 - 180;
    const buffered = await etag('residential-zones', z14);
    const beyond = await etag('residential-zones', { z: 14, x: z14.x + 2, y: z14.y });
    await insertResidentialZone(t.server.db, { name: 'Khu dân cư Sát Mép', geometry: squareAround(east + 0.0003, BN[1] - 0.2, 20) });
    expect(await etag('residential-zones', z14)).not.toBe(buffered);
    expect(await etag('residential-zones', { z: 14, x: z14.x + 2, y: z14.y })).toBe(beyond);
  });

  it('changes residential-zones ETags when a zone is added', async () => {
    const zr = tileOf(BN[0], BN[1], 13);
    const path = `/tiles/residential-zones/${zr.z}/${zr.x}/${zr.y}.pbf`;
    const before = await getTile(t.server.baseUrl, path);
    await insertResidentialZone(t.server.db, { name: 'Khu dân cư Mới', geometry: squareAround(BN[0] + 0.005, BN[1] - 0.005, 200) });
    const after = await getTile(t.server.baseUrl, path, { 'If-None-Match': before.headers.get('etag')! });
    expect(after.status).toBe(200);
    expect(decodeTile(after.bytes)['residential-zones'].features).toHaveLength(2);
  });
});
