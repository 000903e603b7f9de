/**
 * Migration 070: a database built before the 2025 division (users and clusters scoped to the 63 provinces) is moved to
 * the 34 units — each old scope goes to the unit that absorbed it — and its clusters gain province_code (2025),
 * province_code_2009 and commune_codes. Run on a fresh database per driver, migrated only up to 069 first.
 */
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Database } from '../../server/db/database.ts';
import { openEmbeddedDatabase } from '../../server/db/embedded.ts';
import { openNativeDatabase } from '../../server/db/native.ts';
import { ensurePostgis } from '../../server/db/capabilities.ts';
import { migrate, MIGRATIONS_DIR } from '../../server/db/migrate.ts';
import { seedAdminGeography, seedCommunes2025 } from '../../server/geography/admin-seed.ts';
import { testDrivers } from '../support/db.ts';
import { squareAround } from '../support/fixtures.ts';

async function freshDatabase(driver: 'embedded' | 'native'): Promise<{ db: Database; drop: () => Promise<void> }> {
  if (driver === 'embedded') {
    const db = await openEmbeddedDatabase();
    return { db, drop: () => db.close() };
  }
  const adminUrl = new URL(inject('nativeTemplateUrl')!);
  adminUrl.pathname = '/postgres';
  const name = `cluster_atlas_mig_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openNativeDatabase({ connectionString: url.toString() });
  return {
    db,
    async drop() {
      await db.close();
      const c = new pg.Client({ connectionString: adminUrl.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** The migrations before the 2025 division, in a folder of their own. */
async function migrationsBefore(number: number): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ca-pre-2025-'));
  for (const name of await readdir(MIGRATIONS_DIR)) {
    if (/^\d{3}_.*\.sql$/.test(name) && Number(name.slice(0, 3)) < number) await copyFile(path.join(MIGRATIONS_DIR, name), path.join(dir, name));
  }
  return dir;
}

for (const driver of testDrivers()) {
  describe(`migration 070: 63-province scopes become 34-unit scopes [${driver}]`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let oldDir: string;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      ({ db, drop } = await freshDatabase(driver));
      await ensurePostgis(db);
      oldDir = await migrationsBefore(70);
      await migrate(db, oldDir);
      await seedAdminGeography(db);
      // accounts and clusters as the platform held them before: scoped to old provinces
      for (const [username, role, province] of [
        ['planner.yenbai', 'planner', '15'],
        ['planner.laocai.old', 'planner', '10'],
        ['reviewer.bacninh.old', 'reviewer', '27'],
        ['planner.bacgiang', 'planner', '24'],
        ['ministry.old', 'ministry', null],
      ] as const) {
        await db.query(`INSERT INTO users (username, password_hash, role, province_code) VALUES ($1, 'x', $2, $3)`, [username, role, province]);
      }
      // a cluster in old Yên Bái (old 15: Yên Bái city area) and one in old Bắc Ninh (27)
      for (const [key, province, lon, lat] of [['yenbai', '15', 104.87, 21.72], ['bacninh', '27', 106.07, 21.18]] as const) {
        const c = await db.query<{ id: string }>(
          `INSERT INTO clusters (code, province_code, head_version, published_version) VALUES ($1, $2, 1, 1) RETURNING id`,
          [`${province}-M01`, province],
        );
        ids[key] = c.rows[0]!.id;
        await db.query(
          `INSERT INTO cluster_versions (cluster_id, version, properties, name, status, province_code, geom, area_ha)
           VALUES ($1, 1, $2, $3, 'operating', $4, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($5), 4326)), 25)`,
          [ids[key], JSON.stringify({ name: `CCN ${key}`, province_code: province }), `CCN ${key}`, province, JSON.stringify(squareAround(lon, lat, 500))],
        );
        await db.query(`INSERT INTO cluster_review_events (cluster_id, version, state) VALUES ($1, 1, 'approved')`, [ids[key]]);
      }
      // now the migration of the 2025 division, then the seed step that loads the communes
      expect(await migrate(db)).toContain('070_division_2025.sql');
      expect(await seedCommunes2025(db)).toBe(true);
    }, 240_000);

    afterAll(async () => {
      await drop?.();
      if (oldDir) await rm(oldDir, { recursive: true, force: true });
    });

    it('maps each old-province scope to the unit that absorbed it, and audits it', async () => {
      const users = await db.query<{ username: string; province_code: string | null }>('SELECT username, province_code FROM users ORDER BY username');
      expect(Object.fromEntries(users.rows.map((u) => [u.username, u.province_code]))).toEqual({
        'ministry.old': null,
        'planner.bacgiang': '24',
        'planner.laocai.old': '15',
        'planner.yenbai': '15',
        'reviewer.bacninh.old': '24',
      });
      const audit = await db.query<{ username: string; details: { province_code_2009: string; province_code: string } }>(
        `SELECT username, details FROM audit_log WHERE action = 'user.scope-2025' ORDER BY username`,
      );
      expect(audit.rows.map((r) => [r.username, r.details.province_code_2009, r.details.province_code])).toEqual([
        ['planner.bacgiang', '24', '24'],
        ['planner.laocai.old', '10', '15'],
        ['planner.yenbai', '15', '15'],
        ['reviewer.bacninh.old', '27', '24'],
      ]);
      // a scope must now be a 2025 unit: old 10 is refused by the foreign key
      await expect(db.query(`UPDATE users SET province_code = '10' WHERE username = 'planner.yenbai'`)).rejects.toThrow();
    });

    it('gives existing clusters their 2025 unit, keeps the old province, and records their communes', async () => {
      const rows = await db.query<{ id: string; province_code: string; province_code_2009: string; v_unit: string; v_old: string; communes: string[] }>(
        `SELECT c.id, c.province_code, c.province_code_2009, v.province_code AS v_unit, v.province_code_2009 AS v_old, v.commune_codes AS communes
         FROM clusters c JOIN cluster_versions v ON v.cluster_id = c.id`,
      );
      const byId = Object.fromEntries(rows.rows.map((r) => [r.id, r]));
      expect(byId[ids.yenbai!]).toMatchObject({ province_code: '15', province_code_2009: '15', v_unit: '15', v_old: '15' });
      expect(byId[ids.bacninh!]).toMatchObject({ province_code: '24', province_code_2009: '27', v_unit: '24', v_old: '27' });
      for (const r of rows.rows) {
        expect(r.communes.length).toBeGreaterThan(0);
        expect(r.communes.every((c) => /^\d{5}$/.test(c))).toBe(true);
        // every commune of the cluster is a commune of its 2025 unit
        const owners = await db.query<{ province_code: string }>('SELECT DISTINCT province_code FROM communes_2025 WHERE code = ANY($1::text[])', [r.communes]);
        expect(owners.rows.map((o) => o.province_code)).toEqual([r.province_code]);
      }
      // versions stay immutable: filling commune_codes was the one allowed change
      await expect(db.query(`UPDATE cluster_versions SET name = 'x' WHERE cluster_id = $1`, [ids.yenbai])).rejects.toThrow(/immutable/);
      await expect(db.query(`UPDATE cluster_versions SET commune_codes = '{}' WHERE cluster_id = $1`, [ids.yenbai])).rejects.toThrow(/immutable/);
    });
  });
}
