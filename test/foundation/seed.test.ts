import { readFileSync } from 'node:fs';
import path from 'node:path';
import { it, expect } from 'vitest';
import { describeEachDriver } from '../support/db.ts';
import { gisDataDir } from '../../server/paths.ts';
import { seedAdminGeography } from '../../server/geography/admin-seed.ts';

const admin = (file: string) => JSON.parse(readFileSync(path.join(gisDataDir, 'admin', file), 'utf8'));
const provinces63 = admin('vn-provinces-63.geojson').features.map((f: any) => f.properties);
const provinces34 = admin('vn-provinces-34-2025.geojson').features.map((f: any) => f.properties);
const regions = admin('vn-regions.json');
const units = admin('vn-admin-units-2019.json');
const zones = admin('vn2000-zones.json').zones;

describeEachDriver('administrative geography seed', (t) => {
  it('loads 6 regions, 63 provinces, 34 units of 2025, the districts and communes', async () => {
    const counts = await t.db.query<Record<string, number>>(
      `SELECT (SELECT count(*) FROM regions)::int regions, (SELECT count(*) FROM provinces)::int provinces,
              (SELECT count(*) FROM provinces_2025)::int provinces_2025, (SELECT count(*) FROM districts)::int districts,
              (SELECT count(*) FROM districts WHERE geom IS NOT NULL)::int districts_with_geometry,
              (SELECT count(*) FROM communes)::int communes, (SELECT count(*) FROM province_vn2000_zones)::int zones`,
    );
    expect(counts.rows[0]).toMatchObject({ regions: 6, provinces: 63, provinces_2025: 34, communes: 10047, zones: 63 });
    // 696 listed districts plus the 11 boundary-only codes the 2025 list has dropped
    expect(counts.rows[0].districts).toBe(707);
    expect(counts.rows[0].districts_with_geometry).toBe(692);
  });

  it('gives every province the GSO code, name and region of gis-data', async () => {
    const rows = await t.db.query<{ code: string; name: string; region_code: string }>('SELECT code, name, region_code FROM provinces ORDER BY code');
    expect(rows.rows).toEqual(provinces63.map((p: any) => ({ code: p.code, name: p.name, region_code: p.region })));
    for (const region of regions) {
      const members = await t.db.query<{ code: string }>('SELECT code FROM provinces WHERE region_code = $1 ORDER BY code', [region.key]);
      expect(members.rows.map((r) => r.code)).toEqual([...region.province_codes].sort());
    }
  });

  it('keeps merged_from of the 2025 units and every province zone', async () => {
    const rows = await t.db.query<{ code: string; merged_from: string[] }>('SELECT code, merged_from FROM provinces_2025 ORDER BY code');
    expect(rows.rows).toEqual(provinces34.map((p: any) => ({ code: p.code, merged_from: p.merged_from })));
    const zoneRows = await t.db.query<{ province_code: string; epsg: number }>('SELECT province_code, epsg FROM province_vn2000_zones ORDER BY province_code');
    expect(zoneRows.rows).toEqual(zones.map((z: any) => ({ province_code: z.province_code, epsg: z.epsg })).sort((a: any, b: any) => a.province_code.localeCompare(b.province_code)));
    expect(units.length).toBe(63);
  });

  it('stores SRID 4326 geometries with GiST indexes, valid display geometry, and seeds once', async () => {
    // vector-tile pixel space (sql/042, sql/044): no SRID, read by key or next to the geographic column's index
    const tileSpace = ['residential_zones.geom_tile_z11', 'residential_zone_cells.geom'];
    const columns = await t.db.query<{ name: string; srid: number }>(
      "SELECT f_table_name || '.' || f_geometry_column AS name, srid FROM geometry_columns WHERE f_table_schema = 'public' AND f_table_name NOT LIKE 'migration_%'",
    );
    expect(columns.rows.length).toBeGreaterThan(0);
    for (const column of columns.rows) expect(column.srid, column.name).toBe(tileSpace.includes(column.name) ? 0 : 4326);
    expect(columns.rows.filter((c) => tileSpace.includes(c.name))).toHaveLength(tileSpace.length);
    const unindexed = await t.db.query<{ table_name: string; column_name: string }>(
      `SELECT c.f_table_name AS table_name, c.f_geometry_column AS column_name FROM geometry_columns c
       WHERE c.f_table_schema = 'public' AND c.f_table_name || '.' || c.f_geometry_column <> ALL ($1::text[]) AND NOT EXISTS (
         SELECT 1 FROM pg_indexes i WHERE i.tablename = c.f_table_name AND i.indexdef ILIKE '%using gist%' AND i.indexdef LIKE '%' || c.f_geometry_column || '%')`,
      [tileSpace],
    );
    expect(unindexed.rows).toEqual([]);
    const invalid = await t.db.query<{ n: number }>('SELECT count(*)::int n FROM provinces WHERE NOT ST_IsValid(geom_display) OR ST_IsEmpty(geom_display)');
    expect(invalid.rows[0].n).toBe(0);
    expect(await seedAdminGeography(t.db)).toBe(false);
  });
});
