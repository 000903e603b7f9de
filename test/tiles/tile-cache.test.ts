import { describe, it, expect } from 'vitest';
import { TileCache } from '../../server/tiles/tile-cache.ts';

describe('tile cache', () => {
  it('keys by data version, so a new version never hits an old tile', () => {
    const cache = new TileCache(1024);
    cache.set(TileCache.key('clusters', 1, 11, 1630, 900, 'native'), new Uint8Array([1, 2, 3]));
    expect(cache.get(TileCache.key('clusters', 1, 11, 1630, 900, 'native'))).toEqual(new Uint8Array([1, 2, 3]));
    expect(cache.get(TileCache.key('clusters', 2, 11, 1630, 900, 'native'))).toBeUndefined();
    expect(cache.get(TileCache.key('clusters', 1, 11, 1630, 900, 'js'))).toBeUndefined();
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
