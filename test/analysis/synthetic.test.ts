import { expect, it } from 'vitest';
import { describeEachDriver } from '../support/db.ts';
import { generateSynthetic } from '../../server/analysis/synthetic.ts';

describeEachDriver('synthetic dataset generator', (t) => {
  it('creates the requested clusters and zones, marked synthetic, deterministic per seed', async () => {
    const result = await generateSynthetic(t.db, { clusters: 60, residential: 1500, seed: 42 });
    expect(result).toMatchObject({ clusters: 60, residential: 1500, reused: false });
    const counts = await t.db.query<{ clusters: number; versions: number; zones: number; provinces: number }>(
      `SELECT (SELECT count(*) FROM clusters WHERE source = 'synthetic')::int AS clusters,
              (SELECT count(*) FROM cluster_versions v JOIN clusters c ON c.id = v.cluster_id WHERE c.source = 'synthetic')::int AS versions,
              (SELECT count(*) FROM residential_zones WHERE source = 'synthetic')::int AS zones,
              (SELECT count(DISTINCT province_code) FROM residential_zones)::int AS provinces`,
    );
    expect(counts.rows[0]).toMatchObject({ clusters: 60, versions: 60, zones: 1500 });
    expect(counts.rows[0]!.provinces).toBeGreaterThan(40);
    const stats = await t.db.query<{ min: number; max: number; invalid: number; published: number; touching: number; inside: number }>(
      `SELECT min(v.area_ha) AS min, max(v.area_ha) AS max,
              count(*) FILTER (WHERE NOT ST_IsValid(v.geom))::int AS invalid,
              count(*) FILTER (WHERE c.published_version = 1)::int AS published,
              (SELECT count(*) FROM residential_zones r WHERE r.name LIKE '%(giáp cụm)')::int AS touching,
              (SELECT count(*) FROM residential_zones r WHERE r.name LIKE '%(trong cụm)')::int AS inside
       FROM clusters c JOIN cluster_versions v ON v.cluster_id = c.id WHERE c.source = 'synthetic'`,
    );
    const s = stats.rows[0]!;
    expect(s.min).toBeGreaterThanOrEqual(3.4); // MultiPolygon parts and 5 ha minimum
    expect(s.max).toBeLessThanOrEqual(122);
    expect(s.invalid).toBe(0);
    expect(s.published).toBe(60);
    expect(s.touching + s.inside).toBeGreaterThan(0);
    const invalidZones = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM residential_zones WHERE NOT ST_IsValid(geom)');
    expect(invalidZones.rows[0]!.n).toBe(0);

    // same seed and counts: nothing new; the data is a function of the seed
    const again = await generateSynthetic(t.db, { clusters: 60, residential: 1500, seed: 42 });
    expect(again.reused).toBe(true);
    await expect(generateSynthetic(t.db, { clusters: 61, residential: 1500, seed: 42 })).rejects.toThrow(/seed 42/);
  });

  it('the same seed gives the same geometry, another seed different geometry', async () => {
    const digest = async () =>
      (await t.db.query<{ h: string }>(
        `SELECT md5(string_agg(kind || name || coalesce(population::text, '') || ST_AsText(geom), ',' ORDER BY id)) AS h
         FROM residential_zones WHERE source = 'synthetic' AND id > $1`,
        [before],
      )).rows[0]!.h;
    const clear = async (seed: number) => {
      await t.db.query(`DELETE FROM residential_zones WHERE source = 'synthetic' AND id > $1`, [before]);
      await t.db.query('DELETE FROM synthetic_datasets WHERE seed = $1', [seed]);
    };
    const before = (await t.db.query<{ m: number }>('SELECT coalesce(max(id), 0)::int AS m FROM residential_zones')).rows[0]!.m;
    await generateSynthetic(t.db, { clusters: 0, residential: 300, seed: 7 });
    const a = await digest();
    await clear(7);
    await generateSynthetic(t.db, { clusters: 0, residential: 300, seed: 7 });
    const b = await digest();
    await clear(7);
    await generateSynthetic(t.db, { clusters: 0, residential: 300, seed: 8 });
    const c = await digest();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });
});
