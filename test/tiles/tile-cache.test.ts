import { describe, it, expect } from 'vitest';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { TileCache } from '../../server/tiles/tile-cache.ts';
import { describeEachServer } from '../support/server.ts';

describe('tile cache', () => {
  it('keys by data version, so a new version never hits an old tile', () => {
    const cache = new TileCache(1024);
    cache.set(TileCache.key('clusters', '1.5', 11, 1630, 900, 'native'), new Uint8Array([1, 2, 3]));
    expect(cache.get(TileCache.key('clusters', '1.5', 11, 1630, 900, 'native'))).toEqual(new Uint8Array([1, 2, 3]));
    expect(cache.get(TileCache.key('clusters', '2.6', 11, 1630, 900, 'native'))).toBeUndefined();
    expect(cache.get(TileCache.key('clusters', '1.5', 11, 1630, 900, 'js'))).toBeUndefined();
  });

  it('knows which tiles it holds in some version, until the last one is evicted', () => {
    const cache = new TileCache(1600);
    const id = TileCache.tileId('clusters', 11, 1630, 900, 'native');
    expect(cache.hasTile(id)).toBe(false);
    cache.set(TileCache.key('clusters', '1.5', 11, 1630, 900, 'native'), new Uint8Array(150));
    cache.set(TileCache.key('clusters', '2.6', 11, 1630, 900, 'native'), new Uint8Array(150));
    expect(cache.hasTile(id)).toBe(true);
    expect(cache.hasTile(TileCache.tileId('clusters', 11, 1630, 901, 'native'))).toBe(false);
    // other tiles push both versions out
    for (let i = 0; i < 10; i++) cache.set(`other${i}#1`, new Uint8Array(150));
    expect(cache.hasTile(id)).toBe(false);
  });

  it('evicts the least recently used tiles beyond its byte budget', () => {
    const cache = new TileCache(800);
    const tile = () => new Uint8Array(100);
    for (let i = 0; i < 8; i++) cache.set(`k${i}`, tile());
    expect(cache.size).toBe(8);
    cache.get('k0'); // k0 is now the most recent
    cache.set('k8', tile());
    expect(cache.get('k1')).toBeUndefined();
    expect(cache.get('k0')).toBeDefined();
    expect(cache.size).toBe(8);
  });

  it('does not keep a tile larger than an eighth of the budget', () => {
    const cache = new TileCache(800);
    cache.set('big', new Uint8Array(101));
    expect(cache.get('big')).toBeUndefined();
  });
});

describeEachServer('tiles over HTTP: gzip and cache', (t) => {
  const rawGet = (path: string, encoding: string) =>
    new Promise<{ status: number; encoding: string | undefined; etag: string | undefined; body: Buffer }>((resolve, reject) => {
      http
        .get(t.server.baseUrl + path, { headers: { 'accept-encoding': encoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, encoding: res.headers['content-encoding'], etag: res.headers.etag, body: Buffer.concat(chunks) }));
        })
        .on('error', reject);
    });

  it('serves the same tile bytes gzip-compressed or plain, from the cache the second time', async () => {
    // Hà Nội at z6: provinces are always there
    const plain = await rawGet('/tiles/provinces/6/50/28.pbf', 'identity');
    expect(plain.status).toBe(200);
    expect(plain.encoding).toBeUndefined();
    const first = await rawGet('/tiles/provinces/6/50/28.pbf', 'gzip');
    const second = await rawGet('/tiles/provinces/6/50/28.pbf', 'gzip');
    for (const r of [first, second]) {
      expect(r.status).toBe(200);
      expect(r.encoding).toBe('gzip');
      expect(r.etag).toBe(plain.etag);
      expect(gunzipSync(r.body).equals(plain.body)).toBe(true);
    }
    expect(first.body.length).toBeLessThan(plain.body.length);
  });
});
