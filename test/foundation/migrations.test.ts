import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it, expect } from 'vitest';
import { describeEachDriver } from '../support/db.ts';
import { listMigrations, migrate, MigrationError, MIGRATIONS_DIR } from '../../server/db/migrate.ts';

async function migrationsDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ca-migrations-'));
  for (const [name, sql] of Object.entries(files)) await writeFile(path.join(dir, name), sql);
  return dir;
}

describeEachDriver('migration runner', (t) => {
  it('has applied every migration in sql/ and running them again changes nothing', async () => {
    const files = await listMigrations(MIGRATIONS_DIR);
    const recorded = await t.db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
    expect(recorded.rows.map((r) => r.name)).toEqual(files.map((f) => f.name));
    const tablesBefore = await t.db.query('SELECT count(*)::int AS n FROM information_schema.tables');
    expect(await migrate(t.db)).toEqual([]);
    const tablesAfter = await t.db.query('SELECT count(*)::int AS n FROM information_schema.tables');
    expect(tablesAfter.rows).toEqual(tablesBefore.rows);
  });

  it('applies pending migrations in numeric order, each once', async () => {
    const dir = await migrationsDir({
      // 902 depends on 901: it only works if 901 ran first
      '902_add_column.sql': 'ALTER TABLE migration_probe ADD COLUMN label text;',
      '901_create_table.sql': 'CREATE TABLE migration_probe (id int PRIMARY KEY);',
      'README.txt': 'not a migration',
    });
    expect(await migrate(t.db, dir)).toEqual(['901_create_table.sql', '902_add_column.sql']);
    expect(await migrate(t.db, dir)).toEqual([]);
    const columns = await t.db.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'migration_probe' ORDER BY column_name",
    );
    expect(columns.rows.map((r) => r.column_name)).toEqual(['id', 'label']);
  });

  it('rolls back a failing migration completely and names the file and the database message', async () => {
    const dir = await migrationsDir({
      '911_ok.sql': 'CREATE TABLE migration_ok (id int);',
      '912_broken.sql': 'CREATE TABLE migration_half (id int);\nINSERT INTO migration_half VALUES (1);\nSELECT * FROM table_that_does_not_exist;',
      '913_after.sql': 'CREATE TABLE migration_after (id int);',
    });
    const error = await migrate(t.db, dir).catch((e) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.file).toBe('912_broken.sql');
    expect(error.message).toContain('912_broken.sql');
    expect(error.message).toMatch(/table_that_does_not_exist/);
    const tables = await t.db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_name IN ('migration_ok', 'migration_half', 'migration_after') ORDER BY table_name",
    );
    // 911 committed; 912 left nothing behind; 913 never ran
    expect(tables.rows.map((r) => r.table_name)).toEqual(['migration_ok']);
    const recorded = await t.db.query<{ name: string }>("SELECT name FROM schema_migrations WHERE name LIKE '91%' ORDER BY name");
    expect(recorded.rows.map((r) => r.name)).toEqual(['911_ok.sql']);
  });

  it('refuses two migrations with the same number', async () => {
    const dir = await migrationsDir({ '921_a.sql': 'SELECT 1;', '921_b.sql': 'SELECT 1;' });
    await expect(migrate(t.db, dir)).rejects.toThrow(/921/);
  });

  it('registers the VN-2000 3-degree zones that PostGIS does not ship, consistent with the shipped 5897', async () => {
    const rows = await t.db.query<{ srid: number; proj4text: string }>(
      'SELECT srid, proj4text FROM spatial_ref_sys WHERE srid BETWEEN 9205 AND 9218 ORDER BY srid',
    );
    expect(rows.rows.map((r) => r.srid)).toEqual([9205, 9206, 9207, 9208, 9209, 9210, 9211, 9212, 9213, 9214, 9215, 9216, 9217, 9218]);
    const shipped = await t.db.query<{ proj4text: string }>('SELECT proj4text FROM spatial_ref_sys WHERE srid = 5897');
    const towgs84 = (s: string) => /\+towgs84=([^ ]+)/.exec(s)?.[1];
    for (const row of rows.rows) expect(towgs84(row.proj4text)).toBe(towgs84(shipped.rows[0].proj4text));
    // a zone with lon_0 = 105 built from our definition must match EPSG:5897 to the millimetre
    const point = await t.db.query<{ x1: number; y1: number; x2: number; y2: number }>(
      `SELECT ST_X(a) x1, ST_Y(a) y1, ST_X(b) x2, ST_Y(b) y2 FROM (SELECT
         ST_Transform(ST_SetSRID(ST_MakePoint(104.75, 22.4), 4326), 5897) a,
         ST_Transform(ST_SetSRID(ST_MakePoint(104.75, 22.4), 4326), '+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 ' ||
           (SELECT substring(proj4text from '\\+towgs84=[^ ]+') FROM spatial_ref_sys WHERE srid = 9208) || ' +units=m +no_defs') b) q`,
    );
    expect(Math.abs(point.rows[0].x1 - point.rows[0].x2)).toBeLessThan(0.001);
    expect(Math.abs(point.rows[0].y1 - point.rows[0].y2)).toBeLessThan(0.001);
    // and 9208 (lon_0 104.75) puts a point on its central meridian at x = 500 km (+ the datum shift, under 200 m)
    const onMeridian = await t.db.query<{ x: number }>(
      'SELECT ST_X(ST_Transform(ST_SetSRID(ST_MakePoint(104.75, 22.4), 4326), 9208)) x',
    );
    expect(Math.abs(onMeridian.rows[0].x - 500000)).toBeLessThan(200);
  });
});
